"""End-to-end fixtures: a real Celery worker process on the Redis and PostgreSQL that
scripts/test.sh started, working against the test database that the live server uses."""

import os
import shutil
import signal
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
    """Starts `celery worker` for ``queues`` as a separate process and waits until it is ready.

    Without mingle: at start a worker would wait a second for replies from other workers (to
    share revoked task ids, which Arena never uses); the tests' workers know of none."""
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
                "-Q", queues, "-c", "1", "-l", "info", "--without-mingle",
                "-n", f"e2e-{queues}-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop_worker waits for all of it
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while b"ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("The Celery worker did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.05)
    return process


def stop_worker(process: subprocess.Popen, *, cold: bool = False) -> None:
    """A warm shutdown (SIGTERM: the job at hand ends first), or with ``cold`` Celery's cold one
    (SIGQUIT: the pool is terminated at once and the unacknowledged message given back).

    Returns once every process of the worker is gone, pool children too: one left writing to the
    database would deadlock with the flush that ends a transactional test."""
    process.send_signal(signal.SIGQUIT if cold else signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    group = process.pid  # start_worker made the worker lead its own process group
    deadline = time.monotonic() + 10
    while _group_alive(group):
        if time.monotonic() > deadline:
            os.killpg(group, signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.05)


def _group_alive(group: int) -> bool:
    """True while a process of the session that ``group`` leads runs (zombies do not count)."""
    listing = subprocess.run(
        ["ps", "-o", "stat=", "-s", str(group)], capture_output=True, text=True
    ).stdout.split()
    return any(not state.startswith("Z") for state in listing)


def _redis_broker():
    import redis
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("End-to-end tests need Redis as the broker; run them with `make test`.")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.ping()  # fails loudly if Redis is not there
    return broker


@pytest.fixture(autouse=True)
def no_collected_static():
    """Empties the static folder after a test whose web process (docker/entrypoint.sh) filled it
    with `collectstatic` in this test process's ARENA_HOME: otherwise every Django test client
    made later in this process indexes all those files at its first request (WhiteNoise)."""
    yield
    from django.conf import settings

    if any(settings.STATIC_ROOT.iterdir()):
        shutil.rmtree(settings.STATIC_ROOT)
        settings.STATIC_ROOT.mkdir()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real scoring worker process on the Redis and PostgreSQL of the test run."""
    broker = _redis_broker()
    # Messages left by earlier tests point at rows that no longer exist: in either queue (task
    # imports send baseline runs to the methods queue), or held by a worker that a test killed.
    broker.delete("scoring", "methods", "unacked", "unacked_index")
    process = start_worker(queues="scoring", log_path=tmp_path / "worker.log")
    yield process
    # The test is over: whatever job is at hand need not end (a warm stop takes about 3 s of
    # Celery's own waits, a cold one 2 s); the next test empties the queues.
    stop_worker(process, cold=True)
    print((tmp_path / "worker.log").read_text()[-3000:])  # shown by pytest when the test failed


@pytest.fixture
def methods_worker_process(transactional_db, tmp_path):
    """A real worker on the `methods` queue (teams' methods and the built-in baselines, in the
    sandbox), separate from the scoring one."""
    broker = _redis_broker()
    broker.delete("methods")
    process = start_worker(queues="methods", log_path=tmp_path / "methods.log")
    yield process
    # A baseline may still be training (for minutes): nothing waits for it once the test is over
    # (the sandbox dies with the worker).
    stop_worker(process, cold=True)
    print((tmp_path / "methods.log").read_text()[-3000:])
