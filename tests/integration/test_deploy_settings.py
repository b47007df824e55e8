"""Production settings pass Django's deployment checks and refuse to start without a key."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-key-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "arena.example.com",
    "PYTHONPATH": f"{REPO / 'platform'}:{REPO}",
}
# The test run's own relaxations (plain HTTP, the browser tests' async switch) are not production.
UNSET = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STATIC_MANIFEST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ARENA_TEST_SERVICES",
    "ARENA_FAST_PASSWORD_HASHER",
)


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(PRODUCTION, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_no_secret_key_outside_debug_is_refused():
    env_without_key = manage("check", SECRET_KEY="")
    assert env_without_key.returncode != 0
    assert "Set SECRET_KEY" in env_without_key.stderr


def test_the_tests_fast_password_hasher_is_refused_outside_the_test_suite():
    outside = manage("check", ARENA_FAST_PASSWORD_HASHER="true")
    assert outside.returncode != 0
    assert "for the test suite only" in outside.stderr
