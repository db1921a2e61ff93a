"""Answer keys of the exercise "Auditing a model by subgroup": a run's missed patients, its
gap between groups, its calibration and what a threshold costs each group.

The learner's notebook holds the names of the runs (``aimed.notebooks.bias.AUDITS``) and
their tables; the hidden checks rebuild the run here and compute from the engine's own
arrays (``aimed.engines.group_metrics``), not from the rounded tables.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from aimed.engines.group_metrics import calibration, group_gap, predict_at
from aimed.engines.models import Evaluation
from aimed.notebooks.bias import audit_run


def _evaluation(name: str) -> Evaluation:
    return audit_run(name).evaluation


def missed(name: str) -> int:
    """Patients with the condition who get no alert at the run's threshold (all groups)."""
    ev = _evaluation(name)
    return int(((ev.predicted == 0) & (ev.test.y_true == 1)).sum())


def worse_group(name: str) -> str:
    """The group whose patients with the condition are missed more often."""
    return str(group_gap(_evaluation(name).by_group, "false_negative_rate").worse_group)


def missed_share(name: str, group: str) -> float:
    """A group's false-negative rate at the run's threshold."""
    return float(_evaluation(name).by_group.loc[group, "false_negative_rate"])


def observed_expected(name: str, group: str) -> float:
    """A group's observed share with the condition over its mean predicted risk."""
    ev = _evaluation(name)
    inside = ev.test.groups == group
    return float(calibration(ev.test.y_true[inside], ev.risk[inside]).observed_expected)


def highest_threshold(name: str, thresholds: Iterable[int], most_missed: float) -> int:
    """The highest threshold (in %) at which no group's false-negative rate is above the limit.

    The false-negative rate of each group is counted directly (a learner's check runs this for
    every threshold offered; ``group_metrics`` builds a whole table each time).
    """
    ev = _evaluation(name)
    ill = ev.test.y_true == 1
    groups = [ill & (ev.test.groups == g) for g in np.unique(ev.test.groups)]
    groups = [inside for inside in groups if inside.any()]  # a group with nobody ill: no rate

    def worst(cut: int) -> float:
        silent = predict_at(ev.risk, cut / 100) == 0
        return max(float(silent[inside].mean()) for inside in groups)

    return max(cut for cut in thresholds if worst(cut) <= most_missed)


def missed_per_1000(name: str, threshold: int, group: str) -> float:
    """Patients of a group missed at a threshold (in %), per 1,000 patients of that group."""
    ev = _evaluation(name)
    inside = ev.test.groups == group
    silent = (predict_at(ev.risk[inside], threshold / 100) == 0) & (ev.test.y_true[inside] == 1)
    return float(1000 * silent.mean())


def extra_alerts_per_100(name: str, threshold: int) -> float:
    """Alerts per 100 patients at a threshold (in %), minus those at the run's threshold."""
    ev = _evaluation(name)
    lower = predict_at(ev.risk, threshold / 100).mean()
    return float(100 * (lower - predict_at(ev.risk, ev.threshold).mean()))
