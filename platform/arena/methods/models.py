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


class RunBatch(models.Model):
    """Runs an organizer asked for together ("every method on this task", "fill this track's
    matrix"), followed as one on the competition's runs page."""

    competition = models.ForeignKey(
        "competitions.Competition", on_delete=models.CASCADE, related_name="run_batches"
    )
    title = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class MethodRun(models.Model):
    """Arena running one version of a method on one task in its sandbox (docs/METHODS.md).

    The predictions it writes go through the scoring path of uploads as a submission whose
    origin is "run" (``submission``), so a run is validated and scored like any file, and never
    stands on a prize board. What the sandbox reports is kept: how it ended, which limit stopped
    it, the tails of its output, its time and memory, and the environment it ran in.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUBMITTED = "submitted", "Predictions submitted for scoring"
        FAILED = "failed", "Failed"

    version = models.ForeignKey(MethodVersion, on_delete=models.CASCADE, related_name="runs")
    task = models.ForeignKey("competitions.Task", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    submission = models.OneToOneField(
        "submissions.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="run",
    )
    batch = models.ForeignKey(
        RunBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    # An upload that named this version as the method that produced it: the run checks it.
    reproduces = models.ForeignKey(
        "submissions.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reproductions",
    )
    message = models.TextField(blank=True, help_text="how the run ended, in words")
    stopped_by = models.CharField(max_length=20, blank=True, help_text="the limit that stopped it")
    exit_code = models.IntegerField(null=True, blank=True)
    stdout_tail = models.TextField(blank=True)
    stderr_tail = models.TextField(blank=True)
    wall_seconds = models.FloatField(null=True, blank=True)
    peak_memory_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    environment = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of the worker running it (core/leases.py), as for submissions and baselines.
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True, db_default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} on {self.task}"
