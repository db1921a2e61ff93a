"""The trainer's whole cycle on a PostgreSQL gradebook gives the grades of the SQLite one.

One cohort (right, half-right, blank, a crash, an error, no notebook; both languages) goes
through release, collect, autograde with two workers, feedback, export and report twice:
once with the gradebook in the course folder (SQLite), once with ``AIMED_GRADEBOOK_URL``
naming a database on a throwaway PostgreSQL server (``conftest.py``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimed.trainer.cli import app
from aimed.trainer.synthetic import copy_course, solutions, submission_for

EXERCISE = "reading-performance"
NOTEBOOK = "reading-performance.ipynb"
# Learners per language: every outcome in English, the French assignment counted beside it.
KINDS = {
    "en": ("correct", "partial", "blank", "exception", "kernel_crash", "missing"),
    "fr": ("correct", "partial", "missing"),
}
REPORTS = (
    "grades-by-question.csv",
    "grades-by-exercise.csv",
    "grades-by-learner.csv",
    "cohort-report.csv",
)
runner = CliRunner()


def run(*args: object) -> str:
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _inbox(root: Path, assignment: str, folder: Path) -> Path:
    """A folder per learner, as a trainer downloads them: one of each kind, per language."""
    release = json.loads((root / "release" / assignment / NOTEBOOK).read_text("utf-8"))
    answers = solutions(root / "source" / assignment / NOTEBOOK)
    for n, kind in enumerate(KINDS[assignment[-2:]], start=1):
        learner = folder / f"Learner {assignment[-2:].upper()} {n}"
        learner.mkdir(parents=True)
        made = submission_for(kind, release, answers)
        if made is None:
            (learner / "notes.txt").write_text("I could not save my notebook.\n")
        else:
            (learner / f"{NOTEBOOK[:-6]}{made[0]}.ipynb").write_bytes(made[1])
    return folder


def _cycle(base: Path, gradebook_url: str | None) -> Path:
    """Release, collect, autograde (2 workers), feedback, export, report; the course folder."""
    with pytest.MonkeyPatch.context() as patch:
        if gradebook_url:
            patch.setenv("AIMED_GRADEBOOK_URL", gradebook_url)
        else:
            patch.delenv("AIMED_GRADEBOOK_URL", raising=False)
        root = copy_course(base / "course").root
        run("release", EXERCISE, "--course", root, "--downloads", base / "downloads")
        for language in ("en", "fr"):
            assignment = f"{EXERCISE}-{language}"
            inbox = _inbox(root, assignment, base / f"inbox-{language}")
            run("collect", assignment, inbox, "--course", root)
        run("autograde", EXERCISE, "--course", root, "--workers", 2, "--timeout", 10)
        for step in ("feedback", "export", "report"):
            run(step, "--course", root)
    return root


def _grades(root: Path, gradebook_url: str | None) -> list:
    from aimed.trainer.course import open_course
    from aimed.trainer.export import question_grades

    with pytest.MonkeyPatch.context() as patch:
        if gradebook_url:
            patch.setenv("AIMED_GRADEBOOK_URL", gradebook_url)
        else:
            patch.delenv("AIMED_GRADEBOOK_URL", raising=False)
        return question_grades(open_course(root))


@pytest.fixture(scope="module")
def both_runs(tmp_path_factory: pytest.TempPathFactory, postgres_server) -> dict:
    """The same cohort through the whole cycle, on SQLite then on PostgreSQL."""
    base = tmp_path_factory.mktemp("gradebooks")
    url = postgres_server.create_database("cycle")
    return {
        "sqlite": _cycle(base / "sqlite", None),
        "postgres": _cycle(base / "postgres", url),
        "url": url,
    }


@pytest.mark.slow
def test_postgres_gradebook_gives_the_sqlite_grades(both_runs: dict) -> None:
    sqlite_root, server_root = both_runs["sqlite"], both_runs["postgres"]
    sqlite_grades = _grades(sqlite_root, None)
    server_grades = _grades(server_root, both_runs["url"])
    # Every learner with a notebook is in the gradebook, with real marks and real zeros.
    assert len({g.learner for g in sqlite_grades}) == sum(map(len, KINDS.values()))
    assert {g.score for g in sqlite_grades} != {0.0}
    assert server_grades == sqlite_grades
    for name in REPORTS:
        mine = (server_root / "reports" / name).read_text("utf-8")
        assert mine == (sqlite_root / "reports" / name).read_text("utf-8"), name
    feedback = sorted(p.relative_to(server_root) for p in server_root.glob("feedback/*/*/*.html"))
    assert feedback == sorted(
        p.relative_to(sqlite_root) for p in sqlite_root.glob("feedback/*/*/*.html")
    )
    assert feedback  # every graded learner gets a page
    # The grades live on the server: no SQLite file was written beside the course.
    assert not (server_root / "gradebook.db").exists()


@pytest.mark.slow
def test_a_manual_grade_saved_on_the_server_counts_in_the_next_export(both_runs: dict) -> None:
    """What the formgrader saves in the same database shows in the trainer's export."""
    from nbgrader.api import Gradebook

    root, url = both_runs["postgres"], both_runs["url"]
    learner, assignment = "learner-en-1", f"{EXERCISE}-en"
    with Gradebook(url) as gb:
        notebook = gb.find_submission_notebook(NOTEBOOK[:-6], assignment, learner)
        manual = [g for g in notebook.grades if g.cell.cell_type == "markdown"]
        assert manual and all(g.needs_manual_grade for g in manual)
        for grade in manual:
            grade.manual_score = grade.max_score
            grade.needs_manual_grade = False
        gb.db.commit()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIMED_GRADEBOOK_URL", url)
        run("export", "--course", root)
    with (root / "reports" / "grades-by-exercise.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["learner"] == learner)
    assert float(row["score"]) == float(row["max_score"]) > 0
    assert row["needs_manual_grade"] == "False"
