"""Exports for the world outside: Moodle's grade import, and a record of exercises passed as
AI-literacy training evidence. One small cohort, collected from a Moodle export, graded once.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimed import __version__
from aimed.trainer.cli import app
from aimed.trainer.course import TrainerError, open_course
from aimed.trainer.export import (
    EVIDENCE_COLUMNS,
    PASS_MARK,
    exercise_table,
    export_grades,
    moodle_table,
    read_roster,
)
from aimed.trainer.synthetic import copy_course, solutions, submission_for
from support import built_once

ENGLISH = "reading-performance-en"
FRENCH = "reading-performance-fr"
NOTEBOOK = "reading-performance.ipynb"
MOODLE = "_assignsubmission_file_"
runner = CliRunner()


def run(*args: object) -> object:
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _notebook(root: Path, assignment: str, kind: str) -> bytes:
    release = json.loads((root / "release" / assignment / NOTEBOOK).read_text("utf-8"))
    _, content = submission_for(kind, release, solutions(root / "source" / assignment / NOTEBOOK))
    return content


@pytest.fixture(scope="session")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The cohort, collected, graded and exported once per run (``built_once``: the
    attestation tests read the same one). Read only: a test writes its exports elsewhere."""
    base = built_once(tmp_path_factory, "exports-cohort", _grade_the_cohort)
    root = Path((base / "root.txt").read_text(encoding="utf-8"))
    output = (base / "export-output.txt").read_text(encoding="utf-8")
    return {"root": root, "reports": root / "reports", "output": output, "base": base}


def _grade_the_cohort(base: Path) -> None:
    from nbgrader.api import Gradebook

    from aimed.trainer.grading import autograde_all
    from aimed.trainer.release import generate_releases

    course = copy_course(base / "course")
    root = course.root
    generate_releases(course, [ENGLISH, FRENCH])
    export = base / "moodle.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for who, kind in (("Alice Martin_11", "correct"), ("Bruno Petit_12", "partial")):
            archive.writestr(f"{who}{MOODLE}/{NOTEBOOK}", _notebook(root, ENGLISH, kind))
        archive.writestr(f"Denis Roy_13{MOODLE}/{NOTEBOOK}", _notebook(root, ENGLISH, "correct"))
        archive.writestr(f"Fanny Vide_15{MOODLE}/{NOTEBOOK}", _notebook(root, ENGLISH, "blank"))
        archive.writestr(f"Eve Blanc_14{MOODLE}/notes.txt", b"no notebook")
    assert run("collect", ENGLISH, export, "--course", root).exit_code == 0
    (root / "submitted" / "alice-martin-11" / ENGLISH / "timestamp.txt").write_text(
        "2026-03-02 10:00:00 UTC"
    )
    inbox = base / "inbox" / "Chloé Durand"
    inbox.mkdir(parents=True)
    (inbox / NOTEBOOK).write_bytes(_notebook(root, FRENCH, "correct"))
    assert run("collect", FRENCH, inbox.parent, "--course", root).exit_code == 0
    # Moodle's user 42, who came in by LTI: the hub's nbgrader collects the account lti-42
    lti = root / "submitted" / "lti-42" / FRENCH
    lti.mkdir(parents=True)
    (lti / NOTEBOOK).write_bytes(_notebook(root, FRENCH, "correct"))
    (lti / "timestamp.txt").write_text("2026-03-03 09:00:00 UTC")
    autograde_all(root, workers=2, progress=False, timeout=10)
    # The trainer grades the free-text answers of all but Denis in the formgrader.
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for learner, assignment in (
            ("alice-martin-11", ENGLISH),
            ("bruno-petit-12", ENGLISH),
            ("chloe-durand", FRENCH),
        ):
            notebook = gb.find_submission_notebook(NOTEBOOK[:-6], assignment, learner)
            for grade in notebook.grades:
                if grade.cell.cell_type == "markdown":
                    grade.manual_score = grade.max_score
                    grade.needs_manual_grade = False
        gb.db.commit()
    roster = base / "moodle-participants.csv"
    roster.write_text(
        "First name,Last name,ID number,Institution,Department,Email address\n"
        "Alice,Martin,,CHU,,alice.martin@example.org\n"
        "Bruno,Petit,,CHU,,bruno.petit@example.org\n"
        "Chloe,Durand,,CHU,,chloe.durand@example.org\n"
        "Denis,Roy,,CHU,,denis.roy@example.org\n"
        "Zoé,Faure,,CHU,,zoe.faure@example.org\n",
        encoding="utf-8",
    )
    result = run("export", "--course", root, "--roster", roster)
    assert result.exit_code == 0, result.output
    (base / "export-output.txt").write_text(result.output, encoding="utf-8")
    (base / "root.txt").write_text(str(root), encoding="utf-8")


