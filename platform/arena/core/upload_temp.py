"""Where uploads wait while they arrive, and the sweeping of what dead processes left there.

Django spools an upload bigger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file and deletes
it when the request ends. A web worker killed mid-upload (OOM, a deploy, SIGKILL) never gets
there, so the file would stay for ever. Arena keeps these files in its own folder
(``FILE_UPLOAD_TEMP_DIR``, under ARENA_HOME) and sweeps files nobody has written to for
``UPLOAD_TEMP_MAX_AGE_SECONDS``: when a web process starts (``manage.py sweep_upload_temp`` in
the entrypoint) and, on the machine that takes the uploads, at most every
``UPLOAD_TEMP_SWEEP_SECONDS`` while uploads come in. An upload in progress is being written, so
its file is never old.
"""

import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

logger = logging.getLogger(__name__)
_last_sweep = 0.0
_sweep_lock = threading.Lock()


def upload_temp_folder() -> Path:
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_temp_sweep(*, max_age_seconds: float | None = None) -> list[str]:
    """Deletes upload temporaries untouched for ``max_age_seconds``; returns their names."""
    max_age = settings.UPLOAD_TEMP_MAX_AGE_SECONDS if max_age_seconds is None else max_age_seconds
    cutoff = time.time() - max_age
    removed = []
    for path in upload_temp_folder().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime <= cutoff:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:  # finished (and deleted) by its own request meanwhile
            continue
    if removed:
        logger.info("removed %d abandoned upload file(s) from %s", len(removed), path.parent)
    return removed


def _sweep_now_and_then() -> None:
    global _last_sweep
    now = time.monotonic()
    if now - _last_sweep < settings.UPLOAD_TEMP_SWEEP_SECONDS or not _sweep_lock.acquire(False):
        return
    try:
        _last_sweep = now
        upload_temp_sweep()
    except OSError:
        logger.exception("sweeping upload temporaries failed")
    finally:
        _sweep_lock.release()


class SweepingTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, writing into Arena's folder and sweeping it."""

    def new_file(self, *args, **kwargs):
        upload_temp_folder()
        _sweep_now_and_then()
        return super().new_file(*args, **kwargs)
