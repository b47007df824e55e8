from django.db import models
from django.db.models.functions import Now

from arena.competitions.models import Task
from arena.submissions.models import Submission


class BaselineRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        TRAINING = "training", "Training"
        PREDICTING = "predicting", "Predicting"
        SUBMITTED = "submitted", "Submitted"
        FAILED = "failed", "Failed"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="baseline_runs")
    method = models.CharField(max_length=40)
    preset = models.CharField(max_length=20)
    time_limit = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(db_default=Now())
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fit_seconds = models.FloatField(null=True, blank=True)
    peak_mb = models.FloatField(null=True, blank=True)
    model_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    log_tail = models.TextField(blank=True)
    # Lease of the worker running it (core/leases.py); a run whose worker died is taken back.
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    claim_token = models.CharField(max_length=32, blank=True, db_default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} ({self.preset}) on {self.task} [{self.status}]"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.TRAINING, self.Status.PREDICTING)
