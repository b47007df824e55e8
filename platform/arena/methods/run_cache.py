"""What a built-in baseline's run leaves for the task's next built-in runs: the sentence
embeddings of the task's text (docs/METHODS.md, "Built-in baselines are methods too").

They are the same for every method that uses them, so the first built-in run on a task
version computes them and leaves ``/work/cache/embeddings-<fingerprint>.parquet``; Arena keeps
it under ``tasks/<storage_key>/cache/v<version>/`` and puts it in ``/task/cache/`` of the
task's later built-in runs, which read it instead of running the model. It is derived from
the public tables only (never the answers); a new version of the task starts a new folder,
and the fingerprint (of the model and every text) makes a stale file unusable anyway.
"""

import logging
import re
import shutil
from pathlib import Path

from django.core.files import File

from arena.competitions.models import Task
from arena.core.files import private_storage

logger = logging.getLogger(__name__)

CACHE_FILE = re.compile(r"^embeddings-[0-9a-f]{32}\.parquet$")
CACHE_MAX_BYTES = 1 << 30


def run_cache_prefix(*, task: Task) -> str:
    return f"{task.storage_prefix}/cache/v{task.version}"


def run_cache_materialize(*, task: Task, folder: Path) -> list[str]:
    """Copies the kept files of the task's current version into ``folder`` (made if there
    are any); returns their names."""
    storage = private_storage()
    prefix = run_cache_prefix(task=task)
    try:
        _, names = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = sorted(name for name in names if CACHE_FILE.match(name))
    for name in names:
        folder.mkdir(parents=True, exist_ok=True)
        with storage.open(f"{prefix}/{name}", "rb") as source, (folder / name).open("wb") as sink:
            shutil.copyfileobj(source, sink)
    return names


def run_cache_keep(*, task: Task, folder: Path) -> list[str]:
    """Stores the files a built-in run left in ``folder`` that the task's version has not
    kept yet; returns the names stored. Anything else there is ignored."""
    if not folder.is_dir():
        return []
    current = Task.objects.filter(pk=task.pk, storage_key=task.storage_key, version=task.version)
    if not current.exists():
        return []  # the data was replaced during the run: its folder is gone
    storage = private_storage()
    prefix = run_cache_prefix(task=task)
    kept = []
    for path in sorted(folder.iterdir()):
        if not CACHE_FILE.match(path.name) or not path.is_file() or path.is_symlink():
            continue
        key = f"{prefix}/{path.name}"
        if path.stat().st_size > CACHE_MAX_BYTES or storage.exists(key):
            continue
        with path.open("rb") as source:
            saved = storage.save(key, File(source, name=path.name))
        if saved != key:  # another run kept the same file meanwhile
            storage.delete(saved)
            continue
        logger.info("kept %s for the next built-in runs on task %s", key, task.pk)
        kept.append(path.name)
    return kept
