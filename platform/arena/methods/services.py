"""Writes of methods: pushing a package as a new version."""

import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from arena.core import files
from arena.core.errors import UserFacingError
from arena.core.zips import ZipRefused, zip_extract_safely, zip_root
from arena.methods.models import Method, MethodVersion
from arena.methods.package import (
    MANIFEST,
    PACKAGE_MAX_BYTES,
    MethodPackage,
    PackageError,
    read_method_package,
)
from arena.teams.models import Membership, Team
from scoring.bundle import Problem

# Pushes a team may make in a day: enough to iterate, not enough to fill storage.
PUSHES_PER_DAY = 50


@dataclass(frozen=True)
class PushResult:
    version: MethodVersion
    created: bool  # False: these exact files were already a version of the method


def method_push_zip(*, team: Team, user, archive_file) -> PushResult:
    """Pushes an uploaded zip of a method package (the browser, the API, the CLI)."""
    workdir = Path(tempfile.mkdtemp(prefix="arena-method-"))
    try:
        try:
            zip_extract_safely(
                archive_file=archive_file, destination=workdir, max_bytes=PACKAGE_MAX_BYTES
            )
        except ZipRefused as refused:
            raise PackageError(refused.problems) from None
        root = zip_root(destination=workdir, marker=MANIFEST)
        if root is None:
            raise PackageError(
                [Problem("upload", f"has no {MANIFEST} at its top level (or in one folder).")]
            )
        return method_push_folder(team=team, user=user, root=root)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def method_push_folder(*, team: Team, user, root: Path) -> PushResult:
    """Pushes the package in ``root`` as a new version of the team's method of its name.

    Raises PackageError listing every problem of the package, UserFacingError for the rules
    (members only, a team that stands, the daily allowance). Pushing the files of an existing
    version changes nothing and returns that version. The package is stored before its row is
    written and removed again if the row is not, so nothing is left half-written.
    """
    _check_may_push(team=team, user=user)
    package = read_method_package(root=root)
    manifest = package.manifest
    existing = MethodVersion.objects.filter(
        method__team=team, method__name__iexact=manifest.name, content_hash=package.content_hash
    ).first()
    if existing is not None:
        return PushResult(version=existing, created=False)
    key = f"methods/{team.pk}/{package.content_hash}.zip"
    if not files.private_storage().exists(key):
        files.save_bytes(key=key, data=_normalized_zip(package))
    try:
        with transaction.atomic():
            method, _ = Method.objects.get_or_create(
                team=team, name__iexact=manifest.name, defaults={"name": manifest.name}
            )
            Method.objects.select_for_update().get(pk=method.pk)  # numbers one push at a time
            last = method.versions.aggregate(last=Max("number"))["last"] or 0
            version = MethodVersion.objects.create(
                method=method,
                number=last + 1,
                content_hash=package.content_hash,
                manifest=manifest.as_dict(),
                files=package.files,
                size_bytes=package.size_bytes,
                archive_key=key,
                pushed_by=user,
            )
    except IntegrityError:
        # The same files pushed twice at once: the other push made the version.
        version = MethodVersion.objects.filter(
            method__team=team, content_hash=package.content_hash
        ).first()
        if version is None:
            files.delete_quietly(key)
            raise
        return PushResult(version=version, created=False)
    except BaseException:
        if not MethodVersion.objects.filter(archive_key=key).exists():
            files.delete_quietly(key)
        raise
    return PushResult(version=version, created=True)


def _check_may_push(*, team: Team, user) -> None:
    if not Membership.objects.filter(team=team, user=user).exists():
        raise UserFacingError("Only members of the team push its methods.")
    if team.disqualified_at is not None:
        raise UserFacingError("The organizers disqualified this team; it cannot push methods.")
    since = timezone.now() - timedelta(days=1)
    pushed = MethodVersion.objects.filter(method__team=team, pushed_at__gte=since).count()
    if pushed >= PUSHES_PER_DAY:
        raise UserFacingError(
            f"Your team pushed {PUSHES_PER_DAY} versions in the last 24 hours; try again later."
        )


def _normalized_zip(package: MethodPackage) -> bytes:
    """The package as stored: only its files (no caches), in path order, with fixed times, so
    the same content always makes the same archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in package.files:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (package.root / name).read_bytes())
    return buffer.getvalue()
