"""Real scikit-learn models trained on the fly on a synthetic cohort, and judged.

Logistic regression by default (fast, and its coefficients can be read), a histogram
gradient-boosting tree ensemble as an option. Both are deterministic for a given seed.
Caching belongs to the pages (st.cache_*): nothing here keeps state between calls.

``train_and_evaluate`` is the one call a page or the benchmark needs: train on one
cohort, score another, and return per-group metrics, discrimination, calibration and the
alert burden in one :class:`Evaluation`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController

from aimed.engines.cohorts import Cohort, device_bias_cohort
from aimed.engines.group_metrics import (
    SitePerformance,
    check_threshold,
    group_metrics,
    logistic_recalibration,
    predict_at,
    reliability_curve,
    site_performance,
)
from aimed.validation import Given, InputError, check_seed, next_seed

__all__ = [
    "MODEL_KINDS",
    "MIN_RECALIBRATION_SAMPLE",
    "Evaluation",
    "TrainedModel",
    "benchmark_call",
    "evaluate",
    "permutation_importances",
    "recalibrate",
    "train_and_evaluate",
    "train_model",
]

MODEL_KINDS: tuple[str, ...] = ("logistic", "boosting")
MIN_RECALIBRATION_SAMPLE = 50
MIN_TRAINING_CASES = 5


@dataclass(frozen=True)
class TrainedModel:
    """A fitted model, the features it uses, and (after recalibration) its logit correction.

    ``recalibration`` is ``(intercept, slope)``: the recalibrated risk is
    ``sigmoid(intercept + slope * logit(original risk))``; ``(0.0, 1.0)`` leaves it as is.
    """

    estimator: Pipeline | HistGradientBoostingClassifier
    features: tuple[str, ...]
    kind: str
    seed: int
    recalibration: tuple[float, float] = (0.0, 1.0)

    def predict_risk(self, data: Cohort | pd.DataFrame) -> np.ndarray:
        """Predicted probability of the label for each patient, in [0, 1]."""
        frame = data.frame if isinstance(data, Cohort) else data
        missing = [f for f in self.features if f not in frame.columns]
        if missing:
            raise InputError("cohorts.errors.missing_feature", feature=", ".join(missing))
        with _one_thread():
            risk = self.estimator.predict_proba(frame.loc[:, list(self.features)])[:, 1]
        intercept, slope = self.recalibration
        if (intercept, slope) == (0.0, 1.0):
            return risk
        return expit(intercept + slope * _logit(risk))


@cache
def _thread_pools() -> ThreadpoolController | None:
    """The loaded OpenMP/BLAS libraries, found once (threadpoolctl reads /proc/self/maps)."""
    try:
        return ThreadpoolController()
    except OSError:  # a sandbox without /proc: the libraries keep their own thread counts
        return None


def _one_thread() -> AbstractContextManager[object]:
    """One OpenMP/BLAS thread: on a small shared server, more threads only wait on each other."""
    pools = _thread_pools()
    return pools.limit(limits=1) if pools is not None else nullcontext()


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def _check_kind(kind: object) -> str:
    if kind not in MODEL_KINDS:
        raise InputError("cohorts.errors.kind", given=str(kind), choices=", ".join(MODEL_KINDS))
    return str(kind)


def _check_features(cohort: Cohort, features: Sequence[str] | None) -> tuple[str, ...]:
    chosen = tuple(cohort.features if features is None else features)
    if not chosen:
        raise InputError("cohorts.errors.no_features")
    unknown = [f for f in chosen if f not in cohort.features]
    if unknown:
        raise InputError("cohorts.errors.missing_feature", feature=", ".join(unknown))
    return chosen


def _check_both_outcomes(y: np.ndarray, key: str) -> None:
    positives = int(np.sum(y == 1))
    if min(positives, len(y) - positives) < MIN_TRAINING_CASES:
        raise InputError(
            key, positives=positives, negatives=len(y) - positives, minimum=MIN_TRAINING_CASES
        )


def train_model(
    cohort: Cohort,
    *,
    kind: str = "logistic",
    features: Sequence[str] | None = None,
    seed: int = 0,
) -> TrainedModel:
    """Fit a model of ``cohort.label`` on ``features`` (default: all the cohort's features).

    ``kind="logistic"``: standardised logistic regression (lbfgs). ``kind="boosting"``:
    ``HistGradientBoostingClassifier`` with 100 trees and no early stopping, seeded.
    Drop a feature by passing the others (the shortcut page removes the marker so).
    """
    kind = _check_kind(kind)
    seed = check_seed(seed)
    chosen = _check_features(cohort, features)
    y = cohort.y_label
    _check_both_outcomes(y, "cohorts.errors.one_class")
    X = cohort.frame.loc[:, list(chosen)]
    if kind == "logistic":
        estimator: Pipeline | HistGradientBoostingClassifier = make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=1000)
        )
    else:
        estimator = HistGradientBoostingClassifier(
            max_iter=100,
            learning_rate=0.1,
            max_leaf_nodes=15,
            early_stopping=False,
            random_state=seed,
        )
    with _one_thread():
        estimator.fit(X, y)
    return TrainedModel(estimator=estimator, features=chosen, kind=kind, seed=seed)


def recalibrate(model: TrainedModel, local_sample: Cohort) -> TrainedModel:
    """Logistic (Platt) recalibration of the model's logit on a small local sample.

    Fits ``outcome ~ a + b * logit(risk)`` on ``local_sample`` (e.g. 200 patients of the
    new site) and returns the same model with that correction. It fixes risks that are
    too high or too low overall, and too extreme or too timid; it cannot change the order
    of patients, so the AUC stays the same.
    """
    n = len(local_sample)
    if n < MIN_RECALIBRATION_SAMPLE:
        raise InputError(
            "cohorts.errors.recalibration_n",
            given=Given(n, percent=False),
            minimum=MIN_RECALIBRATION_SAMPLE,
        )
    y = local_sample.y_true
    _check_both_outcomes(y, "cohorts.errors.recalibration_one_class")
    base = TrainedModel(model.estimator, model.features, model.kind, model.seed)
    intercept, slope = logistic_recalibration(y, base.predict_risk(local_sample))
    return TrainedModel(
        estimator=model.estimator,
        features=model.features,
        kind=model.kind,
        seed=model.seed,
        recalibration=(intercept, slope),
    )


def permutation_importances(
    model: TrainedModel, cohort: Cohort, *, n_repeats: int = 5, seed: int = 0
) -> pd.DataFrame:
    """How much the AUC drops when each feature is shuffled: what the model leans on.

    scikit-learn's ``permutation_importance`` with ``scoring="roc_auc"`` against the
    cohort's true outcome. Columns ``feature``, ``importance`` (mean AUC drop), ``std``;
    sorted from most to least important.
    """
    seed = check_seed(seed)
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, int) or not 1 <= n_repeats <= 50:
        raise InputError("cohorts.errors.n_repeats", given=Given(n_repeats, percent=False))
    _check_both_outcomes(cohort.y_true, "cohorts.errors.one_class")
    X = cohort.frame.loc[:, list(model.features)]
    with _one_thread():
        result = permutation_importance(
            model.estimator,
            X,
            cohort.y_true,
            scoring="roc_auc",
            n_repeats=n_repeats,
            random_state=seed,
        )
    table = pd.DataFrame(
        {
            "feature": list(model.features),
            "importance": result.importances_mean,
            "std": result.importances_std,
        }
    )
    return table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Evaluation:
    """A model trained on one cohort and judged on another, as the pages show it.

    ``risk`` and ``predicted`` are per patient of ``test``; ``by_group`` is the
    :func:`aimed.engines.group_metrics.group_metrics` table against the true outcome;
    ``performance`` holds AUC, calibration and alerts per 100; ``reliability`` the
    reliability curve per group (10 bins).
    """

    model: TrainedModel
    test: Cohort
    threshold: float
    risk: np.ndarray
    predicted: np.ndarray
    by_group: pd.DataFrame
    performance: SitePerformance
    reliability: pd.DataFrame


def evaluate(model: TrainedModel, test: Cohort, *, threshold: float = 0.5) -> Evaluation:
    """Score ``test`` with ``model`` and measure its errors against the true outcome."""
    cut = check_threshold(threshold)
    risk = model.predict_risk(test)
    predicted = predict_at(risk, cut)
    y = test.y_true
    return Evaluation(
        model=model,
        test=test,
        threshold=cut,
        risk=risk,
        predicted=predicted,
        by_group=group_metrics(y, predicted, test.groups),
        performance=site_performance(y, risk, cut),
        reliability=reliability_curve(y, risk, n_bins=10, groups=test.groups),
    )


def train_and_evaluate(
    train: Cohort,
    test: Cohort,
    *,
    kind: str = "logistic",
    threshold: float = 0.5,
    features: Sequence[str] | None = None,
    seed: int = 0,
) -> Evaluation:
    """Train on ``train`` (its label), judge on ``test`` (its outcome): the page's one call.

    Use a ``test`` cohort drawn with another seed (or at another site) so the numbers are
    out of sample. The benchmark times this on 20,000 patients.
    """
    cut = check_threshold(threshold)
    model = train_model(train, kind=kind, features=features, seed=seed)
    return evaluate(model, test, threshold=cut)


def benchmark_call(n: int = 20_000, *, seed: int = 0) -> Callable[[], Evaluation]:
    """A zero-argument call for scripts/bench.py: train and evaluate on ``n`` patients.

    Cohorts are drawn once, outside the timed call (pages cache them too); each call
    trains the default logistic model on ``n`` device-bias patients and evaluates it on
    ``n`` others, with per-group metrics, AUC, calibration and the reliability curve.
    """
    train = device_bias_cohort(n, seed=seed)
    test = device_bias_cohort(n, seed=next_seed(seed))
    return lambda: train_and_evaluate(train, test, threshold=0.5, seed=seed)
