"""Reads for teams."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q
from django.db.models.functions import Lower

from arena.competitions.models import Competition
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
    submissions: int
    scored: int
    last_submitted_at: datetime | None


def teams_overview(*, competition: Competition) -> list[TeamOverview]:
    """Every participating team (baselines left out) with its members and submission counts,
    disqualified ones included: what organizers look at to run a competition. Two queries."""
    teams = (
        Team.objects.filter(competition=competition, is_baseline=False)
        .annotate(
            submission_count=Count("submissions"),
            scored_count=Count("submissions", filter=Q(submissions__status="scored")),
            last_submitted_at=Max("submissions__created_at"),
        )
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("user"))
        )
        .order_by(F("disqualified_at").asc(nulls_first=True), Lower("name"))
    )
    return [
        TeamOverview(
            team=team,
            members=[membership.user.username for membership in team.memberships.all()],
            submissions=team.submission_count,
            scored=team.scored_count,
            last_submitted_at=team.last_submitted_at,
        )
        for team in teams
    ]
