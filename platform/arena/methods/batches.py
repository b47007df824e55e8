"""Runs an organizer asks for together: every method of the competition on one task (say, a task
imported after the challenge), or whatever fills the holes of a track's methods x tasks matrix.

A batch queues one run per (method, task) pair of the newest version of each method of the
competition's standing teams that handles the task's kind. Pairs already covered are skipped:
a run of that version on the task that did not fail, and for a track's matrix also a scored
upload of the method by its team. Batches do not use the teams' run allowance (the organizers
are paying for them) and are capped at ``BATCH_MAX_RUNS`` runs.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from arena.competitions.models import Competition, Task, Track
from arena.competitions.selectors import user_is_organizer
from arena.core.errors import UserFacingError
from arena.core.jobs import job_send
from arena.methods.models import Method, MethodRun, MethodVersion, RunBatch
from arena.methods.runs import RUN_JOB
from arena.methods.selectors import primary_public_scores
from arena.submissions.models import (
    PENDING_STATUSES,
    Submission,
    SubmissionStatus,
    on_boards,
)
from arena.teams.selectors import standing_teams

BATCH_MAX_RUNS = 200


def _newest_versions(*, competition: Competition) -> list[MethodVersion]:
    """The newest version of each method of the competition's standing (non-baseline) teams."""
    methods = Method.objects.filter(
        standing_teams(team_path="team"), team__competition=competition, team__is_baseline=False
    )
    newest: dict[int, MethodVersion] = {}
    for version in (
        MethodVersion.objects.filter(method__in=methods)
        .select_related("method__team")
        .order_by("method_id", "number")
    ):
        newest[version.method_id] = version
    return sorted(newest.values(), key=lambda v: (v.method.name.casefold(), v.method.team.name))


def _ran_already(*, versions: list[MethodVersion], tasks: list[Task]) -> set[tuple[int, int]]:
    """(method, task) pairs with a run of the method's version that is queued, running or done."""
    return set(
        MethodRun.objects.filter(version__in=versions, task__in=tasks)
        .exclude(status=MethodRun.Status.FAILED)
        .values_list("version__method_id", "task_id")
    )


def _uploaded_already(*, versions: list[MethodVersion], tasks: list[Task]) -> set[tuple]:
    """(team, lower-case method name, task) of the scored uploads on ``tasks``."""
    return set(
        Submission.objects.filter(
            on_boards(),
            task__in=tasks,
            status=SubmissionStatus.SCORED,
            team_id__in={version.method.team_id for version in versions},
        )
        .annotate(name=Lower("method_name"))
        .values_list("team_id", "name", "task_id")
    )


def batch_every_method_on_task(*, task: Task, user) -> RunBatch:
    """Queues the newest version of every method that handles ``task`` and has not run on it."""
    competition = task.competition
    _check_organizer(competition=competition, user=user)
    versions = [
        version
        for version in _newest_versions(competition=competition)
        if task.kind in version.manifest.get("kinds", [])
    ]
    done = _ran_already(versions=versions, tasks=[task])
    pairs = [(version, task) for version in versions if (version.method_id, task.pk) not in done]
    if not pairs:
        raise UserFacingError(
            f"No method to run on {task.title}: every method of the competition that handles "
            f"{task.kind} tasks has run on it already (or none does)."
        )
    return _queue(
        competition=competition, user=user, pairs=pairs, title=f"Every method on {task.title}"
    )


def batch_fill_track(*, track: Track, user) -> RunBatch:
    """Queues a run for every hole of the track's matrix: a method with neither a scored upload
    by its team nor a run on a task of the track."""
    competition = track.competition
    _check_organizer(competition=competition, user=user)
    tasks = list(track.tasks.order_by("title"))
    versions = _newest_versions(competition=competition)
    ran = _ran_already(versions=versions, tasks=tasks)
    uploaded = _uploaded_already(versions=versions, tasks=tasks)
    pairs = [
        (version, task)
        for task in tasks
        for version in versions
        if task.kind in version.manifest.get("kinds", [])
        and (version.method_id, task.pk) not in ran
        and (version.method.team_id, version.method.name.casefold(), task.pk) not in uploaded
    ]
    if not pairs:
        raise UserFacingError(
            f"The {track.name} matrix has no hole a method could fill: every method that handles "
            "its tasks has an upload or a run on each of them."
        )
    return _queue(
        competition=competition, user=user, pairs=pairs, title=f"Fill the {track.name} matrix"
    )


def _check_organizer(*, competition: Competition, user) -> None:
    if not user_is_organizer(competition=competition, user=user):
        raise UserFacingError("Only the competition's organizers run methods in batches.")


def _queue(*, competition: Competition, user, pairs: list, title: str) -> RunBatch:
    if len(pairs) > BATCH_MAX_RUNS:
        raise UserFacingError(
            f"That would queue {len(pairs)} runs, more than the {BATCH_MAX_RUNS} a batch may "
            "hold; fill the matrix one task at a time."
        )
    with transaction.atomic():
        batch = RunBatch.objects.create(competition=competition, title=title, requested_by=user)
        now = timezone.now()
        runs = MethodRun.objects.bulk_create(
            MethodRun(version=version, task=task, requested_by=user, batch=batch, enqueued_at=now)
            for version, task in pairs
        )
        ids = [run.pk for run in runs]
        transaction.on_commit(lambda: [job_send(name=RUN_JOB, args=[pk]) for pk in ids])
    return batch


@dataclass(frozen=True)
class BatchProgress:
    batch: RunBatch
    total: int
    waiting: int  # queued or running, or its predictions being scored
    failed: int
    scored: int

    @property
    def finished(self) -> int:
        return self.total - self.waiting

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 100

    @property
    def done(self) -> bool:
        return self.waiting == 0


def batches_with_progress(*, competition: Competition, limit: int = 20) -> list[BatchProgress]:
    """The competition's newest batches, each with how far it got: one query for all of them."""
    under_way = Q(runs__status__in=[MethodRun.Status.QUEUED, MethodRun.Status.RUNNING]) | Q(
        runs__status=MethodRun.Status.SUBMITTED, runs__submission__status__in=PENDING_STATUSES
    )
    rows = (
        RunBatch.objects.filter(competition=competition)
        .select_related("requested_by")
        .annotate(
            total=Count("runs"),
            waiting=Count("runs", filter=under_way),
            failed=Count(
                "runs",
                filter=Q(runs__status=MethodRun.Status.FAILED)
                | Q(
                    runs__submission__status__in=[SubmissionStatus.INVALID, SubmissionStatus.FAILED]
                ),
            ),
            scored=Count("runs", filter=Q(runs__submission__status=SubmissionStatus.SCORED)),
        )
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        BatchProgress(
            batch=row, total=row.total, waiting=row.waiting, failed=row.failed, scored=row.scored
        )  # fmt: skip
        for row in rows
    ]


def runs_of_batches(*, batches: list[RunBatch]) -> dict[int, list[MethodRun]]:
    """Each batch's runs with their method, task and submission, in one query."""
    by_batch: dict[int, list[MethodRun]] = {batch.pk: [] for batch in batches}
    runs = list(
        MethodRun.objects.filter(batch__in=batches)
        .select_related("version__method__team", "task", "submission")
        .order_by("task__title", "version__method__name")
    )
    scores = primary_public_scores(
        submission_ids=[run.submission_id for run in runs if run.submission_id]
    )
    for run in runs:
        run.public_score = scores.get(run.submission_id)
        by_batch[run.batch_id].append(run)
    return by_batch
