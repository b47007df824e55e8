"""Celery tasks of methods, on the ``methods`` queue (CELERY_TASK_ROUTES): a method's run never
holds up scoring or the site."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from arena.methods import runs, watchdog


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_method(run_id: int) -> str | None:
    return runs.run_execute(run_id=run_id)


# Routed to the scoring queue (CELERY_TASK_ROUTES): the watchdog must run even while every
# methods worker is busy (or dead, which is what it is there for).
@shared_task(ignore_result=True)
def recover_method_runs() -> int:
    """Run by beat every ``WATCHDOG_INTERVAL_SECONDS``; see ``watchdog.method_runs_recover``."""
    recovered = watchdog.method_runs_recover(
        queued_longer_than=timedelta(seconds=settings.WATCHDOG_QUEUED_SECONDS)
    )
    return len(recovered)
