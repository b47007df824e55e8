"""The example method of docs/METHODS.md runs, as written, on a classification and a matching
task's public bundle (what a run mounts at /task), and its predictions are accepted and scored
by the platform as a run (issue 16)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from arena.competitions.downloads import materialize_public_bundle
from arena.submissions.models import Score, SubmissionOrigin
from arena.submissions.services import submission_create_for_run, submission_score
from tests.participants import team_create

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "methods" / "linear-baseline"


@pytest.mark.parametrize("fixture", ["products", "offers"])
def test_the_documented_example_runs_and_is_scored(request, fixture, competition, alice, tmp_path):
    task, _ = request.getfixturevalue(fixture)
    team = team_create(competition=competition, user=alice, name="Example")
    bundle = materialize_public_bundle(task=task, folder=tmp_path / "task")
    assert not (bundle / "answers.parquet").exists()
    work = tmp_path / "work"
    env = {"PATH": os.environ["PATH"], "ARENA_TASK_DIR": str(bundle), "ARENA_WORK_DIR": str(work)}
    done = subprocess.run(
        [sys.executable, "main.py"], cwd=EXAMPLE, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "predictions written" in done.stdout
    submission = submission_create_for_run(
        task=task, team=team, requested_by=alice, predictions=work / "predictions.csv",
        method_name="Linear baseline", comment="the example",
    )  # fmt: skip
    assert submission.origin == SubmissionOrigin.RUN
    assert submission_score(submission_id=submission.pk) == "scored"
    score = Score.objects.get(submission=submission, split="public", metric=task.metric)
    assert score.value > 0.5  # better than chance on these synthetic tasks
