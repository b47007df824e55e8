"""The task's public files as downloads, shared by the pages and the API."""

import hashlib
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import yaml
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from PIL import Image

from arena.competitions import selectors
from arena.competitions.models import Task
from arena.core.files import private_storage

DOWNLOAD_FORMATS = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


def task_file_key(*, task: Task, table: str, file_format: str) -> tuple[str, str] | None:
    """The storage key and content type of a downloadable file of the task: a public table in
    CSV or Parquet, the images zip, or the answer key once its answers are published. None for
    anything else, so no name a visitor makes up ever becomes a storage key."""
    if task.has_images and (table, file_format) == ("images", "zip"):
        return task.images_zip_path, "application/zip"
    content_type = DOWNLOAD_FORMATS.get(file_format)
    if content_type is None:
        return None
    if table in task.public_tables:
        return task.public_table_path(table=table, file_format=file_format), content_type
    if table == "answers" and task.answers_published:
        return task.answers_file_path(file_format=file_format), content_type
    return None


def task_file_offered(*, task: Task, table: str, file_format: str) -> bool:
    """Whether the task offers that file at all (a page answers "not found" to everyone
    otherwise, before asking anyone to log in)."""
    if (table, file_format) == ("task", "yaml"):
        return True
    return task_file_key(task=task, table=table, file_format=file_format) is not None


def task_file_response(*, task, table: str, file_format: str) -> HttpResponse:
    """A file of the task (the pages and the API share it): a table in CSV or Parquet, the
    public task.yaml, the images zip, or the answer key once published. Anything else, the
    answers before publication included, is not found."""
    if (table, file_format) == ("task", "yaml"):
        manifest = yaml.safe_dump(
            selectors.task_public_manifest(task=task), sort_keys=False, allow_unicode=True
        )
        response = HttpResponse(manifest, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="task.yaml"'
        return response
    found = task_file_key(task=task, table=table, file_format=file_format)
    if found is None:
        raise Http404("No such table")
    key, content_type = found
    storage = private_storage()
    if not storage.exists(key):
        raise Http404("No such table")
    return FileResponse(
        storage.open(key, "rb"),
        as_attachment=True,
        filename=f"{task.slug}-{table}.{file_format}",
        content_type=content_type,
    )


def materialize_public_bundle(*, task: Task, folder: Path) -> Path:
    """Writes what participants can download (task.yaml, the tables as Parquet, images) into
    ``folder``: what a baseline or a method run reads. Never the answers, even published ones:
    a method run with them would be scored on labels it was given."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "task.yaml").write_text(
        yaml.safe_dump(
            selectors.task_public_manifest(task=task), sort_keys=False, allow_unicode=True
        ),
        encoding="utf-8",
    )
    storage = private_storage()
    for table in task.public_tables:
        if table == "sample_submission":
            continue
        key = task.public_table_path(table=table, file_format="parquet")
        with storage.open(key, "rb") as source, (folder / f"{table}.parquet").open("wb") as sink:
            shutil.copyfileobj(source, sink)
    if task.has_images:
        with storage.open(task.images_zip_path, "rb") as source, zipfile.ZipFile(source) as archive:
            archive.extractall(folder)  # written by us at import, names already checked
    return folder


BUNDLE_FORMATS = {"csv": zipfile.ZIP_DEFLATED, "parquet": zipfile.ZIP_STORED}


def task_bundle_response(*, task: Task, file_format: str) -> FileResponse:
    """Everything a participant can download, as one zip: task.yaml, every public table
    (sample_submission too) in ``file_format``, the images under images/, and the answer key
    (answers.<format>) only once the organizers have published it. Built in a temporary file
    that goes away when the response is closed."""
    if file_format not in BUNDLE_FORMATS:
        raise Http404("No such format")
    bundle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    try:
        _write_bundle(task=task, file_format=file_format, bundle=bundle)
    except BaseException:
        bundle.close()
        raise
    bundle.seek(0)
    return FileResponse(
        bundle,
        as_attachment=True,
        filename=f"{task.slug}-{file_format}.zip",
        content_type="application/zip",
    )


def _write_bundle(*, task: Task, file_format: str, bundle) -> None:
    storage = private_storage()
    with zipfile.ZipFile(bundle, "w", compression=BUNDLE_FORMATS[file_format]) as archive:
        manifest = selectors.task_public_manifest(task=task)
        archive.writestr("task.yaml", yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True))
        tables = list(task.public_tables) + (["answers"] if task.answers_published else [])
        for table in tables:
            key, _ = task_file_key(task=task, table=table, file_format=file_format)
            with (
                storage.open(key, "rb") as source,
                archive.open(f"{table}.{file_format}", "w", force_zip64=True) as sink,
            ):
                shutil.copyfileobj(source, sink)
        if task.has_images:
            with (
                storage.open(task.images_zip_path, "rb") as source,
                zipfile.ZipFile(source) as images,
            ):
                for member in images.infolist():
                    with images.open(member) as image, archive.open(member.filename, "w") as sink:
                        shutil.copyfileobj(image, sink)


THUMBNAIL_PIXELS = 96
THUMBNAIL_CACHE_SECONDS = 7 * 24 * 3600


def task_thumbnail_response(*, task: Task, name: str) -> HttpResponse:
    """A small PNG of one image of the task's public images zip (``name`` as the image columns
    give it, e.g. images/a.png), at most THUMBNAIL_PIXELS on its longer side. Cached: the key
    holds the task's storage_key, which a re-import replaces, so a cached thumbnail never goes
    stale. Only names found in the zip are read."""
    if not task.has_images:
        raise Http404("No images")
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    cache_key = f"thumb:{task.storage_key}:{THUMBNAIL_PIXELS}:{digest}"
    data = cache.get(cache_key)
    if data is None:
        data = _thumbnail_bytes(task=task, name=name)
        cache.set(cache_key, data, THUMBNAIL_CACHE_SECONDS)
    if not data:
        raise Http404("No such image")
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = f"private, max-age={THUMBNAIL_CACHE_SECONDS}"
    return response


def _thumbnail_bytes(*, task: Task, name: str) -> bytes:
    """The PNG thumbnail, or b"" when the zip has no such image or it does not decode."""
    storage = private_storage()
    with storage.open(task.images_zip_path, "rb") as source, zipfile.ZipFile(source) as images:
        if name not in images.namelist():
            return b""
        try:
            with images.open(name) as member, Image.open(member) as image:
                image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
                if image.mode not in ("RGB", "RGBA", "L", "LA"):
                    image = image.convert("RGBA")
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=True)
        except (OSError, Image.DecompressionBombError, ValueError):
            return b""
    return out.getvalue()
