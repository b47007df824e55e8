"""Celery tasks for leaderboards, on the scoring queue (see CELERY_TASK_ROUTES)."""

from celery import shared_task

from arena.results import services


@shared_task(ignore_result=True)
def refresh_board_ties(task_id: int) -> None:
    services.board_ties_refresh(task_id=task_id)
