"""Cohort analytics: how many learners earned each question's points, and which they missed.

Both languages of an exercise share their questions (same grade ids), so they are counted
together. Missing or unreadable submissions are left out of the per-question figures (they
say nothing about a question) and counted apart; free-text answers not yet graded by hand
are left out of their question's figures until they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd

from aimed.trainer.course import Assignment, Course
from aimed.trainer.export import (
    QuestionGrade,
    Roster,
    cell_order,
    exercise_table,
    missing_counts,
    question_grades,
    spreadsheet_table,
)
from aimed.trainer.grading import load_results
from aimed.trainer.handgrades import CHANGED
from aimed.trainer.identities import spreadsheet_safe

MOST_MISSED = 5


@dataclass(frozen=True)
class QuestionStats:
    exercise: str
    question: str
    label: str
    kind: str
    learners: int
    full_marks: int
    mean_share: float
    pending: int

    @property
    def success_rate(self) -> float | None:
        return self.full_marks / self.learners if self.learners else None


def question_labels(course: Course, assignment: Assignment) -> dict[str, str]:
    """``{grade id: first line of its question}``, from the source notebook's text."""
    path = course.source / assignment.name / assignment.notebook
    if not path.is_file():
        return {}
    labels: dict[str, str] = {}
    last = ""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        info = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "markdown" and "**Question" in text and not info.get("grade"):
            last = " ".join(text[text.index("**Question") :].split()).replace("**", "")
        if info.get("grade") and info.get("grade_id"):
            if last:
                labels[info["grade_id"]] = last[:110] + ("…" if len(last) > 110 else "")
            last = ""
    return labels


def cohort_stats(course: Course) -> tuple[list[QuestionStats], dict[str, int]]:
    """Per-question figures, and per-exercise counts of unusable submissions."""
    results = load_results(course)
    rows = question_grades(course)
    unusable: dict[str, int] = {}
    usable: list[QuestionGrade] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        result = results.get((row.learner, row.assignment))
        if result and result.status in ("missing", "unreadable", "failed"):
            if (row.learner, row.assignment) not in seen:
                unusable[row.exercise] = unusable.get(row.exercise, 0) + 1
                seen.add((row.learner, row.assignment))
            continue
        usable.append(row)
    labels: dict[tuple[str, str], str] = {}
    order: dict[tuple[str, str], int] = {}
    for assignment in course.assignments():
        for grade_id, label in question_labels(course, assignment).items():
            if assignment.language == "en" or (assignment.exercise, grade_id) not in labels:
                labels[(assignment.exercise, grade_id)] = label
        for grade_id, n in cell_order(course, assignment).items():
            order.setdefault((assignment.exercise, grade_id), n)
    groups: dict[tuple[str, str], list[QuestionGrade]] = {}
    for row in usable:
        groups.setdefault((row.exercise, row.question), []).append(row)
    stats = []
    for key, group in groups.items():
        graded = [r for r in group if not r.needs_manual_grade]
        stats.append(
            QuestionStats(
                exercise=key[0],
                question=key[1],
                label=labels.get(key, key[1]),
                kind=group[0].kind,
                learners=len(graded),
                full_marks=sum(1 for r in graded if r.score >= r.max_score > 0),
                mean_share=(
                    sum(r.score / r.max_score for r in graded if r.max_score) / len(graded)
                    if graded
                    else 0.0
                ),
                pending=len(group) - len(graded),
            )
        )
    stats.sort(key=lambda s: (s.exercise, order.get((s.exercise, s.question), 0)))
    return stats, unusable


def most_missed(stats: list[QuestionStats], count: int = MOST_MISSED) -> list[QuestionStats]:
    """The questions the fewest learners got fully right (ties: lower mean share first)."""
    rated = [s for s in stats if s.success_rate is not None]
    return sorted(rated, key=lambda s: (s.success_rate, s.mean_share))[:count]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("aimed.trainer", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_TEMPLATES.filters["pct"] = _pct
_TEMPLATES.filters["cell"] = spreadsheet_safe  # a table pasted into a spreadsheet runs nothing


@dataclass(frozen=True)
class Learners:
    """What the report says of learners rather than questions."""

    missing: dict[str, list[str]]  # exercise -> learners (or roster names) with nothing in
    regrade: list[tuple[str, str, str]]  # (learner, assignment, note): hand grades to redo
    late: list[tuple[str, str, str]]  # (learner, assignment, how late and the penalty)
    chosen: list[tuple[str, str, str]]  # (learner, assignment, which notebook was graded)


def learner_notes(course: Course, roster: Roster | None = None) -> Learners:
    """Who handed nothing in, whose hand grade must be redone, who was late, and which of
    several notebooks was graded, from the same table the exports write."""
    table = exercise_table(course, roster)
    missing = missing_counts(table) if not table.empty else {}
    regrade, late, chosen = [], [], []
    for _, row in table.iterrows():
        for note in str(row["notes"]).split("; "):
            key = (row["learner"] or row["name"], row["assignment"], note)
            if CHANGED in note:
                regrade.append(key)
            elif "notebooks: graded" in note:
                chosen.append(key)
        if str(row.get("late", "")):
            taken = float(row.get("late_penalty", 0) or 0)
            late.append(
                (
                    row["learner"],
                    row["assignment"],
                    f"{row['late']}" + (f", {taken:g} points taken off" if taken else ""),
                )
            )
    return Learners(missing, regrade, late, chosen)


def write_report(course: Course, out_dir: Path, roster: Roster | None = None) -> tuple[Path, Path]:
    """``cohort-report.csv`` and a self-contained ``cohort-report.html`` (no outside files)."""
    stats, unusable = cohort_stats(course)
    people = learner_notes(course, roster)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(
        {
            "exercise": [s.exercise for s in stats],
            "question": [s.question for s in stats],
            "kind": [s.kind for s in stats],
            "learners": [s.learners for s in stats],
            "full_marks": [s.full_marks for s in stats],
            "success_rate": [
                None if s.success_rate is None else round(s.success_rate, 4) for s in stats
            ],
            "mean_share": [round(s.mean_share, 4) for s in stats],
            "pending_manual": [s.pending for s in stats],
            "label": [s.label for s in stats],
        }
    )
    csv_path = out_dir / "cohort-report.csv"
    spreadsheet_table(table).to_csv(csv_path, index=False, na_rep="")
    html_path = out_dir / "cohort-report.html"
    page = _TEMPLATES.get_template("cohort-report.html.j2").render(
        stats=stats, missed=most_missed(stats), unusable=unusable, people=people
    )
    html_path.write_text(page, encoding="utf-8")
    return csv_path, html_path
