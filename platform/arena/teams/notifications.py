"""A team invitation by e-mail: a member gives an address, and the account with that verified
address gets the invite link, unless its owner turned invitations off. The same answer either
way, so the form tells nobody which addresses have accounts."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from arena.accounts.mail import notice_send_once, site_url
from arena.core.errors import UserFacingError
from arena.teams.models import Membership, Team
from arena.teams.selectors import team_members


def team_invitation_mail(*, team: Team, inviter, email: str, link: str) -> int:
    """E-mails the invite ``link`` of ``team`` to the accounts whose verified address is
    ``email`` and who take invitations, once per team and account; not to someone already in a
    team of the competition. Raises ``UserFacingError`` when the inviter may not invite (not a
    member, the team full or disqualified). Returns how many messages went out."""
    members = team_members(team=team)
    if not any(m.user_id == inviter.pk for m in members):
        raise UserFacingError("Only members of a team can invite to it.")
    if team.disqualified_at:
        raise UserFacingError("A disqualified team cannot take new members.", field="email")
    if len(members) >= team.competition.max_team_size:
        raise UserFacingError(
            f"The team already has {len(members)} of {team.competition.max_team_size} members; "
            "a member must leave before you invite someone.",
            field="email",
        )
    taken = Membership.objects.filter(competition=team.competition).values("user")
    sent = 0
    for user in get_user_model().objects.filter(email__iexact=email).exclude(pk__in=taken):
        sent += notice_send_once(
            user=user,
            kind="notify_team_invitations",
            key=f"invitation:{team.pk}",
            template="team_invitation",
            context={
                "team": team,
                "inviter": inviter,
                "link": link,
                "settings_link": site_url(reverse("accounts:settings")),
            },
        )
    return sent
