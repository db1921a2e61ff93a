"""Grades out of the gradebook as CSV: per learner, per exercise and per question, a file for
Moodle's gradebook import, and a record of exercises passed (AI-literacy training evidence).

Manual grades entered in the formgrader count as soon as they are saved; until then a
free-text answer counts 0 and its row says ``needs manual grade``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import astuple, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from aimed import __version__ as COURSE_VERSION
from aimed.texts.i18n import t
from aimed.texts.numbers import percent, plain
from aimed.trainer.course import Assignment, Course, TrainerError
from aimed.trainer.grading import load_results, make_api
from aimed.trainer.identities import Registry, anonymous, folded

PASS_MARK = 0.6  # share of an exercise's points needed to pass it
MOODLE_GRADES = "moodle-grades.csv"
EVIDENCE = "ai-literacy-evidence.csv"


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
    return Registry.load(course).names()


def _write(table: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, na_rep="")
    return path


def graded_on(course: Course) -> dict[tuple[str, str], str]:
    """``{(learner, assignment): YYYY-MM-DD}``: the submission's timestamp in the gradebook
    when it has one (nbgrader reads ``timestamp.txt``), else when it was autograded."""
    dates: dict[tuple[str, str], str] = {}
    with make_api(course).gradebook as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                learner = submission.student.id
                stamp = submission.timestamp
                if stamp is None:
                    path = course.autograded / learner / assignment.name
                    notebook = path / Assignment(assignment.name).notebook
                    if not notebook.is_file():
                        continue
                    stamp = datetime.fromtimestamp(notebook.stat().st_mtime, UTC)
                dates[(learner, assignment.name)] = stamp.date().isoformat()
    return dates


def exercise_table(course: Course) -> pd.DataFrame:
    """One row per learner and assignment: points, status and notes of the last grading."""
    rows = question_table(course)
    if rows.empty:  # nothing graded yet
        rows = rows.astype({"score": float, "max_score": float, "needs_manual_grade": bool})
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
    names = _names(course)
    results = load_results(course)
    exercises["name"] = exercises["learner"].map(names).fillna("")
    outcome = [
        results.get((learner, a))
        for learner, a in zip(exercises["learner"], exercises["assignment"], strict=True)
    ]
    exercises["status"] = [r.status if r else "graded" for r in outcome]
    exercises["notes"] = ["; ".join(r.notes) if r else "" for r in outcome]
    dates = graded_on(course) if not exercises.empty else {}
    exercises["graded_on"] = [
        dates.get((learner, a), "")
        for learner, a in zip(exercises["learner"], exercises["assignment"], strict=True)
    ]
    return exercises


@dataclass(frozen=True)
class Exported:
    """What ``export_grades`` wrote, and the learners left out of the Moodle file (and why)."""

    paths: list[Path]
    left_out_of_moodle: list[tuple[str, str, str]] = field(default_factory=list)


def export_grades(course: Course, out_dir: Path, roster: Path | None = None) -> Exported:
    """Write the grade tables, ``moodle-grades.csv`` and ``ai-literacy-evidence.csv``.

    ``roster``: a CSV from Moodle with the learners' names and email addresses (or ID
    numbers), so that Moodle can tell who each row is (see exercises/README.md).
    """
    people = read_roster(roster) if roster else None  # a bad roster stops before any file
    rows = question_table(course)
    if rows.empty:
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
    exercises = exercise_table(course)
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
    names = _names(course)
    learners.insert(0, "name", learners.index.map(lambda learner: names.get(learner, "")))
    by_learner = _write(learners.reset_index(), out_dir / "grades-by-learner.csv")
    evidence = _write(evidence_table(exercises), out_dir / EVIDENCE)
    moodle, left_out = moodle_table(course, exercises, people)
    moodle_path = _write(moodle, out_dir / MOODLE_GRADES)
    return Exported([by_learner, by_exercise, by_question, moodle_path, evidence], left_out)


# ------------------------------------------------------------------ AI-literacy evidence

EVIDENCE_COLUMNS = [
    "learner",
    "name",
    "exercise",
    "language",
    "score",
    "max_score",
    "pass_mark",
    "passed",
    "graded_on",
    "course_version",
]


def evidence_table(exercises: pd.DataFrame) -> pd.DataFrame:
    """Each exercise a learner completed and that was fully assessed, passed or not.

    Left out: missing, unreadable or failed notebooks, and free-text answers not yet graded
    by hand (the score is not final). Passed: at least ``PASS_MARK`` of the points.
    """
    final = exercises[(exercises["status"] == "graded") & ~exercises["needs_manual_grade"]]
    table = final.assign(
        pass_mark=(final["max_score"] * PASS_MARK).round(2),
        passed=[
            "yes" if s >= PASS_MARK * m > 0 else "no"
            for s, m in zip(final["score"], final["max_score"], strict=True)
        ],
        course_version=COURSE_VERSION,
    )
    return table.sort_values(["learner", "graded_on", "exercise", "language"])[EVIDENCE_COLUMNS]


# ------------------------------------------------------------------ Moodle gradebook import

ROSTER_HEADERS = {
    "first": ("first name", "prénom"),
    "last": ("last name", "surname", "nom", "nom de famille"),
    "full": ("full name", "nom complet"),
    "Email address": ("email address", "email", "e-mail", "adresse de courriel", "courriel"),
    "ID number": ("id number", "idnumber", "numéro d'identification"),
    "Username": ("username", "nom d'utilisateur"),
}
IDENTIFIERS = ("Email address", "ID number", "Username")  # Moodle's "Map to" choices


@dataclass(frozen=True)
class Roster:
    """People from a Moodle export: the column Moodle can identify them by, and their names."""

    identifier: str  # one of IDENTIFIERS, the column name written for Moodle
    people: list[tuple[str, frozenset[str]]]  # (identifier value, folded names)


def read_roster(path: Path) -> Roster:
    """A CSV downloaded from Moodle (grade export or participants) with names and emails."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TrainerError(f"cannot read the roster {path}: {error}") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = list(csv.reader(text.splitlines(), dialect))
    if not table:
        raise TrainerError(f"the roster {path} is empty")
    header = [h.strip().casefold() for h in table[0]]
    column = {
        role: next((header.index(n) for n in names if n in header), None)
        for role, names in ROSTER_HEADERS.items()
    }
    identifier = next((c for c in IDENTIFIERS if column[c] is not None), None)
    has_names = column["full"] is not None or None not in (column["first"], column["last"])
    if identifier is None or not has_names:
        raise TrainerError(
            f"the roster {path} needs columns for the name (First name and Last name, or Full "
            "name) and for an Email address, ID number or Username"
        )

    def cell(line: list[str], role: str) -> str:
        index = column[role]
        return line[index].strip() if index is not None and index < len(line) else ""

    people = []
    for line in table[1:]:
        value = cell(line, identifier)
        if not value:
            continue
        first, last, full = cell(line, "first"), cell(line, "last"), cell(line, "full")
        names = {folded(n) for n in (f"{first} {last}", f"{last} {first}", full) if n.strip()}
        people.append((value, frozenset(names)))
    return Roster(identifier, people)


