"""Intake: any malformed notebook becomes a repaired notebook with a note, or ``unreadable``
for that learner alone. A learner of each shape (``malformed.py``) is also graded in the
hostile cohort's run (``test_trainer_hostile.py``), which does not stop for any of them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import nbformat
import pytest
from malformed import (
    above_answer_pasted_test,
    grade_id,
    grading_metadata_string,
    index_of,
    metadata_wrong_types,
    missing_keys,
    not_a_cell,
    points_changed,
    twice_pasted_test,
    wrong_cell_type,
)

from aimed.trainer.course import Course
from aimed.trainer.intake import (
    MAX_NOTEBOOK_BYTES,
    Unreadable,
    check_submission,
    normalise,
)
from aimed.trainer.release import generate_releases
from aimed.trainer.synthetic import copy_course, solutions, submission_for

ASSIGNMENT = "reading-performance-en"
NOTEBOOK = "reading-performance.ipynb"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, dict, dict]:
    """A course with its release, and a learner's notebook with every answer right."""
    course = copy_course(tmp_path_factory.mktemp("intake") / "course")
    generate_releases(course, [ASSIGNMENT])
    release = json.loads((course.release / ASSIGNMENT / NOTEBOOK).read_text("utf-8"))
    answers = solutions(course.source / ASSIGNMENT / NOTEBOOK)
    _, content = submission_for("correct", release, answers)
    return course, release, json.loads(content)


# ------------------------------------------------------------------ shapes, one at a time


REPAIRS: dict[str, tuple[Callable[[dict], None], str]] = {
    "wrong_cell_type": (wrong_cell_type, "test_q1: was a 'markdown' cell, made code again"),
    "unknown_cell_type": (wrong_cell_type, "unknown type 'heading', read as markdown"),
    "grading_metadata_string": (grading_metadata_string, "grading metadata of the wrong shape"),
    "metadata_wrong_types": (metadata_wrong_types, "metadata of the wrong type, emptied"),
    "text_wrong_type": (metadata_wrong_types, "text of the wrong type, read as text"),
    "notebook_metadata": (metadata_wrong_types, "notebook metadata missing or of the wrong"),
    "missing_keys": (missing_keys, "text missing, left empty"),
    "missing_version": (missing_keys, "notebook format version missing"),
    "test_pasted_twice": (twice_pasted_test, "test cell test_q1 appeared 2 times"),
    "points_changed": (points_changed, "test_q1: grading settings put back as released"),
    "not_a_cell": (not_a_cell, "entries that were not cells removed: 1"),
}


@pytest.mark.parametrize("shape", sorted(REPAIRS))
def test_a_malformed_shape_is_repaired_with_a_note(released, shape: str) -> None:
    _, release, correct = released
    mutate, note = REPAIRS[shape]
    broken = copy.deepcopy(correct)
    mutate(broken)
    nb, notes, changed = normalise(json.dumps(broken).encode(), release)
    assert changed and any(note in n for n in notes), notes
    nbformat.validate(nbformat.from_dict(nb))
    graded = [grade_id(c) for c in nb["cells"] if grade_id(c)]
    assert graded == [grade_id(c) for c in release["cells"] if grade_id(c)]  # each once, in order
    for cell in nb["cells"]:  # the exercise's cells carry the released settings again
        if grade_id(cell):
            wanted = release["cells"][index_of(release, grade_id(cell))]
            assert cell["metadata"]["nbgrader"] == wanted["metadata"]["nbgrader"]
            assert cell["cell_type"] == wanted["cell_type"]


def test_a_clean_notebook_is_left_as_it_is(released) -> None:
    _, release, correct = released
    nb, notes, changed = normalise(json.dumps(correct).encode(), release)
    assert (notes, changed) == ([], False)
    assert nb == correct


