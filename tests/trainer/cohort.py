"""The trainer's cohort: one small class of the reading-performance exercise taken through the
trainer's whole cycle with the ``aimed-trainer`` command, as a trainer would.

Graded once per run on SQLite (the ``trainer_cohort`` fixture, ``conftest.py``) and read by
the export, attestation and command tests; the PostgreSQL test runs the same cycle with
``AIMED_GRADEBOOK_URL`` and compares; the serial-grading test grades its collected copy with
one worker and compares with the two workers' gradebook.

Who hands in what:

- in Moodle's export of the English assignment (each learner a folder named as Moodle does):
  Alice (right, with a submission date), Bruno (the first half right), Denis (right),
  Fanny (blank), Éloïse (right), Jean (one wrong answer, in a notebook of another name),
  Gilles (raises an error before his second answer), Hugo (ends Python before the last
  check), Eve (a text file, no notebook), Zoé (a PDF), and an entry trying to climb out of
  the folder (``../escaped.txt``);
- in a folder per learner for the French assignment: Chloé (right), Léa (one wrong answer),
  Inès (the first half right), Paul (a text file, no notebook);
- through the hub (LTI, Moodle's user 42): ``lti-42`` (right, French).

The trainer then enters full marks for the written answers of Alice, Bruno and Chloé in the
gradebook (what the formgrader saves), writes feedback, exports with Moodle's participants
list (Zoé is in it and handed nothing in) and writes the cohort report.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from aimed.trainer.cli import app
from aimed.trainer.synthetic import copy_course, solutions, submission_for

EXERCISE = "reading-performance"
ENGLISH, FRENCH = f"{EXERCISE}-en", f"{EXERCISE}-fr"
NOTEBOOK = f"{EXERCISE}.ipynb"
MOODLE = "_assignsubmission_file_"
HAND_GRADED = (("alice-martin-11", ENGLISH), ("bruno-petit-12", ENGLISH), ("chloe-durand", FRENCH))
# Every learner the course knows after collection, with a notebook or not.
LEARNERS = {
    ENGLISH: (
        "alice-martin-11",
        "bruno-petit-12",
        "denis-roy-13",
        "eve-blanc-14",
        "fanny-vide-15",
        "gilles-leroy-16",
        "eloise-durand-17",
        "jean-martin-18",
        "zoe-roy-19",
        "hugo-morel-20",
    ),
    FRENCH: ("chloe-durand", "lea-blanc", "ines-moreau", "paul-girard", "lti-42"),
}
WITHOUT_NOTEBOOK = {"eve-blanc-14", "zoe-roy-19", "paul-girard"}
ROSTER = (
    "First name,Last name,ID number,Institution,Department,Email address\n"
    "Alice,Martin,,CHU,,alice.martin@example.org\n"
    "Bruno,Petit,,CHU,,bruno.petit@example.org\n"
    "Chloe,Durand,,CHU,,chloe.durand@example.org\n"
    "Denis,Roy,,CHU,,denis.roy@example.org\n"
    "Zoé,Faure,,CHU,,zoe.faure@example.org\n"
)
runner = CliRunner()


def run(*args: object) -> str:
    """The command as a trainer types it; it must succeed. Its output."""
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def notebook(root: Path, assignment: str, kind: str) -> bytes:
    """A ``kind`` learner's notebook (``aimed.trainer.synthetic``) of the released assignment."""
    release = json.loads((root / "release" / assignment / NOTEBOOK).read_text("utf-8"))
    made = submission_for(kind, release, solutions(root / "source" / assignment / NOTEBOOK))
    assert made is not None
    return made[1]


def one_wrong(root: Path, assignment: str) -> bytes:
    """The released notebook with only its first answer written, and written wrong."""
    nb = json.loads((root / "release" / assignment / NOTEBOOK).read_text("utf-8"))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "answer_q1":
            cell["source"] = "answer_q1 = 50"
    return json.dumps(nb).encode()


