from django.db import models


class WorkerHeartbeat(models.Model):
    """A running Celery worker as its main process last reported itself (core/worker_presence.py).

    Kept in the database rather than asked of the broker: the embedded broker carries no
    broadcasts, so ``celery inspect ping`` cannot see its workers.
    """

    hostname = models.CharField(max_length=255, unique=True)  # Celery's node name: scoring@host
    queues = models.JSONField(default=list)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname
