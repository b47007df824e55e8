"""`python -m scoring validate|score` run as participants and organizers would, in a subprocess."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from arena.competitions.synthetic import write_classification_bundle, write_matching_bundle
from scoring import assign_usage

REPO = Path(__file__).resolve().parents[3]


def scoring_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "scoring", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    root = tmp_path_factory.mktemp("bundles")
    return {
        "classification": write_classification_bundle(root=root / "cls", rows=150, seed=2),
        "matching": write_matching_bundle(root=root / "match", entities=40, seed=2),
    }


@pytest.mark.parametrize("kind", ["classification", "matching"])
def test_validate_accepts_the_answers_layout_and_exits_zero(bundles, kind, tmp_path):
    bundle = bundles[kind]
    result = scoring_cli("validate", bundle, bundle / "answers.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid:")


def test_validate_needs_no_answers(bundles, tmp_path):
    participant = tmp_path / "downloaded"
    participant.mkdir()
    for name in ("task.yaml", "train.csv", "test.csv"):
        (participant / name).write_bytes((bundles["classification"] / name).read_bytes())
    predictions = pd.read_csv(bundles["classification"] / "answers.csv")
    predictions.iloc[2:].to_csv(tmp_path / "short.csv", index=False)
    result = scoring_cli("validate", participant, tmp_path / "short.csv")
    assert result.returncode == 2
    assert "2 test id(s) are missing" in result.stderr


def test_score_prints_public_and_private_scores(bundles, tmp_path):
    bundle = tmp_path / "match"
    shutil.copytree(bundles["matching"], bundle)
    with (bundle / "task.yaml").open("a") as manifest:
        manifest.write("split_seed: 12\n")  # the seed the platform shows its organizers
    predictions = pd.read_csv(bundle / "answers.csv")
    predictions.loc[predictions.index[:3], "label"] = 1 - predictions["label"].iloc[:3]
    predictions.to_csv(tmp_path / "p.csv", index=False)
    result = scoring_cli("score", bundle, tmp_path / "p.csv")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["primary"] == "f1"
    # The three wrong rows fall on the sides the seed decides, and only there.
    ids = predictions["id"].astype(str).tolist()
    wrong = assign_usage(ids=ids, public_fraction=0.5, seed=12)[:3]
    assert (report["public"]["f1"] < 1.0) == ("public" in wrong)
    assert (report["private"]["f1"] < 1.0) == ("private" in wrong)


def test_score_without_a_seed_or_usage_cannot_reproduce_the_split(bundles):
    bundle = bundles["matching"]
    result = scoring_cli("score", bundle, bundle / "answers.csv")
    assert result.returncode == 2
    assert "split_seed" in result.stdout + result.stderr


def test_score_reports_invalid_files_as_json_with_exit_two(bundles, tmp_path):
    bundle = tmp_path / "bundle"  # a bundle that can be scored: its answers have their usage
    shutil.copytree(bundles["classification"], bundle)
    answers = pd.read_csv(bundle / "answers.csv", dtype=str)
    answers["usage"] = "public"
    answers.to_csv(bundle / "answers.csv", index=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("id;label\n1;a\n")
    result = scoring_cli("score", bundle, bad)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert "separated by semicolons" in report["errors"][0]


def test_broken_bundle_is_reported(tmp_path):
    result = scoring_cli("validate", tmp_path, tmp_path / "nothing.csv")
    assert result.returncode == 2
    assert "task.yaml: is missing" in result.stderr


def test_score_reads_neither_the_test_table_nor_unused_answer_columns(bundles, tmp_path):
    """Scoring needs the answers' ids, labels and usage: a test table that cannot be read and
    an answers column of junk change nothing, and the process never imports pandas."""
    bundle = tmp_path / "bundle"
    shutil.copytree(bundles["classification"], bundle)
    answers = pd.read_csv(bundle / "answers.csv", dtype=str)
    answers["usage"] = assign_usage(ids=answers["id"].tolist(), public_fraction=0.5, seed=4)
    answers["note"] = "\x01 not text a scorer needs"
    answers.to_csv(bundle / "answers.csv", index=False)
    (bundle / "test.csv").write_bytes(b"\x00\x01 not a table")
    predictions = tmp_path / "predictions.csv"
    answers[["id", "label"]].to_csv(predictions, index=False)
    probe = (
        "import sys, runpy; sys.argv = ['scoring', 'score', sys.argv[1], sys.argv[2]]\n"
        "try:\n    runpy.run_module('scoring', run_name='__main__')\n"
        "except SystemExit as end:\n    print('exit', end.code, 'pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(bundle), str(predictions)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.stdout.strip().endswith("exit 0 False"), result.stdout + result.stderr
    assert json.loads(result.stdout[: result.stdout.rindex("exit")])["public"]["accuracy"] == 1.0
