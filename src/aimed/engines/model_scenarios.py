"""The three bias scenarios as single calls, and their guided "try this" settings.

Pages (sandbox/scenarios/30_biased_data.py, 40_hospital_shift.py, 50_shortcut.py) and
tests call the same functions, so a guided path that shows a failure in the sandbox is
the path a test proves. Each run trains a real model on one synthetic cohort and judges
it on patients it never saw (another seed, or another site). Pages cache the results;
here, only the last few shortcut runs are kept (:func:`run_shortcut`), so the sandbox can
train its default settings before the first visitor arrives (``sandbox/launch.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import pandas as pd

from aimed.engines.cohorts import (
    Cohort,
    device_bias_cohort,
    hospital_cohort,
    proxy_label_cohort,
    representation_cohort,
    sample_patients,
    shortcut_cohort,
)
from aimed.engines.group_metrics import check_threshold
from aimed.engines.models import (
    Evaluation,
    evaluate,
    permutation_importances,
    recalibrate,
    train_model,
)
from aimed.validation import check_choice, next_seed

__all__ = [
    "BIASES",
    "RUNS",
    "SHORTCUT_FEATURE",
    "TRY_THIS",
    "BiasRun",
    "ShiftRun",
    "ShortcutRun",
    "TryThis",
    "run_biased_data",
    "run_hospital_shift",
    "run_shortcut",
]

BIASES: tuple[str, ...] = ("device", "proxy", "representation")
SHORTCUT_FEATURE = "portable_marker"
_TEST_SEED_OFFSET = 1
# Permutation importances on at most this many internal patients: the ranking and the values
# (to about 0.005 of AUC) are those of the whole test set, at a fraction of the time.
IMPORTANCE_SAMPLE = 5_000
_LOCAL_SAMPLE_SEED_OFFSET = 2


# --- biased training data (page 30) ---------------------------------------------------


@dataclass(frozen=True)
class BiasRun:
    """One run of the biased-data scenario: the cohorts and the model's results on test."""

    bias: str
    bias_on: bool
    train: Cohort
    evaluation: Evaluation

    @property
    def by_group(self) -> pd.DataFrame:
        """Per-group metrics against the true outcome (see aimed.engines.group_metrics)."""
        return self.evaluation.by_group


def _bias_cohort(bias: str, n: int, *, bias_on: bool, share_b: float, seed: int) -> Cohort:
    if bias == "device":
        return device_bias_cohort(n, bias=bias_on, seed=seed)
    if bias == "proxy":
        return proxy_label_cohort(n, label="cost" if bias_on else "need", seed=seed)
    return representation_cohort(n, share_b=share_b, seed=seed)


def run_biased_data(
    bias: str = "device",
    *,
    bias_on: bool = True,
    share_b: float = 0.5,
    threshold: float = 0.5,
    kind: str = "logistic",
    n: int = 10_000,
    seed: int = 0,
) -> BiasRun:
    """Train on a cohort with (or without) the chosen bias; judge on fresh patients.

    ``bias="device"``: the oximeter over-reads more in group B (``bias_on``) or equally
    in both. ``"proxy"``: trained on future cost (``bias_on``) or on health need; judged
    on need. ``"representation"``: ``share_b`` is group B's share of the training set
    and the test set is half A, half B (``bias_on`` is ignored); the other biases keep
    their generator's mix (device: half and half; proxy: 12.3% in B, as in Obermeyer's
    sample). ``n`` patients are used to train and another ``n`` to test (seed + 1).
    """
    bias = check_choice(bias, BIASES, "cohorts.errors.bias")
    cut = check_threshold(threshold)
    train = _bias_cohort(bias, n, bias_on=bias_on, share_b=share_b, seed=seed)
    test_share = 0.5
    test = _bias_cohort(
        bias, n, bias_on=bias_on, share_b=test_share, seed=next_seed(seed, _TEST_SEED_OFFSET)
    )
    model = train_model(train, kind=kind, seed=seed)
    return BiasRun(bias, bool(bias_on), train, evaluate(model, test, threshold=cut))


# --- model moved to another hospital (page 40) -----------------------------------------


@dataclass(frozen=True)
class ShiftRun:
    """A model trained at hospital A, judged at A, at B, and at B after recalibration."""

    at_a: Evaluation
    at_b: Evaluation
    at_b_recalibrated: Evaluation
    local_sample: Cohort


def run_hospital_shift(
    *,
    n: int = 10_000,
    recalibration_n: int = 200,
    threshold: float = 0.2,
    kind: str = "logistic",
    seed: int = 0,
) -> ShiftRun:
    """Train at A on ``n`` patients; judge on ``n`` new patients at A and ``n`` at B.

    Recalibration fits the logit of the model's risk on ``recalibration_n`` other site-B
    patients (a local audit sample) and is judged on the same ``n`` site-B patients.
    """
    cut = check_threshold(threshold)
    train = hospital_cohort(n, site="A", seed=seed)
    test_a = hospital_cohort(n, site="A", seed=next_seed(seed, _TEST_SEED_OFFSET))
    test_b = hospital_cohort(n, site="B", seed=next_seed(seed, _TEST_SEED_OFFSET))
    pool = hospital_cohort(
        max(n, recalibration_n, 200), site="B", seed=next_seed(seed, _LOCAL_SAMPLE_SEED_OFFSET)
    )
    local = sample_patients(pool, recalibration_n, seed=seed)
    model = train_model(train, kind=kind, seed=seed)
    return ShiftRun(
        at_a=evaluate(model, test_a, threshold=cut),
        at_b=evaluate(model, test_b, threshold=cut),
        at_b_recalibrated=evaluate(recalibrate(model, local), test_b, threshold=cut),
        local_sample=local,
    )


