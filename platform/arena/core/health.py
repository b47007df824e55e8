"""Reads for /healthz: can this process reach the database, the broker and file storage?

Each check answers "ok" or a short reason without secrets (no URLs, no passwords), since the
endpoint is public so that load balancers and monitors can call it.
"""

import threading
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from arena.celery import app as celery_app
from arena.core.files import private_storage


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _broker() -> str:
    with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _storage() -> str:
    storage = private_storage()
    key = f"healthz/{uuid.uuid4().hex}"
    storage.save(key, ContentFile(b"ok"))
    try:
        with storage.open(key, "rb") as handle:
            if handle.read() != b"ok":
                return "read back something else"
    finally:
        storage.delete(key)
    return "ok"


CHECKS = {"database": _database, "broker": _broker, "storage": _storage}


# The endpoint is public and its storage check writes an object: a flood of requests must not
# become a flood of writes (nor of broker connections). Each process answers from its last report
# for a few seconds, still fresh for a load balancer that asks every 10 to 30, and only one
# thread checks at a time while the others answer from that report, even when a check is slow.
_last_report: tuple[float, dict[str, str]] | None = None
_checking = threading.Lock()


def health_report() -> dict[str, str]:
    """Each component's state: "ok" or the kind of error (its class name, never its text).

    Checked at most once per ``HEALTHZ_CACHE_SECONDS`` in each process.
    """
    global _last_report
    last = _last_report
    if last is not None and time.monotonic() - last[0] < settings.HEALTHZ_CACHE_SECONDS:
        return dict(last[1])
    if not _checking.acquire(blocking=last is None):
        return dict(last[1])  # another thread is checking right now
    try:
        report = {}
        for name, check in CHECKS.items():
            try:
                report[name] = check()
            except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
                report[name] = f"unavailable ({type(error).__name__})"
        # Stamped when the checks end, so slow checks during an outage still get cached.
        _last_report = (time.monotonic(), report)
    finally:
        _checking.release()
    return dict(report)
