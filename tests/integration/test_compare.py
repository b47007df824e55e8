"""Reviewers compare methods across tasks: matrix, ranks, tests, baseline standing, export.

The competition and its scored uploads are built once per module, inside a transaction that is
rolled back when the module is done; each test runs in its own savepoint, so what it adds (a
task, a team, a disqualification, a stored result) is gone before the next test starts. A test
that needs a competition without those uploads builds one of its own (``own_cup``). Storage is
not rolled back: a test that deletes the world's files puts them back (``codes_put_back``).
"""

import io
from statistics import mean

import pandas as pd
import pytest
from django.urls import reverse

from arena.competitions import synthetic
from arena.competitions.services import task_create
from arena.core import files
from arena.core.files import private_storage
from arena.results.boards import leaderboard_for_task
from arena.results.comparison import comparison
from arena.results.services import (
    competition_results_refresh,
    pairwise_compute,
    tied_with_leader,
)
from arena.results.stored import stored_result, task_board_key
from arena.submissions.models import Submission
from arena.teams.models import Team
from arena.teams.services import team_disqualify
from tests import builders
from tests.builders import (
    methods_arena_build,
    methods_arena_of,
    world_fixture,
    world_user_fixture,
)
from tests.integration.helpers import (
    answers_with_usage,
    predictions_with_public_errors,
    submit_scored,
)
from tests.participants import team_create

world = world_fixture(methods_arena_build)  # built once per module, rolled back at its end


@pytest.fixture
def arena_with_methods(world, db):
    """(competition, products task, gadgets task) of the world, fetched for this test."""
    return methods_arena_of(world)


alice = world_user_fixture("alice")  # of team Alpha
robot = world_user_fixture("robot")  # of the baseline team AutoGluon


@pytest.fixture
def offers(arena_with_methods):
    """The matching task, added to the world's competition in this test's savepoint (conftest's
    would build a second Test Cup for it); returns (task, data)."""
    competition, _, _ = arena_with_methods
    return builders.offers_task(competition)


@pytest.fixture
def own_cup(world, db):
    """For a test that builds its entries from nothing: a running competition like Test Cup,
    with the products task and no team yet; beside the world's, so under a slug of its own.
    Returns (competition, products task)."""
    competition = builders.running_cup(slug="own-cup", title="Own Cup")
    task, _ = builders.products_task(competition)
    return competition, task


@pytest.fixture
def codes_put_back(arena_with_methods):
    """Storage is not rolled back with the database: the world's codes files (the paired tests
    read them) that this test deletes are written again when it is done."""
    kept = {}
    for key in Submission.objects.exclude(codes_key="").values_list("codes_key", flat=True):
        with private_storage().open(key, "rb") as handle:
            kept[key] = handle.read()
    yield
    for key, data in kept.items():
        if not private_storage().exists(key):
            files.save_bytes(key=key, data=data)


@pytest.fixture
def reviewer_client(client, arena_with_methods, make_user):
    competition, _, _ = arena_with_methods
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    client.force_login(reviewer)
    return client


def test_matrix_ranks_and_means_match_a_hand_computation(arena_with_methods):
    competition, first, second = arena_with_methods
    blocks, rows = comparison(competition=competition, private=False)
    by_method = {row.method_name: row for row in rows}
    for task in (first, second):
        values = {name: row.cells[task.pk].value for name, row in by_method.items()}
        order = sorted(values, key=lambda name: -values[name])
        assert [by_method[name].cells[task.pk].rank for name in order] == [1.0, 2.0, 3.0, 4.0]
    alpha = by_method["<b>GBDT</b>"]
    summary = alpha.track_summary[first.track.pk]
    assert summary["mean_score"] == pytest.approx(
        mean(alpha.cells[t.pk].value for t in (first, second))
    )
    assert summary["mean_rank"] == 1.0
    # Normalized: (score - AutoGluon) / (best - AutoGluon): the best entry is 1, the baseline 0.
    assert alpha.cells[first.pk].normalized == pytest.approx(1.0)
    assert by_method["AutoGluon"].cells[first.pk].normalized == pytest.approx(0.0)
    assert by_method["kNN"].cells[first.pk].normalized < 0


