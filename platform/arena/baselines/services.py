"""Writes for baselines: queueing runs, running one, and submitting its predictions."""

import logging
import shutil
import tempfile
import time
import traceback
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from arena.baselines.methods import METHODS
from arena.baselines.models import BaselineRun
from arena.baselines.runner import run_baseline
from arena.competitions.downloads import materialize_public_bundle
from arena.competitions.models import Competition, Task
from arena.core import leases
from arena.core.jobs import job_send
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
        transaction.on_commit(partial(baseline_run_enqueue, run_id=run.pk))
    return runs


def baseline_run_enqueue(*, run_id: int) -> None:
    """Sends a run's message; if the broker is down the run stays queued for the watchdog."""
    BaselineRun.objects.filter(pk=run_id).update(enqueued_at=timezone.now())
    job_send(name="arena.baselines.tasks.run_baseline_task", args=[run_id])


def _set(run_id: int, token: str, **fields) -> bool:
    """Updates a run this worker still holds; False when its lease went to another worker."""
    return bool(BaselineRun.objects.filter(pk=run_id, claim_token=token).update(**fields))


# A run whose worker died this many times (killed, out of memory) is not tried again.
MAX_BASELINE_ATTEMPTS = 2
ABANDONED_MESSAGE = (
    "The worker running this baseline stopped {attempts} times without finishing (killed, or "
    "out of memory); Arena gave up. Run it again from the task's Manage page once the cause "
    "is fixed."
)
RUNNING_STATUSES = (BaselineRun.Status.TRAINING, BaselineRun.Status.PREDICTING)


def baseline_runs_recover(*, queued_longer_than: timedelta) -> list[int]:
    """The watchdog for baselines: takes back runs whose worker died, and resends lost messages.

    A run in training or predicting whose lease lapsed goes back to the queue, or ends
    ``failed`` with a message once it has used ``MAX_BASELINE_ATTEMPTS``. A queued run whose
    message was sent more than ``queued_longer_than`` ago (or never got out) is sent again.
    """
    now = timezone.now()
    dead = BaselineRun.objects.filter(leases.dead_claim(now=now), status__in=RUNNING_STATUSES)
    for run in dead.filter(attempts__gte=MAX_BASELINE_ATTEMPTS).only("pk", "attempts"):
        dead.filter(pk=run.pk).update(
            status=BaselineRun.Status.FAILED,
            finished_at=now,
            claim_token="",
            log_tail=ABANDONED_MESSAGE.format(attempts=run.attempts),
        )
    released = list(dead.values_list("pk", flat=True))
    dead.filter(pk__in=released).update(
        status=BaselineRun.Status.QUEUED, claim_token="", heartbeat_at=None
    )
    forgotten = BaselineRun.objects.filter(status=BaselineRun.Status.QUEUED).filter(
        Q(enqueued_at__lt=now - queued_longer_than)
        | Q(enqueued_at__isnull=True, queued_at__lt=now - queued_longer_than)
    )
    waiting = sorted(set(released) | set(forgotten.values_list("pk", flat=True)))
    for run_id in waiting:
        baseline_run_enqueue(run_id=run_id)
    return waiting


def baseline_run_execute(*, run_id: int) -> str | None:
    """Claims a queued run, trains and predicts, and submits the predictions as a baseline.

    The predictions take the normal submission path, so they are validated and scored like
    any participant's file. Any error ends the run as ``failed`` with the log's tail.
    """
    token = leases.claim(
        model=BaselineRun,
        pk=run_id,
        queued=BaselineRun.Status.QUEUED,
        running=tuple(RUNNING_STATUSES),
        claimed_status=BaselineRun.Status.TRAINING,
        max_attempts=MAX_BASELINE_ATTEMPTS,
    )
    if token is None:
        return None
    with leases.Heartbeat(model=BaselineRun, pk=run_id, token=token):
        return _execute_claimed(run_id=run_id, token=token)


def _execute_claimed(*, run_id: int, token: str) -> str | None:
    if settings.BASELINE_FAULT_DELAY_SECONDS:
        # Fault tests only: hold the claim long enough to kill the worker in the middle of it.
        time.sleep(settings.BASELINE_FAULT_DELAY_SECONDS)
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
            progress=lambda stage: _set(run_id, token, status=BaselineRun.Status.PREDICTING),
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
            token,
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
        _set(
            run_id,
            token,
            status=BaselineRun.Status.FAILED,
            finished_at=timezone.now(),
            log_tail=tail,
        )
        return BaselineRun.Status.FAILED
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
