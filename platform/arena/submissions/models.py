from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from arena.competitions.models import Task
from arena.teams.models import Team


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SCORING = "scoring", "Scoring"
    SCORED = "scored", "Scored"
    INVALID = "invalid", "Invalid"
    FAILED = "failed", "Failed"


PENDING_STATUSES = (SubmissionStatus.QUEUED, SubmissionStatus.SCORING)


class SubmissionOrigin(models.TextChoices):
    """Where a predictions file came from. Uploads and the built-in baselines' runs stand on
    boards (a baseline team's entries are never ranked); only uploads count against quotas and
    may be finals. A team's run is its method's predictions made by Arena in its sandbox
    (docs/METHODS.md), scored on the same path but kept off boards."""

    UPLOAD = "upload", "Uploaded"
    RUN = "run", "Run by Arena"
    # A run of a built-in baseline (baselines/): on boards like an upload, never ranked.
    BASELINE = "baseline", "Run of a built-in baseline"


BOARD_ORIGINS = (SubmissionOrigin.UPLOAD, SubmissionOrigin.BASELINE)


def on_boards(*, submission_path: str = "") -> models.Q:
    """Filters rows to submissions that stand on boards and comparisons: uploads and the
    baselines' runs, not teams' runs. ``submission_path`` is the lookup from the filtered model
    ("submission__" for scores)."""
    return models.Q(**{f"{submission_path}origin__in": BOARD_ORIGINS})


def on_prize_boards(*, submission_path: str = "") -> models.Q:
    """``on_boards`` and made during the challenge: what the prize boards and the comparison
    rank. Late uploads (``after_end``) stand on the after-the-challenge board only."""
    return on_boards(submission_path=submission_path) & models.Q(
        **{f"{submission_path}after_end": False}
    )


class Submission(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="submissions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.QUEUED
    )
    origin = models.CharField(
        max_length=10, choices=SubmissionOrigin.choices, db_default=SubmissionOrigin.UPLOAD
    )
    # Key in private storage, chosen by the platform; the user's file name is only displayed.
    file_key = models.CharField(max_length=200, unique=True)
    # The scored predictions as class codes in answer-key order (.npy), for paired comparisons.
    codes_key = models.CharField(max_length=220, blank=True)
    original_name = models.CharField(max_length=200)
    size_bytes = models.PositiveBigIntegerField()
    # SHA-256 of the uploaded bytes: a team re-sending a file it already sent is warned.
    content_hash = models.CharField(max_length=64, blank=True, db_default="")
    comment = models.CharField(max_length=300, blank=True)  # the method's short description
    # What reviewers compare: methods, not only teams. Editable by the team until the reveal.
    method_name = models.CharField(max_length=80, blank=True)
    tags = models.JSONField(default=list, blank=True)
    code_url = models.URLField(max_length=300, blank=True)
    is_final = models.BooleanField(
        default=False, help_text="Chosen by the team to count for the private leaderboard."
    )
    # Uploaded after the competition ended (when it takes late uploads): scored like any, kept
    # off the prize boards and the comparison, ranked on the task's "after the challenge" board.
    after_end = models.BooleanField(default=False, db_default=False)
    error_message = models.TextField(blank=True)
    # Per-class report and confusion matrix of the public rows (never the private ones).
    public_details = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The lease of the worker scoring it (core/leases.py): a token per claim and a heartbeat the
    # worker renews, so a dead worker's claim lapses within a minute and the job is taken back.
    claim_token = models.CharField(max_length=32, blank=True, db_default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the scoring message was last sent; the watchdog sends it again if nothing came of it.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # The client's Idempotency-Key: a retried upload whose first answer was lost (a dropped
    # connection, a database restart after the commit) returns this submission, not a second one.
    client_key = models.CharField(max_length=64, blank=True, db_default="")
    created_at = models.DateTimeField(db_default=Now())
    scoring_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["task", "team", "status"], name="submission_task_team_status"),
            models.Index(fields=["status", "created_at"], name="submission_status_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "client_key"],
                condition=~models.Q(client_key=""),
                name="submission_client_key_once_per_team",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.team} on {self.task.slug} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES


class ScoreSplit(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class Score(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    split = models.CharField(max_length=10, choices=ScoreSplit.choices)
    metric = models.CharField(max_length=40)
    value = models.FloatField()
    # The task version the score was computed against; older versions are kept for history
    # when the answers or the metric change, and only the task's current version is ranked.
    task_version = models.PositiveIntegerField(default=1)
    # 95% bootstrap confidence interval, computed once by the worker right after scoring.
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["split", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "task_version", "split", "metric"],
                name="score_unique_per_version_split_metric",
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} ({self.split}) = {self.value:.4f}"
