"""Method metadata: named at upload, suggested from earlier names, editable until the reveal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from arena.core.errors import UserFacingError
from arena.submissions.models import Submission
from arena.submissions.services import submission_create, submission_update_method
from tests.integration.helpers import csv_upload
from tests.participants import team_create


def test_method_metadata_is_stored_at_upload_and_suggested_later(
    alice_client, alice_team, products
):
    task, data = products
    url = reverse("submissions:upload", args=[task.competition.slug, task.slug])
    alice_client.post(
        url,
        {
            "file": csv_upload(data.answers),
            "method_name": "  LightGBM   + TF-IDF ",
            "tags": "GBDT, text features, gbdt",
            "code_url": "https://example.org/repo",
            "comment": "first go",
        },
    )
    submission = Submission.objects.get()
    assert submission.method_name == "LightGBM + TF-IDF"
    assert submission.tags == ["gbdt", "text-features"]
    assert submission.code_url == "https://example.org/repo"
    page = alice_client.get(reverse("submissions:upload", args=[task.competition.slug, task.slug]))
    assert b'<option value="LightGBM + TF-IDF">' in page.content


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code_url": "javascript:alert(1)"}, r"http\(s\) address"),
        ({"method_name": "x" * 81}, "at most 80"),
        ({"tags": "<script>"}, "Tags are short words"),
        ({"method_name": "bad\u202ename"}, "invisible"),
    ],
)
def test_hostile_method_metadata_is_refused(alice, alice_team, products, fields, message):
    task, data = products
    with pytest.raises(UserFacingError, match=message):
        submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers), **fields)
    assert not Submission.objects.exists()


def test_team_edits_method_until_the_reveal(competition, alice, bob, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    submission_update_method(
        submission=submission, user=alice, method_name="CatBoost", description="tuned",
        tags="gbdt", code_url="",
    )  # fmt: skip
    assert Submission.objects.get(pk=submission.pk).method_name == "CatBoost"
    team_create(competition=competition, user=bob, name="Bravo")
    with pytest.raises(UserFacingError, match="Only members"):
        submission_update_method(
            submission=submission, user=bob, method_name="Mine", description="", tags="",
            code_url="",
        )  # fmt: skip
    competition.start_at = timezone.now() - timedelta(days=3)
    competition.end_at = timezone.now() - timedelta(days=1)
    competition.save()
    submission = Submission.objects.select_related("task__competition").get(pk=submission.pk)
    with pytest.raises(UserFacingError, match="revealed"):
        submission_update_method(
            submission=submission, user=alice, method_name="Late", description="", tags="",
            code_url="",
        )  # fmt: skip


def test_method_name_is_escaped_on_pages(alice_client, alice, alice_team, products):
    task, data = products
    submission = submission_create(
        task=task, user=alice, uploaded_file=csv_upload(data.answers),
        method_name="<img src=x onerror=alert(1)>",
    )  # fmt: skip
    page = alice_client.get(
        reverse("submissions:detail", args=[task.competition.slug, task.slug, submission.pk])
    ).content
    assert b"<img src=x" not in page and b"&lt;img src=x" in page
