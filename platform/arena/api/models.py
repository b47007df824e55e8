"""Personal API tokens: several per user, named, stored only as a hash, revocable."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=60)
    # SHA-256 of the secret: a leaked database does not leak usable tokens.
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters, shown so a user can tell tokens apart.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(db_default=Now())
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"
