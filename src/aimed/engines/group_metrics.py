"""Who a model fails: per-group error rates, discrimination, calibration and alert burden.

One overall accuracy hides the patients a model fails. These functions split the
errors by group with fairlearn's ``MetricFrame`` and measure, per site, what a clinician
would notice: does the score rank the sick above the well (AUC), do its risks match
what happens (calibration, reliability curve), and how many alerts it raises per 100
patients. Inputs are arrays of 0/1 outcomes, risks in [0, 1] and group labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame
from scipy.special import expit
from sklearn.metrics import brier_score_loss, roc_auc_score

from aimed.validation import Given, InputError, check_share

__all__ = [
    "GROUP_METRICS",
    "Calibration",
    "GroupGap",
    "SitePerformance",
    "alerts_per_100",
    "auc",
    "calibration",
    "check_threshold",
    "group_gap",
    "group_metrics",
    "logistic_recalibration",
    "predict_at",
    "reliability_curve",
    "site_performance",
    "threshold_for_share",
]

# Columns of group_metrics(), in display order; labels in locales/cohorts.*.toml.
GROUP_METRICS: tuple[str, ...] = (
    "n",
    "prevalence",
    "sensitivity",
    "specificity",
    "false_negative_rate",
    "ppv",
    "selection_rate",
)


def check_threshold(threshold: object) -> float:
    """A decision threshold strictly between 0 and 1 (a risk above it raises an alert)."""
    return check_share(threshold, "cohorts.errors.threshold", ends=False)


def predict_at(risk: np.ndarray, threshold: float) -> np.ndarray:
    """1 where the risk reaches the threshold (an alert, a referral), else 0."""
    return (np.asarray(risk, dtype=float) >= check_threshold(threshold)).astype(int)


def threshold_for_share(risk: np.ndarray, share: float) -> float:
    """The risk above which the top ``share`` of patients lie (e.g. 0.03: the top 3%).

    Programmes often select a fixed share (Obermeyer et al. 2019: the 97th percentile
    was auto-enrolled), not a fixed risk.
    """
    value = check_share(share, ends=False)
    cut = float(np.quantile(np.asarray(risk, dtype=float), 1.0 - value))
    return min(max(cut, 1e-9), 1.0 - 1e-9)


def _arrays(
    y_true: np.ndarray, other: np.ndarray, groups: np.ndarray | None = None
) -> tuple[np.ndarray, ...]:
    y = np.asarray(y_true).astype(int)
    x = np.asarray(other)
    if len(y) == 0:
        raise InputError("cohorts.errors.no_patients")
    if len(x) != len(y) or (groups is not None and len(np.asarray(groups)) != len(y)):
        raise ValueError("y_true, predictions and groups must have the same length")
    return (y, x) if groups is None else (y, x, np.asarray(groups))


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


# Each metric takes (y_true, y_pred, sample_weight): group_metrics() hands MetricFrame one
# row per (group, outcome, prediction) cell weighted by its number of patients, which gives
# the same rates as one row per patient, hundreds of times faster on 20,000 patients.


def _cell(y_true: np.ndarray, y_pred: np.ndarray, w: np.ndarray, truth: int, pred: int) -> float:
    return float(np.sum(w[(y_true == truth) & (y_pred == pred)]))


def _n(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> float:
    return float(np.sum(sample_weight))


def _prevalence(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> float:
    return _ratio(float(np.sum(sample_weight[y_true == 1])), float(np.sum(sample_weight)))


def _sensitivity(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> float:
    tp, fn = _cell(y_true, y_pred, sample_weight, 1, 1), _cell(y_true, y_pred, sample_weight, 1, 0)
    return _ratio(tp, tp + fn)


def _specificity(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> float:
    tn, fp = _cell(y_true, y_pred, sample_weight, 0, 0), _cell(y_true, y_pred, sample_weight, 0, 1)
    return _ratio(tn, tn + fp)


def _false_negative_rate(
    y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray
) -> float:
    tp, fn = _cell(y_true, y_pred, sample_weight, 1, 1), _cell(y_true, y_pred, sample_weight, 1, 0)
    return _ratio(fn, tp + fn)


def _ppv(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> float:
    tp, fp = _cell(y_true, y_pred, sample_weight, 1, 1), _cell(y_true, y_pred, sample_weight, 0, 1)
    return _ratio(tp, tp + fp)


def _selection_rate(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> float:
    return _ratio(float(np.sum(sample_weight[y_pred == 1])), float(np.sum(sample_weight)))


_METRIC_FUNCTIONS = {
    "n": _n,
    "prevalence": _prevalence,
    "sensitivity": _sensitivity,
    "specificity": _specificity,
    "false_negative_rate": _false_negative_rate,
    "ppv": _ppv,
    "selection_rate": _selection_rate,
}


def group_metrics(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    """One row per group (sorted), columns ``GROUP_METRICS``, plus an ``all`` row.

    Rates are fractions of patients; a rate with nobody to count (no ill patient in a
    group: no sensitivity) is NaN. Computed with fairlearn's MetricFrame.
    """
    y, pred, grp = _arrays(y_true, y_pred, groups)
    pred = pred.astype(int)
    if not np.isin(y, (0, 1)).all() or not np.isin(pred, (0, 1)).all():
        raise ValueError("outcomes and predictions must be 0 or 1")
    names, codes = np.unique(grp.astype(str), return_inverse=True)
    cells, weights = np.unique(codes * 4 + y * 2 + pred, return_counts=True)
    frame = MetricFrame(
        metrics=_METRIC_FUNCTIONS,
        y_true=(cells // 2) % 2,
        y_pred=cells % 2,
        sensitive_features=pd.Series(names[cells // 4], name="group"),
        sample_params={m: {"sample_weight": weights} for m in _METRIC_FUNCTIONS},
    )
    table = frame.by_group.loc[:, list(GROUP_METRICS)].astype(float).sort_index()
    table.loc["all"] = frame.overall[list(GROUP_METRICS)].astype(float)
    table["n"] = table["n"].round().astype(int)
    table.index.name = "group"
    return table


@dataclass(frozen=True)
class GroupGap:
    """The largest difference in one metric between groups, for a sentence on the page."""

    metric: str
    worse_group: str
    worse_value: float
    better_group: str
    better_value: float

    @property
    def difference(self) -> float:
        return abs(self.worse_value - self.better_value)


# For these metrics a higher value is worse for the patients of that group.
_HIGHER_IS_WORSE = {"false_negative_rate"}


def group_gap(table: pd.DataFrame, metric: str = "false_negative_rate") -> GroupGap:
    """Worst and best group on ``metric`` in a :func:`group_metrics` table (``all`` ignored).

    For the false-negative rate the worse group is the higher one; for sensitivity,
    specificity, PPV and selection rate it is the lower one.
    """
    if metric not in GROUP_METRICS or metric == "n":
        raise ValueError(f"unknown metric {metric!r}")
    values = table.drop(index="all", errors="ignore")[metric].dropna()
    if values.empty:
        raise InputError("cohorts.errors.no_patients")
    if metric in _HIGHER_IS_WORSE:
        worse, better = values.idxmax(), values.idxmin()
    else:
        worse, better = values.idxmin(), values.idxmax()
    return GroupGap(metric, str(worse), float(values[worse]), str(better), float(values[better]))


# --- discrimination, calibration and alert burden -------------------------------------


def auc(y_true: np.ndarray, risk: np.ndarray) -> float:
    """Area under the ROC curve: chance a random ill patient scores above a random well one.

    NaN when only one outcome is present (there is nothing to rank).
    """
    y, r = _arrays(y_true, risk)
    if len(np.unique(y)) < 2:
        return math.nan
    return float(roc_auc_score(y, r.astype(float)))


def alerts_per_100(risk: np.ndarray, threshold: float) -> float:
    """Alerts raised per 100 patients at this threshold: the burden on the ward."""
    return 100.0 * float(np.mean(predict_at(risk, threshold)))


def reliability_curve(
    y_true: np.ndarray, risk: np.ndarray, *, n_bins: int = 10, groups: np.ndarray | None = None
) -> pd.DataFrame:
    """Observed outcome rate against mean predicted risk, in equal-width risk bins.

    Columns: ``group`` (``all`` when no groups are given), ``bin`` (0 .. n_bins-1),
    ``predicted`` (mean risk), ``observed`` (share with the outcome), ``n``. Empty bins
    are left out. A calibrated model puts every point on the diagonal.
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or not 2 <= n_bins <= 50:
        raise InputError("cohorts.errors.n_bins", given=Given(n_bins, percent=False))
    y, r = _arrays(y_true, risk)
    grp = np.full(len(y), "all", dtype=object) if groups is None else np.asarray(groups)
    bins = np.clip((r.astype(float) * n_bins).astype(int), 0, n_bins - 1)
    frame = pd.DataFrame({"group": grp, "bin": bins, "risk": r.astype(float), "y": y})
    curve = (
        frame.groupby(["group", "bin"], sort=True)
        .agg(predicted=("risk", "mean"), observed=("y", "mean"), n=("y", "size"))
        .reset_index()
    )
    return curve


