"""Private file storage helpers: every stored file goes through here, never through a URL."""

import contextlib
import hashlib
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage


def private_storage():
    return default_storage


def save_bytes(*, key: str, data: bytes) -> str:
    """Stores ``data`` under exactly ``key``; refuses to overwrite."""
    storage = private_storage()
    if storage.exists(key):
        raise FileExistsError(key)
    saved = storage.save(key, ContentFile(data))
    if saved != key:  # the storage picked another name: our keys must be exact
        storage.delete(saved)
        raise FileExistsError(key)
    return key


def save_file(*, key: str, file: File) -> str:
    """Streams an uploaded file into storage under exactly ``key``."""
    storage = private_storage()
    file.seek(0)
    saved = storage.save(key, file)
    if saved != key:
        storage.delete(saved)
        raise FileExistsError(key)
    return key


def save_zip(*, key: str, members: dict[str, Path]) -> tuple[str, str, int]:
    """Stores a zip of local files, named inside the archive by the keys of ``members``.

    Returns the key with the zip's SHA-256 and size, taken from the local copy before it is
    stored (the task's version records them; nothing reads storage back to compute them)."""
    with tempfile.TemporaryFile() as tmp:
        # Images are already compressed; storing them saves CPU for no loss of size.
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, path in sorted(members.items()):
                archive.write(path, arcname=name)
        tmp.seek(0)
        digest = hashlib.file_digest(tmp, "sha256").hexdigest()
        size = tmp.tell()
        tmp.seek(0)
        return save_file(key=key, file=File(tmp, name=Path(key).name)), digest, size


def delete_prefix(*, prefix: str) -> None:
    """Removes every stored file under ``prefix`` (a folder of a replaced task version)."""
    storage = private_storage()
    try:
        folders, names = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    delete_quietly(*(f"{prefix}/{name}" for name in names))
    for folder in folders:
        delete_prefix(prefix=f"{prefix}/{folder}")


def delete_quietly(*keys: str) -> None:
    """Removes files left behind by a write that did not complete."""
    storage = private_storage()
    for key in keys:
        with contextlib.suppress(FileNotFoundError, OSError):
            storage.delete(key)


@contextlib.contextmanager
def local_copy(*, key: str) -> Iterator[Path]:
    """Yields a local path for a stored file (the file itself on disk, a temp copy otherwise)."""
    storage = private_storage()
    try:
        on_disk = Path(storage.path(key))
    except NotImplementedError:  # remote storage such as S3
        on_disk = None
    if on_disk is not None:
        yield on_disk
        return
    suffix = "".join(Path(key).suffixes)
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp, storage.open(key, "rb") as source:
        shutil.copyfileobj(source, tmp)
        tmp.flush()
        yield Path(tmp.name)


def frame_to_csv_bytes(frame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def frame_to_parquet_bytes(frame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()
