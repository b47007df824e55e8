from datetime import timedelta

from django.utils import timezone

from arena.submissions.models import Submission
from arena.submissions.services import (
    MAX_SCORING_ATTEMPTS,
    submission_create,
    submission_score,
    submissions_requeue_stale,
)
from tests.integration.helpers import csv_upload


def test_submission_left_in_scoring_by_a_dead_worker_is_requeued_then_scored(
    alice, alice_team, products
):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    # A worker claimed it and died: it sits in "scoring" with an old start time.
    Submission.objects.filter(pk=submission.pk).update(
        status="scoring", attempts=1, scoring_started_at=timezone.now() - timedelta(hours=1)
    )
    assert submission_score(submission_id=submission.pk) is None  # nobody may claim it twice
    submissions_requeue_stale(
        queued_longer_than=timedelta(minutes=5), scoring_longer_than=timedelta(minutes=10)
    )
    submission.refresh_from_db()
    assert submission.status == "queued"
    assert submission_score(submission_id=submission.pk) == "scored"


def test_submission_that_keeps_crashing_ends_failed(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    Submission.objects.filter(pk=submission.pk).update(
        status="scoring",
        attempts=MAX_SCORING_ATTEMPTS,
        scoring_started_at=timezone.now() - timedelta(hours=1),
    )
    submissions_requeue_stale(
        queued_longer_than=timedelta(minutes=5), scoring_longer_than=timedelta(minutes=10)
    )
    submission.refresh_from_db()
    assert submission.status == "failed"
    assert "on our side" in submission.error_message


def test_recent_work_is_left_alone(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    requeued = submissions_requeue_stale(
        queued_longer_than=timedelta(minutes=5), scoring_longer_than=timedelta(minutes=10)
    )
    assert requeued == []
    submission.refresh_from_db()
    assert submission.status == "queued"


def test_scoring_the_same_submission_twice_writes_one_set_of_scores(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    assert submission_score(submission_id=submission.pk) == "scored"
    assert submission_score(submission_id=submission.pk) is None
    assert submission.scores.count() == 6  # 3 metrics x public and private
