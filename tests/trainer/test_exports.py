"""Exports for the world outside: Moodle's grade import, and a record of exercises passed as
AI-literacy training evidence, read from the trainer's cohort (``cohort.py``: collected from
a Moodle export and a folder, graded, hand-graded and exported with Moodle's participants
list once per run).
"""

from __future__ import annotations

import csv
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
from aimed.trainer.synthetic import copy_course

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


@pytest.fixture
def graded(trainer_cohort: dict) -> dict:
    """The trainer's cohort (``cohort.py``), graded and exported once per run. Read only: a
    test writes its exports elsewhere."""
    return trainer_cohort


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
    # Not evidence: the free text of Denis, Éloïse, Gilles, Hugo and lti-42 is not graded yet,
    # Eve, Zoé and Paul handed in no notebook, and Fanny's is blank (whatever a check of a
    # default value scored). Inès, Jean and Léa left the free text as released: it scores
    # nothing and waits for no one, so their exercise is assessed, and not passed.
    assert sorted(rows) == [
        "alice-martin-11",
        "bruno-petit-12",
        "chloe-durand",
        "ines-moreau",
        "jean-martin-18",
        "lea-blanc",
    ]
    assert {rows[n]["passed"] for n in ("ines-moreau", "jean-martin-18", "lea-blanc")} == {"no"}
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