def _moodle_feedback(row: pd.Series) -> str:
    lang = row["language"]
    if row["status"] in ("missing", "unreadable"):
        return t("trainer.moodle_feedback_unreadable", lang)
    if row["status"] == "failed":
        return t("trainer.moodle_feedback_failed", lang)
    if row["needs_manual_grade"]:
        return t("trainer.moodle_feedback_pending", lang)
    return t(
        "trainer.moodle_feedback_graded",
        lang,
        score=plain(row["score"], lang),
        max_score=plain(row["max_score"], lang),
        share=percent(row["score"] / row["max_score"] if row["max_score"] else 0, lang, 0),
    )


def _moodle_grade(row: pd.Series) -> str:
    """Percent of the exercise's points (Moodle's items default to a maximum of 100); "-"
    (no grade, in Moodle's import) while the grade is not final."""
    if row["status"] == "failed" or row["needs_manual_grade"]:
        return "-"
    if row["status"] in ("missing", "unreadable") or not row["max_score"]:
        return "0"
    return f"{100 * row['score'] / row['max_score']:.2f}"


def moodle_table(
    course: Course, exercises: pd.DataFrame, roster: Roster | None
) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """Rows for Moodle's CSV grade import: the identifier Moodle maps from, then per exercise
    a ``<exercise> (Real)`` grade column and a ``<exercise> (Feedback)`` column.

    A row Moodle cannot identify is left out, never written blank: Moodle's import reuses
    the previous row's learner for a row with an empty identifier.
    """
    identifier = roster.identifier if roster else IDENTIFIERS[0]
    topics = sorted(set(exercises["exercise"]))
    columns = [identifier, "Full name", "Learner"]
    for exercise in topics:
        columns += [f"{exercise} (Real)", f"{exercise} (Feedback)"]
    registry = Registry.load(course)
    names: dict[str, set[str]] = {}
    for row in registry.rows:
        names.setdefault(row.learner, set()).add(row.name)
    display = registry.names()
    learners = sorted(set(exercises["learner"]))
    left_out: list[tuple[str, str, str]] = []
    matches: dict[str, str] = {}
    if roster is None:
        left_out = [(x, display.get(x, ""), "no roster given (--roster)") for x in learners]
    else:
        for learner in learners:
            known = {folded(n) for n in names.get(learner, {learner}) if not anonymous(n)}
            found = [value for value, people in roster.people if known & people]
            if len(found) == 1:
                matches[learner] = found[0]
            else:
                why = (
                    "not in the roster"
                    if not found
                    else "several people of this name in the roster"
                )
                left_out.append((learner, display.get(learner, ""), why))
        taken: dict[str, list[str]] = {}
        for learner, value in matches.items():
            taken.setdefault(value, []).append(learner)
        for value, owners in taken.items():
            if len(owners) > 1:
                for learner in owners:
                    del matches[learner]
                    left_out.append(
                        (learner, display.get(learner, ""), f"{value} matches several learners")
                    )
    lines = []
    for learner, value in sorted(matches.items()):
        line = {identifier: value, "Full name": display.get(learner, ""), "Learner": learner}
        mine = exercises[exercises["learner"] == learner]
        for exercise in topics:
            done = mine[mine["exercise"] == exercise]
            if done.empty:
                continue  # no column value: Moodle leaves that grade as it is
            share = done["score"] / done["max_score"].where(done["max_score"] > 0, 1)
            best = done.loc[share.idxmax()]
            line[f"{exercise} (Real)"] = _moodle_grade(best)
            line[f"{exercise} (Feedback)"] = _moodle_feedback(best)
        lines.append(line)
    return pd.DataFrame(lines, columns=columns), sorted(left_out)
