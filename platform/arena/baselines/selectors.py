"""Reads for baselines."""

import shlex

from django.utils import timezone

from arena.competitions.models import Task
from arena.methods.models import MethodRun
from arena.methods.runs import run_wall_limit_seconds
from arena.submissions.models import PENDING_STATUSES, SubmissionStatus

ACTIVE_RUN_STATUSES = (MethodRun.Status.QUEUED, MethodRun.Status.RUNNING)


def training_seconds(*, command: str | list[str]) -> int | None:
    """The training time limit in a built-in baseline's command (``--time-limit N``)."""
    words = shlex.split(command) if isinstance(command, str) else [str(word) for word in command]
    if "--time-limit" in words[:-1]:
        value = words[words.index("--time-limit") + 1]
        return int(value) if value.isdigit() else None
    return None


def _stage(run: MethodRun) -> str:
    """Where the run is on its way to the boards, in a word or three."""
    if run.status == MethodRun.Status.QUEUED:
        return "queued"
    if run.status == MethodRun.Status.RUNNING:
        return "running"
    if run.status == MethodRun.Status.FAILED:
        return "failed"
    if run.submission is None or run.submission.status in PENDING_STATUSES:
        return "scoring"
    if run.submission.status == SubmissionStatus.SCORED:
        return "on the board"
    return f"scoring: {run.submission.get_status_display().lower()}"


def baseline_runs_for_task(*, task: Task, limit: int = 20) -> list[MethodRun]:
    """The latest runs of built-in baselines on ``task`` (runs of the baseline teams' methods),
    each with ``elapsed_seconds`` (so far, or the sandbox's measure when finished),
    ``limit_seconds`` (the wall time it is stopped at), ``training_seconds`` (its training
    budget, inside that), ``stage`` (queued, running, scoring, on the board, failed),
    ``ahead`` (runs before it on the ``methods`` queue, when queued) and ``is_active`` (until
    it is on the board or has failed). A few small queries: the Manage page polls it."""
    runs = list(
        MethodRun.objects.filter(task=task, version__method__team__is_baseline=True)
        .select_related("version__method__team", "submission")
        .order_by("-created_at", "-id")[:limit]
    )
    now = timezone.now()
    for run in runs:
        if run.wall_seconds is not None and run.finished_at:
            run.elapsed_seconds = round(run.wall_seconds)
        elif run.started_at:
            run.elapsed_seconds = int(((run.finished_at or now) - run.started_at).total_seconds())
        else:
            run.elapsed_seconds = None
        run.limit_seconds = run_wall_limit_seconds(version=run.version)
        run.training_seconds = training_seconds(command=run.version.manifest.get("command", ""))
        run.stage = _stage(run)
        run.ahead = (
            MethodRun.objects.filter(
                status__in=ACTIVE_RUN_STATUSES, enqueued_at__lt=run.enqueued_at
            ).count()
            if run.status == MethodRun.Status.QUEUED and run.enqueued_at
            else None
        )
        run.is_active = run.stage in ("queued", "running", "scoring")
    return runs
