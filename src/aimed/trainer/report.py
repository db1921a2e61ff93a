"""Cohort analytics: how many learners earned each question's points, and which they missed.

Both languages of an exercise share their questions (same grade ids), so they are counted
together. Missing or unreadable submissions are left out of the per-question figures (they
say nothing about a question) and counted apart; free-text answers not yet graded by hand
are left out of their question's figures until they are.
"""

from __future__ import annotations

import csv
import html
import json
from dataclasses import dataclass
from pathlib import Path

from aimed.trainer.course import Assignment, Course
from aimed.trainer.export import QuestionGrade, cell_order, question_grades
from aimed.trainer.grading import load_results

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


def write_report(course: Course, out_dir: Path) -> tuple[Path, Path]:
    """``cohort-report.csv`` and a self-contained ``cohort-report.html`` (no outside files)."""
    stats, unusable = cohort_stats(course)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / "cohort-report.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "exercise",
                "question",
                "kind",
                "learners",
                "full_marks",
                "success_rate",
                "mean_share",
                "pending_manual",
                "label",
            ]
        )
        for s in stats:
            rate = "" if s.success_rate is None else round(s.success_rate, 4)
            writer.writerow(
                [
                    s.exercise,
                    s.question,
                    s.kind,
                    s.learners,
                    s.full_marks,
                    rate,
                    round(s.mean_share, 4),
                    s.pending,
                    s.label,
                ]
            )
    html_path = out_dir / "cohort-report.html"
    html_path.write_text(_html(stats, unusable), encoding="utf-8")
    return csv_path, html_path


def _table(caption: str, stats: list[QuestionStats]) -> str:
    head = (
        "<tr><th scope='col'>Exercise</th><th scope='col'>Question</th>"
        "<th scope='col'>Graded</th><th scope='col'>Learners</th>"
        "<th scope='col'>Full marks</th><th scope='col'>Success rate</th>"
        "<th scope='col'>Mean share of points</th><th scope='col'>Awaiting manual grade</th></tr>"
    )
    body = "".join(
        "<tr>"
        f"<td>{html.escape(s.exercise)}</td>"
        f"<td><code>{html.escape(s.question)}</code><br>{html.escape(s.label)}</td>"
        f"<td>{'by hand' if s.kind == 'manual' else 'automatically'}</td>"
        f"<td class='n'>{s.learners}</td><td class='n'>{s.full_marks}</td>"
        f"<td class='n'>{_pct(s.success_rate)}</td><td class='n'>{_pct(s.mean_share)}</td>"
        f"<td class='n'>{s.pending}</td></tr>"
        for s in stats
    )
    return f"<table><caption>{html.escape(caption)}</caption>{head}{body}</table>"


def _html(stats: list[QuestionStats], unusable: dict[str, int]) -> str:
    missed = most_missed(stats)
    left_out = (
        "<p>Left out of the figures (missing or unreadable notebooks): "
        + ", ".join(f"{html.escape(e)}: {n}" for e, n in sorted(unusable.items()))
        + ".</p>"
        if unusable
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cohort report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; }}
table {{ border-collapse: collapse; margin: 1rem 0 2rem; }}
caption {{ text-align: left; font-weight: 600; font-size: 1.1rem; padding: .5rem 0; }}
th, td {{ border: 1px solid #888; padding: .35rem .6rem; vertical-align: top; }}
td.n {{ text-align: right; }}
</style>
</head>
<body>
<main>
<h1>Cohort report</h1>
<p>Success rate: share of learners who earned all of a question's points. Both languages of
an exercise are counted together.</p>
{left_out}
<h2>Most missed questions</h2>
{_table("The questions the fewest learners got fully right", missed)}
<h2>Every question</h2>
{_table("Every graded question, in notebook order", stats)}
</main>
</body>
</html>
"""
