"""Checking a predictions table against a task, with messages a participant can act on.

Only public facts are used here (the test ids and the class names), so participants can run the
same checks before uploading, and no message can reveal a hidden label. The checks run as
pyarrow and numpy array operations, so a million rows take a fraction of a second.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scoring.errors import InvalidPredictions, examples
from scoring.idmatch import positions_by_number
from scoring.readers import is_data_frame
from scoring.spec import TaskSpec

if TYPE_CHECKING:  # DataFrames are accepted, but the scoring path never imports pandas
    import pandas as pd

MATCH_SPELLINGS = ("0", "1", "0.0", "1.0", "false", "true", "no", "yes")
MATCH_VALUES = np.array([0, 1, 0, 1, 0, 1, 0, 1], dtype=np.int8)  # by MATCH_SPELLINGS index
PROBABILITY_SUM_TOLERANCE = 1e-3


@dataclass(frozen=True)
class CheckedPredictions:
    """A valid predictions table, aligned to the expected ids.

    ``labels[i]`` is the prediction for ``expected_ids[i]``: a class index into ``spec.classes``
    (classification) or 0/1 (matching). ``probabilities`` (log_loss tasks) has one column per
    class in ``spec.classes`` order; ``scores`` is the optional matching score column.
    """

    labels: np.ndarray
    probabilities: np.ndarray | None = None
    scores: np.ndarray | None = None


def required_columns(*, spec: TaskSpec) -> list[str]:
    """The columns a predictions file must have: id and label, or id and one per class."""
    if spec.probabilistic:
        return [spec.id_column, *spec.classes]
    return [spec.id_column, spec.label_column]


def _rows_have(count: int) -> str:
    return "1 row has" if count == 1 else f"{count} rows have"


def as_text_table(predictions: "pa.Table | pd.DataFrame") -> pa.Table:
    """The predictions as an Arrow table of strings with stripped column names.

    Values are not trimmed here: the checks trim a column only when its raw values do not fit,
    which keeps the usual, clean file on the fast path.
    """
    if is_data_frame(predictions):
        predictions = pa.Table.from_pandas(
            predictions.astype(object).where(predictions.notna(), None), preserve_index=False
        )
    columns = []
    for column in predictions.columns:
        if not pa.types.is_string(column.type):
            column = column.cast(pa.string())
        columns.append(column.combine_chunks())
    names = [str(name).strip() for name in predictions.column_names]
    return pa.table(columns, names=names)


def _trim(column: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(column)


def check_predictions(
    *,
    spec: TaskSpec,
    predictions: "pa.Table | pd.DataFrame",
    expected_ids: Sequence[str] | pa.Array,
) -> CheckedPredictions:
    """Validates predictions and aligns them to ``expected_ids``.

    Raises InvalidPredictions listing every problem: missing columns, empty ids, duplicate,
    unknown or missing ids, empty or unknown labels, probabilities that are not numbers in
    [0, 1] summing to 1, and matching labels that are not 0/1.
    """
    table = as_text_table(predictions)
    id_col, label_col = spec.id_column, spec.label_column
    needed = required_columns(spec=spec)
    missing_columns = [name for name in needed if name not in table.column_names]
    if missing_columns:
        found = examples(table.column_names, limit=10) or "none"
        shown = ", ".join(repr(name) for name in missing_columns[:10])
        more = f" and {len(missing_columns) - 10} more" if len(missing_columns) > 10 else ""
        layout = (
            f"'{id_col}' and one probability column per class"
            if spec.probabilistic
            else f"'{id_col}' and '{label_col}'"
        )
        raise InvalidPredictions(
            [
                f"Missing column(s) {shown}{more}: the file needs {layout} (found {found}; "
                "other columns are ignored). Is the first line a header row?"
            ]
        )

    if isinstance(expected_ids, pa.Array | pa.ChunkedArray):
        expected = pc.cast(expected_ids, pa.string())
        if isinstance(expected, pa.ChunkedArray):
            expected = expected.combine_chunks()
    else:
        expected = pa.array([str(item) for item in expected_ids], type=pa.string())
    errors: list[str] = []
    ids = table[id_col]
    in_order = _same_ids_in_same_order(ids=ids, expected=expected)
    positions = (
        None if in_order else _check_ids(ids=ids, expected=expected, id_col=id_col, errors=errors)
    )

    if spec.probabilistic:
        probabilities = _check_probabilities(table=table, spec=spec, ids=ids, errors=errors)
        labels, scores = None, None
    else:
        labels = _check_labels(table=table, spec=spec, ids=ids, errors=errors)
        probabilities = None
        scores = (
            _check_scores(table=table, ids=ids, errors=errors) if spec.kind == "matching" else None
        )
    if errors:
        raise InvalidPredictions(errors)

    if positions is not None:
        # Every expected id appears exactly once now, so scattering by position aligns rows.
        order = np.empty(len(expected), dtype=np.int64)
        order[positions] = np.arange(len(positions))
        labels = None if labels is None else labels[order]
        probabilities = None if probabilities is None else probabilities[order]
        scores = None if scores is None else scores[order]
    if probabilities is not None:
        return CheckedPredictions(labels=probabilities.argmax(axis=1), probabilities=probabilities)
    assert labels is not None  # _check_labels returns None only after adding errors, raised above
    return CheckedPredictions(labels=labels, scores=scores)


def _same_ids_in_same_order(*, ids: pa.Array, expected: pa.Array) -> bool:
    """The common case, checked in one pass: the file lists the test ids in the test's order."""
    if len(ids) != len(expected) or ids.null_count:
        return False
    if len(ids) and ids[0] != expected[0]:  # a shuffled file is told apart at its first row
        return False
    return bool(pc.all(pc.equal(ids, expected)).as_py())


