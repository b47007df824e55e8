"""Every metric equals scikit-learn's on random inputs (to 1e-9), through the whole engine."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

from scoring import TaskSpec, score_predictions
from scoring.metrics import average_precision, matching_scores

CLASSES = ("ant", "bee", "cat", "dog", "eel")  # "eel" is often absent: a missing class
TOLERANCE = 1e-9

# Hypothesis's default of 100 random cases a test: every run of the suite draws new ones, so the
# cases add up over the runs (300 a test cost 25 s of the suite's CPU for little more).
EXAMPLES = 100

labels = st.sampled_from(CLASSES[:4]) | st.sampled_from(CLASSES)
rows = st.lists(st.tuples(labels, labels), min_size=1, max_size=80)


def run(spec, truth, predictions):
    ids = [f"r{i}" for i in range(len(truth))]
    answers = pd.DataFrame({"id": ids, "label": truth})
    return score_predictions(spec=spec, predictions=predictions.assign(id=ids), answers=answers)


@settings(max_examples=EXAMPLES, deadline=None)
@given(rows)
def test_classification_metrics_equal_scikit_learn(pairs):
    truth, predicted = (list(x) for x in zip(*pairs, strict=True))
    spec = TaskSpec(kind="classification", metric="macro_f1", classes=CLASSES)
    report = run(spec, truth, pd.DataFrame({"label": predicted}))
    expected = {
        "accuracy": sk.accuracy_score(truth, predicted),
        "macro_f1": sk.f1_score(truth, predicted, average="macro", zero_division=0),
        "weighted_f1": sk.f1_score(truth, predicted, average="weighted", zero_division=0),
    }
    for name, value in expected.items():
        assert report.public[name] == pytest.approx(value, abs=TOLERANCE), name


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.lists(st.integers(0, 2), min_size=1, max_size=60),
    st.lists(st.lists(st.floats(0.001, 1.0), min_size=3, max_size=3), min_size=60, max_size=60),
)
def test_log_loss_equals_scikit_learn(truth_codes, raw):
    classes = ("a", "b", "c")
    probabilities = np.array(raw[: len(truth_codes)])
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    truth = [classes[code] for code in truth_codes]
    spec = TaskSpec(kind="classification", metric="log_loss", classes=classes)
    report = run(spec, truth, pd.DataFrame(probabilities, columns=list(classes)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = sk.log_loss(truth, probabilities, labels=list(classes))
    assert report.public["log_loss"] == pytest.approx(expected, abs=TOLERANCE)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=80))
def test_matching_metrics_equal_scikit_learn(pairs):
    truth, predicted = (np.array(x) for x in zip(*pairs, strict=True))
    result = matching_scores(truth=truth, predicted=predicted)
    options = {"zero_division": 0, "pos_label": 1, "labels": [0, 1]}
    assert result["precision"] == pytest.approx(sk.precision_score(truth, predicted, **options))
    assert result["recall"] == pytest.approx(sk.recall_score(truth, predicted, **options))
    assert result["f1"] == pytest.approx(sk.f1_score(truth, predicted, **options), abs=TOLERANCE)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 1), st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0]) | st.floats(0, 1)
        ),
        min_size=1,
        max_size=80,
    )
)
def test_pr_auc_equals_average_precision_score(pairs):
    truth, score = (np.array(x) for x in zip(*pairs, strict=True))
    if truth.sum() == 0:
        assert average_precision(truth=truth, score=score) == 0.0
        return
    expected = sk.average_precision_score(truth, score)
    assert average_precision(truth=truth, score=score) == pytest.approx(expected, abs=TOLERANCE)


def test_matching_scores_through_the_engine_with_a_score_column():
    answers = pd.DataFrame({"id": ["a", "b", "c", "d"], "label": [1, 0, 1, 0]})
    predictions = pd.DataFrame(
        {"id": ["a", "b", "c", "d"], "label": ["1", "1", "0", "0"], "score": [0.9, 0.8, 0.3, 0.1]}
    )
    report = score_predictions(
        spec=TaskSpec(kind="matching", metric="f1"), predictions=predictions, answers=answers
    )
    assert report.public["f1"] == 0.5
    assert report.public["pr_auc"] == pytest.approx(
        sk.average_precision_score([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1])
    )


def test_single_class_everywhere_scores_one():
    spec = TaskSpec(kind="classification", metric="accuracy", classes=CLASSES)
    report = run(spec, ["ant", "ant"], pd.DataFrame({"label": ["ant", "ant"]}))
    assert report.public == {"accuracy": 1.0, "macro_f1": 1.0, "weighted_f1": 1.0}


def test_no_predicted_match_gives_zero_not_an_error():
    assert matching_scores(truth=np.array([1, 0, 1]), predicted=np.array([0, 0, 0])) == {
        "f1": 0.0,
        "precision": 0.0,
        "recall": 0.0,
    }


def test_per_class_report_and_confusion_are_for_public_rows_only():
    spec = TaskSpec(kind="classification", metric="accuracy", classes=("x", "y"))
    answers = pd.DataFrame(
        {"id": ["1", "2", "3"], "label": ["x", "y", "y"], "usage": ["public", "public", "private"]}
    )
    predictions = pd.DataFrame({"id": ["1", "2", "3"], "label": ["x", "x", "x"]})
    report = score_predictions(spec=spec, predictions=predictions, answers=answers)
    assert report.public_details["confusion"] == [[1, 0], [1, 0]]
    per_class = {row["label"]: row for row in report.public_details["per_class"]}
    assert per_class["x"]["precision"] == 0.5 and per_class["y"]["support"] == 1
