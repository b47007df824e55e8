"""Blending two models' class probabilities with the weight that scores best on held-out rows.

AutoGluon's trees read the stacked reference's probabilities as features, but on small or
text-heavy data they can still trail the reference itself. Blending the two outputs, with the
weight chosen on rows neither model was fitted on, keeps the better of them (or a mix of both)
instead of trusting the trees.
"""

import numpy as np
import pandas as pd

from scoring import metrics

WEIGHTS = np.linspace(0.0, 1.0, 11)


def held_out_rows(*, labels: pd.Series, fraction: float, seed: int) -> pd.Index:
    """The rows to hold out for validation: stratified by class where the classes allow it;
    a class seen once stays in the fitting rows, so every class is learnt."""
    from sklearn.model_selection import train_test_split  # heavy: only where a run fits

    counts = labels.map(labels.value_counts())
    eligible = labels[counts >= 2]
    if len(eligible) < 2:  # no class seen twice (the stacked reference's folds refuse that)
        return pd.Index([])
    size = min(max(1, round(fraction * len(labels))), len(eligible) - 1)
    try:
        _, held = train_test_split(
            eligible.index, test_size=size, stratify=eligible, random_state=seed
        )
    except ValueError:  # fewer held-out rows than classes: no stratified split exists
        _, held = train_test_split(eligible.index, test_size=size, random_state=seed)
    return pd.Index(held)


def held_out_score(*, truth: np.ndarray, probabilities: np.ndarray, metric: str) -> float:
    """The classification ``metric`` of ``probabilities`` (rows by classes) against ``truth``
    (class indices), as a higher-is-better number (log loss negated)."""
    if metric == "log_loss":
        return -metrics.log_loss(truth=truth, probabilities=probabilities)
    confusion = metrics.confusion_counts(
        truth=truth, predicted=probabilities.argmax(axis=1), n_classes=probabilities.shape[1]
    )
    return metrics.classification_scores(confusion)[metric]


def best_weight(*, first: np.ndarray, second: np.ndarray, truth: np.ndarray, metric: str) -> float:
    """The weight ``w`` in ``w * first + (1 - w) * second`` that scores best on the held-out
    rows, from 0 to 1 in steps of 0.1; a tie goes to the larger weight of ``first``."""
    scores = [
        held_out_score(truth=truth, probabilities=w * first + (1 - w) * second, metric=metric)
        for w in WEIGHTS
    ]
    best = max(scores)
    return float(max(w for w, score in zip(WEIGHTS, scores, strict=True) if score >= best - 1e-12))
