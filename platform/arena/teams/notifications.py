"""E-mail to a competition's teams.

A team invitation: a member gives an address, and the account with that verified address gets
the invite link, unless its owner turned invitations off. The same answer either way, so the
form tells nobody which addresses have accounts.

An announcement: posting one (``competitions.services.announcement_post``) queues
``arena.teams.tasks.mail_announcement``, which mails every participant who takes them, once."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from arena.accounts.mail import notice_send_once, notices_send_once, site_url
from arena.accounts.models import SentMail
from arena.competitions.models import Announcement
from arena.competitions.services import announcement_mailed
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
            },
        )
    return sent


def announcement_recipients(*, announcement: Announcement):
    """Who an announcement is for: the members of the competition's teams that stand (not a
    baseline, not disqualified) who take announcements. Whether each verified an address is
    ``notice_send_once``'s rule."""
    return (
        get_user_model()
        .objects.filter(
            memberships__competition=announcement.competition_id,
            memberships__team__is_baseline=False,
            memberships__team__disqualified_at__isnull=True,
            arena_profile__notify_announcements=True,
        )
        .distinct()
        .order_by("pk")
    )


def announcement_mail(*, announcement_id: int) -> int:
    """E-mails the announcement to each of ``announcement_recipients`` with a verified address,
    once per person (``accounts.SentMail``: a repeated or concurrent job sends nothing twice),
    and records on the announcement how many have it. Returns how many went out in this pass."""
    announcement = (
        Announcement.objects.select_related("competition").filter(pk=announcement_id).first()
    )
    if announcement is None:
        return 0  # deleted before its job ran
    competition = announcement.competition
    key = f"announcement:{announcement.pk}"
    context = {
        "announcement": announcement,
        "competition": competition,
        "link": site_url(reverse("competitions:announcements", args=[competition.slug])),
    }
    sent = notices_send_once(
        users=announcement_recipients(announcement=announcement),
        kind="notify_announcements",
        key=key,
        template="announcement",
        context=context,
    )
    announcement_mailed(
        announcement_id=announcement.pk, count=SentMail.objects.filter(key=key).count()
    )
    return sent
