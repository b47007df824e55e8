"""Celery tasks of methods, on the ``methods`` queue (CELERY_TASK_ROUTES): a method's run never
holds up scoring or the site."""

from celery import shared_task

from arena.methods import runs


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_method(run_id: int) -> str | None:
    return runs.run_execute(run_id=run_id)
