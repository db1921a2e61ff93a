"""Answer keys of the exercise "Telling a patient her risk": counts of people and the right
picture, from the calculator's risk and treatment T's relative risk (the learner works them
out from ``calculator_output`` and ``treatment_table``)."""

from __future__ import annotations

from aimed.notebooks.patient_relationship import (
    PANELS,
    RELATIVE_RISK,
    icon_panels,
    patient_risk,
)

__all__ = ["absolute_reduction", "of", "patient_risk", "right_panel", "treated_risk"]


def treated_risk(key: str) -> float:
    """The patient's ten-year risk with treatment T: the relative risk applied to her risk."""
    return patient_risk(key) * RELATIVE_RISK


def absolute_reduction(key: str) -> float:
    """How much T lowers the patient's risk, as a proportion (risk without minus with)."""
    return patient_risk(key) - treated_risk(key)


def of(people: int, risk: float) -> float:
    """A risk as a natural frequency: how many of ``people`` (not rounded)."""
    return people * risk


def right_panel(key: str) -> str:
    """The one picture that shows the patient's counts out of 100: with an event even when
    treated, avoided thanks to T, and neither."""
    panels = icon_panels(key)
    with_t = round(of(100, treated_risk(key)))
    without_t = round(of(100, patient_risk(key)))
    expected = (with_t, without_t - with_t, 100 - without_t)
    matches = [letter for letter in PANELS if panels[letter] == expected]
    if len(matches) != 1:
        raise AssertionError(f"exactly one picture must be right, found {matches}")
    return matches[0]
