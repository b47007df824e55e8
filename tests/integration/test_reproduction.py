"""Reproduction (issue 16, item 5): an upload names the method version that produced it; Arena
runs that version in its sandbox on the same task (here in the test process, with the real
bubblewrap sandbox and the real scorer) and marks the upload "reproduced" when the run's score
agrees, or shows the difference. A wrong name refuses the upload and stores nothing."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import sklearn
from django.conf import settings
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.competitions.downloads import materialize_public_bundle
from arena.core.errors import UserFacingError
from arena.methods import runs
from arena.methods.models import MethodRun
from arena.methods.package import content_hash
from arena.methods.reproduction import reproduction_verdicts
from arena.methods.runs import run_execute, run_request
from arena.methods.services import method_push_folder, method_push_zip
from arena.submissions.models import Submission
from tests.integration.helpers import score_as_worker, stored_files
from tests.participants import team_create

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "methods" / "linear-baseline"


@pytest.fixture
def pushed(products, competition, alice):
    """Alpha's example method, pushed; and the predictions it makes when run outside Arena."""
    task, _ = products
    team = team_create(competition=competition, user=alice, name="Alpha")
    version = method_push_folder(team=team, user=alice, root=EXAMPLE).version
    return team, version


# The example method's output per public bundle (by its files' content hash): the method is
# deterministic, so each module runs it once per distinct bundle, not once per test.
OWN_PREDICTIONS: dict[str, bytes] = {}


@pytest.fixture
def own_predictions(products, tmp_path) -> bytes:
    """What the example method writes when the team runs it on its own machine."""
    task, _ = products
    bundle = materialize_public_bundle(task=task, folder=tmp_path / "task")
    files = sorted(
        item.relative_to(bundle).as_posix() for item in bundle.rglob("*") if item.is_file()
    )
    key = content_hash(root=bundle, files=files)
    if key not in OWN_PREDICTIONS:
        work = tmp_path / "work"
        env = {
            "PATH": os.environ["PATH"], "ARENA_TASK_DIR": str(bundle), "ARENA_WORK_DIR": str(work)
        }  # fmt: skip
        done = subprocess.run(
            [sys.executable, "main.py"], cwd=EXAMPLE, env=env, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        OWN_PREDICTIONS[key] = (work / "predictions.csv").read_bytes()
    return OWN_PREDICTIONS[key]


def upload(client, task, content: bytes, **fields):
    file = io.BytesIO(content)
    file.name = "predictions.csv"
    return client.post(
        f"/c/{task.competition.slug}/tasks/{task.slug}/submit/", {"file": file, **fields}
    )


def reproduce(submission: Submission) -> MethodRun:
    """What the `methods` worker and then the scoring worker do with the reproduction."""
    run = MethodRun.objects.get(reproduces=submission)
    assert run_execute(run_id=run.pk) == MethodRun.Status.SUBMITTED
    run.refresh_from_db()
    assert score_as_worker(submission_id=run.submission_id) == "scored"
    return run


def test_an_upload_that_names_its_version_is_reproduced_or_shows_the_gap(
    client, products, pushed, own_predictions, alice
):
    task, data = products
    team, version = pushed
    client.force_login(alice)
    page = client.get(f"/c/{task.competition.slug}/tasks/{task.slug}/submit/").content.decode()
    assert f'<option value="{version.pk}">Linear baseline v1' in page

    assert upload(client, task, own_predictions, method_version=str(version.pk)).status_code == 302
    honest = Submission.objects.get()
    assert honest.method_name == "Linear baseline"  # taken from the version when left blank
    assert score_as_worker(submission_id=honest.pk) == "scored"
    assert reproduction_verdicts(submissions=[honest])[honest.pk].state == "running"
    panel = client.get(
        f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/"
    ).content.decode()
    assert 'data-reproduction="running"' in panel and "every 2s" in panel  # it keeps polling

    run = reproduce(honest)
    assert run.submission.origin == "run" and "reproduction of submission" in run.submission.comment
    # The run keeps what it ran with: the sandbox, Python, and the stack's versions.
    assert run.environment["sandbox"].startswith("bubblewrap")
    assert run.environment["packages"]["scikit-learn"] == sklearn.__version__
    assert run.environment["packages"]["pandas"] == pd.__version__
    verdict = reproduction_verdicts(submissions=[honest])[honest.pk]
    assert verdict.state == "reproduced", verdict.text
    assert verdict.difference == pytest.approx(0, abs=1e-12)  # same code, same data, same bytes
    detail = client.get(
        f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/{honest.pk}/"
    ).content.decode()
    assert "Reproduced by Arena" in detail and 'data-reproduction="reproduced"' in detail

    # A file the method did not make (every row the most common class), named as its output.
    common = data.train["label"].mode()[0]
    claimed = pd.DataFrame({"id": data.test["id"], "label": common}).to_csv(index=False).encode()
    assert upload(client, task, claimed, method_version=str(version.pk)).status_code == 302
    false_claim = Submission.objects.exclude(pk=honest.pk).get(origin="upload")
    assert score_as_worker(submission_id=false_claim.pk) == "scored"
    reproduce(false_claim)
    verdict = reproduction_verdicts(submissions=[false_claim])[false_claim.pk]
    assert verdict.state == "differs" and verdict.difference > 0.1, verdict.text
    assert "Not reproduced" in verdict.text and f"{verdict.difference:+.4f}" in verdict.text
    panel = client.get(
        f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/"
    ).content.decode()
    assert 'data-reproduction="differs"' in panel and 'data-reproduction="reproduced"' in panel
    # Runs stay off the team's list and boards: two uploads, not four rows.
    assert panel.count("data-submission=") == 2


def test_a_method_that_fails_leaves_the_upload_not_reproduced(
    client, products, competition, alice, own_predictions
):
    task, _ = products
    team = team_create(competition=competition, user=alice, name="Alpha")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "method.yaml",
            "name: Flaky\ndescription: fails on purpose\nkinds: [classification]\n"
            "command: python main.py\n"
            "resources: {cpus: 1, memory_gb: 0.5, minutes: 1}\n",
        )
        archive.writestr("main.py", "raise SystemExit('lost my weights')\n")
    buffer.seek(0)
    buffer.name = "flaky.zip"
    version = method_push_zip(team=team, user=alice, archive_file=buffer).version
    client.force_login(alice)
    assert upload(client, task, own_predictions, method_version="flaky@1").status_code == 302
    submission = Submission.objects.get()
    run = MethodRun.objects.get(reproduces=submission, version=version)
    assert run_execute(run_id=run.pk) == MethodRun.Status.FAILED
    verdict = reproduction_verdicts(submissions=[submission])[submission.pk]
    assert verdict.state == "failed" and "exited with code 1" in verdict.text


