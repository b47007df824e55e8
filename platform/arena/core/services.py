"""Writes of the platform's own housekeeping: worker presence and the embedded broker's table."""

import sys
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.utils import timezone

from arena.core.models import WorkerHeartbeat

PRUNE_BATCH = 1000


def worker_heartbeat_record(
    *, hostname: str, queues: list[str], pid: int, started_at: datetime
) -> None:
    """Marks the worker ``hostname`` as seen now (a restarted worker replaces its old row)."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname,
        defaults={
            "queues": sorted(queues),
            "pid": pid,
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def worker_heartbeat_remove(*, hostname: str, pid: int) -> None:
    """Forgets a worker that shuts down; the pid keeps a late shutdown of an old process from
    removing the row of a new one that took the same name."""
    WorkerHeartbeat.objects.filter(hostname=hostname, pid=pid).delete()


def worker_heartbeats_prune(*, silent_for: timedelta) -> int:
    """Removes rows of workers killed without a shutdown, once nobody needs to see them."""
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - silent_for).delete()
    return deleted


def broker_messages_prune(*, older_than: timedelta, broker_url: str | None = None) -> int | None:
    """Deletes the embedded broker's delivered messages, delivered more than ``older_than`` ago.

    kombu's SQLAlchemy transport keeps one row per message for ever: taking a message only sets
    ``visible = false``. Such a row is never read again (a message a worker gives back unacked
    is written anew), so deleting it cannot lose work. Rows still visible wait for a worker and
    stay. Returns how many rows went, or None when the broker is not the SQLAlchemy transport.
    """
    with current_app.connection_for_write(
        url=broker_url or settings.CELERY_BROKER_URL
    ) as connection:
        # Imported only when the connection's transport is it (then it is loaded already):
        # importing it costs SQLAlchemy, which no process on Redis needs.
        if "kombu.transport.sqlalchemy" not in sys.modules:
            return None
        from kombu.transport.sqlalchemy import Transport as SQLAlchemyTransport

        if not isinstance(connection.transport, SQLAlchemyTransport):
            return None
        channel = connection.default_channel
        session, message = channel.session, channel.message_cls
        # kombu stamps the delivery with the local wall clock (naive datetime.now()), so the
        # cutoff is taken on the same clock.
        cutoff = datetime.now() - older_than  # noqa: DTZ005
        deleted = 0
        try:
            while True:
                # Small batches, each its own transaction: on SQLite a delete holds the one write
                # lock that the web process and the workers also need.
                ids = [
                    row.id
                    for row in session.query(message.id)
                    .filter(message.visible.is_(False), message.sent_at < cutoff)
                    .order_by(message.id)
                    .limit(PRUNE_BATCH)
                ]
                if not ids:
                    break
                session.query(message).filter(message.id.in_(ids)).delete(synchronize_session=False)
                session.commit()
                deleted += len(ids)
        finally:
            session.rollback()
            session.close()
    return deleted
