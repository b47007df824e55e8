"""Writes for teams and memberships."""

import logging
import unicodedata

from django.db import IntegrityError, transaction
from django.utils import timezone

from arena.competitions.models import Competition
from arena.competitions.selectors import rules_refusal
from arena.competitions.services import audit_record
from arena.core.errors import UserFacingError
from arena.core.jobs import REFRESH_RESULTS, job_send
from arena.teams.models import Membership, Team

logger = logging.getLogger(__name__)

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


def _require_rules_accepted(*, competition: Competition, user) -> None:
    # Joining a team is how a person enters the competition, so it is where they must have
    # agreed to its rules. Baseline teams are the platform's own and never come this way.
    refusal = rules_refusal(competition=competition, user=user)
    if refusal is not None:
        raise UserFacingError(refusal)


def team_create(*, competition: Competition, user, name: str) -> Team:
    """Creates a team with ``user`` as its owner; a user is in at most one team per competition,
    and only after accepting the competition's current rules."""
    _require_rules_accepted(competition=competition, user=user)
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
    """Adds ``user`` to the team whose invite code this is, within the team size limit, once
    they have accepted the competition's current rules."""
    _require_rules_accepted(competition=competition, user=user)
    code = (invite_code or "").strip()
    try:
        with transaction.atomic():
            # Lock the team so two joins cannot both take the last seat.
            team = (
                Team.objects.select_for_update()
                .filter(competition=competition, invite_code=code, is_baseline=False)
                .first()
            )
            if team is None or team.disqualified_at is not None:
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


def _require_owner(*, team: Team, user) -> None:
    if not team.memberships.filter(user=user, role=Membership.Role.OWNER).exists():
        raise UserFacingError("Only the team's owner can do this.")


def team_rename(*, team: Team, user, name: str) -> Team:
    """Renames a team (owner only); the name rules are those of ``team_create``."""
    _require_owner(team=team, user=user)
    cleaned = team_name_clean(name=name)
    taken = Team.objects.filter(competition_id=team.competition_id, name__iexact=cleaned)
    if taken.exclude(pk=team.pk).exists():
        raise UserFacingError(f"The name {cleaned!r} is taken; choose another.", field="name")
    try:
        with transaction.atomic():
            Team.objects.filter(pk=team.pk).update(name=cleaned)
    except IntegrityError:
        raise UserFacingError("That team name was just taken; choose another.") from None
    team.name = cleaned
    # Stored boards and the comparison name teams; their fingerprint counts rows, not names.
    job_send(name=REFRESH_RESULTS, args=[team.competition_id])
    return team


def _require_not_disqualified(*, team: Team) -> None:
    # Leaving would free the members to start a new team and upload again under a new name.
    if team.disqualified_at is not None:
        raise UserFacingError(
            "Your team is disqualified; its members stay as they are until the organizers "
            "reinstate it."
        )


def team_remove_member(*, team: Team, owner, member_id: int) -> None:
    """Removes a member (owner only). Their past submissions stay with the team."""
    _require_owner(team=team, user=owner)
    _require_not_disqualified(team=team)
    membership = team.memberships.filter(user_id=member_id).first()
    if membership is None:
        raise UserFacingError("That person is not in your team.")
    if membership.role == Membership.Role.OWNER:
        raise UserFacingError("The owner cannot be removed.")
    membership.delete()


def team_leave(*, team: Team, user) -> None:
    """A member leaves the team; the owner cannot leave while others remain."""
    _require_not_disqualified(team=team)
    membership = team.memberships.filter(user=user).first()
    if membership is None:
        raise UserFacingError("You are not in this team.")
    if membership.role == Membership.Role.OWNER and team.memberships.count() > 1:
        raise UserFacingError("Remove the other members before you leave, as the owner.")
    membership.delete()


def team_disqualify(*, team: Team, by, reason: str) -> Team:
    """Takes ``team`` off every leaderboard and the comparison, and closes its uploads.

    Nothing is deleted: its submissions stay for the record, and ``team_reinstate`` undoes it.
    The reason is shown to the team, so it should say which rule was broken.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise UserFacingError("Say why the team is disqualified; its members will read it.")
    if len(reason) > 500:
        raise UserFacingError("Keep the reason under 500 characters.")
    if team.is_baseline:
        raise UserFacingError("Baselines are reference entries and are never ranked; no need.")
    return _team_standing_set(
        team=team,
        by=by,
        disqualified_at=timezone.now(),
        reason=reason,
        action="team.disqualified",
        summary=f"{team.name} disqualified: {reason}",
    )


def team_reinstate(*, team: Team, by) -> Team:
    """Puts a disqualified team back on the leaderboards with all its submissions."""
    return _team_standing_set(
        team=team,
        by=by,
        disqualified_at=None,
        reason="",
        action="team.reinstated",
        summary=f"{team.name} reinstated (was: {team.disqualification_reason})",
    )


def _team_standing_set(
    *, team: Team, by, disqualified_at, reason: str, action: str, summary: str
) -> Team:
    # The decision and its record on the activity page are written together or not at all.
    with transaction.atomic():
        Team.objects.filter(pk=team.pk).update(
            disqualified_at=disqualified_at, disqualification_reason=reason
        )
        audit_record(competition=team.competition, actor=by, action=action, summary=summary)
    # The boards change at once rather than at their next view (which would ask too).
    job_send(name=REFRESH_RESULTS, args=[team.competition_id])
    logger.info(
        "%s: team %s of %s, by %s",
        action,
        team.pk,
        team.competition_id,
        by.pk if by is not None else "the command line",
    )
    team.refresh_from_db()
    return team
