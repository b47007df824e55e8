"""Writes for accounts: counting failed logins so that guessing passwords is slow, and creating
accounts at a limited pace per client address.

Failures are rows in the database (accounts.models), so every web process sees the same counts
and each count is a true sliding window; accounts/selectors.py decides from them, and
accounts/backends.py applies that decision to every password check.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from arena.accounts.devices import LoginClient
from arena.accounts.models import LoginFailure, SignUpRecord
from arena.accounts.selectors import signup_retry_seconds
from arena.core.errors import UserFacingError


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
