"""Tables and pictures of the graded exercise "Telling a patient her risk" (module 9).

A risk calculator of the kind a practice's software may hold: a real logistic regression
(:func:`aimed.engines.models.train_model`) trained on a seeded synthetic cohort of a general
practice, which estimates the risk of a heart attack or stroke within ten years. The learner
reads its estimate for two patients, a treatment's relative figures, and four icon arrays
(one is right), and turns them into counts of people a patient can follow. These functions
only lay the data out in the learner's language
(:func:`aimed.notebooks.helpers.set_language`); what the counts are, and which picture is
right, is worked out by the hidden checks from :mod:`aimed.trainer.keys.patient_relationship`.

Everything here is made up for teaching: the cohort's settings (:data:`COEFFICIENTS`), the
calculator, the patients and the treatment's relative risk are the course's assumptions,
not a published score or a real drug. The icon arrays are drawn as plain SVG, with no font
file and no network: the core installs without a plotting library (a learner's zip holds
only the core).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from aimed.engines.cohorts import Cohort
from aimed.engines.models import TrainedModel, train_model
from aimed.notebooks import svg
from aimed.notebooks.helpers import current_language
from aimed.notebooks.svg import Picture
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import check_seed

__all__ = [
    "COEFFICIENTS",
    "COHORT_SEED",
    "COHORT_SIZE",
    "FEATURES",
    "PATIENTS",
    "PANELS",
    "RELATIVE_RISK",
    "Patient",
    "calculator_output",
    "icon_arrays",
    "icon_panels",
    "patient_risk",
    "practice_cohort",
    "risk_calculator",
    "treatment_table",
]

NS = "risk_talk"
COHORT_SIZE = 20_000
COHORT_SEED = 2026
FEATURES: tuple[str, ...] = ("age", "male", "systolic", "cholesterol", "smoker", "diabetes")

# The synthetic practice's ten-year risk of a heart attack or stroke, on the log-odds scale:
# a baseline of 5% for a 58-year-old woman with average values, and a change per unit of each
# factor. Chosen by the course to give plausible directions and sizes, not taken from any
# published score: nothing here may be used for a real patient.
COEFFICIENTS: Mapping[str, float] = MappingProxyType(
    {
        "baseline_risk": 0.05,
        "age": 0.07,  # per year above 58
        "male": 0.45,
        "systolic": 0.018,  # per mmHg above 128
        "cholesterol": 0.22,  # per mmol/L above 5.4
        "smoker": 0.65,
        "diabetes": 0.6,
    }
)

# Treatment T of the exercise: a made-up preventive tablet whose summary gives only a relative
# figure, the risk with treatment as a share of the risk without (a teaching assumption).
RELATIVE_RISK = 0.75


@dataclass(frozen=True)
class Patient:
    """What the calculator is given for one patient (``male``: 1 for a man, 0 for a woman)."""

    age: int
    male: int
    systolic: int
    cholesterol: float
    smoker: int
    diabetes: int

    def row(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in FEATURES}


# Mrs L. is the patient the exercise talks to; Mr D. shows the same relative figure at a
# lower risk. Both are made up.
PATIENTS: Mapping[str, Patient] = MappingProxyType(
    {
        "L": Patient(age=60, male=0, systolic=150, cholesterol=5.8, smoker=1, diabetes=0),
        "D": Patient(age=48, male=1, systolic=128, cholesterol=5.0, smoker=0, diabetes=0),
    }
)


def _text(key: str, **values: object) -> str:
    return t(f"{NS}.{key}", current_language(), **values)


def _patient(key: object) -> str:
    if not isinstance(key, str) or key not in PATIENTS:
        known = ", ".join(f'"{k}"' for k in PATIENTS)
        raise ValueError(f"unknown patient {key!r}: use one of {known}")
    return key


# --- The calculator ---------------------------------------------------------------------


def practice_cohort(n: int = COHORT_SIZE, seed: int = COHORT_SEED) -> Cohort:
    """Synthetic adults of a general practice aged 40 to 79, followed for ten years.

    Age about 58 (SD 10), half men, systolic pressure rising with age (SD 16 mmHg), total
    cholesterol 5.4 mmol/L (SD 1.0), 20% smokers, diabetes more frequent with age; the event
    (a heart attack or stroke within ten years) is drawn from :data:`COEFFICIENTS`. About one
    adult in ten has one. Seeded: the same arguments give the same people, row for row.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 200 <= n <= 200_000:
        raise ValueError(f"n must be a whole number of people from 200 to 200,000, got {n!r}")
    rng = np.random.default_rng(check_seed(seed))
    age = np.clip(rng.normal(58, 10, n), 40, 79).round()
    male = (rng.random(n) < 0.5).astype(int)
    systolic = np.clip(rng.normal(128 + 0.5 * (age - 58) + 3 * male, 16, n), 90, 200).round()
    cholesterol = np.clip(rng.normal(5.4, 1.0, n), 2.5, 9.0).round(1)
    smoker = (rng.random(n) < 0.2).astype(int)
    diabetes = (rng.random(n) < 0.03 + 0.003 * (age - 40)).astype(int)
    c = COEFFICIENTS
    log_odds = (
        math.log(c["baseline_risk"] / (1 - c["baseline_risk"]))
        + c["age"] * (age - 58)
        + c["male"] * male
        + c["systolic"] * (systolic - 128)
        + c["cholesterol"] * (cholesterol - 5.4)
        + c["smoker"] * smoker
        + c["diabetes"] * diabetes
    )
    event = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(int)
    frame = pd.DataFrame(
        {
            "age": age,
            "male": male,
            "systolic": systolic,
            "cholesterol": cholesterol,
            "smoker": smoker,
            "diabetes": diabetes,
            "event": event,
        }
    )
    return Cohort(
        name="practice",
        frame=frame,
        features=FEATURES,
        label="event",
        outcome="event",
        group="male",
        seed=seed,
    )


