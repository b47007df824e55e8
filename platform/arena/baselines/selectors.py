"""Reads for baselines."""

from django.utils import timezone

from arena.baselines.models import BaselineRun
from arena.competitions.models import Task


def baseline_runs_for_task(*, task: Task, limit: int = 20) -> list[BaselineRun]:
    """Latest runs, each with ``elapsed_seconds`` (so far, or in all when finished)."""
    runs = list(task.baseline_runs.select_related("submission")[:limit])
    now = timezone.now()
    for run in runs:
        end = run.finished_at or now
        run.elapsed_seconds = (
            int((end - run.started_at).total_seconds()) if run.started_at else None
        )
    return runs
