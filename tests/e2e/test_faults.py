"""Faults made to happen for real, with real worker processes on Redis and PostgreSQL: the same
scoring message delivered twice, the broker down at upload. Each submission ends scored exactly
once. Workers killed mid-job: test_worker_recovery.py."""

import os
import signal
import subprocess
import sys

import pytest
import requests
from django.conf import settings

from arena.submissions.models import Score, Submission
from arena.submissions.services import submission_create
from arena.submissions.tasks import score_submission
from tests.e2e.conftest import _redis_broker, start_worker, stop_worker
from tests.e2e.helpers import csrf_post, wait_for, wait_until_delivered
from tests.e2e.test_production_stack import REPO, free_port, url_of_test_database
from tests.integration.helpers import csv_upload, predictions_with_private_errors
from tests.participants import team_create

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


def test_the_same_message_delivered_twice_scores_once(submission_factory, celery_worker_process):
    submission = submission_factory()  # enqueued once on commit
    score_submission.delay(submission.pk)
    score_submission.delay(submission.pk)
    wait_for(
        lambda: Submission.objects.get(pk=submission.pk).status == "scored",
        what="the submission to be scored",
    )
    wait_until_delivered(_redis_broker(), "scoring", what="the duplicates to be consumed")
    assert _redis_broker().llen("scoring") == 0
    scored = Submission.objects.get(pk=submission.pk)
    assert scored.attempts == 1
    assert one_set_of_scores(scored)


def test_upload_while_the_broker_is_down_is_kept_and_scored_when_it_is_back(
    transactional_db, products, competition, alice, tmp_path
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    broker_port, web_port = free_port(), free_port()
    broker_url = f"redis://127.0.0.1:{broker_port}/0"  # nothing listens there yet
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DATABASE_URL": url_of_test_database(),
        "CELERY_BROKER_URL": broker_url,
        "ARENA_HOME": str(settings.ARENA_HOME),
        "BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "1",
        "WATCHDOG_QUEUED_SECONDS": "0",
    }
    web = subprocess.Popen(
        [str(REPO / "docker" / "entrypoint.sh"), "web"], cwd=REPO, env=env,
        stdout=(tmp_path / "web.log").open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    redis = worker = None
    try:
        base = f"http://127.0.0.1:{web_port}"

        def answers():
            try:
                return requests.get(f"{base}/accounts/login/", timeout=10).status_code == 200
            except requests.RequestException:  # not up yet, or too busy booting to answer
                return False

        wait_for(answers, what="gunicorn", timeout=90)
        assert (
            requests.get(f"{base}/healthz", timeout=10).json()["broker"].startswith("unavailable")
        )
        session = requests.Session()
        csrf_post(
            session,
            f"{base}/accounts/login/",
            {"username": "alice", "password": "correct-horse-battery-staple"},
        )
        page = f"{base}/c/{competition.slug}/tasks/{task.slug}/"
        token = (
            __import__("re")
            .search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(page).text)
            .group(1)
        )
        frame = predictions_with_private_errors(task, wrong_private=1)
        upload = session.post(
            f"{page}submit/",
            data={"csrfmiddlewaretoken": token, "method_name": "Almost right"},
            files={"file": ("p.csv", frame.to_csv(index=False).encode(), "text/csv")},
            headers={"Accept": "application/json", "Referer": page},
        )
        assert upload.status_code == 200, upload.text  # accepted although nothing can enqueue
        submission_id = upload.json()["submission"]
        assert Submission.objects.get(pk=submission_id).status == "queued"

        # The broker comes back; a worker and the watchdog's next run do the rest.
        redis = subprocess.Popen(
            ["redis-server", "--port", str(broker_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        worker = start_worker(
            queues="scoring",
            log_path=tmp_path / "worker.log",
            extra_env={"CELERY_BROKER_URL": broker_url, "WATCHDOG_QUEUED_SECONDS": "0"},
        )
        subprocess.run(
            [env["PYTHON"], "-m", "celery", "-A", "arena", "call",
             "arena.submissions.tasks.requeue_stale_submissions"],
            cwd=REPO, env={**env, "PYTHONPATH": f"{REPO / 'platform'}:{REPO}"}, check=True,
            capture_output=True,
        )  # fmt: skip
        wait_for(
            lambda: Submission.objects.get(pk=submission_id).status == "scored",
            what="the kept upload to be scored",
            timeout=60,
        )
        assert Submission.objects.get(pk=submission_id).attempts == 1
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=20)
        if worker is not None:
            stop_worker(worker)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
        print((tmp_path / "web.log").read_text()[-2000:])
