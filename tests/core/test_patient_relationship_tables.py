"""The risk calculator, tables and icon arrays of the module 9 exercise, and its answer keys."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aimed.notebooks import patient_relationship as tables
from aimed.notebooks.helpers import set_language
from aimed.trainer.keys import patient_relationship as keys

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def french() -> object:
    set_language("fr")
    yield
    set_language("en")


def notebook(lang: str) -> dict:
    path = ROOT / f"exercises/source/patient-relationship-{lang}/patient-relationship.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_calculator_is_a_model_learned_from_a_seeded_cohort() -> None:
    cohort = tables.practice_cohort()
    assert len(cohort) == tables.COHORT_SIZE
    assert 0.08 < cohort.frame["event"].mean() < 0.12, "about one adult in ten has an event"
    assert cohort.frame.equals(tables.practice_cohort().frame), "same seed, same people"
    assert not cohort.frame.equals(tables.practice_cohort(seed=7).frame)
    # It learned the directions the cohort was drawn with (a smoker's risk is higher, ...).
    coefficients = dict(
        zip(tables.FEATURES, tables.risk_calculator().estimator[-1].coef_[0], strict=True)
    )
    assert all(value > 0 for value in coefficients.values()), coefficients
    assert tables.patient_risk("L") > 3 * tables.patient_risk("D")


def test_the_figures_the_notebooks_quote_are_the_calculators() -> None:
    """Options and model answers quote counts; they must follow the calculator."""
    risk = tables.patient_risk("L")
    assert round(100 * risk, 1) == 15.8 and round(100 * tables.patient_risk("D"), 1) == 3.7
    assert round(keys.of(100, risk)) == 16 and round(keys.of(100, keys.treated_risk("L"))) == 12
    reduction = keys.absolute_reduction("L")
    assert round(100 * reduction, 1) == 3.9 and round(1 / reduction) == 25  # option C of Q7
    english = json.dumps(notebook("en"))
    for quoted in ("about 16", "about 12", "4 fewer", "15.8%", "3.9 points", "treat of 25"):
        assert quoted in english, quoted


def test_one_picture_only_is_right_and_each_shows_100_people() -> None:
    for patient in tables.PATIENTS:
        panels = tables.icon_panels(patient)
        assert all(sum(counts) == 100 for counts in panels.values())
        assert len(set(panels.values())) == len(panels), "four different pictures"
        assert keys.right_panel(patient) == "D"
    event, avoided, _ = tables.icon_panels("L")["D"]
    assert (event, avoided) == (12, 4)


def test_the_icon_arrays_are_self_contained_svg(french: None) -> None:
    drawn = tables.icon_arrays("L")
    root = ET.fromstring(drawn.svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert len(root.findall(f".//{SVG}circle")) == 4 * 100 + 3  # four panels and the legend
    assert not root.findall(f".//{SVG}image") and "@font-face" not in drawn.svg
    assert "href" not in drawn.svg and drawn.svg.count("http") == 1  # the namespace only
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == drawn.description == repr(drawn)
    assert "Image D\u00a0: infarctus ou AVC, 12\u00a0;" in drawn.description
    assert drawn._repr_svg_() == drawn.svg


def test_tables_speak_the_notebooks_language(french: None) -> None:
    shown = tables.calculator_output()
    risk = "Estimation du calculateur\u00a0: infarctus ou AVC dans les 10 ans"
    assert shown.loc[risk, "Mme L."] == "15,8\u00a0%"
    assert shown.loc["Cholestérol total", "M. D."] == "5,0 mmol/l"
    treatment = tables.treatment_table()
    assert treatment.loc["Risque relatif (avec T / sans T)"].iloc[0] == "0,75"
    assert treatment.loc["Réduction relative du risque"].iloc[0] == "25\u00a0%"


def test_bad_input_gets_a_clear_message() -> None:
    with pytest.raises(ValueError, match='unknown patient .*"L", "D"'):
        tables.icon_arrays("Mrs L.")
    with pytest.raises(ValueError, match="from 200 to 200,000"):
        tables.practice_cohort(n=10)


HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
# A common misreading for each question: every one must fail its hidden check.
MISREAD = {
    "q1": "84",  # the women without an event
    "q2": "158",  # the risk without treatment
    "q3": "0.25",  # the relative reduction taken as absolute
    "q4": '"A"',
    "q5": "28",  # the men who still have an event, not the events avoided
    "q6": '"A"',  # the relative risk read as the share avoided
    "q7": '"C"',  # right, but in jargon
    "q8": '"A"',
}


def hidden_checks() -> dict[str, str]:
    checks = {}
    for cell in notebook("en")["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("test_q"):
            checks[grade_id.removeprefix("test_")] = HIDDEN.search("".join(cell["source"])).group(1)
    return checks


def solution(question: str) -> str:
    for cell in notebook("en")["cells"]:
        if cell["id"] == f"answer_{question}":
            return re.search(r"= (.+)", "".join(cell["source"])).group(1)
    raise AssertionError(question)


@pytest.mark.parametrize("question", sorted(MISREAD))
def test_hidden_checks_pass_the_solution_and_fail_a_misreading(question: str) -> None:
    from aimed.notebooks.helpers import choice

    check = hidden_checks()[question]
    exec(f"answer_{question} = {solution(question)}\n{check}", {"choice": choice})
    with pytest.raises(AssertionError):
        exec(f"answer_{question} = {MISREAD[question]}\n{check}", {"choice": choice})
