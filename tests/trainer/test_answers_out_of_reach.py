"""A learner's own namespace answers no graded question in one call (exercises/README.md,
"What a learner can and cannot see").

For the exercises reviewed here, the locked cells a learner runs (setup, data) leave only
data (names, numbers, findings), display helpers and check functions in the namespace: no
engine that computes a graded answer, no run or case object whose attributes hold one, no
answer key. The hidden checks take their answers from ``aimed.trainer.keys`` alone.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import types
from pathlib import Path

import pytest

from aimed.notebooks import helpers

SOURCE = Path(__file__).resolve().parents[2] / "exercises" / "source"
# Every exercise (the two reviewed first, generative-ai and trust-responsibility, have their own
# tests beside their key modules); a new exercise joins the list when it is written.
REVIEWED = (
    "what-ai-is",
    "reading-performance",
    "bias",
    "incomplete-input",
    "world-changes",
    "data-regulation",
    "patient-relationship",
    "adopting-ai",
)
# A calculator a question teaches with, kept on purpose (the README's table says why).
TOOLS = {"reading-performance": {"post_test_probability"}}
# The standard library modules a hidden check may use beside its key (dates of the law).
STDLIB = {"datetime"}
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
# What computes answers: the engines, the trainer (its keys), and the model libraries.
ANSWERING = ("aimed.engines", "aimed.trainer", "sklearn", "numpy", "scipy")


def cells(exercise: str) -> list[dict]:
    path = SOURCE / f"{exercise}-en" / f"{exercise}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


def learner_namespace(exercise: str) -> dict[str, object]:
    """What the locked cells a learner runs (setup and data, never graded) leave behind."""
    namespace: dict[str, object] = {}
    try:
        for cell in cells(exercise):
            grading = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "code" and grading.get("locked") and not grading.get("grade"):
                exec(compile(text(cell), f"<{exercise}:{cell['id']}>", "exec"), namespace)
    finally:
        helpers.set_language("en")
    return {k: v for k, v in namespace.items() if not k.startswith("__")}


def origin(value: object) -> str:
    """The module a value comes from: a function's or class's own, else its type's."""
    if isinstance(value, types.ModuleType):
        return value.__name__
    if inspect.isfunction(value) or inspect.isclass(value) or inspect.isbuiltin(value):
        return getattr(value, "__module__", "") or ""
    return type(value).__module__


def key_module(exercise: str) -> types.ModuleType:
    return importlib.import_module(f"aimed.trainer.keys.{exercise.replace('-', '_')}")


@pytest.mark.parametrize("exercise", REVIEWED)
def test_the_learner_namespace_holds_no_engine_run_or_key(exercise: str) -> None:
    namespace = learner_namespace(exercise)
    assert namespace, "the setup cells ran"
    reachable = {
        name: origin(value)
        for name, value in namespace.items()
        if name not in TOOLS.get(exercise, set()) and origin(value).startswith(ANSWERING)
    }
    assert reachable == {}, f"{exercise}: answers one call away through {reachable}"
    # Data is plain: names, numbers, findings, or a table of values a question has the learner
    # compute from (data-regulation's extract, grouped with pandas): never a run or a case.
    for name, value in namespace.items():
        if not callable(value):
            assert origin(value) in ("builtins", "pandas"), f"{exercise}: {name} is a {type(value)}"
    # The answer keys are not among the learner's functions, under any name.
    keys = key_module(exercise)
    answering = [f for _, f in inspect.getmembers(keys, inspect.isfunction)]
    answering = [f for f in answering if f.__module__ == keys.__name__]
    assert answering, f"{exercise}: its key module computes the answers"
    exposed = [name for name, value in namespace.items() if any(value is f for f in answering)]
    assert exposed == [], f"{exercise}: the learner holds the answer keys {exposed}"
    for name, value in namespace.items():
        if isinstance(value, types.ModuleType):
            pytest.fail(f"{exercise}: the module {name} opens every function it holds")


@pytest.mark.parametrize("exercise", REVIEWED)
def test_hidden_checks_compute_from_the_answer_keys_only(exercise: str) -> None:
    """A hidden check imports from its exercise's key module, never from an engine."""
    expected = f"aimed.trainer.keys.{exercise.replace('-', '_')}"
    computed = 0
    for cell in cells(exercise):
        for block in HIDDEN.findall(text(cell)):
            imports = re.findall(r"^(?:from|import) (\S+)", block, re.MULTILINE)
            assert set(imports) <= {expected, *STDLIB}, f"{exercise}:{cell['id']} imports {imports}"
            computed += expected in imports
            # The hidden checks name the runs themselves: a learner who rebinds a notebook
            # variable (audit, shift) cannot change what the key computes.
            assert not re.search(r"\b(audit|same_error|shift|THRESHOLDS)\b", block), cell["id"]
    assert computed >= 5, f"{exercise}: most numbers are checked against the keys"


@pytest.mark.parametrize("exercise", REVIEWED)
def test_the_visible_checks_name_the_answer(exercise: str) -> None:
    """check_number("answer_q1", ...) reads the answer itself, so a blank one gets a message."""
    for cell in cells(exercise):
        if cell["cell_type"] == "code" and "### BEGIN HIDDEN TESTS" in text(cell):
            visible = text(cell).partition("### BEGIN HIDDEN TESTS")[0]
            calls = re.findall(r"check_\w+\(\"(answer_q\d+)\"(.*)\)", visible)
            assert calls, cell["id"]
            for name, rest in calls:
                assert not re.search(rf"\b{name}\b", rest), f"{cell['id']} reads {name}"


def test_a_named_run_is_the_only_thing_the_tables_take_from_a_learner() -> None:
    """The display helpers refuse anything but the runs the exercises name, with a message."""
    from aimed.notebooks import bias, reading_performance, world_changes
    from aimed.validation import InputError

    for call in (
        lambda: bias.group_table("device_proxy"),
        lambda: world_changes.site_table({"seed": 1}, ["A"]),
        lambda: reading_performance.marburg_table(0.4),
    ):
        with pytest.raises(InputError, match="received"):
            call()