def test_friedman_and_win_tie_loss_against_the_baseline(arena_with_methods):
    competition, first, _ = arena_with_methods
    blocks, rows = comparison(competition=competition, private=False)
    block = blocks[0]
    assert len(block.methods_tested) == 4 and block.critical_difference > 0
    assert 0 <= block.friedman.p_value <= 1
    by_method = {row.method_name: row for row in rows}
    knn = by_method["kNN"]
    tally = knn.against_baseline[block.track.pk]
    assert tally["wins"] == 0 and tally["losses"] + tally["ties"] == 2


def test_win_tie_loss_counts_each_tracks_tasks_only(arena_with_methods, offers, alice, make_user):
    """Issue 15: a method's tally in one track counted the tasks of every track."""
    competition, first, _ = arena_with_methods
    matching, _ = offers
    robot = Team.objects.get(name="AutoGluon (fast)").memberships.get().user
    for user, method in ((robot, "AutoGluon"), (alice, "<b>GBDT</b>")):
        key = answers_with_usage(matching)[["id", "label"]]
        submission = submit_scored(matching, user, key)
        submission.method_name = method
        submission.save(update_fields=["method_name"])
    _, rows = comparison(competition=competition, private=False)
    gbdt = {row.method_name: row for row in rows}["<b>GBDT</b>"]
    classification = sum(gbdt.against_baseline[first.track.pk].values())
    assert classification == 2  # its two classification tasks, not the matching one
    assert sum(gbdt.against_baseline[matching.track.pk].values()) == 1


def test_normalized_scores_are_bounded_and_defined_when_the_baseline_leads(own_cup, alice, robot):
    """Issue 15: (score - baseline) / (best - baseline) blew up near the baseline and was
    undefined when the baseline led; against the ideal score it is bounded by 1."""
    competition, task = own_cup
    baseline = team_create(competition=competition, user=robot, name="AutoGluon (fast)")
    Team.objects.filter(pk=baseline.pk).update(is_baseline=True)
    team_create(competition=competition, user=alice, name="Alpha")
    for user, method, errors in ((robot, "AutoGluon", 4), (alice, "Close", 5)):
        frame = predictions_with_public_errors(task, wrong_public=errors)
        submission = submit_scored(task, user, frame)
        submission.method_name = method
        submission.save(update_fields=["method_name"])
    _, rows = comparison(competition=competition, private=False)
    by_method = {row.method_name: row.cells[task.pk] for row in rows}
    close, reference = by_method["Close"], by_method["AutoGluon"]
    assert reference.normalized == 0.0  # the baseline leads, and the figure is still defined
    expected = (close.value - reference.value) / (1.0 - reference.value)
    assert close.normalized == pytest.approx(expected)
    assert -1.0 < close.normalized < 0.0  # a little worse: a little below zero, not -118


def test_reviewers_see_the_page_with_a_diagram_participants_do_not(
    reviewer_client, client, arena_with_methods, alice
):
    competition, _, _ = arena_with_methods
    url = reverse("compare:comparison", args=[competition.slug])
    page = reviewer_client.get(url).content.decode()
    assert "Friedman test over 2 tasks and 4 methods" in page
    assert "<svg" in page and "Critical difference diagram" in page
    assert "<b>GBDT</b>" not in page and "&lt;b&gt;GBDT&lt;/b&gt;" in page
    for mode in ("normalized", "rank"):
        assert reviewer_client.get(url + f"?mode={mode}").status_code == 200
    client.force_login(alice)
    assert client.get(url).status_code == 403


def test_export_long_format_is_public_only_before_the_reveal(reviewer_client, arena_with_methods):
    competition, _, _ = arena_with_methods
    for file_format in ("csv", "parquet"):
        response = reviewer_client.get(
            reverse("compare:export", args=[competition.slug, file_format])
        )
        body = response.content
        frame = (
            pd.read_csv(io.BytesIO(body))
            if file_format == "csv"
            else pd.read_parquet(io.BytesIO(body))
        )
        assert list(frame.columns) == [
            "submission_id", "team", "method", "task", "track", "split", "metric", "value",
            "ci_low", "ci_high", "submitted_at", "code_url", "tags", "origin", "source",
            "team_competition",
        ]  # fmt: skip
        assert set(frame["split"]) == {"public"}
        assert len(frame) == 8 * 3  # 8 submissions x 3 metrics
    csv_text = reviewer_client.get(
        reverse("compare:export", args=[competition.slug, "csv"])
    ).content.decode()
    assert "'=Bravo" in csv_text and "\n=Bravo" not in csv_text


