"""Answer keys of the exercise "A model moved to another hospital": discrimination, calibration
and alerts of the run at each place, from the engine's own arrays.

The learner's notebook holds the run's name (``aimed.notebooks.world_changes.SHIFTS``) and its
tables, rounded as a reader would copy them; the hidden checks rebuild the run here.
"""

from __future__ import annotations

from collections.abc import Iterable

from aimed.engines.group_metrics import alerts_per_100
from aimed.engines.models import Evaluation
from aimed.notebooks.world_changes import PLACES, shift_run


def evaluation(name: str, place: str) -> Evaluation:
    """The run's evaluation at ``"A"``, ``"B"`` or ``"B_recalibrated"``."""
    run = shift_run(name)
    return dict(zip(PLACES, (run.at_a, run.at_b, run.at_b_recalibrated), strict=True))[place]


def auc(name: str, place: str) -> float:
    return float(evaluation(name, place).performance.auc)


def alerts(name: str, place: str, threshold: float | None = None) -> float:
    """Alerts per 100 patients at a threshold (the run's own when none is given)."""
    ev = evaluation(name, place)
    if threshold is None:
        return float(ev.performance.alerts_per_100)
    return float(alerts_per_100(ev.risk, threshold))


def observed_over_predicted(name: str, place: str) -> float:
    """Calibration in the large: the share with sepsis over the mean predicted risk."""
    fit = evaluation(name, place).performance.calibration
    return float(fit.observed_rate / fit.mean_risk)


def slope(name: str, place: str) -> float:
    return float(evaluation(name, place).performance.calibration.slope)


def band(name: str, place: str, low: float, high: float) -> tuple[float, float]:
    """Among patients given a risk from ``low`` to below ``high``: (observed share, mean risk)."""
    ev = evaluation(name, place)
    inside = (ev.risk >= low) & (ev.risk < high)
    return float(ev.test.y_true[inside].mean()), float(ev.risk[inside].mean())


def local_cases(name: str) -> int:
    """Patients with sepsis in the local sample the model was recalibrated on."""
    return int(shift_run(name).local_sample.y_true.sum())


def lowest_threshold(name: str, place: str, thresholds: Iterable[float], most: float) -> float:
    """The lowest threshold whose alerts per 100 patients stay at or below ``most``."""
    return min(cut for cut in thresholds if alerts(name, place, cut) <= most)


def caught(name: str, place: str, threshold: float) -> float:
    """The share of patients with sepsis whose risk reaches the threshold (sensitivity)."""
    ev = evaluation(name, place)
    sepsis = ev.test.y_true == 1
    return float((ev.risk[sepsis] >= threshold).mean())
