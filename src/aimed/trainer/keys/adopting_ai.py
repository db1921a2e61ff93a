"""Answer keys of the exercise "Bringing an AI tool into your service": the vendor's figures at
the service's prevalence (the course's Bayes engine), the silent trial's size, and what the
monitoring chart shows (see ``aimed.notebooks.adopting_ai`` for what the learner sees)."""

from __future__ import annotations

import math

from aimed.engines.bayes import PredictiveValues, predictive_values
from aimed.notebooks.adopting_ai import (
    AUDIT_SEED,
    BASELINE,
    SERVICE,
    TRIAL,
    VENDOR,
    control_limits,
    monthly_audit,
)

__all__ = [
    "alerts_per_day",
    "drift_start",
    "first_alarm",
    "here",
    "trial_cases",
    "trial_scans",
]


def here() -> PredictiveValues:
    """The vendor's sensitivity and specificity at the service's prevalence."""
    return predictive_values(VENDOR.sensitivity, VENDOR.specificity, SERVICE.prevalence)


def alerts_per_day() -> float:
    """Positive results a day at the service's volume: true and false alerts together."""
    rate = VENDOR.sensitivity * SERVICE.prevalence + (1 - VENDOR.specificity) * (
        1 - SERVICE.prevalence
    )
    return SERVICE.scans_per_day * rate


def trial_cases() -> int:
    """Haemorrhages the silent trial needs: z^2 p(1 - p) / E^2 rounded up (normal approximation)."""
    p = TRIAL.expected_sensitivity
    return math.ceil(TRIAL.z**2 * p * (1 - p) / TRIAL.margin**2)


def trial_scans() -> int:
    """Scans to enrol for that many haemorrhages at the service's prevalence, rounded up."""
    return math.ceil(trial_cases() / SERVICE.prevalence)


def _outside(seed: int) -> list[bool]:
    limits = control_limits(monthly_audit(seed))
    return [
        not low <= value <= high
        for value, low, high in zip(
            limits["sensitivity"], limits["lower"], limits["upper"], strict=True
        )
    ]


def first_alarm(seed: int = AUDIT_SEED) -> int:
    """The first month whose point falls outside the control limits."""
    outside = _outside(seed)
    if not any(outside):
        raise ValueError("no month outside the limits: the audit shows no alarm")
    return outside.index(True) + 1


def drift_start(seed: int = AUDIT_SEED) -> int:
    """First month of the run below the centre line that leads to the first alarm."""
    limits = control_limits(monthly_audit(seed))
    alarm = first_alarm(seed)
    below = (limits["sensitivity"] < BASELINE).tolist()
    month = alarm
    while month > 1 and below[month - 2]:
        month -= 1
    return month
