"""A task's data through its life, across apps: import or replace, re-score, baselines, activity.

Each step belongs to its own app (competitions own tasks and their files, submissions own
scoring, baselines queue runs of the built-in methods); this module is the one place that chains
them, so that no lower app imports a higher one. Pages, the API, management commands and the
demo call these.
"""

from pathlib import Path

from arena.baselines.services import baseline_runs_enqueue
from arena.competitions import importing
from arena.competitions import services as competition_services
from arena.competitions.importing import ImportResult
from arena.competitions.models import Task
from arena.methods.models import MethodRun
from arena.submissions.services import submissions_rescore_for_task


def _rescore(task: Task) -> int:
    return submissions_rescore_for_task(task=task)


def _after_new_data(*, task: Task) -> None:
    """Every registered baseline runs on a new or replaced task, unless the competition opts out."""
    if task.competition.run_baselines_on_import:
        baseline_runs_enqueue(task=task)


def task_import(
    *,
    bundle_dir: Path,
    competition_slug: str,
    track_name: str | None = None,
    replace: bool = False,
    actor=None,
) -> ImportResult:
    """Imports a bundle folder as a task (or replaces its data, re-scoring in place), then queues
    the baselines. Raises BundleError listing every problem; nothing is written then."""
    result = importing.task_import(
        bundle_dir=bundle_dir,
        competition_slug=competition_slug,
        track_name=track_name,
        replace=replace,
        actor=actor,
        rescore=_rescore,
    )
    _after_new_data(task=result.task)
    return result


def task_import_zip(
    *, archive_file, competition_slug: str, track_name: str | None, replace: bool, actor=None
) -> ImportResult:
    """The same from an uploaded zip (the organizer's import page)."""
    result = importing.task_import_zip(
        archive_file=archive_file,
        competition_slug=competition_slug,
        track_name=track_name,
        replace=replace,
        actor=actor,
        rescore=_rescore,
    )
    _after_new_data(task=result.task)
    return result


def task_change_metric(*, task: Task, metric: str, actor=None) -> int:
    """Switches the task's primary metric (a new version) and re-scores every submission in
    place; returns how many were queued."""
    return competition_services.task_change_metric(
        task=task, metric=metric, actor=actor, rescore=_rescore
    )


def baselines_queue(*, task: Task, preset: str | None, actor) -> list[MethodRun]:
    """An organizer asks for the baselines to run again (the task's Manage page); noted on the
    activity page."""
    runs = baseline_runs_enqueue(task=task, preset=preset, requested_by=actor)
    competition_services.audit_record(
        competition=task.competition,
        actor=actor,
        action="baselines.queued",
        summary=f"{task.title}: {len(runs)} baseline run(s) queued "
        f"({', '.join(run.version.method.team.name for run in runs)}).",
    )
    return runs
