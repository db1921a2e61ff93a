"""Grades out of the gradebook as CSV: per learner, per exercise and per question.

Manual grades entered in the formgrader count as soon as they are saved; until then a
free-text answer counts 0 and its row says ``needs manual grade``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from aimed.trainer.course import Assignment, Course
from aimed.trainer.grading import load_results, make_api


@dataclass(frozen=True)
class QuestionGrade:
    """One learner's points on one graded cell."""

    learner: str
    assignment: str
    exercise: str
    language: str
    question: str
    kind: str  # auto | manual
    score: float
    max_score: float
    needs_manual_grade: bool


def question_grades(course: Course) -> list[QuestionGrade]:
    """Every graded cell of every submission in the gradebook, in a stable order."""
    rows: list[QuestionGrade] = []
    with make_api(course).gradebook as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            meta = Assignment(assignment.name)
            order = cell_order(course, meta)
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                for notebook in submission.notebooks:
                    for grade in sorted(notebook.grades, key=lambda g: order.get(g.name, 0)):
                        manual = grade.cell.cell_type == "markdown"
                        rows.append(
                            QuestionGrade(
                                learner=submission.student.id,
                                assignment=assignment.name,
                                exercise=meta.exercise,
                                language=meta.language,
                                question=grade.name,
                                kind="manual" if manual else "auto",
                                score=float(grade.score or 0),
                                max_score=float(grade.max_score),
                                needs_manual_grade=bool(grade.needs_manual_grade),
                            )
                        )
    return rows


def cell_order(course: Course, assignment: Assignment) -> dict[str, int]:
    """Position of each graded cell in the source notebook, to list questions in order."""
    path = course.source / assignment.name / assignment.notebook
    if not path.is_file():
        return {}
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
    return {grade_id: n for n, grade_id in enumerate(ids) if grade_id}


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _names(course: Course) -> dict[str, str]:
    path = course.root / "learners.csv"
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["learner"]: row["name"] for row in csv.DictReader(handle)}


def export_grades(course: Course, out_dir: Path) -> list[Path]:
    """Write ``grades-by-question.csv``, ``grades-by-exercise.csv``, ``grades-by-learner.csv``."""
    rows = question_grades(course)
    results = load_results(course)
    names = _names(course)
    by_question = _write(
        out_dir / "grades-by-question.csv",
        [
            "learner",
            "exercise",
            "language",
            "assignment",
            "question",
            "kind",
            "score",
            "max_score",
            "needs_manual_grade",
        ],
        [
            [
                r.learner,
                r.exercise,
                r.language,
                r.assignment,
                r.question,
                r.kind,
                r.score,
                r.max_score,
                r.needs_manual_grade,
            ]
            for r in rows
        ],
    )
    totals: dict[tuple[str, str], list[float]] = {}
    pending: dict[tuple[str, str], bool] = {}
    for r in rows:
        key = (r.learner, r.assignment)
        total = totals.setdefault(key, [0.0, 0.0])
        total[0] += r.score
        total[1] += r.max_score
        pending[key] = pending.get(key, False) or r.needs_manual_grade
    exercise_rows = []
    for (learner, assignment), (score, max_score) in sorted(totals.items()):
        result = results.get((learner, assignment))
        meta = Assignment(assignment)
        exercise_rows.append(
            [
                learner,
                names.get(learner, ""),
                meta.exercise,
                meta.language,
                assignment,
                round(score, 2),
                round(max_score, 2),
                pending[(learner, assignment)],
                result.status if result else "graded",
                "; ".join(result.notes) if result else "",
            ]
        )
    by_exercise = _write(
        out_dir / "grades-by-exercise.csv",
        [
            "learner",
            "name",
            "exercise",
            "language",
            "assignment",
            "score",
            "max_score",
            "needs_manual_grade",
            "status",
            "notes",
        ],
        exercise_rows,
    )
    exercises = sorted({Assignment(a).exercise for _, a in totals})
    learners: dict[str, dict[str, float]] = {}
    for (learner, assignment), (score, _max) in totals.items():
        learners.setdefault(learner, {})[Assignment(assignment).exercise] = score
    by_learner = _write(
        out_dir / "grades-by-learner.csv",
        ["learner", "name", *exercises, "total"],
        [
            [
                learner,
                names.get(learner, ""),
                *[json.dumps(scores[e]) if e in scores else "" for e in exercises],
                round(sum(scores.values()), 2),
            ]
            for learner, scores in sorted(learners.items())
        ],
    )
    return [by_learner, by_exercise, by_question]
