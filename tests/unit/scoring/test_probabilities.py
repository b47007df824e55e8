"""Probability submissions (log_loss tasks) and matching score columns: every refusal."""

import math

import pandas as pd
import pytest

from scoring import InvalidPredictions, TaskSpec, check_predictions, score_predictions

SPEC = TaskSpec(kind="classification", metric="log_loss", classes=("cat", "dog"))
IDS = ["1", "2", "3"]


def errors_for(frame, spec=SPEC):
    with pytest.raises(InvalidPredictions) as caught:
        check_predictions(spec=spec, predictions=frame, expected_ids=IDS)
    return "\n".join(caught.value.errors)


def test_valid_probabilities_are_aligned_and_scored():
    frame = pd.DataFrame(
        {"id": ["3", "1", "2"], "cat": ["0.1", "0.8", " 0.5 "], "dog": [0.9, 0.2, 0.5]}
    )
    checked = check_predictions(spec=SPEC, predictions=frame, expected_ids=IDS)
    assert checked.probabilities.tolist() == [[0.8, 0.2], [0.5, 0.5], [0.1, 0.9]]
    answers = pd.DataFrame({"id": IDS, "label": ["cat", "dog", "dog"]})
    report = score_predictions(spec=SPEC, predictions=frame, answers=answers)
    assert report.public["log_loss"] == pytest.approx(
        -(math.log(0.8) + math.log(0.5) + math.log(0.9)) / 3
    )
    assert report.public["accuracy"] == pytest.approx(2 / 3)  # argmax: cat, (tie -> cat), dog


def test_missing_probability_column_is_named():
    message = errors_for(pd.DataFrame({"id": IDS, "cat": [1, 1, 1]}))
    assert "Missing column(s) 'dog'" in message
    assert "one probability column per class" in message


def test_values_outside_zero_one_are_refused():
    message = errors_for(pd.DataFrame({"id": IDS, "cat": [1.5, 0.5, 0.5], "dog": [-0.5, 0.5, 0.5]}))
    assert "1 row has probabilities outside [0, 1], e.g. for ids '1'" in message


def test_rows_must_sum_to_one():
    message = errors_for(pd.DataFrame({"id": IDS, "cat": [0.5, 0.5, 0.6], "dog": [0.5, 0.5, 0.6]}))
    assert (
        "1 row has probabilities that do not sum to 1 (within 0.001), e.g. for ids '3'" in message
    )


def test_non_numbers_are_refused():
    message = errors_for(pd.DataFrame({"id": IDS, "cat": ["high", "0.5", "0.5"], "dog": [0.5] * 3}))
    assert "1 row has a value in 'cat' that is not a number, e.g. 'high'" in message


def test_empty_probability_is_refused():
    message = errors_for(pd.DataFrame({"id": IDS, "cat": [None, "0.5", "0.5"], "dog": [0.5] * 3}))
    assert "1 row has an empty 'cat', e.g. for ids '1'" in message


def test_matching_score_column_must_be_numeric():
    spec = TaskSpec(kind="matching", metric="f1")
    frame = pd.DataFrame({"id": IDS, "label": ["1", "0", "1"], "score": ["0.9", "n/a", "0.2"]})
    message = errors_for(frame, spec)
    assert "1 row has a value in 'score' that is not a number, e.g. 'n/a'" in message
