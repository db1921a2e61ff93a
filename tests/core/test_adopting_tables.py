"""The module-10 exercise's data, tables and chart, and its answer keys.

What a learner would notice: the vendor's column prints the brochure's figures and leaves
the network's to compute; the chart shows the drift the questions ask about (a quiet start,
a run below the centre line, then points outside the limits); the keys agree with the
course's Bayes engine and with the arithmetic a learner does by hand.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from aimed.engines.bayes import natural_frequencies
from aimed.notebooks import adopting_ai as tables
from aimed.notebooks.helpers import set_language
from aimed.trainer.keys import adopting_ai as keys
from aimed.validation import InputError

SVG = "{http://www.w3.org/2000/svg}"
NOTEBOOK = Path(__file__).resolve().parents[2] / "exercises/source/adopting-ai-en/adopting-ai.ipynb"


@pytest.fixture
def french() -> object:
    set_language("fr")
    yield
    set_language("en")


def test_keys_follow_the_bayes_engine_and_hand_arithmetic() -> None:
    here = keys.here()
    assert here.ppv == pytest.approx(0.054 / (0.054 + 0.0752))
    assert here.npv == pytest.approx(0.8648 / (0.8648 + 0.006))
    assert keys.alerts_per_day() == pytest.approx(120 * 0.1292)
    # the engine's whole-people table of a day's scans gives the same alerts, rounded
    day = natural_frequencies(0.90, 0.92, 0.06, n=120)
    assert abs(day.positives - keys.alerts_per_day()) < 1
    assert keys.trial_cases() == math.ceil(1.96**2 * 0.9 * 0.1 / 0.05**2) == 139
    assert keys.trial_scans() == math.ceil(139 / 0.06) == 2317


def test_the_chart_shows_a_quiet_start_a_drift_and_an_alarm() -> None:
    audit = tables.monthly_audit()
    limits = tables.control_limits(audit)
    inside = (limits["lower"] <= limits["sensitivity"]) & (limits["sensitivity"] <= limits["upper"])
    start, alarm = keys.drift_start(), keys.first_alarm()
    assert (start, alarm) == (9, 11)
    assert inside.iloc[: alarm - 1].all() and not inside.iloc[alarm - 1]
    below = limits["sensitivity"] < tables.BASELINE
    assert not below.iloc[start - 2] and below.iloc[start - 1 :].all()
    assert audit.equals(tables.monthly_audit()), "the same seed gives the same audit"
    assert not audit.equals(tables.monthly_audit(seed=1))


def test_a_month_with_fewer_cases_has_wider_limits() -> None:
    audit = pd.DataFrame({"month": [1, 2], "scans": [100, 100], "haemorrhages": [25, 100]})
    audit["flagged"] = [22, 90]
    limits = tables.control_limits(audit)
    width = limits["upper"] - limits["lower"]
    assert width.iloc[0] > width.iloc[1]
    assert width.iloc[1] == pytest.approx(6 * math.sqrt(0.9 * 0.1 / 100))


def test_bad_sizes_are_refused_with_a_message() -> None:
    for months in (0, 61, 2.5, True, "12"):
        with pytest.raises(ValueError, match="months"):
            tables.monthly_audit(months=months)  # type: ignore[arg-type]


def test_the_inputs_table_leaves_the_networks_figures_to_compute() -> None:
    table = tables.inputs_table()
    assert table.loc["Sensitivity", "Vendor's study"] == "90%"
    assert table.loc["Prevalence of haemorrhage", "Your network"] == "6%"
    assert table.loc["PPV (positive predictive value)", "Vendor's study"] == "88%"
    assert table.loc["PPV (positive predictive value)", "Your network"] == "–"
    shown = table.to_string()
    assert "42" not in shown and "99" not in shown and "15.5" not in shown


def test_tables_speak_french(french: None) -> None:
    inputs = tables.inputs_table()
    assert inputs.loc["Prévalence de l'hémorragie", "Votre réseau"] == "6\u00a0%"
    assert inputs.loc["Scanners cérébraux", "Étude de l'éditeur"] == "1\u202f000 dans l'étude"
    trial = tables.trial_table()
    assert trial.loc["z pour ce niveau de confiance", "Valeur"] == "1,96"
    months = tables.audit_table()
    assert months.index.name == "Mois après la mise en service"
    assert (
        months.iloc[0]["Sensibilité"].endswith("\u00a0%") and "," in months.iloc[0]["Sensibilité"]
    )


def test_the_chart_is_an_accessible_svg_with_the_alarms_marked(french: None) -> None:
    chart = tables.control_chart()
    root = ET.fromstring(chart._repr_svg_())
    assert root.get("role") == "img"
    assert (root.findtext(f"{SVG}title") or "").startswith("Sensibilité mensuelle")
    assert root.findtext(f"{SVG}desc") == chart.description
    squares = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#D55E00"]
    legend_square = 1
    assert len(squares) - legend_square == 15 - keys.first_alarm() + 1
    words = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Mois après la mise en service" in words and "90\u00a0%" in words


def _cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def test_the_learners_namespace_holds_data_and_displays_only() -> None:
    """What the locked setup and data cells leave: plain data, display and check functions."""
    namespace: dict[str, object] = {}
    try:
        for cell in _cells():
            grading = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "code" and grading.get("locked") and not grading.get("grade"):
                exec(compile("".join(cell["source"]), cell["id"], "exec"), namespace)
    finally:
        set_language("en")
    names = {k: v for k, v in namespace.items() if not k.startswith("__")}
    assert "control_chart" in names and names["AUDIT_SEED"] == tables.AUDIT_SEED
    for name, value in names.items():
        if callable(value):
            assert value.__module__.startswith("aimed.notebooks."), name
        else:
            assert type(value).__module__ == "builtins", f"{name} is a {type(value)}"
    key_functions = {getattr(keys, name) for name in keys.__all__}
    assert not [name for name, value in names.items() if value in key_functions]


def test_hidden_checks_compute_from_the_key_alone() -> None:
    computed = 0
    for cell in _cells():
        block = "".join(cell["source"]).partition("### BEGIN HIDDEN TESTS")[2]
        imports = re.findall(r"^(?:from|import) (\S+)", block, re.MULTILINE)
        assert set(imports) <= {"aimed.trainer.keys.adopting_ai"}, cell["id"]
        assert "AUDIT_SEED" not in block, "a learner could rebind the seed"
        computed += bool(imports)
    assert computed == 8  # every graded number and the premise of question 8


def test_the_displays_refuse_what_is_not_a_seed() -> None:
    for bad in ("2022", 2.5, -1, None):
        with pytest.raises(InputError):
            tables.control_chart(bad)  # type: ignore[arg-type]
        with pytest.raises(InputError):
            tables.audit_table(bad)  # type: ignore[arg-type]
