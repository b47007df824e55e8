"""The baselines' watchdog (issue 14, item 9): a run whose worker died is queued again until it
has used its attempts, then ends failed with a message; a run whose message never left is sent
again, once per period; a live run is left alone. The worker kills themselves are played for
real in tests/e2e/test_worker_recovery.py."""

from datetime import timedelta

from django.utils import timezone

from arena.baselines.models import BaselineRun
from arena.baselines.services import (
    MAX_BASELINE_ATTEMPTS,
    baseline_run_execute,
    baseline_runs_recover,
)

PERIOD = timedelta(minutes=5)


def make_run(task, **fields) -> BaselineRun:
    return BaselineRun.objects.create(
        task=task, method="tfidf-logreg", preset="fast", time_limit=30, **fields
    )


def test_a_dead_workers_run_goes_back_to_the_queue(products):
    task, _ = products
    run = make_run(
        task,
        status="training",
        attempts=1,
        claim_token="a" * 32,
        heartbeat_at=timezone.now() - timedelta(minutes=2),
        enqueued_at=timezone.now() - timedelta(minutes=3),
    )
    before = timezone.now()
    assert baseline_runs_recover(queued_longer_than=PERIOD) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.claim_token, run.attempts) == ("queued", "", 1)
    assert run.enqueued_at >= before  # its message was sent again by this pass


def test_a_run_whose_worker_died_every_time_ends_failed_with_why(products):
    task, _ = products
    run = make_run(
        task,
        status="predicting",
        attempts=MAX_BASELINE_ATTEMPTS,
        claim_token="a" * 32,
        heartbeat_at=timezone.now() - timedelta(minutes=2),
    )
    assert baseline_runs_recover(queued_longer_than=PERIOD) == []
    run.refresh_from_db()
    assert run.status == "failed"
    assert f"stopped {MAX_BASELINE_ATTEMPTS} times without finishing" in run.log_tail
    assert run.finished_at is not None


def test_a_live_run_and_a_fresh_message_are_left_alone(products):
    task, _ = products
    live = make_run(
        task, status="training", attempts=1, claim_token="b" * 32, heartbeat_at=timezone.now()
    )
    fresh = make_run(task, enqueued_at=timezone.now())
    assert baseline_runs_recover(queued_longer_than=PERIOD) == []
    assert baseline_run_execute(run_id=live.pk) is None  # nobody takes a live lease
    assert BaselineRun.objects.get(pk=fresh.pk).status == "queued"


def test_a_lost_message_is_sent_again_once_per_period(products):
    task, _ = products
    lost = make_run(task, enqueued_at=timezone.now() - timedelta(minutes=10))
    assert baseline_runs_recover(queued_longer_than=PERIOD) == [lost.pk]
    assert baseline_runs_recover(queued_longer_than=PERIOD) == []
