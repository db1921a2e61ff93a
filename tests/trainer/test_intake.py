"""Intake: any malformed notebook becomes a repaired notebook with a note, or ``unreadable``
for that learner alone; one cohort of such shapes is graded without stopping for any.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from aimed.trainer.course import Course, open_course
from aimed.trainer.intake import (
    MAX_NOTEBOOK_BYTES,
    Unreadable,
    check_submission,
    normalise,
)
from aimed.trainer.release import generate_releases
from aimed.trainer.synthetic import build_cohort, copy_course, solutions, submission_for

ASSIGNMENT = "reading-performance-en"
NOTEBOOK = "reading-performance.ipynb"


def _id(cell: dict) -> str | None:
    meta = cell.get("metadata")
    info = meta.get("nbgrader") if isinstance(meta, dict) else None
    return info.get("grade_id") if isinstance(info, dict) else None


def _at(nb: dict, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if _id(c) == grade_id)


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


def _wrong_cell_type(nb: dict) -> None:
    nb["cells"][_at(nb, "test_q1")]["cell_type"] = "markdown"
    nb["cells"].append({"cell_type": "heading", "source": "Notes", "metadata": {}, "level": 2})


def _grading_metadata_string(nb: dict) -> None:
    nb["cells"][_at(nb, "test_q2")]["metadata"]["nbgrader"] = "test_q2"


def _metadata_wrong_types(nb: dict) -> None:
    nb["cells"][0]["metadata"] = ["not", "a", "dict"]
    nb["cells"][1]["source"] = 42
    nb["metadata"] = "python3"


def _missing_keys(nb: dict) -> None:
    del nb["cells"][0]["metadata"]
    del nb["cells"][1]["source"]
    del nb["nbformat"], nb["nbformat_minor"]


def _test_pasted_twice(nb: dict) -> None:
    i = _at(nb, "test_q1")
    nb["cells"].insert(i + 1, copy.deepcopy(nb["cells"][i]))


def _test_pasted_above_its_answer(nb: dict) -> None:
    i = _at(nb, "answer_q1")
    nb["cells"].insert(i, copy.deepcopy(nb["cells"][_at(nb, "test_q1")]))


def _points_changed(nb: dict) -> None:
    nb["cells"][_at(nb, "test_q1")]["metadata"]["nbgrader"]["points"] = "100"


def _not_a_cell(nb: dict) -> None:
    nb["cells"].insert(2, "print('hello')")


REPAIRS: dict[str, tuple[Callable[[dict], None], str]] = {
    "wrong_cell_type": (_wrong_cell_type, "test_q1: was a 'markdown' cell, made code again"),
    "unknown_cell_type": (_wrong_cell_type, "unknown type 'heading', read as markdown"),
    "grading_metadata_string": (_grading_metadata_string, "grading metadata of the wrong shape"),
    "metadata_wrong_types": (_metadata_wrong_types, "metadata of the wrong type, emptied"),
    "text_wrong_type": (_metadata_wrong_types, "text of the wrong type, read as text"),
    "notebook_metadata": (_metadata_wrong_types, "notebook metadata missing or of the wrong"),
    "missing_keys": (_missing_keys, "text missing, left empty"),
    "missing_version": (_missing_keys, "notebook format version missing"),
    "test_pasted_twice": (_test_pasted_twice, "test cell test_q1 appeared 2 times"),
    "points_changed": (_points_changed, "test_q1: grading settings put back as released"),
    "not_a_cell": (_not_a_cell, "entries that were not cells removed: 1"),
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
    graded = [_id(c) for c in nb["cells"] if _id(c)]
    assert graded == [_id(c) for c in release["cells"] if _id(c)]  # each once, in order
    for cell in nb["cells"]:  # the exercise's cells carry the released settings again
        if _id(cell):
            wanted = release["cells"][_at(release, _id(cell))]
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
    i = _at(nb, "answer_q1")
    stub = copy.deepcopy(release["cells"][_at(release, "answer_q1")])
    nb["cells"].insert(i, stub)  # the untouched cell above, the learner's answer below
    repaired, notes, _ = normalise(json.dumps(nb).encode(), release)
    kept = repaired["cells"][_at(repaired, "answer_q1")]
    assert "".join(kept["source"]) == "".join(correct["cells"][i]["source"])
    assert "answer cell answer_q1 appeared 2 times: copy 2 graded" in " ".join(notes)


def test_of_a_test_pasted_above_its_answer_the_copy_after_the_answer_is_kept(released) -> None:
    _, release, correct = released
    broken = copy.deepcopy(correct)
    _test_pasted_above_its_answer(broken)
    nb, notes, _ = normalise(json.dumps(broken).encode(), release)
    assert _at(nb, "test_q1") > _at(nb, "answer_q1")
    assert "test cell test_q1 appeared 2 times: one copy kept" in notes


def test_an_nbformat_3_notebook_is_upgraded(released) -> None:
    _, release, correct = released
    old = nbformat.convert(nbformat.reads(json.dumps(correct), as_version=4), 3)
    nb, notes, changed = normalise(nbformat.writes(old).encode(), release)
    assert changed and notes == ["nbformat 3 notebook upgraded to 4"]
    assert nb["nbformat"] == 4
    assert [_id(c) for c in nb["cells"] if _id(c)] == [_id(c) for c in release["cells"] if _id(c)]
    answer = nb["cells"][_at(nb, "answer_q1")]
    assert "".join(answer["source"]) == "".join(
        correct["cells"][_at(correct, "answer_q1")]["source"]
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
    _wrong_cell_type(broken)
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


# ------------------------------------------------------------------ one cohort, graded


def _points(source: dict) -> tuple[float, dict[str, float]]:
    """Autograded points in all, and the points of each answer's test cells."""
    per_answer: dict[str, float] = {}
    current = None
    for cell in source["cells"]:
        info = cell.get("metadata", {}).get("nbgrader", {})
        if info.get("solution") and cell["cell_type"] == "code":
            current = info["grade_id"]
        elif info.get("grade") and cell["cell_type"] == "code" and current:
            per_answer[current] = per_answer.get(current, 0) + float(info["points"])
    return sum(per_answer.values()), per_answer


