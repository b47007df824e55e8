"""Statistics for comparing methods across tasks (Demšar, 2006), on top of scipy.

``ranks``: per task, rank 1 is best and ties share the average rank. ``friedman`` tests whether
all methods perform alike; ``nemenyi_critical_difference`` is the smallest difference of average
ranks that is significant for all pairs at once.
"""

from dataclasses import dataclass

import numpy as np


def _stats():
    """scipy.stats, imported on first use: it costs 0.6 s of CPU, and every web and worker
    process imports this module (through the results app) while few compute a test."""
    from scipy import stats

    return stats


# Up to this many tasks every subset is tried; beyond, tasks are dropped greedily.
EXHAUSTIVE_BLOCK_TASKS = 12


def largest_complete_block(
    *, present: np.ndarray, min_methods: int = 3, min_tasks: int = 2
) -> tuple[list[int], list[int]]:
    """The largest block of methods x tasks in which every method has a score on every task.

    ``present`` is a boolean matrix, methods by tasks. Rank tests such as Friedman's need a
    complete block; counting a missing score as zero or as the worst rank would rank coverage,
    not quality. Returns (method indices, task indices) of the block with the most cells (ties:
    more tasks), with at least ``min_methods`` methods and ``min_tasks`` tasks, or two empty
    lists when there is none.
    """
    present = np.asarray(present, dtype=bool)
    methods, tasks = present.shape
    best: tuple[int, int, list[int], list[int]] = (0, 0, [], [])

    def consider(task_subset: list[int]) -> None:
        nonlocal best
        if len(task_subset) < min_tasks:
            return
        rows = [int(m) for m in np.flatnonzero(present[:, task_subset].all(axis=1))]
        if len(rows) < min_methods:
            return
        candidate = (len(rows) * len(task_subset), len(task_subset), rows, list(task_subset))
        if candidate[:2] > best[:2]:
            best = candidate

    if tasks <= EXHAUSTIVE_BLOCK_TASKS:
        for mask in range(1, 2**tasks):
            consider([task for task in range(tasks) if mask >> task & 1])
    else:
        # Drop the task the fewest methods have until the block is complete enough; keep the
        # best block seen on the way.
        remaining = list(range(tasks))
        while len(remaining) >= min_tasks:
            consider(remaining)
            coverage = present[:, remaining].sum(axis=0)
            remaining.pop(int(np.argmin(coverage)))
    return best[2], best[3]


