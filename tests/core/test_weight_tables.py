"""Tables of the exercise "Telling kinds of AI apart": what a learner reads is enough, and true.

The exercise asks for a patient's risk worked out by hand from the shown weights and the
shown patient, so these tests do that arithmetic on the tables' own text (as a learner reads
it, in both languages) and compare it with the engine's model; they also check that the
shown patients are what the prose says they are, and that the lesson (same mix, same weights;
other mix, other weights) holds for the seeds the notebook uses.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from aimed.notebooks import helpers as helpers
from aimed.notebooks import what_ai_is as tables
from aimed.texts import numbers
from aimed.trainer.keys import what_ai_is as key
from aimed.validation import InputError

FIRST, SAME_MIX, BALANCED = (0.05, 0), (0.05, 1), (0.5, 0)
RUNS = [FIRST, SAME_MIX, BALANCED]
MARKERS = ("marker_1", "marker_2", "marker_3")


@pytest.fixture(params=["en", "fr"])
def lang(request: pytest.FixtureRequest) -> object:
    helpers.set_language(request.param)
    yield request.param
    helpers.set_language("en")


def read(text: str, lang: str) -> float:
    value = numbers.parse(text.replace("\u2212", "-"), lang)
    assert value is not None, text
    return value


def risk_by_hand(run: tuple[float, int], patient: int, lang: str) -> float:
    """The learner's calculation, from the two tables' text only."""
    weights = tables.weights_table([run]).iloc[:, 1]
    shown = tables.patients_table().loc[patient]
    values = [read(weights.iloc[0], lang)]  # the starting value, added once
    for row, weight in enumerate(weights.iloc[1:], start=1):
        feature = weights.index[row]
        values.append(read(weight, lang) * read(shown[feature], lang))
    return 1 / (1 + math.exp(-sum(values)))


@pytest.mark.parametrize("run", [FIRST, BALANCED])
@pytest.mark.parametrize("patient", [1, 2, 3])
def test_a_risk_worked_out_from_the_tables_is_the_models_own(
    lang: str, run: tuple[float, int], patient: int
) -> None:
    assert abs(risk_by_hand(run, patient, lang) - key.risk(patient, *run)) < 0.005


def test_the_shown_patients_are_those_the_prose_describes() -> None:
    shown = tables.shown_patients()
    for number, (group, disease, high) in enumerate(tables.SHOWN_PATIENTS, start=1):
        patient = shown.loc[number]
        assert (patient["group"], patient["disease"]) == (group, disease)
        others = [m for m in MARKERS if m != high]
        assert all(abs(patient[m]) < tables.NORMAL for m in others)
        if high:
            assert patient[high] >= tables.HIGH
    test_set = tables.run(*FIRST).evaluation.test.frame
    assert tables.run(*BALANCED).evaluation.test.frame.equals(test_set), "one test set for both"


def test_examples_not_rules_the_lesson_holds_for_the_notebooks_seeds() -> None:
    assert key.largest_weight(*FIRST) == "marker_1"
    for marker in ("marker_1", "marker_2"):
        assert abs(key.weight_change(marker, FIRST, SAME_MIX)) < 0.1
        assert abs(key.weight_change(marker, FIRST, BALANCED)) > 0.4
    assert key.weight_change("marker_2", FIRST, BALANCED) > 0  # group B's test result now counts
    # Patient 2 (group B, ill, high test result 2) is missed by the first model, not the third.
    assert key.risk(2, *FIRST) < 0.5 <= key.risk(2, *BALANCED)
    found = tables.run(*FIRST).by_group["sensitivity"]
    assert found["B"] < found["A"] / 2


def test_the_training_table_counts_what_the_model_was_given(lang: str) -> None:
    table = tables.training_table(RUNS)
    assert list(table.columns) == [tables._run_name(*run) for run in RUNS]
    for column, (share_b, seed) in zip(table.columns, RUNS, strict=True):
        counts = [read(v, lang) for v in table[column]]
        frame = tables.run(share_b, seed).train.frame
        assert counts[0] + counts[2] == len(frame) == tables.N_PATIENTS
        assert counts[2] == round(share_b * tables.N_PATIENTS)
        assert counts[1] + counts[3] == frame["disease"].sum()


def test_tables_are_written_in_the_notebooks_language() -> None:
    helpers.set_language("fr")
    try:
        weights = tables.weights_table([BALANCED])
        found = tables.found_table([FIRST])
        training = tables.training_table([FIRST])
    finally:
        helpers.set_language("en")
    assert weights.columns[1] == "Groupe B 50\u00a0%, échantillon 1"
    assert "," in weights.iloc[2, 1] and "." not in weights.iloc[2, 1]
    assert found.iloc[0, 0].endswith("\u00a0%")
    assert training.iloc[0, 0] == "9\u202f500"  # a French thousands separator, not "9,500"
    assert tables.weights_table([FIRST]).columns[1] == "Group B 5%, sample 1"


def test_what_the_learner_holds_gives_no_answer_away() -> None:
    """The setup cell's names: tables of text, checks and exp; no model, no risk."""
    notebook = Path(__file__).parents[2] / "exercises/source/what-ai-is-en/what-ai-is.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    setup = "".join(next(c for c in cells if c["id"] == "setup")["source"])
    namespace: dict = {}
    try:
        exec(setup, namespace)
    finally:
        helpers.set_language("en")
    shown = {
        "weights": tables.weights_table(RUNS),
        "patients": tables.patients_table(),
        "found": tables.found_table(RUNS),
        "training": tables.training_table(RUNS),
    }
    for name, table in shown.items():
        cells = table.to_numpy().ravel()
        assert all(isinstance(c, str) for c in cells), f"{name}: numbers are shown as text"
    held = set(namespace) - {"__builtins__"}
    assert held == {"exp", "check_choice", "check_number", "choice", "set_language"} | {
        f"{name}_table" for name in shown
    }


@pytest.mark.parametrize(
    "runs", [[], [(0.05,)], "0.05", None, [(1.5, 0)], [(0.05, -1)], [("a lot", 0)]]
)
def test_bad_runs_get_a_clear_message(runs: object) -> None:
    with pytest.raises((ValueError, InputError)) as raised:
        tables.weights_table(runs)  # type: ignore[arg-type]
    assert str(raised.value)
