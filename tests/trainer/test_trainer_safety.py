"""What a trainer's files never do: run as a spreadsheet formula, hide a name's direction,
lose a graded submission, take the wrong exercise, or let one learner's files crowd out
another's notebook; and the trainer's small mistakes answered in one clear line.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from aimed.trainer import collect as collection
from aimed.trainer.cli import app
from aimed.trainer.collect import collect
from aimed.trainer.course import Course
from aimed.trainer.export import read_roster, spreadsheet_table
from aimed.trainer.grading import Submission, Summary, save_results
from aimed.trainer.identities import Person, Registry, spreadsheet_safe, without_bidi
from aimed.trainer.synthetic import copy_course

ENGLISH = "reading-performance-en"
NOTEBOOK = "reading-performance.ipynb"
MOODLE = "_assignsubmission_file_"
runner = CliRunner()


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return copy_course(tmp_path / "course")


def _source(course: Course, assignment: str, notebook: str = NOTEBOOK) -> bytes:
    return (course.source / assignment / notebook).read_bytes()


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_text_a_spreadsheet_would_run_is_made_plain(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["-", "-1.5", "+3", "12%", "Alice", "", 4.0, None])
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    assert spreadsheet_safe(value) == value


def test_every_text_cell_of_an_export_table_is_escaped(tmp_path: Path) -> None:
    table = pd.DataFrame({"name": ["=1+1", "Bob"], "score": [-1.0, 2.0], "=x": ["@a", "-"]})
    path = tmp_path / "t.csv"
    spreadsheet_table(table).to_csv(path, index=False)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["name", "score", "'=x"], ["'=1+1", "-1.0", "'@a"], ["Bob", "2.0", "-"]]


def test_bidirectional_controls_never_reach_an_identity(course: Course, tmp_path: Path) -> None:
    assert without_bidi("Ali\u202ece\u2066 \u200fMartin\u061c") == "Alice Martin"
    assert Person("Eve\u202e Blanc").name == "Eve Blanc"
    export = _zip(
        tmp_path / "e.zip",
        {
            f"=1+2 Alice_7{MOODLE}/{NOTEBOOK}": _source(course, ENGLISH),
            f"Eve\u202e Blanc_8{MOODLE}/{NOTEBOOK}": _source(course, ENGLISH),
        },
    )
    found = {item.learner: item for item in collect(course, course.select([ENGLISH])[0], export)}
    assert "eve-blanc-8" in found and found["eve-blanc-8"].name == "Eve Blanc"
    raw = (course.root / "learners.csv").read_text("utf-8")
    assert "\u202e" not in raw
    assert "'=1+2 Alice" in raw  # a spreadsheet shows it as text
    names = {row.learner: row.name for row in Registry.load(course).rows}
    assert "=1+2 Alice" in names.values()  # read back as it was


def test_a_latin1_roster_from_a_spreadsheet_is_read(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes("Prénom;Nom;Adresse de courriel\nÉloïse;Durand;e@x.org\n".encode("cp1252"))
    read = read_roster(roster)
    assert read.people[0][0] == "e@x.org" and "eloise durand" in read.people[0][1]
    assert read.display["e@x.org"] == "Éloïse Durand"


def test_a_roster_in_no_known_encoding_gets_a_hint(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(b"First name,Last name,Email address\n\x81\x8d,\x8f,\x90@x\n")
    course = copy_course(tmp_path / "course")
    result = runner.invoke(app, ["export", "--course", str(course.root), "--roster", str(roster)])
    assert result.exit_code == 2 and "CSV UTF-8" in result.output


def test_export_with_nothing_graded_says_so_and_fails(course: Course) -> None:
    result = runner.invoke(app, ["export", "--course", str(course.root)])
    assert result.exit_code == 2 and "nothing graded yet" in result.output
    assert not (course.root / "reports").exists()


def test_an_unknown_learner_id_lists_the_valid_ones(course: Course, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for name in ("Alice Martin", "Bruno Petit"):
        (inbox / name).mkdir(parents=True)
        (inbox / name / NOTEBOOK).write_bytes(_source(course, ENGLISH))
    collect(course, course.select([ENGLISH])[0], inbox)
    for command in ("autograde", "feedback"):
        result = runner.invoke(app, [command, "--learner", "alise", "--course", str(course.root)])
        output = " ".join(result.output.split())
        assert result.exit_code == 2, output
        assert "no learner alise" in output and "alice-martin, bruno-petit" in output


def test_another_exercises_notebook_is_refused_naming_it(course: Course, tmp_path: Path) -> None:
    export = _zip(
        tmp_path / "e.zip",
        {
            f"Alice Martin_1{MOODLE}/{NOTEBOOK}": _source(course, ENGLISH),
            f"Bruno Petit_2{MOODLE}/{NOTEBOOK}": _source(course, "bias-en", "bias.ipynb"),
        },
    )
    found = {i.learner: i for i in collect(course, course.select([ENGLISH])[0], export)}
    assert found["alice-martin-1"].status == "collected"
    bruno = found["bruno-petit-2"]
    assert bruno.status == "refused"
    assert "looks like the exercise bias (bias-en), not reading-performance" in bruno.note
    assert not (course.submitted / "bruno-petit-2" / ENGLISH).exists()


def test_the_graded_one_of_several_notebooks_is_named(course: Course, tmp_path: Path) -> None:
    release = json.loads(_source(course, ENGLISH))
    for cell in release["cells"]:  # the notebook as received, before any answer
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            cell["source"] = "YOUR ANSWER HERE"
    inbox = tmp_path / "inbox" / "Alice Martin"
    inbox.mkdir(parents=True)
    (inbox / "draft.ipynb").write_text(json.dumps(release), "utf-8")
    (inbox / "done.ipynb").write_bytes(_source(course, ENGLISH))
    (item,) = collect(course, course.select([ENGLISH])[0], inbox.parent)
    assert "2 notebooks: graded done.ipynb (the one with the most answers written)" in item.note
    folder = course.submitted / "alice-martin" / ENGLISH
    assert sorted(p.name for p in folder.iterdir()) == [NOTEBOOK]
    assert (folder / NOTEBOOK).read_bytes() == _source(course, ENGLISH)
    assert (course.originals / "alice-martin" / ENGLISH / "not-graded" / "draft.ipynb").is_file()


def _graded(course: Course, learner: str, score: float, max_score: float) -> None:
    """What autograde records of a submission (its results file)."""
    save_results(
        course, Summary([Submission(learner, ENGLISH, "graded", score, max_score)], workers=1)
    )


def test_a_second_export_keeps_what_it_replaces(course: Course, tmp_path: Path) -> None:
    first = _zip(
        tmp_path / "1.zip", {f"Alice Martin_1{MOODLE}/{NOTEBOOK}": _source(course, ENGLISH)}
    )
    collect(course, course.select([ENGLISH])[0], first)
    _graded(course, "alice-martin-1", 12, 17)
    newer = json.loads(_source(course, ENGLISH))
    newer["metadata"]["note"] = "second version"
    second = _zip(
        tmp_path / "2.zip", {f"Alice Martin_1{MOODLE}/{NOTEBOOK}": json.dumps(newer).encode()}
    )
    (item,) = collect(course, course.select([ENGLISH])[0], second)
    assert item.status == "collected"
    assert "replaces a submission graded 12/17 (kept in originals/alice-martin-1/" in item.note
    (kept,) = (course.originals / "alice-martin-1").glob(f"{ENGLISH}.replaced-*")
    assert (kept / NOTEBOOK).read_bytes() == _source(course, ENGLISH)
    now = json.loads((course.submitted / "alice-martin-1" / ENGLISH / NOTEBOOK).read_text("utf-8"))
    assert now["metadata"]["note"] == "second version"


def test_a_broken_file_never_replaces_a_graded_submission_unasked(
    course: Course, tmp_path: Path
) -> None:
    first = _zip(
        tmp_path / "1.zip", {f"Alice Martin_1{MOODLE}/{NOTEBOOK}": _source(course, ENGLISH)}
    )
    collect(course, course.select([ENGLISH])[0], first)
    _graded(course, "alice-martin-1", 12, 17)
    broken = _zip(tmp_path / "2.zip", {f"Alice Martin_1{MOODLE}/{NOTEBOOK}": b"%PDF-1.4"})
    (item,) = collect(course, course.select([ENGLISH])[0], broken)
    assert item.status == "kept earlier"
    assert "the submission graded 12/17 is kept" in item.note and "--replace-graded" in item.note
    stored = course.submitted / "alice-martin-1" / ENGLISH / NOTEBOOK
    assert stored.read_bytes() == _source(course, ENGLISH)
    result = runner.invoke(
        app, ["collect", ENGLISH, str(broken), "--course", str(course.root), "--replace-graded"]
    )
    assert result.exit_code == 0 and stored.read_bytes() == b"%PDF-1.4"
    assert list((course.originals / "alice-martin-1").glob(f"{ENGLISH}.replaced-*/{NOTEBOOK}"))


def test_no_learner_loses_a_notebook_to_anothers_large_files(
    course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collection, "MAX_COLLECTION", 3 * 1024 * 1024)  # the export's budget
    big = b"x" * (2 * 1024 * 1024)
    entries = {
        f"Anne Abel_1{MOODLE}/data.bin": big,
        f"Anne Abel_1{MOODLE}/{NOTEBOOK}": _source(course, ENGLISH),
        f"Bob Bell_2{MOODLE}/more.bin": big,
        f"Bob Bell_2{MOODLE}/{NOTEBOOK}": _source(course, ENGLISH),
    }
    for n in range(3, 9):  # honest learners after them, notebooks only
        entries[f"Zoe Zed{n}_{n}{MOODLE}/{NOTEBOOK}"] = _source(course, ENGLISH)
    export = _zip(tmp_path / "e.zip", entries)
    found = {i.learner: i for i in collect(course, course.select([ENGLISH])[0], export)}
    assert all(item.status == "collected" for item in found.values())
    for learner in found:
        assert (course.submitted / learner / ENGLISH / NOTEBOOK).is_file()
    assert "more.bin left out: the export passed 3.0 MB" in found["bob-bell-2"].note
    assert "every notebook is kept" in found["bob-bell-2"].note
    assert (course.submitted / "anne-abel-1" / ENGLISH / "data.bin").is_file()


@pytest.mark.slow
def test_release_writes_build_under_the_course_it_was_given(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "elsewhere" / "my-course")
    result = runner.invoke(app, ["release", ENGLISH, "--course", str(course.root)])
    assert result.exit_code == 0, result.output
    assert (course.root / "build" / "downloads" / f"{ENGLISH}.zip").is_file()
    assert not (tmp_path / "elsewhere" / "build").exists()
