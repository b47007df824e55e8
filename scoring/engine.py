"""Scoring a predictions table against the answer key, on the public and private rows apart."""

from dataclasses import dataclass, field

import pandas as pd

from scoring.metrics import METRICS, classification_metrics, matching_metrics
from scoring.spec import TaskSpec
from scoring.validation import validate_predictions


@dataclass(frozen=True)
class ScoreReport:
    """Metric values per split; a split without rows has an empty dict."""

    primary_metric: str
    public: dict[str, float] = field(default_factory=dict)
    private: dict[str, float] = field(default_factory=dict)
    public_rows: int = 0
    private_rows: int = 0


def score_predictions(
    *, spec: TaskSpec, predictions: pd.DataFrame, answers: pd.DataFrame
) -> ScoreReport:
    """Validates ``predictions`` against the answer key's ids, then scores each split.

    ``answers`` has the id and label columns and optionally ``usage`` ("public"/"private"; all
    rows are public without it). Raises InvalidPredictions when the file does not fit the task.
    """
    if spec.metric not in METRICS[spec.kind]:
        raise ValueError(f"{spec.metric!r} is not a {spec.kind} metric")
    id_col, label_col = spec.id_column, spec.label_column
    key = pd.DataFrame(
        {
            id_col: answers[id_col].astype(str).str.strip(),
            "truth": answers[label_col],
            "usage": answers["usage"] if "usage" in answers.columns else "public",
        }
    )
    checked = validate_predictions(spec=spec, predictions=predictions, expected_ids=key[id_col])
    joined = key.merge(checked, on=id_col, how="left", validate="one_to_one")
    compute = classification_metrics if spec.kind == "classification" else matching_metrics
    cast = str if spec.kind == "classification" else int

    results: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    for split in ("public", "private"):
        rows = joined[joined["usage"] == split]
        counts[split] = len(rows)
        results[split] = (
            compute(truth=rows["truth"].map(cast).tolist(), predicted=rows[label_col].tolist())
            if len(rows)
            else {}
        )
    return ScoreReport(
        primary_metric=spec.metric,
        public=results["public"],
        private=results["private"],
        public_rows=counts["public"],
        private_rows=counts["private"],
    )
