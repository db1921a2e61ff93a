"""Tables of the graded exercise "Telling kinds of AI apart" (module 1): weights from examples.

The learner trains nothing by hand: each table comes from the run the sandbox page *Biased
data* makes in its under-representation variant
(:func:`aimed.engines.model_scenarios.run_biased_data`, the module page's own example): a
standardised logistic regression trained on 10,000 synthetic patients of two groups in which
the same disease shows in different test results, and judged on 10,000 new patients, half in
each group. Here the model's weights are shown in the units of its inputs (one number per
test result or year of age, and a starting value), so that a physician can work out one
patient's risk by hand and watch the weights move when the examples change.

The learner's namespace gets the tables only: a run is named by its share of group B and its
seed, and no function here returns a risk, a weight difference or a model. The hidden checks
compute those from :mod:`aimed.trainer.keys.what_ai_is`. Numbers are formatted in the
notebook's language (:func:`aimed.notebooks.helpers.set_language`); the cohort's parameters
are illustrative (:func:`aimed.engines.cohorts.representation_cohort`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from aimed.engines.cohorts import Cohort
from aimed.engines.model_scenarios import BiasRun, run_biased_data
from aimed.engines.models import TrainedModel
from aimed.notebooks.helpers import current_language
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import check_seed, check_share

__all__ = [
    "N_PATIENTS",
    "SHOWN_PATIENTS",
    "found_table",
    "patients_table",
    "training_table",
    "weights_table",
]

NS = "weight_tables"
N_PATIENTS = 10_000  # the sandbox page's default: training and test sets alike
WEIGHT_DIGITS = 3  # decimals of a shown weight: a risk worked out from them is within 0.005
# The patients the learner reads, from the test set every run is judged on: in this order,
# one of group A with the disease showing in test result 1, one of group B with it showing in
# test result 2, one without the disease. (group, disease, feature that must be high)
SHOWN_PATIENTS: tuple[tuple[str, int, str], ...] = (
    ("A", 1, "marker_1"),
    ("B", 1, "marker_2"),
    ("A", 0, ""),
)
HIGH = 2.0  # a "high" test result, in standard deviations above the healthy mean
NORMAL = 0.5  # the other test results of a shown patient stay below this


def _text(key: str, **values: object) -> str:
    return t(f"{NS}.{key}", current_language(), **values)


@lru_cache(maxsize=8)
def _cached_run(share_b: float, seed: int) -> BiasRun:
    return run_biased_data("representation", share_b=share_b, n=N_PATIENTS, seed=seed)


def run(share_b: float, seed: int = 0) -> BiasRun:
    """The sandbox's under-representation run with group B at ``share_b`` of the training set."""
    return _cached_run(check_share(share_b), check_seed(seed))


def _check_runs(runs: object) -> list[tuple[float, int]]:
    """A non-empty list of (group B's share, seed) pairs, each a valid run."""
    pairs = list(runs) if isinstance(runs, list | tuple) else []
    if not pairs or not all(isinstance(p, list | tuple) and len(p) == 2 for p in pairs):
        raise ValueError(
            f"expected a list of (share of group B, seed) pairs such as [(0.05, 0)], got {runs!r}"
        )
    return [(check_share(share_b), check_seed(seed)) for share_b, seed in pairs]


def weights(model: TrainedModel) -> dict[str, float]:
    """The logistic model's weights per unit of each input, and its starting value (``""``).

    The engine standardises each input before the regression; undoing that gives one weight
    per year of age or per unit of a test result, and the starting value (the intercept)
    for a patient whose inputs are all zero: risk = 1 / (1 + exp(-(start + sum of weight x value))).
    """
    scaler = model.estimator.named_steps["standardscaler"]
    regression = model.estimator.named_steps["logisticregression"]
    per_unit = regression.coef_[0] / scaler.scale_
    start = float(regression.intercept_[0] - np.sum(per_unit * scaler.mean_))
    return {"": start} | {f: float(w) for f, w in zip(model.features, per_unit, strict=True)}


def _run_name(share_b: float, seed: int) -> str:
    lang = current_language()
    return _text("run", share=numbers.percent(share_b, lang, digits=0), sample=seed + 1)


def _feature(feature: str) -> str:
    return t(f"cohorts.features.{feature}", current_language())


