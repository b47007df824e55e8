"""Celery tasks of results, on the scoring queue (see CELERY_TASK_ROUTES)."""

from celery import shared_task

from arena.results import services


@shared_task(ignore_result=True)
def refresh_results(task_id: int) -> None:
    """After a score: the task's tie marks and its competition's stored comparison."""
    services.results_refresh(task_id=task_id)


@shared_task(ignore_result=True)
def refresh_comparison(competition_id: int) -> None:
    """A page found the stored comparison out of date (finals, teams or rules changed)."""
    services.comparison_refresh(competition_id=competition_id)


@shared_task(ignore_result=True)
def compute_pairwise(task_id: int, submission_a_id: int, submission_b_id: int, private: bool):
    """A reviewer picked two entries on the pairwise page."""
    services.pairwise_compute(
        task_id=task_id,
        submission_a_id=submission_a_id,
        submission_b_id=submission_b_id,
        private=private,
    )
