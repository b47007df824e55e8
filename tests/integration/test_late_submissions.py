"""Issue 18, item 4: late submissions and a living benchmark. After the end, a competition that
allows it still scores uploads; they stand on each task's "after the challenge" board, ranked
with the challenge's entries, and never change a prize board, a track board or the
comparison. Private scores on that board follow the one visibility policy."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from arena.competitions.models import Competition
from arena.core.errors import UserFacingError
from arena.results.services import competition_results_refresh
from arena.results.stored import (
    COMPARISON,
    stored_result,
    task_after_board_key,
    task_board_key,
    track_board_key,
)
from arena.submissions.services import submission_create
from tests.integration.helpers import csv_upload, predictions_with_private_errors, submit_scored
from tests.participants import team_create

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def ended(competition, products, alice, bob):
    """Alpha and Bravo took part; the competition has ended, its results not yet revealed."""
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=2))
    submit_scored(task, bob, predictions_with_private_errors(task, wrong_private=6))
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        end_at=now - timedelta(hours=1), reveal_at=now + timedelta(days=3)
    )
    competition.refresh_from_db()
    return competition, task


def boards(competition, task, *, private: bool) -> dict:
    """Every stored result a late upload must not move, as the pages read them."""
    track = task.track
    return {
        key: stored_result(competition=competition, key=key, private=private).value
        for key in (task_board_key(task), track_board_key(track), COMPARISON)
    }


def test_without_the_setting_uploads_after_the_end_are_refused(ended, charlie):
    competition, task = ended
    team_create(competition=competition, user=charlie, name="Charlie")
    frame = predictions_with_private_errors(task, wrong_private=0)
    with pytest.raises(UserFacingError, match="has ended; uploads are closed"):
        submission_create(task=task, user=charlie, uploaded_file=csv_upload(frame))
    assert not task.submissions.filter(submitted_by=charlie).exists()


def test_a_late_upload_is_scored_on_the_after_board_and_moves_no_prize_board(ended, charlie):
    competition, task = ended
    competition.late_submissions = True
    competition.save(update_fields=["late_submissions"])
    competition_results_refresh(competition_id=competition.pk, force=True)
    before = {private: boards(competition, task, private=private) for private in (False, True)}

    team_create(competition=competition, user=charlie, name="Charlie")
    late = submit_scored(task, charlie, predictions_with_private_errors(task, wrong_private=0))
    assert late.after_end and late.status == "scored"

    for private in (False, True):
        after = boards(competition, task, private=private)
        # The same rows, score for score: the late entry is on none of them.
        assert after == before[private]
        assert "Charlie" not in {row.team_name for row in after[task_board_key(task)].rows}
    living = stored_result(competition=competition, key=task_after_board_key(task), private=True)
    rows = {row.team_name: row for row in living.value.rows}
    assert set(rows) == {"Alpha", "Bravo", "Charlie"}
    assert rows["Charlie"].rank == 1 and rows["Charlie"].after_end  # no private error at all
    assert not rows["Alpha"].after_end and rows["Alpha"].rank == 2


def test_the_after_board_shows_private_scores_only_after_the_reveal(ended, charlie, client):
    competition, task = ended
    competition.late_submissions = True
    competition.save(update_fields=["late_submissions"])
    team_create(competition=competition, user=charlie, name="Charlie")
    late = submit_scored(task, charlie, predictions_with_private_errors(task, wrong_private=9))
    private = late.scores.get(split="private", metric=task.metric).value
    public = late.scores.get(split="public", metric=task.metric).value
    assert f"{private:.4f}" != f"{public:.4f}"
    client.force_login(charlie, backend=MODEL_BACKEND)
    url = f"/c/{competition.slug}/tasks/{task.slug}/leaderboard/after/"

    page = client.get(url + "?board=private").content.decode()
    assert f"{public:.4f}" in page and f"{private:.4f}" not in page  # not revealed yet
    assert re.search(r'data-team="Charlie" data-after-end="true"', page)
    csv = client.get(url + "?board=private&format=csv").content.decode()
    assert f"{private:.4f}" not in csv and f"{private}" not in csv

    Competition.objects.filter(pk=competition.pk).update(
        reveal_at=timezone.now() - timedelta(minutes=1)
    )
    competition_results_refresh(competition_id=competition.pk, force=True)
    revealed = client.get(url + "?board=private").content.decode()
    assert f"{private:.4f}" in revealed


def test_the_submit_tab_says_where_a_late_upload_goes_and_quotas_still_hold(ended, charlie, client):
    competition, task = ended
    Competition.objects.filter(pk=competition.pk).update(
        late_submissions=True, daily_submission_limit=1
    )
    task.competition.refresh_from_db()
    team_create(competition=competition, user=charlie, name="Charlie")
    client.force_login(charlie, backend=MODEL_BACKEND)
    page = client.get(f"/c/{competition.slug}/tasks/{task.slug}/submit/").content.decode()
    assert 'id="late-notice"' in page and "never change the prize ranking" in page
    assert 'name="file"' in page
    frame = predictions_with_private_errors(task, wrong_private=0)
    submit_scored(task, charlie, frame)
    mine = client.get(f"/c/{competition.slug}/tasks/{task.slug}/mine/").content.decode()
    assert "after the end" in mine
    with pytest.raises(UserFacingError, match="submissions for this task"):
        submission_create(task=task, user=charlie, uploaded_file=csv_upload(frame))


def test_no_after_board_where_late_uploads_are_off(ended, client):
    competition, task = ended
    url = f"/c/{competition.slug}/tasks/{task.slug}/leaderboard/after/"
    assert client.get(url).status_code == 404
    board = client.get(f"/c/{competition.slug}/tasks/{task.slug}/leaderboard/").content.decode()
    assert 'id="after-link"' not in board