@dataclass(frozen=True)
class Calibration:
    """How far predicted risks are from what happened.

    ``observed_rate`` vs ``mean_risk`` (calibration in the large; ``observed_expected``
    is their ratio), ``slope`` and ``intercept`` of a logistic fit of the outcome on the
    logit of the risk (1 and 0 when calibrated; a slope below 1 means risks too extreme),
    ``brier`` score and ``ece`` (mean gap between the reliability curve and the diagonal,
    weighted by bin size, 10 bins).
    """

    observed_rate: float
    mean_risk: float
    observed_expected: float
    intercept: float
    slope: float
    brier: float
    ece: float


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def logistic_recalibration(y_true: np.ndarray, risk: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood ``(intercept, slope)`` of ``outcome ~ intercept + slope * logit(risk)``.

    Newton-Raphson on two parameters (unpenalised, as in the calibration literature);
    (NaN, NaN) when only one outcome is present.
    """
    y, r = _arrays(y_true, risk)
    y = y.astype(float)
    if len(np.unique(y)) < 2:
        return math.nan, math.nan
    x = np.column_stack([np.ones(len(y)), _logit(r.astype(float))])
    beta = np.array([0.0, 1.0])
    for _ in range(50):
        p = expit(x @ beta)
        gradient = x.T @ (y - p)
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(beta[0]), float(beta[1])


def calibration(y_true: np.ndarray, risk: np.ndarray) -> Calibration:
    """Calibration in the large, slope and intercept, Brier score and ECE."""
    y, r = _arrays(y_true, risk)
    r = r.astype(float)
    observed, expected = float(np.mean(y)), float(np.mean(r))
    intercept, slope = logistic_recalibration(y, r)
    curve = reliability_curve(y, r, n_bins=10)
    ece = float(np.sum(curve["n"] * (curve["observed"] - curve["predicted"]).abs()) / len(y))
    return Calibration(
        observed_rate=observed,
        mean_risk=expected,
        observed_expected=_ratio(observed, expected),
        intercept=intercept,
        slope=slope,
        brier=float(brier_score_loss(y, r)),
        ece=ece,
    )


@dataclass(frozen=True)
class SitePerformance:
    """What a model does at one site and threshold, as a clinician would see it."""

    n: int
    prevalence: float
    auc: float
    calibration: Calibration
    threshold: float
    alerts_per_100: float
    sensitivity: float
    specificity: float
    ppv: float
    accuracy: float


def site_performance(y_true: np.ndarray, risk: np.ndarray, threshold: float) -> SitePerformance:
    """Discrimination, calibration and alert burden of risks ``risk`` at one site."""
    y, r = _arrays(y_true, risk)
    cut = check_threshold(threshold)
    pred = predict_at(r, cut)
    ones = np.ones(len(y))
    return SitePerformance(
        n=len(y),
        prevalence=float(np.mean(y)),
        auc=auc(y, r),
        calibration=calibration(y, r),
        threshold=cut,
        alerts_per_100=100.0 * float(np.mean(pred)),
        sensitivity=_sensitivity(y, pred, ones),
        specificity=_specificity(y, pred, ones),
        ppv=_ppv(y, pred, ones),
        accuracy=float(np.mean(pred == y)),
    )
