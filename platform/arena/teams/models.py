import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Now

from arena.competitions.models import Competition


def new_invite_code() -> str:
    return secrets.token_urlsafe(9)


class Team(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=60)
    invite_code = models.CharField(max_length=32, unique=True, default=new_invite_code)
    is_baseline = models.BooleanField(
        default=False,
        help_text="Reference entries: shown on leaderboards, never ranked for prizes.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    # Set by an organizer (teams.services.team_disqualify): the team leaves every leaderboard and
    # the comparison, and may not upload; its submissions are kept, and it can be reinstated.
    disqualified_at = models.DateTimeField(null=True, blank=True)
    # A database default, so code from before this field keeps inserting teams during an upgrade.
    disqualification_reason = models.CharField(max_length=500, blank=True, db_default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "competition", name="team_name_unique_per_competition_ci"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    # Copied from the team so the database itself enforces one team per user per competition.
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "competition"], name="one_team_per_user_per_competition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"
