"""Baselines: both methods on both kinds (fast preset, tiny data), and the platform path."""

import pandas as pd
import pytest
from django.core.management import call_command

from arena.baselines.data import read_public_data
from arena.baselines.methods.base import prepare
from arena.baselines.models import BaselineRun
from arena.baselines.runner import run_baseline
from arena.baselines.services import baseline_run_execute, baseline_runs_enqueue
from arena.competitions.synthetic import write_classification_bundle, write_matching_bundle
from arena.core.files import private_storage
from arena.results.boards import leaderboard_for_task
from arena.submissions.services import submission_score
from arena.workflows.task_data import task_import
from scoring import check_predictions
from scoring.bundle import read_public_task


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    root = tmp_path_factory.mktemp("baseline-bundles")
    return {
        "classification": write_classification_bundle(
            root=root / "cls", rows=240, seed=4, images=True
        ),
        "matching": write_matching_bundle(root=root / "match", entities=80, seed=4),
    }


@pytest.mark.parametrize("kind", ["classification", "matching"])
@pytest.mark.parametrize("method", ["autogluon", "tfidf-logreg"])
def test_each_method_writes_valid_predictions(bundles, kind, method, tmp_path):
    out = tmp_path / "predictions.csv"
    summary = run_baseline(bundle_dir=bundles[kind], out_file=out, method=method, preset="fast")
    public = read_public_task(path=bundles[kind])
    predictions = pd.read_csv(out, dtype=str)
    check_predictions(spec=public.spec, predictions=predictions, expected_ids=public.test_ids)
    assert summary.rows == len(public.test_ids)
    assert summary.model_bytes > 0


def test_pictures_become_numeric_features(bundles):
    prepared = prepare(data=read_public_data(root=bundles["classification"]))
    assert "photo" not in prepared.train.columns
    assert {"photo_r_mean", "photo_g_hist0", "photo_width"} <= set(prepared.train.columns)
    # The synthetic pictures are one colour per class: the red channel tells classes apart.
    by_class = prepared.train.groupby(prepared.labels.to_numpy())["photo_r_mean"].nunique()
    assert (by_class == 1).all()


def test_matching_features_are_similarities(bundles):
    prepared = prepare(data=read_public_data(root=bundles["matching"]))
    assert {"name_jaccard", "name_tfidf", "name_edit", "brand_exact", "price_reldiff"} <= set(
        prepared.train.columns
    )
    matches = prepared.train[prepared.labels.to_numpy() == 1]["name_edit"].mean()
    others = prepared.train[prepared.labels.to_numpy() == 0]["name_edit"].mean()
    assert matches > others


def test_unknown_method_or_preset_is_refused(bundles, tmp_path):
    with pytest.raises(ValueError, match="unknown method"):
        run_baseline(bundle_dir=bundles["matching"], out_file=tmp_path / "x", method="magic")
    with pytest.raises(ValueError, match="unknown preset"):
        run_baseline(bundle_dir=bundles["matching"], out_file=tmp_path / "x", preset="slow")


@pytest.mark.django_db
def test_a_run_submits_as_a_baseline_team_that_is_listed_but_not_ranked(
    bundles, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        task = task_import(bundle_dir=bundles["classification"], competition_slug="cup").task
    runs = list(BaselineRun.objects.filter(task=task))
    assert {run.method for run in runs} == {"autogluon", "tfidf-logreg"}  # on import
    assert len(callbacks) == 2  # one training message each, sent after commit
    for run in runs:
        assert baseline_run_execute(run_id=run.pk) == "submitted"
        run.refresh_from_db()
        assert run.status == "submitted" and run.model_bytes
        assert run.submission.team.is_baseline
        assert submission_score(submission_id=run.submission.pk) == "scored"
    rows = leaderboard_for_task(task=task)
    assert {row.team_name for row in rows} == {
        "AutoGluon (fast)",
        "TF-IDF + logistic regression (fast)",
    }
    assert all(row.rank is None and row.is_baseline for row in rows)


@pytest.mark.django_db
def test_competitions_can_turn_automatic_baselines_off(bundles):
    from arena.competitions.importing import competition_get_or_create

    competition = competition_get_or_create(slug="quiet")
    competition.run_baselines_on_import = False
    competition.save()
    task = task_import(bundle_dir=bundles["matching"], competition_slug="quiet").task
    assert not BaselineRun.objects.filter(task=task).exists()


@pytest.mark.django_db
def test_a_failing_run_keeps_the_log_tail(bundles):
    task = task_import(bundle_dir=bundles["matching"], competition_slug="cup").task
    private_storage().delete(task.public_table_path(table="left", file_format="parquet"))
    run = baseline_runs_enqueue(task=task, methods=["tfidf-logreg"])[0]
    assert baseline_run_execute(run_id=run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == "failed" and "left.parquet" in run.log_tail
    assert run.submission is None


@pytest.mark.django_db
def test_run_baselines_command_runs_now(bundles):
    task = task_import(bundle_dir=bundles["matching"], competition_slug="cup").task
    BaselineRun.objects.all().delete()
    call_command("run_baselines", "--task", task.slug, "--method", "tfidf-logreg", "--now")
    run = BaselineRun.objects.get()
    assert run.status == "submitted" and run.method == "tfidf-logreg"
