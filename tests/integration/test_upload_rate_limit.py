"""A team cannot flood the scoring queue: invalid files are free for the quota, but every upload
counts against a sliding window, and the one over it is refused with when to try again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from arena.core.errors import UserFacingError
from arena.submissions.models import Submission
from arena.submissions.services import submission_create
from tests.integration.helpers import stored_files

pytestmark = pytest.mark.django_db


def broken_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("p.csv", b"id,label\n")  # valid header, no rows: invalid later


def test_the_upload_over_the_window_is_refused_with_nothing_stored(
    alice, alice_team, products, offers, settings
):
    settings.UPLOAD_RATE_LIMIT_COUNT = 3
    settings.UPLOAD_RATE_LIMIT_SECONDS = 600
    task, _ = products
    for _ in range(3):
        submission_create(task=task, user=alice, uploaded_file=broken_file())
    files = stored_files(settings.PRIVATE_FILES_ROOT)
    other_task, _ = offers  # the window covers every task of the competition
    for target in (task, other_task):
        with pytest.raises(UserFacingError, match=r"sent 3 files in the last 10 minutes.*UTC"):
            submission_create(task=target, user=alice, uploaded_file=broken_file())
    assert Submission.objects.filter(team=alice_team).count() == 3
    assert stored_files(settings.PRIVATE_FILES_ROOT) == files


def test_older_uploads_leave_the_window(alice, alice_team, products, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.UPLOAD_RATE_LIMIT_COUNT = 2
    task, _ = products
    for _ in range(2):
        submission_create(task=task, user=alice, uploaded_file=broken_file())
    Submission.objects.filter(team=alice_team).update(
        created_at=timezone.now() - timedelta(seconds=settings.UPLOAD_RATE_LIMIT_SECONDS + 1)
    )
    assert submission_create(task=task, user=alice, uploaded_file=broken_file()).pk