def test_a_wrong_version_refuses_the_upload_and_stores_nothing(
    client, products, pushed, own_predictions, competition, bob, alice
):
    task, _ = products
    _, alphas = pushed
    betas = method_push_folder(
        team=team_create(competition=competition, user=bob, name="Beta"), user=bob, root=EXAMPLE
    ).version
    client.force_login(alice)
    before = stored_files(Path(settings.PRIVATE_FILES_ROOT))
    for choice, words in (
        ("Nope@1", "'Nope@1' is not one of your team's method versions (Linear baseline@1)"),
        (str(betas.pk), "is not one of your team's method versions"),
        ("Linear baseline@2", "is not one of your team's method versions"),
    ):
        response = upload(client, task, own_predictions, method_version=choice)
        assert response.status_code == 302
        shown = client.get(response["Location"]).content.decode()
        assert words.replace("'", "&#x27;") in shown, choice
    assert not Submission.objects.exists() and not MethodRun.objects.exists()
    assert stored_files(Path(settings.PRIVATE_FILES_ROOT)) == before
    assert alphas.runs.count() == 0


def test_reproductions_do_not_use_the_teams_runs(
    client, products, pushed, own_predictions, alice, monkeypatch
):
    task, _ = products
    _, version = pushed
    monkeypatch.setattr(runs, "RUNS_PER_TEAM_PER_DAY", 1)
    client.force_login(alice)
    for _ in range(2):
        assert upload(client, task, own_predictions, method_version=str(version.pk)).status_code
    assert MethodRun.objects.filter(reproduces__isnull=False).count() == 2
    run_request(version=version, task=task, user=alice)  # the one run of the day is still there
    with pytest.raises(UserFacingError, match="ran 1 times in the last 24 hours"):
        run_request(version=version, task=task, user=alice)


def test_the_api_takes_the_version_by_name_and_reports_the_verdict(
    products, pushed, own_predictions, alice
):
    task, _ = products
    _, version = pushed
    _, key = api_token_create(user=alice, name="cli")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    base = f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/"
    file = io.BytesIO(own_predictions)
    file.name = "predictions.csv"
    made = api.post(base, {"file": file, "method_version": "linear BASELINE@1"}, format="multipart")
    assert made.status_code == 201, made.content
    submission = Submission.objects.get(pk=made.json()["id"])
    assert score_as_worker(submission_id=submission.pk) == "scored"
    assert api.get(f"{base}{submission.pk}/").json()["reproduction"]["state"] == "running"
    reproduce(submission)
    answer = api.get(f"{base}{submission.pk}/").json()["reproduction"]
    assert answer["state"] == "reproduced" and answer["method_version"] == "Linear baseline v1"
    file = io.BytesIO(own_predictions)
    file.name = "predictions.csv"
    refused = api.post(base, {"file": file, "method_version": "Other@1"}, format="multipart")
    assert refused.status_code == 400 and "Linear baseline@1" in refused.json()["error"]["message"]
    assert Submission.objects.count() == 2  # the upload and its run; nothing for the refusal
