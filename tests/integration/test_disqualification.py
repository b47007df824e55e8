"""Organizers disqualify a team that broke the rules: it leaves every leaderboard and the
comparison, cannot upload, reads why on its team page; reinstating it brings everything back."""

import pytest
from django.urls import reverse

from arena.core.errors import UserFacingError
from arena.results.boards import leaderboard_for_task, leaderboard_for_track
from arena.results.services import competition_results_refresh
from arena.submissions.models import Submission
from arena.submissions.services import submission_create
from arena.teams.models import Team
from arena.teams.services import team_disqualify, team_leave, team_reinstate, team_remove_member
from tests.integration.helpers import csv_upload, predictions_with_private_errors, submit_scored
from tests.participants import team_create, team_join

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(products, competition, alice, bob, make_user):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=0))
    submit_scored(task, bob, predictions_with_private_errors(task, wrong_private=3))
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    return task, organizer


def names(rows) -> list[str]:
    return [row.team_name for row in rows]


def teams_url(competition) -> str:
    return reverse("teams:organize", args=[competition.slug])


def test_a_disqualified_team_leaves_the_boards_and_cannot_upload(client, alice, board):
    task, organizer = board
    competition = task.competition
    assert names(leaderboard_for_task(task=task)) == ["Alpha", "Bravo"]
    alpha = Team.objects.get(name="Alpha")
    client.force_login(organizer)
    page = client.get(teams_url(competition)).content.decode()
    assert f'data-team="{alpha.pk}"' in page and "alice" in page

    reason = "Two accounts of one person in the team (rule 3)."
    response = client.post(
        teams_url(competition),
        {"team": alpha.pk, "action": "disqualify", "reason": reason},
        follow=True,  # back on the teams page, which shows the confirmation
    )
    assert "Alpha is disqualified" in response.content.decode()
    competition_results_refresh(competition_id=competition.pk)  # the worker's job it asked for
    assert names(leaderboard_for_task(task=task)) == ["Bravo"]
    assert names(leaderboard_for_track(track=task.track)) == ["Bravo"]
    board_html = client.get(reverse("leaderboards:task", args=[competition.slug, task.slug]))
    assert "Alpha" not in board_html.content.decode()
    with pytest.raises(UserFacingError, match="disqualified by the organizers: Two accounts"):
        submission_create(
            task=task,
            user=alice,
            uploaded_file=csv_upload(predictions_with_private_errors(task, wrong_private=0)),
        )
    client.force_login(alice)
    team_page = client.get(reverse("teams:mine", args=[competition.slug])).content.decode()
    assert "Your team was disqualified" in team_page and reason in team_page

    client.force_login(organizer)
    client.post(teams_url(competition), {"team": alpha.pk, "action": "reinstate"})
    assert names(leaderboard_for_task(task=task)) == ["Alpha", "Bravo"]


def test_the_comparison_leaves_out_disqualified_teams(client, board):
    task, organizer = board
    Submission.objects.filter(team__name="Bravo").update(method_name="bravo-secret-sauce")
    client.force_login(organizer)
    slug = task.competition.slug
    assert "bravo-secret-sauce" in client.get(f"/c/{slug}/compare/scores.csv").content.decode()
    competition_results_refresh(
        competition_id=task.competition_id, force=True
    )  # the worker, after the scores
    assert "bravo-secret-sauce" in client.get(f"/c/{slug}/compare/").content.decode()
    bravo = Team.objects.get(name="Bravo")
    client.post(
        teams_url(task.competition),
        {"team": bravo.pk, "action": "disqualify", "reason": "Hand-labelled test."},
    )
    # The stored comparison no longer fits its inputs: the page says so and asks a worker.
    stale = client.get(f"/c/{slug}/compare/").content.decode()
    assert 'data-comparison-state="updating"' in stale
    competition_results_refresh(competition_id=task.competition_id, force=True)
    assert "bravo-secret-sauce" not in client.get(f"/c/{slug}/compare/").content.decode()
    assert "bravo-secret-sauce" not in client.get(f"/c/{slug}/compare/scores.csv").content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"reason": "   "}, "Say why the team is disqualified"),
        ({"reason": "x" * 501}, "under 500 characters"),
    ],
)
def test_a_disqualification_needs_a_reason(client, board, form, message):
    task, organizer = board
    alpha = Team.objects.get(name="Alpha")
    client.force_login(organizer)
    response = client.post(
        teams_url(task.competition), {"team": alpha.pk, "action": "disqualify", **form}, follow=True
    )
    assert message in response.content.decode()
    assert Team.objects.get(pk=alpha.pk).disqualified_at is None


