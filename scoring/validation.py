"""Checking a predictions file against a task, with messages a participant can act on.

Only public facts are used here (the test ids and the class names), so participants can run the
same checks before uploading, and no message can reveal a hidden label.
"""

from collections.abc import Sequence

import pandas as pd

from scoring.errors import InvalidPredictions, examples
from scoring.spec import TaskSpec

MATCH_VALUES = {
    "1": 1, "0": 0, "1.0": 1, "0.0": 0,
    "true": 1, "false": 0, "yes": 1, "no": 0,
}  # fmt: skip


def _rows_have(count: int) -> str:
    return "1 row has" if count == 1 else f"{count} rows have"


def validate_predictions(
    *, spec: TaskSpec, predictions: pd.DataFrame, expected_ids: Sequence[str]
) -> pd.DataFrame:
    """Returns the predictions as [id, label] with ids as text and labels normalized.

    Classification labels must be one of ``spec.classes``; matching labels become 0/1 (from 0/1,
    true/false or yes/no in any case). Raises InvalidPredictions listing every problem: missing
    columns, empty ids, duplicate, unknown or missing ids, empty or unknown labels.
    """
    id_col, label_col = spec.id_column, spec.label_column
    missing_columns = [name for name in (id_col, label_col) if name not in predictions.columns]
    if missing_columns:
        found = examples(predictions.columns, limit=10) or "none"
        raise InvalidPredictions(
            [
                f"Missing column(s) {', '.join(repr(n) for n in missing_columns)}: the file needs "
                f"'{id_col}' and '{label_col}' (found {found}; other columns are ignored). "
                "Is the first line a header row?"
            ]
        )

    errors: list[str] = []
    ids = predictions[id_col].map(lambda value: None if value is None else str(value).strip())
    labels = predictions[label_col].map(lambda value: None if value is None else str(value).strip())

    empty_ids = ids.isna() | (ids == "")
    if empty_ids.any():
        errors.append(f"{_rows_have(int(empty_ids.sum()))} an empty '{id_col}'.")
    present = ids[~empty_ids]
    duplicated = present[present.duplicated(keep=False)]
    if len(duplicated):
        counts = duplicated.value_counts()
        errors.append(
            f"{len(counts)} id(s) appear more than once ({len(duplicated)} rows), e.g. "
            f"{examples(counts.index)}: give one row per id."
        )
    expected = pd.Index([str(item) for item in expected_ids])
    unknown = present[~present.isin(expected)].unique()
    if len(unknown):
        errors.append(
            f"{len(unknown)} id(s) are not in the test set, e.g. {examples(unknown)}; "
            "predict only the ids of the test table."
        )
    missing = expected[~expected.isin(present)]
    if len(missing):
        errors.append(
            f"{len(missing)} test id(s) are missing, e.g. {examples(missing)}: predict every "
            f"id of the test table ({len(expected)} in all)."
        )

    empty_labels = labels.isna() | (labels == "")
    if empty_labels.any():
        errors.append(
            f"{_rows_have(int(empty_labels.sum()))} an empty '{label_col}', e.g. for ids "
            f"{examples(ids[empty_labels])}."
        )
    given = labels[~empty_labels]
    if spec.kind == "classification":
        normalized, label_errors = _classification_labels(spec=spec, labels=given)
    else:
        normalized, label_errors = _matching_labels(spec=spec, labels=given)
    errors.extend(label_errors)
    if errors:
        raise InvalidPredictions(errors)
    return pd.DataFrame({id_col: ids.to_numpy(), label_col: normalized.to_numpy()})


def _classification_labels(*, spec: TaskSpec, labels: pd.Series) -> tuple[pd.Series, list[str]]:
    classes = set(spec.classes)
    unknown = labels[~labels.isin(classes)]
    if not len(unknown):
        return labels, []
    by_folded = {name.casefold(): name for name in spec.classes}
    values = unknown.value_counts().index
    message = (
        f"{_rows_have(len(unknown))} a '{spec.label_column}' that is not a class of this task, "
        f"e.g. {examples(values)}."
    )
    hints = [
        f"{value!r} -> {by_folded[value.casefold()]!r}"
        for value in values
        if value.casefold() in by_folded
    ]
    if hints:
        message += f" Class names are case-sensitive; did you mean {', '.join(hints[:5])}?"
    shown = ", ".join(repr(name) for name in spec.classes[:20])
    more = f" and {len(spec.classes) - 20} more" if len(spec.classes) > 20 else ""
    message += f" The classes are {shown}{more}."
    return labels, [message]


def _matching_labels(*, spec: TaskSpec, labels: pd.Series) -> tuple[pd.Series, list[str]]:
    normalized = labels.str.lower().map(MATCH_VALUES)
    bad = labels[normalized.isna()]
    if len(bad):
        return normalized, [
            f"{_rows_have(len(bad))} a '{spec.label_column}' that is not 0 or 1, e.g. "
            f"{examples(bad.unique())}; write 1 for a match and 0 otherwise (true/false and "
            "yes/no also work)."
        ]
    return normalized.astype(int), []
