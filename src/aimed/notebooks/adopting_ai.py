"""Data and displays of the graded exercise "Bringing an AI tool into your service" (module 10).

The scenario, invented for the exercise (not a real product, service or patient): a vendor
offers a tool that flags intracranial haemorrhage on emergency head CT scans, with figures
from its own study; the learner's imaging network reads many more scans, at a lower
prevalence. The learner works out from the tables below what the vendor's figures mean at
their prevalence and volume, sizes a silent trial, and reads a monitoring chart. What a
graded answer is (the predictive values, the alerts, the trial's size, the months the chart
shows) is computed by the hidden checks only, from :mod:`aimed.trainer.keys.adopting_ai`
with the course's Bayes engine (:mod:`aimed.engines.bayes`): nothing here returns one.

The monthly audit is seeded synthetic data (:func:`monthly_audit`): each month's scans,
haemorrhages (the radiologists' reports are the reference) and haemorrhages the tool
flagged. Its chart is drawn as SVG by this module, because the learner's install holds the
core alone and matplotlib is a surface's library (``tests/core/test_core_install.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aimed.engines.bayes import predictive_values
from aimed.notebooks import svg
from aimed.notebooks.helpers import current_language
from aimed.notebooks.svg import Picture
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import check_seed

__all__ = [
    "AUDIT_SEED",
    "SERVICE",
    "TRIAL",
    "VENDOR",
    "Service",
    "TrialPlan",
    "VendorStudy",
    "audit_table",
    "control_chart",
    "control_limits",
    "inputs_table",
    "monthly_audit",
    "trial_table",
]

NS = "adopting_tables"


@dataclass(frozen=True)
class VendorStudy:
    """What the vendor published: accuracy at its operating threshold, in its study."""

    sensitivity: float
    specificity: float
    prevalence: float
    scans: int


@dataclass(frozen=True)
class Service:
    """The learner's imaging network: how common haemorrhage is, and how many scans a day."""

    prevalence: float
    scans_per_day: int


@dataclass(frozen=True)
class TrialPlan:
    """The silent trial's aim: sensitivity known within ``margin`` at 95% confidence."""

    expected_sensitivity: float
    margin: float
    confidence: float
    z: float


# The exercise's figures: invented, stated as such in the notebook.
VENDOR = VendorStudy(sensitivity=0.90, specificity=0.92, prevalence=0.40, scans=1000)
SERVICE = Service(prevalence=0.06, scans_per_day=120)
TRIAL = TrialPlan(expected_sensitivity=0.90, margin=0.05, confidence=0.95, z=1.96)

# The monthly audit after go-live: the seed is chosen so that the drift reads as the
# exercise describes it (tests/core/test_adopting_tables.py checks what the chart shows).
AUDIT_SEED = 2022
MONTHS = 15
DAYS_PER_MONTH = 30
BASELINE = 0.90  # the sensitivity the silent trial measured: the chart's centre line
_ONSET, _FALL = 9, 0.02  # the teaching drift: sensitivity falls 2 points a month from here


def monthly_audit(seed: int = AUDIT_SEED, months: int = MONTHS) -> pd.DataFrame:
    """Seeded synthetic monthly counts after go-live: scans, haemorrhages, those flagged.

    Scans a month are Poisson (``SERVICE.scans_per_day`` x 30); haemorrhages among them
    binomial at ``SERVICE.prevalence``; flagged haemorrhages binomial at the month's true
    sensitivity: ``BASELINE`` (90%) until month 8, then 2 points lower each month, as
    after a change in the scans the tool reads (a teaching drift, not a measured one).
    Columns ``month``, ``scans``, ``haemorrhages``, ``flagged`` (whole numbers).
    """
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 60:
        raise ValueError(f"months must be a whole number from 1 to 60, got {months!r}")
    rng = np.random.default_rng(check_seed(seed))
    scans = rng.poisson(SERVICE.scans_per_day * DAYS_PER_MONTH, months)
    haemorrhages = rng.binomial(scans, SERVICE.prevalence)
    month = np.arange(1, months + 1)
    sensitivity = np.where(month < _ONSET, BASELINE, BASELINE - _FALL * (month - _ONSET + 1))
    flagged = rng.binomial(haemorrhages, np.clip(sensitivity, 0.0, 1.0))
    return pd.DataFrame(
        {"month": month, "scans": scans, "haemorrhages": haemorrhages, "flagged": flagged}
    )


