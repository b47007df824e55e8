"""Issue 14, item 8: storage faults during uploads, for real, through gunicorn.

A full disk: the web process runs in its own mount namespace (``unshare``) where the submissions
folder is a 1 MB tmpfs. Uploads then answer 507 with JSON for the API and the pages' script and
with a page for browsers, and leave neither a partial file nor a row.

A web worker killed mid-upload: its spooled upload stays behind in Arena's own folder (not
/tmp), where the sweep that runs when a web process starts removes it.
"""

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings

from arena.api.services import api_token_create
from arena.submissions.models import Submission
from tests.e2e.helpers import csrf_post, csrf_token, wait_for
from tests.e2e.test_production_stack import REPO, free_port, url_of_test_database
from tests.participants import team_create

pytestmark = pytest.mark.e2e


def _web(tmp_path, *, wrap: str = "") -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DATABASE_URL": url_of_test_database(),
        "ARENA_HOME": str(settings.ARENA_HOME),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    log = tmp_path / f"web-{uuid.uuid4().hex[:6]}.log"
    command = f"{wrap} exec {REPO / 'docker' / 'entrypoint.sh'} web"
    process = subprocess.Popen(
        ["unshare", "-Urm", "sh", "-c", command] if wrap else ["sh", "-c", command],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def ready():
        if process.poll() is not None:
            pytest.fail("the web process ended:\n" + log.read_text()[-3000:])
        try:
            return requests.get(f"{base}/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    wait_for(ready, what="gunicorn to answer", timeout=90)
    return process, base, log


def _stop(process: subprocess.Popen, log: Path) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    print(log.read_text()[-3000:])


def logged_in_as_alice(base: str) -> requests.Session:
    web = requests.Session()
    login = {"username": "alice", "password": "correct-horse-battery-staple"}
    csrf_post(web, f"{base}/accounts/login/", login)
    return web


def _predictions(megabytes: float) -> bytes:
    row = b"some-id,some-label\n"
    return b"id,label\n" + row * int(megabytes * 1024 * 1024 / len(row))


@pytest.fixture
def participant(transactional_db, products, competition, alice):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    return task


def test_a_full_disk_answers_507_and_leaves_nothing(participant, alice, tmp_path):
    task = participant
    submissions = Path(settings.PRIVATE_FILES_ROOT) / "submissions"
    submissions.mkdir(parents=True, exist_ok=True)
    # In the web process's own mount namespace, the submissions folder holds 1 MB.
    wrap = f"mount -t tmpfs -o size=1m tmpfs {submissions} &&"
    process, base, log = _web(tmp_path, wrap=wrap)
    inside = Path(f"/proc/{process.pid}/root") / str(submissions).lstrip("/")
    try:
        _, key = api_token_create(user=alice, name="disk")
        api_url = f"{base}/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/"
        token = {"Authorization": f"Token {key}"}
        named = {"method_name": "Filler"}

        # 3 MB: spooled to a temporary file, then copied into the tmpfs until it is full.
        big = requests.post(
            api_url,
            headers=token,
            data=named,
            files={"file": ("big.csv", _predictions(3), "text/csv")},
        )
        assert big.status_code == 507, big.text
        assert big.json()["error"]["code"] == "storage_full"
        assert "nothing you sent was saved" in big.json()["error"]["message"]

        # Fill what is left, then a small file (kept in memory) finds no room at all.
        filler = inside / "filler"
        with pytest.raises(OSError), filler.open("wb") as handle:
            handle.write(b"\0" * 2 * 1024 * 1024)
        small = requests.post(
            api_url,
            headers=token,
            data=named,
            files={"file": ("small.csv", _predictions(0.01), "text/csv")},
        )
        assert small.status_code == 507, small.text
        assert small.headers["Content-Type"] == "application/json"

        # The page: JSON for its upload script, a page for a plain form post.
        web = logged_in_as_alice(base)
        task_url = f"{base}/c/{task.competition.slug}/tasks/{task.slug}/"
        form = {"csrfmiddlewaretoken": csrf_token(web, task_url), **named}
        upload = {"file": ("page.csv", _predictions(0.01), "text/csv")}
        scripted = web.post(
            f"{task_url}submit/", data=form, files=upload, headers={"Accept": "application/json"}
        )
        assert scripted.status_code == 507
        assert scripted.json()["ok"] is False
        assert "storage is full" in scripted.json()["error"]
        plain = web.post(f"{task_url}submit/", data=form, files=upload)
        assert plain.status_code == 507
        assert "storage is full" in plain.text and "<html" in plain.text

        filler.unlink()
        left = sorted(str(path.relative_to(inside)) for path in inside.rglob("*") if path.is_file())
        assert left == []  # no partial file, no empty file
        assert Submission.objects.count() == 0
    finally:
        _stop(process, log)


def test_an_upload_cut_by_a_killed_web_worker_is_swept_from_arenas_folder(participant, tmp_path):
    task = participant
    process, base, log = _web(tmp_path)
    spool = Path(settings.FILE_UPLOAD_TEMP_DIR)
    try:
        web = logged_in_as_alice(base)
        task_url = f"{base}/c/{task.competition.slug}/tasks/{task.slug}/"
        token = csrf_token(web, task_url)
        before = set(spool.iterdir()) if spool.exists() else set()

        # Declare 42 MB, send 5 MB, and stop there: the worker is spooling to disk.
        boundary = "arena-boundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        declared = 42 * 1024 * 1024
        cookies = "; ".join(f"{name}={value}" for name, value in web.cookies.items())
        port = int(base.rsplit(":", 1)[1])
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(
            (
                f"POST /c/{task.competition.slug}/tasks/{task.slug}/submit/ HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nCookie: {cookies}\r\nX-CSRFToken: {token}\r\n"
                f"Referer: {task_url}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {declared}\r\n\r\n"
            ).encode()
            + head
            + _predictions(5)
        )
        spooled = wait_for(
            lambda: (
                [path for path in spool.iterdir() if path not in before and path.stat().st_size > 0]
                if spool.exists()
                else []
            ),
            what="the upload to be spooled to disk",
            timeout=30,
        )
        workers = subprocess.run(
            ["pgrep", "-f", "-P", str(process.pid), "gunicorn"], capture_output=True, text=True
        ).stdout.split()
        assert workers
        for pid in workers:
            os.kill(int(pid), signal.SIGKILL)
        client.close()
        assert all(path.exists() for path in spooled)  # left behind by the dead worker...
        assert all(str(path).startswith(str(settings.ARENA_HOME)) for path in spooled)
    finally:
        _stop(process, log)

    # ...until a web process starts: the entrypoint sweeps files nobody writes to any more.
    for path in spooled:
        os.utime(path, (path.stat().st_atime - 3600, path.stat().st_mtime - 3600))
    swept = subprocess.run(
        [sys.executable, "manage.py", "sweep_upload_temp"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url_of_test_database()},
        capture_output=True,
        text=True,
    )
    assert swept.returncode == 0, swept.stderr
    assert not any(path.exists() for path in spooled)
    assert Submission.objects.count() == 0
