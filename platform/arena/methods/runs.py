"""Running a method version on a task: who may ask, the allowance, and the worker's side.

The worker (queue ``methods``, its own processes) materializes the task's public bundle and the
version's code in a fresh folder, runs the command in the sandbox (``sandbox.run_sandboxed``)
with the resources the method asked for (within the platform's caps), and sends the predictions
it wrote to scoring as a run (``submissions.services.submission_create_for_run``). Whatever
happens, the run ends with a message that says what happened.
"""

import logging
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from arena.competitions.downloads import materialize_public_bundle
from arena.competitions.models import Task
from arena.core import files, leases
from arena.core.errors import UserFacingError
from arena.core.jobs import job_send
from arena.methods.environment import installed_distributions
from arena.methods.models import MethodRun, MethodVersion
from arena.methods.run_cache import run_cache_keep, run_cache_materialize
from arena.methods.sandbox import (
    Limits,
    SandboxInfo,
    SandboxUnavailable,
    describe_duration,
    run_sandboxed,
)
from arena.methods.selectors import overseer
from arena.methods.trusted import run_trusted
from arena.submissions.models import SubmissionOrigin
from arena.submissions.services import submission_create_for_run
from arena.teams.models import Membership

logger = logging.getLogger(__name__)

RUN_JOB = "arena.methods.tasks.run_method"
# Runs a team may ask for in a day: its own allowance, apart from the upload quota.
RUNS_PER_TEAM_PER_DAY = 20
MAX_RUN_ATTEMPTS = 2
PREDICTION_FILES = ("predictions.parquet", "predictions.csv")


def run_refusal(*, version: MethodVersion, task: Task, user) -> str | None:
    """Why ``user`` may not run ``version`` on ``task``, or None when they may.

    A team runs its own methods on the tasks of its competition; the organizers of the method's
    competition run any of its methods on any task; so do its reviewers when the competition
    allows it (``Competition.reviewers_run_methods``, told to participants).
    """
    team = version.method.team
    home = team.competition
    kinds = version.manifest.get("kinds", [])
    if task.kind not in kinds:
        return f"{version.method.name} handles {', '.join(kinds)} tasks, not {task.kind}."
    if overseer(competition=home, user=user):
        return None
    if Membership.objects.filter(team=team, user_id=getattr(user, "pk", None)).exists():
        if task.competition_id != home.pk:
            return "Your team runs its methods on the tasks of its own competition."
        return None
    return "Only the method's team, the competition's organizers and its reviewers run it."


def run_request(*, version: MethodVersion, task: Task, user) -> MethodRun:
    """Queues a run of ``version`` on ``task`` for ``user``; raises UserFacingError saying why
    not. The team's daily allowance of runs is checked under a lock on the team."""
    refusal = run_refusal(version=version, task=task, user=user)
    if refusal:
        raise UserFacingError(refusal)
    team = version.method.team
    with transaction.atomic():
        type(team).objects.select_for_update().only("pk").get(pk=team.pk)
        since = timezone.now() - timedelta(days=1)
        # Reproductions (bounded by the upload quota) and organizers' batches are not the
        # team's asking, so they do not use its allowance.
        recent = MethodRun.objects.filter(
            version__method__team=team,
            created_at__gte=since,
            reproduces__isnull=True,
            batch__isnull=True,
        )
        if recent.count() >= RUNS_PER_TEAM_PER_DAY:
            raise UserFacingError(
                f"{team.name}'s methods ran {RUNS_PER_TEAM_PER_DAY} times in the last 24 hours, "
                "the most allowed; try again later."
            )
        run = MethodRun.objects.create(
            version=version, task=task, requested_by=user, enqueued_at=timezone.now()
        )
        transaction.on_commit(lambda: job_send(name=RUN_JOB, args=[run.pk]))
    return run


def run_request_builtin(*, version: MethodVersion, task: Task, requested_by=None) -> MethodRun:
    """Queues a run Arena itself asks for: a built-in baseline's (``baselines.services``), on a
    task's import or an organizer's request. No one's permission to check, and no team's
    allowance counts it."""
    run = MethodRun.objects.create(
        version=version, task=task, requested_by=requested_by, enqueued_at=timezone.now()
    )
    transaction.on_commit(lambda: job_send(name=RUN_JOB, args=[run.pk]))
    return run


def _set(run_id: int, token: str, **fields) -> bool:
    """Writes the run's fields only while this worker still holds its lease."""
    return bool(MethodRun.objects.filter(pk=run_id, claim_token=token).update(**fields))


def run_execute(*, run_id: int) -> str | None:
    """Claims a queued run (or one whose worker died) and runs it; returns its final status,
    or None when another worker has it."""
    token = leases.claim(
        model=MethodRun,
        pk=run_id,
        queued=MethodRun.Status.QUEUED,
        running=(MethodRun.Status.RUNNING,),
        claimed_status=MethodRun.Status.RUNNING,
        max_attempts=MAX_RUN_ATTEMPTS,
    )
    if token is None:
        return None
    with leases.Heartbeat(model=MethodRun, pk=run_id, token=token):
        return _execute_claimed(run_id=run_id, token=token)


def _limits(*, version: MethodVersion) -> Limits:
    """What the method asked for, within the platform's caps."""
    asked = version.manifest["resources"]
    return Limits(
        cpus=min(int(asked["cpus"]), settings.METHOD_MAX_CPUS),
        memory_bytes=int(min(asked["memory_gb"], settings.METHOD_MAX_MEMORY_GB) * 1024**3),
        wall_seconds=min(int(asked["minutes"]), settings.METHOD_MAX_MINUTES) * 60,
    )


