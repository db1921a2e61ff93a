"""Learner ids that belong to the learner: from the platform's number, else the exact name.

Ids are kept in ``learners.csv`` and never handed to someone else; a name that is nearly
another learner's is reported, not merged; an oversized or damaged file sets one learner
aside and the rest of the export is collected.
"""

from __future__ import annotations

import csv
import unicodedata
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimed.trainer.cli import app
from aimed.trainer.collect import MAX_FILE, collect
from aimed.trainer.course import Course
from aimed.trainer.identities import near_duplicates
from aimed.trainer.intake import check_submission
from aimed.trainer.synthetic import copy_course

ENGLISH = "reading-performance-en"
FRENCH = "reading-performance-fr"
NOTEBOOK = "reading-performance.ipynb"
MOODLE = "_assignsubmission_file_"
NOTEBOOK_BYTES = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return copy_course(tmp_path / "course")


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _moodle(path: Path, people: list[str]) -> Path:
    """A Moodle export: one folder per ``Full Name_number``, each with a notebook."""
    return _zip(path, {f"{who}{MOODLE}/{NOTEBOOK}": NOTEBOOK_BYTES for who in people})


def _ids(course: Course, assignment: str, source: Path) -> dict[str, str]:
    found = collect(course, course.select([assignment])[0], source)
    return {item.name: item.learner for item in found}


def _notes(course: Course, assignment: str, source: Path) -> dict[str, str]:
    found = collect(course, course.select([assignment])[0], source)
    return {item.learner: item.note for item in found}


def _registry(course: Course) -> list[dict[str, str]]:
    with (course.root / "learners.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_moodle_ids_come_from_the_participant_number_whatever_the_order(
    course: Course, tmp_path: Path
) -> None:
    first = _moodle(
        tmp_path / "one.zip", ["Alice Martin_101", "Alice  Martin_102", "Bruno Petit_103"]
    )
    ids = _ids(course, ENGLISH, first)
    assert ids == {
        "Alice Martin": "alice-martin-101",
        "Alice  Martin": "alice-martin-102",
        "Bruno Petit": "bruno-petit-103",
    }
    # Collected again later, in another order, with a newcomer: nobody's id moves.
    again = _moodle(tmp_path / "two.zip", ["Chloé Roy_104", "Bruno Petit_103", "Alice  Martin_102"])
    assert _ids(course, ENGLISH, again) == {
        "Chloé Roy": "chloe-roy-104",
        "Bruno Petit": "bruno-petit-103",
        "Alice  Martin": "alice-martin-102",
    }
    rows = _registry(course)
    assert {(r["learner"], r["participant"]) for r in rows} == {
        ("alice-martin-101", "101"),
        ("alice-martin-102", "102"),
        ("bruno-petit-103", "103"),
        ("chloe-roy-104", "104"),
    }
    assert {r["platform"] for r in rows} == {"moodle"}


