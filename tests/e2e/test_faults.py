"""Faults made to happen for real, with real worker processes on Redis and PostgreSQL: a worker
killed in the middle of scoring, and the same scoring message delivered twice. Each submission
ends scored exactly once."""

import os
import signal
import subprocess
import time

import pytest

from arena.submissions.models import Score, Submission
from arena.submissions.services import submission_create
from arena.submissions.tasks import requeue_stale_submissions, score_submission
from arena.teams.services import team_create
from tests.e2e.conftest import _redis_broker, start_worker, stop_worker
from tests.e2e.helpers import wait_for
from tests.integration.helpers import csv_upload, predictions_with_private_errors

pytestmark = pytest.mark.e2e


def one_set_of_scores(submission) -> bool:
    metrics = Score.objects.filter(submission=submission, split="public").values_list(
        "metric", flat=True
    )
    return len(metrics) == len(set(metrics)) > 0


@pytest.fixture
def submission_factory(transactional_db, products, competition, alice):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")

    def make():
        frame = predictions_with_private_errors(task, wrong_private=2)
        return submission_create(task=task, user=alice, uploaded_file=csv_upload(frame))

    return make


def pool_children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in found.split()]


def test_worker_killed_while_scoring_is_scored_once_after_the_watchdog(
    submission_factory, tmp_path
):
    _redis_broker().delete("scoring")
    slow = start_worker(
        queues="scoring",
        log_path=tmp_path / "slow.log",
        extra_env={"SCORING_FAULT_DELAY_SECONDS": "30", "WATCHDOG_SCORING_SECONDS": "1"},
    )
    try:
        submission = submission_factory()
        wait_for(
            lambda: Submission.objects.get(pk=submission.pk).status == "scoring",
            what="the worker to claim the submission",
        )
        children = pool_children(slow.pid)
        assert children, "the prefork pool has a child doing the work"
        for child in children:
            os.kill(child, signal.SIGKILL)  # the process scoring dies mid-job
        time.sleep(3)
        assert Submission.objects.get(pk=submission.pk).status == "scoring"  # left behind
    finally:
        stop_worker(slow)
    healthy = start_worker(
        queues="scoring",
        log_path=tmp_path / "healthy.log",
        extra_env={"WATCHDOG_SCORING_SECONDS": "1"},
    )
    try:
        requeue_stale_submissions.delay()  # what beat sends every minute
        wait_for(
            lambda: Submission.objects.get(pk=submission.pk).status == "scored",
            what="the watchdog to get the submission scored",
            timeout=60,
        )
        time.sleep(2)
        scored = Submission.objects.get(pk=submission.pk)
        assert scored.attempts == 2  # the killed attempt and the one that finished
        assert one_set_of_scores(scored)
    finally:
        stop_worker(healthy)


def test_the_same_message_delivered_twice_scores_once(submission_factory, celery_worker_process):
    submission = submission_factory()  # enqueued once on commit
    score_submission.delay(submission.pk)
    score_submission.delay(submission.pk)
    wait_for(
        lambda: Submission.objects.get(pk=submission.pk).status == "scored",
        what="the submission to be scored",
    )
    time.sleep(2)  # the duplicates are consumed by now
    assert _redis_broker().llen("scoring") == 0
    scored = Submission.objects.get(pk=submission.pk)
    assert scored.attempts == 1
    assert one_set_of_scores(scored)
