"""Reads for the organizers' status page: queues, waiting work, scoring latency, workers."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

QUEUES = ("scoring", "training")


@dataclass(frozen=True)
class PlatformStatus:
    queue_depths: dict[str, int | None]  # None: the broker could not tell
    queued: int
    scoring: int
    oldest_queued_at: datetime | None
    latency_p50: float | None  # seconds from upload to scored, over the window
    latency_p95: float | None
    scored_in_window: int
    workers: list[str] | None  # None: the broker does not support asking


def _queue_depths() -> dict[str, int | None]:
    from arena.celery import app

    depths: dict[str, int | None] = {}
    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as connection:
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


def _workers() -> list[str] | None:
    from arena.celery import app

    try:
        replies = app.control.inspect(timeout=1.0).ping() or {}
    except Exception:  # noqa: BLE001 - e.g. the embedded broker has no broadcast
        return None
    return sorted(replies)


def platform_status(*, window: timedelta = timedelta(days=1)) -> PlatformStatus:
    from arena.submissions.models import Submission, SubmissionStatus

    now = timezone.now()
    queued = Submission.objects.filter(status=SubmissionStatus.QUEUED)
    oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
    recent = Submission.objects.filter(
        status=SubmissionStatus.SCORED, finished_at__gte=now - window
    ).values_list("created_at", "finished_at")[:10_000]
    latencies = np.array([(done - made).total_seconds() for made, done in recent])
    return PlatformStatus(
        queue_depths=_queue_depths(),
        queued=queued.count(),
        scoring=Submission.objects.filter(status=SubmissionStatus.SCORING).count(),
        oldest_queued_at=oldest,
        latency_p50=float(np.percentile(latencies, 50)) if len(latencies) else None,
        latency_p95=float(np.percentile(latencies, 95)) if len(latencies) else None,
        scored_in_window=len(latencies),
        workers=_workers(),
    )
