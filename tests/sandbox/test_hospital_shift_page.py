"""The "model moved to another hospital" page, driven as a learner would in AppTest.

Moving the model must cost discrimination and calibration at hospital B and change the
alert count; recalibration on local patients must repair calibration and leave the AUC.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from aimed.engines.model_scenarios import run_hospital_shift
from aimed.texts import numbers
from aimed.texts.i18n import LANGUAGES, t
from support import open_page

PAGE = "40_hospital_shift.py"
NS = "hospital_shift"


def number(text: str, lang: str) -> float:
    """``0.77``/``0,77``, ``20.3%``/``20,3 %``, ``10,000``/``10 000``; percentages as fractions."""
    clean = text.replace("\u00a0", "").replace("\u202f", "")
    clean = clean.replace(",", ".") if lang == "fr" else clean.replace(",", "")
    if clean.endswith("%"):
        return float(clean.rstrip("%")) / 100
    return float(clean)


def table(app: AppTest, lang: str) -> dict[str, dict[str, float]]:
    """The side-by-side table as {place: {column: value}}, places in the page's order."""
    frame: pd.DataFrame = app.table[0].value
    places = ("internal", "external", "recalibrated")[: len(frame)]
    columns = ("n", "prevalence", "auc", "mean_predicted", "calibration_slope", "alerts_per_100")
    return {
        place: {c: number(row[t(f"{NS}.columns.{c}", lang)], lang) for c in columns}
        for place, (_, row) in zip(places, frame.iterrows(), strict=True)
    }


def texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_moving_the_model_costs_discrimination_and_calibration(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_move").click().run()
    assert not app.exception
    assert app.toggle(key=f"{NS}_recalibrate").value is False
    rows = table(app, lang)
    assert set(rows) == {"internal", "external"}
    a, b = rows["internal"], rows["external"]
    assert a["auc"] - b["auc"] >= 0.03
    assert b["prevalence"] > 2 * a["prevalence"]
    assert b["mean_predicted"] < 0.75 * b["prevalence"]  # risks too low at B
    assert abs(a["mean_predicted"] - a["prevalence"]) < 0.01  # and right at A
    assert b["alerts_per_100"] > a["alerts_per_100"]
    # The verdicts are the engine's numbers, worded in the page language.
    run = run_hospital_shift(threshold=0.2, recalibration_n=200)
    auc_a = numbers.decimal(run.at_a.performance.auc, lang)
    auc_b = numbers.decimal(run.at_b.performance.auc, lang)
    warnings = texts(app.warning)
    assert t(f"{NS}.verdict.auc_drop", lang, auc_a=auc_a, auc_b=auc_b) in warnings
    calibration = run.at_b.performance.calibration
    assert (
        t(
            f"{NS}.verdict.miscalibrated",
            lang,
            predicted=numbers.percent(calibration.mean_risk, lang),
            observed=numbers.percent(calibration.observed_rate, lang),
        )
        in warnings
    )
    assert any(t(f"{NS}.try_move.why", lang) in text for text in texts(app.info))
    assert len(app.get("vega_lite_chart")) == 1
    assert "Wong" in t(f"{NS}.explain.text", lang)
    assert t(f"{NS}.explain.text", lang) in texts(app.markdown)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_recalibration_on_local_patients_fixes_risks_not_ranking(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_recalibrate").click().run()
    assert not app.exception
    assert app.toggle(key=f"{NS}_recalibrate").value is True
    assert app.number_input(key=f"{NS}_local_n").value == 200
    rows = table(app, lang)
    b, fixed = rows["external"], rows["recalibrated"]
    assert abs(fixed["mean_predicted"] - fixed["prevalence"]) < 0.05  # 200 patients: some noise
    gap_before = abs(b["mean_predicted"] - b["prevalence"])
    assert abs(fixed["mean_predicted"] - fixed["prevalence"]) < gap_before / 2
    assert fixed["auc"] == b["auc"]  # same order of patients, same AUC
    assert abs(fixed["calibration_slope"] - 1) < abs(b["calibration_slope"] - 1)
    assert t(f"{NS}.try_recalibrate.done", lang) in texts(app.success)
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    series = next(layer for layer in spec["layer"] if "shape" in layer.get("encoding", {}))
    assert series["encoding"]["color"]["scale"]["domain"] == [
        t(f"{NS}.sites.{place}", lang) for place in ("internal", "external", "recalibrated")
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_opens_at_home_and_the_guided_move_changes_it(lang: str) -> None:
    """The first guided path must change what is shown: the model starts in its own hospital."""
    app = open_page(PAGE, lang)
    assert app.toggle(key=f"{NS}_moved").value is False
    assert set(table(app, lang)) == {"internal"}
    assert not app.warning[1:]  # no verdict about hospital B before the move
    app.button(key=f"{NS}_try_move").click().run()
    assert app.toggle(key=f"{NS}_moved").value is True
    assert set(table(app, lang)) == {"internal", "external"}


def test_recalibration_sample_accepts_only_what_the_engine_accepts() -> None:
    from aimed.engines.models import MIN_RECALIBRATION_SAMPLE

    app = open_page(PAGE, "en")
    box = app.number_input(key=f"{NS}_local_n")
    minimum = numbers.count(MIN_RECALIBRATION_SAMPLE, "en")
    # The refusals themselves are in test_number_ranges.py.
    assert box.help.endswith(t("common.range_help", "en", minimum=minimum, maximum="5,000"))


def test_threshold_moves_the_alert_burden() -> None:
    app = open_page(PAGE, "en")
    app.toggle(key=f"{NS}_moved").set_value(True).run()
    before = table(app, "en")
    app.slider(key=f"{NS}_threshold").set_value(50).run()
    assert not app.exception
    after = table(app, "en")
    for place in ("internal", "external"):
        assert after[place]["alerts_per_100"] < before[place]["alerts_per_100"]
        assert after[place]["auc"] == before[place]["auc"]


# A threshold of 0% or 100% can no longer be entered: see test_number_ranges.py.
