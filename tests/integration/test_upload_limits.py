"""Oversized uploads are refused from their declared length, before the body is read: the request
stream here raises if anyone touches it, so a pass proves not a byte was read, stored or counted."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.competitions.models import Task
from arena.submissions.models import Submission
from tests.integration.helpers import stored_files

pytestmark = pytest.mark.django_db
TEN_GB = 10 * 1024**3


class UntouchableStream:
    """A request body that fails the test if the server reads any of it."""

    def read(self, *args):
        raise AssertionError("the body of an oversized request was read")

    readline = read


def oversized_post(client, url: str, *, accept: str = "text/html", size: int = TEN_GB):
    """A multipart POST declaring ``size`` bytes whose body fails the test if read. Sent with a
    CSRF cookie (and checks on, see ``strict_client``), so the CSRF middleware would parse the
    form if the limit did not come first."""
    client.cookies["csrftoken"] = "x" * 32
    return client.generic(
        "POST",
        url,
        headers={"accept": accept},
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": UntouchableStream()},
    )


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


def assert_nothing_written(settings, before_files, before_rows):
    assert stored_files(settings.PRIVATE_FILES_ROOT) == before_files
    assert Submission.objects.count() == before_rows


def test_form_upload_over_the_limit_is_refused_unread(
    client, alice, alice_team, products, settings
):
    task, _ = products
    client.force_login(alice)
    url = f"/c/{task.competition.slug}/tasks/{task.slug}/submit/"
    files, rows = stored_files(settings.PRIVATE_FILES_ROOT), Submission.objects.count()

    by_script = oversized_post(client, url, accept="application/json")
    assert by_script.status_code == 413
    assert by_script.json()["ok"] is False
    assert "larger than the 100 MB limit" in by_script.json()["error"]
    assert "10240 MB sent" in by_script.json()["error"]

    by_browser = oversized_post(client, url)  # a plain form post, without the page's script
    assert by_browser.status_code == 413
    page = by_browser.content.decode()
    assert "File too large" in page and "larger than the 100 MB limit" in page
    assert_nothing_written(settings, files, rows)


def test_api_upload_over_the_limit_is_refused_unread(alice, alice_team, products, settings):
    task, _ = products
    settings.SUBMISSION_MAX_BYTES = 5 * 1024 * 1024
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=alice, name='t')[1]}")
    url = f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/"
    files, rows = stored_files(settings.PRIVATE_FILES_ROOT), Submission.objects.count()

    response = oversized_post(api, url, accept="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "5 MB limit" in response.json()["error"]["message"]
    assert_nothing_written(settings, files, rows)
    # The limit is published with the task, so clients can refuse before sending.
    detail = api.get(f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/")
    assert detail.json()["max_upload_bytes"] == 5 * 1024 * 1024


def test_a_file_just_over_the_limit_is_refused_by_size(alice, alice_team, products, settings):
    """Within the multipart slack the body is read, and the service refuses the file itself."""
    task, _ = products
    settings.SUBMISSION_MAX_BYTES = 1000
    client = Client()  # an ordinary post, CSRF token and all
    client.force_login(alice)
    files, rows = stored_files(settings.PRIVATE_FILES_ROOT), Submission.objects.count()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.csv", b"id,label\n" + b"1,a\n" * 500)
    response = client.post(
        f"/c/{task.competition.slug}/tasks/{task.slug}/submit/",
        {"file": upload},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["error"]
    assert_nothing_written(settings, files, rows)


def test_bundle_upload_over_its_limit_is_refused_unread(client, competition, make_user, settings):
    settings.BUNDLE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    response = oversized_post(
        client, f"/c/{competition.slug}/organize/import/", accept="application/json"
    )
    assert response.status_code == 413
    assert "50 MB limit" in response.json()["error"]
    assert not Task.objects.filter(competition=competition).exists()


def test_views_that_take_no_file_refuse_big_bodies(client, settings):
    files = stored_files(settings.PRIVATE_FILES_ROOT)
    response = oversized_post(client, "/accounts/login/")
    assert response.status_code == 413
    assert stored_files(settings.PRIVATE_FILES_ROOT) == files
    # An ordinary form post is well within the limit.
    small = Client().post("/accounts/login/", {"username": "x", "password": "y"})
    assert small.status_code == 200


def test_anonymous_posts_get_no_upload_allowance(client, products, settings):
    """Without a session or a token the view would refuse the post, so its body gets only the
    small allowance of pages that take no file: 10 MB is refused unread, not spooled to disk."""
    task, _ = products
    url = f"/c/{task.competition.slug}/tasks/{task.slug}/submit/"
    response = oversized_post(client, url, accept="application/json", size=10 * 1024 * 1024)
    assert response.status_code == 413
    assert "4 MB limit" in response.json()["error"]
