"""Importing a task bundle (a folder or an uploaded zip) as a task of a competition.

Everything is checked before anything is written; a bundle with any problem imports nothing.
"""

import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from arena.competitions import services
from arena.competitions.models import Competition, Task
from arena.core.zips import ZipRefused, zip_extract_safely, zip_root
from scoring.bundle import Bundle, BundleError, Problem, load_bundle

DEFAULT_TRACK_NAMES = {"classification": "Classification", "matching": "Matching"}
BUNDLE_ZIP_MAX_BYTES = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    task: Task
    replaced: bool
    rescored: int


def competition_get_or_create(*, slug: str) -> Competition:
    """The competition ``slug``; a new one runs from now for 90 days until edited."""
    competition = Competition.objects.filter(slug=slug).first()
    if competition is not None:
        return competition
    now = timezone.now()
    return services.competition_create(
        slug=slug,
        title=slug.replace("-", " ").title(),
        start_at=now,
        end_at=now + timedelta(days=90),
    )


def task_import(
    *,
    bundle_dir: Path,
    competition_slug: str,
    track_name: str | None = None,
    replace: bool = False,
    actor=None,
    rescore: services.Rescore,
) -> ImportResult:
    """Checks a bundle and imports it as a task, or replaces the task with that slug.

    The import is noted on the competition's activity page, by ``actor`` (None: command line).

    Raises BundleError listing every problem (nothing is written then). A bundle whose slug is
    taken is refused unless ``replace`` is set; replacing re-scores the task's submissions.
    """
    bundle = load_bundle(path=bundle_dir)
    manifest = bundle.manifest
    competition = Competition.objects.filter(slug=competition_slug).first()
    existing = (
        competition.tasks.filter(slug=manifest.slug).first() if competition is not None else None
    )
    if existing is not None and not replace:
        raise BundleError(
            [
                Problem(
                    "task.yaml",
                    f"slug {manifest.slug!r} is already taken in {competition_slug}; "
                    "confirm an update to replace that task's data and re-score it.",
                )
            ]
        )
    if existing is not None and existing.kind != manifest.kind:
        raise BundleError(
            [Problem("task.yaml", f"kind cannot change on update (the task is {existing.kind}).")]
        )
    images = _image_files(bundle=bundle)
    if existing is not None:
        rescored = existing.submissions.exclude(status__in=["queued", "scoring"]).count()
        task = services.task_replace_data(
            task=existing,
            rescore=rescore,
            title=manifest.title,
            metric=manifest.metric,
            tables=bundle.tables,
            answers=bundle.answers,
            columns=manifest.columns,
            description=manifest.description,
            public_fraction=manifest.public_fraction,
            split_seed=manifest.split_seed,
            source=manifest.source,
            licence=manifest.licence,
            images=images,
        )
        services.audit_record(
            competition=task.competition,
            actor=actor,
            action="task.replaced",
            summary=f"{task.title}: data replaced (version {task.version}); "
            f"{rescored} submission(s) re-scored.",
        )
        return ImportResult(task=task, replaced=True, rescored=rescored)

    with transaction.atomic():
        competition = competition_get_or_create(slug=competition_slug)
        track = services.track_get_or_create(
            competition=competition,
            name=track_name or DEFAULT_TRACK_NAMES[manifest.kind],
            kind=manifest.kind,
        )
        task = services.task_create(
            competition=competition,
            track=track,
            slug=manifest.slug,
            title=manifest.title,
            kind=manifest.kind,
            metric=manifest.metric,
            tables=bundle.tables,
            answers=bundle.answers,
            columns=manifest.columns,
            description=manifest.description,
            id_column=manifest.id_column,
            label_column=manifest.label_column,
            public_fraction=manifest.public_fraction,
            split_seed=manifest.split_seed,
            source=manifest.source,
            licence=manifest.licence,
            images=images,
        )
        services.audit_record(
            competition=competition,
            actor=actor,
            action="task.imported",
            summary=f"{task.title} ({task.slug}) imported into {track.name}: "
            f"{task.test_rows} test rows, metric {task.metric}.",
        )
    return ImportResult(task=task, replaced=False, rescored=0)


def _image_files(*, bundle: Bundle) -> dict[str, Path]:
    return {relative: bundle.root / relative for relative in bundle.image_paths}


def bundle_extract_zip(*, archive_file, destination: Path) -> Path:
    """Safely unpacks an uploaded bundle zip (``core.zips``) and returns the folder holding
    task.yaml. The caller removes ``destination``, whatever happens."""
    try:
        zip_extract_safely(
            archive_file=archive_file, destination=destination, max_bytes=BUNDLE_ZIP_MAX_BYTES
        )
    except ZipRefused as refused:
        raise BundleError(refused.problems) from None
    root = zip_root(destination=destination, marker="task.yaml")
    if root is None:
        raise BundleError(
            [Problem("upload", "has no task.yaml at its top level (or in one top-level folder).")]
        )
    return root


def task_import_zip(
    *,
    archive_file,
    competition_slug: str,
    track_name: str | None,
    replace: bool,
    actor=None,
    rescore: services.Rescore,
) -> ImportResult:
    """Imports an uploaded zipped bundle; the unpacked copy is removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="arena-bundle-"))
    try:
        root = bundle_extract_zip(archive_file=archive_file, destination=workdir)
        return task_import(
            bundle_dir=root,
            competition_slug=competition_slug,
            track_name=track_name,
            replace=replace,
            actor=actor,
            rescore=rescore,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
