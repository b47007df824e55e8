"""Reads for /healthz: can this process reach the database, the broker and file storage?

Each check answers "ok" or a short reason without secrets (no URLs, no passwords), since the
endpoint is public so that load balancers and monitors can call it.
"""

import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from arena.core.files import private_storage


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _broker() -> str:
    from arena.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as broker:
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
# become a flood of writes (nor of broker connections), so each process answers from its last
# report for a few seconds, still fresh for a load balancer that asks every 10 to 30.
_last_report: tuple[float, dict[str, str]] | None = None


def health_report() -> dict[str, str]:
    """Each component's state: "ok" or the kind of error (its class name, never its text).

    Checked at most once per ``HEALTHZ_CACHE_SECONDS`` in each process.
    """
    global _last_report
    now = time.monotonic()
    if _last_report is not None and now - _last_report[0] < settings.HEALTHZ_CACHE_SECONDS:
        return dict(_last_report[1])
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
            report[name] = f"unavailable ({type(error).__name__})"
    _last_report = (now, report)
    return dict(report)