@cache
def risk_calculator() -> TrainedModel:
    """The calculator: a logistic regression learned from the synthetic practice's records."""
    return train_model(practice_cohort(), kind="logistic", seed=COHORT_SEED)


def patient_risk(key: str) -> float:
    """The calculator's ten-year risk for one patient of :data:`PATIENTS`, from 0 to 1."""
    patient = PATIENTS[_patient(key)]
    return float(risk_calculator().predict_risk(pd.DataFrame([patient.row()]))[0])


# --- Tables a learner reads ---------------------------------------------------------------


def calculator_output() -> pd.DataFrame:
    """What the calculator was given for each patient, and the risk it shows (one column each).

    The risk is printed as the calculator's screen would, a percentage with one decimal.
    """
    lang = current_language()
    columns = {}
    for key, p in PATIENTS.items():
        columns[_text(f"patient.{key}")] = [
            numbers.counted("risk_talk.value.years", p.age, lang),
            _text("value.man") if p.male else _text("value.woman"),
            _text("value.mmhg", value=p.systolic),
            _text("value.mmol", value=numbers.decimal(p.cholesterol, lang, 1)),
            _text("value.yes") if p.smoker else _text("value.no"),
            _text("value.yes") if p.diabetes else _text("value.no"),
            numbers.percent(patient_risk(key), lang, 1),
        ]
    rows = ("age", "sex", "systolic", "cholesterol", "smoker", "diabetes", "risk")
    index = pd.Index([_text(f"row.{r}") for r in rows], name=_text("row.heading"))
    return pd.DataFrame(columns, index=index)


def treatment_table() -> pd.DataFrame:
    """Treatment T as its summary gives it: relative figures only, and where they come from."""
    lang = current_language()
    rows = {
        _text("treatment.outcome"): _text("treatment.outcome_value"),
        _text("treatment.relative_risk"): numbers.decimal(RELATIVE_RISK, lang, 2),
        _text("treatment.reduction"): numbers.percent(1 - RELATIVE_RISK, lang, 0),
        _text("treatment.leaflet"): _text(
            "treatment.leaflet_value", reduction=numbers.percent(1 - RELATIVE_RISK, lang, 0)
        ),
        _text("treatment.source"): _text("treatment.source_value"),
    }
    frame = pd.DataFrame({_text("treatment.heading"): list(rows.values())}, index=list(rows))
    frame.index.name = _text("treatment.name")
    return frame


