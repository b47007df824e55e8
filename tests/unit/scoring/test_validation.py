import pandas as pd
import pytest

from scoring import InvalidPredictions, TaskSpec, validate_predictions

CLASSES = ("Car", "Truck", "Van")
SPEC = TaskSpec(kind="classification", metric="accuracy", classes=CLASSES)
MATCHING = TaskSpec(kind="matching", metric="f1")


def frame(ids, labels):
    return pd.DataFrame({"id": ids, "label": labels})


def errors_of(spec, predictions, expected):
    with pytest.raises(InvalidPredictions) as caught:
        validate_predictions(spec=spec, predictions=predictions, expected_ids=expected)
    return caught.value.errors


def test_valid_file_is_normalized():
    result = validate_predictions(
        spec=SPEC, predictions=frame([" 1", "2"], ["Car", " Van "]), expected_ids=["1", "2"]
    )
    assert result.to_dict("list") == {"id": ["1", "2"], "label": ["Car", "Van"]}


def test_extra_columns_are_ignored():
    predictions = frame(["1"], ["Car"]).assign(confidence="0.9")
    result = validate_predictions(spec=SPEC, predictions=predictions, expected_ids=["1"])
    assert list(result.columns) == ["id", "label"]


def test_missing_label_column_names_what_was_found():
    (message,) = errors_of(SPEC, pd.DataFrame({"id": ["1"], "class": ["Car"]}), ["1"])
    assert "Missing column(s) 'label'" in message
    assert "'id', 'class'" in message


def test_every_problem_is_listed_with_counts_and_examples():
    predictions = frame(["1", "1", "9", None, "4"], ["Car", "Car", "Car", "Van", ""])
    errors = errors_of(SPEC, predictions, ["1", "2", "3", "4"])
    text = "\n".join(errors)
    assert "1 row has an empty 'id'" in text
    assert "1 id(s) appear more than once (2 rows), e.g. '1'" in text
    assert "1 id(s) are not in the test set, e.g. '9'" in text
    assert "2 test id(s) are missing, e.g. '2', '3'" in text
    assert "1 row has an empty 'label', e.g. for ids '4'" in text


def test_examples_stop_at_five():
    expected = [str(i) for i in range(100)]
    (message,) = errors_of(SPEC, frame(["0"], ["Car"]), expected)
    assert "99 test id(s) are missing" in message
    assert message.count("'") == 10  # five quoted examples


def test_unknown_class_hints_at_case_and_lists_classes():
    (message,) = errors_of(SPEC, frame(["1", "2"], ["car", "Boat"]), ["1", "2"])
    assert "2 rows have a 'label' that is not a class" in message
    assert "did you mean 'car' -> 'Car'" in message
    assert "The classes are 'Car', 'Truck', 'Van'" in message


def test_ids_compare_as_text():
    validate_predictions(spec=SPEC, predictions=frame([7], ["Car"]), expected_ids=["7"])
    errors = errors_of(SPEC, frame(["7"], ["Car"]), ["007"])
    assert any("missing, e.g. '007'" in e for e in errors)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1", 1), ("0", 0), ("TRUE", 1), ("false", 0), ("Yes", 1), ("no", 0), ("1.0", 1)],
)
def test_matching_labels_accept_common_spellings(given, expected):
    result = validate_predictions(
        spec=MATCHING, predictions=frame(["a"], [given]), expected_ids=["a"]
    )
    assert result["label"].tolist() == [expected]


def test_matching_labels_other_than_zero_one_are_refused():
    (message,) = errors_of(MATCHING, frame(["a", "b"], ["2", "maybe"]), ["a", "b"])
    assert "2 rows have a 'label' that is not 0 or 1" in message
