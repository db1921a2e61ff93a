"""Tables of the exercise "A model moved to another hospital": they follow the engine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aimed.engines.group_metrics import alerts_per_100, auc
from aimed.engines.model_scenarios import ShiftRun, run_hospital_shift
from aimed.notebooks import helpers as helpers
from aimed.notebooks import world_changes as tables

# The exercise's own settings (the sandbox page's guided path): a quarter of a second.
SETTINGS = {"n": 10_000, "recalibration_n": 200, "threshold": 0.2, "seed": 0}


@pytest.fixture(scope="module")
def run() -> ShiftRun:
    return run_hospital_shift(**SETTINGS)


@pytest.fixture
def french() -> object:
    helpers.set_language("fr")
    yield
    helpers.set_language("en")


def test_site_table_reads_the_engine_at_each_place(run: ShiftRun) -> None:
    table = tables.site_table(run)
    assert list(table.columns) == [
        "Hospital A (new patients)",
        "Hospital B",
        "Hospital B, recalibrated",
    ]
    for column, evaluation in zip(
        table.columns, (run.at_a, run.at_b, run.at_b_recalibrated), strict=True
    ):
        y, risk = evaluation.test.y_true, evaluation.risk
        assert table.loc["AUC (discrimination)", column] == round(auc(y, risk), 3)
        assert table.loc["Alerts per 100 patients", column] == round(alerts_per_100(risk, 0.2), 1)
        assert table.loc["Mean predicted risk", column] == round(float(np.mean(risk)), 3)
        assert table.loc["Sepsis observed (share of patients)", column] == round(y.mean(), 3)
        assert table.loc["Patients", column] == SETTINGS["n"]


def test_the_move_breaks_calibration_and_recalibration_keeps_the_ranking(run: ShiftRun) -> None:
    table = tables.site_table(run)
    a, b, recalibrated = (table[c] for c in table.columns)
    assert b["Mean predicted risk"] < b["Sepsis observed (share of patients)"], "B under-predicted"
    assert b["Calibration slope (1 = ideal)"] < a["Calibration slope (1 = ideal)"]
    assert b["Alerts per 100 patients"] > a["Alerts per 100 patients"]
    assert recalibrated["AUC (discrimination)"] == b["AUC (discrimination)"]
    gap_before = abs(b["Mean predicted risk"] - b["Sepsis observed (share of patients)"])
    gap_after = abs(
        recalibrated["Mean predicted risk"] - recalibrated["Sepsis observed (share of patients)"]
    )
    assert gap_after < gap_before


def test_a_subset_of_places_keeps_their_order_and_unknown_places_are_refused(
    run: ShiftRun,
) -> None:
    assert list(tables.site_table(run, ["B", "A"]).columns) == [
        "Hospital B",
        "Hospital A (new patients)",
    ]
    with pytest.raises(ValueError, match="unknown place"):
        tables.site_table(run, ["C"])


def test_calibration_table_counts_every_patient_once_and_by_hand(run: ShiftRun) -> None:
    table = tables.calibration_table(run, "B")
    assert list(table.index) == ["below 5%", "5% to 10%", "10% to 20%", "20% to 40%", "40% or more"]
    assert table["Patients"].sum() == SETTINGS["n"]
    low = run.at_b.risk < 0.05
    assert table.loc["below 5%", "Patients"] == int(low.sum())
    observed = run.at_b.test.y_true[low].mean()
    assert table.loc["below 5%", "Sepsis observed (share)"] == round(float(observed), 3)
    top = run.at_b.risk >= 0.40
    assert table.loc["40% or more", "Mean predicted risk"] == round(
        float(run.at_b.risk[top].mean()), 3
    )


def test_alert_threshold_table_trades_alerts_for_sensitivity(run: ShiftRun) -> None:
    thresholds = [0.2, 0.3, 0.4, 0.5]
    table = tables.alert_threshold_table(run, "B_recalibrated", thresholds)
    assert list(table.index) == thresholds
    risk = run.at_b_recalibrated.risk
    assert table["Alerts per 100 patients"].tolist() == [
        round(alerts_per_100(risk, cut), 1) for cut in thresholds
    ]
    sensitivity = table["Sensitivity"].tolist()
    assert sensitivity == sorted(sensitivity, reverse=True) and sensitivity[0] > sensitivity[-1]


def test_local_sample_table_counts_the_recalibration_cases(run: ShiftRun) -> None:
    table = tables.local_sample_table(run)
    row = table.iloc[0]
    assert row["Patients"] == SETTINGS["recalibration_n"]
    assert row["With sepsis"] == int(run.local_sample.y_true.sum())
    assert row["With sepsis"] + row["Without sepsis"] == SETTINGS["recalibration_n"]


def test_both_languages_give_the_same_tables(run: ShiftRun, french: None) -> None:
    french_tables = [
        tables.site_table(run),
        tables.calibration_table(run, "A"),
        tables.alert_threshold_table(run, "B", [0.2, 0.4]),
        tables.local_sample_table(run),
    ]
    helpers.set_language("en")
    english_tables = [
        tables.site_table(run),
        tables.calibration_table(run, "A"),
        tables.alert_threshold_table(run, "B", [0.2, 0.4]),
        tables.local_sample_table(run),
    ]
    for fr, en in zip(french_tables, english_tables, strict=True):
        assert fr.shape == en.shape
        assert np.array_equal(fr.to_numpy(dtype=float), en.to_numpy(dtype=float), equal_nan=True)
        assert list(fr.columns) != list(en.columns) or list(fr.index) != list(en.index)
    assert "moins de 5\u00a0%" in french_tables[1].index
    assert "Pente de calibration (idéal\u00a0: 1)" in french_tables[0].index


def test_a_seed_gives_the_same_tables_and_another_seed_other_patients() -> None:
    again = tables.site_table(run_hospital_shift(**SETTINGS))
    first = tables.site_table(run_hospital_shift(**SETTINGS))
    assert again.equals(first)
    other = tables.site_table(run_hospital_shift(**{**SETTINGS, "seed": 1}))
    assert not other.equals(first)


def test_an_empty_band_shows_no_rate_rather_than_zero(run: ShiftRun) -> None:
    table = tables.calibration_table(run, "A")
    for _, row in table.iterrows():
        if row["Patients"] == 0:
            assert math.isnan(row["Mean predicted risk"]) and math.isnan(
                row["Sepsis observed (share)"]
            )
        else:
            assert 0 <= row["Sepsis observed (share)"] <= 1
