"""Friedman and Nemenyi against scipy and the worked example of Demšar (2006)."""

import numpy as np
import pytest
from scipy import stats

from scoring.statistics import (
    friedman,
    indistinguishable_groups,
    nemenyi_critical_difference,
    ranks,
)

# Demšar (2006), JMLR 7, Table 6: AUC of C4.5 variants on 14 data sets (reproduces the paper's
# average ranks and statistic).
DEMSAR_AUC = np.array(
    [
        [0.763, 0.768, 0.771, 0.798],
        [0.599, 0.591, 0.590, 0.569],
        [0.954, 0.971, 0.968, 0.967],
        [0.628, 0.661, 0.654, 0.654],
        [0.882, 0.888, 0.886, 0.898],
        [0.936, 0.931, 0.916, 0.931],
        [0.661, 0.668, 0.609, 0.685],
        [0.583, 0.583, 0.563, 0.625],
        [0.775, 0.838, 0.866, 0.875],
        [1.000, 1.000, 1.000, 1.000],
        [0.940, 0.962, 0.965, 0.962],
        [0.619, 0.666, 0.614, 0.669],
        [0.972, 0.981, 0.975, 0.975],
        [0.957, 0.978, 0.946, 0.970],
    ]
)


def test_demsar_worked_example():
    result = friedman(scores=DEMSAR_AUC)
    # Demšar reports average ranks 3.143, 2.000, 2.893, 1.964 and chi2_F = 9.28.
    assert result.average_ranks == pytest.approx([3.143, 2.000, 2.893, 1.964], abs=1e-3)
    assert result.statistic_uncorrected == pytest.approx(9.28, abs=0.01)
    assert result.statistic >= result.statistic_uncorrected  # scipy corrects for the ties
    # ... and the critical difference for 4 classifiers on 14 data sets at 0.05 is 1.25.
    assert nemenyi_critical_difference(methods=4, tasks=14) == pytest.approx(1.25, abs=0.01)


def test_friedman_equals_scipy():
    rng = np.random.default_rng(1)
    scores = rng.random((9, 5))
    result = friedman(scores=scores)
    statistic, p_value = stats.friedmanchisquare(*scores.T)
    assert result.statistic == pytest.approx(statistic)
    assert result.p_value == pytest.approx(p_value)


def test_ranks_average_ties_and_respect_direction():
    assert ranks(scores=np.array([[0.9, 0.9, 0.5]])).tolist() == [[1.5, 1.5, 3.0]]
    assert ranks(scores=np.array([[0.2, 0.1, 0.3]]), higher_is_better=False).tolist() == [
        [2.0, 1.0, 3.0]
    ]


def test_groups_of_indistinguishable_methods():
    groups = indistinguishable_groups(
        average_ranks=np.array([1.0, 1.5, 3.5, 4.0]), critical_difference=1.0
    )
    assert groups == [[0, 1], [2, 3]]


def test_too_few_methods_is_refused():
    with pytest.raises(ValueError, match="at least 3 methods"):
        friedman(scores=np.ones((4, 2)))


def test_paired_bootstrap_agrees_with_scipy_and_detects_a_real_difference():
    from scoring.statistics import paired_bootstrap

    rng = np.random.default_rng(2)
    truth = rng.integers(0, 3, 1500)
    better = np.where(rng.random(1500) < 0.8, truth, rng.integers(0, 3, 1500))
    worse = np.where(rng.random(1500) < 0.72, truth, rng.integers(0, 3, 1500))
    result = paired_bootstrap(
        truth=truth, predicted_a=better, predicted_b=worse, n_classes=3, metric="accuracy",
        replicates=4000,
    )  # fmt: skip
    reference = stats.bootstrap(
        ((better == truth).astype(float), (worse == truth).astype(float)),
        lambda a, b: np.mean(a) - np.mean(b),
        paired=True, vectorized=False, n_resamples=3000, method="percentile", random_state=1,
    ).confidence_interval  # fmt: skip
    assert result.difference == pytest.approx(np.mean(better == truth) - np.mean(worse == truth))
    assert result.ci_low == pytest.approx(reference.low, abs=0.004)
    assert result.ci_high == pytest.approx(reference.high, abs=0.004)
    assert result.ci_low > 0 and result.p_value < 0.05


