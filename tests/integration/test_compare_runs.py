"""The comparison can take its cells from runs by Arena (issue 16): a method's newest run on a
task fills the cell its team's uploads left empty, so the rank tests find bigger complete blocks;
each cell says whether it was uploaded, run, or both; runs never touch the uploads' matrix or a
board; a method of another competition's team that Arena ran here shows with its home.

The competition and its scored uploads (``holes``) are built once per module, inside a
transaction that is rolled back when the module is done; each test runs in its own savepoint,
so its runs, disqualifications and stored results are gone before the next test starts.
"""

import io
import json
import uuid
from dataclasses import dataclass

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from arena.competitions import synthetic
from arena.competitions.models import Competition, Task
from arena.competitions.services import task_create, track_get_or_create
from arena.results.models import StoredResult
from arena.results.services import competition_results_refresh
from arena.results.stored import COMPARISON, COMPARISON_RUNS, stored_result, task_board_key
from arena.submissions.models import Submission
from arena.submissions.services import (
    submission_create,
    submission_create_for_run,
    submission_score,
)
from arena.teams.models import Team
from arena.teams.services import team_disqualify
from tests import builders
from tests.builders import world_fixture
from tests.integration.helpers import (
    csv_upload,
    predictions_with_public_errors,
    score_as_worker,
)
from tests.participants import team_create


def upload(task, user, method: str, errors: int):
    frame = predictions_with_public_errors(task, wrong_public=errors)
    submission = submission_create(
        task=task, user=user, uploaded_file=csv_upload(frame), method_name=method
    )
    assert score_as_worker(submission_id=submission.pk) == "scored"
    return submission


def run(task, team, method: str, errors: int, folder, by=None):
    """What the methods worker hands to scoring after a run, then the scoring worker's job."""
    path = folder / f"{uuid.uuid4().hex}.csv"
    predictions_with_public_errors(task, wrong_public=errors).to_csv(path, index=False)
    submission = submission_create_for_run(
        task=task, team=team, requested_by=by, predictions=path, method_name=method,
        comment=f"Run of {method} v1 by Arena",
    )  # fmt: skip
    assert score_as_worker(submission_id=submission.pk) == "scored"
    return submission


def widgets_task(competition: Competition, *, products: Task) -> Task:
    """A third classification task (macro-F1, 120 rows) in the products task's track."""
    task, _ = builders.classification_task(
        competition, track=products.track, slug="widgets", title="Widgets", rows=120, seed=4
    )
    return task


@dataclass(frozen=True)
class World:
    """Primary keys only: the tests fetch fresh instances, since a test may change the rows
    (in its savepoint) and an instance kept here would then say what is no longer so."""

    competition_id: int
    task_ids: dict[str, int]  # by slug
    team_ids: dict[str, int]  # by name
    upload_ids: dict[tuple[str, str], int]  # by (method, task slug)
    reviewer_id: int


def _build() -> World:
    """Uploads that leave holes: AutoGluon and GBDT on all three tasks, LogReg on two, kNN on
    one. The largest complete block is 3 methods x 2 tasks."""
    competition = builders.running_cup()
    products_task, _ = builders.products_task(competition)
    gadgets = builders.gadgets_task(competition, products=products_task)
    widgets = widgets_task(competition, products=products_task)
    tasks = {"products": products_task, "gadgets": gadgets, "widgets": widgets}
    alice, bob, charlie, robot = (
        builders.user_create(name) for name in ("alice", "bob", "charlie", "robot")
    )
    baseline = team_create(competition=competition, user=robot, name="AutoGluon (fast)")
    Team.objects.filter(pk=baseline.pk).update(is_baseline=True)
    teams = {
        "Alpha": team_create(competition=competition, user=alice, name="Alpha"),
        "Bravo": team_create(competition=competition, user=bob, name="Bravo"),
        "Charlie": team_create(competition=competition, user=charlie, name="Charlie"),
    }
    plan = [
        (robot, "AutoGluon", {"products": 6, "gadgets": 6, "widgets": 6}),
        (alice, "GBDT", {"products": 0, "gadgets": 2, "widgets": 1}),
        (bob, "LogReg", {"products": 12, "gadgets": 10}),
        (charlie, "kNN", {"products": 20}),
    ]
    uploads = {}
    for user, method, errors in plan:
        for slug, count in errors.items():
            uploads[(method, slug)] = upload(tasks[slug], user, method, count)
    reviewer = builders.user_create("rita")
    competition.reviewers.add(reviewer)
    return World(
        competition_id=competition.pk,
        task_ids={slug: task.pk for slug, task in tasks.items()},
        team_ids={name: team.pk for name, team in teams.items()},
        upload_ids={key: submission.pk for key, submission in uploads.items()},
        reviewer_id=reviewer.pk,
    )