def _positions_in(*, ids: pa.Array, expected: pa.Array) -> np.ndarray:
    """For each id, its index in ``expected`` (-1 if absent), by a multi-threaded hash join.

    Fixed-width numbered ids (the usual kind) are matched by number (scoring.idmatch); other
    ids by Arrow's join, about three times faster here than ``pc.index_in`` on a million ids.
    """
    by_number = positions_by_number(ids=ids, expected=expected)
    if by_number is not None:
        return by_number
    left = pa.table({"id": ids, "row": pa.array(np.arange(len(ids), dtype=np.int64))})
    right = pa.table({"id": expected, "pos": pa.array(np.arange(len(expected), dtype=np.int64))})
    joined = left.join(right, "id", join_type="left outer")
    positions = np.full(len(ids), -1, dtype=np.int64)
    rows = joined["row"].to_numpy()
    positions[rows] = pc.fill_null(joined["pos"], -1).to_numpy()
    return positions


def _check_ids(*, ids: pa.Array, expected: pa.Array, id_col: str, errors: list[str]) -> np.ndarray:
    positions = _positions_in(ids=ids, expected=expected)
    found = positions
    if (positions < 0).any():
        positions, known = _check_unknown_ids(
            ids=ids, expected=expected, id_col=id_col, errors=errors, positions=positions
        )
        found = positions[known]
    counts = np.bincount(found, minlength=len(expected))
    repeated = np.flatnonzero(counts > 1)
    if len(repeated):
        errors.append(
            f"{len(repeated)} id(s) appear more than once ({int(counts[repeated].sum())} rows), "
            f"e.g. {examples(expected.take(pa.array(repeated[:5])).to_pylist())}: "
            "give one row per id."
        )
    absent = np.flatnonzero(counts == 0)
    if len(absent):
        errors.append(
            f"{len(absent)} test id(s) are missing, e.g. "
            f"{examples(expected.take(pa.array(absent[:5])).to_pylist())}: predict every id "
            f"of the test table ({len(expected)} in all)."
        )
    return np.empty(0, dtype=np.int64) if errors else positions


