"""The production processes, started exactly as the containers start them (docker/entrypoint.sh)
but without Docker: gunicorn with two web workers, two scoring workers and beat, on the
PostgreSQL and Redis of the test run. A participant logs in over HTTP, uploads, and the file is
scored once; /healthz and the hashed static files answer through gunicorn."""

import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from arena.submissions.models import Score, Submission
from tests.e2e.conftest import _redis_broker
from tests.e2e.helpers import csrf_post, wait_for, wait_until_delivered
from tests.integration.helpers import predictions_with_private_errors
from tests.participants import team_create

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def url_of_test_database() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture
def production_stack(transactional_db, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DATABASE_URL": url_of_test_database(),
        "DEBUG": "false",
        "STATIC_MANIFEST": "true",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SCORING_CONCURRENCY": "1",
    }
    # The files the test process writes (task tables, answers) must be the ones the stack reads.
    from django.conf import settings

    env["ARENA_HOME"] = str(settings.ARENA_HOME)
    processes, logs = [], []
    for role in ("web", "scoring-worker", "scoring-worker", "beat"):
        log = tmp_path / f"{role}-{uuid.uuid4().hex[:6]}.log"
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [str(REPO / "docker" / "entrypoint.sh"), role],
                cwd=REPO, env={**env, "HOSTNAME": uuid.uuid4().hex[:8]},
                stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
            )
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def web_ready():
        try:
            return requests.get(f"{base}/healthz", timeout=10).status_code == 200
        except requests.RequestException:  # not up yet, or too busy booting to answer
            return False

    try:
        wait_for(web_ready, what="gunicorn to answer /healthz", timeout=90)
        wait_for(
            lambda: sum(b"ready." in log.read_bytes() for log in logs) >= 2,
            what="both scoring workers",
            timeout=90,
        )
        yield base
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in logs:
            print(f"--- {log.name}\n{log.read_text()[-2000:]}")


def test_upload_through_gunicorn_is_scored_once(production_stack, products, competition, alice):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    base = production_stack
    health = requests.get(f"{base}/healthz", timeout=5).json()
    assert health == {"status": "ok", "database": "ok", "broker": "ok", "storage": "ok"}

    web = requests.Session()
    csrf_post(
        web,
        f"{base}/accounts/login/",
        {"username": "alice", "password": "correct-horse-battery-staple"},
    )
    page = web.get(f"{base}/c/{competition.slug}/tasks/{task.slug}/mine/")
    assert page.status_code == 200 and "Alpha" in page.text
    css = re.search(r'href="(/static/arena\.[0-9a-f]{12}\.css)"', page.text)
    assert css, "hashed static file names in production"
    assert web.get(base + css.group(1)).status_code == 200

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    frame = predictions_with_private_errors(task, wrong_private=2)
    upload = web.post(
        f"{base}/c/{competition.slug}/tasks/{task.slug}/submit/",
        data={"csrfmiddlewaretoken": token, "comment": "through gunicorn", "method_name": "M"},
        files={"file": ("p.csv", frame.to_csv(index=False).encode(), "text/csv")},
        headers={"Accept": "application/json", "Referer": page.url},
    )
    assert upload.status_code == 200, upload.text
    submission_id = upload.json()["submission"]
    wait_for(
        lambda: Submission.objects.get(pk=submission_id).status == "scored",
        what="the upload to be scored",
        timeout=90,
    )
    wait_until_delivered(
        _redis_broker(),
        "scoring",
        task="arena.submissions.tasks.score_submission",
        args=[submission_id],
        what="any duplicate delivery to be claimed",
    )
    scored = Submission.objects.get(pk=submission_id)
    assert scored.attempts == 1  # claimed by exactly one of the two workers
    assert Score.objects.filter(submission=scored, split="public", metric=task.metric).count() == 1

    # A 10 GB upload is refused from its header alone: gunicorn answers 413 although not one
    # byte of the body was sent (a server that read first would wait here until the timeout).
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(
            f"POST /api/competitions/{competition.slug}/tasks/{task.slug}/submissions/ HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAccept: application/json\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {10 * 1024**3}\r\n\r\n".encode()
        )
        reply = b""
        while chunk := raw.recv(65536):  # the server closes the connection after answering
            reply += chunk
        reply = reply.decode()
    assert reply.startswith("HTTP/1.1 413"), reply[:200]
    assert '"too_large"' in reply
    assert Submission.objects.count() == 1
