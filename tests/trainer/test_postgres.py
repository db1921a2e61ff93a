"""The trainer's whole cycle on a PostgreSQL gradebook gives the grades of the SQLite one.

The trainer's cohort (``cohort.py``: right, half-right, blank, wrong, an error, a crash, no
notebook, a PDF; a Moodle export and a folder; both languages; hand grades) goes through
release, collect, autograde with two workers, hand grading, feedback, export and report
once with ``AIMED_GRADEBOOK_URL`` naming a database on a throwaway PostgreSQL server
(``conftest.py``), and is compared with the same cycle on SQLite, the gradebook in the
course folder (``trainer_cohort``, graded once per run).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from cohort import EXERCISE, LEARNERS, NOTEBOOK, run, trainer_cycle

REPORTS = (
    "grades-by-question.csv",
    "grades-by-exercise.csv",
    "grades-by-learner.csv",
    "moodle-grades.csv",
    "ai-literacy-evidence.csv",
    "cohort-report.csv",
)


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
def both_runs(tmp_path_factory: pytest.TempPathFactory, postgres_server, trainer_cohort) -> dict:
    """The same cohort through the whole cycle, on SQLite (once per run) and on PostgreSQL."""
    url = postgres_server.create_database("cycle")
    server = trainer_cycle(tmp_path_factory.mktemp("gradebooks") / "postgres", url)
    return {"sqlite": trainer_cohort["root"], "postgres": server["root"], "url": url}


@pytest.mark.slow
def test_postgres_gradebook_gives_the_sqlite_grades(both_runs: dict) -> None:
    sqlite_root, server_root = both_runs["sqlite"], both_runs["postgres"]
    sqlite_grades = _grades(sqlite_root, None)
    server_grades = _grades(server_root, both_runs["url"])
    # Every learner is in the gradebook, with real marks and real zeros.
    assert {g.learner for g in sqlite_grades} == {n for names in LEARNERS.values() for n in names}
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
    learner, assignment = "denis-roy-13", f"{EXERCISE}-en"  # not hand-graded in the cycle
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
