"""The embedded broker's table stops growing: a real worker and a real beat on
``arenasqla+sqlite:///`` (as `make demo` runs them), with the database of the test run.

The worker takes N tasks, each leaving a delivered row behind; beat then sends the prune, which
leaves no delivered row while the messages no worker has taken yet stay.
"""

import os
import sqlite3
import subprocess
import sys

import pytest
from kombu import Exchange, Queue

from arena.celery import app
from tests.e2e.conftest import REPO, _database_url_for_test_db, start_worker, stop_worker
from tests.e2e.helpers import wait_for

pytestmark = pytest.mark.e2e
TASKS = 20


def _counts(path) -> dict[tuple[str, bool], int]:
    with sqlite3.connect(path, timeout=20) as database:
        rows = database.execute(
            "SELECT q.name, m.visible, count(*) FROM kombu_message m "
            "JOIN kombu_queue q ON q.id = m.queue_id GROUP BY q.name, m.visible"
        ).fetchall()
    return {(queue, bool(visible)): count for queue, visible, count in rows}


def _send(*, url: str, name: str, queue: str, times: int) -> None:
    with app.connection_for_write(url=url) as connection:
        # A process that never consumed knows no binding: declare the queue, as Celery would.
        Queue(queue, Exchange(queue), routing_key=queue)(connection.default_channel).declare()
        for _ in range(times):
            app.send_task(name, queue=queue, connection=connection)


def _start_beat(*, env: dict[str, str], tmp_path) -> subprocess.Popen:
    log_path = tmp_path / "beat.log"
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "arena", "beat", "-l", "info",
             "-s", str(tmp_path / "celerybeat-schedule")],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


def test_beat_prunes_delivered_messages_and_keeps_waiting_ones(transactional_db, tmp_path):
    path = tmp_path / "broker.sqlite3"
    url = f"arenasqla+sqlite:///{path}?timeout=20"
    env = {
        "CELERY_BROKER_URL": url,
        # Delivered rows go at the first prune; beat sends it every second, nothing else.
        "BROKER_MESSAGE_RETENTION_SECONDS": "0",
        "BROKER_PRUNE_INTERVAL_SECONDS": "1",
        "WATCHDOG_INTERVAL_SECONDS": "3600",
    }
    worker_log = tmp_path / "worker.log"
    worker = start_worker(queues="scoring", log_path=worker_log, extra_env=env)
    beat = None
    try:
        _send(url=url, name="arena.submissions.tasks.requeue_stale_submissions",
              queue="scoring", times=TASKS)  # fmt: skip
        _send(url=url, name="arena.methods.tasks.run_method", queue="methods", times=3)
        wait_for(
            lambda: worker_log.read_text().count("succeeded") >= TASKS,
            what=f"the worker to run {TASKS} tasks",
            timeout=60,
        )
        assert _counts(path)[("scoring", False)] == TASKS  # the table grows with every task

        beat_env = {
            **os.environ,
            "DATABASE_URL": _database_url_for_test_db(),
            "PYTHONPATH": f"{REPO / 'platform'}:{REPO}",
            **env,
        }
        beat = _start_beat(env=beat_env, tmp_path=tmp_path)
        wait_for(
            lambda: (
                "prune_broker_messages" in worker_log.read_text()
                and _counts(path).get(("scoring", False), 0) < TASKS
            ),
            what="beat's prune to run in the worker",
            timeout=60,
        )
        beat.terminate()
        beat.wait(timeout=20)
        # Every message beat sent is taken; the last one to run is a prune, which deletes
        # every delivered row, its own included.
        wait_for(
            lambda: not any(queue == "scoring" for queue, _ in _counts(path)),
            what="no message of the scoring queue left in the table",
            timeout=60,
        )
        assert _counts(path) == {("methods", True): 3}  # waiting for a methods worker
    finally:
        if beat is not None and beat.poll() is None:
            beat.kill()
        stop_worker(worker)
        print(worker_log.read_text()[-3000:])
        if (tmp_path / "beat.log").exists():
            print((tmp_path / "beat.log").read_text()[-2000:])