def test_of_an_answer_pasted_twice_the_copy_the_learner_wrote_in_is_graded(released) -> None:
    _, release, correct = released
    nb = copy.deepcopy(correct)
    i = index_of(nb, "answer_q1")
    stub = copy.deepcopy(release["cells"][index_of(release, "answer_q1")])
    nb["cells"].insert(i, stub)  # the untouched cell above, the learner's answer below
    repaired, notes, _ = normalise(json.dumps(nb).encode(), release)
    kept = repaired["cells"][index_of(repaired, "answer_q1")]
    assert "".join(kept["source"]) == "".join(correct["cells"][i]["source"])
    assert "answer cell answer_q1 appeared 2 times: copy 2 graded" in " ".join(notes)


def test_of_a_test_pasted_above_its_answer_the_copy_after_the_answer_is_kept(released) -> None:
    _, release, correct = released
    broken = copy.deepcopy(correct)
    above_answer_pasted_test(broken)
    nb, notes, _ = normalise(json.dumps(broken).encode(), release)
    assert index_of(nb, "test_q1") > index_of(nb, "answer_q1")
    assert "test cell test_q1 appeared 2 times: one copy kept" in notes


def test_an_nbformat_3_notebook_is_upgraded(released) -> None:
    _, release, correct = released
    old = nbformat.convert(nbformat.reads(json.dumps(correct), as_version=4), 3)
    nb, notes, changed = normalise(nbformat.writes(old).encode(), release)
    assert changed and notes == ["nbformat 3 notebook upgraded to 4"]
    assert nb["nbformat"] == 4
    assert [grade_id(c) for c in nb["cells"] if grade_id(c)] == [
        grade_id(c) for c in release["cells"] if grade_id(c)
    ]
    answer = nb["cells"][index_of(nb, "answer_q1")]
    assert "".join(answer["source"]) == "".join(
        correct["cells"][index_of(correct, "answer_q1")]["source"]
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"cells": [', "not valid JSON"),
        ("é".encode("latin-1"), "not UTF-8 text"),
        (b"[1, 2]", "a JSON file, but not a notebook"),
        (b'{"answer_q1": 98}', "a JSON file, but not a notebook"),
        (b'{"cells": "none"}', "a JSON file, but not a notebook"),
        (b'{"nbformat": 5, "cells": []}', "nbformat 5"),
        (b'{"nbformat": 3, "worksheets": "x"}', "nbformat 3 notebook nbformat could not upgrade"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_a_file_no_repair_can_save_is_unreadable(released, content: bytes, reason: str) -> None:
    _, release, _ = released
    with pytest.raises(Unreadable, match=reason):
        normalise(content, release)


def test_a_huge_file_is_refused_and_moved_aside_not_copied(released) -> None:
    course, _, _ = released
    folder = course.submitted / "huge" / ASSIGNMENT
    folder.mkdir(parents=True)
    with (folder / NOTEBOOK).open("wb") as handle:
        handle.truncate(MAX_NOTEBOOK_BYTES + 1)
    assignment = course.select([ASSIGNMENT])[0]
    for _ in range(2):  # the same answer on a second look
        result = check_submission(course, assignment, "huge")
        assert result.status == "unreadable"
        assert "too large: 20 MB, more than 20 MB" in result.notes[0]
    assert not (folder / NOTEBOOK).exists()
    kept = course.originals / "huge" / ASSIGNMENT / NOTEBOOK
    assert kept.stat().st_size == MAX_NOTEBOOK_BYTES + 1


def test_a_repaired_notebook_is_kept_as_received_and_noted_again(released) -> None:
    course, release, correct = released
    broken = copy.deepcopy(correct)
    wrong_cell_type(broken)
    folder = course.submitted / "again" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_text(json.dumps(broken), encoding="utf-8")
    assignment = course.select([ASSIGNMENT])[0]
    first = check_submission(course, assignment, "again")
    second = check_submission(course, assignment, "again")
    assert first.status == second.status == "ok"
    assert first.notes == second.notes and first.notes
    kept = course.originals / "again" / ASSIGNMENT / NOTEBOOK
    assert json.loads(kept.read_text("utf-8")) == broken
