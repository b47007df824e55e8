"""Issue 14, item 9: a worker killed with SIGKILL in the middle of a job (the whole worker, so no
message is redelivered) is noticed by its lapsed lease and the job is done by another worker
within about a minute, for scoring and for method runs (a built-in baseline's here) alike, with
the attempts counted. Beat runs as its own process, as in every runtime shape."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from arena.baselines.services import baseline_runs_enqueue
from arena.methods.models import MethodRun
from arena.submissions.models import Score, Submission
from arena.submissions.services import submission_create
from tests.e2e.conftest import (
    REPO,
    _database_url_for_test_db,
    _redis_broker,
    start_worker,
    stop_worker,
)
from tests.e2e.helpers import wait_for
from tests.integration.helpers import csv_upload, predictions_with_private_errors
from tests.participants import team_create

pytestmark = pytest.mark.e2e

# Leases lapse after 6 s without a heartbeat and the watchdog looks every 2 s, so the tests do
# not idle; how soon a job is taken back is configuration (JOB_STALE_SECONDS plus
# WATCHDOG_INTERVAL_SECONDS, docs/OPERATIONS.md), not something these tests time.
FAST_RECOVERY = {
    "JOB_HEARTBEAT_SECONDS": "1",
    "JOB_STALE_SECONDS": "6",
    "WATCHDOG_INTERVAL_SECONDS": "2",
}


def kill_whole_worker(process: subprocess.Popen) -> None:
    """SIGKILL to the main process and its pool: nothing is acknowledged or given back."""
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    for pid in [process.pid, *map(int, children)]:
        os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def beat(transactional_db, tmp_path):
    """celery beat as its own process, the watchdog's only sender."""
    log = tmp_path / "beat.log"
    env = {
        **os.environ,
        **FAST_RECOVERY,
        "DATABASE_URL": _database_url_for_test_db(),
        "PYTHONPATH": f"{REPO / 'platform'}:{REPO}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "arena", "beat", "-l", "info",
         "--schedule", str(tmp_path / f"beat-{uuid.uuid4().hex[:6]}")],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield process
    process.terminate()
    process.wait(timeout=20)
    print(log.read_text()[-2000:])


def test_scoring_worker_killed_mid_job_is_taken_back_and_scored_once(
    transactional_db, products, competition, alice, beat, tmp_path
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    _redis_broker().delete("scoring")
    doomed = start_worker(
        queues="scoring",
        log_path=tmp_path / "doomed.log",
        extra_env={**FAST_RECOVERY, "SCORING_FAULT_DELAY_SECONDS": "600"},
    )
    frame = predictions_with_private_errors(task, wrong_private=2)
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(frame))
    wait_for(
        lambda: Submission.objects.get(pk=submission.pk).status == "scoring",
        what="the first worker to claim the submission",
    )
    kill_whole_worker(doomed)

    healthy = start_worker(
        queues="scoring", log_path=tmp_path / "healthy.log", extra_env=FAST_RECOVERY
    )
    try:
        wait_for(
            lambda: Submission.objects.get(pk=submission.pk).status == "scored",
            what="the watchdog to take the dead worker's submission back",
        )
        scored = Submission.objects.get(pk=submission.pk)
        assert scored.attempts == 2  # the killed attempt and the one that finished
        metrics = list(
            Score.objects.filter(submission=scored, split="public").values_list("metric", flat=True)
        )
        assert len(metrics) == len(set(metrics)) > 0
    finally:
        stop_worker(healthy)


def test_methods_worker_killed_mid_run_the_run_still_finishes(
    transactional_db, products, competition, beat, tmp_path
):
    task, _ = products
    broker = _redis_broker()
    broker.delete("scoring", "methods")
    MethodRun.objects.all().delete()
    scoring = start_worker(
        queues="scoring", log_path=tmp_path / "scoring.log", extra_env=FAST_RECOVERY
    )
    doomed = start_worker(
        queues="methods", log_path=tmp_path / "doomed.log", extra_env=FAST_RECOVERY
    )
    healthy = None
    try:
        # Seconds of work in the sandbox (imports, embeddings, a fit) after the run says
        # "running": it is killed within a tenth of a second of that. Which method does not
        # matter here; the reference is the cheapest of the built-in ones.
        run = baseline_runs_enqueue(task=task, methods=["tfidf-logreg"], preset="fast")[0]
        wait_for(
            lambda: MethodRun.objects.get(pk=run.pk).status == "running",
            what="the baseline to start running",
        )
        kill_whole_worker(doomed)  # the sandbox dies with it (--die-with-parent)
        healthy = start_worker(
            queues="methods", log_path=tmp_path / "healthy.log", extra_env=FAST_RECOVERY
        )
        wait_for(
            lambda: MethodRun.objects.get(pk=run.pk).status == "submitted",
            what="the run to be taken back and finished",
            timeout=240,
        )
        done = MethodRun.objects.get(pk=run.pk)
        assert done.attempts == 2
        # The killed attempt's folder went when the run was taken back; the second's at its end.
        assert not any(Path(settings.METHOD_RUNS_DIR).iterdir())
        assert done.environment["sandbox"].startswith("bubblewrap")
        assert Submission.objects.get(pk=done.submission_id).task_id == task.pk
    finally:
        for process in (scoring, healthy):
            if process is not None:
                stop_worker(process)
