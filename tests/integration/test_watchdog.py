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
    # A worker claimed it and is alive: nobody may claim it twice.
    Submission.objects.filter(pk=submission.pk).update(
        status="scoring", attempts=1, claim_token="a" * 32, heartbeat_at=timezone.now()
    )
    assert submission_score(submission_id=submission.pk) is None
    assert submissions_requeue_stale(queued_longer_than=timedelta(minutes=5)) == []
    # Then it died: its heartbeat stops and the lease lapses.
    Submission.objects.filter(pk=submission.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=1)
    )
    submissions_requeue_stale(queued_longer_than=timedelta(minutes=5))
    submission.refresh_from_db()
    assert submission.status == "queued"
    assert submission_score(submission_id=submission.pk) == "scored"


def test_submission_that_keeps_crashing_ends_failed(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    Submission.objects.filter(pk=submission.pk).update(
        status="scoring",
        attempts=MAX_SCORING_ATTEMPTS,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    submissions_requeue_stale(queued_longer_than=timedelta(minutes=5))
    submission.refresh_from_db()
    assert submission.status == "failed"
    assert "on our side" in submission.error_message


def test_recent_work_is_left_alone(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    requeued = submissions_requeue_stale(queued_longer_than=timedelta(minutes=5))
    assert requeued == []
    submission.refresh_from_db()
    assert submission.status == "queued"


def test_scoring_the_same_submission_twice_writes_one_set_of_scores(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    assert submission_score(submission_id=submission.pk) == "scored"
    assert submission_score(submission_id=submission.pk) is None
    assert submission.scores.count() == 6  # 3 metrics x public and private


def test_a_redelivered_message_takes_back_a_dead_workers_claim(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    Submission.objects.filter(pk=submission.pk).update(
        status="scoring",
        attempts=1,
        claim_token="d" * 32,
        heartbeat_at=timezone.now() - timedelta(minutes=1),
    )
    assert submission_score(submission_id=submission.pk) == "scored"
    submission.refresh_from_db()
    assert submission.attempts == 2
    assert submission.claim_token not in ("", "d" * 32)


def test_a_slow_worker_whose_claim_was_taken_over_writes_nothing(alice, alice_team, products):
    from arena.submissions.services import _score_claimed

    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    # The first worker claimed it, stalled, and its lease went to another worker meanwhile.
    Submission.objects.filter(pk=submission.pk).update(
        status="scoring", claim_token="b" * 32, heartbeat_at=timezone.now()
    )
    assert _score_claimed(submission_id=submission.pk, token="a" * 32) is None
    assert submission.scores.count() == 0


def test_a_message_lost_on_the_way_is_sent_again_once_not_at_every_pass(
    alice, alice_team, products
):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    Submission.objects.filter(pk=submission.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    assert submissions_requeue_stale(queued_longer_than=timedelta(minutes=5)) == [submission.pk]
    assert submissions_requeue_stale(queued_longer_than=timedelta(minutes=5)) == []
