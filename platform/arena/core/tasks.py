"""Celery tasks of the platform's housekeeping; thin wrappers around core.services."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from arena.core import services


@shared_task(ignore_result=True)
def prune_broker_messages() -> int | None:
    """Run by beat every ``BROKER_PRUNE_INTERVAL_SECONDS``; see ``broker_messages_prune``."""
    return services.broker_messages_prune(
        older_than=timedelta(seconds=settings.BROKER_MESSAGE_RETENTION_SECONDS)
    )