def test_only_organizers_manage_teams(client, alice, bob, board):
    task, _ = board
    bravo = Team.objects.get(name="Bravo")
    client.force_login(alice)
    assert client.get(teams_url(task.competition)).status_code == 403
    response = client.post(
        teams_url(task.competition), {"team": bravo.pk, "action": "disqualify", "reason": "mine"}
    )
    assert response.status_code == 403
    assert Team.objects.get(pk=bravo.pk).disqualified_at is None


def test_hostile_team_ids_are_not_found(client, board):
    task, organizer = board
    client.force_login(organizer)
    for team_id in ("abc", "1 OR 1=1", "999999"):
        response = client.post(
            teams_url(task.competition), {"team": team_id, "action": "disqualify", "reason": "x"}
        )
        assert response.status_code == 404, team_id


def test_members_cannot_dodge_a_disqualification(alice, charlie, board, make_user):
    """Leaving, joining by the old invite code, or uploading from another team: all refused."""
    task, organizer = board
    alpha = Team.objects.get(name="Alpha")
    team_join(competition=task.competition, user=charlie, invite_code=alpha.invite_code)
    team_disqualify(team=alpha, by=organizer, reason="Shared accounts.")
    with pytest.raises(UserFacingError, match="stay as they are"):
        team_leave(team=alpha, user=charlie)
    with pytest.raises(UserFacingError, match="stay as they are"):
        team_remove_member(team=alpha, owner=alice, member_id=charlie.pk)
    with pytest.raises(UserFacingError, match="no team|No team"):
        team_join(
            competition=task.competition, user=make_user("dora"), invite_code=alpha.invite_code
        )
    # Someone who uploaded for Alpha and had left before: no uploads from a new team either.
    team_reinstate(team=alpha, by=organizer)
    team_leave(team=alpha, user=charlie)
    Submission.objects.filter(team=alpha).update(submitted_by=charlie)
    team_disqualify(team=alpha, by=organizer, reason="Shared accounts.")
    team_create(competition=task.competition, user=charlie, name="Alpha Reborn")
    frame = predictions_with_private_errors(task, wrong_private=0)
    with pytest.raises(UserFacingError, match="uploaded for a team that the organizers"):
        submission_create(task=task, user=charlie, uploaded_file=csv_upload(frame))
    assert names(leaderboard_for_task(task=task)) == ["Bravo"]


def test_a_post_without_a_known_action_changes_nothing(client, board):
    task, organizer = board
    alpha = Team.objects.get(name="Alpha")
    client.force_login(organizer)
    client.post(teams_url(task.competition), {"team": alpha.pk, "reason": "no action given"})
    assert Team.objects.get(pk=alpha.pk).disqualified_at is None


def test_off_the_api_boards_and_the_final_private_board(board, alice):
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework.test import APIClient

    from arena.api.services import api_token_create
    from arena.competitions.models import Competition

    task, organizer = board
    team_disqualify(team=Team.objects.get(name="Bravo"), by=organizer, reason="Leaked labels.")
    now = timezone.now()
    Competition.objects.filter(pk=task.competition_id).update(
        start_at=now - timedelta(days=5), end_at=now - timedelta(days=1), reveal_at=None
    )
    competition_results_refresh(competition_id=task.competition_id)  # the worker's job
    assert names(leaderboard_for_task(task=task, private=True)) == ["Alpha"]
    assert names(leaderboard_for_track(track=task.track, private=True)) == ["Alpha"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=alice, name='t')[1]}")
    base = f"/api/competitions/{task.competition.slug}"
    for url in (
        f"{base}/tasks/{task.slug}/leaderboard/?board=private",
        f"{base}/tasks/{task.slug}/leaderboard/",
        f"{base}/tracks/{task.track.slug}/leaderboard/",
    ):
        rows = api.get(url).json()["rows"]
        assert [row["team"] for row in rows] == ["Alpha"], url