# --- Icon arrays ----------------------------------------------------------------------------

PANELS: tuple[str, ...] = ("A", "B", "C", "D")
KINDS: tuple[str, ...] = ("event", "avoided", "none")  # drawn in this order, row by row
COLOURS = {"event": "#D55E00", "avoided": "#0072B2", "none": "#D9D9D9"}  # Okabe-Ito


def _round(x: float) -> int:
    """Halves upwards, as people round by hand."""
    return math.floor(x + 0.5 + 1e-9)


def icon_panels(key: str, relative_risk: float = RELATIVE_RISK) -> dict[str, tuple[int, ...]]:
    """The four pictures' counts of 100 people like the patient: (event, avoided, none).

    *event*: a heart attack or stroke, treated or not; *avoided*: one the treatment prevents;
    *none*: neither. One picture applies the relative risk to the risk as it should; the
    others are drawn as common misreadings would draw them.
    """
    base = _round(100 * patient_risk(key))
    treated = _round(100 * patient_risk(key) * relative_risk)
    spared = base - treated
    return {
        "A": (spared, treated, 100 - base),  # the relative risk read as the share avoided
        "B": (0, base, 100 - base),  # every event avoided
        "C": (base, spared, 100 - base - spared),  # the avoided events added to the risk
        "D": (treated, spared, 100 - base),
    }


ICON_W, ICON_H = 22, 26  # one person's cell, in SVG units
PANEL_W, PANEL_H = 10 * ICON_W + 20, 10 * ICON_H + 40


def _person(x: float, y: float, colour: str) -> str:
    """One person: a head and shoulders, drawn with a circle and a path (no font, no image)."""
    cx = x + ICON_W / 2
    return (
        f'<g fill="{colour}"><circle cx="{cx:g}" cy="{y + 6:g}" r="4.5"/>'
        f'<path d="M{cx - 7:g},{y + 23:g} v-6 q0,-6 7,-6 q7,0 7,6 v6 z"/></g>'
    )


def _panel(letter: str, counts: tuple[int, ...], left: float, top: float) -> str:
    kinds = [kind for kind, n in zip(KINDS, counts, strict=True) for _ in range(n)]
    people = "".join(
        _person(left + 10 + (i % 10) * ICON_W, top + 34 + (i // 10) * ICON_H, COLOURS[kind])
        for i, kind in enumerate(kinds)
    )
    title = svg.text(left + 10, top + 22, letter, size=18, bold=True)
    frame = (
        f'<rect x="{left:g}" y="{top:g}" width="{PANEL_W:g}" height="{PANEL_H:g}" '
        'fill="none" stroke="#595959" stroke-width="1"/>'
    )
    return frame + title + people


def _legend(top: float) -> str:
    parts = []
    for i, kind in enumerate(KINDS):
        y = top + i * 28
        parts.append(_person(4, y, COLOURS[kind]))
        parts.append(svg.text(32, y + 18, _text(f"icons.{kind}"), size=14))
    return "".join(parts)


def icon_arrays(key: str = "L") -> Picture:
    """Four pictures of 100 people like the patient over ten years, A to D: one is right."""
    panels = icon_panels(_patient(key))
    gap, margin, top = 16, 1, 48
    width = 2 * PANEL_W + gap + 2 * margin
    patient = _text(f"patient.{key}")
    heading = (_text("icons.heading", patient=patient), _text("icons.heading_2"))
    body = []
    for i, letter in enumerate(PANELS):
        left = margin + (i % 2) * (PANEL_W + gap)
        body.append(_panel(letter, panels[letter], left, top + (i // 2) * (PANEL_H + gap)))
    legend_top = top + 2 * (PANEL_H + gap)
    height = legend_top + 3 * 28 + 4
    description = " ".join(
        [*heading]
        + [
            _text("icons.describe", letter=letter, event=e, avoided=a, none=n)
            for letter, (e, a, n) in panels.items()
        ]
    )
    lines = "".join(svg.text(margin, 16 + 20 * i, line, size=15) for i, line in enumerate(heading))
    body_svg = lines + "".join(body) + _legend(legend_top)
    return svg.picture(width, height, body_svg, title=description, description=description)
