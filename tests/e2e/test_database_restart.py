"""PostgreSQL restarted under load: uploads through gunicorn fail cleanly (503 in JSON, nothing
half-written) while it is down, succeed again once it is back, and every upload is scored exactly
once, also one whose commit went through just before its answer was lost (retried with its
Idempotency-Key, it gets that submission back). Runs on a PostgreSQL cluster of its own,
started and restarted by the test, with web, a scoring worker and beat as in production."""

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests

from tests.e2e.helpers import wait_for
from tests.e2e.test_production_stack import REPO, free_port

pytestmark = pytest.mark.e2e

SETUP = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from arena.api.services import api_token_create
from arena.competitions import synthetic
from arena.competitions.selectors import rules_fingerprint
from arena.competitions.services import (
    competition_create, rules_accept, task_create, track_get_or_create,
)
from arena.teams.services import team_create
now = timezone.now()
c = competition_create(slug="pg-cup", title="PG", start_at=now - timedelta(days=1),
                       end_at=now + timedelta(days=1))
c.daily_submission_limit = 500
c.save()
d = synthetic.classification_data(rows=300, seed=1)
track = track_get_or_create(competition=c, name="C", kind="classification")
t = task_create(competition=c, track=track, slug="t", title="T", kind="classification",
                metric="accuracy", tables={"train": d.train, "test": d.test}, answers=d.answers)
u = get_user_model().objects.create_user(username="u", password="x" * 12)
# Outside pytest a site-packages "tests" shadows ours: the rules accepted by hand.
rules_accept(competition=c, user=u, rules_hash=rules_fingerprint(competition=c))
team_create(competition=c, user=u, name="Team")
print("TOKEN", api_token_create(user=u, name="t")[1])
d.answers[["id", "label"]].to_csv(__import__("os").environ["ANSWERS_PATH"], index=False)
"""


class Cluster:
    """A throwaway PostgreSQL cluster that the test may stop and start."""

    def __init__(self, folder: Path) -> None:
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self.data = folder / "pg"
        self.port = free_port()
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        self.data.mkdir(parents=True)
        if self.as_pg:
            shutil.chown(self.data, "postgres")
        subprocess.run(
            [
                *self.as_pg,
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                self.user,
            ],
            check=True,
            capture_output=True,
        )

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [
                *self.as_pg,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.data / "log"),
                "-w",
                *args,
            ],
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/arena"


def test_postgres_restart_under_load_loses_nothing(tmp_path):
    # The cluster belongs to the postgres user when run as root: a folder it can reach.
    cluster_home = Path(tempfile.mkdtemp(prefix="arena-pg-"))
    os.chmod(cluster_home, 0o755)
    cluster = Cluster(cluster_home)
    cluster.pg_ctl("start")
    processes = []
    try:
        subprocess.run(
            [
                *cluster.as_pg,
                str(cluster.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                cluster.user,
                "arena",
            ],
            check=True,
        )
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "PYTHON": sys.executable,
            "ARENA_HOME": str(tmp_path / "home"),
            "PYTHONPATH": f"{REPO / 'platform'}:{REPO}",
            "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0] + "/7",
            "WEB_CONCURRENCY": "2",
            "SCORING_CONCURRENCY": "1",
            "WATCHDOG_QUEUED_SECONDS": "5",
            # A job whose worker met the database down (before claiming it, or while writing its
            # scores) is picked up again by the watchdog; scoring here takes well under 10 s.
            "WATCHDOG_INTERVAL_SECONDS": "5",
            "JOB_STALE_SECONDS": "10",
            "UPLOAD_RATE_LIMIT_COUNT": "100000",  # one team uploads ten files a second here
        }
        (tmp_path / "home" / "static").mkdir(parents=True)
        subprocess.run(
            [str(REPO / "docker/entrypoint.sh"), "migrate"],
            env=env,
            check=True,
            capture_output=True,
        )
        answers = tmp_path / "answers.csv"
        made = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SETUP],
            cwd=REPO,
            env={**env, "ANSWERS_PATH": str(answers)},
            check=True,
            capture_output=True,
            text=True,
        )
        token = made.stdout.split("TOKEN ")[1].split()[0]
        port = free_port()
        for role in ("web", "scoring-worker", "beat"):
            processes.append(
                subprocess.Popen(
                    [str(REPO / "docker/entrypoint.sh"), role],
                    cwd=REPO,
                    env={**env, "BIND": f"127.0.0.1:{port}"},
                    start_new_session=True,
                    stdout=(tmp_path / f"{role}.log").open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/api/competitions/pg-cup/tasks/t/submissions/"

        def up():
            try:
                return requests.get(f"{base}/accounts/login/", timeout=10).ok
            except requests.RequestException:
                return False

        wait_for(up, what="gunicorn", timeout=90)
        outcomes, stop = [], threading.Event()

        def send(key: str) -> tuple[int, str]:
            try:
                answer = requests.post(
                    url,
                    headers={"Authorization": f"Token {token}", "Idempotency-Key": key},
                    data={"method_name": "Answers"},
                    files={"file": ("a.csv", answers.read_bytes(), "text/csv")},
                    timeout=30,
                )
                return answer.status_code, answer.headers.get("Content-Type", "")
            except requests.RequestException as error:
                return 0, type(error).__name__

        def load():
            while not stop.is_set():
                key = uuid.uuid4().hex  # one key per upload, as the arena CLI sends
                outcomes.append((key, *send(key)))
                time.sleep(0.1)

        def codes_since(start: int) -> list[int]:
            return [code for _, code, _ in outcomes[start:]]

        sender = threading.Thread(target=load)
        sender.start()
        # Events, not fixed waits: uploads going through, refused while it is down, then back.
        wait_for(lambda: codes_since(0).count(201) >= 5, what="uploads before the stop")
        cluster.pg_ctl("stop", "-m", "fast")  # every connection is cut
        stopped_at = len(outcomes)
        wait_for(lambda: 503 in codes_since(stopped_at), what="uploads refused while it is down")
        cluster.pg_ctl("start")
        started_at = len(outcomes)
        wait_for(lambda: codes_since(started_at).count(201) >= 5, what="uploads after the start")
        stop.set()
        sender.join()
        codes = [code for _, code, _ in outcomes]
        assert 201 in codes[: codes.index(503)] if 503 in codes else False, codes
        failures = [(key, code, kind) for key, code, kind in outcomes if code != 201]
        assert all(code == 503 and "json" in kind for _, code, kind in failures), failures
        assert codes[-1] == 201  # recovered
        # The client retries what failed, with the same key. A request whose commit went through
        # before its answer was lost gets that submission back (200), never a second one.
        retried = {key: send(key)[0] for key, _, _ in failures}
        assert set(retried.values()) <= {200, 201}, retried
        accepted = len(outcomes)  # every upload, each exactly once

        def counts():
            # Read straight from the cluster: a Django process per look would cost seconds.
            try:
                with psycopg.connect(cluster.url) as database:
                    return dict(
                        database.execute(
                            "SELECT status, count(*) FROM submissions_submission GROUP BY status"
                        ).fetchall()
                    )
            except psycopg.OperationalError:
                return {}

        try:
            wait_for(lambda: counts().get("scored") == accepted, what="all scored", timeout=90)
        finally:
            print("uploads:", accepted, "statuses:", counts(), "retried:", retried)
        assert sum(counts().values()) == accepted  # one submission per key, nothing half-written
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        for log in sorted(tmp_path.glob("*.log")):  # shown by pytest when the test fails
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        cluster.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(cluster_home, ignore_errors=True)