def control_limits(audit: pd.DataFrame, centre: float = BASELINE) -> pd.DataFrame:
    """Each month's sensitivity and its control limits, three standard errors from ``centre``.

    The usual chart for a proportion (a p-chart): the standard error of a month is
    ``sqrt(centre * (1 - centre) / haemorrhages)``, so a month with fewer cases has wider
    limits. Columns ``month``, ``sensitivity``, ``lower``, ``upper`` (proportions).
    """
    cases = audit["haemorrhages"].to_numpy(dtype=float)
    spread = 3 * np.sqrt(centre * (1 - centre) / cases)
    return pd.DataFrame(
        {
            "month": audit["month"].to_numpy(),
            "sensitivity": audit["flagged"].to_numpy() / cases,
            "lower": np.clip(centre - spread, 0.0, 1.0),
            "upper": np.clip(centre + spread, 0.0, 1.0),
        }
    )


# --- Tables a learner reads ---------------------------------------------------------------


def _text(key: str, **values: object) -> str:
    return t(f"{NS}.{key}", current_language(), **values)


def _percent(value: float, digits: int = 0) -> str:
    return numbers.percent(value, current_language(), digits)


def inputs_table() -> pd.DataFrame:
    """The vendor's published figures beside the service's own, as the learner computes from.

    The vendor's PPV is the one its brochure prints, at its study's prevalence; the
    service's column leaves blank what the learner works out.
    """
    lang = current_language()
    reported = predictive_values(VENDOR.sensitivity, VENDOR.specificity, VENDOR.prevalence)
    blank = numbers.UNDEFINED
    rows = {
        _text("row.sensitivity"): (_percent(VENDOR.sensitivity), blank),
        _text("row.specificity"): (_percent(VENDOR.specificity), blank),
        _text("row.prevalence"): (_percent(VENDOR.prevalence), _percent(SERVICE.prevalence)),
        _text("row.scans"): (
            _text("value.study_scans", n=numbers.count(VENDOR.scans, lang)),
            _text("value.per_day", n=numbers.count(SERVICE.scans_per_day, lang)),
        ),
        _text("row.ppv"): (_percent(reported.ppv or 0.0), blank),
    }
    frame = pd.DataFrame.from_dict(
        rows, orient="index", columns=[_text("column.vendor"), _text("column.service")]
    )
    frame.index.name = _text("column.figure")
    return frame


def trial_table() -> pd.DataFrame:
    """What the silent trial must achieve, and the service figures its size depends on."""
    lang = current_language()
    rows = {
        _text("row.expected"): _percent(TRIAL.expected_sensitivity),
        _text("row.margin"): numbers.counted(
            "adopting_tables.value.points",
            round(TRIAL.margin * 100, 1),
            lang,
            numbers.plain(round(TRIAL.margin * 100, 1), lang),
        ),
        _text("row.confidence"): _percent(TRIAL.confidence),
        _text("row.z"): numbers.plain(TRIAL.z, lang),
        _text("row.prevalence_here"): _percent(SERVICE.prevalence),
        _text("row.scans_here"): _text(
            "value.per_day", n=numbers.count(SERVICE.scans_per_day, lang)
        ),
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=[_text("column.value")])
    frame.index.name = _text("column.figure")
    return frame


def audit_table(seed: int = AUDIT_SEED) -> pd.DataFrame:
    """The audit month by month: counts, sensitivity and its limits, in the learner's language.

    It takes the audit's seed, not a table: the learner's namespace holds plain data only.
    """
    lang = current_language()
    audit = monthly_audit(seed)
    limits = control_limits(audit)
    frame = pd.DataFrame(
        {
            _text("column.scans"): [numbers.count(int(v), lang) for v in audit["scans"]],
            _text("column.haemorrhages"): [int(v) for v in audit["haemorrhages"]],
            _text("column.flagged"): [int(v) for v in audit["flagged"]],
            _text("column.sensitivity"): [_percent(v, 1) for v in limits["sensitivity"]],
            _text("column.lower"): [_percent(v, 1) for v in limits["lower"]],
            _text("column.upper"): [_percent(v, 1) for v in limits["upper"]],
        }
    )
    frame.index = pd.Index(audit["month"].to_numpy(), name=_text("column.month"))
    return frame


# --- The control chart, as SVG --------------------------------------------------------------

_BLUE, _VERMILION, _GREY = "#0072B2", "#D55E00", "#595959"
_WIDTH, _HEIGHT = 680, 360
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 190, 24, 56


def _axis_range(limits: pd.DataFrame, centre: float) -> tuple[float, float]:
    """A y-axis in 5-point steps that holds every point, every limit and the centre line."""
    values = [*limits["sensitivity"], *limits["lower"], *limits["upper"], centre]
    low = math.floor((min(values) - 0.01) * 20) / 20
    high = min(1.0, math.ceil((max(values) + 0.01) * 20) / 20)
    return max(0.0, low), high


