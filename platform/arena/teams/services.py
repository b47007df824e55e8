"""Writes for teams and memberships."""

import unicodedata

from django.db import IntegrityError, transaction

from arena.competitions.models import Competition
from arena.core.errors import UserFacingError
from arena.teams.models import Membership, Team

TEAM_NAME_MAX = 60


def team_name_clean(*, name: str) -> str:
    """Normalizes a team name and refuses names that cannot be shown safely and unambiguously."""
    cleaned = " ".join(unicodedata.normalize("NFC", name or "").split())
    if len(cleaned) < 2:
        raise UserFacingError("A team name needs at least 2 characters.", field="name")
    if len(cleaned) > TEAM_NAME_MAX:
        raise UserFacingError(f"A team name has at most {TEAM_NAME_MAX} characters.", field="name")
    # Control and format characters (zero-width, bidi overrides) make names that look alike.
    if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") for char in cleaned):
        raise UserFacingError("A team name cannot contain invisible characters.", field="name")
    return cleaned


def team_create(*, competition: Competition, user, name: str) -> Team:
    """Creates a team with ``user`` as its owner; a user is in at most one team per competition."""
    cleaned = team_name_clean(name=name)
    if Membership.objects.filter(competition=competition, user=user).exists():
        raise UserFacingError("You are already in a team in this competition.")
    if Team.objects.filter(competition=competition, name__iexact=cleaned).exists():
        raise UserFacingError(f"The name {cleaned!r} is taken; choose another.", field="name")
    try:
        with transaction.atomic():
            team = Team.objects.create(competition=competition, name=cleaned, created_by=user)
            Membership.objects.create(
                team=team, user=user, competition=competition, role=Membership.Role.OWNER
            )
    except IntegrityError:
        # A concurrent request took the name or put the user into a team first.
        raise UserFacingError(
            "That team name was just taken, or you joined a team meanwhile; reload and retry."
        ) from None
    return team


def team_join(*, competition: Competition, user, invite_code: str) -> Team:
    """Adds ``user`` to the team whose invite code this is, within the team size limit."""
    code = (invite_code or "").strip()
    try:
        with transaction.atomic():
            # Lock the team so two joins cannot both take the last seat.
            team = (
                Team.objects.select_for_update()
                .filter(competition=competition, invite_code=code, is_baseline=False)
                .first()
            )
            if team is None:
                raise UserFacingError(
                    "No team in this competition has that invite code.", field="invite_code"
                )
            if Membership.objects.filter(competition=competition, user=user).exists():
                raise UserFacingError("You are already in a team in this competition.")
            if team.memberships.count() >= competition.max_team_size:
                raise UserFacingError(
                    f"{team.name} is full ({competition.max_team_size} members at most)."
                )
            Membership.objects.create(team=team, user=user, competition=competition)
    except IntegrityError:
        raise UserFacingError("You are already in a team in this competition.") from None
    return team
