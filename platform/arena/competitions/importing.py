"""Importing a task bundle (a folder or an uploaded zip) as a task of a competition.

Everything is checked before anything is written; a bundle with any problem imports nothing.
"""

import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.db import transaction
from django.utils import timezone

from arena.competitions import services
from arena.competitions.models import Competition, Task
from scoring.bundle import Bundle, BundleError, Problem, load_bundle

DEFAULT_TRACK_NAMES = {"classification": "Classification", "matching": "Matching"}
ZIP_MAX_BYTES = 2 * 1024 * 1024 * 1024
ZIP_MAX_MEMBERS = 200_000
ZIP_MAX_RATIO = 200  # a member that inflates more than this is treated as a zip bomb
# Names the file system may refuse (most take 255 bytes per name and 4096 per path) are refused
# first, with a message, rather than met as an OSError half-way through unpacking.
ZIP_MAX_NAME_BYTES = 255
ZIP_MAX_PATH_CHARS = 1024
ZIP_MAX_DEPTH = 32


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
    """Safely unpacks an uploaded bundle zip and returns the folder holding task.yaml.

    Refuses absolute or parent-relative names, links, names too long or too deep for a file
    system, too many members, too many bytes and members that inflate suspiciously (zip bombs);
    counts the bytes actually written rather than trusting the sizes the archive claims. Any
    refusal of the file system itself becomes a listed problem too. The caller removes
    ``destination``, whatever happens.
    """
    try:
        archive = zipfile.ZipFile(archive_file)
    except zipfile.BadZipFile:
        raise BundleError([Problem("upload", "is not a zip file.")]) from None
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise BundleError([Problem("upload", f"holds more than {ZIP_MAX_MEMBERS} files.")])
        # Every name is checked before the first byte is written.
        problems = [problem for member in members if (problem := _member_name_problem(member))]
        if problems:
            raise BundleError(problems[:20])
        written = 0
        for member in members:
            if member.is_dir():
                continue
            if member.compress_size and member.file_size / member.compress_size > ZIP_MAX_RATIO:
                raise BundleError([Problem(member.filename, "inflates too much (zip bomb?).")])
            target = destination.joinpath(*PurePosixPath(member.filename).parts)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, target.open("wb") as sink:
                    while chunk := source.read(1024 * 1024):
                        written += len(chunk)
                        if written > ZIP_MAX_BYTES:
                            raise BundleError([Problem("upload", "unpacks to more than 2 GB.")])
                        sink.write(chunk)
            except OSError as error:
                # A file and a folder of one name, a name this file system cannot hold, a full
                # disk: the bundle cannot be unpacked here, which is the organizer's to know.
                reason = error.strerror or type(error).__name__
                raise BundleError(
                    [Problem(_shown_name(member.filename), f"could not be unpacked ({reason}).")]
                ) from None
            except (zipfile.BadZipFile, zlib.error, EOFError):
                raise BundleError(
                    [Problem(_shown_name(member.filename), "is damaged in the zip.")]
                ) from None
            except (RuntimeError, NotImplementedError):
                # zipfile's words for an encrypted member or an unknown compression method.
                raise BundleError(
                    [
                        Problem(
                            _shown_name(member.filename),
                            "is encrypted or compressed in a way we cannot read; "
                            "zip it again without a password, with ordinary compression.",
                        )
                    ]
                ) from None
    return _bundle_root(destination=destination)


def _member_name_problem(member: zipfile.ZipInfo) -> Problem | None:
    """What is wrong with a member's name, or None: unsafe, too long, or too deep."""
    raw = member.filename
    name = PurePosixPath(raw)
    shown = _shown_name(raw)
    is_link = (member.external_attr >> 16) & 0o170000 == 0o120000
    if name.is_absolute() or ".." in name.parts or is_link or "\\" in raw:
        return Problem(shown, "is not a safe path inside the zip.")
    if len(name.parts) > ZIP_MAX_DEPTH:
        return Problem(shown, f"is nested deeper than {ZIP_MAX_DEPTH} folders.")
    if any(len(part.encode()) > ZIP_MAX_NAME_BYTES for part in name.parts):
        return Problem(
            shown, f"has a file or folder name longer than {ZIP_MAX_NAME_BYTES} characters."
        )
    if len(raw) > ZIP_MAX_PATH_CHARS:
        return Problem(shown, f"has a path longer than {ZIP_MAX_PATH_CHARS} characters.")
    return None


def _shown_name(name: str, limit: int = 80) -> str:
    # A 4000-character name would bury the problem list; its start says which member it is.
    return name if len(name) <= limit else name[:limit] + "…"


def _bundle_root(*, destination: Path) -> Path:
    if (destination / "task.yaml").is_file():
        return destination
    folders = [
        path
        for path in destination.iterdir()
        if path.is_dir() and not path.name.startswith(("__MACOSX", "."))
    ]
    if len(folders) == 1 and (folders[0] / "task.yaml").is_file():
        return folders[0]
    raise BundleError(
        [Problem("upload", "has no task.yaml at its top level (or in one top-level folder).")]
    )


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
