"""Writes for baselines: the built-in methods' teams and versions, and queueing their runs.

A baseline is a method like any team's (docs/METHODS.md, "Built-in baselines are methods too"):
its package is assembled from the runner's modules (``packaging``), pushed as a version of a
method of the competition's baseline team, and run by ``methods.runs`` in the sandbox on the
``methods`` queue. Its predictions stand on the boards as the baseline team's, never ranked.
"""

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from arena.baselines.methods import METHODS
from arena.baselines.packaging import baseline_package_write
from arena.competitions.models import Competition, Task
from arena.methods.models import MethodRun, MethodVersion
from arena.methods.runs import run_request_builtin
from arena.methods.services import method_push_folder
from arena.teams.models import Membership, Team


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


def baseline_version_for(
    *, competition: Competition, method: str, preset: str, time_limit: int
) -> MethodVersion:
    """The version of the built-in ``method`` that runs now: its package, assembled from the
    runner's modules, pushed as the baseline team's method. The same modules and time limit
    are the same version (the push finds it by content); a changed module makes a new one."""
    team, user = baseline_team_for(competition=competition, method=method, preset=preset)
    folder = Path(tempfile.mkdtemp(prefix="arena-baseline-package-"))
    try:
        baseline_package_write(
            folder=folder,
            method=method,
            preset=preset,
            time_limit=time_limit,
            max_embedding_texts=settings.BASELINE_EMBEDDING_MAX_TEXTS,
        )
        return method_push_folder(team=team, user=user, root=folder).version
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# The order the methods' runs are queued in, fastest first: TF-IDF fits in seconds, the
# embeddings' model takes a while to load, AutoGluon trains for its whole time limit. A method
# not listed goes before AutoGluon.
METHOD_SPEED_ORDER = ("tfidf-logreg", "embedding-logreg", "autogluon")


def task_size(*, task: Task) -> int:
    """How big ``task`` is to train on: the rows of its public tables, counted at import (its
    datasheet), or its test rows for a task imported before datasheets were kept."""
    tables = (task.datasheet or {}).get("tables") or []
    return sum(int(table.get("rows", 0)) for table in tables) or task.test_rows


def _fast_first(names: list[str]) -> list[str]:
    last = len(METHOD_SPEED_ORDER) - 1
    ranks = {name: rank for rank, name in enumerate(METHOD_SPEED_ORDER)}
    return sorted(names, key=lambda name: ranks.get(name, last - 0.5))


def baseline_runs_enqueue(
    *,
    task: Task,
    methods: list[str] | None = None,
    preset: str | None = None,
    time_limit: int | None = None,
    requested_by=None,
) -> list[MethodRun]:
    """Queues a run of each built-in method (every one by default, the faster first) on
    ``task``, on the ``methods`` queue after the transaction commits. ``requested_by``: the
    organizer who asked, or None when Arena does (a task's import)."""
    return baseline_runs_enqueue_for_tasks(
        tasks=[task],
        methods=methods,
        preset=preset,
        time_limit=time_limit,
        requested_by=requested_by,
    )


def baseline_runs_enqueue_for_tasks(
    *,
    tasks: list[Task],
    methods: list[str] | None = None,
    preset: str | None = None,
    time_limit: int | None = None,
    requested_by=None,
) -> list[MethodRun]:
    """Queues the built-in methods on each of ``tasks`` (of one competition or several), in the
    order the ``methods`` workers take them: first the fastest method on every task, smallest
    task first (``task_size``), so every board gets a baseline within seconds; then the other
    methods, smallest task first and on each task the faster first. A task's first run computes
    what its others reuse (the text's embeddings, ``methods.run_cache``), so its other runs come
    after every smaller task's, by when the first has usually finished. Defaults: every method,
    ``settings.BASELINE_PRESET`` and ``BASELINE_TIME_LIMIT``."""
    preset = preset or settings.BASELINE_PRESET
    time_limit = time_limit or settings.BASELINE_TIME_LIMIT
    names = _fast_first(methods or list(METHODS))
    unknown = [name for name in names if name not in METHODS]
    if unknown:
        raise ValueError(
            f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(METHODS)}"
        )
    versions: dict[tuple[int, str], MethodVersion] = {}
    runs = []
    by_size = sorted(tasks, key=lambda task: (task_size(task=task), task.pk))
    order = [(names[0], task) for task in by_size]
    order += [(name, task) for task in by_size for name in names[1:]]
    for name, task in order:
        key = (task.competition_id, name)
        if key not in versions:  # one package push per competition and method
            versions[key] = baseline_version_for(
                competition=task.competition, method=name, preset=preset, time_limit=time_limit
            )
        runs.append(
            run_request_builtin(version=versions[key], task=task, requested_by=requested_by)
        )
    return runs