def run_wall_limit_seconds(*, version: MethodVersion) -> int:
    """The wall time a run of ``version`` is stopped at: the limit pages show beside its time."""
    return int(_limits(version=version).wall_seconds)


def _environment(info: SandboxInfo) -> dict:
    """What the run ran in, kept with it: Python, the sandbox and how each limit was held."""
    return {
        "python": info.python_version,
        "sandbox": info.backend,
        "cpus": list(info.cpus),
        "enforcement": dict(info.enforcement),
        # The versions of the usual stack it could import, so a result can be told apart
        # from one made after an upgrade (the whole list is on the environment page).
        "packages": {d.name: d.version for d in installed_distributions() if d.stack},
    }


def run_folders_sweep(*, taking: int) -> list[Path]:
    """Removes the run folders that no live run works in, before run ``taking`` starts: those
    of an earlier attempt of it, and of runs whose worker was killed (nothing else removes
    them; they hold a copy of the task and whatever the method wrote). A folder stays while its
    run is running under a live lease. Returns what went."""
    root = Path(settings.METHOD_RUNS_DIR)
    folders = {}
    for path in root.glob("arena-run-*-*"):
        number = path.name.removeprefix("arena-run-").split("-", 1)[0]
        if number.isdigit() and path.is_dir():
            folders[path] = int(number)
    alive = set(
        MethodRun.objects.filter(pk__in=set(folders.values()), status=MethodRun.Status.RUNNING)
        .exclude(leases.dead_claim())
        .exclude(pk=taking)
        .values_list("pk", flat=True)
    )
    removed = [path for path, run_id in folders.items() if run_id not in alive]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _execute_claimed(*, run_id: int, token: str) -> str:
    run = MethodRun.objects.select_related("version__method__team", "task").get(pk=run_id)
    run_folders_sweep(taking=run_id)
    prefix = f"arena-run-{run_id}-"  # the run's id, for run_folders_sweep
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=settings.METHOD_RUNS_DIR))
    try:
        ending = _run_in(folder=folder, run=run)
    except Exception:
        logger.exception("method run %s failed", run_id)
        ending = {
            "status": MethodRun.Status.FAILED,
            "finished_at": timezone.now(),
            "message": "The run failed on Arena's side; the organizers have the log.",
        }
    finally:
        # Gone before the run says it has ended, so whoever reads the ending finds no leftovers.
        shutil.rmtree(folder, ignore_errors=True)
    _set(run_id, token, **ending)
    return ending["status"]


def _run_in(*, folder: Path, run: MethodRun) -> dict:
    """Runs the method in `folder` and returns the fields that end the run."""
    version, task = run.version, run.task
    task_dir = materialize_public_bundle(task=task, folder=folder / "task")
    builtin = version.method.team.is_baseline
    if builtin:  # the embeddings an earlier built-in run left (run_cache)
        run_cache_materialize(task=task, folder=task_dir / "cache")
    code_dir = folder / "method"
    stored = files.private_storage().open(version.archive_key, "rb")
    with stored, zipfile.ZipFile(stored) as archive:
        archive.extractall(code_dir)  # our own normalized zip (methods.services)
    work_dir = folder / "work"
    work_dir.mkdir()
    arguments = {
        "command": version.manifest["command"],
        "code_dir": code_dir,
        "task_dir": task_dir,
        "work_dir": work_dir,
        "limits": _limits(version=version),
        "env": {"ARENA_TASK_KIND": str(task.kind)},
        "seed": run.pk,
    }
    try:
        outcome = run_sandboxed(**arguments)
    except SandboxUnavailable:
        if not version.method.team.is_baseline:
            raise  # a team's method runs in the sandbox or not at all
        # Arena's own baselines still run where the host cannot sandbox (a demo as a user).
        logger.warning("no sandbox on this host: built-in run %s runs as a plain process", run.pk)
        outcome = run_trusted(**arguments)
    fields = {
        "exit_code": outcome.exit_code,
        "stopped_by": str(outcome.stop.limit) if outcome.stop else "",
        "stdout_tail": outcome.stdout_tail,
        "stderr_tail": outcome.stderr_tail,
        "wall_seconds": outcome.wall_seconds,
        "peak_memory_bytes": outcome.peak_memory_bytes,
        "environment": _environment(outcome.environment),
        "finished_at": timezone.now(),
    }
    if builtin and outcome.succeeded:
        run_cache_keep(task=task, folder=work_dir / "cache")
    predictions = next(
        (work_dir / name for name in PREDICTION_FILES if (work_dir / name).is_file()), None
    )
    if not outcome.succeeded or predictions is None:
        message = (
            f"The method {outcome.summary}."
            if not outcome.succeeded
            else "The method ended without writing /work/predictions.csv or .parquet."
        )
        return {"status": MethodRun.Status.FAILED, "message": message, **fields}
    try:
        submission = submission_create_for_run(
            task=task,
            team=version.method.team,
            requested_by=run.requested_by,
            predictions=predictions,
            method_name=version.method.name,
            comment=(
                f"Arena's reproduction of submission #{run.reproduces_id}"
                if run.reproduces_id
                else f"Run of {version.method.name} v{version.number} by Arena"
            ),
            # A baseline team's runs are its entries: on boards like an upload, never ranked.
            origin=SubmissionOrigin.BASELINE
            if version.method.team.is_baseline
            else SubmissionOrigin.RUN,
        )
    except UserFacingError as refused:
        message = f"The predictions were refused: {refused.message}"
        return {"status": MethodRun.Status.FAILED, "message": message, **fields}
    took = describe_duration(outcome.wall_seconds)
    return {
        "status": MethodRun.Status.SUBMITTED,
        "submission": submission,
        "message": f"Finished in {took}; its predictions are scored like an upload.",
        **fields,
    }