def _check_unknown_ids(
    *, ids: pa.Array, expected: pa.Array, id_col: str, errors: list[str], positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Explains ids that are not in ``expected`` (empty, or unknown even once trimmed).

    Only reached when some id was not found: the answer key has no empty ids, so a file whose
    every id was found needs none of this.
    """
    empty = pc.fill_null(pc.equal(ids, ""), True).to_numpy(zero_copy_only=False)
    if (positions < 0).any():  # perhaps only surrounding spaces: look again, trimmed
        ids = _trim(ids)
        empty = pc.fill_null(pc.equal(ids, ""), True).to_numpy(zero_copy_only=False)
        positions = _positions_in(ids=ids, expected=expected)
    if empty.any():
        errors.append(f"{_rows_have(int(empty.sum()))} an empty '{id_col}'.")
    known = positions >= 0
    unknown = ids.filter(pa.array(~known & ~empty))
    if len(unknown):
        distinct = pc.unique(unknown)
        errors.append(
            f"{len(distinct)} id(s) are not in the test set, e.g. "
            f"{examples(distinct.to_pylist())}; predict only the ids of the test table."
        )
    return positions, known


def _ids_of(ids: pa.Array, mask) -> str:
    return examples(pc.filter(ids, mask).to_pylist())


def _check_labels(
    *, table: pa.Table, spec: TaskSpec, ids: pa.Array, errors: list[str]
) -> np.ndarray | None:
    label_col = spec.label_column
    labels = table[label_col]
    value_set = pa.array(spec.classes if spec.kind == "classification" else MATCH_SPELLINGS)
    codes = pc.index_in(labels, value_set=value_set)
    if not codes.null_count:  # the usual clean file: no trimming, no case folding needed
        values = codes.to_numpy(zero_copy_only=False).astype(np.int64)
        return values if spec.kind == "classification" else MATCH_VALUES[values]
    labels = _trim(labels)
    empty = pc.fill_null(pc.equal(labels, ""), True)
    empty_count = pc.sum(empty).as_py() or 0
    if empty_count:
        errors.append(
            f"{_rows_have(empty_count)} an empty '{label_col}', e.g. for ids {_ids_of(ids, empty)}."
        )
    if spec.kind == "classification":
        codes = pc.index_in(labels, value_set=pa.array(spec.classes, type=pa.string()))
        unknown_mask = pc.and_(pc.is_null(codes), pc.invert(empty))
        unknown = pc.filter(labels, unknown_mask)
        if len(unknown):
            errors.append(_unknown_class_message(spec=spec, unknown=unknown))
    else:
        lowered = pc.utf8_lower(labels)
        codes = pc.index_in(lowered, value_set=pa.array(MATCH_SPELLINGS))
        unknown = pc.filter(labels, pc.and_(pc.is_null(codes), pc.invert(empty)))
        if len(unknown):
            errors.append(
                f"{_rows_have(len(unknown))} a '{label_col}' that is not 0 or 1, e.g. "
                f"{examples(pc.unique(unknown).to_pylist())}; write 1 for a match and 0 "
                "otherwise (true/false and yes/no also work)."
            )
    if empty_count or len(unknown):
        return None
    values = codes.to_numpy(zero_copy_only=False).astype(np.int64)
    return values if spec.kind == "classification" else MATCH_VALUES[values]


def _unknown_class_message(*, spec: TaskSpec, unknown: pa.Array) -> str:
    counts = pc.value_counts(unknown).to_pylist()
    counts.sort(key=lambda item: -item["counts"])
    values = [item["values"] for item in counts]
    message = (
        f"{_rows_have(len(unknown))} a '{spec.label_column}' that is not a class of this task, "
        f"e.g. {examples(values)}."
    )
    by_folded = {name.casefold(): name for name in spec.classes}
    hints = [
        f"{value!r} -> {by_folded[value.casefold()]!r}"
        for value in values[:50]
        if value.casefold() in by_folded
    ]
    if hints:
        message += f" Class names are case-sensitive; did you mean {', '.join(hints[:5])}?"
    shown = ", ".join(repr(name) for name in spec.classes[:20])
    more = f" and {len(spec.classes) - 20} more" if len(spec.classes) > 20 else ""
    return message + f" The classes are {shown}{more}."


def _numbers(*, column: pa.Array, name: str, ids: pa.Array, errors: list[str]) -> np.ndarray:
    """Parses a text column as floats; reports empty and non-numeric cells."""
    try:
        try:
            values = pc.cast(column, pa.float64())
        except pa.ArrowInvalid:  # perhaps only surrounding spaces
            column = _trim(column)
            values = pc.cast(column, pa.float64())
    except pa.ArrowInvalid:
        import pandas as pd  # only to name the cells that are not numbers

        parsed = pd.to_numeric(pd.Series(column.to_pylist(), dtype=object), errors="coerce")
        bad = parsed.isna() & pd.Series(column.to_pylist(), dtype=object).notna()
        sample = pd.Series(column.to_pylist(), dtype=object)[bad].unique()
        errors.append(
            f"{_rows_have(int(bad.sum()))} a value in '{name}' that is not a number, e.g. "
            f"{examples(sample)}."
        )
        return np.empty(0)
    nulls = values.null_count
    if nulls:
        errors.append(
            f"{_rows_have(nulls)} an empty '{name}', e.g. for ids "
            f"{_ids_of(ids, pc.is_null(values))}."
        )
        return np.empty(0)
    numbers = values.to_numpy(zero_copy_only=False)
    not_finite = ~np.isfinite(numbers)
    if not_finite.any():
        errors.append(
            f"{_rows_have(int(not_finite.sum()))} a value in '{name}' that is not finite."
        )
        return np.empty(0)
    return numbers


def _check_probabilities(
    *, table: pa.Table, spec: TaskSpec, ids: pa.Array, errors: list[str]
) -> np.ndarray | None:
    columns = []
    before = len(errors)
    for name in spec.classes:
        columns.append(_numbers(column=table[name], name=name, ids=ids, errors=errors))
    if len(errors) > before:
        return None
    probabilities = np.column_stack(columns) if columns else np.empty((table.num_rows, 0))
    outside = (probabilities < 0) | (probabilities > 1)
    if outside.any():
        rows = outside.any(axis=1)
        errors.append(
            f"{_rows_have(int(rows.sum()))} probabilities outside [0, 1], e.g. for ids "
            f"{_ids_of(ids, pa.array(rows))}."
        )
        return None
    sums = probabilities.sum(axis=1)
    off = np.abs(sums - 1) > PROBABILITY_SUM_TOLERANCE
    if off.any():
        errors.append(
            f"{_rows_have(int(off.sum()))} probabilities that do not sum to 1 (within "
            f"{PROBABILITY_SUM_TOLERANCE:g}), e.g. for ids {_ids_of(ids, pa.array(off))}."
        )
        return None
    return probabilities


def _check_scores(*, table: pa.Table, ids: pa.Array, errors: list[str]) -> np.ndarray | None:
    if "score" not in table.column_names:
        return None
    numbers = _numbers(column=table["score"], name="score", ids=ids, errors=errors)
    return numbers if len(numbers) == table.num_rows else None


def validate_predictions(
    *, spec: TaskSpec, predictions: "pd.DataFrame | pa.Table", expected_ids: Sequence[str]
) -> "pd.DataFrame":
    """Checks predictions and returns them as [id, label] in the order of ``expected_ids``.

    Labels are class names (classification) or 0/1 (matching); see ``check_predictions`` for
    the checks. Raises InvalidPredictions listing every problem.
    """
    checked = check_predictions(spec=spec, predictions=predictions, expected_ids=expected_ids)
    labels = (
        np.asarray(spec.classes, dtype=object)[checked.labels]
        if spec.kind == "classification"
        else checked.labels.astype(int)
    )
    import pandas as pd  # this function's result is a DataFrame; scoring itself needs none

    return pd.DataFrame(
        {spec.id_column: [str(item) for item in expected_ids], spec.label_column: labels}
    )
