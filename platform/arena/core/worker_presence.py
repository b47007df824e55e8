"""Each Celery worker records itself in the database while it runs, for /status/.

Its main process starts a daemon thread on ``worker_ready`` that writes a heartbeat every
``WORKER_HEARTBEAT_SECONDS`` and removes it on ``worker_shutdown``. The main process only
supervises the pool, so the thread keeps beating while a pool process scores for minutes.
Connected from ``CoreConfig.ready``; the web process never receives these signals.
"""

import logging
import os
import threading
from datetime import timedelta

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from arena.core import services

logger = logging.getLogger(__name__)
# Rows of workers killed without a shutdown stay visible as silent for this long.
FORGET_SILENT_AFTER = timedelta(days=1)

_stop = threading.Event()
_thread: threading.Thread | None = None
_identity: dict | None = None


def _beat(*, first: bool) -> None:
    close_old_connections()  # drops a connection broken by a database restart
    try:
        if first:
            services.worker_heartbeats_prune(silent_for=FORGET_SILENT_AFTER)
        services.worker_heartbeat_record(**_identity)
    except Exception:  # a database outage must not stop the beating once it is over
        logger.warning("worker heartbeat not recorded", exc_info=True)
        connection.close()


def _run() -> None:
    first = True
    while True:
        _beat(first=first)
        first = False
        if _stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            break
    connection.close()


@worker_ready.connect(dispatch_uid="arena.core.worker_presence.start")
def start(sender, **kwargs) -> None:
    global _thread, _identity
    _identity = {
        "hostname": sender.hostname,
        "queues": [queue.name for queue in getattr(sender.task_consumer, "queues", [])],
        "pid": os.getpid(),
        "started_at": timezone.now(),
    }
    _stop.clear()
    _thread = threading.Thread(target=_run, name="worker-heartbeat", daemon=True)
    _thread.start()


@worker_shutdown.connect(dispatch_uid="arena.core.worker_presence.stop")
def stop(sender, **kwargs) -> None:
    if _thread is None or _identity is None:
        return
    _stop.set()
    _thread.join(timeout=5)
    close_old_connections()
    try:
        services.worker_heartbeat_remove(hostname=_identity["hostname"], pid=_identity["pid"])
    except Exception:  # the row then goes silent and /status/ says so
        logger.warning("worker heartbeat not removed", exc_info=True)
    finally:
        connection.close()
