"""The task's public files as downloads, shared by the pages and the API."""

import shutil
import zipfile
from pathlib import Path

import yaml
from django.http import FileResponse, Http404, HttpResponse

from arena.competitions import selectors
from arena.competitions.models import Task
from arena.core.files import private_storage

DOWNLOAD_FORMATS = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


def task_file_response(*, task, table: str, file_format: str) -> HttpResponse:
    """A public file of the task (the pages and the API share it): a table in CSV or Parquet,
    the public task.yaml, or the images zip. Anything else, answers included, is not found."""
    # Only names from the task's own list of public tables ever become a storage key.
    if (table, file_format) == ("task", "yaml"):
        manifest = yaml.safe_dump(
            selectors.task_public_manifest(task=task), sort_keys=False, allow_unicode=True
        )
        response = HttpResponse(manifest, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="task.yaml"'
        return response
    if task.has_images and (table, file_format) == ("images", "zip"):
        key, content_type = task.images_zip_path, "application/zip"
    elif table in task.public_tables and file_format in DOWNLOAD_FORMATS:
        key = task.public_table_path(table=table, file_format=file_format)
        content_type = DOWNLOAD_FORMATS[file_format]
    else:
        raise Http404("No such table")
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
    ``folder``: what a baseline or a method run reads. Never the answers."""
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