world = world_fixture(_build)  # built once per module, rolled back at its end


@pytest.fixture
def holes(world, db):
    """The world, fetched for this test: (competition, tasks by slug, teams by name, uploads by
    (method, task slug), reviewer)."""
    competition = Competition.objects.get(pk=world.competition_id)
    tasks = {slug: Task.objects.get(pk=pk) for slug, pk in world.task_ids.items()}
    teams = {name: Team.objects.get(pk=pk) for name, pk in world.team_ids.items()}
    uploads = {key: Submission.objects.get(pk=pk) for key, pk in world.upload_ids.items()}
    reviewer = get_user_model().objects.get(pk=world.reviewer_id)
    return competition, tasks, teams, uploads, reviewer


def fill_holes(holes, folder):
    """Arena runs LogReg on Widgets and kNN on Gadgets and Widgets (the holes), and GBDT on
    Products, where Alpha uploaded too."""
    competition, tasks, teams, _, reviewer = holes
    runs = {
        ("LogReg", "widgets"): run(tasks["widgets"], teams["Bravo"], "LogReg", 9, folder),
        ("kNN", "gadgets"): run(tasks["gadgets"], teams["Charlie"], "kNN", 18, folder),
        ("kNN", "widgets"): run(tasks["widgets"], teams["Charlie"], "kNN", 15, folder),
        ("GBDT", "products"): run(tasks["products"], teams["Alpha"], "GBDT", 4, folder),
    }
    return runs


def stored(competition, key, private=False):
    result = stored_result(competition=competition, key=key, private=private)
    assert result.current, key
    return result.value


def test_runs_fill_the_holes_and_the_rank_test_gets_a_bigger_block(holes, tmp_path, client):
    competition, tasks, _, _, reviewer = holes
    blocks, _ = stored(competition, COMPARISON_RUNS)  # no run yet: the same as uploads
    assert (len(blocks[0].methods_tested), len(blocks[0].tasks_tested)) == (3, 2)
    assert "methods left out: kNN (Charlie)" in blocks[0].note
    assert "tasks left out: Widgets" in blocks[0].note

    fill_holes(holes, tmp_path)  # each scored as the worker does, follow-up included
    uploads_only, _ = stored(competition, COMPARISON)
    with_runs, rows = stored(competition, COMPARISON_RUNS)
    assert (len(uploads_only[0].methods_tested), len(uploads_only[0].tasks_tested)) == (3, 2)
    assert "methods left out: kNN (Charlie)" in uploads_only[0].note
    block = with_runs[0]
    assert (len(block.methods_tested), len(block.tasks_tested)) == (4, 3)
    assert block.note == ""  # nothing left out
    assert block.friedman is not None and block.critical_difference > 0

    client.force_login(reviewer)
    url = reverse("compare:comparison", args=[competition.slug])
    page = client.get(url).content.decode()
    assert "Friedman test over 2 tasks and 3 methods" in page
    assert "methods left out: kNN (Charlie)" in page
    assert '<strong aria-current="page">Uploads</strong>' in page
    assert 'href="?mode=raw&amp;board=public&amp;source=runs">Uploads and runs by Arena' in page
    runs_page = client.get(url, {"source": "runs"}).content.decode()
    assert "Friedman test over 3 tasks and 4 methods" in runs_page
    assert "left out" not in runs_page
    assert '<strong aria-current="page">Uploads and runs by Arena</strong>' in runs_page
    # The mode links keep the cells chosen, and the downloads follow them.
    assert 'href="?mode=rank&amp;source=runs"' in runs_page
    assert "/compare/scores.csv?source=runs" in runs_page
    for mode in ("normalized", "rank"):
        assert client.get(url, {"source": "runs", "mode": mode}).status_code == 200

    report = json.loads(
        client.get(
            reverse("compare:statistics", args=[competition.slug, "json"]), {"source": "runs"}
        ).content
    )
    assert report["cells"] == "uploads_and_runs"
    knn = next(m for m in report["tracks"][0]["methods"] if m["method"] == "kNN")
    assert knn["sources"] == {"gadgets": "run", "products": "upload", "widgets": "run"}
    assert knn["home_competition"] == competition.slug


