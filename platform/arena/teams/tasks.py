"""Celery tasks of teams, on the scoring queue (see CELERY_TASK_ROUTES)."""

from celery import shared_task

from arena.teams import notifications


@shared_task(ignore_result=True, soft_time_limit=600)
def mail_announcement(announcement_id: int) -> int:
    """After an organizer posted an announcement (or asked to send it again): its e-mails."""
    return notifications.announcement_mail(announcement_id=announcement_id)
