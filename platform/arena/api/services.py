"""Writes for the API: issuing and revoking personal tokens."""

import hashlib
import secrets

from django.utils import timezone

from arena.api.models import ApiToken
from arena.core.errors import UserFacingError

TOKEN_PREFIX = "arena_"  # noqa: S105 - a marker that makes leaked tokens easy to spot
MAX_TOKENS_PER_USER = 20


def token_hash(*, key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Issues a token; returns it with its secret, which is shown once and never stored."""
    cleaned = " ".join(name.split())[:60]
    if not cleaned:
        raise UserFacingError("Give the token a name, e.g. the machine it is for.", field="name")
    if user.api_tokens.count() >= MAX_TOKENS_PER_USER:
        raise UserFacingError(
            f"You have {MAX_TOKENS_PER_USER} tokens already; revoke one you no longer use."
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=cleaned, key_hash=token_hash(key=key), prefix=key[:12]
    )
    return token, key


def api_token_revoke(*, user, token_id: int) -> None:
    """Deletes one of the user's tokens (someone else's token is "not found")."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise UserFacingError("No such token.")


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The active token with this secret, its last use recorded (at most once a minute)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(key=key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
