"""What the login and sign-up throttles count (accounts/selectors.py reads them in sliding
windows; rows older than the window are deleted as new ones arrive)."""

from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """One failed password check, whatever the way in (login page, admin, a future API)."""

    # Lower-cased and cut to the longest username, so "ALICE" counts for alice and a long
    # made-up name still fits.
    username = models.CharField(max_length=150)
    # core.client_address.client_network of the client: an IPv4 address or an IPv6 /64.
    address = models.CharField(max_length=64)
    # The nonce of a valid device cookie for this username, empty without one: failures from a
    # browser the user logged in with before are counted apart from everyone else's.
    device = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "created_at"], name="loginfail_username_idx"),
            models.Index(fields=["address", "created_at"], name="loginfail_address_idx"),
            models.Index(fields=["device", "created_at"], name="loginfail_device_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class SignUpRecord(models.Model):
    """One account created, and from where: sign-ups are limited per client address."""

    address = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "created_at"], name="signup_address_idx")]

    def __str__(self) -> str:
        return f"sign-up from {self.address} at {self.created_at:%Y-%m-%d %H:%M:%S}"
