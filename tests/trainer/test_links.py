"""Links planted in a submission after collection are never followed, read or written through.

A trainer unpacking an archive by hand, or a shared drive, can leave a symbolic or a hard
link where a learner's file should be. Intake, the sandbox's copy and repairs accept only
regular files with one link: the source notebook a link points to is never graded, never
rewritten and never reaches the sandbox (so never the learner's feedback).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from aimed.trainer.boundary import Sandbox
from aimed.trainer.course import Course
from aimed.trainer.execute import Report
from aimed.trainer.files import NotOwnFile, inside, read_own, replace
from aimed.trainer.intake import check_submission
from aimed.trainer.release import generate_releases
from aimed.trainer.synthetic import copy_course, solutions, submission_for

ASSIGNMENT = "reading-performance-en"
NOTEBOOK = "reading-performance.ipynb"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    course = copy_course(tmp_path_factory.mktemp("links") / "course")
    generate_releases(course, [ASSIGNMENT])
    return course


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder(course: Course, learner: str) -> Path:
    folder = course.submitted / learner / ASSIGNMENT
    folder.mkdir(parents=True)
    return folder


def _correct(course: Course) -> bytes:
    release = json.loads((course.release / ASSIGNMENT / NOTEBOOK).read_text("utf-8"))
    answers = solutions(course.source / ASSIGNMENT / NOTEBOOK)
    return submission_for("correct", release, answers)[1]


@pytest.mark.parametrize("kind", ["symbolic", "hard"])
def test_a_notebook_that_is_a_link_to_the_source_is_not_graded_nor_rewritten(
    course: Course, kind: str
) -> None:
    source = course.source / ASSIGNMENT / NOTEBOOK
    before = _digest(source)
    folder = _folder(course, f"linker-{kind}")
    (os.symlink if kind == "symbolic" else os.link)(source, folder / NOTEBOOK)
    intake = check_submission(course, course.select([ASSIGNMENT])[0], f"linker-{kind}")
    assert intake.status == "unreadable", intake.notes
    assert "not the learner's own file" in " ".join(intake.notes)
    assert _digest(source) == before and source.is_file() and not source.is_symlink()
    assert not (folder / NOTEBOOK).exists()  # the link itself moved to originals/


def test_a_link_beside_the_notebook_is_moved_aside_and_the_notebook_graded(course: Course) -> None:
    source = course.source / ASSIGNMENT / NOTEBOOK
    folder = _folder(course, "sharer")
    (folder / NOTEBOOK).write_bytes(_correct(course))
    os.link(source, folder / "copy-of-source.ipynb.txt")
    os.symlink("/etc/passwd", folder / "passwords")
    (folder / "data").mkdir()
    os.symlink(course.source, folder / "data" / "all-sources")
    intake = check_submission(course, course.select([ASSIGNMENT])[0], "sharer")
    assert intake.status == "ok"
    note = " ".join(intake.notes)
    assert "copy-of-source.ipynb.txt (a hard link" in note and "passwords (a symbolic" in note
    assert sorted(p.name for p in folder.rglob("*")) == ["data", NOTEBOOK]
    assert (course.source / ASSIGNMENT / NOTEBOOK).is_file()


def test_a_repair_replaces_a_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.ipynb"
    target.write_text("keep me")
    link = tmp_path / "notebook.ipynb"
    os.symlink(target, link)
    replace(link, b"repaired")
    assert target.read_text() == "keep me"
    assert not link.is_symlink() and link.read_text() == "repaired"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_submission_folder_that_is_a_link_is_not_read(course: Course) -> None:
    (course.submitted / "mover").mkdir(parents=True)
    os.symlink(course.source / ASSIGNMENT, course.submitted / "mover" / ASSIGNMENT)
    intake = check_submission(course, course.select([ASSIGNMENT])[0], "mover")
    assert intake.status == "unreadable"
    assert "link to another folder" in intake.notes[0]
    assert (course.source / ASSIGNMENT / NOTEBOOK).is_file()


def test_own_files_only(tmp_path: Path) -> None:
    (tmp_path / "own.txt").write_text("mine")
    os.symlink(tmp_path / "own.txt", tmp_path / "soft.txt")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "linked").symlink_to(tmp_path, target_is_directory=True)
    assert read_own(tmp_path / "own.txt", tmp_path) == b"mine"
    for name, why in [("soft.txt", "symbolic"), ("pipe", "regular"), ("linked/own.txt", "linked")]:
        with pytest.raises(NotOwnFile, match=why):
            read_own(tmp_path / name, tmp_path)
    with pytest.raises(NotOwnFile, match="larger"):
        read_own(tmp_path / "own.txt", tmp_path, limit=2)
    assert not inside(tmp_path / "own.txt", tmp_path / "other")


@pytest.mark.slow
def test_the_sandbox_copy_leaves_links_out(tmp_path: Path) -> None:
    secret = tmp_path / "source.ipynb"
    secret.write_text("SOLUTION LINE")
    folder = tmp_path / "submitted"
    folder.mkdir()
    (folder / "own.txt").write_text("mine")
    os.link(secret, folder / "hard.txt")
    os.symlink(secret, folder / "soft.txt")
    box = Sandbox((), [tmp_path / "course"])
    try:
        code = "import os\nprint(sorted(os.listdir('.')), open('own.txt').read())"
        result = box.run(folder, [{"run": 0, "code": code}], 20)
    finally:
        box.close()
    report = Report(result)
    printed = report.cells[0]["outputs"][0]["text"]
    assert printed == "['own.txt'] mine\n"
    assert "hard.txt left out of the sandbox: a link" in report.notes
    assert "soft.txt left out of the sandbox: a link" in report.notes
