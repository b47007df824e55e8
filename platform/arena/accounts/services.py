"""Writes for accounts: counting failed logins so that guessing passwords is slow, creating
accounts at a limited pace per client address, and the e-mail address: its verification by a
signed link, changing it, and which notices it gets (sending is accounts/mail.py).

Failures are rows in the database (accounts.models), so every web process sees the same counts
and each count is a true sliding window; accounts/selectors.py decides from them, and
accounts/backends.py applies that decision to every password check.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from arena.accounts.devices import LoginClient
from arena.accounts.mail import NOTICE_KINDS, mail_send, profile_for
from arena.accounts.models import LoginFailure, SignUpRecord
from arena.accounts.selectors import signup_retry_seconds
from arena.core.errors import UserFacingError

logger = logging.getLogger(__name__)


class TooManyAttempts(UserFacingError):
    """A refusal that lifts by itself after ``retry_after`` seconds (answered 429)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def login_failure_record(*, client: LoginClient) -> None:
    """Counts one failed login of ``client`` and forgets failures too old to count."""
    now = timezone.now()
    LoginFailure.objects.create(
        username=client.username, address=client.address, device=client.device, created_at=now
    )
    LoginFailure.objects.filter(
        created_at__lte=now - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    ).delete()


def login_failures_clear(*, client: LoginClient) -> None:
    """A successful login forgets the client's own failures for that username: those made from
    its address without a device cookie, and those made with its device cookie. Failures from
    other addresses still count against the username."""
    own = Q(username=client.username, address=client.address, device="")
    if client.device:
        own |= Q(device=client.device)
    LoginFailure.objects.filter(own).delete()


def account_create(*, username: str, email: str, password: str, address: str):
    """Creates an account from a validated sign-up, at most ``SIGNUP_RATE_LIMIT_COUNT`` per
    client network in ``SIGNUP_RATE_LIMIT_SECONDS``; raises ``TooManyAttempts`` beyond that."""
    retry_after = signup_retry_seconds(address=address)
    if retry_after:
        at = timezone.now() + timedelta(seconds=retry_after)
        raise TooManyAttempts(
            f"{settings.SIGNUP_RATE_LIMIT_COUNT} accounts were created from your network in "
            f"the last {duration_text(settings.SIGNUP_RATE_LIMIT_SECONDS)}, the most allowed. "
            f"Try again in {duration_text(retry_after)} (at {at:%H:%M} UTC), or log in if you "
            "already have an account.",
            retry_after=retry_after,
        )
    now = timezone.now()
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password
        )
        SignUpRecord.objects.create(address=address, created_at=now)
    SignUpRecord.objects.filter(
        created_at__lte=now - timedelta(seconds=settings.SIGNUP_RATE_LIMIT_SECONDS)
    ).delete()
    return user


def duration_text(seconds: int) -> str:
    """A wait as "12 minutes", rounded up: never tell someone to come back too early."""
    minutes = max(1, -(-seconds // 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


VERIFY_SALT = "arena.accounts.verify-email"
VERIFY_MAIL_INTERVAL_SECONDS = 60


def email_verification_token(*, user) -> str:
    """A signed, timestamped token naming the user and the address to verify."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT, compress=True)


def email_verification_send(*, user, link_for) -> bool:
    """E-mails ``user`` a link to verify their address: the one message sent to an address
    nobody verified. ``link_for(token)`` makes the absolute link. False (logged) when the server
    refused it, so the page can say to try again. At most one a minute per account, so nobody
    can use Arena to flood an address they typed: ``UserFacingError`` says to wait."""
    if not user.email:
        return False
    if not cache.add(f"arena:verify-mail:{user.pk}", 1, VERIFY_MAIL_INTERVAL_SECONDS):
        raise UserFacingError(
            "A verification link was sent less than a minute ago. Look for it in your inbox "
            "(and the spam folder), or ask again in a minute."
        )
    token = email_verification_token(user=user)
    try:
        mail_send(
            to=user.email,
            template="verify",
            context={"user": user, "link": link_for(token), "days": _verify_days()},
        )
    except Exception:
        logger.exception("could not send the verification e-mail of user %s", user.pk)
        return False
    return True


def _verify_days() -> int:
    return max(1, settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS // 86400)


def email_verify(*, token: str):
    """Marks the address a verification token names as verified; returns the user. Raises
    ``UserFacingError`` for a link that is broken, expired, or for an address changed since."""
    try:
        data = signing.loads(
            token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        raise UserFacingError(
            f"This link has expired (links last {_verify_days()} days). Send yourself a new "
            "one from your account settings."
        ) from None
    except signing.BadSignature:
        raise UserFacingError(
            "This verification link is not valid; copy the whole link from the e-mail, or "
            "send yourself a new one from your account settings."
        ) from None
    user = get_user_model().objects.filter(pk=data.get("user")).first()
    if user is None or (user.email or "").lower() != str(data.get("email", "")).lower():
        raise UserFacingError(
            "This link is for an e-mail address the account no longer has. Send yourself a new "
            "one from your account settings."
        )
    profile = profile_for(user=user)
    profile.verified_email = user.email
    profile.verified_at = timezone.now()
    profile.save(update_fields=["verified_email", "verified_at"])
    return user


def email_change(*, user, email: str) -> bool:
    """Sets the user's address (validated by the form); True when it changed, so it needs a new
    verification (the old one no longer applies: it names the old address)."""
    if (user.email or "").lower() == email.lower():
        return False
    user.email = email
    user.save(update_fields=["email"])
    return True


def notice_preferences_update(*, user, choices: dict[str, bool]) -> None:
    """Saves which notices the user wants (``Profile.notify_*`` fields)."""
    profile = profile_for(user=user)
    for kind in NOTICE_KINDS:
        if kind in choices:
            setattr(profile, kind, bool(choices[kind]))
    profile.save(update_fields=[kind for kind in NOTICE_KINDS if kind in choices])
