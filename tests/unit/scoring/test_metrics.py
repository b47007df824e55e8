"""Metrics against an independent computation from the confusion counts, on random inputs."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.metrics import classification_metrics, matching_metrics

labels = st.sampled_from(["a", "b", "c", "d"])
pairs = st.lists(st.tuples(labels, labels), min_size=1, max_size=60)


def f1_by_hand(truth, predicted, label):
    tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
    fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=True))
    fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=True))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_classification_metrics_match_a_hand_computation(rows):
    truth, predicted = zip(*rows, strict=True)
    present = sorted(set(truth) | set(predicted))
    per_class = {label: f1_by_hand(truth, predicted, label) for label in present}
    support = {label: truth.count(label) for label in present}
    result = classification_metrics(truth=list(truth), predicted=list(predicted))
    assert np.isclose(result["accuracy"], np.mean([t == p for t, p in rows]))
    assert np.isclose(result["macro_f1"], np.mean(list(per_class.values())))
    expected_weighted = sum(per_class[c] * support[c] for c in present) / len(truth)
    assert np.isclose(result["weighted_f1"], expected_weighted)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=60))
def test_matching_metrics_match_a_hand_computation(rows):
    tp = sum(t == 1 and p == 1 for t, p in rows)
    fp = sum(t == 0 and p == 1 for t, p in rows)
    fn = sum(t == 1 and p == 0 for t, p in rows)
    truth, predicted = zip(*rows, strict=True)
    result = matching_metrics(truth=list(truth), predicted=list(predicted))
    assert np.isclose(result["precision"], tp / (tp + fp) if tp + fp else 0.0)
    assert np.isclose(result["recall"], tp / (tp + fn) if tp + fn else 0.0)
    assert np.isclose(result["f1"], 2 * tp / (2 * tp + fp + fn) if tp else 0.0)


def test_no_predicted_matches_gives_zero_not_an_error():
    assert matching_metrics(truth=[1, 0, 1], predicted=[0, 0, 0]) == {
        "f1": 0.0,
        "precision": 0.0,
        "recall": 0.0,
    }


def test_a_single_class_that_is_always_right_scores_one():
    result = classification_metrics(truth=["a", "a"], predicted=["a", "a"])
    assert result == {"accuracy": 1.0, "macro_f1": 1.0, "weighted_f1": 1.0}