def _answer_and_test_deleted(nb: dict) -> None:
    nb["cells"] = [c for c in nb["cells"] if _id(c) not in ("answer_q1", "test_q1")]


def _answer_pasted_twice(nb: dict, release: dict) -> None:
    stub = copy.deepcopy(release["cells"][_at(release, "answer_q2")])
    nb["cells"].insert(_at(nb, "answer_q2"), stub)


@pytest.mark.slow
def test_a_cohort_of_malformed_notebooks_is_graded_one_learner_at_a_time(
    tmp_path: Path,
) -> None:
    from aimed.trainer.grading import autograde_all

    root = tmp_path / "course"
    cohort = build_cohort(
        root, learners=2, seed=1, kinds=("correct", "partial"), assignments=[ASSIGNMENT]
    )
    course = open_course(root)
    release = json.loads((course.release / ASSIGNMENT / NOTEBOOK).read_text("utf-8"))
    source = json.loads((course.source / ASSIGNMENT / NOTEBOOK).read_text("utf-8"))
    _, content = submission_for(
        "correct", release, solutions(course.source / ASSIGNMENT / NOTEBOOK)
    )
    correct = json.loads(content)
    total, per_answer = _points(source)

    def shaped(mutate: Callable[[dict], None]) -> bytes:
        nb = copy.deepcopy(correct)
        mutate(nb)
        return json.dumps(nb).encode()

    old = nbformat.convert(nbformat.reads(json.dumps(correct), as_version=4), 3)
    bad: dict[str, tuple[bytes, str, str, float]] = {
        # learner: (file, status, a note, score)
        "wrong-cell-type": (shaped(_wrong_cell_type), "graded", "made code again", total),
        "metadata-string": (
            shaped(_grading_metadata_string),
            "graded",
            "wrong shape removed",
            total,
        ),
        "wrong-types": (shaped(_metadata_wrong_types), "graded", "wrong type", total),
        "test-twice": (shaped(_test_pasted_twice), "graded", "appeared 2 times", total),
        "answer-twice": (
            shaped(lambda nb: _answer_pasted_twice(nb, release)),
            "graded",
            "copy 2 graded",
            total,
        ),
        "nbformat-3": (nbformat.writes(old).encode(), "graded", "upgraded to 4", total),
        "answer-and-test-deleted": (
            shaped(_answer_and_test_deleted),
            "graded",
            "deleted cells put back: answer_q1, test_q1",
            total - per_answer["answer_q1"],
        ),
        "too-large": (b" " * (MAX_NOTEBOOK_BYTES + 1), "unreadable", "too large", 0.0),
        "latin-1": ('{"cells": "é"}'.encode("latin-1"), "unreadable", "not UTF-8", 0.0),
    }
    for learner, (data, *_) in bad.items():
        folder = course.submitted / learner / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes(data)

    summary = autograde_all(root, workers=2, progress=False, timeout=10)
    subs = {s.learner: s for s in summary.submissions}
    for learner, kind in cohort.items():  # everyone else graded, with nothing to report
        assert subs[learner].status == "graded" and subs[learner].notes == [], learner
        assert subs[learner].score == (total if kind == "correct" else subs[learner].score)
    for learner, (_, status, note, score) in bad.items():
        sub = subs[learner]
        assert sub.status == status, (learner, sub)
        assert note in " ".join(sub.notes), (learner, sub.notes)
        assert sub.score == score, (learner, sub)
