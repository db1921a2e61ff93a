"""Answer keys of the exercise "Reading a model's performance": counts, predictive values,
an alert threshold and likelihood ratios, from the course's engines.

The learner's notebook shows counts (``aimed.notebooks.reading_performance``) and the ward's
threshold table, and holds one calculator, ``post_test_probability``; the rest of the
arithmetic (``aimed.engines.bayes``) is theirs to do, and the hidden checks do it here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from aimed.engines.bayes import (
    likelihood_ratios,
    natural_frequencies,
    post_test_probability,
    predictive_values,
)
from aimed.notebooks.helpers import synthetic_risk_scores, threshold_table

__all__ = [
    "false_alerts",
    "lr_positive",
    "npv",
    "positives",
    "post_test_probability",
    "ppv",
    "sensitive_threshold",
]


def positives(sensitivity: float, specificity: float, prevalence: float, n: int = 1000) -> int:
    """People who test positive, with and without the disease, out of ``n``."""
    return natural_frequencies(sensitivity, specificity, prevalence, n).positives


def ppv(sensitivity: float, specificity: float, prevalence: float) -> float:
    return _defined(predictive_values(sensitivity, specificity, prevalence).ppv)


def npv(sensitivity: float, specificity: float, prevalence: float) -> float:
    return _defined(predictive_values(sensitivity, specificity, prevalence).npv)


def _defined(value: float | None) -> float:
    """A predictive value of the exercise's figures, which always have both results."""
    if value is None:
        raise ValueError("no one has this result: the predictive value is undefined")
    return value


def lr_positive(sensitivity: float, specificity: float) -> float:
    return likelihood_ratios(sensitivity, specificity)[0]


def _ward(seed: int, thresholds: Sequence[int]) -> pd.DataFrame:
    return threshold_table(synthetic_risk_scores(n=2000, prevalence=0.10, seed=seed), thresholds)


def sensitive_threshold(seed: int, thresholds: Sequence[int], least: float) -> int:
    """The highest threshold of the ward's table whose sensitivity is at least ``least``."""
    table = _ward(seed, thresholds)
    return max(int(t) for t in table.index if table.loc[t].iloc[0] >= least)


def false_alerts(seed: int, threshold: int) -> int:
    """Alerts for patients without sepsis per 1,000 admissions at one threshold."""
    row = _ward(seed, [threshold]).iloc[0]
    return int(row.iloc[2] - row.iloc[3])
