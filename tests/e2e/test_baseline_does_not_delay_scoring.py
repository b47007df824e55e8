"""A participant's upload is scored while a baseline is still training in its sandbox: the
baselines run on the methods queue, apart from scoring."""

import pytest
import requests

from arena.baselines.services import baseline_runs_enqueue
from arena.competitions.importing import competition_get_or_create
from arena.competitions.synthetic import write_classification_bundle
from arena.methods.models import MethodRun
from arena.submissions.models import Submission
from arena.workflows.task_data import task_import
from tests.e2e.helpers import csrf_post, csrf_token, wait_for
from tests.participants import team_create

pytestmark = pytest.mark.e2e


def test_upload_is_scored_while_a_baseline_trains(
    live_server, celery_worker_process, methods_worker_process, make_user, tmp_path
):
    bundle = write_classification_bundle(root=tmp_path / "bundle", rows=4000, seed=9)
    competition = competition_get_or_create(slug="busy-cup")
    competition.run_baselines_on_import = False  # not the import's fast runs: one long one
    competition.save()
    task = task_import(bundle_dir=bundle, competition_slug="busy-cup").task
    run = baseline_runs_enqueue(task=task, methods=["autogluon"], preset="medium", time_limit=90)[0]
    wait_for(
        lambda: MethodRun.objects.get(pk=run.pk).status == "running",
        what="the baseline to start training",
    )

    user = make_user("erin", password="erin-long-passphrase")
    team_create(competition=task.competition, user=user, name="Echo")
    web = requests.Session()
    login = {"username": "erin", "password": "erin-long-passphrase"}
    csrf_post(web, f"{live_server.url}/accounts/login/", login)
    task_url = f"{live_server.url}/c/{task.competition.slug}/tasks/{task.slug}/"
    answers = (bundle / "answers.csv").read_bytes()
    response = web.post(
        f"{task_url}submit/",
        data={"csrfmiddlewaretoken": csrf_token(web, task_url), "method_name": "Answers"},
        files={"file": ("preds.csv", answers, "text/csv")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    submission_id = response.json()["submission"]

    wait_for(
        lambda: Submission.objects.get(pk=submission_id).status == "scored",
        what="the participant's submission to be scored",
    )
    # Scored while the baseline is still busy: a method's run never holds up scoring.
    assert MethodRun.objects.get(pk=run.pk).status == "running"
