"""A score is recorded in one step (issue 15): values, intervals, the public explanation and the
class codes appear together or not at all; a rescore replaces the codes file, and an attempt
that lost its lease leaves no file behind."""

from django.conf import settings
from django.utils import timezone

from arena.core.files import private_storage
from arena.submissions.models import Score, Submission
from arena.submissions.services import _score_claimed, submission_create, submission_score
from arena.workflows.task_data import task_change_metric
from tests.integration.helpers import csv_upload, stored_files


def codes_files(submission) -> set[str]:
    """The codes files stored for ``submission`` (the storage folder outlives each test)."""
    return {
        name
        for name in stored_files(settings.PRIVATE_FILES_ROOT)
        if name.startswith(submission.file_key) and "codes" in name
    }


def test_every_score_comes_with_its_interval_and_codes(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    assert submission_score(submission_id=submission.pk) == "scored"
    submission.refresh_from_db()
    scores = Score.objects.filter(submission=submission)
    assert scores.count() == 6
    assert not scores.filter(ci_low__isnull=True).exists()
    assert submission.public_details and private_storage().exists(submission.codes_key)


def test_a_rescore_replaces_the_codes_file(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    submission_score(submission_id=submission.pk)
    first = Submission.objects.get(pk=submission.pk).codes_key
    task_change_metric(task=task, metric="accuracy")
    assert submission_score(submission_id=submission.pk) == "scored"
    second = Submission.objects.get(pk=submission.pk).codes_key
    assert second != first and ".v2." in second
    assert codes_files(submission) == {second}  # the superseded file is gone


def test_an_attempt_that_lost_its_lease_writes_nothing(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    Submission.objects.filter(pk=submission.pk).update(
        status="scoring", claim_token="b" * 32, heartbeat_at=timezone.now()
    )
    assert _score_claimed(submission_id=submission.pk, token="a" * 32) is None
    assert not Score.objects.filter(submission=submission).exists()
    assert codes_files(submission) == set()
    assert Submission.objects.get(pk=submission.pk).codes_key == ""


def test_a_score_sends_the_boards_follow_up_job(alice, alice_team, products):
    """After a score, a job on the scoring queue refreshes what the boards show (tie marks):
    the message is really on the broker, named for the task it refreshes."""
    import json

    import redis

    task, data = products
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("scoring")
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    assert submission_score(submission_id=submission.pk) == "scored"
    sent = [json.loads(raw)["headers"] for raw in broker.lrange("scoring", 0, -1)]
    follow_ups = [h for h in sent if h["task"] == "arena.results.tasks.refresh_results"]
    assert [h["argsrepr"] for h in follow_ups] == [f"[{task.pk}]"]
    broker.delete("scoring")
