"""The staff's status page: queues, waiting work, scoring latency, workers."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from arena.celery import app as celery_app
from arena.core.models import WorkerHeartbeat
from arena.submissions.models import Submission, SubmissionStatus

QUEUES = ("scoring", "methods")


@dataclass(frozen=True)
class PlatformStatus:
    queue_depths: dict[str, int | None]  # None: the broker could not tell
    queue_workers: dict[str, int]  # workers alive that consume each queue
    queued: int
    scoring: int
    oldest_queued_at: datetime | None
    latency_p50: float | None  # seconds from upload to scored, over the window
    latency_p95: float | None
    scored_in_window: int
    workers: list[WorkerHeartbeat]  # heard from within WORKER_ALIVE_SECONDS
    silent_workers: list[WorkerHeartbeat]  # heard from before that, never shut down


def _queue_depths() -> dict[str, int | None]:
    depths: dict[str, int | None] = {}
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as connection:
            channel = connection.channel()
            for queue in QUEUES:
                try:
                    _, size, _ = channel.queue_declare(queue=queue, passive=True)
                    depths[queue] = int(size)
                except Exception:  # noqa: BLE001 - a queue nobody declared yet
                    depths[queue] = 0
    except Exception:  # noqa: BLE001 - broker down: the page still shows the rest
        return dict.fromkeys(QUEUES)
    return depths


def workers_by_presence(*, now: datetime) -> tuple[list[WorkerHeartbeat], list[WorkerHeartbeat]]:
    """(workers alive, workers silent): alive ones wrote a heartbeat within
    ``WORKER_ALIVE_SECONDS``; silent ones did earlier and never said they were shutting down
    (killed, or their machine is gone)."""
    alive_since = now - timedelta(seconds=settings.WORKER_ALIVE_SECONDS)
    heartbeats = list(WorkerHeartbeat.objects.order_by("hostname"))
    alive = [beat for beat in heartbeats if beat.seen_at >= alive_since]
    silent = [beat for beat in heartbeats if beat.seen_at < alive_since]
    return alive, silent


def platform_status(*, window: timedelta = timedelta(days=1)) -> PlatformStatus:
    now = timezone.now()
    queued = Submission.objects.filter(status=SubmissionStatus.QUEUED)
    oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
    recent = Submission.objects.filter(
        status=SubmissionStatus.SCORED, finished_at__gte=now - window
    ).values_list("created_at", "finished_at")[:10_000]
    latencies = np.array([(done - made).total_seconds() for made, done in recent])
    alive, silent = workers_by_presence(now=now)
    return PlatformStatus(
        queue_depths=_queue_depths(),
        queue_workers={queue: sum(queue in worker.queues for worker in alive) for queue in QUEUES},
        queued=queued.count(),
        scoring=Submission.objects.filter(status=SubmissionStatus.SCORING).count(),
        oldest_queued_at=oldest,
        latency_p50=float(np.percentile(latencies, 50)) if len(latencies) else None,
        latency_p95=float(np.percentile(latencies, 95)) if len(latencies) else None,
        scored_in_window=len(latencies),
        workers=alive,
        silent_workers=silent,
    )


@login_required
@require_GET
def platform_status_page(request):
    """Staff see how the queues and workers are doing.

    Not organizers: the counts span every competition, and organizing one gives no claim on
    the others' activity.
    """
    if not (request.user.is_staff or request.user.is_superuser):
        raise PermissionDenied("Only staff see the platform's status.")
    return render(
        request,
        "core/status.html",
        {"status": platform_status(), "alive_seconds": settings.WORKER_ALIVE_SECONDS},
    )
