"""A task's tabs (Overview, Data, Submit, Leaderboard, My submissions), each its own URL and
none reading storage; thumbnails, sample pairs and the everything zip; the upload's places."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from arena.competitions.models import Task
from arena.competitions.synthetic import write_classification_bundle
from arena.submissions.services import submission_create
from tests.integration.helpers import csv_upload, predictions_with_private_errors

pytestmark = pytest.mark.django_db

TABS = {
    "competitions:task": "Overview",
    "competitions:task_data": "Data",
    "submissions:upload": "Submit",
    "leaderboards:task": "Leaderboard",
    "competitions:task_mine": "My submissions",
}


@pytest.fixture
def image_task(tmp_path, competition):
    bundle = write_classification_bundle(root=tmp_path / "cls", rows=60, seed=5, images=True)
    call_command(
        "import_task", str(bundle), "--competition", competition.slug, stdout=io.StringIO()
    )
    return Task.objects.get(competition=competition, has_images=True)


@pytest.fixture
def storage_unread(monkeypatch):
    """Fails any read of the private storage (page views only read the database)."""
    from django.core.files.storage import default_storage

    def refuse(*args, **kwargs):
        raise AssertionError("a page view read storage")

    monkeypatch.setattr(default_storage, "open", refuse)


def test_each_tab_has_its_url_and_marks_itself_current(
    alice_client, alice_team, products, storage_unread
):
    task, _ = products
    for name, label in TABS.items():
        page = alice_client.get(reverse(name, args=[task.competition.slug, task.slug]))
        assert page.status_code == 200, name
        assert f'aria-current="page">{label}</a>' in page.content.decode(), name


def test_tabs_open_to_visitors_with_a_way_to_log_in(client, products):
    task, _ = products
    for name in TABS:
        assert client.get(reverse(name, args=[task.competition.slug, task.slug])).status_code == 200
    page = client.get(reverse("submissions:upload", args=[task.competition.slug, task.slug]))
    assert b"to submit" in page.content and b'name="file"' not in page.content


def test_the_submit_tab_has_the_form_and_the_polled_list(alice_client, alice_team, products):
    task, _ = products
    text = alice_client.get(
        reverse("submissions:upload", args=[task.competition.slug, task.slug])
    ).content.decode()
    for marker in ('id="id_file"', 'name="method_name"', "required", 'id="id_tags"', "data-upload"):
        assert marker in text
    assert 'id="submissions"' in text and 'id="quota"' in text
    assert text.index('id="id_file"') < text.index('id="submissions"')


def test_an_upload_without_javascript_returns_to_the_submit_tab(alice_client, alice_team, products):
    task, _ = products
    frame = predictions_with_private_errors(task, wrong_private=0)
    response = alice_client.post(
        reverse("submissions:upload", args=[task.competition.slug, task.slug]),
        {"file": csv_upload(frame), "method_name": "Exact"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("submissions:upload", args=[task.competition.slug, task.slug])
    )


def test_an_invalid_files_problems_get_a_full_width_row(alice_client, alice, alice_team, products):
    from arena.submissions.services import submission_score

    task, data = products
    submission = submission_create(
        task=task, user=alice, uploaded_file=csv_upload(data.answers.iloc[5:])
    )
    submission_score(submission_id=submission.pk)
    text = alice_client.get(
        reverse("competitions:task_mine", args=[task.competition.slug, task.slug])
    ).content.decode()
    row = text[text.index(f'data-problems-of="{submission.pk}"') :]
    assert 'colspan="7"' in row[:200] and "missing" in row[:2000].lower()


def test_sample_rows_show_thumbnails_served_small_and_cached(alice_client, client, image_task):
    slug, task_slug = image_task.competition.slug, image_task.slug
    page = alice_client.get(reverse("competitions:task_data", args=[slug, task_slug]))
    text = page.content.decode()
    assert '<img class="thumb"' in text
    src = text.split('<img class="thumb" src="', 1)[1].split('"', 1)[0]
    response = alice_client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as image:
        assert max(image.size) <= 96
    assert alice_client.get(src).content == response.content  # from the cache the second time
    missing = reverse("competitions:thumbnail", args=[slug, task_slug, "images/nope.png"])
    assert alice_client.get(missing).status_code == 404
    client.logout()
    assert client.get(src).status_code == 302  # to the login, like the downloads


def test_a_matching_task_shows_sample_pairs_side_by_side(alice_client, offers):
    task, _ = offers
    pairs = task.datasheet["pairs"]["pairs"]
    assert {pair["label"] for pair in pairs} == {0, 1}
    text = alice_client.get(
        reverse("competitions:task_data", args=[task.competition.slug, task.slug])
    ).content.decode()
    assert "Sample pairs" in text and 'data-pair-label="1"' in text
    assert pairs[0]["left"][0] in text and pairs[0]["right"][0] in text


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_everything_downloads_as_one_zip_without_the_answers(alice_client, image_task, file_format):
    url = reverse(
        "competitions:bundle", args=[image_task.competition.slug, image_task.slug, file_format]
    )
    response = alice_client.get(url)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = archive.namelist()
    assert {"task.yaml", f"train.{file_format}", f"sample_submission.{file_format}"} <= set(names)
    assert any(name.startswith("images/") for name in names)
    assert not any("answers" in name or "hidden" in name for name in names)


def test_the_dataset_standard_is_a_page_linked_from_the_import_page(client):
    page = client.get(reverse("competitions:datasets_standard"))
    assert page.status_code == 200 and b"The Arena dataset standard" in page.content