@pytest.mark.slow
def test_the_moodle_file_has_the_columns_moodle_maps(graded) -> None:
    path = graded["reports"] / "moodle-grades.csv"
    assert _header(path) == [
        "Email address",
        "Full name",
        "Learner",
        "reading-performance (Real)",
        "reading-performance (Feedback)",
    ]


@pytest.mark.slow
def test_the_moodle_file_holds_only_learners_moodle_can_identify(graded, tmp_path) -> None:
    rows = {r["Learner"]: r for r in _rows(graded["reports"] / "moodle-grades.csv")}
    # Zoé is in the roster and handed nothing in: named, 0, and told so.
    assert sorted(rows) == ["", "alice-martin-11", "bruno-petit-12", "chloe-durand", "denis-roy-13"]
    zoe = rows[""]
    assert (zoe["Full name"], zoe["Email address"]) == ("Zoé Faure", "zoe.faure@example.org")
    assert zoe["reading-performance (Real)"] == "0"
    assert "No notebook" in zoe["reading-performance (Feedback)"]
    assert all(r["Email address"] for r in rows.values())  # never a row Moodle would misplace
    assert rows["chloe-durand"]["Email address"] == "chloe.durand@example.org"  # accents aside
    output = " ".join(graded["output"].split())
    assert "Not in moodle-grades.csv" in output and "eve-blanc-14" in output
    assert "not in the roster" in output
    # Moodle's import maps one column per file: with a roster, the LTI learner is left out
    roster = graded["base"] / "moodle-participants.csv"
    done = export_grades(open_course(graded["root"]), tmp_path, roster)
    why = "Moodle user 42 (LTI): export without --roster, mapped by User ID"
    assert ("lti-42", "", why) in done.left_out_of_moodle


@pytest.mark.slow
def test_the_moodle_grades_are_percentages_or_no_grade_until_final(graded) -> None:
    rows = {r["Learner"]: r for r in _rows(graded["reports"] / "moodle-grades.csv")}
    by_exercise = {
        (r["learner"], r["assignment"]): r
        for r in _rows(graded["reports"] / "grades-by-exercise.csv")
    }
    bruno = by_exercise[("bruno-petit-12", ENGLISH)]
    share = 100 * float(bruno["score"]) / float(bruno["max_score"])
    assert rows["bruno-petit-12"]["reading-performance (Real)"] == f"{share:.2f}"
    assert 0 < share < 100
    assert rows["alice-martin-11"]["reading-performance (Real)"] == "100.00"
    assert rows["denis-roy-13"]["reading-performance (Real)"] == "-"  # free text not graded
    assert "still to be graded" in rows["denis-roy-13"]["reading-performance (Feedback)"]
    assert rows["alice-martin-11"]["reading-performance (Feedback)"].startswith(
        "17 of 17 points (100%)."
    )
    # in her language
    assert "Points obtenus" in rows["chloe-durand"]["reading-performance (Feedback)"]


