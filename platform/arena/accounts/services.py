"""Writes for accounts: counting failed logins so that guessing passwords is slow.

Counters live in the shared cache (a database table, so every web process sees the same
counts). A username is locked for one address after LOGIN_FAILURE_LIMIT failures within
LOGIN_LOCKOUT_SECONDS; an address is locked for every username after four times as many, which
stops spraying one password over many accounts.
"""

from django.conf import settings
from django.core.cache import cache

ADDRESS_FACTOR = 4


def _keys(*, username: str, address: str) -> tuple[str, str]:
    # Hashing is left to the cache backend's key function; usernames are case-insensitive here.
    return f"login-fail:{address}:{username.strip().lower()}", f"login-fail:{address}"


def login_is_locked(*, username: str, address: str) -> bool:
    """Whether another attempt for this username from this address must wait."""
    per_user, per_address = _keys(username=username, address=address)
    limit = settings.LOGIN_FAILURE_LIMIT
    return (cache.get(per_user) or 0) >= limit or (
        cache.get(per_address) or 0
    ) >= limit * ADDRESS_FACTOR


def login_failure_record(*, username: str, address: str) -> None:
    """Counts one failed attempt; the window starts with the first failure."""
    for key in _keys(username=username, address=address):
        if not cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_failures_clear(*, username: str, address: str) -> None:
    """A successful login forgets the user's failures (not the address's)."""
    cache.delete(_keys(username=username, address=address)[0])
