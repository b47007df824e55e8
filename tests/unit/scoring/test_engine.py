import re

import pandas as pd
import pytest

from scoring import InvalidPredictions, TaskSpec, score_predictions

SECRET_LABELS = ("SECRET-alpha", "SECRET-beta")


def answers():
    return pd.DataFrame(
        {
            "id": ["1", "2", "3", "4", "5", "6"],
            "label": [
                "SECRET-alpha",
                "SECRET-alpha",
                "SECRET-beta",
                "SECRET-beta",
                "SECRET-alpha",
                "SECRET-beta",
            ],
            "usage": ["public", "public", "public", "private", "private", "private"],
        }
    )


SPEC = TaskSpec(kind="classification", metric="accuracy", classes=SECRET_LABELS)


def test_public_and_private_rows_are_scored_apart():
    predictions = pd.DataFrame(
        {"id": ["1", "2", "3", "4", "5", "6"], "label": ["SECRET-alpha"] * 6}
    )
    report = score_predictions(spec=SPEC, predictions=predictions, answers=answers())
    # public: 1,2 right, 3 wrong -> 2/3; private: only 5 right -> 1/3
    assert report.public["accuracy"] == pytest.approx(2 / 3)
    assert report.private["accuracy"] == pytest.approx(1 / 3)
    assert (report.public_rows, report.private_rows) == (3, 3)
    assert report.primary_metric == "accuracy"
    # macro F1 on public: alpha P=2/3 R=1 F1=0.8; beta F1=0 -> 0.4
    assert report.public["macro_f1"] == pytest.approx(0.4)


def test_matching_report_with_hand_numbers():
    key = pd.DataFrame({"id": ["a", "b", "c", "d"], "label": [1, 1, 0, 0]})
    predictions = pd.DataFrame({"id": ["a", "b", "c", "d"], "label": ["1", "0", "1", "0"]})
    report = score_predictions(
        spec=TaskSpec(kind="matching", metric="f1"), predictions=predictions, answers=key
    )
    assert report.public == {"f1": 0.5, "precision": 0.5, "recall": 0.5}
    assert report.private == {}


def test_no_error_message_reveals_a_hidden_label():
    bad_files = [
        pd.DataFrame({"id": ["1", "2"], "label": ["x", "y"]}),
        pd.DataFrame({"id": ["1", "1", "9"], "label": ["a", "", None]}),
        pd.DataFrame({"wrong": ["1"]}),
    ]
    # The class names are public (they come from train); which row has which label is not.
    for predictions in bad_files:
        with pytest.raises(InvalidPredictions) as caught:
            score_predictions(spec=SPEC, predictions=predictions, answers=answers())
        without_class_list = re.sub(r"The classes are [^\n]*", "", str(caught.value))
        assert "SECRET" not in without_class_list


def test_unknown_metric_is_a_programming_error():
    with pytest.raises(ValueError, match="not a matching metric"):
        score_predictions(
            spec=TaskSpec(kind="matching", metric="accuracy"),
            predictions=pd.DataFrame(),
            answers=answers(),
        )
