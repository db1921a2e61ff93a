"""The exercise "Data protection and regulation": its extract, its generalisation, its keys.

The keys count groups on the raw patients; here the same counts are made the learner's way,
with a ``groupby`` on the table the notebook shows, in both languages, and both must agree
with the figures the solutions and the model answer print.
"""

from __future__ import annotations

import pandas as pd
import pytest

from aimed.engines.before_you_paste import TOWN_SIZES
from aimed.notebooks import data_regulation as tables
from aimed.notebooks import helpers
from aimed.trainer.keys import data_regulation as keys
from aimed.validation import InputError

SEED = tables.EXTRACT_SEED


@pytest.fixture(params=["en", "fr"])
def lang(request: pytest.FixtureRequest) -> object:
    helpers.set_language(request.param)
    yield request.param
    helpers.set_language("en")


def sizes(table: pd.DataFrame, columns: list[str]) -> pd.Series:
    """What the learner computes: each patient's group size, from the displayed table."""
    return table.groupby(columns)[columns[0]].transform("size")


def test_the_extract_is_the_same_every_time_and_another_seed_gives_another() -> None:
    assert tables.patients(SEED) == tables.patients(SEED)
    assert tables.patients(SEED) != tables.patients(SEED + 1)
    assert len(tables.patients(SEED)) == tables.N_PATIENTS == 60


def test_the_learners_groupby_on_the_table_agrees_with_the_key(lang: str) -> None:
    extract = tables.practice_extract(SEED)
    age, sex, town, diagnosis = extract.columns
    by_area = tables.generalise_town(extract)
    area = by_area.columns[2]
    by_town = sizes(extract, [age, sex, town])
    assert by_town.min() == keys.smallest_group(SEED, ("age", "sex", "town")) == 1
    assert (by_town == 1).sum() == keys.alone(SEED, ("age", "sex", "town")) == 13
    assert sizes(by_area, [age, sex, area]).min() == keys.smallest_group(
        SEED, ("age", "sex", "area")
    )
    assert keys.smallest_group(SEED, ("age", "sex", "area")) == 2
    with_diagnosis = sizes(by_area, [age, sex, area, diagnosis])
    assert (with_diagnosis == 1).sum() == keys.alone(SEED, ("age", "sex", "area", "diagnosis"))
    assert keys.alone(SEED, ("age", "sex", "area", "diagnosis")) == 29


def test_every_rare_disease_stays_alone_as_the_model_answer_says() -> None:
    rows = tables.patients(SEED)
    rare = [p for p in rows if p.diagnosis.startswith("rare:")]
    assert 3 <= len(rare) <= 5
    for patient in rare:
        same = [
            p
            for p in rows
            if (p.age_band, p.female, p.diagnosis)
            == (patient.age_band, patient.female, patient.diagnosis)
            and tables.AREA_OF_TOWN[p.town] == tables.AREA_OF_TOWN[patient.town]
        ]
        assert same == [patient]


def test_generalising_changes_only_the_town_column_and_leaves_the_extract_alone() -> None:
    extract = tables.practice_extract(SEED)
    before = extract.copy()
    by_area = tables.generalise_town(extract)
    assert extract.equals(before)
    assert list(by_area.columns) == ["Age band", "Sex", "Area", "Diagnosis"]
    assert set(by_area["Area"]) == {"North of the district", "South of the district"}
    assert by_area.drop(columns="Area").equals(extract.drop(columns="Town"))


def test_tables_speak_french_with_french_numbers() -> None:
    helpers.set_language("fr")
    try:
        extract = tables.practice_extract(SEED)
        assert list(extract.columns) == ["Tranche d'âge", "Sexe", "Commune", "Diagnostic"]
        assert set(extract["Sexe"]) == {"Femme", "Homme"}
        towns = tables.towns_table()
        assert towns["Habitants"].iloc[0] == "148\u202f000"
        assert len(towns) == len(TOWN_SIZES)
        assert "Maladie de Fabry" in set(extract["Diagnostic"])
    finally:
        helpers.set_language("en")


@pytest.mark.parametrize(
    "given",
    [None, "extract", pd.DataFrame({"Age band": ["18-39"]}), pd.DataFrame({"Town": ["Paris"]})],
)
def test_generalise_refuses_what_is_not_an_extract_with_a_clear_message(given: object) -> None:
    with pytest.raises(InputError) as error:
        tables.generalise_town(given)
    assert "Town" in str(error.value) or "Paris" in str(error.value)


@pytest.mark.parametrize("seed", [-1, 10_001, 2.5, "20", True])
def test_a_bad_seed_is_refused(seed: object) -> None:
    with pytest.raises(InputError):
        tables.patients(seed)  # type: ignore[arg-type]


def test_rule_11_and_the_ai_act_as_module_8_states_them() -> None:
    ecg = keys.Tool(medical_purpose=True, ai=True, informs_decisions=True, worst="death")
    triage = keys.Tool(medical_purpose=True, ai=True, informs_decisions=True, worst="serious")
    support = keys.Tool(medical_purpose=True, ai=True, informs_decisions=True)
    steps = keys.Tool(medical_purpose=True, ai=False, monitors=True)
    assert [keys.rule_11(t) for t in (ecg, triage, support, steps)] == ["III", "IIb", "IIa", "IIa"]
    assert keys.rule_11(keys.Tool(medical_purpose=True, ai=True)) == "I"
    assert keys.ai_act_category(keys.Tool(medical_purpose=True, ai=True)) == "literacy"
    assert keys.ai_act_category(ecg) == "high_risk"
    names = ("agenda", "vigil", "scribe")
    assert [keys.rule_11(keys.TOOLS[n]) for n in names] == [None, "IIb", None]
    assert [keys.ai_act_category(keys.TOOLS[n]) for n in names] == [
        "not_ai",
        "high_risk",
        "literacy",
    ]
    dates = [keys.category_applies_from(keys.TOOLS[n]) for n in names]
    assert [d.isoformat() if d else None for d in dates] == [None, "2028-08-02", "2025-02-02"]
