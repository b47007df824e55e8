"""Reads for teams."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from arena.competitions.models import AuditEvent, Competition
from arena.teams.models import Membership, Team


def team_for_user(*, competition: Competition, user) -> Team | None:
    """The user's team in this competition, or None."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.select_related("team").filter(competition=competition, user=user).first()
    )
    return membership.team if membership else None


def standing_teams(*, team_path: str) -> Q:
    """Filters rows to teams that stand on leaderboards and in comparisons.

    ``team_path`` is the lookup from the filtered model to its team (``"submission__team"`` for
    scores). A disqualified team stands nowhere; nor does a team whose members have all left,
    since nobody answers for it and its members may now compete in another team.
    """
    has_members = Exists(Membership.objects.filter(team_id=OuterRef(f"{team_path}_id")))
    return Q(**{f"{team_path}__disqualified_at__isnull": True}) & Q(has_members)


def team_members(*, team: Team) -> list[Membership]:
    return list(team.memberships.select_related("user").order_by("joined_at"))


@dataclass(frozen=True)
class TeamOverview:
    team: Team
    members: list[str]
    emails: list[str]
    submissions: int
    scored: int
    last_submitted_at: datetime | None


def teams_search(*, competition: Competition, query: str = "") -> QuerySet[Team]:
    """The participating teams (baselines left out, disqualified ones included) whose name, or
    a member's username or e-mail, contains ``query`` in any case; all of them when it is
    blank. Annotated with their submission counts, members prefetched, disqualified teams last:
    what organizers look at to run a competition. Turn rows into ``TeamOverview`` with
    ``team_overviews`` once sliced to a page, so a page of teams costs two queries."""
    teams = Team.objects.filter(competition=competition, is_baseline=False)
    query = query.strip()
    if query:
        # A subquery, not a join on members: a join would repeat a team once per member that
        # matches and multiply its submission counts.
        member_matches = Membership.objects.filter(team_id=OuterRef("pk")).filter(
            Q(user__username__icontains=query) | Q(user__email__icontains=query)
        )
        teams = teams.filter(Q(name__icontains=query) | Exists(member_matches))
    return (
        teams.annotate(
            submission_count=Count("submissions"),
            scored_count=Count("submissions", filter=Q(submissions__status="scored")),
            last_submitted_at=Max("submissions__created_at"),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by("joined_at", "pk"),
            )
        )
        .order_by(F("disqualified_at").asc(nulls_first=True), Lower("name"), "pk")
    )


def team_overviews(*, teams: Iterable[Team]) -> list[TeamOverview]:
    """Rows of ``teams_search`` (or a page of them) as the Teams page and its CSV show them."""
    rows = []
    for team in teams:
        memberships = list(team.memberships.all())
        rows.append(
            TeamOverview(
                team=team,
                members=[membership.user.username for membership in memberships],
                emails=[
                    membership.user.email for membership in memberships if membership.user.email
                ],
                submissions=team.submission_count,
                scored=team.scored_count,
                last_submitted_at=team.last_submitted_at,
            )
        )
    return rows


def teams_count(*, competition: Competition) -> int:
    """How many teams take part (baselines left out), whatever a search shows of them."""
    return Team.objects.filter(competition=competition, is_baseline=False).count()


def team_for_organizer(*, competition: Competition, team_id: int) -> Team:
    """A participating team of ``competition`` (not a baseline), or 404. The caller has checked
    that the user organizes it."""
    return get_object_or_404(
        Team.objects.select_related("created_by"),
        competition=competition,
        is_baseline=False,
        pk=team_id,
    )


def team_decisions(*, team: Team, limit: int = 100) -> list[AuditEvent]:
    """The organizers' recorded decisions on ``team`` (disqualified, reinstated), newest first,
    from the competition's activity log.

    The log keeps a summary, not the team, so events are matched by the name they begin with
    (``teams.services`` writes "<name> disqualified: ..." and "<name> reinstated (...)"): a
    decision taken under a team's former name is not found here, though the current standing,
    on the team itself, always is.
    """
    name = team.name
    return list(
        AuditEvent.objects.filter(competition_id=team.competition_id)
        .filter(
            Q(action="team.disqualified", summary__startswith=f"{name} disqualified:")
            | Q(action="team.reinstated", summary__startswith=f"{name} reinstated (")
        )
        .select_related("actor")[:limit]
    )
