"""Baselines: both methods on both kinds (fast preset, tiny data), and the platform path: a
baseline is a built-in method whose package is the runner's own modules, run in the sandbox by
methods.runs like any team's method, standing on the boards as its baseline team, never ranked."""

import ast
import io
import shutil
import zipfile

import pandas as pd
import pytest
from django.core.management import call_command

from arena.baselines.data import read_public_data
from arena.baselines.methods.base import prepare
from arena.baselines.packaging import (
    BASELINES_DIR,
    RUNNER_MODULES,
    SCORING_DIR,
    baseline_package_write,
)
from arena.baselines.runner import run_baseline
from arena.baselines.services import baseline_runs_enqueue, baseline_team_for, baseline_version_for
from arena.competitions.synthetic import write_classification_bundle, write_matching_bundle
from arena.core.files import private_storage, save_bytes
from arena.methods.models import MethodRun
from arena.methods.runs import run_execute
from arena.methods.services import method_push_folder
from arena.results.boards import leaderboard_for_task
from arena.submissions.models import SubmissionOrigin
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


@pytest.mark.parametrize(
    ("method", "kind"),
    [
        # AutoGluon on classification runs in the sandbox below, its predictions scored.
        ("autogluon", "matching"),
        ("tfidf-logreg", "classification"),
        ("tfidf-logreg", "matching"),
        ("embedding-logreg", "classification"),
        ("embedding-logreg", "matching"),
    ],
)
def test_each_method_writes_valid_predictions(bundles, kind, method, tmp_path_factory, tmp_path):
    out = tmp_path / "predictions.csv"
    # One embeddings cache for the module, as the platform keeps one per task version.
    cache = tmp_path_factory.getbasetemp() / "embeddings-cache"
    summary = run_baseline(
        bundle_dir=bundles[kind], out_file=out, method=method, preset="fast", cache_dir=cache
    )
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
def test_a_baseline_runs_in_the_sandbox_and_stands_on_the_board_unranked(
    bundles, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        task = task_import(bundle_dir=bundles["classification"], competition_slug="cup").task
    runs = list(MethodRun.objects.filter(task=task).select_related("version__method__team"))
    assert {run.version.method.name for run in runs} == {
        "AutoGluon",
        "TF-IDF + logistic regression",
        "Embeddings + logistic regression",
    }  # on import, one per built-in method
    assert len(callbacks) == 3  # one message each on the methods queue, sent after commit
    for run in runs:
        assert run.version.method.team.is_baseline
        assert run.requested_by is None  # Arena asked, on the import
        assert run_execute(run_id=run.pk) == "submitted"
        run.refresh_from_db()
        assert run.environment["sandbox"].startswith("bubblewrap")
        recorded = (run.wall_seconds, run.peak_memory_bytes)  # what the sandbox measured
        assert all(figure > 0 for figure in recorded)
        assert '"rows": 72' in run.stdout_tail  # the runner's summary, printed in the sandbox
        assert run.submission.origin == SubmissionOrigin.BASELINE
        assert run.submission.team == run.version.method.team
        assert submission_score(submission_id=run.submission.pk) == "scored"
    # The text's embeddings are computed by the first run and kept for the others (run_cache).
    first, *others = runs
    assert "[embeddings] embeddings of the text (all-MiniLM-L6-v2" in first.stdout_tail
    assert "computed in" in first.stdout_tail
    assert all("read from the cache /task/cache/" in run.stdout_tail for run in others)
    rows = leaderboard_for_task(task=task)
    assert {row.team_name for row in rows} == {
        "AutoGluon (fast)",
        "TF-IDF + logistic regression (fast)",
        "Embeddings + logistic regression (fast)",
    }
    assert all(row.rank is None and row.is_baseline for row in rows)


@pytest.mark.django_db
def test_baselines_count_against_no_allowance(bundles):
    task = task_import(bundle_dir=bundles["matching"], competition_slug="cup").task
    runs = [
        run
        for _ in range(7)  # 21 runs of the three methods: more than a team's 20 a day
        for run in baseline_runs_enqueue(task=task, preset="fast")
    ]
    assert len(runs) == 21 and len({run.version_id for run in runs}) == 3


@pytest.mark.django_db
def test_the_package_is_the_runners_own_modules_and_a_changed_one_is_a_new_version(
    bundles, tmp_path
):
    task = task_import(bundle_dir=bundles["matching"], competition_slug="cup").task
    options = {"method": "tfidf-logreg", "preset": "fast", "time_limit": 60}
    first = baseline_version_for(competition=task.competition, **options)
    assert baseline_version_for(competition=task.competition, **options) == first  # by content
    stored = private_storage().open(first.archive_key, "rb")
    with stored, zipfile.ZipFile(stored) as archive:
        for module in RUNNER_MODULES:
            packaged = archive.read(f"arena/baselines/{module}")
            assert packaged == (BASELINES_DIR / module).read_bytes()
        assert archive.read("main.py") == (BASELINES_DIR / "method_main.py").read_bytes()
        assert archive.read("scoring/readers.py") == (SCORING_DIR / "readers.py").read_bytes()
        packaged = set(archive.namelist())
        for name in packaged:
            if name.endswith(".py"):
                tree = ast.parse(archive.read(name))
                imported = {
                    alias.name.split(".")[0]
                    for node in ast.walk(tree)
                    if isinstance(node, ast.Import)
                    for alias in node.names
                } | {
                    node.module.split(".")[0]
                    for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module
                }
                assert not imported & {"django", "celery", "rest_framework"}, name
                ours = {
                    node.module
                    for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module
                    if node.module.split(".")[0] in {"arena", "scoring"}
                }
                for module in ours:  # every module of ours it imports was packaged with it
                    path = module.replace(".", "/")
                    assert {f"{path}.py", f"{path}/__init__.py"} & packaged, (name, module)
    assert " ".join(first.manifest["command"]) == (
        "python main.py --method tfidf-logreg --preset fast --time-limit 60"
    )

    changed = tmp_path / "baselines"
    shutil.copytree(BASELINES_DIR, changed, ignore=shutil.ignore_patterns("__pycache__"))
    runner = changed / "runner.py"
    runner.write_text(runner.read_text() + "\n# a change to the runner\n")
    team, user = baseline_team_for(
        competition=task.competition, method="tfidf-logreg", preset="fast"
    )
    package = baseline_package_write(folder=tmp_path / "package", baselines_dir=changed, **options)
    pushed = method_push_folder(team=team, user=user, root=package)
    assert pushed.created and pushed.version.number == first.number + 1
    assert pushed.version.method_id == first.method_id
    assert pushed.version.content_hash != first.content_hash
    longer = baseline_version_for(competition=task.competition, **{**options, "time_limit": 90})
    assert longer.number == first.number + 2  # the time limit is in the command


@pytest.mark.django_db
def test_competitions_can_turn_automatic_baselines_off(bundles):
    from arena.competitions.importing import competition_get_or_create

    competition = competition_get_or_create(slug="quiet")
    competition.run_baselines_on_import = False
    competition.save()
    task = task_import(bundle_dir=bundles["matching"], competition_slug="quiet").task
    assert not MethodRun.objects.filter(task=task).exists()


@pytest.mark.django_db
def test_a_failing_run_keeps_the_log_tail(bundles):
    task = task_import(bundle_dir=bundles["matching"], competition_slug="cup").task
    key = task.public_table_path(table="left", file_format="parquet")
    private_storage().delete(key)
    save_bytes(key=key, data=b"not a parquet file")
    run = baseline_runs_enqueue(task=task, methods=["tfidf-logreg"])[0]
    assert run_execute(run_id=run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == "failed" and run.message.startswith("The method exited with code 1")
    assert "read_public_data" in run.stderr_tail and "TableReadError" in run.stderr_tail
    assert run.submission is None


@pytest.mark.django_db
def test_run_baselines_command_runs_now(bundles):
    task = task_import(bundle_dir=bundles["matching"], competition_slug="cup").task
    MethodRun.objects.all().delete()
    out = io.StringIO()
    call_command(
        "run_baselines", "--task", task.slug, "--method", "tfidf-logreg", "--now", stdout=out
    )
    run = MethodRun.objects.select_related("version__method").get()
    assert run.status == "submitted" and run.version.method.name == "TF-IDF + logistic regression"
    assert "submitted" in out.getvalue()
