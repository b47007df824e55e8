"""What the login and sign-up throttles count (accounts/selectors.py reads them in sliding
windows; rows older than the window are deleted as new ones arrive)."""

from django.conf import settings
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


class Profile(models.Model):
    """A user's e-mail standing and which notices they want (accounts/mail.py reads both).

    Nothing but the verification itself is sent to an address until it is verified; the address
    verified is kept, so changing ``User.email`` needs a new verification."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="arena_profile"
    )
    verified_email = models.EmailField(blank=True, default="")
    verified_at = models.DateTimeField(null=True, blank=True)
    # Opt-in notices; invitations are asked for by a person, so they come unless turned off.
    notify_team_invitations = models.BooleanField(
        default=True,
        verbose_name="Team invitations",
        help_text="A team owner invites you by your e-mail address.",
    )
    notify_submission_results = models.BooleanField(
        default=False,
        verbose_name="Submission scored or refused",
        help_text="When one of your uploads is scored, or refused with the reason.",
    )
    notify_results_revealed = models.BooleanField(
        default=False,
        verbose_name="Private results revealed",
        help_text="Once per competition you take part in, when its private results are out.",
    )
    # On unless turned off, unlike the other notices: taking part in a competition is asking to
    # hear from its organizers (a changed deadline or rule reaches everyone it binds), and only
    # members of its teams get them, so nobody hears from a competition they did not join.
    notify_announcements = models.BooleanField(
        default=True,
        db_default=True,  # old code still inserting profiles during an upgrade
        verbose_name="Announcements",
        help_text="News from the organizers of a competition you take part in.",
    )

    def __str__(self) -> str:
        return f"profile of {self.user}"


class SentMail(models.Model):
    """One notice sent to one user, by a key naming what it was about (``submission:12``,
    ``revealed:3``, ``invitation:7``): the row is written before sending, so each is sent once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="sent_mail_once")]

    def __str__(self) -> str:
        return f"{self.key} to {self.user_id}"