@pytest.mark.slow
def test_the_evidence_file_lists_each_assessed_exercise_with_its_date(graded) -> None:
    path = graded["reports"] / "ai-literacy-evidence.csv"
    assert _header(path) == EVIDENCE_COLUMNS
    rows = {r["learner"]: r for r in _rows(path)}
    # Denis's free text is not graded yet, Eve handed in no notebook and Fanny's is blank
    # (whatever a check of a default value scored): not evidence.
    assert sorted(rows) == ["alice-martin-11", "bruno-petit-12", "chloe-durand"]
    by_exercise = {r["learner"]: r for r in _rows(graded["reports"] / "grades-by-exercise.csv")}
    assert "blank notebook: no answer written" in by_exercise["fanny-vide-15"]["notes"]
    alice, bruno, chloe = rows["alice-martin-11"], rows["bruno-petit-12"], rows["chloe-durand"]
    assert alice["graded_on"] == "2026-03-02"  # the submission's own timestamp
    assert len(chloe["graded_on"]) == 10 and chloe["graded_on"] >= "2026-01-01"
    assert (alice["name"], alice["language"], chloe["language"]) == ("Alice Martin", "en", "fr")
    assert alice["passed"] == "yes" and float(alice["score"]) == float(alice["max_score"])
    for row in rows.values():
        assert float(row["pass_mark"]) == round(PASS_MARK * float(row["max_score"]), 2)
        expected = "yes" if float(row["score"]) >= float(row["pass_mark"]) else "no"
        assert row["passed"] == expected and row["course_version"] == __version__
    assert bruno["exercise"] == "reading-performance"


@pytest.mark.slow
def test_without_a_roster_the_moodle_file_maps_lti_learners_by_moodles_user_id(
    graded, tmp_path
) -> None:
    result = run("export", "--course", graded["root"], "--out", tmp_path)
    assert result.exit_code == 0, result.output
    # Moodle's import: map from "User ID" to its user id; the others need the roster
    assert _header(tmp_path / "moodle-grades.csv")[0] == "User ID"
    (row,) = _rows(tmp_path / "moodle-grades.csv")
    assert (row["User ID"], row["Learner"]) == ("42", "lti-42")
    assert row["reading-performance (Real)"] == "-"  # its free text is not graded yet
    assert "no roster given" in " ".join(result.output.split())


@pytest.mark.slow
def test_without_a_roster_or_an_lti_learner_the_moodle_file_has_its_header_and_no_row(
    graded,
) -> None:
    """Learners who came in by download need the roster: without it none is written."""
    course = open_course(graded["root"])
    exercises = exercise_table(course)
    downloads = exercises[exercises["learner"] != "lti-42"]
    table, left_out = moodle_table(course, downloads, None)
    assert table.empty and list(table.columns)[0] == "Email address"
    assert {learner for learner, _, _ in left_out} == set(downloads["learner"]) - {""}


def test_a_roster_in_french_or_with_id_numbers_is_read(tmp_path: Path) -> None:
    french = tmp_path / "fr.csv"
    french.write_text(
        "Prénom;Nom;Adresse de courriel\nÉloïse;Durand;eloise@example.org\n", encoding="utf-8"
    )
    roster = read_roster(french)
    assert roster.identifier == "Email address"
    assert roster.people == [("eloise@example.org", roster.people[0][1])]
    assert "eloise durand" in roster.people[0][1]
    numbers = tmp_path / "ids.csv"
    numbers.write_text("First name,Last name,ID number\nJean,Roy,A-17\n", encoding="utf-8")
    assert read_roster(numbers).identifier == "ID number"


def test_a_roster_without_an_identifier_is_refused_in_one_line(tmp_path: Path) -> None:
    roster = tmp_path / "names.csv"
    roster.write_text("First name,Last name\nJean,Roy\n", encoding="utf-8")
    with pytest.raises(TrainerError, match="Email address, ID number or Username"):
        read_roster(roster)
    course = copy_course(tmp_path / "course")
    result = runner.invoke(app, ["export", "--course", str(course.root), "--roster", str(roster)])
    assert result.exit_code == 2 and "Traceback" not in result.output