# --- shortcut learning (page 50) -------------------------------------------------------


@dataclass(frozen=True)
class ShortcutRun:
    """A model judged at its training hospital and elsewhere, and what it leans on."""

    internal: Evaluation
    external: Evaluation
    importances: pd.DataFrame
    marker_removed: bool


def run_shortcut(
    *,
    remove_marker: bool = False,
    n: int = 10_000,
    threshold: float = 0.5,
    kind: str = "logistic",
    seed: int = 0,
) -> ShortcutRun:
    """Train at the training hospital, with or without the scanner tag as a feature.

    Internal results use ``n`` new patients of the training hospital; external results
    ``n`` patients of another hospital, where the tag no longer tracks pneumonia.
    Permutation importances (AUC drop, 5 repeats) are measured on the internal patients
    (a seeded sample of :data:`IMPORTANCE_SAMPLE` when there are more).
    """
    cut = check_threshold(threshold)
    plain = type(n) is int and type(seed) is int and type(kind) is str  # noqa: E721
    if plain:  # the same settings give the same run: train once
        return _shortcut(bool(remove_marker), n, cut, kind, seed)
    return _shortcut.__wrapped__(bool(remove_marker), n, cut, kind, seed)  # refused inside


def warm_shortcut() -> None:
    """Train the shortcut page's opening settings (both variants) ahead of its first visitor."""
    threshold = check_threshold(TRY_THIS["shortcut"][0].settings["threshold"])
    for remove_marker in (False, True):
        run_shortcut(remove_marker=remove_marker, threshold=threshold)


@lru_cache(maxsize=4)
def _shortcut(remove_marker: bool, n: int, cut: float, kind: str, seed: int) -> ShortcutRun:
    train = shortcut_cohort(n, site="training", seed=seed)
    internal = shortcut_cohort(n, site="training", seed=next_seed(seed, _TEST_SEED_OFFSET))
    external = shortcut_cohort(n, site="external", seed=next_seed(seed, _TEST_SEED_OFFSET))
    features = [f for f in train.features if not (remove_marker and f == SHORTCUT_FEATURE)]
    model = train_model(train, kind=kind, features=features, seed=seed)
    return ShortcutRun(
        internal=evaluate(model, internal, threshold=cut),
        external=evaluate(model, external, threshold=cut),
        importances=permutation_importances(
            model,
            sample_patients(internal, min(n, IMPORTANCE_SAMPLE), seed=seed),
            n_repeats=5,
            seed=seed,
        ),
        marker_removed=remove_marker,
    )


# --- guided "try this" settings --------------------------------------------------------


@dataclass(frozen=True)
class TryThis:
    """A guided path: the settings a "try this" button puts on the page's widgets.

    ``page`` is the page's namespace; ``key`` names its texts in that page's locale files;
    ``settings`` are keyword arguments of the page's ``run_*`` function, so
    ``RUNS[page](**settings)`` shows the failure; ``contrast`` are the settings that make
    it shrink (the bias off, the tag removed, the model recalibrated).
    """

    page: str
    key: str
    # keyword arguments of the page's run_* function, each of its own type
    settings: Mapping[str, Any]
    contrast: Mapping[str, Any] = field(default_factory=dict)


TRY_THIS: Mapping[str, tuple[TryThis, ...]] = MappingProxyType(
    {
        "biased_data": (
            TryThis(
                "biased_data",
                "device",
                MappingProxyType({"bias": "device", "bias_on": True, "threshold": 0.5}),
                MappingProxyType({"bias": "device", "bias_on": False, "threshold": 0.5}),
            ),
            TryThis(
                "biased_data",
                "proxy",
                MappingProxyType({"bias": "proxy", "bias_on": True, "threshold": 0.5}),
                MappingProxyType({"bias": "proxy", "bias_on": False, "threshold": 0.5}),
            ),
            TryThis(
                "biased_data",
                "representation",
                MappingProxyType({"bias": "representation", "share_b": 0.05, "threshold": 0.5}),
                MappingProxyType({"bias": "representation", "share_b": 0.5, "threshold": 0.5}),
            ),
        ),
        "hospital_shift": (
            TryThis(
                "hospital_shift",
                "shift",
                MappingProxyType({"threshold": 0.2, "recalibration_n": 200}),
            ),
        ),
        "shortcut": (
            TryThis(
                "shortcut",
                "shortcut",
                MappingProxyType({"remove_marker": False, "threshold": 0.5}),
                MappingProxyType({"remove_marker": True, "threshold": 0.5}),
            ),
        ),
    }
)

RUNS = MappingProxyType(
    {
        "biased_data": run_biased_data,
        "hospital_shift": run_hospital_shift,
        "shortcut": run_shortcut,
    }
)
