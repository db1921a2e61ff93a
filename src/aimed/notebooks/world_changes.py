"""Tables for the graded exercise "A model moved to another hospital" (module 5).

A physician reads these tables; they never compute. Every number comes from the run the
sandbox page *Hospital shift* makes (:func:`aimed.engines.model_scenarios.run_hospital_shift`): a
logistic regression trained on synthetic patients of hospital A, judged on new patients
of A, on patients of hospital B, and at B after recalibration on a small local sample.
The measures are those of :mod:`aimed.engines.group_metrics` (AUC, calibration, alerts per 100
patients), so the notebook, the sandbox and the module page never disagree. Labels
follow :func:`aimed.notebooks.helpers.current_language`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from aimed.engines.group_metrics import site_performance
from aimed.engines.model_scenarios import ShiftRun, run_hospital_shift
from aimed.engines.models import Evaluation
from aimed.notebooks.helpers import current_language, in_percent
from aimed.texts.i18n import t
from aimed.validation import InputError

__all__ = [
    "PLACES",
    "RISK_BANDS",
    "SHIFTS",
    "alert_threshold_table",
    "calibration_table",
    "local_sample_table",
    "shift_run",
    "site_table",
]

# Where the model is judged: at home (new patients of A), after the move, after recalibration.
PLACES: tuple[str, ...] = ("A", "B", "B_recalibrated")
# Predicted-risk bands of the calibration table: narrow where most patients are, wide above.
RISK_BANDS: tuple[float, ...] = (0.0, 0.05, 0.10, 0.20, 0.40, 1.0)


# The runs the exercise names: the notebook holds a name, never the run (its risks and
# outcomes would answer the questions); the tables and the answer keys rebuild it from here.
# The sandbox page's opening settings: 10,000 patients per hospital, a local sample of 200
# for the recalibration, alerts from a risk of 0.20, seed 0.
SHIFTS: tuple[str, ...] = ("sepsis_model_moved",)


def _text(key: str, **values: object) -> str:
    return t(f"site_shift_tables.{key}", current_language(), **values)


@lru_cache(maxsize=len(SHIFTS))
def _named_run(name: str) -> ShiftRun:
    return run_hospital_shift(n=10_000, recalibration_n=200, threshold=0.20, seed=0)


def shift_run(name: str) -> ShiftRun:
    """The run an exercise names in :data:`SHIFTS`, trained once per process."""
    if not isinstance(name, str) or name not in SHIFTS:
        raise InputError(
            "site_shift_tables.errors.shift", names=", ".join(SHIFTS), given=repr(name)[:40]
        )
    return _named_run(name)


def _evaluation(run: ShiftRun | str, place: str) -> Evaluation:
    """The run's evaluation at one place (``"A"``, ``"B"`` or ``"B_recalibrated"``)."""
    run = run if isinstance(run, ShiftRun) else shift_run(run)
    evaluations = dict(zip(PLACES, (run.at_a, run.at_b, run.at_b_recalibrated), strict=True))
    if place not in evaluations:
        raise ValueError(f"unknown place {place!r}; use one of {', '.join(PLACES)}")
    return evaluations[place]


def site_table(run: ShiftRun | str, places: Sequence[str] = PLACES) -> pd.DataFrame:
    """The same model at each place, one column per place, as the sandbox's side-by-side table.

    Rows: patients, observed sepsis and mean predicted risk (proportions: calibration in
    the large), calibration slope, AUC, the alert threshold, alerts per 100 patients,
    sensitivity and the share of alerts that are true (PPV) at that threshold.
    """
    rows = (
        "patients",
        "observed",
        "predicted",
        "slope",
        "auc",
        "threshold",
        "alerts",
        "sensitivity",
        "ppv",
    )
    columns = {}
    for place in places:
        p = _evaluation(run, place).performance
        values = (
            p.n,
            round(p.calibration.observed_rate, 3),
            round(p.calibration.mean_risk, 3),
            round(p.calibration.slope, 2),
            round(p.auc, 3),
            round(p.threshold, 2),
            round(p.alerts_per_100, 1),
            round(p.sensitivity, 3),
            round(p.ppv, 3),
        )
        columns[_text(f"places.{place}")] = pd.Series(values, dtype=object)
    table = pd.DataFrame(columns)
    table.index = pd.Index([_text(f"site.{row}") for row in rows], name=_text("site.measure"))
    shares = ("observed", "predicted", "sensitivity", "ppv")
    return in_percent(table, rows=[_text(f"site.{row}") for row in shares])


