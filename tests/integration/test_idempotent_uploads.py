"""Retried uploads are safe: with the same Idempotency-Key the API and the upload form answer
with the submission already made, and store, count and score nothing twice."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.submissions.models import Submission
from arena.submissions.selectors import quota_for
from arena.submissions.services import submission_create
from tests.integration.helpers import csv_upload, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=alice, name='t')[1]}")
    return client


def post(api, task, data, *, key: str | None, comment: str = "first"):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(
        f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/",
        {"file": csv_upload(data.answers), "comment": comment, "method_name": "Answers"},
        format="multipart",
        headers=headers,
    )


def test_a_retry_with_the_same_key_returns_the_first_submission(
    api, alice_team, products, settings
):
    task, data = products
    first = post(api, task, data, key="0b6f4c1e-retry-1")
    assert first.status_code == 201
    files = stored_files(settings.PRIVATE_FILES_ROOT)
    again = post(api, task, data, key="0b6f4c1e-retry-1", comment="sent again")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["comment"] == "first"  # the first request's submission, unchanged
    assert Submission.objects.filter(team=alice_team).count() == 1
    assert stored_files(settings.PRIVATE_FILES_ROOT) == files  # the retry's file was not kept
    assert quota_for(task=task, team=alice_team).daily_used == 1
    other = post(api, task, data, key="another-key")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    without = post(api, task, data, key=None)
    assert without.status_code == 201  # no key, no deduplication


def test_keys_are_checked_and_bound_to_one_task(api, alice_team, products, offers):
    task, data = products
    for bad in ("x" * 65, "semi;colon", "space d"):
        response = post(api, task, data, key=bad)
        assert response.status_code == 400, bad
        assert "Idempotency-Key" in response.json()["error"]["message"]
    assert post(api, task, data, key="k1").status_code == 201
    matching, matching_data = offers
    response = api.post(
        f"/api/competitions/{matching.competition.slug}/tasks/{matching.slug}/submissions/",
        {"file": csv_upload(matching_data.answers), "method_name": "Answers"},
        format="multipart",
        headers={"Idempotency-Key": "k1"},
    )
    assert response.status_code == 400
    assert "another task" in response.json()["error"]["message"]


def test_the_upload_form_honours_the_key(client, alice, alice_team, products):
    task, data = products
    client.force_login(alice)
    url = f"/c/{task.competition.slug}/tasks/{task.slug}/submit/"
    answers = [
        client.post(
            url,
            {"file": csv_upload(data.answers), "method_name": "Answers"},
            headers={"accept": "application/json", "Idempotency-Key": "browser-key-7"},
        ).json()
        for _ in range(2)
    ]
    assert answers[0]["submission"] == answers[1]["submission"]
    assert Submission.objects.filter(team=alice_team).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_make_one_submission(alice, alice_team, products, settings):
    task, data = products
    files_before = stored_files(settings.PRIVATE_FILES_ROOT)
    barrier = threading.Barrier(8)
    ids: list[int] = []
    lock = threading.Lock()

    def upload():
        try:
            barrier.wait()
            made = submission_create(
                task=task, user=alice, uploaded_file=csv_upload(data.answers), client_key="same"
            )
            with lock:
                ids.append(made.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 8 and len(set(ids)) == 1
    assert Submission.objects.filter(team=alice_team).count() == 1
    new_files = stored_files(settings.PRIVATE_FILES_ROOT) - files_before
    assert len(new_files) == 1  # the losers' copies were removed
