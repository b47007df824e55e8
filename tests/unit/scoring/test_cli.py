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
    bad = tmp_path / "bad.csv"
    bad.write_text("id;label\n1;a\n")
    result = scoring_cli("score", bundles["classification"], bad)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert "separated by semicolons" in report["errors"][0]


def test_broken_bundle_is_reported(tmp_path):
    result = scoring_cli("validate", tmp_path, tmp_path / "nothing.csv")
    assert result.returncode == 2
    assert "task.yaml: is missing" in result.stderr
