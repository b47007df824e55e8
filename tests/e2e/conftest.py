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


def start_worker(
    *, queues: str, log_path: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen:
    """Starts `celery worker` for ``queues`` as a separate process and waits until it is ready."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_test_db(),
        "PYTHONPATH": f"{REPO / 'platform'}:{REPO}",
        **(extra_env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "arena", "worker",
                "-Q", queues, "-c", "1", "-l", "info",
                "-n", f"e2e-{queues}-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while b"ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("The Celery worker did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.2)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _redis_broker():
    import redis
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("End-to-end tests need Redis as the broker; run them with `make test`.")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.ping()  # fails loudly if Redis is not there
    return broker


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real scoring worker process on the Redis and PostgreSQL of the test run."""
    broker = _redis_broker()
    broker.delete("scoring")  # messages left by earlier tests point at rows that no longer exist
    process = start_worker(queues="scoring", log_path=tmp_path / "worker.log")
    yield process
    stop_worker(process)
    print((tmp_path / "worker.log").read_text()[-3000:])  # shown by pytest when the test failed


@pytest.fixture
def training_worker_process(transactional_db, tmp_path):
    """A real training worker process, separate from the scoring one."""
    broker = _redis_broker()
    broker.delete("training")
    process = start_worker(queues="training", log_path=tmp_path / "training.log")
    yield process
    stop_worker(process)
    print((tmp_path / "training.log").read_text()[-3000:])
