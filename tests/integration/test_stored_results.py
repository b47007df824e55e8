"""Boards and the compare pages read what the worker stored (issue 15): no page view ranks
entries, computes a rank test or runs a bootstrap. A page that finds nothing stored, or results
whose inputs changed, says so, reloads itself and asks a worker once; the worker's results are
what the page then shows, to every viewer under the same visibility policy."""

import json
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import Competition, Task
from arena.results.comparison import comparison
from arena.results.models import StoredResult
from arena.results.services import competition_results_refresh
from arena.results.stored import COMPARISON, COMPARISON_RUNS, inputs_fingerprint, stored_result
from arena.submissions.models import Score, Submission
from arena.submissions.services import (
    submission_create_for_run,
    submission_score,
    submission_set_final,
    submission_update_method,
)
from arena.teams.models import Team
from tests.builders import other_cup
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create, team_join

REFRESH_JOB = "arena.results.tasks.refresh_competition_results"


def jobs_on(broker, name: str) -> list[str]:
    sent = [json.loads(raw)["headers"] for raw in broker.lrange("scoring", 0, -1)]
    return [headers["argsrepr"] for headers in sent if headers["task"] == name]


@pytest.fixture
def scored(competition, products, alice, bob, make_user):
    """Two teams with one entry each on one task, and a reviewer's client."""
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    entries = {
        "Alpha": submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=3)),
        "Bravo": submit_scored(task, bob, predictions_with_private_errors(task, wrong_private=0)),
    }
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    return competition, task, entries, reviewer


def test_pages_with_nothing_stored_ask_a_worker_once_and_say_so(client, scored, broker):
    competition, task, _, reviewer = scored
    StoredResult.objects.filter(competition=competition).delete()  # a fresh deployment
    client.force_login(reviewer)
    track = task.track.slug
    pages = {
        reverse("compare:comparison", args=[competition.slug]): "comparison",
        reverse("leaderboards:task", args=[competition.slug, task.slug]): "board",
        reverse("leaderboards:track", args=[competition.slug, track]): "board",
    }
    broker.delete("scoring")  # the scores' own follow-up jobs
    for _ in range(2):
        for url, kind in pages.items():
            page = client.get(url).content.decode()
            assert f'data-{kind}-state="computing"' in page, url
            assert '<meta http-equiv="refresh"' in page and "Alpha" not in page, url
    assert jobs_on(broker, REFRESH_JOB) == [f"[{competition.pk}]"]
    not_yet = [
        reverse("compare:statistics", args=[competition.slug, "json"]),
        reverse("leaderboards:task", args=[competition.slug, task.slug]) + "?format=csv",
        f"/api/competitions/{competition.slug}/tasks/{task.slug}/leaderboard/",
    ]
    for url in not_yet:
        response = client.get(url)
        assert response.status_code == 503 and response["Retry-After"], url
    competition_results_refresh(competition_id=competition.pk, force=True)  # the worker's job
    for url in pages:
        page = client.get(url).content.decode()
        assert "Alpha" in page and '<meta http-equiv="refresh"' not in page, url


def test_the_page_shows_the_stored_comparison_not_a_fresh_one(client, scored, broker):
    """A score edited behind the worker's back (same rows, other value) does not show: the page
    renders what the worker stored."""
    competition, task, entries, reviewer = scored
    stored = StoredResult.objects.get(competition=competition, key="comparison", split="public")
    assert stored.fingerprint and stored.computed_at is not None
    client.force_login(reviewer)
    url = reverse("compare:comparison", args=[competition.slug])
    before = client.get(url).content.decode()
    assert 'data-comparison-state="current"' in before
    assert '<meta http-equiv="refresh"' not in before
    public = Score.objects.get(
        submission=entries["Alpha"], split="public", metric=task.metric, task_version=task.version
    )
    shown = f"{public.value:.4f}"
    assert shown in before
    Score.objects.filter(pk=public.pk).update(value=0.123456)
    after = client.get(url).content.decode()
    assert "0.1235" not in after and shown in after
    assert jobs_on(broker, REFRESH_JOB) == []  # nothing it depends on changed in its eyes
    competition_results_refresh(competition_id=competition.pk, force=True)
    assert "0.1235" in client.get(url).content.decode()


def test_choosing_finals_makes_the_stored_results_out_of_date(client, scored, broker, alice):
    competition, task, entries, reviewer = scored
    broker.delete("scoring")
    submission_set_final(submission=entries["Alpha"], user=alice, is_final=True)
    assert jobs_on(broker, REFRESH_JOB) == [f"[{competition.pk}]"]  # sent by the service
    broker.delete("scoring")
    client.force_login(reviewer)
    page = client.get(reverse("compare:comparison", args=[competition.slug])).content.decode()
    assert 'data-comparison-state="updating"' in page
    board = client.get(reverse("leaderboards:task", args=[competition.slug, task.slug]))
    assert 'data-board-state="updating"' in board.content.decode()
    assert jobs_on(broker, REFRESH_JOB) == [f"[{competition.pk}]"]
    api = client.get(f"/api/competitions/{competition.slug}/tasks/{task.slug}/leaderboard/")
    assert api.status_code == 200 and api.json()["current"] is False


