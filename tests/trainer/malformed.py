"""Malformed notebooks a learner may hand in, shared by the intake's own tests
(``test_intake.py``, one shape at a time) and the graded hostile cohort
(``test_trainer_hostile.py``, where a learner of each shape is graded beside the others).
"""

from __future__ import annotations

import copy
import json

import nbformat

from aimed.trainer.intake import MAX_NOTEBOOK_BYTES


def grade_id(cell: dict) -> str | None:
    """The cell's nbgrader grade id, if its metadata has the shape that holds one."""
    meta = cell.get("metadata")
    info = meta.get("nbgrader") if isinstance(meta, dict) else None
    return info.get("grade_id") if isinstance(info, dict) else None


def index_of(nb: dict, wanted: str) -> int:
    """The position of the first cell whose grade id is ``wanted``."""
    return next(i for i, c in enumerate(nb["cells"]) if grade_id(c) == wanted)


def wrong_cell_type(nb: dict) -> None:
    nb["cells"][index_of(nb, "test_q1")]["cell_type"] = "markdown"
    nb["cells"].append({"cell_type": "heading", "source": "Notes", "metadata": {}, "level": 2})


def grading_metadata_string(nb: dict) -> None:
    nb["cells"][index_of(nb, "test_q2")]["metadata"]["nbgrader"] = "test_q2"


def metadata_wrong_types(nb: dict) -> None:
    nb["cells"][0]["metadata"] = ["not", "a", "dict"]
    nb["cells"][1]["source"] = 42
    nb["metadata"] = "python3"


def missing_keys(nb: dict) -> None:
    del nb["cells"][0]["metadata"]
    del nb["cells"][1]["source"]
    del nb["nbformat"], nb["nbformat_minor"]


def twice_pasted_test(nb: dict) -> None:
    i = index_of(nb, "test_q1")
    nb["cells"].insert(i + 1, copy.deepcopy(nb["cells"][i]))


def above_answer_pasted_test(nb: dict) -> None:
    i = index_of(nb, "answer_q1")
    nb["cells"].insert(i, copy.deepcopy(nb["cells"][index_of(nb, "test_q1")]))


def points_changed(nb: dict) -> None:
    nb["cells"][index_of(nb, "test_q1")]["metadata"]["nbgrader"]["points"] = "100"


def not_a_cell(nb: dict) -> None:
    nb["cells"].insert(2, "print('hello')")


def points_per_answer(source: dict) -> tuple[float, dict[str, float]]:
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


def answer_and_test_deleted(nb: dict) -> None:
    nb["cells"] = [c for c in nb["cells"] if grade_id(c) not in ("answer_q1", "test_q1")]


def answer_pasted_twice(nb: dict, release: dict) -> None:
    stub = copy.deepcopy(release["cells"][index_of(release, "answer_q2")])
    nb["cells"].insert(index_of(nb, "answer_q2"), stub)


def malformed_cohort(release: dict, source: dict, correct: dict) -> dict[str, tuple]:
    """Learner -> (the file handed in, the status, a note and the score grading gives it):
    one learner per shape, made from a ``correct`` notebook of ``release``."""
    total, per_answer = points_per_answer(source)

    def shaped(mutate) -> bytes:
        nb = copy.deepcopy(correct)
        mutate(nb)
        return json.dumps(nb).encode()

    old = nbformat.convert(nbformat.reads(json.dumps(correct), as_version=4), 3)
    return {
        "wrong-cell-type": (shaped(wrong_cell_type), "graded", "made code again", total),
        "metadata-string": (
            shaped(grading_metadata_string),
            "graded",
            "wrong shape removed",
            total,
        ),
        "wrong-types": (shaped(metadata_wrong_types), "graded", "wrong type", total),
        "test-twice": (shaped(twice_pasted_test), "graded", "appeared 2 times", total),
        "answer-twice": (
            shaped(lambda nb: answer_pasted_twice(nb, release)),
            "graded",
            "copy 2 graded",
            total,
        ),
        "nbformat-3": (nbformat.writes(old).encode(), "graded", "upgraded to 4", total),
        "answer-and-test-deleted": (
            shaped(answer_and_test_deleted),
            "graded",
            "deleted cells put back: answer_q1, test_q1",
            total - per_answer["answer_q1"],
        ),
        "too-large": (b" " * (MAX_NOTEBOOK_BYTES + 1), "unreadable", "too large", 0.0),
        "latin-1": ('{"cells": "é"}'.encode("latin-1"), "unreadable", "not UTF-8", 0.0),
    }