def _hand_grade(root: Path, gradebook_url: str | None) -> None:
    """Full marks for the written answers of ``HAND_GRADED``, as the formgrader saves them."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url or f"sqlite:///{root / 'gradebook.db'}") as gb:
        for learner, assignment in HAND_GRADED:
            graded = gb.find_submission_notebook(NOTEBOOK[:-6], assignment, learner)
            for grade in graded.grades:
                if grade.cell.cell_type == "markdown":
                    grade.manual_score = grade.max_score
                    grade.needs_manual_grade = False
        gb.db.commit()


def trainer_cycle(base: Path, gradebook_url: str | None = None) -> dict:
    """The whole cycle in ``base``, the gradebook in the course folder (SQLite) or at
    ``gradebook_url``; what ``cohort_at(base)`` says of it."""
    import pytest

    with pytest.MonkeyPatch.context() as patch:
        if gradebook_url:
            patch.setenv("AIMED_GRADEBOOK_URL", gradebook_url)
        else:
            patch.delenv("AIMED_GRADEBOOK_URL", raising=False)
        _cycle(base, gradebook_url)
    return cohort_at(base)


def cohort_at(base: Path) -> dict:
    """Where the cycle run in ``base`` left everything, and what its commands said.

    ``collected`` and ``autograded`` are copies of the course folder just before and just
    after grading (SQLite only: a server's gradebook is not in the folder).
    """
    root = base / "course"
    return {
        "base": base,
        "root": root,
        "reports": root / "reports",
        "downloads": base / "downloads",
        "roster": base / "moodle-participants.csv",
        "graded": (base / "autograde-output.txt").read_text(encoding="utf-8"),
        "output": (base / "export-output.txt").read_text(encoding="utf-8"),
        "collected": base / "collected",
        "autograded": base / "autograded",
    }


def _cycle(base: Path, gradebook_url: str | None) -> None:
    root = copy_course(base / "course").root
    run("release", EXERCISE, "--course", root, "--downloads", base / "downloads")
    export = base / "moodle-export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for who, kind in (
            ("Alice Martin_11", "correct"),
            ("Bruno Petit_12", "partial"),
            ("Denis Roy_13", "correct"),
            ("Fanny Vide_15", "blank"),
            ("Gilles Leroy_16", "exception"),
            ("Éloïse Durand_17", "correct"),
            ("Hugo Morel_20", "kernel_crash"),
        ):
            archive.writestr(f"{who}{MOODLE}/{NOTEBOOK}", notebook(root, ENGLISH, kind))
        archive.writestr(f"Jean Martin_18{MOODLE}/mes réponses.ipynb", one_wrong(root, ENGLISH))
        archive.writestr(f"Eve Blanc_14{MOODLE}/notes.txt", b"no notebook")
        archive.writestr(f"Zoé Roy_19{MOODLE}/answers.pdf", b"%PDF-1.4 not a notebook")
        archive.writestr("../escaped.txt", b"zip slip")
    run("collect", ENGLISH, export, "--course", root)
    (root / "submitted" / "alice-martin-11" / ENGLISH / "timestamp.txt").write_text(
        "2026-03-02 10:00:00 UTC"
    )
    inbox = base / "inbox-fr"
    for who, content in (
        ("Chloé Durand", notebook(root, FRENCH, "correct")),
        ("Léa Blanc", one_wrong(root, FRENCH)),
        ("Inès Moreau", notebook(root, FRENCH, "partial")),
    ):
        (inbox / who).mkdir(parents=True)
        (inbox / who / NOTEBOOK).write_bytes(content)
    (inbox / "Paul Girard").mkdir()
    (inbox / "Paul Girard" / "notes.txt").write_text("I could not save my notebook.\n")
    run("collect", FRENCH, inbox, "--course", root)
    # Moodle's user 42, who came in by LTI: the hub's nbgrader collects the account lti-42
    lti = root / "submitted" / "lti-42" / FRENCH
    lti.mkdir(parents=True)
    (lti / NOTEBOOK).write_bytes(notebook(root, FRENCH, "correct"))
    (lti / "timestamp.txt").write_text("2026-03-03 09:00:00 UTC")
    if not gradebook_url:
        shutil.copytree(root, base / "collected", symlinks=True)
    graded = run("autograde", EXERCISE, "--course", root, "--workers", 2, "--timeout", 10)
    (base / "autograde-output.txt").write_text(graded, encoding="utf-8")
    if not gradebook_url:
        shutil.copytree(root, base / "autograded", symlinks=True)
    _hand_grade(root, gradebook_url)
    run("feedback", "--course", root)
    (base / "moodle-participants.csv").write_text(ROSTER, encoding="utf-8")
    exported = run("export", "--course", root, "--roster", base / "moodle-participants.csv")
    (base / "export-output.txt").write_text(exported, encoding="utf-8")
    run("report", "--course", root)
