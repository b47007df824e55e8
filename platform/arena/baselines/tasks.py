"""Celery tasks for baselines, on the ``training`` queue (see CELERY_TASK_ROUTES)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from arena.baselines import services


@shared_task(acks_late=True, soft_time_limit=settings.BASELINE_TIME_LIMIT * 3 + 600)
def run_baseline_task(run_id: int) -> str | None:
    return services.baseline_run_execute(run_id=run_id)


# Routed to the scoring queue (CELERY_TASK_ROUTES): the watchdog must run even while every
# training worker is busy (or dead, which is what it is there for).
@shared_task(ignore_result=True)
def recover_baseline_runs() -> int:
    """Run by beat every ``WATCHDOG_INTERVAL_SECONDS``; see ``baseline_runs_recover``."""
    recovered = services.baseline_runs_recover(
        queued_longer_than=timedelta(seconds=settings.WATCHDOG_QUEUED_SECONDS)
    )
    return len(recovered)