def test_organizers_export_private_rows_before_the_reveal(client, arena_with_methods, make_user):
    competition, _, _ = arena_with_methods
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    body = client.get(reverse("compare:export", args=[competition.slug, "parquet"])).content
    assert set(pd.read_parquet(io.BytesIO(body))["split"]) == {"public", "private"}


def test_pairwise_view_tells_whether_two_entries_differ(reviewer_client, arena_with_methods):
    competition, first, _ = arena_with_methods
    blocks, rows = comparison(competition=competition, private=False)
    by_method = {row.method_name: row for row in rows}
    # A is the worst entry, B the best (the tie marks have already weighed the leader, B,
    # against each rival: this way round the answer is not in the cache yet).
    worst = by_method["kNN"].cells[first.pk].submission_id
    best = by_method["<b>GBDT</b>"].cells[first.pk].submission_id
    url = reverse("compare:pairwise", args=[competition.slug])
    chosen = {"task": first.slug, "a": worst, "b": best}
    # The page runs no bootstrap: it asks a worker and says so until the answer is there.
    page = reviewer_client.get(url, chosen).content.decode()
    assert 'id="pairwise-computing"' in page and "A − B" not in page
    assert '<meta http-equiv="refresh"' in page
    pairwise_compute(task_id=first.pk, submission_a_id=worst, submission_b_id=best, private=False)
    page = reviewer_client.get(url, chosen).content.decode()
    assert "A − B in macro_f1" in page and 'id="pairwise-computing"' not in page
    assert "The difference is real at the 5% level: B is better" in page
    same = reviewer_client.get(url, {"task": first.slug, "a": best, "b": best}).content.decode()
    assert "Pick two different entries" in same


def test_scoring_keeps_prediction_codes_for_paired_tests(arena_with_methods):
    from arena.core.files import private_storage
    from arena.submissions.models import Submission

    for submission in Submission.objects.all():
        assert submission.codes_key.endswith(".codes.npy")
        assert private_storage().exists(submission.codes_key)


def test_leaderboard_marks_entries_tied_with_the_leader(
    client, arena_with_methods, make_user, codes_put_back
):
    competition, first, _ = arena_with_methods
    close = make_user("clara")  # one error behind the leader: a bootstrap cannot tell them apart
    team_create(competition=competition, user=close, name="Close Second")
    # With the worker's follow-up:
    submit_scored(first, close, predictions_with_public_errors(first, wrong_public=1))
    rows = leaderboard_for_task(task=first)
    tied, complete = tied_with_leader(task=first, rows=rows, private=False)
    assert complete
    names = {row.team_id: row.team_name for row in rows}
    # Alpha leads (0 errors); the baseline (6 errors) is close, kNN (20 errors) is far behind.
    assert "Charlie" not in {names[team_id] for team_id in tied}
    board = reverse("leaderboards:task", args=[competition.slug, first.slug])
    # The page only reads what the worker stored: with every codes file gone from storage,
    # the marks are still there, so no page view reads storage or runs a bootstrap.
    for submission in Submission.objects.filter(task=first):
        private_storage().delete(submission.codes_key)
    page = client.get(board)
    assert page.status_code == 200
    assert tied and page.content.decode().count("tied with leader</span>") == len(tied)


