"""The REST API: tokens, every endpoint, and the same limits and permissions as the pages."""

import io
import re
from datetime import timedelta

import pandas as pd
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from arena.api.models import ApiToken
from arena.api.services import api_token_create
from arena.submissions.models import Submission
from tests.integration.helpers import (
    csv_upload,
    predictions_with_private_errors,
    score_as_worker,
    stored_files,
)
from tests.participants import team_create

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    _, key = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def task_url(task, suffix: str = "") -> str:
    return f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/{suffix}"


@pytest.fixture
def alice_api(alice, competition):
    team_create(competition=competition, user=alice, name="Alpha")
    return api_for(alice)


def submit(client, task, frame, **fields):
    return client.post(
        task_url(task, "submissions/"),
        {"file": csv_upload(frame), "comment": "try", "method_name": "M", **fields},
        format="multipart",
    )


def test_tokens_are_stored_hashed_shown_once_and_revocable(client, alice):
    client.force_login(alice)
    page = client.post(reverse("api:tokens"), {"name": "laptop"})
    token = ApiToken.objects.get(user=alice)
    key = re.search(r'id="new-token">([^<]+)<', page.content.decode()).group(1)
    assert token.key_hash != key and key not in token.key_hash
    assert key.startswith(token.prefix)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/competitions/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    listing = client.get(reverse("api:tokens")).content.decode()
    assert key not in listing and token.prefix in listing  # shown once only
    client.post(reverse("api:token_revoke", args=[token.pk]))
    refused = api.get("/api/competitions/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert "revoked" in refused.json()["error"]["message"]


def test_a_user_cannot_revoke_someone_elses_token(client, alice, bob):
    token, _ = api_token_create(user=alice, name="mine")
    client.force_login(bob)
    client.post(reverse("api:token_revoke", args=[token.pk]))
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_without_a_token_every_endpoint_answers_401_in_json(products):
    task, _ = products
    for url in ("/api/competitions/", task_url(task), task_url(task, "leaderboard/")):
        response = APIClient().get(url)
        assert response.status_code in (401, 403)
        assert set(response.json()["error"]) >= {"code", "message"}


def test_competitions_list_their_tasks(alice_api, products, offers):
    body = alice_api.get("/api/competitions/").json()
    tasks = {task["slug"]: task for task in body[0]["tasks"]}
    assert set(tasks) == {"products", "offers"}
    assert tasks["products"]["tables"] == ["train", "test", "sample_submission"]
    assert tasks["offers"]["kind"] == "matching" and body[0]["phase"] == "running"


def test_tables_download_in_both_formats_and_answers_never(alice_api, products):
    task, _ = products
    csv = alice_api.get(task_url(task, "files/test.csv"))
    parquet = alice_api.get(task_url(task, "files/test.parquet"))
    as_csv = pd.read_csv(io.BytesIO(b"".join(csv.streaming_content)))
    as_parquet = pd.read_parquet(io.BytesIO(b"".join(parquet.streaming_content)))
    pd.testing.assert_frame_equal(as_csv, as_parquet, check_dtype=False)
    for name in ("answers.csv", "answers.parquet", "..%2Fanswers.csv"):
        refused = alice_api.get(task_url(task, f"files/{name}"))
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "not_found"


def test_submit_then_poll_status_and_public_score_only(alice_api, products):
    task, _ = products
    frame = predictions_with_private_errors(task, wrong_private=5)
    created = submit(alice_api, task, frame, method_name="GBDT", tags="trees, fast")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "queued" and body["method_name"] == "GBDT"
    assert body["tags"] == ["trees", "fast"]
    assert score_as_worker(submission_id=body["id"]) == "scored"
    polled = alice_api.get(task_url(task, f"submissions/{body['id']}/")).json()
    assert polled["status"] == "scored"
    assert polled["public_scores"][task.metric] == 1.0
    assert "private_scores" not in polled  # before the reveal
    listed = alice_api.get(task_url(task, "submissions/")).json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert "private_scores" not in listed[0]


def test_private_scores_appear_after_the_reveal(alice_api, products, competition):
    task, _ = products
    body = submit(alice_api, task, predictions_with_private_errors(task, wrong_private=5)).json()
    score_as_worker(submission_id=body["id"])
    competition.end_at = timezone.now() - timedelta(minutes=2)
    competition.reveal_at = timezone.now() - timedelta(minutes=1)
    competition.start_at = timezone.now() - timedelta(days=2)
    competition.save()
    polled = alice_api.get(task_url(task, f"submissions/{body['id']}/")).json()
    assert polled["private_scores"][task.metric] < 1.0


def test_another_teams_submission_is_not_found(alice_api, bob, products, competition):
    task, _ = products
    body = submit(alice_api, task, predictions_with_private_errors(task, wrong_private=0)).json()
    team_create(competition=competition, user=bob, name="Bravo")
    bob_api = api_for(bob)
    assert bob_api.get(task_url(task, f"submissions/{body['id']}/")).status_code == 404
    final = bob_api.post(
        task_url(task, f"submissions/{body['id']}/final/"), {"final": True}, format="json"
    )
    assert final.status_code == 404 and final.json()["error"]["code"] == "not_found"
    assert bob_api.get(task_url(task, "submissions/")).json() == []


def test_refusals_come_back_as_json_and_store_nothing(alice_api, products, competition, bob):
    task, data = products
    before = stored_files(settings.PRIVATE_FILES_ROOT)
    wrong_columns = submit(alice_api, task, pd.DataFrame({"x": [1], "y": [2]}))
    assert wrong_columns.status_code == 400
    assert wrong_columns.json()["error"]["code"] == "refused"
    assert "'id'" in wrong_columns.json()["error"]["message"]
    no_team = submit(api_for(bob), task, data.answers)
    assert no_team.json()["error"]["message"] == "Create or join a team before you submit."
    competition.daily_submission_limit = 1
    competition.save()
    assert submit(alice_api, task, data.answers).status_code == 201
    over = submit(alice_api, task, data.answers)
    assert over.status_code == 400 and "today" in over.json()["error"]["message"]
    competition.end_at = timezone.now() - timedelta(minutes=1)
    competition.save()
    closed = submit(alice_api, task, data.answers)
    assert "ended" in closed.json()["error"]["message"]
    assert Submission.objects.count() == 1
    assert len(stored_files(settings.PRIVATE_FILES_ROOT) - before) == 1


def test_final_selection_and_leaderboards(alice_api, products, competition):
    task, _ = products
    body = submit(alice_api, task, predictions_with_private_errors(task, wrong_private=3)).json()
    score_as_worker(submission_id=body["id"])
    final = alice_api.post(
        task_url(task, f"submissions/{body['id']}/final/"), {"final": True}, format="json"
    )
    assert final.status_code == 200 and final.json()["is_final"] is True
    board = alice_api.get(task_url(task, "leaderboard/")).json()
    assert board["board"] == "public" and board["rows"][0]["team"] == "Alpha"
    assert board["rows"][0]["score"] == 1.0
    # Participants asking for the private board before the reveal get the public one.
    assert (
        alice_api.get(task_url(task, "leaderboard/"), {"board": "private"}).json()["board"]
        == "public"
    )
    track = task.track
    track_board = alice_api.get(
        f"/api/competitions/{competition.slug}/tracks/{track.slug}/leaderboard/"
    ).json()
    assert track_board["rows"][0]["team"] == "Alpha"
