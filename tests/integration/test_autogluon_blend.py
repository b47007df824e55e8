"""AutoGluon's baseline against the reference it stacks (issue 17): every class is learnt, and
its probabilities are blended with the reference's at the weight that scores best on rows
neither model was fitted on."""

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from arena.baselines.data import read_public_data
from arena.baselines.methods import METHODS
from arena.baselines.methods.autogluon import BLEND_BAGGED_BELOW_ROWS
from arena.baselines.methods.blend import best_weight, held_out_rows

FREQUENT = {"kettle": "kitchen", "hammer": "tools", "sofa": "furniture"}
RARE_WORD, RARE_CLASS = "zebra", "wildlife"


def one_hot(classes: list[int], width: int) -> np.ndarray:
    return np.eye(width)[classes]


def test_the_weight_goes_to_the_model_that_is_right_on_the_unseen_rows():
    truth = np.array([0, 1, 2, 0, 1, 2])
    right, wrong = one_hot([0, 1, 2, 0, 1, 2], 3), one_hot([1, 2, 0, 1, 2, 0], 3)
    assert best_weight(first=right, second=wrong, truth=truth, metric="macro_f1") == 1.0
    # Every weight under a half follows the right one; of those tied, the largest is taken.
    assert best_weight(first=wrong, second=right, truth=truth, metric="accuracy") == 0.4
    # Each is right on half the rows and unsure elsewhere: only a mix gets every row.
    first = np.array([[0.9, 0.1, 0], [0.9, 0.1, 0], [0.4, 0.3, 0.3], [0.4, 0.3, 0.3]])
    second = np.array([[0.2, 0.8, 0], [0.2, 0.8, 0], [0, 0.2, 0.8], [0, 0.2, 0.8]])
    mixed_truth = np.array([0, 0, 2, 2])
    weight = best_weight(first=first, second=second, truth=mixed_truth, metric="accuracy")
    assert 0.0 < weight < 1.0
    blended = weight * first + (1 - weight) * second
    assert list(blended.argmax(axis=1)) == [0, 0, 2, 2]


def test_under_log_loss_the_weight_minimizes_the_loss_and_ties_go_to_the_first():
    truth = np.array([0, 1])
    sure = np.array([[0.95, 0.05], [0.05, 0.95]])
    unsure = np.array([[0.6, 0.4], [0.4, 0.6]])
    assert best_weight(first=unsure, second=sure, truth=truth, metric="log_loss") == 0.0
    assert best_weight(first=sure, second=sure.copy(), truth=truth, metric="macro_f1") == 1.0


def test_held_out_rows_are_stratified_and_keep_a_single_rows_class_for_fitting():
    labels = pd.Series(["a"] * 60 + ["b"] * 30 + ["c"] * 9 + ["once"], index=range(100, 200))
    held = held_out_rows(labels=labels, fraction=0.2, seed=1)
    assert len(held) == 20 and set(held) <= set(labels.index)
    counts = labels.loc[held].value_counts()
    assert counts["a"] == 12 and counts["b"] == 6  # each class in its share
    assert "once" not in counts  # its one row is needed for fitting
    assert list(held_out_rows(labels=labels, fraction=0.2, seed=1)) == list(held)  # seeded
    # Nothing to spare: no class seen twice, or a fraction that would take every such row.
    assert held_out_rows(labels=pd.Series(["a", "b", "c"]), fraction=0.2, seed=1).empty
    pair = held_out_rows(labels=pd.Series(["a", "a", "b"]), fraction=0.9, seed=1)
    assert len(pair) == 1 and set(pair) <= {0, 1}


def write_bundle_with_a_rare_class(*, root, seed: int = 0, rare: int = 4):
    """200 training rows of three frequent classes and ``rare`` of a rare one (2%, under
    AutoGluon's default cut-off of 10 rows), each class named by a word in the title."""
    rng = np.random.default_rng(seed)

    def rows(count: int, prefix: str, rare: int) -> pd.DataFrame:
        words = [*rng.choice(list(FREQUENT), size=count - rare), *[RARE_WORD] * rare]
        rng.shuffle(words)
        return pd.DataFrame(
            {
                "id": [f"{prefix}{index}" for index in range(count)],
                "title": [f"{word} model {rng.integers(1, 99)}" for word in words],
                "weight_kg": rng.normal(5, 2, size=count).round(2),
                "label": [FREQUENT.get(word, RARE_CLASS) for word in words],
            }
        )

    train, test = rows(200, "r", rare=rare), rows(60, "t", rare=6)
    root.mkdir(parents=True)
    manifest = {
        "slug": "rare-class",
        "title": "A rare class",
        "kind": "classification",
        "metric": "macro_f1",
        "columns": {"title": "text", "weight_kg": "numeric"},
        "public_fraction": 0.5,
        "description": "The class is in the title's first word.",
        "source": "test",
        "licence": "CC0",
    }
    (root / "task.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    train.to_csv(root / "train.csv", index=False)
    test.drop(columns=["label"]).to_csv(root / "test.csv", index=False)
    test[["id", "label"]].to_csv(root / "answers.csv", index=False)
    return root, test


@pytest.mark.parametrize(
    ("metric", "rare", "bagged_below_rows", "weighed_on"),
    [("macro_f1", 4, 0, "40 rows it was not fitted on, held out"),
     ("log_loss", 1, 5000, "200 rows it was not fitted on, out of fold")],
)  # fmt: skip
def test_autogluon_learns_a_rare_class_and_blends_with_the_reference(
    tmp_path, capsys, monkeypatch, metric, rare, bagged_below_rows, weighed_on
):
    """The fast preset weighs the blend on a fifth of the 200 rows held out; below the
    threshold (the medium preset's, here the fast one's so the fit stays cheap) on all of them,
    out of fold, also where AutoGluon copies the one row of a class (under log loss)."""
    monkeypatch.setitem(BLEND_BAGGED_BELOW_ROWS, "fast", bagged_below_rows)
    root, test = write_bundle_with_a_rare_class(root=tmp_path / "bundle", rare=rare)
    if metric == "log_loss":
        manifest = yaml.safe_load((root / "task.yaml").read_text())
        (root / "task.yaml").write_text(yaml.safe_dump({**manifest, "metric": metric}))
    result = METHODS["autogluon"].fit_predict(
        data=read_public_data(root=root), preset="fast", time_limit=60, workdir=tmp_path / "w"
    )
    said = capsys.readouterr().out
    # The reference's fits count against the run's time limit; AutoGluon gets the rest.
    spent, left = re.search(
        r"reference took ([\d.]+) s; AutoGluon gets (\d+) s of the 60 s", said
    ).groups()
    assert int(left) == max(round(60 - float(spent)), 15)
    assert "blended with the reference, AutoGluon's weight" in said
    assert f"(chosen on {weighed_on})" in said
    predictions = result.predictions.set_index("id")
    if metric == "log_loss":
        assert sorted(predictions.columns) == sorted([*FREQUENT.values(), RARE_CLASS])
        assert np.allclose(predictions.sum(axis=1), 1.0)
        predicted = predictions.idxmax(axis=1)
    else:
        predicted = predictions["label"]
    truth = test.set_index("id")["label"]
    rare_rows = truth.index[truth == RARE_CLASS]
    if rare > 1:  # AutoGluon on its own would drop the class (4 rows) and never predict it
        assert (predicted.loc[rare_rows] == RARE_CLASS).mean() >= 5 / 6
    assert (predicted.loc[truth.index] == truth).mean() >= 0.9