def test_a_new_leader_shows_once_the_worker_has_ranked_the_board_again(
    client, arena_with_methods, make_user
):
    competition, first, _ = arena_with_methods
    close = make_user("clara")
    team_create(competition=competition, user=close, name="Close Second")
    submit_scored(first, close, predictions_with_public_errors(first, wrong_public=1))
    board = reverse("leaderboards:task", args=[competition.slug, first.slug])
    assert "tied with leader</span>" in client.get(board).content.decode()
    # The leader is disqualified: until a worker has ranked the board again, the page shows
    # the stored board, says it is being updated and reloads itself...
    team_disqualify(team=Team.objects.get(name="Alpha"), by=None, reason="Shared predictions.")
    stale = client.get(board).content.decode()
    assert 'data-board-state="updating"' in stale and '<meta http-equiv="refresh"' in stale
    # ...then the new ranking, with its tie marks weighed against the new leader.
    competition_results_refresh(competition_id=competition.pk, force=True)
    page = client.get(board).content.decode()
    assert "Alpha" not in page and 'data-board-state="updating"' not in page
    leader = leaderboard_for_task(task=first)[0]
    stored = stored_result(competition=competition, key=task_board_key(first), private=False)
    assert stored.current and stored.value.rows[0].submission_id == leader.submission_id
    assert (
        stored.value.tied
        == tied_with_leader(task=first, rows=leaderboard_for_task(task=first), private=False)[0]
    )


def test_matrix_page_costs_the_same_queries_with_more_tasks_and_teams(
    reviewer_client, arena_with_methods, make_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    competition, first, _ = arena_with_methods
    url = reverse("compare:comparison", args=[competition.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get(url).status_code == 200
        return len(captured)

    before = queries()
    data = synthetic.classification_data(rows=80, seed=4)
    third = task_create(
        competition=competition, track=first.track, slug="widgets", title="Widgets",
        kind="classification", metric="macro_f1", tables={"train": data.train, "test": data.test},
        answers=data.answers, public_fraction=0.5,
    )  # fmt: skip
    for name in ("Delta", "Echo"):
        user = make_user(name.lower())
        team_create(competition=competition, user=user, name=name)
        for task in (first, third):
            submit_scored(task, user, predictions_with_public_errors(task, wrong_public=3))
    blocks, rows = comparison(competition=competition, private=False)
    assert len(blocks[0].tasks) == 3 and len(rows) == 6
    competition_results_refresh(competition_id=competition.pk, force=True)
    assert queries() == before


def test_a_track_with_an_empty_task_still_gets_a_friedman_test(arena_with_methods, reviewer_client):
    """Issue 15: one task with no entries disabled the Friedman test for its whole track."""
    competition, first, _ = arena_with_methods
    data = synthetic.classification_data(rows=120, seed=21)
    task_create(
        competition=competition, track=first.track, slug="empty", title="Nobody here yet",
        kind="classification", metric="macro_f1", tables={"train": data.train, "test": data.test},
        answers=data.answers, public_fraction=0.5,
    )  # fmt: skip
    blocks, _ = comparison(competition=competition, private=False)
    block = blocks[0]
    assert block.friedman is not None
    assert len(block.tasks_tested) == 2 and len(block.methods_tested) == 4
    assert "Nobody here yet" in block.note
    competition_results_refresh(competition_id=competition.pk, force=True)
    page = reviewer_client.get(reverse("compare:comparison", args=[competition.slug]))
    assert "tasks left out: Nobody here yet" in page.content.decode()


def test_the_private_comparison_takes_each_teams_finals_as_the_private_board_does(own_cup, alice):
    """Issue 15: the private matrix took each method's best private score among all its
    submissions, an optimistic choice nobody made; the team's final selection decides."""
    from arena.submissions.services import submission_set_final
    from tests.integration.helpers import predictions_with_private_errors

    competition, task = own_cup
    team_create(competition=competition, user=alice, name="Alpha")
    chosen = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=8))
    luckier = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=0))
    for submission in (chosen, luckier):
        submission.method_name = "GBDT"
        submission.save(update_fields=["method_name"])
    submission_set_final(submission=chosen, user=alice, is_final=True)

    _, rows = comparison(competition=competition, private=True)
    cell = {row.method_name: row for row in rows}["GBDT"].cells[task.pk]
    assert cell.submission_id == chosen.pk
    private_of_chosen = chosen.scores.get(split="private", metric=task.metric).value
    assert cell.value == pytest.approx(private_of_chosen)
    assert cell.value < luckier.scores.get(split="private", metric=task.metric).value


