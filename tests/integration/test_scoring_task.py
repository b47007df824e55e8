"""The Celery task's own retry policy, run through Celery's real task machinery in-process."""

from arena.core.files import private_storage
from arena.submissions.models import Submission
from arena.submissions.services import MAX_SCORING_ATTEMPTS, submission_create
from arena.submissions.tasks import score_submission
from tests.integration.helpers import csv_upload


def test_platform_fault_is_retried_then_marked_failed_without_scores(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    private_storage().delete(task.answers_path)  # a platform fault: the answer key is gone

    score_submission.apply(args=[submission.pk])

    submission.refresh_from_db()
    assert submission.status == "failed"
    assert submission.attempts == MAX_SCORING_ATTEMPTS
    assert "on our side" in submission.error_message
    assert not submission.scores.exists()


def test_task_scores_a_valid_submission(alice, alice_team, products):
    task, data = products
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    score_submission.apply(args=[submission.pk])
    assert Submission.objects.get(pk=submission.pk).status == "scored"
