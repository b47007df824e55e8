"""Reads for teams."""

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


def team_members(*, team: Team) -> list[Membership]:
    return list(team.memberships.select_related("user").order_by("joined_at"))
