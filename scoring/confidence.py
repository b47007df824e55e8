"""Bootstrap confidence intervals for scores, cheap enough to compute for every submission.

Resampling n rows with replacement gives a confusion matrix drawn from a multinomial over its
cells, with the observed cell shares as probabilities. So each replicate draws k*k cell counts
instead of n rows: a million-row, 50-class submission costs the same as a small one.
"""

import numpy as np

DEFAULT_REPLICATES = 1000
DEFAULT_LEVEL = 0.95


def _classification_batch(draws: np.ndarray) -> dict[str, np.ndarray]:
    """Accuracy, macro-F1 and weighted-F1 of many confusion matrices at once (R x k x k)."""
    index = np.arange(draws.shape[1])
    true_positives = draws[:, index, index].astype(float)
    support = draws.sum(axis=2)
    predicted = draws.sum(axis=1)
    denominator = (support + predicted).astype(float)
    f1 = np.divide(
        2 * true_positives, denominator, out=np.zeros_like(denominator), where=denominator > 0
    )
    present = denominator > 0
    totals = draws.sum(axis=(1, 2)).astype(float)
    return {
        "accuracy": true_positives.sum(axis=1) / totals,
        "macro_f1": (f1 * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1),
        "weighted_f1": (f1 * support).sum(axis=1) / np.maximum(support.sum(axis=1), 1),
    }


def _matching_batch(draws: np.ndarray) -> dict[str, np.ndarray]:
    true_positives = draws[:, 1, 1].astype(float)
    predicted = draws[:, 0, 1] + true_positives
    actual = draws[:, 1, 0] + true_positives

    def ratio(numerator, denominator):
        return np.divide(
            numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0
        )

    return {
        "f1": ratio(2 * true_positives, predicted + actual),
        "precision": ratio(true_positives, predicted),
        "recall": ratio(true_positives, actual),
    }


def confusion_intervals(
    *,
    confusion: np.ndarray,
    kind: str,
    replicates: int = DEFAULT_REPLICATES,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals of every confusion-based metric of ``kind``."""
    total = int(confusion.sum())
    if total == 0:
        return {}
    rng = np.random.default_rng(seed)
    occupied = np.flatnonzero(confusion.ravel())  # empty cells stay empty in every replicate
    shares = confusion.ravel()[occupied] / total
    draws = np.zeros((replicates, confusion.size), dtype=np.int64)
    draws[:, occupied] = rng.multinomial(total, shares, size=replicates)
    draws = draws.reshape(replicates, *confusion.shape)
    batch = _classification_batch(draws) if kind == "classification" else _matching_batch(draws)
    tail = (1 - level) / 2 * 100
    return {
        name: (float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail)))
        for name, values in batch.items()
    }


def mean_interval(*, values: np.ndarray, level: float = DEFAULT_LEVEL) -> tuple[float, float]:
    """Normal-approximation interval of a mean (used for log loss, a mean of per-row losses)."""
    from scipy.stats import norm

    if len(values) < 2:
        mean = float(values.mean()) if len(values) else 0.0
        return (mean, mean)
    half = norm.ppf(0.5 + level / 2) * values.std(ddof=1) / np.sqrt(len(values))
    return (float(values.mean() - half), float(values.mean() + half))


def report_intervals(
    *, report, kind: str, replicates: int = DEFAULT_REPLICATES, level: float = DEFAULT_LEVEL
) -> dict[str, dict[str, tuple[float, float]]]:
    """Intervals for every metric of a ScoreReport, per split (those with rows).

    Kept out of ``score_predictions`` so the score is recorded first; the worker adds these
    right after. PR-AUC has no interval here.
    """
    intervals: dict[str, dict[str, tuple[float, float]]] = {}
    for split, confusion in report.confusions.items():
        if confusion is None:
            continue
        intervals[split] = confusion_intervals(
            confusion=confusion, kind=kind, replicates=replicates, level=level
        )
        losses = report.row_losses.get(split)
        if losses is not None:
            intervals[split]["log_loss"] = mean_interval(values=losses, level=level)
    return intervals
