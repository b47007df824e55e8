"""A method run by Arena (issue 16) is scored like an upload but is never on prize boards, in
the comparison, in a team's quota or list of submissions, and cannot be a final; the reviewer
who asked for it does not become a competitor."""

import pytest
from django.urls import reverse

from arena.core.errors import UserFacingError
from arena.results.boards import leaderboard_for_task, leaderboard_for_track
from arena.results.comparison import comparison
from arena.results.services import competition_results_refresh
from arena.results.visibility import compare_refusal
from arena.submissions.models import Submission, SubmissionOrigin
from arena.submissions.selectors import quota_for, submissions_for_team
from arena.submissions.services import submission_set_final
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create


@pytest.fixture
def run_and_upload(competition, products, alice, make_user):
    task, _ = products
    team = team_create(competition=competition, user=alice, name="Alpha")
    upload = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=4))
    run = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=0))
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    # What a run is: Arena's predictions for the method, asked for by a reviewer.
    Submission.objects.filter(pk=run.pk).update(
        origin=SubmissionOrigin.RUN, submitted_by=reviewer, method_name="Run method"
    )
    competition_results_refresh(competition_id=competition.pk, force=True)
    return task, team, upload, run, reviewer


def test_a_run_stands_on_no_board_and_in_no_comparison(client, run_and_upload):
    task, _, upload, run, reviewer = run_and_upload
    for private in (False, True):
        board = leaderboard_for_task(task=task, private=private)
        assert [row.submission_id for row in board] == [upload.pk]
        track_row = leaderboard_for_track(track=task.track, private=private)[0]
        assert track_row.cells[0].score == board[0].score  # the upload's, not the better run's
        _, rows = comparison(competition=task.competition, private=private)
        assert {cell.submission_id for row in rows for cell in row.cells.values()} == {upload.pk}
    client.force_login(reviewer)
    page = client.get(reverse("compare:comparison", args=[task.competition.slug]))
    assert page.status_code == 200 and "Run method" not in page.content.decode()


def test_a_run_uses_no_quota_and_is_not_in_the_teams_list(run_and_upload, alice):
    task, team, upload, run, _ = run_and_upload
    assert [row.pk for row in submissions_for_team(task=task, team=team)] == [upload.pk]
    assert quota_for(task=task, team=team, user=alice).daily_used == 1
    run.refresh_from_db()
    with pytest.raises(UserFacingError, match="never count for the leaderboards"):
        submission_set_final(submission=run, user=alice, is_final=True)


def test_asking_for_a_run_does_not_make_a_reviewer_a_competitor(run_and_upload):
    task, _, _, _, reviewer = run_and_upload
    assert compare_refusal(competition=task.competition, user=reviewer) is None


def test_the_method_page_lists_its_runs_apart_from_its_results(client, run_and_upload, alice):
    task, team, upload, run, reviewer = run_and_upload
    Submission.objects.filter(pk__in=[upload.pk, run.pk]).update(method_name="Shared")
    run.scores.filter(split="public", metric=task.metric).update(value=0.4321)  # told apart
    client.force_login(reviewer)
    url = reverse("compare:method", args=[task.competition.slug, team.pk]) + "?name=Shared"
    page = client.get(url).content.decode()
    assert 'id="method-runs"' in page and "Run by Arena" in page
    upload_score = upload.scores.get(split="public", metric=task.metric).value
    results_part, runs_part = page.split('id="method-runs"')
    assert "0.4321" in runs_part and "0.4321" not in results_part
    assert f"{upload_score:.4f}" in results_part
