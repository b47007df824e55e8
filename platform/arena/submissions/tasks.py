"""Celery tasks for scoring; thin wrappers that own the retry policy."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from arena.submissions import notifications, services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=services.MAX_SCORING_ATTEMPTS - 1,
    soft_time_limit=settings.SCORING_SOFT_TIME_LIMIT,
    # A job stuck past its soft limit (native code ignores the exception) is killed; its lease
    # lapses and the watchdog takes the submission back.
    time_limit=settings.SCORING_SOFT_TIME_LIMIT + 30,
)
def score_submission(self, submission_id: int) -> str | None:
    try:
        # On an error the service has already put the submission back in the queue.
        return services.submission_score(submission_id=submission_id)
    except Exception as error:
        logger.exception("scoring submission %s failed", submission_id)
        if self.request.retries >= self.max_retries:
            services.submission_mark_failed(submission_id=submission_id)
            return "failed"
        raise self.retry(exc=error, countdown=2**self.request.retries) from error


@shared_task(ignore_result=True)
def requeue_stale_submissions() -> int:
    """Run by beat every ``WATCHDOG_INTERVAL_SECONDS``; see ``submissions_requeue_stale``."""
    requeued = services.submissions_requeue_stale(
        queued_longer_than=timedelta(seconds=settings.WATCHDOG_QUEUED_SECONDS)
    )
    return len(requeued)


@shared_task(ignore_result=True, soft_time_limit=60)
def mail_submission_result(submission_id: int) -> bool:
    """After a submission was scored or refused: its uploader's e-mail, if they asked for it."""
    return notifications.submission_result_mail(submission_id=submission_id)
