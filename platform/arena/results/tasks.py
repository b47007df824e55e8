"""Celery tasks of results, on the scoring queue (see CELERY_TASK_ROUTES)."""

from celery import shared_task

from arena.results import notifications, services


@shared_task(ignore_result=True)
def refresh_results(task_id: int) -> None:
    """After a score of the task: every board and the comparison of its competition."""
    services.results_refresh(task_id=task_id)


@shared_task(ignore_result=True)
def refresh_competition_results(competition_id: int) -> None:
    """A page found the stored results out of date (finals, teams or rules changed), or a
    team or method was renamed."""
    services.competition_results_refresh(competition_id=competition_id, force=True)


@shared_task(ignore_result=True)
def compute_pairwise(task_id: int, submission_a_id: int, submission_b_id: int, private: bool):
    """A reviewer picked two entries on the pairwise page."""
    services.pairwise_compute(
        task_id=task_id,
        submission_a_id=submission_a_id,
        submission_b_id=submission_b_id,
        private=private,
    )


@shared_task(ignore_result=True, soft_time_limit=600)
def mail_results_revealed() -> int:
    """Beat, every ``REVEAL_MAIL_INTERVAL_SECONDS``: the "private results are out" e-mails."""
    return notifications.reveal_mails_send()
