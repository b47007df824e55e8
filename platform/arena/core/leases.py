"""Leases on background jobs: a worker that claims a row keeps proving it is alive.

A job row (a submission being scored, a method run) is claimed with a fresh token and
a heartbeat time. While the job runs, a daemon thread renews the heartbeat every
``JOB_HEARTBEAT_SECONDS``. If the worker dies (``kill -9``, the machine gone, out of memory), the
heartbeat stops, and once it is older than ``JOB_STALE_SECONDS`` the watchdog, or a redelivered
message, may claim the row again. Every write that ends a job names the token it claimed with,
so a worker that was only slow, not dead, cannot overwrite the work of the one that took over.
"""

import logging
import threading
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F, Model, Q
from django.db.models.functions import Now
from django.utils import timezone

logger = logging.getLogger(__name__)


def new_token() -> str:
    return uuid.uuid4().hex


def stale_before(*, now: datetime | None = None) -> datetime:
    """Heartbeats older than this belong to dead workers."""
    return (now or timezone.now()) - timedelta(seconds=settings.JOB_STALE_SECONDS)


def dead_claim(*, now: datetime | None = None) -> Q:
    """Rows whose claim has lapsed: no heartbeat for ``JOB_STALE_SECONDS``."""
    return Q(heartbeat_at__lt=stale_before(now=now)) | Q(heartbeat_at__isnull=True)


def claim(
    *,
    model: type[Model],
    pk: int,
    queued: str,
    running: tuple[str, ...],
    claimed_status: str,
    max_attempts: int,
) -> str | None:
    """Claims a run-like row (``status``, ``started_at``, ``attempts`` and the lease fields): a
    queued one, or one in ``running`` whose lease lapsed and has attempts left. Returns the new
    token, or None when the row is another worker's (or gone)."""
    token = new_token()
    now = timezone.now()
    claimable = Q(status=queued) | (
        Q(status__in=running, attempts__lt=max_attempts) & dead_claim(now=now)
    )
    claimed = model.objects.filter(claimable, pk=pk).update(
        status=claimed_status,
        started_at=now,
        claim_token=token,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


class Heartbeat:
    """Renews ``heartbeat_at`` of one claimed row from a daemon thread while the block runs.

    Used as ``with Heartbeat(model=Submission, pk=..., token=...):``. The thread stops renewing as
    soon as the row is no longer claimed with ``token`` (finished, or taken over).
    """

    def __init__(self, *, model: type[Model], pk: int, token: str):
        self.model, self.pk, self.token = model, pk, token
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True
        )

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=settings.JOB_HEARTBEAT_SECONDS + 5)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    renewed = self.model.objects.filter(pk=self.pk, claim_token=self.token).update(
                        heartbeat_at=Now()
                    )
                except Exception:  # a database blip: try again at the next beat
                    logger.warning("heartbeat of %s %s failed", self.model.__name__, self.pk)
                    continue
                if not renewed:
                    return
        finally:
            connection.close()  # this thread's own connection