def test_rank_tests_download_at_full_precision_and_follow_the_page(
    reviewer_client, arena_with_methods
):
    import json

    competition, _, _ = arena_with_methods
    blocks, _ = comparison(competition=competition, private=False)
    block = blocks[0]
    url = reverse("compare:statistics", args=[competition.slug, "json"])
    report = json.loads(reviewer_client.get(url).content)
    assert report["split"] == "public"
    track = report["tracks"][0]
    assert track["friedman_p_value"] == float(block.friedman.p_value)  # every digit
    assert track["friedman_statistic"] == float(block.friedman.statistic)
    assert track["critical_difference"] == float(block.critical_difference)
    ranks = {entry["method"]: entry["average_rank"] for entry in track["methods"]}
    assert len(ranks) == 4 and sorted(ranks.values()) == sorted(block.friedman.average_ranks)

    # A reviewer asking for the private split before the reveal gets the public one.
    private_ask = json.loads(reviewer_client.get(url + "?board=private").content)
    assert private_ask["split"] == "public"

    csv_url = reverse("compare:statistics", args=[competition.slug, "csv"])
    body = io.BytesIO(reviewer_client.get(csv_url).content)
    frame = pd.read_csv(body, float_precision="round_trip")
    assert len(frame) == 4
    assert float(frame["friedman_p_value"][0]) == float(block.friedman.p_value)
    assert "'=Bravo" in set(frame["team"])  # a formula-like name is defused
    assert (
        reviewer_client.get(
            reverse("compare:statistics", args=[competition.slug, "xml"])
        ).status_code
        == 404
    )


def test_two_methods_across_tasks_get_a_signed_rank_test(reviewer_client, arena_with_methods):
    """Issue 15: across tasks, two methods are compared by Wilcoxon's signed-rank test on
    their per-task scores, beside the per-task paired bootstrap."""
    from arena.results.comparison import method_key
    from scoring.statistics import wilcoxon_across_tasks

    competition, first, second = arena_with_methods
    _, rows = comparison(competition=competition, private=False)
    by_method = {row.method_name: row for row in rows}
    gbdt, knn = by_method["<b>GBDT</b>"], by_method["kNN"]
    url = reverse("compare:pairwise", args=[competition.slug])
    page = reviewer_client.get(url, {"ma": method_key(gbdt), "mb": method_key(knn)})
    text = page.content.decode()
    tasks = sorted((first, second), key=lambda task: task.title)
    expected = wilcoxon_across_tasks(
        scores_a=[gbdt.cells[t.pk].value for t in tasks],
        scores_b=[knn.cells[t.pk].value for t in tasks],
    )
    assert "A better on 2 tasks, B on 0, equal on 0" in text
    assert f"p = {expected.p_value:.4f}" in text
    assert "the test can hardly reach 5%" in text  # two tasks: honest about its power
    assert "&lt;b&gt;GBDT&lt;/b&gt;" in text and "<b>GBDT</b>" not in text
    same = reviewer_client.get(url, {"ma": method_key(gbdt), "mb": method_key(gbdt)})
    assert "Pick two different methods" in same.content.decode()


def test_the_normalized_view_shades_and_averages_normalized_figures(
    reviewer_client, arena_with_methods
):
    """Issue 15: in the normalized mode the shading and the mean stayed on raw scores."""
    competition, first, second = arena_with_methods
    _, rows = comparison(competition=competition, private=False)
    knn = {row.method_name: row for row in rows}["kNN"]
    summary = knn.track_summary[first.track.pk]
    figures = [knn.cells[t.pk].normalized for t in (first, second)]
    assert summary["mean_normalized"] == pytest.approx(mean(figures))
    assert summary["normalized_tasks"] == 2
    # The worst normalized entry of a task is the coldest cell of the normalized view.
    assert knn.cells[first.pk].normalized_shade == 0.0
    page = reviewer_client.get(
        reverse("compare:comparison", args=[competition.slug]), {"mode": "normalized"}
    ).content.decode()
    assert "Mean normalized" in page
    assert f"{summary['mean_normalized']:.3f}" in page
