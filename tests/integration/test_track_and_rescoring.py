"""Track leaderboards against a hand computation, and re-scoring when the metric changes."""

from statistics import mean

import pytest
from django.urls import reverse

from arena.competitions import synthetic
from arena.competitions.services import task_create
from arena.core.errors import UserFacingError
from arena.results.boards import leaderboard_for_task, leaderboard_for_track, rank_changes
from arena.results.services import competition_results_refresh
from arena.submissions.models import Score, Submission
from arena.submissions.services import submission_score
from arena.teams.models import Team
from arena.workflows.task_data import task_change_metric
from tests.integration.helpers import (
    predictions_with_private_errors,
    predictions_with_public_errors,
    submit_scored,
)
from tests.participants import team_create


@pytest.fixture
def second_task(competition, products):
    task, _ = products
    data = synthetic.classification_data(rows=120, seed=11)
    return task_create(
        competition=competition,
        track=task.track,
        slug="gadgets",
        title="Gadgets",
        kind="classification",
        metric="accuracy",
        tables={"train": data.train, "test": data.test},
        answers=data.answers,
        public_fraction=0.5,
    )


def test_track_board_matches_a_hand_computation(
    competition, products, second_task, alice, bob, charlie, make_user
):
    first, _ = products
    teams = {}
    for user, name in ((alice, "Alpha"), (bob, "Bravo"), (charlie, "Charlie")):
        teams[name] = team_create(competition=competition, user=user, name=name)
    robot = make_user("robot")
    baseline = team_create(competition=competition, user=robot, name="AutoGluon")
    Team.objects.filter(pk=baseline.pk).update(is_baseline=True)

    submit_scored(first, alice, predictions_with_private_errors(first, wrong_private=0))
    submit_scored(second_task, alice, predictions_with_public_errors(second_task, wrong_public=10))
    submit_scored(first, bob, predictions_with_public_errors(first, wrong_public=5))
    submit_scored(second_task, charlie, predictions_with_public_errors(second_task, wrong_public=2))
    submit_scored(first, robot, predictions_with_public_errors(first, wrong_public=1))
    submit_scored(second_task, robot, predictions_with_public_errors(second_task, wrong_public=1))

    boards = {task.pk: leaderboard_for_task(task=task) for task in (first, second_task)}

    def score_and_rank(task, name):
        row = next((r for r in boards[task.pk] if r.team_name == name), None)
        return (row.score, row.rank) if row else (0.0, 3)  # missing: zero and worst rank (3)

    expected = {}
    for name in ("Alpha", "Bravo", "Charlie"):
        cells = [score_and_rank(task, name) for task in (second_task, first)]
        expected[name] = (mean(s for s, _ in cells), mean(r for _, r in cells))

    rows = {row.team_name: row for row in leaderboard_for_track(track=first.track)}
    for name, (mean_score, mean_rank) in expected.items():
        assert rows[name].mean_score == pytest.approx(mean_score)
        assert rows[name].mean_rank == pytest.approx(mean_rank)
    by_score = sorted(expected, key=lambda name: -expected[name][0])
    ranked = [row.team_name for row in leaderboard_for_track(track=first.track) if row.rank]
    assert ranked == by_score
    assert rows["AutoGluon"].rank is None and rows["AutoGluon"].is_baseline
    assert [cell.submitted for cell in rows["Bravo"].cells] == [False, True]  # Gadgets, Products


def test_track_page_states_the_missing_task_rule_and_downloads(client, competition, products):
    task, _ = products
    competition_results_refresh(competition_id=competition.pk)  # the worker, for a new track
    url = reverse("leaderboards:track", args=[competition.slug, task.track.slug])
    page = client.get(url).content.decode()
    assert "How missing tasks count" in page and "worst rank" in page
    response = client.get(url + "?format=csv")
    assert response.content.decode().startswith("rank,team,baseline,mean_public_score,mean_rank")


