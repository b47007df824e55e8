"""Writes for baselines: queueing runs, running one, and submitting its predictions."""

import logging
import shutil
import tempfile
import traceback
import zipfile
from functools import partial
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from arena.baselines.methods import METHODS
from arena.baselines.models import BaselineRun
from arena.baselines.runner import run_baseline
from arena.competitions.models import Competition, Task
from arena.competitions.selectors import task_public_manifest
from arena.core import files
from arena.submissions import services as submission_services
from arena.teams.models import Membership, Team

logger = logging.getLogger(__name__)
LOG_TAIL_LINES = 40


def baseline_team_for(*, competition: Competition, method: str, preset: str) -> tuple[Team, User]:
    """The baseline team (and its system user) for a method and preset, made on first use.

    Baseline teams are marked ``is_baseline``: shown on every board, never ranked for prizes.
    """
    username = f"baseline-{method}-{preset}"[:150]
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership = Membership.objects.filter(competition=competition, user=user).first()
    if membership is not None:
        return membership.team, user
    name = f"{METHODS[method].title} ({preset})"
    with transaction.atomic():
        team = Team.objects.create(
            competition=competition, name=name, is_baseline=True, created_by=None
        )
        Membership.objects.create(
            team=team, user=user, competition=competition, role=Membership.Role.OWNER
        )
    return team, user


def baseline_runs_enqueue(
    *,
    task: Task,
    methods: list[str] | None = None,
    preset: str | None = None,
    time_limit: int | None = None,
) -> list[BaselineRun]:
    """Queues one run per method on the ``training`` queue (after the transaction commits)."""
    from arena.baselines.tasks import run_baseline_task

    preset = preset or settings.BASELINE_PRESET
    names = methods or list(METHODS)
    unknown = [name for name in names if name not in METHODS]
    if unknown:
        raise ValueError(
            f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(METHODS)}"
        )
    runs = [
        BaselineRun.objects.create(
            task=task,
            method=name,
            preset=preset,
            time_limit=time_limit or settings.BASELINE_TIME_LIMIT,
        )
        for name in names
    ]
    for run in runs:
        transaction.on_commit(partial(_send, run_baseline_task, run.pk))
    return runs


def _send(task, run_id: int) -> None:
    try:
        task.delay(run_id)
    except Exception:
        logger.exception("could not enqueue baseline run %s", run_id)


def _set(run_id: int, **fields) -> None:
    BaselineRun.objects.filter(pk=run_id).update(**fields)


def materialize_public_bundle(*, task: Task, folder: Path) -> Path:
    """Writes what participants can download (task.yaml, tables, images) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "task.yaml").write_text(
        yaml.safe_dump(task_public_manifest(task=task), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    storage = files.private_storage()
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


def baseline_run_execute(*, run_id: int) -> str | None:
    """Claims a queued run, trains and predicts, and submits the predictions as a baseline.

    The predictions take the normal submission path, so they are validated and scored like
    any participant's file. Any error ends the run as ``failed`` with the log's tail.
    """
    claimed = BaselineRun.objects.filter(pk=run_id, status=BaselineRun.Status.QUEUED).update(
        status=BaselineRun.Status.TRAINING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = BaselineRun.objects.select_related("task__competition").get(pk=run_id)
    workdir = Path(tempfile.mkdtemp(prefix="arena-baseline-"))
    try:
        bundle = materialize_public_bundle(task=run.task, folder=workdir / "bundle")
        out_file = workdir / "predictions.csv"
        summary = run_baseline(
            bundle_dir=bundle,
            out_file=out_file,
            method=run.method,
            preset=run.preset,
            time_limit=run.time_limit,
            progress=lambda stage: _set(run_id, status=BaselineRun.Status.PREDICTING),
        )
        team, user = baseline_team_for(
            competition=run.task.competition, method=run.method, preset=run.preset
        )
        with out_file.open("rb") as handle:
            upload = File(handle, name=f"{run.method}-{run.preset}.csv")
            upload.size = out_file.stat().st_size
            submission = submission_services.submission_create(
                task=run.task,
                user=user,
                uploaded_file=upload,
                comment=f"{METHODS[run.method].title}, preset {run.preset}",
                method_name=METHODS[run.method].title,
                tags=["baseline", run.preset],
                enforce_rules=False,
            )
        _set(
            run_id,
            status=BaselineRun.Status.SUBMITTED,
            finished_at=timezone.now(),
            submission=submission,
            fit_seconds=summary.fit_seconds,
            peak_mb=summary.peak_mb,
            model_bytes=summary.model_bytes,
        )
        return BaselineRun.Status.SUBMITTED
    except Exception:
        tail = "\n".join(traceback.format_exc().splitlines()[-LOG_TAIL_LINES:])
        logger.exception("baseline run %s failed", run_id)
        _set(run_id, status=BaselineRun.Status.FAILED, finished_at=timezone.now(), log_tail=tail)
        return BaselineRun.Status.FAILED
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