def control_chart(seed: int = AUDIT_SEED, centre: float = BASELINE) -> Picture:
    """Monthly sensitivity of the seeded audit with its centre line and control limits (p-chart).

    Points outside the limits are drawn as vermilion squares (shape and colour, for
    colour-blind readers); the limits step month by month with the number of cases.
    """
    lang = current_language()
    limits = control_limits(monthly_audit(seed), centre)
    months = limits["month"].to_numpy()
    low, high = _axis_range(limits, centre)
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    first, last = int(months.min()), int(months.max())

    def x(month: float) -> float:
        return _LEFT + (month - first + 0.5) / (last - first + 1) * plot_w

    def y(value: float) -> float:
        return _TOP + (high - value) / (high - low) * plot_h

    def text(px: float, py: float, words: str, anchor: str = "middle", size: int = 12) -> str:
        return svg.text(px, py, words, anchor=anchor, size=size)

    parts = []
    steps = round((high - low) / 0.05)
    for i in range(steps + 1):
        value = low + i * 0.05
        parts.append(
            f'<line x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#e5e5e5"/>'
        )
        parts.append(text(_LEFT - 8, y(value) + 4, _percent(value), anchor="end", size=11))
    for month in months:
        parts.append(text(x(month), _TOP + plot_h + 18, numbers.count(int(month), lang), size=11))
    parts.append(
        f'<line x1="{_LEFT}" x2="{_LEFT}" y1="{_TOP}" y2="{_TOP + plot_h}" stroke="{_GREY}"/>'
        f'<line x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{_TOP + plot_h}" y2="{_TOP + plot_h}" '
        f'stroke="{_GREY}"/>'
    )
    parts.append(text(_LEFT + plot_w / 2, _HEIGHT - 14, _text("chart.month")))
    parts.append(
        f'<g transform="translate(16 {_TOP + plot_h / 2:.1f}) rotate(-90)">'
        f"{svg.text(0, 0, _text('chart.sensitivity'), anchor='middle')}</g>"
    )
    parts.append(
        f'<line x1="{x(first - 0.5):.1f}" x2="{x(last + 0.5):.1f}" y1="{y(centre):.1f}" '
        f'y2="{y(centre):.1f}" stroke="{_GREY}" stroke-width="1.5"/>'
    )
    for side in ("lower", "upper"):
        steps_path = " ".join(
            f"M{x(m - 0.5):.1f},{y(v):.1f} H{x(m + 0.5):.1f}"
            for m, v in zip(months, limits[side], strict=True)
        )
        parts.append(
            f'<path d="{steps_path}" stroke="{_GREY}" stroke-dasharray="5 4" fill="none"/>'
        )
    points = " ".join(
        f"{x(m):.1f},{y(v):.1f}" for m, v in zip(months, limits["sensitivity"], strict=True)
    )
    parts.append(f'<polyline points="{points}" stroke="{_BLUE}" stroke-width="2" fill="none"/>')
    for row in limits.itertuples():
        px, py = x(row.month), y(row.sensitivity)
        if row.lower <= row.sensitivity <= row.upper:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{_BLUE}"/>')
        else:
            parts.append(
                f'<rect x="{px - 5:.1f}" y="{py - 5:.1f}" width="10" height="10" '
                f'fill="{_VERMILION}"/>'
            )
    legend_x, legend_y = _LEFT + plot_w + 18, _TOP + 12
    legend = (
        (f'<circle cx="{legend_x + 12}" cy="{legend_y}" r="4" fill="{_BLUE}"/>', "chart.monthly"),
        (
            f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{legend_y + 22}" '
            f'y2="{legend_y + 22}" stroke="{_GREY}" stroke-width="1.5"/>',
            "chart.centre",
        ),
        (
            f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{legend_y + 44}" '
            f'y2="{legend_y + 44}" stroke="{_GREY}" stroke-dasharray="5 4"/>',
            "chart.limits",
        ),
        (
            f'<rect x="{legend_x + 7}" y="{legend_y + 61}" width="10" height="10" '
            f'fill="{_VERMILION}"/>',
            "chart.outside",
        ),
    )
    for i, (mark, key) in enumerate(legend):
        parts.append(mark)
        parts.append(
            text(legend_x + 32, legend_y + 22 * i + 4, _text(key), anchor="start", size=11)
        )
    return svg.picture(
        _WIDTH,
        _HEIGHT,
        "".join(parts),
        title=_text("chart.title"),
        description=_text("chart.description"),
    )