def test_paired_bootstrap_of_identical_entries_is_a_tie():
    from scoring.statistics import paired_bootstrap

    rng = np.random.default_rng(3)
    truth = rng.integers(0, 2, 500)
    predicted = np.where(rng.random(500) < 0.8, truth, 1 - truth)
    result = paired_bootstrap(
        truth=truth, predicted_a=predicted, predicted_b=predicted, n_classes=2, metric="f1"
    )
    assert result.difference == 0 and result.ci_low == 0 == result.ci_high
    assert result.p_value == 1.0


def test_largest_complete_block_leaves_out_an_empty_task_and_a_sparse_method():
    from scoring.statistics import largest_complete_block

    present = np.array(
        [
            [True, True, True, False],  # four methods on tasks 0-2; nobody entered task 3
            [True, True, True, False],
            [True, True, True, False],
            [True, False, True, False],  # this one skipped task 1
        ]
    )
    methods, tasks = largest_complete_block(present=present)
    # 3 methods x 3 tasks (9 cells) beats 4 methods x 2 tasks (8 cells).
    assert (methods, tasks) == ([0, 1, 2], [0, 1, 2])


def test_largest_complete_block_takes_the_most_cells_and_says_when_there_is_none():
    from scoring.statistics import largest_complete_block

    present = np.ones((6, 3), dtype=bool)
    present[5, 2] = False
    # 5 methods x 3 tasks (15 cells) beats 6 methods x 2 tasks (12 cells).
    assert largest_complete_block(present=present) == ([0, 1, 2, 3, 4], [0, 1, 2])
    present[:, 1:] = False  # one task left with scores: no block of 2 tasks
    assert largest_complete_block(present=present) == ([], [])


def test_largest_complete_block_beyond_the_exhaustive_search_stays_complete():
    from scoring.statistics import largest_complete_block

    rng = np.random.default_rng(3)
    present = rng.random((8, 16)) < 0.85
    methods, tasks = largest_complete_block(present=present)
    assert len(methods) >= 3 and len(tasks) >= 2
    assert present[np.ix_(methods, tasks)].all()


def test_wilcoxon_across_tasks_matches_scipy_and_demsar():
    from scipy import stats as scipy_stats

    from scoring.statistics import wilcoxon_across_tasks

    # Demšar (2006), table 2: C4.5 against C4.5+m on 14 datasets; he finds T = 12, p < 0.05.
    c45 = np.array([0.763, 0.599, 0.954, 0.628, 0.882, 0.936, 0.661, 0.583, 0.775, 1.000,
                    0.940, 0.619, 0.972, 0.957])  # fmt: skip
    c45m = np.array([0.768, 0.591, 0.971, 0.661, 0.888, 0.931, 0.668, 0.583, 0.838, 1.000,
                     0.962, 0.666, 0.981, 0.978])  # fmt: skip
    result = wilcoxon_across_tasks(scores_a=c45m, scores_b=c45)
    reference = scipy_stats.wilcoxon(c45m - c45, zero_method="zsplit")
    assert result.statistic == 12.0  # Demšar's T
    assert result.p_value == pytest.approx(reference.pvalue)
    assert result.p_value < 0.05
    assert (result.tasks, result.wins_a, result.wins_b, result.ties) == (14, 10, 2, 2)


def test_wilcoxon_across_tasks_reads_lower_is_better_and_needs_a_difference():
    from scoring.statistics import wilcoxon_across_tasks

    lower = wilcoxon_across_tasks(
        scores_a=np.array([0.2, 0.3, 0.1]), scores_b=np.array([0.4, 0.5, 0.3]),
        higher_is_better=False,
    )  # fmt: skip
    assert (lower.wins_a, lower.wins_b) == (3, 0)
    same = wilcoxon_across_tasks(scores_a=np.array([0.5, 0.6]), scores_b=np.array([0.5, 0.6]))
    assert same.p_value is None and same.ties == 2