def test_a_name_differing_by_a_double_space_never_takes_the_first_learners_id(
    course: Course, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    for who in ("Alice Martin", "Alice  Martin"):
        (inbox / who).mkdir(parents=True)
        (inbox / who / NOTEBOOK).write_bytes(NOTEBOOK_BYTES)
    notes = _notes(course, ENGLISH, inbox)
    assert sorted(notes) == ["alice-martin", "alice-martin-2"]
    assert "name close to 'Alice Martin' (alice-martin)" in notes["alice-martin-2"]
    # The double-spaced learner alone, in a later collection: still their own id.
    (inbox / "Alice Martin" / NOTEBOOK).unlink()
    (inbox / "Alice Martin").rmdir()
    assert _ids(course, ENGLISH, inbox) == {"Alice  Martin": "alice-martin-2"}
    # And the first learner, alone, gets back the first id.
    alone = tmp_path / "alone"
    (alone / "Alice Martin").mkdir(parents=True)
    (alone / "Alice Martin" / NOTEBOOK).write_bytes(NOTEBOOK_BYTES)
    assert _ids(course, FRENCH, alone) == {"Alice Martin": "alice-martin"}


@pytest.mark.parametrize(
    "variant", ["alice martin", "Alicé Martin", "Alice Martim", "AliceMartin", "Alice Martin "]
)
def test_a_near_duplicate_name_is_reported_not_merged(
    course: Course, tmp_path: Path, variant: str
) -> None:
    first = tmp_path / "first"
    (first / "Alice Martin").mkdir(parents=True)
    (first / "Alice Martin" / NOTEBOOK).write_bytes(NOTEBOOK_BYTES)
    assert _ids(course, ENGLISH, first) == {"Alice Martin": "alice-martin"}
    later = tmp_path / "later"
    (later / variant).mkdir(parents=True)
    (later / variant / NOTEBOOK).write_bytes(NOTEBOOK_BYTES)
    found = collect(course, course.select([FRENCH])[0], later)
    if variant.strip() == "Alice Martin":  # the same name with a trailing space: same person
        assert [f.learner for f in found] == ["alice-martin"]
        return
    (item,) = found
    assert item.learner != "alice-martin"
    assert "name close to 'Alice Martin' (alice-martin)" in item.note
    result = CliRunner().invoke(app, ["learners", "--course", str(course.root)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "may be one person" in said and item.learner in said


def test_near_duplicates_are_spaces_case_accents_or_one_character() -> None:
    assert near_duplicates("Alice Martin", "Alice  Martin")
    assert near_duplicates("Éloïse Durand", "eloise durand")
    assert near_duplicates("Jean Dupont", "Jean Dupond")
    assert not near_duplicates("Jean Dupont", "Anne Dupont")
    assert not near_duplicates("Léa Blanc", "Zoé Roy")


def test_a_name_spelt_with_decomposed_accents_is_the_same_learner(
    course: Course, tmp_path: Path
) -> None:
    composed = _moodle(tmp_path / "nfc.zip", ["Éloïse Durand_17"])
    assert _ids(course, ENGLISH, composed) == {"Éloïse Durand": "eloise-durand-17"}
    inbox = tmp_path / "mac"
    decomposed = unicodedata.normalize("NFD", "Éloïse Durand")
    (inbox / decomposed).mkdir(parents=True)
    (inbox / decomposed / NOTEBOOK).write_bytes(NOTEBOOK_BYTES)
    (item,) = collect(course, course.select([FRENCH])[0], inbox)
    assert item.learner == "eloise-durand-17" and "name close" not in item.note


def test_one_person_has_a_new_moodle_number_in_each_assignment(
    course: Course, tmp_path: Path
) -> None:
    english = _moodle(tmp_path / "en.zip", ["Alice Martin_101", "Participant_301"])
    assert _ids(course, ENGLISH, english) == {
        "Alice Martin": "alice-martin-101",
        "Participant": "participant-301",
    }
    french = _moodle(tmp_path / "fr.zip", ["Alice Martin_205", "Participant_402"])
    found = {f.name: f for f in collect(course, course.select([FRENCH])[0], french)}
    assert found["Alice Martin"].learner == "alice-martin-101"
    assert "same name as learner alice-martin-101" in found["Alice Martin"].note
    # Blind marking names everyone "Participant": never matched by name.
    assert found["Participant"].learner == "participant-402"


def test_two_people_of_one_name_in_one_assignment_are_never_merged_later(
    course: Course, tmp_path: Path
) -> None:
    english = _moodle(tmp_path / "en.zip", ["Alice Martin_101", "Alice Martin_102"])
    found = collect(course, course.select([ENGLISH])[0], english)
    assert sorted(f.learner for f in found) == ["alice-martin-101", "alice-martin-102"]
    french = _moodle(tmp_path / "fr.zip", ["Alice Martin_205"])
    (item,) = collect(course, course.select([FRENCH])[0], french)
    assert item.learner == "alice-martin-205"  # either could be her: a new id, reported
    assert "alice-martin-101" in item.note and "alice-martin-102" in item.note


def test_canvas_and_moodle_flat_file_names(course: Course, tmp_path: Path) -> None:
    inbox = tmp_path / "flat"
    inbox.mkdir()
    (inbox / f"martinalice_123_456_{NOTEBOOK}").write_bytes(NOTEBOOK_BYTES)
    (inbox / "martinalice_late_123_457_data.csv").write_text("x\n1\n")
    (inbox / f"Bruno Petit_77{MOODLE}{NOTEBOOK}").write_bytes(NOTEBOOK_BYTES)
    found = {f.learner: f for f in collect(course, course.select([ENGLISH])[0], inbox)}
    assert sorted(found) == ["bruno-petit-77", "martinalice-123"]
    alice = course.submitted / "martinalice-123" / ENGLISH
    assert sorted(p.name for p in alice.iterdir()) == ["data.csv", NOTEBOOK]
    assert (course.submitted / "bruno-petit-77" / ENGLISH / NOTEBOOK).is_file()
    rows = {r["learner"]: r for r in _registry(course)}
    assert rows["martinalice-123"]["platform"] == "canvas"


def test_an_oversized_file_sets_aside_that_learner_alone(course: Course, tmp_path: Path) -> None:
    huge = b"{" + b" " * (MAX_FILE + 1024) + b"}"  # deflates to a few kilobytes
    export = _zip(
        tmp_path / "export.zip",
        {
            f"Alice Martin_1{MOODLE}/{NOTEBOOK}": NOTEBOOK_BYTES,
            f"Bruno Petit_2{MOODLE}/{NOTEBOOK}": huge,
            f"Chloé Roy_3{MOODLE}/{NOTEBOOK}": NOTEBOOK_BYTES,
            f"Chloé Roy_3{MOODLE}/big-data.csv": huge,
        },
    )
    found = {f.learner: f for f in collect(course, course.select([ENGLISH])[0], export)}
    assert found["alice-martin-1"].status == "collected" and not found["alice-martin-1"].notes
    bruno, chloe = found["bruno-petit-2"], found["chloe-roy-3"]
    assert bruno.status == "set aside" and "larger than 20 MB" in bruno.note
    assert not list((course.submitted / "bruno-petit-2" / ENGLISH).iterdir())
    assert chloe.status == "collected" and "big-data.csv left out" in chloe.note
    assert not (course.submitted / "chloe-roy-3" / ENGLISH / "big-data.csv").exists()
    assignment = course.select([ENGLISH])[0]
    intake = check_submission(course, assignment, "bruno-petit-2")
    assert intake.status == "unreadable" and "larger than 20 MB" in " ".join(intake.notes)
    intake = check_submission(course, assignment, "chloe-roy-3")
    assert intake.status == "ok" and "big-data.csv left out" in " ".join(intake.notes)


def test_a_damaged_zip_entry_sets_aside_that_learner_alone(course: Course, tmp_path: Path) -> None:
    export = _zip(
        tmp_path / "export.zip",
        {
            f"Alice Martin_1{MOODLE}/{NOTEBOOK}": NOTEBOOK_BYTES * 50,
            f"Bruno Petit_2{MOODLE}/{NOTEBOOK}": NOTEBOOK_BYTES * 50,
        },
    )
    data = bytearray(export.read_bytes())
    with zipfile.ZipFile(export) as archive:
        info = archive.getinfo(f"Bruno Petit_2{MOODLE}/{NOTEBOOK}")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + 12):
        data[offset] ^= 0xFF
    export.write_bytes(bytes(data))
    found = {f.learner: f for f in collect(course, course.select([ENGLISH])[0], export)}
    assert found["alice-martin-1"].status == "collected"
    assert found["bruno-petit-2"].status == "set aside"
    assert "could not be unpacked" in found["bruno-petit-2"].note


def test_an_id_edited_by_hand_into_a_path_is_refused_in_one_line(
    course: Course, tmp_path: Path
) -> None:
    (course.root / "learners.csv").write_text(
        "learner,name,platform,participant,assignment\n../../etc,Alice Martin,,,\n",
        encoding="utf-8",
    )
    inbox = tmp_path / "inbox"
    (inbox / "Alice Martin").mkdir(parents=True)
    (inbox / "Alice Martin" / NOTEBOOK).write_bytes(NOTEBOOK_BYTES)
    result = CliRunner().invoke(app, ["collect", ENGLISH, str(inbox), "--course", str(course.root)])
    assert result.exit_code == 2 and "'../../etc' is not a learner id" in result.output
    assert not course.submitted.exists()
