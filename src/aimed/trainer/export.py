"""Grades out of the gradebook as CSV: per learner, per exercise and per question, a file for
Moodle's gradebook import, and a record of exercises passed (AI-literacy training evidence).

Manual grades entered in the formgrader count as soon as they are saved; until then a
free-text answer counts 0 and its row says ``needs manual grade``.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from dataclasses import astuple, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from aimed import __version__ as COURSE_VERSION
from aimed.texts.i18n import t
from aimed.texts.numbers import percent, plain
from aimed.trainer.course import Assignment, Course, TrainerError
from aimed.trainer.edition import content_reviewed
from aimed.trainer.grading import load_results, make_api
from aimed.trainer.identities import (
    Registry,
    anonymous,
    folded,
    spreadsheet_safe,
    without_bidi,
)

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


def spreadsheet_table(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell a spreadsheet would run as a formula made plain text."""
    safe = table.copy()
    for column in safe.columns:
        kind = safe[column].dtype
        if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind)):
            safe[column] = safe[column].map(spreadsheet_safe)
    safe.columns = [spreadsheet_safe(str(c)) for c in safe.columns]
    return safe


def _write(table: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    spreadsheet_table(table).to_csv(path, index=False, na_rep="")
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


def exercise_table(course: Course, roster: Roster | None = None) -> pd.DataFrame:
    """One row per learner and assignment: points, status and notes of the last grading; a
    ``missing`` row per exercise for each learner (of earlier collections, of the roster)
    who handed nothing in."""
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
    _apply_deadlines(course, exercises)
    exercises["blank"] = [
        status == "graded" and blank_submission(course, a, learner)
        for learner, a, status in zip(
            exercises["learner"], exercises["assignment"], exercises["status"], strict=True
        )
    ]
    exercises["notes"] = [
        "; ".join(filter(None, [note, "blank notebook: no answer written"])) if blank else note
        for note, blank in zip(exercises["notes"], exercises["blank"], strict=True)
    ]
    registry = Registry.load(course)
    learners = sorted(registry.ids() | set(exercises["learner"]))
    strangers: list[str] = []
    if roster is not None:
        matches, _ = match_roster(course, learners, roster)
        strangers = [
            roster.display.get(value, value)
            for value, _names in roster.people
            if value not in matches.values()
        ]
    return _with_the_missing(exercises, learners, registry.names(), strangers)


def _apply_deadlines(course: Course, exercises: pd.DataFrame) -> None:
    """Due date, how late, and the points the trainer's rule takes off (already out of
    ``score``), per submission; empty where the assignment has no due date."""
    from aimed.trainer.deadlines import how_late, lateness, penalty

    late = lateness(course) if not exercises.empty else {}
    due, when, taken = [], [], []
    for i, (learner, a) in enumerate(
        zip(exercises["learner"], exercises["assignment"], strict=True)
    ):
        date, seconds, rule = late.get((learner, a), ("", 0.0, "none"))
        points = penalty(rule, float(exercises["score"].iat[i]), seconds)
        due.append(date)
        when.append(how_late(seconds) if seconds > 0 else "")
        taken.append(points)
    exercises["due"], exercises["late"], exercises["late_penalty"] = due, when, taken
    exercises["score"] = (exercises["score"] - exercises["late_penalty"]).clip(lower=0).round(2)


def _answers(path: Path) -> dict[str, str]:
    """``{grade id: answer}`` of the answer cells of a notebook (whitespace folded)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return {}
    found: dict[str, str] = {}
    for cell in cells if isinstance(cells, list) else []:
        info = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if isinstance(info, dict) and info.get("solution") and info.get("grade_id"):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            found.setdefault(str(info["grade_id"]), " ".join(text.split()))
    return found


def blank_submission(course: Course, assignment: str, learner: str) -> bool:
    """True when no answer cell differs from the released notebook: nothing was written,
    so the exercise was not assessed (whatever a check of a default value gave)."""
    notebook = Assignment(assignment).notebook
    released = _answers(course.release / assignment / notebook)
    mine = _answers(course.submitted / learner / assignment / notebook)
    if not released or not mine:
        return False
    return all(mine.get(grade_id, text) == text for grade_id, text in released.items())


def _with_the_missing(
    exercises: pd.DataFrame, learners: list[str], names: dict[str, str], strangers: list[str]
) -> pd.DataFrame:
    """A ``missing`` row for each exercise a known learner (collected earlier, or only in the
    roster: ``strangers``, by name) handed nothing in for, so every export names them."""
    if exercises.empty:
        return exercises
    topics = sorted(set(exercises["exercise"]))
    max_of = exercises.groupby("exercise")["max_score"].max().to_dict()
    language_of = exercises.groupby("learner")["language"].first().to_dict()
    done = set(zip(exercises["learner"], exercises["exercise"], strict=True))
    people = [(learner, names.get(learner, "")) for learner in learners]
    people += [("", name) for name in strangers]
    extra = [
        {
            "learner": learner,
            "assignment": "",
            "exercise": exercise,
            "language": language_of.get(learner, ""),
            "score": 0.0,
            "max_score": max_of[exercise],
            "needs_manual_grade": False,
            "name": name,
            "status": "missing",
            "notes": "nothing handed in for this exercise",
            "graded_on": "",
            "blank": False,
            "due": "",
            "late": "",
            "late_penalty": 0.0,
        }
        for learner, name in people
        for exercise in topics
        if not learner or (learner, exercise) not in done
    ]
    if not extra:
        return exercises
    table = pd.concat([exercises, pd.DataFrame(extra)], ignore_index=True)
    return table.sort_values(["learner", "name", "exercise", "assignment"], ignore_index=True)


def missing_counts(exercises: pd.DataFrame) -> dict[str, list[str]]:
    """``{exercise: [learner or name]}`` of those who handed nothing in."""
    found: dict[str, list[str]] = {}
    for _, row in exercises[exercises["status"] == "missing"].iterrows():
        found.setdefault(row["exercise"], []).append(row["learner"] or row["name"])
    return found


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
    if course.uses_sqlite() and not course.gradebook.is_file():
        raise TrainerError(
            "nothing graded yet, so nothing to export: run 'aimed-trainer autograde' first"
        )
    rows = question_table(course)
    if rows.empty:
        raise TrainerError(
            "nothing graded yet, so nothing to export: run 'aimed-trainer autograde' first"
        )
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
    exercises = exercise_table(course, people)
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
                "due",
                "late",
                "late_penalty",
                "notes",
            ]
        ],
        out_dir / "grades-by-exercise.csv",
    )
    by_learner = _write(learner_table(exercises), out_dir / "grades-by-learner.csv")
    evidence = _write(evidence_table(exercises, content_reviewed(course.root)), out_dir / EVIDENCE)
    moodle, left_out = moodle_table(course, exercises, people)
    moodle_path = _write(moodle, out_dir / MOODLE_GRADES)
    return Exported([by_learner, by_exercise, by_question, moodle_path, evidence], left_out)


def learner_table(exercises: pd.DataFrame) -> pd.DataFrame:
    """One row per learner (or roster name): points per exercise, ``missing`` where nothing
    came, the total and how many exercises are missing."""
    topics = sorted(set(exercises["exercise"]))
    lines = []
    for (learner, name), mine in exercises.groupby(["learner", "name"], sort=True):
        line: dict[str, object] = {"learner": learner, "name": name}
        missing = 0
        for exercise in topics:
            done = mine[(mine["exercise"] == exercise) & (mine["status"] != "missing")]
            if done.empty:
                line[exercise] = "missing"
                missing += 1
            else:
                line[exercise] = round(float(done["score"].max()), 2)
        line["total"] = round(sum(v for v in line.values() if isinstance(v, float)), 2)
        line["missing"] = missing
        lines.append(line)
    return pd.DataFrame(lines, columns=["learner", "name", *topics, "total", "missing"])


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
    "content_reviewed",
]


def evidence_table(exercises: pd.DataFrame, reviewed: str = "") -> pd.DataFrame:
    """Each exercise a learner completed and that was fully assessed, passed or not.

    Left out: missing, unreadable or failed notebooks, blank ones (nothing written), and
    free-text answers not yet graded by hand (the score is not final).
    Passed: at least ``PASS_MARK`` of the points.
    """
    final = exercises[
        (exercises["status"] == "graded")
        & ~exercises["needs_manual_grade"]
        & ~exercises["blank"].astype(bool)
    ]
    table = final.assign(
        pass_mark=(final["max_score"] * PASS_MARK).round(2),
        passed=[
            "yes" if s >= PASS_MARK * m > 0 else "no"
            for s, m in zip(final["score"], final["max_score"], strict=True)
        ],
        course_version=COURSE_VERSION,
        content_reviewed=reviewed,  # the last medical review of the course content it tested
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
# A learner who came in from Moodle with LTI 1.3 is the hub's account ``lti-<sub>``, and
# Moodle's ``sub`` is its user id (aimed.hub.lti.hub_username keeps a short one as it is):
# Moodle's import maps that column to its "User ID" (``userid``), no roster needed.
USER_ID = "User ID"
LTI_ACCOUNT = re.compile(r"lti-([0-9]{1,19})")


def lms_user_id(learner: str) -> str | None:
    """Moodle's user id of a learner who came in by LTI (``lti-42``: ``42``), else None."""
    found = LTI_ACCOUNT.fullmatch(learner)
    return found[1] if found else None


@dataclass(frozen=True)
class Roster:
    """People from a Moodle export: the column Moodle can identify them by, and their names."""

    identifier: str  # one of IDENTIFIERS, the column name written for Moodle
    people: list[tuple[str, frozenset[str]]]  # (identifier value, folded names)
    display: dict[str, str] = field(default_factory=dict)  # identifier value -> full name


def _roster_text(data: bytes) -> str:
    """A roster's text: UTF-8 (with or without BOM), UTF-16 with its BOM (a spreadsheet's
    "Unicode text"), else Windows-1252, the Latin-1 a spreadsheet saves "CSV" in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_roster(path: Path) -> Roster:
    """A CSV downloaded from Moodle (grade export or participants) with names and emails."""
    path = Path(path).expanduser()
    try:
        text = _roster_text(path.read_bytes())
    except OSError as error:
        raise TrainerError(f"cannot read the roster {path}: {error}") from None
    except UnicodeDecodeError:
        raise TrainerError(
            f"cannot read the roster {path}: it is neither UTF-8 nor Windows/Latin-1 text; "
            "save it again from the spreadsheet as 'CSV UTF-8 (comma delimited)'"
        ) from None
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
    display: dict[str, str] = {}
    for line in table[1:]:
        value = cell(line, identifier)
        if not value:
            continue
        first, last, full = cell(line, "first"), cell(line, "last"), cell(line, "full")
        names = {folded(n) for n in (f"{first} {last}", f"{last} {first}", full) if n.strip()}
        people.append((value, frozenset(names)))
        display[value] = without_bidi(full or f"{first} {last}".strip())
    return Roster(identifier, people, display)


def _moodle_feedback(row: pd.Series) -> str:
    lang = row["language"] or "en"
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


def match_roster(
    course: Course, learners: list[str], roster: Roster | None
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """``{learner: roster identifier}`` for each learner found once in the roster, and the
    learners left out, with why."""
    registry = Registry.load(course)
    names: dict[str, set[str]] = {}
    for row in registry.rows:
        names.setdefault(row.learner, set()).add(row.name)
    display = registry.names()
    matches: dict[str, str] = {}
    if roster is None:
        return {}, [(x, display.get(x, ""), "no roster given (--roster)") for x in learners]
    left_out: list[tuple[str, str, str]] = []
    for learner in learners:
        known = {folded(n) for n in names.get(learner, {learner}) if not anonymous(n)}
        found = [value for value, people in roster.people if known & people]
        if len(found) == 1:
            matches[learner] = found[0]
        else:
            why = "not in the roster" if not found else "several people of this name in the roster"
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
    return matches, left_out


def moodle_table(
    course: Course, exercises: pd.DataFrame, roster: Roster | None
) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """Rows for Moodle's CSV grade import: the identifier Moodle maps from, then per exercise
    a ``<exercise> (Real)`` grade column and a ``<exercise> (Feedback)`` column.

    A row Moodle cannot identify is left out, never written blank: Moodle's import reuses
    the previous row's learner for a row with an empty identifier. A person of the roster
    who handed nothing in gets 0 and a sentence saying so.
    """
    learners = sorted(set(exercises["learner"]) - {""})
    from_lms = {x: i for x in learners if (i := lms_user_id(x))}
    identifier = roster.identifier if roster else USER_ID if from_lms else IDENTIFIERS[0]
    topics = sorted(set(exercises["exercise"]))
    columns = [identifier, "Full name", "Learner"]
    for exercise in topics:
        columns += [f"{exercise} (Real)", f"{exercise} (Feedback)"]
    display = Registry.load(course).names()
    matches, left_out = match_roster(course, learners, roster)
    if from_lms and roster is None:  # Moodle maps them by its user id: no roster needed
        matches = from_lms
        left_out = [x for x in left_out if x[0] not in from_lms]
    elif from_lms:  # one identifier per file, and theirs is not the roster's
        why = "Moodle user {} (LTI): export without --roster, mapped by User ID"
        left_out = [(x, n, why.format(from_lms[x]) if x in from_lms else w)
                    for x, n, w in left_out]  # fmt: skip
    keys = [(value, learner) for learner, value in matches.items()]
    if roster is not None:  # the roster's people nobody collected: a row of "missing"
        keys += [(v, "") for v, _n in roster.people if v not in matches.values()]
    lines = []
    for value, learner in sorted(keys, key=lambda k: (k[1] == "", k[1], k[0])):
        name = display.get(learner, "") if learner or not roster else roster.display.get(value, "")
        line = {identifier: value, "Full name": name, "Learner": learner}
        mine = exercises[
            (exercises["learner"] == learner) & (learner != "" or exercises["name"] == name)
        ]
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


# ------------------------------------------------------------------ feedback files into Moodle


def moodle_feedback_zip(course: Course, assignment: Assignment, out_dir: Path) -> Path:
    """``moodle-feedback-<assignment>.zip`` for Moodle's "Upload multiple feedback files in a
    zip": one folder per participant, named exactly as the collected export named it
    (``Full Name_123_assignsubmission_file_``), holding that learner's feedback page."""
    from aimed.trainer.collect import lms_folders

    folders = lms_folders(course).get(assignment.name, {})
    if not folders:
        raise TrainerError(
            f"no Moodle export collected for {assignment.name}: feedback goes back into "
            "Moodle under the folder names of its own export ('aimed-trainer collect')"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"moodle-feedback-{assignment.name}.zip"
    written = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for learner, folder in sorted(folders.items()):
            for page in sorted((course.feedback / learner / assignment.name).glob("*.html")):
                archive.write(page, f"{folder}/{page.name}")
                written += 1
    if not written:
        path.unlink()
        raise TrainerError(
            f"no feedback pages for {assignment.name} yet: run 'aimed-trainer feedback' first"
        )
    return path
