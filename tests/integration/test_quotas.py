"""Daily and total quotas: counted per team and task, released by invalid files, atomic."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from arena.core.errors import UserFacingError
from arena.submissions.models import Submission
from arena.submissions.selectors import quota_for
from arena.submissions.services import submission_create, submission_score
from tests.integration.helpers import csv_upload, stored_files
from tests.participants import team_join


@pytest.fixture
def tight(competition):
    competition.daily_submission_limit = 2
    competition.total_submission_limit = 3
    competition.save()
    return competition


def test_daily_limit_refuses_the_next_upload_with_the_reset_time(
    tight, alice, alice_team, products
):
    task, data = products
    for _ in range(2):
        submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    before = stored_files(settings.PRIVATE_FILES_ROOT)
    with pytest.raises(UserFacingError, match="used today's 2 submissions.*resets at 00:00 UTC"):
        submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    assert Submission.objects.count() == 2
    assert stored_files(settings.PRIVATE_FILES_ROOT) == before  # the refused file is gone


def test_invalid_and_failed_submissions_give_their_slot_back(tight, alice, alice_team, products):
    task, data = products
    bad = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers.iloc[1:]))
    assert submission_score(submission_id=bad.pk) == "invalid"
    failed = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    Submission.objects.filter(pk=failed.pk).update(status="failed")
    assert quota_for(task=task, team=alice_team).daily_used == 0
    for _ in range(2):
        submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))


def test_quota_is_per_team_and_task_and_shared_by_members(
    tight, alice, bob, alice_team, products, offers
):
    task, data = products
    team_join(competition=tight, user=bob, invite_code=alice_team.invite_code)
    submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    submission_create(task=task, user=bob, uploaded_file=csv_upload(data.answers))
    with pytest.raises(UserFacingError, match="used today's"):
        submission_create(task=task, user=bob, uploaded_file=csv_upload(data.answers))
    other_task, other_data = offers
    submission_create(task=other_task, user=bob, uploaded_file=csv_upload(other_data.answers))


def test_the_day_resets_at_midnight_utc_but_the_total_does_not(tight, alice, alice_team, products):
    task, data = products
    for _ in range(2):
        submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    yesterday = timezone.now() - timedelta(days=1)
    Submission.objects.update(created_at=yesterday)
    quota = quota_for(task=task, team=alice_team)
    assert (quota.daily_used, quota.total_used, quota.left) == (0, 2, 1)
    assert quota.resets_at.hour == 0 and quota.resets_at > timezone.now()
    submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    with pytest.raises(UserFacingError, match="used all 3 submissions"):
        submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))


def test_quota_left_and_reset_time_show_by_the_upload_form(
    tight, alice_client, alice, alice_team, products
):
    task, data = products
    submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    page = alice_client.get(reverse("submissions:upload", args=[tight.slug, task.slug]))
    text = page.content.decode()
    assert "<strong>1</strong> submission left today" in text
    assert "1 of 2 used; resets at" in text and "00:00 UTC" in text
    assert "2 of 3 left in all" in text
    assert "<fieldset disabled" not in text


def test_the_upload_form_is_disabled_with_the_reason_when_the_quota_is_used(
    tight, alice_client, alice, alice_team, products
):
    task, data = products
    for _ in range(2):
        submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    text = alice_client.get(reverse("submissions:upload", args=[tight.slug, task.slug])).content
    text = text.decode()
    assert '<fieldset disabled aria-describedby="upload-refusal">' in text
    assert 'id="upload-refusal"' in text and "used today" in text
    assert "<strong>0</strong> submissions left today" in text


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_uploads_for_the_last_slot_yield_exactly_one(
    tight, alice, bob, alice_team, products
):
    task, data = products
    submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))  # 1 of 2
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def upload():
        try:
            barrier.wait()
            submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
            result = "accepted"
        except UserFacingError:
            result = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=upload) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] + ["refused"] * 19
    assert Submission.objects.filter(task=task, team=alice_team).count() == 2
