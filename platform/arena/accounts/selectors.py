"""Reads for accounts: whether the login and sign-up throttles refuse a client, and for how long.

Every count is a sliding window of ``LOGIN_LOCKOUT_SECONDS`` (sign-ups: ``SIGNUP_RATE_LIMIT_
SECONDS``); a limit of 0 turns that count off.
"""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from arena.accounts.devices import LoginClient
from arena.accounts.models import LoginFailure, SignUpRecord


def login_lockout_seconds(*, client: LoginClient) -> int:
    """Seconds before this client may try this username again; 0 if it may now.

    A browser with a valid device cookie for the username is judged only by the failures made
    with that cookie (``LOGIN_FAILURE_LIMIT``). Any other attempt is refused after
    ``LOGIN_FAILURE_LIMIT`` failures for the username from its address,
    ``LOGIN_ADDRESS_FAILURE_LIMIT`` from its address for any username (spraying one password over
    many accounts), or ``LOGIN_USERNAME_FAILURE_LIMIT`` for the username from anywhere (many
    addresses guessing one password), all counting failures without a device cookie.
    """
    if client.device:
        checks = [(LoginFailure.objects.filter(device=client.device), settings.LOGIN_FAILURE_LIMIT)]
    else:
        strangers = LoginFailure.objects.filter(device="")
        checks = [
            (
                strangers.filter(username=client.username, address=client.address),
                settings.LOGIN_FAILURE_LIMIT,
            ),
            (strangers.filter(address=client.address), settings.LOGIN_ADDRESS_FAILURE_LIMIT),
            (strangers.filter(username=client.username), settings.LOGIN_USERNAME_FAILURE_LIMIT),
        ]
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    now = timezone.now()
    free_at = [_free_at(rows, limit=limit, window=window, now=now) for rows, limit in checks]
    return _seconds_until(max((at for at in free_at if at), default=None), now=now)


def signup_retry_seconds(*, address: str) -> int:
    """Seconds before another account may be created from this client network; 0 if now."""
    window = timedelta(seconds=settings.SIGNUP_RATE_LIMIT_SECONDS)
    now = timezone.now()
    free_at = _free_at(
        SignUpRecord.objects.filter(address=address),
        limit=settings.SIGNUP_RATE_LIMIT_COUNT,
        window=window,
        now=now,
    )
    return _seconds_until(free_at, now=now)


def _free_at(rows: QuerySet, *, limit: int, window: timedelta, now: datetime) -> datetime | None:
    # Refused while `limit` rows lie in the window; that ends when the limit-th newest leaves it.
    if limit <= 0:
        return None
    newest = list(
        rows.filter(created_at__gt=now - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[limit - 1 : limit]
    )
    return newest[0] + window if newest else None


def _seconds_until(moment: datetime | None, *, now: datetime) -> int:
    if moment is None or moment <= now:
        return 0
    return math.ceil((moment - now).total_seconds())