def test_renaming_a_method_asks_for_a_new_comparison(scored, broker, alice):
    competition, _, entries, _ = scored
    broker.delete("scoring")
    submission_update_method(
        submission=entries["Alpha"],
        user=alice,
        method_name="Renamed",
        description="",
        tags=[],
        code_url="",
    )
    assert jobs_on(broker, REFRESH_JOB) == [f"[{competition.pk}]"]


def _visiting_run(competition, task, make_user):
    """Arena runs the method of a team of another competition on ``task``."""
    other = other_cup()
    visitor = team_create(competition=other, user=make_user("vera"), name="Visitors")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "predictions.csv"
        predictions_with_private_errors(task, wrong_private=1).to_csv(path, index=False)
        submission_create_for_run(
            task=task, team=visitor, requested_by=None, predictions=path, method_name="Visiting",
            comment="Run of Visiting v1 by Arena",
        )  # fmt: skip
    return visitor


# Each input of the boards and the comparison, changed the least way it can be.
INPUT_CHANGES = {
    "a score (a submission finishes)": lambda c, t, e, mk: Submission.objects.filter(
        pk=e["Bravo"].pk
    ).update(finished_at=timezone.now()),
    "a final selection": lambda c, t, e, mk: Submission.objects.filter(pk=e["Alpha"].pk).update(
        is_final=True
    ),
    "a disqualification": lambda c, t, e, mk: Team.objects.filter(name="Bravo").update(
        disqualified_at=timezone.now()
    ),
    "a member joining": lambda c, t, e, mk: team_join(
        competition=c, user=mk("bella"), invite_code=Team.objects.get(name="Bravo").invite_code
    ),
    "a new task version": lambda c, t, e, mk: Task.objects.filter(pk=t.pk).update(
        version=t.version + 1
    ),
    "a task moved out of the prize average": lambda c, t, e, mk: Task.objects.filter(
        pk=t.pk
    ).update(in_prize_average=False),
    "the prize rule": lambda c, t, e, mk: Competition.objects.filter(pk=c.pk).update(
        track_ranking="rank" if c.track_ranking != "rank" else "score"
    ),
    "a visiting team's run": lambda c, t, e, mk: _visiting_run(c, t, mk),
}


@pytest.mark.parametrize("change", list(INPUT_CHANGES))
def test_the_inputs_fingerprint_changes_with_every_input(scored, make_user, change):
    competition, task, entries, _ = scored
    before = inputs_fingerprint(competition=competition)
    assert inputs_fingerprint(competition=competition) == before  # the same inputs, the same
    INPUT_CHANGES[change](competition, task, entries, make_user)
    competition.refresh_from_db()
    assert inputs_fingerprint(competition=competition) != before


def test_the_inputs_fingerprint_ignores_what_asks_for_a_refresh_itself(scored):
    """Renames send their own refresh job (above); the fingerprint need not see them."""
    competition, _, entries, _ = scored
    before = inputs_fingerprint(competition=competition)
    Team.objects.filter(name="Bravo").update(name="Bravissimo")
    Submission.objects.filter(pk=entries["Alpha"].pk).update(method_name="Renamed")
    assert inputs_fingerprint(competition=competition) == before


def matrix_of(value) -> dict:
    """What a comparison shows of each method: its cells' values and its track summaries."""
    blocks, rows = value
    cells = {row.label: {task: cell.value for task, cell in row.cells.items()} for row in rows}
    return {"tracks": [block.track.pk for block in blocks], "cells": cells,
            "summaries": {row.label: row.track_summary for row in rows}}  # fmt: skip


@pytest.mark.parametrize("private", [False, True])
def test_the_comparison_with_runs_is_stored_whether_or_not_runs_fill_cells(
    scored, make_user, private
):
    """Without runs both stored variants are the uploads' matrix (computed once); a visiting
    team's run then fills a row of the second variant only."""
    competition, task, _, _ = scored

    def stored(key):
        return matrix_of(stored_result(competition=competition, key=key, private=private).value)

    competition_results_refresh(competition_id=competition.pk, force=True)
    uploads = matrix_of(comparison(competition=competition, private=private))
    assert set(uploads["cells"]) == {"(unnamed) (Alpha)", "(unnamed) (Bravo)"}
    assert stored(COMPARISON) == stored(COMPARISON_RUNS) == uploads
    visitor = _visiting_run(competition, task, make_user)
    submission_score(submission_id=Submission.objects.get(team=visitor).pk)
    competition_results_refresh(competition_id=competition.pk, force=True)
    with_runs = matrix_of(comparison(competition=competition, private=private, with_runs=True))
    assert stored(COMPARISON) == uploads
    assert stored(COMPARISON_RUNS) == with_runs != uploads
    visiting = [label for label in with_runs["cells"] if "Visiting" in label]
    assert len(visiting) == 1 and task.pk in with_runs["cells"][visiting[0]]
