"""Metrics, computed with scikit-learn so every number matches the reference implementation."""

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

METRICS: dict[str, tuple[str, ...]] = {
    "classification": ("accuracy", "macro_f1", "weighted_f1"),
    "matching": ("f1", "precision", "recall"),
}


def classification_metrics(*, truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy and macro/weighted F1 over the labels present in truth or predictions."""
    truth = np.asarray(truth, dtype=object)
    predicted = np.asarray(predicted, dtype=object)
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0)),
        "weighted_f1": float(f1_score(truth, predicted, average="weighted", zero_division=0)),
    }


def matching_metrics(*, truth: Sequence[int], predicted: Sequence[int]) -> dict[str, float]:
    """Precision, recall and F1 of the match class (label 1); 0 where undefined."""
    truth = np.asarray(truth, dtype=int)
    predicted = np.asarray(predicted, dtype=int)
    options = {"pos_label": 1, "zero_division": 0, "labels": [0, 1]}
    return {
        "f1": float(f1_score(truth, predicted, **options)),
        "precision": float(precision_score(truth, predicted, **options)),
        "recall": float(recall_score(truth, predicted, **options)),
    }
