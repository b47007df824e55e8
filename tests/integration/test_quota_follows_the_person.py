"""Issue 14, item 2: leaving a team and founding another resets neither the quota nor the upload
rate limit, and a team whose members have all left stands on no board. The attack is played
through the pages: upload until refused, leave, create "Mallory Two", upload again."""

from django.urls import reverse

from arena.competitions.selectors import rules_fingerprint
from arena.results.services import competition_results_refresh
from arena.submissions.models import Submission
from tests.integration.helpers import csv_upload, score_as_worker


def _upload(client, task, frame):
    return client.post(
        reverse("submissions:upload", args=[task.competition.slug, task.slug]),
        {"file": csv_upload(frame), "method_name": "M"},
        HTTP_ACCEPT="application/json",
    )


def _leave_and_refound(client, competition, name):
    left = client.post(
        reverse("teams:manage", args=[competition.slug]), {"action": "leave"}, follow=True
    )
    assert left.status_code == 200
    # The quota was changed after they accepted the rules: a new team needs them accepted anew.
    accepted = client.post(
        reverse("competitions:rules", args=[competition.slug]),
        {"accept": "on", "rules_hash": rules_fingerprint(competition=competition)},
    )
    assert accepted.status_code == 302
    created = client.post(
        reverse("teams:mine", args=[competition.slug]),
        {"action": "create", "create-name": name},
    )
    assert created.status_code == 302


def test_a_new_team_does_not_reset_the_daily_quota(
    competition, alice, alice_team, products, alice_client
):
    task, data = products
    competition.daily_submission_limit = 3
    competition.save()
    for _ in range(3):
        answer = _upload(alice_client, task, data.answers)
        assert answer.status_code == 200, answer.content
        assert score_as_worker(submission_id=answer.json()["submission"]) == "scored"
    refused = _upload(alice_client, task, data.answers)
    assert refused.status_code == 400

    _leave_and_refound(alice_client, competition, "Mallory Two")
    again = _upload(alice_client, task, data.answers)
    assert again.status_code == 400
    assert "You have used today's 3 submissions" in again.json()["error"]
    assert "earlier team" in again.json()["error"]
    assert Submission.objects.filter(submitted_by=alice).count() == 3


def test_the_old_team_keeps_its_count_for_the_members_who_stay(
    competition, alice, bob, alice_team, products, alice_client, client
):
    from tests.participants import team_join

    task, data = products
    competition.daily_submission_limit = 2
    competition.save()
    team_join(competition=competition, user=bob, invite_code=alice_team.invite_code)
    client.force_login(bob)
    assert _upload(client, task, data.answers).status_code == 200
    assert _upload(client, task, data.answers).status_code == 200
    # Bob leaves; Alice stays in Alpha, whose two uploads still count for it.
    _leave_and_refound(client, competition, "Bob Alone")
    assert _upload(alice_client, task, data.answers).status_code == 400
    assert _upload(client, task, data.answers).status_code == 400  # Bob's two follow him


def test_a_new_team_does_not_reset_the_upload_rate_limit(
    settings, competition, alice, alice_team, products, alice_client
):
    task, data = products
    settings.UPLOAD_RATE_LIMIT_COUNT = 2
    broken = data.answers.iloc[5:]  # invalid files are free for the quota, not for the limit
    for _ in range(2):
        answer = _upload(alice_client, task, broken)
        assert answer.status_code == 200
        assert score_as_worker(submission_id=answer.json()["submission"]) == "invalid"
    _leave_and_refound(alice_client, competition, "Mallory Two")
    refused = _upload(alice_client, task, broken)
    assert refused.status_code == 400
    assert "the next upload is possible at" in refused.json()["error"]


def test_a_team_whose_members_all_left_leaves_the_boards(
    competition, alice, alice_team, products, alice_client, client
):
    task, data = products
    answer = _upload(alice_client, task, data.answers)
    assert score_as_worker(submission_id=answer.json()["submission"]) == "scored"
    board_url = reverse("leaderboards:task", args=[competition.slug, task.slug])
    assert "Alpha" in client.get(board_url).content.decode()

    _leave_and_refound(alice_client, competition, "Mallory Two")
    # The board is out of date (its inputs changed): it says so until a worker ranks it again.
    assert 'data-board-state="updating"' in client.get(board_url).content.decode()
    competition_results_refresh(competition_id=competition.pk)
    board = client.get(board_url).content.decode()
    assert "Alpha" not in board
    api_board = client.get(f"/api/competitions/{competition.slug}/tasks/{task.slug}/leaderboard/")
    assert api_board.status_code == 200
    assert "Alpha" not in api_board.content.decode()


def test_the_competition_page_states_these_rules(competition, client):
    page = client.get(reverse("competitions:detail", args=[competition.slug])).content.decode()
    assert "uploads you made from another team of this competition still count for you" in page
    assert "A team whose members have all left leaves the leaderboards" in page
    assert "Sign-ups are limited per network" in page
