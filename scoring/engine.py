"""Scoring predictions against the answer key, on the public and private rows apart."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scoring import metrics
from scoring.readers import is_data_frame
from scoring.spec import TaskSpec
from scoring.validation import check_predictions

if TYPE_CHECKING:  # DataFrames are accepted, but the scoring path never imports pandas
    import pandas as pd

SPLITS = ("public", "private")


@dataclass(frozen=True)
class ScoreReport:
    """Metric values per split (a split without rows has an empty dict).

    ``public_details`` explains the public score: for classification the per-class precision,
    recall, F1 and support and the confusion matrix; for matching the 2x2 confusion counts. It
    is computed on public rows only, so the platform may show it during the challenge.
    """

    primary_metric: str
    public: dict[str, float] = field(default_factory=dict)
    private: dict[str, float] = field(default_factory=dict)
    public_rows: int = 0
    private_rows: int = 0
    public_details: dict = field(default_factory=dict)
    # What the confidence intervals are computed from, per split (see scoring.confidence):
    # the confusion matrix, and for log loss each row's loss.
    confusions: dict = field(default_factory=dict, repr=False)
    row_losses: dict = field(default_factory=dict, repr=False)
    # Predicted class codes (0/1 for matching) in the answer key's row order, for paired tests.
    aligned_labels: np.ndarray | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AnswerKey:
    """The hidden labels as arrays: ids as text, truth as codes, and the public mask."""

    ids: pa.Array
    truth: np.ndarray
    public: np.ndarray


def answer_key(*, spec: TaskSpec, answers: "pa.Table | pd.DataFrame") -> AnswerKey:
    """Codes the answer key once: class indices (classification) or 0/1 (matching)."""
    if is_data_frame(answers):
        answers = pa.Table.from_pandas(answers, preserve_index=False)
    ids = answers[spec.id_column].combine_chunks()
    if not pa.types.is_string(ids.type):
        ids = ids.cast(pa.string())
    labels = answers[spec.label_column].combine_chunks()
    if spec.kind == "classification":
        truth = _class_codes(labels=labels, classes=spec.classes)
    elif pa.types.is_integer(labels.type):
        truth = labels.to_numpy(zero_copy_only=False).astype(np.int8)
    else:
        truth = pc.cast(pc.cast(labels, pa.float64()), pa.int8()).to_numpy(zero_copy_only=False)
    if "usage" in answers.column_names:
        usage = answers["usage"].combine_chunks()
        public = _class_codes(labels=usage, classes=("public", "private"), strict=False) == 0
    else:
        public = np.ones(len(truth), dtype=bool)
    return AnswerKey(ids=ids, truth=truth, public=public)


def _class_codes(*, labels: pa.Array, classes, strict: bool = True) -> np.ndarray:
    """Index of each label in ``classes`` (-1 if absent). Dictionary-encoded columns, as the
    platform reads its stored answer keys, are coded through their few distinct values."""
    value_set = pa.array(list(classes), type=pa.string())
    if pa.types.is_dictionary(labels.type):
        dictionary_codes = pc.index_in(labels.dictionary.cast(pa.string()), value_set=value_set)
        lookup = pc.fill_null(dictionary_codes, -1).to_numpy(zero_copy_only=False)
        indices = pc.fill_null(labels.indices, 0).to_numpy(zero_copy_only=False)
        codes = lookup[indices].astype(np.int64)
        if labels.null_count:
            codes[labels.is_null().to_numpy(zero_copy_only=False)] = -1
    else:
        found = pc.index_in(labels.cast(pa.string()), value_set=value_set)
        codes = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    if strict and (codes < 0).any():
        raise ValueError("the answer key holds labels that are not among the task's classes")
    return codes


def _split_scores(*, spec: TaskSpec, truth, labels, probabilities, scores) -> dict:
    """The split's metric values, and what its confidence intervals need."""
    n_classes = len(spec.classes) if spec.kind == "classification" else 2
    confusion = metrics.confusion_counts(truth=truth, predicted=labels, n_classes=n_classes)
    result = {"confusion": confusion, "row_losses": None}
    if spec.kind == "classification":
        values = metrics.classification_scores(confusion)
        if probabilities is not None:
            losses = metrics.row_log_losses(truth=truth, probabilities=probabilities)
            values["log_loss"] = float(np.mean(losses))
            result["row_losses"] = losses
        return {**result, "values": values}
    values = metrics.matching_scores(truth=truth, predicted=labels)
    if scores is not None:
        values["pr_auc"] = metrics.average_precision(truth=truth, score=scores)
    return {**result, "values": values}


def _details(*, spec: TaskSpec, truth, labels) -> dict:
    if spec.kind == "classification":
        confusion = metrics.confusion_counts(
            truth=truth, predicted=labels, n_classes=len(spec.classes)
        )
        per_class = metrics.per_class_scores(confusion)
        return {
            "classes": list(spec.classes),
            "per_class": [
                {
                    "label": name,
                    "precision": float(per_class["precision"][index]),
                    "recall": float(per_class["recall"][index]),
                    "f1": float(per_class["f1"][index]),
                    "support": int(per_class["support"][index]),
                }
                for index, name in enumerate(spec.classes)
            ],
            "confusion": confusion.tolist(),
        }
    confusion = metrics.confusion_counts(truth=truth, predicted=labels, n_classes=2)
    return {"classes": ["0", "1"], "confusion": confusion.tolist()}


def score_predictions(
    *,
    spec: TaskSpec,
    predictions: "pa.Table | pd.DataFrame",
    answers: "pa.Table | pd.DataFrame",
) -> ScoreReport:
    """Validates ``predictions`` against the answer key's ids, then scores each split.

    ``answers`` has the id and label columns and optionally ``usage`` ("public"/"private"; all
    rows are public without it). Raises InvalidPredictions when the file does not fit the task.
    """
    allowed = metrics.METRICS[spec.kind]
    if spec.metric not in allowed:
        raise ValueError(f"{spec.metric!r} is not a {spec.kind} metric")
    key = answer_key(spec=spec, answers=answers)
    checked = check_predictions(spec=spec, predictions=predictions, expected_ids=key.ids)

    results: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for split in SPLITS:
        mask = key.public if split == "public" else ~key.public
        counts[split] = int(mask.sum())
        results[split] = (
            _split_scores(
                spec=spec,
                truth=key.truth[mask],
                labels=checked.labels[mask],
                probabilities=None
                if checked.probabilities is None
                else checked.probabilities[mask],
                scores=None if checked.scores is None else checked.scores[mask],
            )
            if counts[split]
            else {"values": {}, "confusion": None, "row_losses": None}
        )
    return ScoreReport(
        primary_metric=spec.metric,
        public=results["public"]["values"],
        private=results["private"]["values"],
        public_rows=counts["public"],
        private_rows=counts["private"],
        aligned_labels=checked.labels,
        confusions={split: results[split]["confusion"] for split in SPLITS},
        row_losses={split: results[split]["row_losses"] for split in SPLITS},
        public_details=_details(
            spec=spec, truth=key.truth[key.public], labels=checked.labels[key.public]
        )
        if counts["public"]
        else {},
    )