def _band_labels() -> list[str]:
    percents = [round(edge * 100) for edge in RISK_BANDS]
    labels = [_text("bands.below", high=percents[1])]
    labels += [
        _text("bands.between", low=low, high=high)
        for low, high in zip(percents[1:-2], percents[2:-1], strict=True)
    ]
    return [*labels, _text("bands.above", low=percents[-2])]


def calibration_table(run: ShiftRun | str, place: str) -> pd.DataFrame:
    """Observed sepsis against predicted risk, by band of predicted risk, at one place.

    The calibration plot of the page read as numbers: for the patients to whom the model
    gave a risk in each band, how many they are, their mean predicted risk and the share
    who developed sepsis. A calibrated model has the last two close in every band.
    """
    evaluation = _evaluation(run, place)
    risk = np.asarray(evaluation.risk, dtype=float)
    outcome = evaluation.test.y_true
    edges = np.asarray(RISK_BANDS, dtype=float)
    band = np.clip(np.searchsorted(edges, risk, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for index in range(len(edges) - 1):
        chosen = band == index
        n = int(chosen.sum())
        rows.append(
            {
                _text("calibration.patients"): n,
                _text("calibration.predicted"): round(float(risk[chosen].mean()), 3)
                if n
                else float("nan"),
                _text("calibration.observed"): round(float(outcome[chosen].mean()), 3)
                if n
                else float("nan"),
            }
        )
    frame = pd.DataFrame(rows, index=pd.Index(_band_labels(), name=_text("calibration.band")))
    return in_percent(frame, _text("calibration.predicted"), _text("calibration.observed"))


def alert_threshold_table(
    run: ShiftRun | str, place: str, thresholds: Sequence[float]
) -> pd.DataFrame:
    """What each alert threshold would give at one place: alerts per 100, sensitivity, PPV.

    An alert fires when the predicted risk reaches the threshold (a proportion), as on the
    sandbox page; counted by :func:`aimed.engines.group_metrics.site_performance`.
    """
    evaluation = _evaluation(run, place)
    rows = []
    for threshold in thresholds:
        p = site_performance(evaluation.test.y_true, evaluation.risk, threshold)
        rows.append(
            {
                _text("thresholds.threshold"): round(float(threshold), 2),
                _text("thresholds.alerts"): round(p.alerts_per_100, 1),
                _text("thresholds.sensitivity"): round(p.sensitivity, 3),
                _text("thresholds.ppv"): round(p.ppv, 3),
            }
        )
    frame = pd.DataFrame(rows).set_index(_text("thresholds.threshold"))
    return in_percent(frame, _text("thresholds.sensitivity"), _text("thresholds.ppv"))


def local_sample_table(run: ShiftRun | str) -> pd.DataFrame:
    """The local sample of hospital B the model was recalibrated on: how many cases it holds.

    Few cases make the correction itself imprecise; the table shows how few there are.
    """
    run = run if isinstance(run, ShiftRun) else shift_run(run)
    outcome = run.local_sample.y_true
    cases = int(outcome.sum())
    return pd.DataFrame(
        {
            _text("local.patients"): [len(outcome)],
            _text("local.with_sepsis"): [cases],
            _text("local.without_sepsis"): [len(outcome) - cases],
        },
        index=pd.Index([_text("places.B")], name=_text("local.sample")),
    )