def test_changing_the_metric_rescores_in_place_and_keeps_history(
    client, competition, products, alice, bob, make_user
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    submit_scored(task, alice, predictions_with_public_errors(task, wrong_public=3))
    submit_scored(task, bob, predictions_with_public_errors(task, wrong_public=6))
    ids_before = set(Submission.objects.values_list("pk", flat=True))

    queued = task_change_metric(task=task, metric="accuracy")
    assert queued == 2
    task.refresh_from_db()
    assert (task.version, task.metric) == (2, "accuracy")
    assert set(Submission.objects.values_list("pk", flat=True)) == ids_before  # no new ones
    assert set(Submission.objects.values_list("status", flat=True)) == {"queued"}
    assert Score.objects.filter(task_version=1).count() == 12  # history kept
    for submission_id in ids_before:
        assert submission_score(submission_id=submission_id) == "scored"
    assert Score.objects.filter(task_version=2).count() == 12

    changes = {change.team_name: change for change in rank_changes(task=task, from_version=1)}
    assert changes["Alpha"].old_rank == 1 and changes["Alpha"].new_rank == 1
    assert changes["Alpha"].new_score != changes["Alpha"].old_score  # accuracy, not macro-F1

    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    page = client.get(reverse("competitions:task_manage", args=[competition.slug, task.slug]))
    assert b"Rank changes from version 1 to 2" in page.content


def test_metric_change_is_for_organizers_and_checked(client, competition, products, alice):
    task, _ = products
    with pytest.raises(UserFacingError, match="does not apply"):
        task_change_metric(task=task, metric="f1")
    client.force_login(alice)
    url = reverse("competitions:task_manage", args=[competition.slug, task.slug])
    assert client.post(url, {"metric": "accuracy"}).status_code == 403


def test_the_prize_rule_orders_the_track_board_and_the_page_says_which(
    client, competition, products, second_task, alice, bob, charlie, make_user
):
    """Issue 15: the board showed a team 3rd on mean score above one 2nd with a better mean
    rank, with no word on which decides; and '(N listed)' counted baselines."""
    first, _ = products
    robot = make_user("robot")
    baseline = team_create(competition=competition, user=robot, name="AutoGluon (fast)")
    Team.objects.filter(pk=baseline.pk).update(is_baseline=True)
    plan = {alice: ("Alpha", 0, 8), bob: ("Bravo", 7, 6), charlie: ("Charlie", 10, 7)}
    for user, (name, errors_first, errors_second) in plan.items():
        team_create(competition=competition, user=user, name=name)
        submit_scored(first, user, predictions_with_public_errors(first, wrong_public=errors_first))
        submit_scored(
            second_task,
            user,
            predictions_with_public_errors(second_task, wrong_public=errors_second),
        )
    submit_scored(first, robot, predictions_with_public_errors(first, wrong_public=3))

    def order(rule: str) -> list[str]:
        competition.track_ranking = rule
        competition.save(update_fields=["track_ranking"])
        rows = leaderboard_for_track(track=first.track)
        return [row.team_name for row in rows if not row.is_baseline], rows

    by_score, rows = order("score")
    assert [row.mean_score for row in rows if not row.is_baseline] == sorted(
        (row.mean_score for row in rows if not row.is_baseline), reverse=True
    )
    by_rank, rows = order("rank")
    assert [row.mean_rank for row in rows if not row.is_baseline] == sorted(
        row.mean_rank for row in rows if not row.is_baseline
    )
    assert by_score != by_rank  # Alpha leads on mean score, Bravo on mean rank
    assert by_rank[0] == "Bravo" and [row.rank for row in rows if not row.is_baseline] == [1, 2, 3]

    page = client.get(
        reverse("leaderboards:track", args=[competition.slug, first.track.slug])
    ).content.decode()
    assert "by their <strong>mean rank</strong>" in page
    assert "3 ranked teams; baselines are not counted" in page