def training_table(runs: Sequence[tuple[float, int]]) -> pd.DataFrame:
    """What each training set holds: patients and patients with the disease, group by group."""
    lang = current_language()
    columns = {}
    for share_b, seed in _check_runs(runs):
        frame = run(share_b, seed).train.frame
        values = []
        for group in ("A", "B"):
            rows = frame[frame["group"] == group]
            values += [
                numbers.count(len(rows), lang),
                numbers.count(int(rows["disease"].sum()), lang),
            ]
        columns[_run_name(share_b, seed)] = values
    index = [
        _text(f"training.{what}", group=t(f"cohorts.groups.{group}", lang))
        for group in ("A", "B")
        for what in ("patients", "cases")
    ]
    return pd.DataFrame(columns, index=pd.Index(index, name=_text("training.title")))


def weights_table(runs: Sequence[tuple[float, int]]) -> pd.DataFrame:
    """Each run's weights, one column per run: the starting value, then one row per input."""
    lang = current_language()
    runs = _check_runs(runs)
    first = run(*runs[0]).evaluation.model
    names = ["", *first.features]
    columns = {_text("weights.unit"): [_text(f"unit.{name or 'start'}") for name in names]}
    for share_b, seed in runs:
        learned = weights(run(share_b, seed).evaluation.model)
        columns[_run_name(share_b, seed)] = [
            numbers.decimal(learned[name], lang, WEIGHT_DIGITS) for name in names
        ]
    index = [_text("weights.start") if not name else _feature(name) for name in names]
    return pd.DataFrame(columns, index=pd.Index(index, name=_text("weights.title")))


def _is_normal(row: pd.Series, keep: str) -> bool:
    markers = ("marker_1", "marker_2", "marker_3")
    return all(abs(row[m]) < NORMAL for m in markers if m != keep)


@lru_cache(maxsize=1)
def shown_patients() -> pd.DataFrame:
    """The three test-set patients of :data:`SHOWN_PATIENTS`, each the first that fits.

    Every run is judged on the same 10,000 new patients (the seed-0 runs' test set, half in
    each group), so the same patient can be scored by models trained on different examples.
    """
    test: Cohort = run(0.05, 0).evaluation.test
    frame = test.frame
    chosen = []
    for group, disease, high in SHOWN_PATIENTS:
        fits = (frame["group"] == group) & (frame["disease"] == disease)
        if high:
            fits &= frame[high] >= HIGH
        rows = frame[fits]
        row = next(i for i, r in rows.iterrows() if _is_normal(r, high))
        chosen.append(frame.loc[row])
    shown = pd.DataFrame(chosen).reset_index(drop=True)
    shown.index = pd.RangeIndex(1, len(shown) + 1)
    return shown


def patients_table() -> pd.DataFrame:
    """The shown patients as a physician reads them: group, age, test results, diagnosis."""
    lang = current_language()
    shown = shown_patients()
    rows = []
    for _, patient in shown.iterrows():
        row = {
            _text("patients.group"): t(f"cohorts.groups.{patient['group']}", lang),
            _feature("age"): numbers.count(int(patient["age"]), lang),
        }
        for marker in ("marker_1", "marker_2", "marker_3"):
            row[_feature(marker)] = numbers.decimal(float(patient[marker]), lang, 2)
        row[_text("patients.disease")] = _text("yes" if patient["disease"] else "no")
        rows.append(row)
    table = pd.DataFrame(rows)
    table.index = pd.RangeIndex(1, len(rows) + 1, name=_text("patients.patient"))
    return table


def found_table(runs: Sequence[tuple[float, int]]) -> pd.DataFrame:
    """What each model finds among 10,000 new patients: the share of each group's cases it flags.

    The sandbox page's measure (sensitivity at a predicted risk of 50%), one column per run.
    """
    lang = current_language()
    columns = {}
    for share_b, seed in _check_runs(runs):
        by_group = run(share_b, seed).by_group
        columns[_run_name(share_b, seed)] = [
            numbers.percent(float(by_group.loc[group, "sensitivity"]), lang) for group in ("A", "B")
        ]
    index = [_text("found.group", group=t(f"cohorts.groups.{g}", lang)) for g in ("A", "B")]
    return pd.DataFrame(columns, index=pd.Index(index, name=_text("found.title")))
