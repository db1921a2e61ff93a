"""Module 5 (when the world changes): its figures and the teaching-model numbers in its prose
come from the hospital-shift and shortcut engines, run as the sandbox pages run them.

If an engine changes, these tests say which number of which language has gone stale, so the
course never contradicts the sandbox.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import support
from aimed.engines.cohorts import MARKER_RATES, SHORTCUT_PREVALENCE, SITE_SETTINGS
from aimed.engines.model_scenarios import (
    SHORTCUT_FEATURE,
    TRY_THIS,
    run_hospital_shift,
    run_shortcut,
)
from aimed.texts.numbers import count, decimal, percent

ROOT = Path(__file__).resolve().parents[2]
FIGURES_DIR = ROOT / "site" / "figures"
LANGS = ("en", "fr")


def figure_module():
    return support.figure_module("world_changes")


def page_text(lang: str) -> str:
    return support.module_page_text("world-changes", lang)


@pytest.fixture(scope="module")
def shift():
    return run_hospital_shift(**TRY_THIS["hospital_shift"][0].settings)


@pytest.fixture(scope="module")
def shortcut():
    guided = TRY_THIS["shortcut"][0]
    return {"with": run_shortcut(**guided.settings), "without": run_shortcut(**guided.contrast)}


@pytest.fixture(scope="module")
def figures() -> dict:
    return {
        (name, lang): draw(lang) for name, draw in figure_module().FIGURES.items() for lang in LANGS
    }


def test_the_guided_runs_still_show_the_failures_the_page_describes(shift, shortcut) -> None:
    a, b, r = (e.performance for e in (shift.at_a, shift.at_b, shift.at_b_recalibrated))
    assert a.auc - b.auc > 0.02  # discrimination falls at B
    assert b.calibration.mean_risk < b.calibration.observed_rate - 0.05  # risks too low at B
    assert abs(r.auc - b.auc) < 1e-9  # recalibration keeps the ranking
    assert b.alerts_per_100 > 1.5 * a.alerts_per_100  # the alert burden roughly doubles
    assert r.alerts_per_100 > 2 * b.alerts_per_100 and r.ppv < b.ppv  # honest risks, more alerts
    with_marker, without = shortcut["with"], shortcut["without"]
    assert with_marker.importances.loc[0, "feature"] == SHORTCUT_FEATURE
    assert without.importances.loc[0, "feature"] == "opacity"
    assert with_marker.internal.performance.auc > without.internal.performance.auc
    assert with_marker.external.performance.auc < without.external.performance.auc


def test_every_figure_is_an_svg_with_alternative_text_in_both_languages(figures: dict) -> None:
    assert {name for name, _ in figures} == {
        "hospital-shift-calibration",
        "shortcut-performance",
        "shortcut-importances",
    }
    for (name, lang), figure in figures.items():
        assert figure.svg.lstrip().startswith("<?xml") and "<svg" in figure.svg, name
        assert len(figure.alt) > 80, f"{name} ({lang}) has no real alternative text"
    for name in {name for name, _ in figures}:
        assert figures[(name, "en")].alt != figures[(name, "fr")].alt, f"{name}: one language"


@pytest.mark.parametrize("lang", LANGS)
def test_figures_state_the_engine_numbers(figures: dict, shift, shortcut, lang: str) -> None:
    alt = figures[("hospital-shift-calibration", lang)].alt
    for evaluation in (shift.at_a, shift.at_b, shift.at_b_recalibrated):
        calibration = evaluation.performance.calibration
        assert percent(calibration.mean_risk, lang) in alt
        assert percent(calibration.observed_rate, lang) in alt
    alt = figures[("shortcut-performance", lang)].alt
    for run in shortcut.values():
        for evaluation in (run.internal, run.external):
            assert decimal(evaluation.performance.auc, lang) in alt
            assert percent(evaluation.performance.accuracy, lang) in alt
    alt = figures[("shortcut-importances", lang)].alt
    for value in shortcut["with"].importances["importance"].clip(lower=0.0):
        assert decimal(value, lang, 3) in alt


@pytest.mark.parametrize("lang", LANGS)
def test_page_quotes_the_teaching_models_as_the_engines_run_them(
    shift, shortcut, lang: str
) -> None:
    text = page_text(lang)
    quoted = {}
    places = {"A": shift.at_a, "B": shift.at_b, "B recalibrated": shift.at_b_recalibrated}
    for place, evaluation in places.items():
        p = evaluation.performance
        quoted[f"AUC {place}"] = decimal(p.auc, lang)
        quoted[f"mean predicted {place}"] = percent(p.calibration.mean_risk, lang)
        quoted[f"observed {place}"] = percent(p.calibration.observed_rate, lang)
        quoted[f"calibration slope {place}"] = decimal(p.calibration.slope, lang)
        quoted[f"alerts per 100 {place}"] = decimal(p.alerts_per_100, lang, 1)
        quoted[f"sensitivity {place}"] = percent(p.sensitivity, lang)
        quoted[f"PPV {place}"] = percent(p.ppv, lang)
    quoted["patients per hospital"] = count(len(shift.at_a.test), lang)
    quoted["local sample"] = f"{len(shift.local_sample)} "
    quoted["cases in the local sample"] = f"{int(shift.local_sample.y_true.sum())} "
    quoted["threshold"] = percent(shift.at_a.threshold, lang, 0)
    for site, settings in SITE_SETTINGS.items():
        quoted[f"prevalence {site}"] = percent(settings["prevalence"], lang, 0)
    for variant, run in shortcut.items():
        for where in ("internal", "external"):
            p = getattr(run, where).performance
            quoted[f"AUC {variant} {where}"] = decimal(p.auc, lang)
            quoted[f"accuracy {variant} {where}"] = percent(p.accuracy, lang)
    for where in ("internal", "external"):
        sensitivity = getattr(shortcut["with"], where).performance.sensitivity
        quoted[f"sensitivity with marker {where}"] = percent(sensitivity, lang)
    importances = shortcut["with"].importances.set_index("feature")["importance"]
    quoted["marker importance"] = decimal(importances[SHORTCUT_FEATURE], lang, 3)
    quoted["opacity importance"] = decimal(importances["opacity"], lang, 3)
    quoted["pneumonia prevalence"] = percent(SHORTCUT_PREVALENCE, lang)
    (with_training, without_training), (external, _) = MARKER_RATES.values()
    for what, rate in (("with", with_training), ("without", without_training), ("ext", external)):
        quoted[f"marker rate {what}"] = percent(rate, lang, 0)
    missing = {what: shown for what, shown in quoted.items() if shown not in text}
    assert missing == {}, f"numbers the {lang} page no longer quotes correctly: {missing}"
