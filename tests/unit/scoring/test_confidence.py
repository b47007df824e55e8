"""Bootstrap intervals: the multinomial shortcut agrees with scipy's row bootstrap."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scoring import TaskSpec, score_predictions
from scoring.confidence import confusion_intervals, mean_interval, report_intervals
from scoring.metrics import classification_scores, confusion_counts


def test_accuracy_interval_agrees_with_scipy_bootstrap_on_rows():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 4, 2000)
    predicted = np.where(rng.random(2000) < 0.8, truth, rng.integers(0, 4, 2000))
    confusion = confusion_counts(truth=truth, predicted=predicted, n_classes=4)
    low, high = confusion_intervals(confusion=confusion, kind="classification", replicates=4000)[
        "accuracy"
    ]
    reference = stats.bootstrap(
        ((truth == predicted).astype(float),),
        np.mean,
        n_resamples=4000,
        method="percentile",
        random_state=1,
    ).confidence_interval
    assert low == pytest.approx(reference.low, abs=0.004)
    assert high == pytest.approx(reference.high, abs=0.004)


def test_macro_f1_interval_agrees_with_scipy_bootstrap_on_rows():
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 3, 800)
    predicted = np.where(rng.random(800) < 0.7, truth, rng.integers(0, 3, 800))

    def macro_f1(t, p):
        return classification_scores(confusion_counts(truth=t, predicted=p, n_classes=3))[
            "macro_f1"
        ]

    reference = stats.bootstrap(
        (truth, predicted), macro_f1, paired=True, vectorized=False, n_resamples=2000,
        method="percentile", random_state=2,
    ).confidence_interval  # fmt: skip
    confusion = confusion_counts(truth=truth, predicted=predicted, n_classes=3)
    low, high = confusion_intervals(confusion=confusion, kind="classification", replicates=4000)[
        "macro_f1"
    ]
    assert low == pytest.approx(reference.low, abs=0.01)
    assert high == pytest.approx(reference.high, abs=0.01)


def test_intervals_contain_the_estimate_and_narrow_with_more_rows():
    spec = TaskSpec(kind="matching", metric="f1")
    widths = []
    for rows in (200, 20_000):
        rng = np.random.default_rng(5)
        truth = rng.integers(0, 2, rows)
        predicted = np.where(rng.random(rows) < 0.85, truth, 1 - truth)
        ids = [str(i) for i in range(rows)]
        report = score_predictions(
            spec=spec,
            predictions=pd.DataFrame({"id": ids, "label": predicted.astype(str)}),
            answers=pd.DataFrame({"id": ids, "label": truth}),
        )
        intervals = report_intervals(report=report, kind="matching")["public"]
        for metric, value in report.public.items():
            low, high = intervals[metric]
            assert low <= value <= high
        widths.append(intervals["f1"][1] - intervals["f1"][0])
    assert widths[1] < widths[0] / 5  # about sqrt(100) = 10 times narrower


def test_log_loss_interval_is_the_normal_interval_of_the_mean():
    values = np.random.default_rng(6).exponential(size=5000)
    low, high = mean_interval(values=values)
    reference = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert low == pytest.approx(reference[0], abs=1e-3)
    assert high == pytest.approx(reference[1], abs=1e-3)
