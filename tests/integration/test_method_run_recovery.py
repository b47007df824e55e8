"""The watchdog for method runs (issue 16): a run whose worker died goes back to the queue until
it has used its attempts, then ends failed with a message a team understands; a run whose
message was lost (or never left) is sent again, once per period; a live run is left alone. The
messages are read from the Redis queue the methods workers take them from."""

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from arena.methods.models import MethodRun
from arena.methods.runs import MAX_RUN_ATTEMPTS, RUN_JOB, run_execute
from arena.methods.services import method_push_folder
from arena.methods.tasks import recover_method_runs
from arena.methods.watchdog import method_runs_recover

PERIOD = timedelta(minutes=5)
EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "methods" / "majority"
WATCHDOG_JOB = "arena.methods.tasks.recover_method_runs"


def jobs_on(broker, queue: str) -> list[tuple[str, str]]:
    """(task name, its arguments) of every message waiting on ``queue``."""
    sent = [json.loads(raw)["headers"] for raw in broker.lrange(queue, 0, -1)]
    return [(headers["task"], headers["argsrepr"]) for headers in sent]


@pytest.fixture
def make_run(alice, alice_team, products):
    task, _ = products
    version = method_push_folder(team=alice_team, user=alice, root=EXAMPLE).version

    def make(**fields) -> MethodRun:
        return MethodRun.objects.create(version=version, task=task, requested_by=alice, **fields)

    return make


def lapsed() -> datetime:
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 60)


def test_a_dead_workers_run_goes_back_to_the_queue_and_is_sent_again(make_run, broker):
    run = make_run(
        status="running",
        attempts=1,
        claim_token="a" * 32,
        heartbeat_at=lapsed(),
        enqueued_at=timezone.now() - timedelta(minutes=3),
    )
    before = timezone.now()
    assert method_runs_recover(queued_longer_than=PERIOD) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.claim_token, run.heartbeat_at, run.attempts) == ("queued", "", None, 1)
    assert run.enqueued_at >= before
    assert jobs_on(broker, "methods") == [(RUN_JOB, f"[{run.pk}]")]


def test_a_run_whose_worker_died_every_time_ends_failed_with_why(make_run, broker):
    run = make_run(
        status="running", attempts=MAX_RUN_ATTEMPTS, claim_token="a" * 32, heartbeat_at=lapsed()
    )
    assert method_runs_recover(queued_longer_than=PERIOD) == []
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at is not None and run.claim_token == ""
    assert f"stopped {MAX_RUN_ATTEMPTS} times before the run ended" in run.message
    assert "not your method's limit" in run.message and "start the run again" in run.message
    assert jobs_on(broker, "methods") == []
    assert run_execute(run_id=run.pk) is None  # a late redelivery finds nothing to run


def test_a_live_run_and_a_fresh_message_are_left_alone(make_run, broker):
    live = make_run(status="running", attempts=1, claim_token="b" * 32, heartbeat_at=timezone.now())
    fresh = make_run(enqueued_at=timezone.now())
    assert method_runs_recover(queued_longer_than=PERIOD) == []
    assert run_execute(run_id=live.pk) is None  # nobody takes a live lease
    live.refresh_from_db()
    assert (live.status, live.claim_token, live.attempts) == ("running", "b" * 32, 1)
    assert MethodRun.objects.get(pk=fresh.pk).status == "queued"
    assert jobs_on(broker, "methods") == []


def test_a_lost_message_is_sent_again_once_per_period(make_run, broker):
    lost = make_run(enqueued_at=timezone.now() - timedelta(minutes=10))
    never_sent = make_run(enqueued_at=None)
    MethodRun.objects.filter(pk=never_sent.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    before = timezone.now()
    assert method_runs_recover(queued_longer_than=PERIOD) == [lost.pk, never_sent.pk]
    assert set(jobs_on(broker, "methods")) == {
        (RUN_JOB, f"[{lost.pk}]"),
        (RUN_JOB, f"[{never_sent.pk}]"),
    }
    for run in (lost, never_sent):
        run.refresh_from_db()
        assert run.status == "queued" and run.enqueued_at >= before
    assert method_runs_recover(queued_longer_than=PERIOD) == []
    assert len(jobs_on(broker, "methods")) == 2


def test_the_watchdog_runs_beside_scoring_every_period(make_run, broker):
    """Beat sends it to the scoring queue, which works while every methods worker is busy."""
    entry = settings.CELERY_BEAT_SCHEDULE["recover-method-runs"]
    assert entry == {"task": WATCHDOG_JOB, "schedule": float(settings.WATCHDOG_INTERVAL_SECONDS)}
    recover_method_runs.delay()
    assert jobs_on(broker, "scoring") == [(WATCHDOG_JOB, "()")]
    assert jobs_on(broker, "methods") == []
    lost = make_run(enqueued_at=timezone.now() - timedelta(days=1))
    assert recover_method_runs() == 1  # the task itself, as a worker calls it
    assert jobs_on(broker, "methods") == [(RUN_JOB, f"[{lost.pk}]")]


def test_a_killed_attempts_folder_goes_when_a_run_starts_and_a_live_runs_stays(make_run):
    """A worker killed mid-run leaves its folder (the task's copy, what the method wrote)."""
    live = make_run(status="running", attempts=1, claim_token="b" * 32, heartbeat_at=timezone.now())
    dead = make_run(status="running", attempts=1, claim_token="c" * 32, heartbeat_at=lapsed())
    ended = make_run(status="failed", attempts=2)
    retaken = make_run(status="queued", attempts=1)
    root = Path(settings.METHOD_RUNS_DIR)
    folders = {}
    for run in (live, dead, ended, retaken):
        folders[run.pk] = root / f"arena-run-{run.pk}-x1y2z3"
        (folders[run.pk] / "work").mkdir(parents=True)
    stranger = root / "notes"  # not a run's: left alone
    stranger.mkdir()
    assert run_execute(run_id=retaken.pk) in {"submitted", "failed"}
    assert folders[live.pk].is_dir() and stranger.is_dir()
    assert not any(folders[run.pk].exists() for run in (dead, ended, retaken))
    shutil.rmtree(folders[live.pk])
    stranger.rmdir()