def test_each_cell_says_whether_it_was_uploaded_run_or_both(holes, tmp_path, client):
    competition, tasks, _, uploads, reviewer = holes
    runs = fill_holes(holes, tmp_path)
    _, rows = stored(competition, COMPARISON_RUNS)
    cells = {
        (row.method_name, slug): row.cells.get(task.pk)
        for row in rows
        for slug, task in tasks.items()
    }
    assert cells[("kNN", "products")].source == "upload"
    assert cells[("kNN", "gadgets")].source == "run"
    assert cells[("kNN", "gadgets")].submission_id == runs[("kNN", "gadgets")].pk
    both = cells[("GBDT", "products")]
    assert both.source == "both"
    metric = tasks["products"].metric
    upload_score = uploads[("GBDT", "products")].scores.get(split="public", metric=metric)
    run_score = runs[("GBDT", "products")].scores.get(split="public", metric=metric)
    assert both.submission_id == uploads[("GBDT", "products")].pk
    assert both.value == upload_score.value and both.run_value == run_score.value
    assert run_score.value < upload_score.value  # the upload's score, not the better of two

    client.force_login(reviewer)
    url = reverse("compare:comparison", args=[competition.slug])
    page = client.get(url, {"source": "runs"}).content.decode()
    assert page.count('data-source="run"') == 3 and page.count('data-source="both"') == 1
    assert page.count('data-source="upload"') == 12 - 4
    assert f"Arena's newest run of the method scored {run_score.value:.4f}\">both<" in page
    assert 'id="cell-sources-legend"' in page
    uploads_page = client.get(url).content.decode()
    assert "data-source=" not in uploads_page and 'id="cell-sources-legend"' not in uploads_page

    export = reverse("compare:export", args=[competition.slug, "csv"])
    frame = pd.read_csv(io.BytesIO(client.get(export, {"source": "runs"}).content))
    public = frame[(frame["split"] == "public") & (frame["metric"] == metric)]
    by_submission = public.set_index("submission_id")
    for (method, _), submission in runs.items():
        assert by_submission.loc[submission.pk, "origin"] == "run"
        expected = "both" if method == "GBDT" else "run"
        assert by_submission.loc[submission.pk, "source"] == expected
    assert by_submission.loc[uploads[("GBDT", "products")].pk, "source"] == "both"
    assert by_submission.loc[uploads[("kNN", "products")].pk, "source"] == "upload"
    assert set(frame["team_competition"]) == {competition.slug}
    uploads_only = pd.read_csv(io.BytesIO(client.get(export).content))
    assert set(uploads_only["origin"]) == {"upload"} and set(uploads_only["source"]) == {"upload"}
    assert not set(uploads_only["submission_id"]) & {run.pk for run in runs.values()}


def test_the_newest_run_counts_not_the_best(holes, tmp_path):
    competition, tasks, teams, _, _ = holes
    good = run(tasks["widgets"], teams["Charlie"], "kNN", 2, tmp_path)
    newer = run(tasks["widgets"], teams["Charlie"], "kNN", 25, tmp_path)
    assert newer.created_at >= good.created_at
    _, rows = stored(competition, COMPARISON_RUNS)
    knn = next(row for row in rows if row.method_name == "kNN")
    assert knn.cells[tasks["widgets"].pk].submission_id == newer.pk


def snapshot(competition, tasks) -> dict:
    """What the uploads' matrix and every board show, as plain values."""
    out = {}
    for private in (False, True):
        blocks, rows = stored(competition, COMPARISON, private=private)
        out[("comparison", private)] = (
            [
                (row.label, task_id, cell.value, cell.rank, cell.submission_id, cell.source)
                for row in rows
                for task_id, cell in sorted(row.cells.items())
            ],
            [
                (block.note, len(block.methods_tested), repr(float(block.friedman.statistic)))
                for block in blocks
            ],
        )
        for task in tasks.values():
            board = stored(competition, task_board_key(task), private=private)
            out[(task.slug, private)] = [
                (row.team_id, row.score, row.rank, row.submission_id, row.entries)
                for row in board.rows
            ]
        track = next(iter(tasks.values())).track
        rows = stored(competition, f"track:{track.pk}", private=private).rows
        out[("track", private)] = [(row.team_name, row.mean_score, row.rank) for row in rows]
    return out


