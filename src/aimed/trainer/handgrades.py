"""Hand grades survive a regrade: only a written answer that changed is sent back to the trainer.

nbgrader's autograde marks every hand-graded answer "needs manual grade" again on each run,
so a regrade (one learner, an exercise, a cohort) would turn a final grade back into "-".
Each run records a fingerprint of every written answer it graded (``written-answers.json``);
on the next run a hand grade whose answer has the same fingerprint stays final, and one whose
answer changed is sent back for grading (its hand grade cleared, the old one in the note),
with a note per learner and question.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from aimed.trainer.course import Assignment, Course

ANSWERS_NAME = "written-answers.json"
CHANGED = "written answer changed since it was graded by hand"


@dataclass(frozen=True)
class HandGrade:
    """A hand grade found before a regrade, with the answer it was given to."""

    question: str
    score: float
    max_score: float
    answer: str  # fingerprint, "" when the grade predates the record


def _fingerprint(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def written_answers(course: Course, assignment: str, learner: str) -> dict[str, str]:
    """``{grade id: fingerprint}`` of the written (markdown) answers of one submission."""
    path = course.submitted / learner / assignment / Assignment(assignment).notebook
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return {}
    found: dict[str, str] = {}
    for cell in cells if isinstance(cells, list) else []:
        info = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if not isinstance(info, dict) or cell.get("cell_type") != "markdown":
            continue
        grade_id = info.get("grade_id")
        if info.get("grade") and isinstance(grade_id, str) and grade_id not in found:
            source = cell.get("source", "")
            found[grade_id] = _fingerprint(
                "".join(source) if isinstance(source, list) else str(source)
            )
    return found


def _load(course: Course) -> dict[str, str]:
    path = course.root / ANSWERS_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _key(assignment: str, learner: str, question: str) -> str:
    return f"{learner}/{assignment}/{question}"


def before_regrade(course: Course, jobs: list[tuple[str, str]]) -> dict[tuple, list[HandGrade]]:
    """The hand grades of ``jobs`` (``(assignment, learner)``) as they stand before grading."""
    from nbgrader.api import Gradebook, MissingEntry

    recorded = _load(course)
    found: dict[tuple, list[HandGrade]] = {}
    with Gradebook(course.db_url()) as gb:
        for assignment, learner in jobs:
            try:
                submission = gb.find_submission(assignment, learner)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.manual_score is None:
                        continue
                    found.setdefault((assignment, learner), []).append(
                        HandGrade(
                            grade.name,
                            float(grade.manual_score),
                            float(grade.max_score),
                            recorded.get(_key(assignment, learner, grade.name), ""),
                        )
                    )
    return found


def after_regrade(
    course: Course, jobs: list[tuple[str, str]], before: dict[tuple, list[HandGrade]]
) -> dict[tuple[str, str], list[str]]:
    """Keep each hand grade whose answer is unchanged; send back the others. Records this
    run's answers and returns ``{job: [notes]}`` for the answers sent back."""
    from nbgrader.api import Gradebook, MissingEntry

    recorded = _load(course)
    notes: dict[tuple[str, str], list[str]] = {}
    with Gradebook(course.db_url()) as gb:
        for job in jobs:
            assignment, learner = job
            now = written_answers(course, assignment, learner)
            for grade in before.get(job, []):
                changed = bool(grade.answer) and now.get(grade.question) != grade.answer
                try:
                    mine = gb.find_grade(
                        grade.question, Assignment(assignment).exercise, assignment, learner
                    )
                except MissingEntry:
                    continue
                mine.needs_manual_grade = changed
                if changed:  # the old grade was for another text: the trainer grades anew
                    mine.manual_score = None
                    notes.setdefault(job, []).append(
                        f"{grade.question}: {CHANGED} ({grade.score:g} / {grade.max_score:g}): "
                        "grade it again"
                    )
            for question, fingerprint in now.items():
                recorded[_key(assignment, learner, question)] = fingerprint
        gb.db.commit()
    path: Path = course.root / ANSWERS_NAME
    path.write_text(json.dumps(recorded, indent=0, sort_keys=True), encoding="utf-8")
    return notes
