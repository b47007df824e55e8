"""Methods as code: a team's method and its immutable versions (docs/METHODS.md)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Now

from arena.teams.models import Team


class Method(models.Model):
    """A team's method, named by its ``method.yaml``; each push of new content is a version."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="methods")
    name = models.CharField(max_length=80)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint("team", Lower("name"), name="one_method_of_a_name_per_team")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.team.name})"


class MethodVersion(models.Model):
    """One push of a method, never changed afterwards: its files are stored as a zip under
    ``archive_key`` and identified by ``content_hash`` (the same files are the same version)."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    manifest = models.JSONField(help_text="method.yaml as read, with defaults filled in")
    files = models.JSONField(help_text="the package's files, relative paths")
    size_bytes = models.PositiveBigIntegerField()
    archive_key = models.CharField(max_length=200, unique=True)
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pushed_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["method", "number"], name="version_numbers_unique"),
            models.UniqueConstraint(
                fields=["method", "content_hash"], name="one_version_per_content"
            ),
        ]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.method.name} v{self.number}"
