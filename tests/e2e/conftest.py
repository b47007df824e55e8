"""End-to-end fixtures: a real Celery worker process on the Redis and PostgreSQL that
scripts/test.sh started, working against the test database that the live server uses."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _database_url_for_test_db() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """Starts `celery worker` on the scoring queue as a separate process; stops it afterwards."""
    import redis
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("End-to-end tests need Redis as the broker; run them with `make test`.")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.ping()  # fails loudly if Redis is not there
    broker.delete("scoring")  # messages left by earlier tests point at rows that no longer exist

    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_test_db(),
        "PYTHONPATH": f"{REPO / 'platform'}:{REPO}",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "arena",
                "worker",
                "-Q",
                "scoring",
                "-c",
                "1",
                "-l",
                "info",
                "-n",
                f"e2e-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b"ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("The Celery worker did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    print(log_path.read_text()[-3000:])  # shown by pytest when the test failed