def ranks(*, scores: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Ranks of methods (columns) within each task (rows); 1 is best, ties averaged."""
    signed = -scores if higher_is_better else scores
    return np.vstack([_stats().rankdata(row) for row in signed])


@dataclass(frozen=True)
class Friedman:
    """``statistic`` and ``p_value`` are scipy's, corrected for ties; ``statistic_uncorrected``
    is the textbook formula on average ranks that Demšar (2006) reports."""

    statistic: float
    p_value: float
    average_ranks: np.ndarray
    statistic_uncorrected: float


def friedman(*, scores: np.ndarray, higher_is_better: bool = True) -> Friedman:
    """Friedman's test over tasks (rows) and methods (columns); needs 3+ methods, 2+ tasks."""
    if scores.shape[1] < 3 or scores.shape[0] < 2:
        raise ValueError("Friedman's test needs at least 3 methods and 2 tasks")
    statistic, p_value = _stats().friedmanchisquare(*scores.T)
    tasks, methods = scores.shape
    average = ranks(scores=scores, higher_is_better=higher_is_better).mean(axis=0)
    uncorrected = (
        12 * tasks / (methods * (methods + 1))
        * (np.sum(average**2) - methods * (methods + 1) ** 2 / 4)
    )  # fmt: skip
    return Friedman(
        statistic=float(statistic),
        p_value=float(p_value),
        average_ranks=average,
        statistic_uncorrected=float(uncorrected),
    )


def nemenyi_critical_difference(*, methods: int, tasks: int, alpha: float = 0.05) -> float:
    """CD = q_alpha * sqrt(k (k + 1) / (6 N)), q_alpha from the studentized range over sqrt(2)."""
    q_alpha = _stats().studentized_range.ppf(1 - alpha, methods, np.inf) / np.sqrt(2)
    return float(q_alpha * np.sqrt(methods * (methods + 1) / (6 * tasks)))


def indistinguishable_groups(*, average_ranks: np.ndarray, critical_difference: float) -> list:
    """Maximal runs of methods (indices, sorted by rank) whose ranks differ by less than CD."""
    order = np.argsort(average_ranks)
    groups: list[list[int]] = []
    for start in range(len(order)):
        end = start
        while (
            end + 1 < len(order)
            and average_ranks[order[end + 1]] - average_ranks[order[start]] < critical_difference
        ):
            end += 1
        group = [int(index) for index in order[start : end + 1]]
        if len(group) > 1 and not any(set(group) <= set(other) for other in groups):
            groups.append(group)
    return groups


@dataclass(frozen=True)
class PairedDifference:
    """``a - b`` on one metric, with its paired-bootstrap interval and two-sided p-value."""

    difference: float
    ci_low: float
    ci_high: float
    p_value: float


def paired_bootstrap(
    *,
    truth: np.ndarray,
    predicted_a: np.ndarray,
    predicted_b: np.ndarray,
    n_classes: int,
    metric: str,
    replicates: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> PairedDifference:
    """Paired bootstrap of a confusion-based metric's difference between two predictions.

    Rows are resampled together for both entries. Resampling rows is a multinomial draw over the
    distinct (truth, a, b) triples, so the cost follows the number of distinct triples, not rows.
    The p-value is twice the smaller share of replicates on either side of zero (at most 1).
    """
    from scoring.confidence import _classification_batch, _matching_batch

    k = n_classes
    triples = (truth.astype(np.int64) * k + predicted_a) * k + predicted_b
    cells, counts = np.unique(triples, return_counts=True)
    cell_truth, rest = np.divmod(cells, k * k)
    cell_a, cell_b = np.divmod(rest, k)
    index_a, index_b = cell_truth * k + cell_a, cell_truth * k + cell_b
    total = int(counts.sum())
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(total, counts / total, size=replicates)
    confusion_a = np.zeros((replicates, k * k))
    confusion_b = np.zeros((replicates, k * k))
    for replicate in range(replicates):
        confusion_a[replicate] = np.bincount(index_a, weights=draws[replicate], minlength=k * k)
        confusion_b[replicate] = np.bincount(index_b, weights=draws[replicate], minlength=k * k)
    batch = (
        _classification_batch
        if k > 2 or metric in ("accuracy", "macro_f1", "weighted_f1")
        else _matching_batch
    )
    shape = (replicates, k, k)
    values_a = batch(confusion_a.reshape(shape))[metric]
    values_b = batch(confusion_b.reshape(shape))[metric]
    observed_a = batch(np.bincount(index_a, weights=counts, minlength=k * k).reshape(1, k, k))
    observed_b = batch(np.bincount(index_b, weights=counts, minlength=k * k).reshape(1, k, k))
    differences = values_a - values_b
    tail = (1 - level) / 2 * 100
    p_value = min(1.0, 2 * min(np.mean(differences <= 0), np.mean(differences >= 0)))
    return PairedDifference(
        difference=float(observed_a[metric][0] - observed_b[metric][0]),
        ci_low=float(np.percentile(differences, tail)),
        ci_high=float(np.percentile(differences, 100 - tail)),
        p_value=float(p_value),
    )


@dataclass(frozen=True)
class SignedRankTest:
    """Two methods over the tasks both entered: how often each was better, and Wilcoxon's test."""

    tasks: int
    wins_a: int
    wins_b: int
    ties: int
    statistic: float | None
    p_value: float | None


def wilcoxon_across_tasks(
    *, scores_a: np.ndarray, scores_b: np.ndarray, higher_is_better: bool = True
) -> SignedRankTest:
    """Wilcoxon's signed-rank test on two methods' paired per-task scores (Demšar 2006, 3.1.3).

    It asks whether one method is better across datasets, where the paired bootstrap asks it
    within one task. Ties are split evenly between the two sides, as Demšar does (scipy's
    ``zero_method="zsplit"``); the statistic is his T, the smaller rank sum. When every
    difference is zero there is nothing to test and the statistic and p-value are None.
    """
    a = np.asarray(scores_a, dtype=float)
    b = np.asarray(scores_b, dtype=float)
    differences = a - b if higher_is_better else b - a
    wins_a = int((differences > 0).sum())
    wins_b = int((differences < 0).sum())
    ties = int((differences == 0).sum())
    if wins_a + wins_b == 0:
        return SignedRankTest(len(differences), wins_a, wins_b, ties, None, None)
    result = _stats().wilcoxon(differences, zero_method="zsplit")
    return SignedRankTest(
        len(differences), wins_a, wins_b, ties, float(result.statistic), float(result.pvalue)
    )
