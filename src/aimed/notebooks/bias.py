"""Tables of a subgroup audit, for the graded exercise "Auditing a model by subgroup".

A physician audits a model the way a careful reader of a vendor's report would: first the
one overall figure, then the same figures group by group, then calibration per group, then
what each alert threshold costs each group. Every number comes from the engines the
sandbox page *Biased data* uses (``aimed.engines.model_scenarios.run_biased_data``, then
``aimed.engines.group_metrics``): these functions only lay the results out, in the learner's
language (``aimed.notebooks.helpers.set_language``), with labels in
``locales/subgroup_tables.*.toml`` and the group names of ``locales/cohorts.*.toml``.

Rates are proportions rounded to 3 decimals, AUCs to 3 decimals, alerts per 100 patients
to 1 decimal and missed patients per 1,000 to whole patients, so a learner's answers read
from a table match the engine to the rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from aimed.engines.group_metrics import auc, calibration, group_metrics, predict_at
from aimed.engines.model_scenarios import BiasRun, run_biased_data
from aimed.engines.models import Evaluation
from aimed.notebooks.helpers import current_language, in_percent
from aimed.texts.i18n import t
from aimed.validation import InputError

__all__ = [
    "AUDITS",
    "audit_run",
    "calibration_table",
    "group_table",
    "overall_table",
    "threshold_costs_table",
]


# The runs the exercise names: the notebook holds a name, never the run (its errors and
# risks would answer the questions); the tables and the answer keys rebuild it from here.
# Each is the sandbox page's device-bias run (10,000 patients to train, 10,000 to test,
# seed 0), with the oximeter's error larger in group B or the same in both groups.
AUDITS: dict[str, bool] = {"device_bias": True, "device_same_error": False}


def _text(key: str, **values: object) -> str:
    return t(f"subgroup_tables.{key}", current_language(), **values)


@lru_cache(maxsize=len(AUDITS))
def _named_run(name: str) -> BiasRun:
    return run_biased_data("device", bias_on=AUDITS[name], n=10_000, seed=0)


def audit_run(name: str) -> BiasRun:
    """The run an exercise names in :data:`AUDITS`, trained once per process."""
    if not isinstance(name, str) or name not in AUDITS:
        raise InputError(
            "subgroup_tables.errors.audit", names=", ".join(AUDITS), given=repr(name)[:40]
        )
    return _named_run(name)


def _evaluation(run: BiasRun | Evaluation | str) -> Evaluation:
    if isinstance(run, BiasRun | Evaluation):
        return run.evaluation if isinstance(run, BiasRun) else run
    return audit_run(run).evaluation


def _group_name(evaluation: Evaluation, group: str) -> str:
    """A group as the sandbox page names it: the device cohort says which skin it stands for."""
    lang = current_language()
    if group == "all":
        return t("cohorts.groups.all", lang)
    family = "device_groups" if evaluation.test.name == "device" else "groups"
    return t(f"cohorts.{family}.{group}", lang)


def _groups(evaluation: Evaluation) -> list[str]:
    return sorted({str(g) for g in evaluation.test.groups})


def _rate(value: float) -> float:
    return round(float(value), 3)


def overall_table(run: BiasRun | Evaluation | str) -> pd.DataFrame:
    """What a vendor's summary shows: one row for all patients at the run's threshold.

    Patients, patients with the condition (count), AUC, sensitivity, missed share
    (false-negative rate) and alerts per 100 patients.
    """
    evaluation = _evaluation(run)
    everyone = evaluation.by_group.loc["all"]
    y = evaluation.test.y_true
    row = {
        _text("table.patients"): int(everyone["n"]),
        _text("table.with_condition"): int(np.sum(y)),
        _text("table.auc"): _rate(auc(y, evaluation.risk)),
        _text("table.sensitivity"): _rate(everyone["sensitivity"]),
        _text("table.missed"): _rate(everyone["false_negative_rate"]),
        _text("table.alerts_per_100"): round(100 * float(everyone["selection_rate"]), 1),
    }
    frame = pd.DataFrame([row], index=[_group_name(evaluation, "all")])
    frame.index.name = _text("table.threshold_now", threshold=round(100 * evaluation.threshold))
    return in_percent(frame, _text("table.sensitivity"), _text("table.missed"))


def group_table(run: BiasRun | Evaluation | str) -> pd.DataFrame:
    """The same figures group by group, then all patients: the subgroup audit.

    Per group: patients, patients with the condition (count), AUC (ranking within the
    group), sensitivity, missed share (false-negative rate), specificity and alerts per
    100 patients, at the run's threshold.
    """
    evaluation = _evaluation(run)
    y, risk, groups = evaluation.test.y_true, evaluation.risk, evaluation.test.groups
    rows = []
    for group in [*_groups(evaluation), "all"]:
        inside = np.ones(len(y), dtype=bool) if group == "all" else groups.astype(str) == group
        metrics = evaluation.by_group.loc[group]
        rows.append(
            {
                _text("table.patients"): int(metrics["n"]),
                _text("table.with_condition"): int(np.sum(y[inside])),
                _text("table.auc"): _rate(auc(y[inside], risk[inside])),
                _text("table.sensitivity"): _rate(metrics["sensitivity"]),
                _text("table.missed"): _rate(metrics["false_negative_rate"]),
                _text("table.specificity"): _rate(metrics["specificity"]),
                _text("table.alerts_per_100"): round(100 * float(metrics["selection_rate"]), 1),
            }
        )
    names = [_group_name(evaluation, g) for g in [*_groups(evaluation), "all"]]
    frame = pd.DataFrame(rows, index=names)
    frame.index.name = _text("table.threshold_now", threshold=round(100 * evaluation.threshold))
    shares = ("sensitivity", "missed", "specificity")
    return in_percent(frame, *(_text(f"table.{share}") for share in shares))


def calibration_table(run: BiasRun | Evaluation | str) -> pd.DataFrame:
    """Calibration in the large per group: the share who have the condition vs the mean risk.

    A calibrated model predicts, on average, the share that turns out to have the
    condition, in every group (``aimed.engines.group_metrics.calibration``).
    """
    evaluation = _evaluation(run)
    y, risk, groups = evaluation.test.y_true, evaluation.risk, evaluation.test.groups
    rows = []
    for group in [*_groups(evaluation), "all"]:
        inside = np.ones(len(y), dtype=bool) if group == "all" else groups.astype(str) == group
        fit = calibration(y[inside], risk[inside])
        rows.append(
            {
                _text("table.patients"): int(np.sum(inside)),
                _text("table.observed"): _rate(fit.observed_rate),
                _text("table.predicted"): _rate(fit.mean_risk),
            }
        )
    frame = pd.DataFrame(
        rows, index=[_group_name(evaluation, g) for g in [*_groups(evaluation), "all"]]
    )
    frame.index.name = _text("table.group")
    return in_percent(frame, _text("table.observed"), _text("table.predicted"))


def _check_thresholds(thresholds: Sequence[int]) -> list[int]:
    """Whole percentages from 1 to 99 (a proportion such as 0.2 typed by mistake is refused)."""
    chosen = list(thresholds) if isinstance(thresholds, list | tuple) else [thresholds]
    ok = bool(chosen) and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and 1 <= v <= 99 for v in chosen
    )
    if not ok:
        raise InputError("subgroup_tables.errors.thresholds", given=repr(thresholds))
    return [int(v) for v in chosen if isinstance(v, int | np.integer)]


def threshold_costs_table(
    run: BiasRun | Evaluation | str, thresholds: Sequence[int]
) -> pd.DataFrame:
    """What each alert threshold (alert when the risk reaches it, in %) costs each group.

    Per threshold: the missed share (false-negative rate) and the missed patients per
    1,000 patients in each group, then alerts per 100 patients and the share of alerts
    that are true (PPV), all patients together. The model is the run's; only the
    threshold changes.
    """
    evaluation = _evaluation(run)
    y, risk, groups = evaluation.test.y_true, evaluation.risk, evaluation.test.groups
    names = {g: _group_name(evaluation, g) for g in _groups(evaluation)}
    rows = []
    for threshold in _check_thresholds(thresholds):
        table = group_metrics(y, predict_at(risk, threshold / 100), groups)
        row: dict[str, float | int] = {_text("table.threshold"): threshold}
        for group, name in names.items():
            row[_text("table.missed_in", group=name)] = _rate(
                table.loc[group, "false_negative_rate"]
            )
        for group, name in names.items():
            missed = table.loc[group, "prevalence"] * table.loc[group, "false_negative_rate"]
            row[_text("table.missed_per_1000_in", group=name)] = round(1000 * float(missed))
        row[_text("table.alerts_per_100")] = round(
            100 * float(table.loc["all", "selection_rate"]), 1
        )
        row[_text("table.ppv")] = _rate(table.loc["all", "ppv"])
        rows.append(row)
    frame = pd.DataFrame(rows).set_index(_text("table.threshold"))
    missed = [_text("table.missed_in", group=name) for name in names.values()]
    return in_percent(frame, *missed, _text("table.ppv"))
