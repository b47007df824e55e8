"""The `arena` command, run as a participant would from a terminal, against a live server and a
real scoring worker: list tasks, download, validate, submit --wait, and find the entry on the
leaderboard; an invalid file exits non-zero with the reason."""

import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, timedelta
from pathlib import Path

import pandas as pd
import pytest
from django.utils import timezone

from arena.api.services import api_token_create
from arena.competitions.models import Competition
from tests.integration.helpers import predictions_with_private_errors
from tests.participants import team_create

pytestmark = pytest.mark.e2e

ARENA = Path(sys.executable).with_name("arena")
METHOD_EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "methods" / "majority"


@pytest.fixture
def arena(live_server, alice, competition, tmp_path):
    """Runs `arena ...` in a fresh home folder configured with Alice's token."""
    team_create(competition=competition, user=alice, name="Terminal Team")
    _, key = api_token_create(user=alice, name="e2e")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    env.pop("ARENA_URL", None)
    env.pop("ARENA_TOKEN", None)
    assert shutil.which(str(ARENA)), "the arena command is installed with the project"

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(ARENA), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    run("configure", "--url", live_server.url, "--token", key)
    config = home / ".config" / "arena" / "config.json"
    assert oct(config.stat().st_mode & 0o777) == "0o600"
    return run


def test_participant_submits_from_the_terminal(arena, celery_worker_process, products, tmp_path):
    task, _ = products
    listing = arena("tasks").stdout
    assert f"test-cup/{task.slug}" in listing and "macro_f1" in listing

    arena("download", task.slug, "--format", "parquet", "--dir", "data")
    test = pd.read_parquet(tmp_path / "data" / "test.parquet")
    sample = pd.read_parquet(tmp_path / "data" / "sample_submission.parquet")
    assert sorted(sample["id"]) == sorted(test["id"])
    assert not (tmp_path / "data" / "answers.parquet").exists()

    good = tmp_path / "predictions.csv"
    predictions_with_private_errors(task, wrong_private=4).to_csv(good, index=False)
    assert "valid:" in arena("validate", task.slug, str(good)).stdout

    submitted = arena(
        "submit", task.slug, str(good), "-m", "from the terminal", "--method", "CLI", "--wait"
    )
    assert "scored: public" in submitted.stdout and "uploading" in submitted.stderr
    assert "CLI" in arena("submissions", task.slug).stdout
    board = arena("leaderboard", task.slug).stdout
    assert "Terminal Team" in board and "1.0000" in board


def test_invalid_files_exit_non_zero_with_the_reason(
    arena, celery_worker_process, products, tmp_path
):
    task, _ = products
    short = tmp_path / "short.csv"
    predictions_with_private_errors(task, wrong_private=0).iloc[3:].to_csv(short, index=False)
    checked = arena("validate", task.slug, str(short), check=False)
    assert checked.returncode == 2 and "missing" in checked.stderr
    submitted = arena("submit", task.slug, str(short), "--method", "Short", "--wait", check=False)
    assert submitted.returncode == 2
    assert "invalid" in submitted.stderr and "missing" in submitted.stderr
    unknown = arena("submit", "no-such-task", str(short), "--method", "x", check=False)
    assert unknown.returncode == 1 and "No task 'no-such-task'" in unknown.stderr


def test_a_wrong_token_or_url_gets_a_clear_message(arena, live_server, tmp_path):
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "ARENA_URL": live_server.url,
        "ARENA_TOKEN": "arena_wrong",
    }
    refused = subprocess.run([str(ARENA), "tasks"], env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and "token is not valid" in refused.stderr
    env["ARENA_URL"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    unreachable = subprocess.run([str(ARENA), "tasks"], env=env, capture_output=True, text=True)
    assert unreachable.returncode == 1 and "Cannot reach" in unreachable.stderr


def test_a_team_pushes_its_method_from_the_terminal(arena, products, tmp_path):
    """`arena method push DIR` makes a version, pushing it again changes nothing, `arena method
    list` shows it; a broken package exits non-zero with every problem (issue 16)."""
    folder = tmp_path / "majority"
    shutil.copytree(METHOD_EXAMPLE, folder)
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"\0cache")
    first = arena("method", "push", str(folder)).stdout
    assert "Majority class pushed as version 1 (2 files," in first
    again = arena("method", "push", str(folder)).stdout
    assert "Majority class unchanged: already version 1" in again
    (folder / "main.py").write_text((folder / "main.py").read_text() + "\n# tuned\n")
    assert "pushed as version 2" in arena("method", "push", str(folder)).stdout
    listing = arena("method", "list").stdout
    assert "Majority class" in listing and "v2" in listing and "v1" in listing
    (folder / "method.yaml").write_text("name: Broken\ncommand: python nowhere.py\n")
    broken = arena("method", "push", str(folder), check=False)
    assert broken.returncode == 1
    assert "description: missing" in broken.stderr
    assert "the script nowhere.py is not in the package" in broken.stderr


def test_submit_needs_a_method_not_a_message_and_warns_of_the_same_bytes(arena, products, tmp_path):
    """Issue 19: -m is optional, the method name is not; a small file's progress is in KB; the
    same bytes sent again are accepted with a warning."""
    task, _ = products
    good = tmp_path / "predictions.csv"
    predictions_with_private_errors(task, wrong_private=0).to_csv(good, index=False)
    unnamed = arena("submit", task.slug, str(good), check=False)
    assert unnamed.returncode == 1 and "--method NAME" in unnamed.stderr
    assert "uploading" not in unnamed.stderr
    first = arena("submit", task.slug, str(good), "--method", "Terminal baseline")
    assert "submission #" in first.stderr and "warning" not in first.stderr
    assert " KB/" in first.stderr and "0.0/0.0 MB" not in first.stderr
    again = arena("submit", task.slug, str(good), "--method", "Terminal baseline")
    assert "warning: This file is byte for byte the one your team uploaded" in again.stderr
    assert "Terminal baseline" in arena("submissions", task.slug).stdout


def test_closed_competition_refuses_before_the_upload(arena, competition, products, tmp_path):
    task, _ = products
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        start_at=now - timedelta(days=2), end_at=now - timedelta(hours=1), reveal_at=None
    )
    good = tmp_path / "predictions.csv"
    predictions_with_private_errors(task, wrong_private=0).to_csv(good, index=False)
    closed = arena("submit", task.slug, str(good), "--method", "Late", check=False)
    assert closed.returncode == 1
    assert "The competition has ended; uploads are closed." in closed.stderr
    assert "uploading" not in closed.stderr  # refused before a byte of the file was sent


def test_private_board_before_the_reveal_says_when(
    arena, celery_worker_process, competition, products
):
    task, _ = products
    deadline = time.monotonic() + 60
    while True:  # a new competition's board is computed by the worker on first request
        asked = arena("leaderboard", task.slug, "--private", check=False)
        if "being computed" not in asked.stderr or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    reveal = competition.reveal_time.astimezone(UTC)
    assert asked.returncode == 2 and asked.stdout == ""
    assert f"Private scores are revealed at {reveal:%Y-%m-%d %H:%M} UTC" in asked.stderr