def test_a_run_changes_neither_the_uploads_matrix_nor_any_board(holes, tmp_path):
    competition, tasks, _, _, _ = holes
    before = snapshot(competition, tasks)
    fill_holes(holes, tmp_path)
    assert StoredResult.objects.filter(competition=competition, key=COMPARISON).count() == 2
    after = snapshot(competition, tasks)
    assert after == before


@pytest.fixture
def other_cup(other_competition, make_user):
    """Competition B: its own team's uploads on one track of two tasks, and a reviewer."""
    other = other_competition
    track = track_get_or_create(competition=other, name="Classification", kind="classification")
    tasks = []
    for slug, seed in (("tools", 31), ("toys", 32)):
        data = synthetic.classification_data(rows=120, seed=seed)
        tasks.append(
            task_create(
                competition=other,
                track=track,
                slug=slug,
                title=slug.title(),
                kind="classification",
                metric="macro_f1",
                tables={"train": data.train, "test": data.test},
                answers=data.answers,
                public_fraction=0.5,
            )  # fmt: skip
        )
    dora = make_user("dora")
    team_create(competition=other, user=dora, name="Delta")
    for task in tasks:
        upload(task, dora, "Forest", 3)
    reviewer = make_user("victor")
    other.reviewers.add(reviewer)
    return other, tasks, reviewer


def test_a_run_on_another_competitions_task_shows_there_labelled_with_its_home(
    holes, other_cup, tmp_path, client, broker
):
    competition, _, teams, _, _ = holes
    other, other_tasks, other_reviewer = other_cup
    broker.delete("scoring")
    path = tmp_path / "predictions.csv"
    predictions_with_public_errors(other_tasks[0], wrong_public=1).to_csv(path, index=False)
    visiting = submission_create_for_run(
        task=other_tasks[0], team=teams["Alpha"], requested_by=None, predictions=path,
        method_name="GBDT", comment="Run of GBDT v1 by Arena",
    )  # fmt: skip
    assert submission_score(submission_id=visiting.pk) == "scored"
    # The scoring worker asks for the refresh of the task's competition, as after an upload.
    sent = [json.loads(raw)["headers"] for raw in broker.lrange("scoring", 0, -1)]
    follow_ups = [h["argsrepr"] for h in sent if h["task"] == "arena.results.tasks.refresh_results"]
    assert follow_ups == [f"[{other_tasks[0].pk}]"]
    competition_results_refresh(competition_id=other.pk)  # that job, run by a worker

    _, rows = stored(other, COMPARISON_RUNS)
    row = next(row for row in rows if row.method_name == "GBDT")
    assert row.label == "GBDT (Alpha, Test Cup)" and row.home_slug == competition.slug
    assert row.cells[other_tasks[0].pk].source == "run"
    assert not any(row.home for row in stored(other, COMPARISON)[1])  # uploads: B's own only
    # Nothing of it in A's own comparison (its tasks have no such run).
    home_rows = stored(competition, COMPARISON_RUNS)[1]
    assert all(other_tasks[0].pk not in row.cells for row in home_rows)

    client.force_login(other_reviewer)
    page = client.get(reverse("compare:comparison", args=[other.slug]), {"source": "runs"})
    text = page.content.decode()
    assert "(Alpha, Test Cup)</span>" in text
    assert f'href="/c/{competition.slug}/methods/{teams["Alpha"].pk}/?name=GBDT"' in text
    export = client.get(reverse("compare:export", args=[other.slug, "csv"]), {"source": "runs"})
    frame = pd.read_csv(io.BytesIO(export.content))
    mine = frame[frame["submission_id"] == visiting.pk]
    assert set(mine["team_competition"]) == {competition.slug} and set(mine["team"]) == {"Alpha"}

    # Alpha disqualified in its own competition: B's stored comparison is out of date, and the
    # next one leaves the row out.
    team_disqualify(team=teams["Alpha"], by=None, reason="Shared predictions.")
    assert not stored_result(competition=other, key=COMPARISON_RUNS, private=False).current
    competition_results_refresh(competition_id=other.pk)
    assert not any(row.home for row in stored(other, COMPARISON_RUNS)[1])
