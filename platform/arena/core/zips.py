"""Unpacking uploaded zips (task bundles, method packages) without trusting them."""

import zipfile
import zlib
from pathlib import Path, PurePosixPath

from scoring.bundle import Problem

ZIP_MAX_MEMBERS = 200_000
ZIP_MAX_RATIO = 200  # a member that inflates more than this is treated as a zip bomb
# Names the file system may refuse (most take 255 bytes per name and 4096 per path) are refused
# first, with a message, rather than met as an OSError half-way through unpacking.
ZIP_MAX_NAME_BYTES = 255
ZIP_MAX_PATH_CHARS = 1024
ZIP_MAX_DEPTH = 32


class ZipRefused(Exception):
    """An upload that cannot be unpacked safely, with every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{problem.file}: {problem.message}" for problem in problems))
        self.problems = problems


def _size(count: int) -> str:
    gigabytes = count / 1024**3
    return f"{gigabytes:g} GB" if gigabytes >= 1 else f"{count / 1024**2:g} MB"


def zip_root(*, destination: Path, marker: str) -> Path | None:
    """The folder of an unpacked zip that holds ``marker`` (task.yaml, method.yaml): the top
    level, or its one top-level folder (how most tools zip a folder); None when neither does."""
    if (destination / marker).is_file():
        return destination
    folders = [
        path
        for path in destination.iterdir()
        if path.is_dir() and not path.name.startswith(("__MACOSX", "."))
    ]
    if len(folders) == 1 and (folders[0] / marker).is_file():
        return folders[0]
    return None


def zip_extract_safely(*, archive_file, destination: Path, max_bytes: int) -> None:
    """Safely unpacks an uploaded zip (a task bundle, a method package) into ``destination``.

    Refuses absolute or parent-relative names, links, names too long or too deep for a file
    system, too many members, too many bytes and members that inflate suspiciously (zip bombs);
    counts the bytes actually written rather than trusting the sizes the archive claims. Any
    refusal of the file system itself becomes a listed problem too. Raises ZipRefused listing
    what is wrong; the caller removes ``destination``, whatever happens.
    """
    try:
        archive = zipfile.ZipFile(archive_file)
    except zipfile.BadZipFile:
        raise ZipRefused([Problem("upload", "is not a zip file.")]) from None
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise ZipRefused([Problem("upload", f"holds more than {ZIP_MAX_MEMBERS} files.")])
        # Every name is checked before the first byte is written.
        problems = [problem for member in members if (problem := _member_name_problem(member))]
        if problems:
            raise ZipRefused(problems[:20])
        written = 0
        for member in members:
            if member.is_dir():
                continue
            if member.compress_size and member.file_size / member.compress_size > ZIP_MAX_RATIO:
                raise ZipRefused([Problem(member.filename, "inflates too much (zip bomb?).")])
            target = destination.joinpath(*PurePosixPath(member.filename).parts)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, target.open("wb") as sink:
                    while chunk := source.read(1024 * 1024):
                        written += len(chunk)
                        if written > max_bytes:
                            raise ZipRefused(
                                [Problem("upload", f"unpacks to more than {_size(max_bytes)}.")]
                            )
                        sink.write(chunk)
            except OSError as error:
                # A file and a folder of one name, a name this file system cannot hold, a full
                # disk: the bundle cannot be unpacked here, which is the organizer's to know.
                reason = error.strerror or type(error).__name__
                raise ZipRefused(
                    [Problem(_shown_name(member.filename), f"could not be unpacked ({reason}).")]
                ) from None
            except (zipfile.BadZipFile, zlib.error, EOFError):
                raise ZipRefused(
                    [Problem(_shown_name(member.filename), "is damaged in the zip.")]
                ) from None
            except (RuntimeError, NotImplementedError):
                # zipfile's words for an encrypted member or an unknown compression method.
                raise ZipRefused(
                    [
                        Problem(
                            _shown_name(member.filename),
                            "is encrypted or compressed in a way we cannot read; "
                            "zip it again without a password, with ordinary compression.",
                        )
                    ]
                ) from None


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
