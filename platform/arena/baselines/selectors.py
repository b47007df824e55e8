"""Reads for baselines."""

from django.utils import timezone

from arena.competitions.models import Task
from arena.methods.models import MethodRun


def baseline_runs_for_task(*, task: Task, limit: int = 20) -> list[MethodRun]:
    """The latest runs of built-in baselines on ``task`` (runs of the baseline teams' methods),
    each with ``elapsed_seconds`` (so far, or in all when finished) and ``is_active``."""
    runs = list(
        MethodRun.objects.filter(task=task, version__method__team__is_baseline=True)
        .select_related("version__method__team", "submission")
        .order_by("-created_at", "-id")[:limit]
    )
    now = timezone.now()
    for run in runs:
        end = run.finished_at or now
        run.elapsed_seconds = (
            int((end - run.started_at).total_seconds()) if run.started_at else None
        )
        run.is_active = run.status in (MethodRun.Status.QUEUED, MethodRun.Status.RUNNING)
    return runs
