"""A task's datasheet: figures about its public data, computed once at import (no Django here).

The result is plain JSON, stored on the Task and rendered by the task page without recomputing.
"""

import math

import pandas as pd

SAMPLE_ROWS = 5
SAMPLE_PAIRS = 4
TOP_VALUES = 3
MAX_CLASSES_SHOWN = 60
TEXT_PREVIEW = 80


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _clip(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 2014, not 2014.0
    text = str(value)
    return text if len(text) <= TEXT_PREVIEW else text[: TEXT_PREVIEW - 1] + "…"


def column_summary(*, values: pd.Series, column_type: str) -> str:
    """One line that tells a participant what a column holds."""
    present = values.dropna()
    if column_type == "numeric":
        numbers = pd.to_numeric(present, errors="coerce").dropna()
        if numbers.empty:
            return "no values"
        return f"min {numbers.min():.4g} · median {numbers.median():.4g} · max {numbers.max():.4g}"
    if column_type == "categorical":
        counts = present.astype(str).value_counts()
        top = ", ".join(
            f"{_clip(name)} ({count})" for name, count in counts.head(TOP_VALUES).items()
        )
        return f"{len(counts)} distinct · top: {top}" if len(counts) else "no values"
    if column_type == "image":
        return f"{present.nunique()} images"
    lengths = present.astype(str).str.len()
    if lengths.empty:
        return "no values"
    return f"{present.nunique()} distinct · mean length {lengths.mean():.0f} characters"


def build_datasheet(
    *,
    kind: str,
    columns: dict[str, str],
    tables: dict[str, pd.DataFrame],
    id_column: str,
    label_column: str,
) -> dict:
    """Row counts, column profiles, class balance or match share, and sample rows."""
    sheet: dict = {
        "tables": [
            {"name": name, "rows": int(len(frame)), "columns": int(len(frame.columns))}
            for name, frame in tables.items()
        ]
    }
    records = (
        tables["train"]
        if kind == "classification"
        else pd.concat([tables["left"], tables["right"]], ignore_index=True)
    )
    sheet["profiled_rows"] = int(len(records))
    sheet["columns"] = [
        {
            "name": name,
            "type": column_type,
            "missing": _share(int(records[name].isna().sum()), len(records)),
            "summary": column_summary(values=records[name], column_type=column_type),
        }
        for name, column_type in columns.items()
    ]
    if kind == "classification":
        counts = tables["train"][label_column].astype(str).value_counts()
        total = int(counts.sum())
        sheet["classes"] = [
            {"label": name, "count": int(count), "share": _share(int(count), total)}
            for name, count in counts.head(MAX_CLASSES_SHOWN).items()
        ]
        sheet["class_count"] = int(len(counts))
        sample = tables["train"]
    else:
        labels = tables["train_pairs"][label_column].astype(int)
        sheet["match_share"] = _share(int(labels.sum()), len(labels))
        sheet["pairs"] = sample_pairs(tables=tables, id_column=id_column, label_column=label_column)
        sample = tables["left"]
    head = sample.head(SAMPLE_ROWS)
    sheet["sample"] = {
        "table": "train" if kind == "classification" else "left",
        "columns": [str(name) for name in head.columns],
        "rows": [[_clip(value) for value in row] for row in head.itertuples(index=False)],
    }
    return sheet


def sample_pairs(*, tables: dict[str, pd.DataFrame], id_column: str, label_column: str) -> dict:
    """A few labelled pairs of train_pairs, matches and non-matches alternating, with their left
    and right records side by side: {"columns", "pairs": [{"label", "left", "right"}]}."""
    left = tables["left"].drop_duplicates(id_column).set_index(id_column)
    right = tables["right"].drop_duplicates(id_column).set_index(id_column)
    columns = [str(name) for name in left.columns if name in right.columns]
    pairs = tables["train_pairs"]
    pairs = pairs[pairs["left_id"].isin(left.index) & pairs["right_id"].isin(right.index)]
    labels = pairs[label_column].astype(int)
    matches = pairs[labels == 1].head(SAMPLE_PAIRS // 2)
    others = pairs[labels == 0].head(SAMPLE_PAIRS - len(matches))
    chosen = []
    for index in range(max(len(matches), len(others))):
        for group in (matches, others):
            if index < len(group):
                chosen.append(group.iloc[index])
    return {
        "columns": columns,
        "pairs": [
            {
                "label": int(pair[label_column]),
                "left_id": _clip(pair["left_id"]),
                "right_id": _clip(pair["right_id"]),
                "left": [_clip(left.at[pair["left_id"], name]) for name in columns],
                "right": [_clip(right.at[pair["right_id"], name]) for name in columns],
            }
            for pair in chosen
        ],
    }
