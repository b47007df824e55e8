"""Who is trying to log in: the username, the client's network, and whether the browser holds a
device cookie for that username (OWASP's "device cookie" against lockout attacks).

A successful login gives the browser a signed, HttpOnly cookie naming the user and a random
nonce. A later attempt carrying a valid cookie for the same username is counted and locked on its
own, so strangers failing from the same address, or against the same username from anywhere, do
not lock out the real user in a browser they used before.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from arena.core.client_address import client_address, client_network

COOKIE_NAME = "arena_device"
_SALT = "arena.accounts.device-cookie"
_USERNAME_MAX = 150


@dataclass(frozen=True)
class LoginClient:
    username: str  # normalized, see username_key
    address: str  # client_network of the client address
    device: str  # nonce of a valid device cookie for this username, or ""


def username_key(username: str) -> str:
    # Case-insensitive, so changing the case of a name is no way around its count.
    return username.strip().lower()[:_USERNAME_MAX]


def login_client_for(request, *, username: str) -> LoginClient:
    """The client of a login attempt; without a request (a shell, a test client's login()) the
    address is empty and there is no device."""
    key = username_key(username)
    if request is None:
        return LoginClient(username=key, address="", device="")
    return LoginClient(
        username=key,
        address=client_network(client_address(request)),
        device=_device_nonce(request.COOKIES.get(COOKIE_NAME, ""), username=key),
    )


def device_cookie_value(*, username: str) -> str:
    """A fresh signed cookie value for this username, with a new nonce."""
    return signing.dumps({"u": username_key(username), "n": secrets.token_hex(16)}, salt=_SALT)


def device_cookie_max_age() -> int:
    return settings.LOGIN_DEVICE_COOKIE_DAYS * 24 * 3600


def _device_nonce(value: str, *, username: str) -> str:
    if not value:
        return ""
    try:
        payload = signing.loads(value, salt=_SALT, max_age=device_cookie_max_age())
    except signing.BadSignature:  # includes an expired signature
        return ""
    if not isinstance(payload, dict) or payload.get("u") != username:
        return ""
    nonce = payload.get("n")
    return nonce if isinstance(nonce, str) and len(nonce) == 32 else ""
