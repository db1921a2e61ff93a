"""Grades out of the gradebook as CSV: per learner, per exercise and per question.

Manual grades entered in the formgrader count as soon as they are saved; until then a
free-text answer counts 0 and its row says ``needs manual grade``.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import pandas as pd

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


def question_table(course: Course) -> pd.DataFrame:
    """:func:`question_grades` as a table, one row per learner and graded cell."""
    columns = [f.name for f in fields(QuestionGrade)]
    return pd.DataFrame([astuple(r) for r in question_grades(course)], columns=columns)


def _names(course: Course) -> dict[str, str]:
    path = course.root / "learners.csv"
    if not path.is_file():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(table["learner"], table["name"], strict=True))


def _write(table: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, na_rep="")
    return path


def export_grades(course: Course, out_dir: Path) -> list[Path]:
    """Write ``grades-by-question.csv``, ``grades-by-exercise.csv``, ``grades-by-learner.csv``."""
    rows = question_table(course)
    results = load_results(course)
    names = _names(course)
    if rows.empty:  # nothing graded yet: files with their headers only
        rows = rows.astype({"score": float, "max_score": float, "needs_manual_grade": bool})
    by_question = _write(
        rows[
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
            ]
        ],
        out_dir / "grades-by-question.csv",
    )

    keys = ["learner", "assignment"]
    exercises = (
        rows.groupby(keys, sort=True)
        .agg(
            exercise=("exercise", "first"),
            language=("language", "first"),
            score=("score", "sum"),
            max_score=("max_score", "sum"),
            needs_manual_grade=("needs_manual_grade", "any"),
        )
        .reset_index()
    )
    exercises[["score", "max_score"]] = exercises[["score", "max_score"]].round(2)
    exercises["name"] = exercises["learner"].map(names).fillna("")
    outcome = [
        results.get((learner, a))
        for learner, a in zip(exercises["learner"], exercises["assignment"], strict=True)
    ]
    exercises["status"] = [r.status if r else "graded" for r in outcome]
    exercises["notes"] = ["; ".join(r.notes) if r else "" for r in outcome]
    by_exercise = _write(
        exercises[
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
            ]
        ],
        out_dir / "grades-by-exercise.csv",
    )

    learners = exercises.pivot_table(
        index="learner", columns="exercise", values="score", aggfunc="sum"
    ).sort_index(axis="columns")
    learners.columns.name = None
    learners["total"] = learners.sum(axis="columns").round(2)
    learners.insert(0, "name", learners.index.map(lambda learner: names.get(learner, "")))
    by_learner = _write(learners.reset_index(), out_dir / "grades-by-learner.csv")
    return [by_learner, by_exercise, by_question]
