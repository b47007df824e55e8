"""Reads of methods: a team's methods and versions, and who may see a version's code."""

from django.db.models import Prefetch, QuerySet

from arena.competitions.models import Competition
from arena.competitions.selectors import user_is_organizer
from arena.methods.models import Method, MethodVersion
from arena.teams.models import Membership, Team


def methods_of_team(*, team: Team) -> QuerySet[Method]:
    return team.methods.prefetch_related(
        Prefetch("versions", queryset=MethodVersion.objects.select_related("pushed_by"))
    )


def code_visible(*, version: MethodVersion, user) -> bool:
    """A method's code is for its team and the competition's organizers (docs/METHODS.md):
    never for other teams. Reviewers' access waits for the competition's rule on it."""
    team = version.method.team
    if Membership.objects.filter(team=team, user_id=getattr(user, "pk", None)).exists():
        return True
    return user_is_organizer(competition=team.competition, user=user)


def version_for_viewer(*, competition: Competition, version_id: int, user) -> MethodVersion | None:
    """The version if ``user`` may see its code, else None (shown as "not found")."""
    version = (
        MethodVersion.objects.select_related("method__team", "pushed_by")
        .filter(pk=version_id, method__team__competition=competition)
        .first()
    )
    if version is None or not code_visible(version=version, user=user):
        return None
    return version
