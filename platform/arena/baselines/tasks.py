"""Celery task for baselines, on the ``training`` queue (see CELERY_TASK_ROUTES)."""

from celery import shared_task
from django.conf import settings

from arena.baselines import services


@shared_task(acks_late=True, soft_time_limit=settings.BASELINE_TIME_LIMIT * 3 + 600)
def run_baseline_task(run_id: int) -> str | None:
    return services.baseline_run_execute(run_id=run_id)
