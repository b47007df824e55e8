"""A team downloads its own predictions back, byte for byte, from the page and the API; nobody
else can, and the uploaded name never reaches a header."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.submissions.services import submission_create
from tests.integration.helpers import predictions_with_private_errors
from tests.participants import team_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(products, competition, alice, bob):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    content = predictions_with_private_errors(task, wrong_private=0).to_csv(index=False).encode()
    hostile_name = 'p"; filename="evil.exe.csv'
    submission = submission_create(
        task=task, user=alice, uploaded_file=SimpleUploadedFile(hostile_name, content)
    )
    return task, submission, content


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_team_gets_its_file_back_from_the_page(client, alice, upload):
    task, submission, content = upload
    client.force_login(alice)
    page = client.get(f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/{submission.pk}/")
    url = f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/{submission.pk}/file/"
    assert f'href="{url}"' in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200 and body(response) == content
    assert response["Content-Type"] == "text/csv"
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="products-submission-{submission.pk}.csv"'


def test_the_api_gives_the_same_bytes(alice, upload):
    task, submission, content = upload
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=alice, name='t')[1]}")
    url = (
        f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/"
        f"{submission.pk}/file"
    )
    response = api.get(url)
    assert response.status_code == 200 and body(response) == content


def test_other_teams_and_strangers_cannot_download_it(client, bob, charlie, upload):
    task, submission, _ = upload
    url = f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/{submission.pk}/file/"
    assert client.get(url).status_code == 302  # to the login page
    for user in (bob, charlie):  # another team, and someone in no team
        client.force_login(user)
        assert client.get(url).status_code == 404
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=bob, name='t')[1]}")
    api_url = (
        f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/"
        f"{submission.pk}/file"
    )
    assert api.get(api_url).status_code == 404


def test_organizers_can_download_any_teams_file(client, make_user, upload):
    task, submission, content = upload
    organizer = make_user("olga")
    task.competition.organizers.add(organizer)
    client.force_login(organizer)
    url = f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/{submission.pk}/file/"
    assert body(client.get(url)) == content
