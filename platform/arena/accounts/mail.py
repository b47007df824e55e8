"""E-mail to users, through Django's mail framework (EMAIL_* settings).

Two rules hold for every message but the verification itself: it goes only to an address its
user verified (``Profile.verified_email`` equal to ``User.email``), and a notice goes only to
users who asked for its kind (a ``Profile.notify_*`` field). ``notice_send_once`` records each
notice in ``SentMail`` before sending it, so a repeated job sends nothing twice.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from arena.accounts.models import Profile, SentMail

logger = logging.getLogger(__name__)

NOTICE_KINDS = (
    "notify_team_invitations",
    "notify_submission_results",
    "notify_results_revealed",
    "notify_announcements",
)


def profile_for(*, user) -> Profile:
    """The user's profile, created with the defaults the first time it is asked for."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def verified_address(*, user) -> str:
    """The user's e-mail address if they verified it, else ""."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None or not user.email or profile.verified_email.lower() != user.email.lower():
        return ""
    return user.email


def site_url(path: str) -> str:
    """An absolute link for a message sent without a request (``SITE_URL`` + path)."""
    return f"{settings.SITE_URL}{path}"


def mail_send(*, to: str, template: str, context: dict) -> None:
    """Renders ``accounts/email/<template>.txt`` (first line the subject, then a blank line, then
    the body) and sends it to ``to``. Raises what the mail backend raises."""
    text = render_to_string(f"accounts/email/{template}.txt", context)
    subject, _, body = text.strip().partition("\n")
    # A subject never spans lines: a header broken by a stray newline would be refused anyway.
    subject = " ".join(subject.split())
    EmailMessage(subject=subject, body=body.lstrip("\n"), to=[to]).send()


def notice_send_once(*, user, kind: str, key: str, template: str, context: dict) -> bool:
    """Sends one notice of ``kind`` (a ``Profile.notify_*`` field) about ``key`` to ``user``, if
    they asked for it and verified their address, and never twice for the same key.

    The record is written first and removed again if the server refuses the message, so a later
    job tries again; a crash between sending and committing cannot happen twice for a key. True
    when the message went out. A refused message is logged, never raised: a notice is not worth
    failing the work that caused it."""
    if kind not in NOTICE_KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    address = verified_address(user=user)
    if not address or not getattr(profile_for(user=user), kind):
        return False
    try:
        with transaction.atomic():
            record = SentMail.objects.create(user=user, key=key)
    except IntegrityError:
        return False  # sent already (or being sent by another worker)
    try:
        # Every notice ends with where to turn its kind off.
        settings_link = site_url(reverse("accounts:settings"))
        mail_send(
            to=address,
            template=template,
            context={"user": user, "settings_link": settings_link, **context},
        )
    except Exception:
        logger.exception("could not send %s to user %s", key, user.pk)
        SentMail.objects.filter(pk=record.pk).delete()
        return False
    return True


def notices_send_once(*, users, kind: str, key: str, template: str, context: dict) -> int:
    """``notice_send_once`` to each of ``users`` (a queryset) who has not had ``key`` yet; the
    ones who had it are left out in the query, so a repeated job costs one query. Returns how
    many messages went out."""
    sent = 0
    for user in users.exclude(pk__in=SentMail.objects.filter(key=key).values("user")):
        sent += notice_send_once(user=user, kind=kind, key=key, template=template, context=context)
    return sent
