"""The trainer's command end to end: release, collect, grade, feedback, export, report.

The cohort is the trainer's (``cohort.py``): released, collected from a Moodle-style zip and
a folder, and graded once per run; the tests here run the next commands on a copy.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from cohort import LEARNERS, WITHOUT_NOTEBOOK
from typer.testing import CliRunner

from aimed.trainer.cli import app
from aimed.trainer.feedback import split_hidden
from aimed.trainer.synthetic import copy_course

EXERCISE = "reading-performance"
ASSIGNMENT = "reading-performance-en"
FRENCH = "reading-performance-fr"
NOTEBOOK = "reading-performance.ipynb"
OFF_HOST = re.compile(
    r"<(?:script|img)\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//",
    re.IGNORECASE,
)
runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def course(tmp_path_factory, trainer_cohort: dict) -> dict:
    """The trainer's cohort (``cohort.py``) as ``autograde`` left it, in a folder of this
    module's own: the tests here run the next commands on it."""
    root = tmp_path_factory.mktemp("trainer") / "course"
    shutil.copytree(trainer_cohort["autograded"], root, symlinks=True)
    return {**trainer_cohort, "root": root}


@pytest.mark.slow
def test_release_writes_a_zip_per_exercise_and_language(released_course) -> None:
    root, downloads = released_course["root"], released_course["downloads"]
    assignments = sorted(p.name for p in (root / "source").iterdir() if p.is_dir())
    assert sorted(p.stem for p in downloads.glob("*.zip")) == assignments
    for name in assignments:
        with zipfile.ZipFile(downloads / f"{name}.zip") as archive:
            names = sorted(archive.namelist())
            notebook = archive.read(next(n for n in names if n.endswith(".ipynb")))
            readme_name = "LISEZMOI.txt" if name.endswith("-fr") else "README.txt"
            # notebook, read-me and the core's wheel (tests/trainer/test_zip_alone.py runs it)
            assert readme_name in names and len(names) == 3
            assert any(n.startswith("aimed-") and n.endswith("-py3-none-any.whl") for n in names)
            readme = archive.read(readme_name).decode("utf-8")
        assert (
            notebook == (root / "release" / name / f"{name.rsplit('-', 1)[0]}.ipynb").read_bytes()
        )
        text = notebook.decode("utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        if name.endswith("-fr"):
            assert "Décompressez" in readme and "Unzip" not in readme
        else:
            assert "Unzip" in readme


@pytest.mark.slow
def test_release_zips_are_reproducible(course, tmp_path: Path) -> None:
    result = run("release", EXERCISE, "--course", course["root"], "--downloads", tmp_path)
    assert result.exit_code == 0, result.output
    for name in ("reading-performance-en", "reading-performance-fr"):
        again = (tmp_path / f"{name}.zip").read_bytes()
        assert again == (course["downloads"] / f"{name}.zip").read_bytes()


@pytest.mark.slow
def test_collect_reads_a_moodle_zip_and_names_learners_safely(course) -> None:
    root = course["root"]
    # a folder per learner of both exports, the PDF's and the text file's owners included
    assert sorted(p.name for p in (root / "submitted").iterdir()) == sorted(
        learner for learners in LEARNERS.values() for learner in learners
    )
    assert (root / "submitted" / "jean-martin-18" / ASSIGNMENT / NOTEBOOK).is_file()
    for folder in (course["base"], course["base"].parent):  # beside the export, above it
        assert not (folder / "escaped.txt").exists()
    assert not list(course["base"].rglob("escaped.txt"))
    with (root / "learners.csv").open(encoding="utf-8") as handle:
        names = {row["learner"]: row["name"] for row in csv.DictReader(handle)}
    assert names["eloise-durand-17"] == "Éloïse Durand"


@pytest.mark.slow
def test_autograde_reports_each_learner(course) -> None:
    output = course["graded"]
    assert "eloise-durand-17" in output and "zoe-roy-19" in output
    assert "missing" in output
    results = json.loads((course["root"] / "autograde-results.json").read_text("utf-8"))
    by_learner = {r["learner"]: r for r in results}
    assert by_learner["zoe-roy-19"]["status"] == "missing"
    eloise, jean = by_learner["eloise-durand-17"], by_learner["jean-martin-18"]
    assert eloise["score"] > 0 and eloise["score"] == eloise["max_score"] - _manual_points(course)
    assert jean["score"] == 0


def _manual_points(course) -> float:
    nb = json.loads((course["root"] / "source" / ASSIGNMENT / NOTEBOOK).read_text("utf-8"))
    return sum(
        c["metadata"]["nbgrader"].get("points", 0)
        for c in nb["cells"]
        if c["cell_type"] == "markdown" and c.get("metadata", {}).get("nbgrader", {}).get("grade")
    )


@pytest.mark.slow
def test_feedback_hides_hidden_tests_and_loads_nothing_from_the_web(course) -> None:
    root = course["root"]
    result = run("feedback", "--course", root)
    assert result.exit_code == 0, result.output
    pages = sorted((root / "feedback").glob(f"*/{EXERCISE}-*/*.html"))
    assert [p.parts[-3] for p in pages] == sorted(
        learner
        for learners in LEARNERS.values()
        for learner in learners
        if learner not in WITHOUT_NOTEBOOK
    )
    source = json.loads((root / "source" / ASSIGNMENT / NOTEBOOK).read_text("utf-8"))
    hidden_lines = set()
    for cell in source["cells"]:
        visible, hidden = split_hidden("".join(cell["source"]))
        hidden_lines |= {line.strip() for line in hidden.splitlines() if len(line.strip()) > 12} - {
            line.strip() for line in visible.splitlines()
        }
    assert hidden_lines, "the exercise should have hidden tests"
    for page in pages:
        text = page.read_text("utf-8")
        plain = html.unescape(re.sub(r"<[^>]+>", "", text))
        assert [line for line in hidden_lines if line in plain] == []
        assert "HIDDEN TESTS" not in plain
        assert OFF_HOST.findall(text) == []
        assert "mathjax" not in text.lower() or "cdn" not in text.lower()
    jean = root / "feedback" / "jean-martin-18" / ASSIGNMENT / "reading-performance.html"
    assert "A check of this answer that is kept hidden did not pass" in jean.read_text("utf-8")
    assert '<html lang="en">' in jean.read_text("utf-8")
    lea = (root / "feedback" / "lea-blanc" / FRENCH / "reading-performance.html").read_text("utf-8")
    assert '<html lang="fr">' in lea
    assert "Une vérification cachée de cette réponse n'a pas réussi" in html.unescape(lea)


@pytest.mark.slow
def test_export_writes_grades_per_learner_exercise_and_question(course) -> None:
    root = course["root"]
    result = run("export", "--course", root)
    assert result.exit_code == 0, result.output
    reports = root / "reports"
    with (reports / "grades-by-question.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    eloise = [r for r in rows if r["learner"] == "eloise-durand-17"]
    assert {r["question"] for r in eloise} >= {"test_q1", "test_q2"}
    assert all(float(r["score"]) == float(r["max_score"]) for r in eloise if r["kind"] == "auto")
    with (reports / "grades-by-exercise.csv").open(encoding="utf-8") as handle:
        exercise_rows = {r["learner"]: r for r in csv.DictReader(handle)}
    assert exercise_rows["zoe-roy-19"]["status"] == "missing"
    assert exercise_rows["eloise-durand-17"]["name"] == "Éloïse Durand"
    with (reports / "grades-by-learner.csv").open(encoding="utf-8") as handle:
        learners = {r["learner"]: r for r in csv.DictReader(handle)}
    assert float(learners["jean-martin-18"]["total"]) == 0


@pytest.mark.slow
def test_report_ranks_the_most_missed_questions(course) -> None:
    root = course["root"]
    result = run("report", "--course", root)
    assert result.exit_code == 0, result.output
    with (root / "reports" / "cohort-report.csv").open(encoding="utf-8") as handle:
        rows = {r["question"]: r for r in csv.DictReader(handle)}
    # Both languages count together (12 notebooks: 9 English, 3 French with the LTI learner's);
    # the 3 learners with no notebook are counted apart. Question 2 is right in 8: Alice,
    # Bruno and Inès (the first half), Chloé, Denis, Éloïse, Hugo (his crash is after it) and
    # lti-42; not in Fanny's (blank), Gilles's (his error is before it), Jean's or Léa's.
    assert rows["test_q2"]["learners"] == "12" and rows["test_q2"]["success_rate"] == "0.6667"
    page = (root / "reports" / "cohort-report.html").read_text("utf-8")
    assert "Most missed questions" in page and "Left out of the figures" in page
    assert OFF_HOST.findall(page) == []


@pytest.mark.slow
def test_serial_and_parallel_grading_give_the_same_gradebook(
    trainer_cohort: dict, tmp_path: Path
) -> None:
    """The cohort as collected, graded here by one worker, gives the gradebook that two
    workers gave it (``autograde --workers 2``), the error and the crash included."""
    from aimed.trainer.course import open_course
    from aimed.trainer.export import question_grades
    from aimed.trainer.grading import autograde_all

    root = tmp_path / "course"
    shutil.copytree(trainer_cohort["collected"], root, symlinks=True)
    autograde_all(root, workers=1, progress=False, timeout=10)
    serial = question_grades(open_course(root))
    assert serial == question_grades(open_course(trainer_cohort["autograded"]))
    # every learner is in the gradebook, the crashed one and those with no notebook too
    assert {g.learner for g in serial} == {n for names in LEARNERS.values() for n in names}
    assert {g.score for g in serial} != {0.0}


def test_missing_course_folder_is_one_clear_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["autograde", "--course", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no course folder" in result.output and "Traceback" not in result.output


def test_unknown_exercise_lists_the_known_ones(tmp_path: Path) -> None:
    root = copy_course(tmp_path / "course").root
    result = runner.invoke(app, ["release", "no-such-exercise", "--course", str(root)])
    assert result.exit_code == 2
    assert "unknown exercise 'no-such-exercise'" in result.output
    assert ASSIGNMENT in result.output


def test_collect_refuses_a_damaged_zip_and_an_ambiguous_exercise(tmp_path: Path) -> None:
    root = copy_course(tmp_path / "course").root
    damaged = tmp_path / "export.zip"
    damaged.write_bytes(b"PK\x03\x04 cut short")
    result = runner.invoke(app, ["collect", ASSIGNMENT, str(damaged), "--course", str(root)])
    assert result.exit_code == 2 and "not a zip file" in result.output
    result = runner.invoke(app, ["collect", EXERCISE, str(tmp_path), "--course", str(root)])
    assert result.exit_code == 2 and "say which language" in result.output
    assert not (root / "submitted").exists()


def test_autograde_without_submissions_says_what_to_do(tmp_path: Path) -> None:
    root = copy_course(tmp_path / "course").root
    result = runner.invoke(app, ["autograde", "--course", str(root)])
    assert result.exit_code == 2 and "aimed-trainer collect" in result.output


def test_collect_from_a_folder_per_learner(tmp_path: Path) -> None:
    root = copy_course(tmp_path / "course").root
    inbox = tmp_path / "inbox"
    (inbox / "Anne Petit" / "sub").mkdir(parents=True)
    (inbox / "Anne Petit" / "sub" / NOTEBOOK).write_text("{}")
    (inbox / "Anne Petit" / ".ipynb_checkpoints").mkdir()
    (inbox / "Anne Petit" / ".ipynb_checkpoints" / "old.ipynb").write_text("{}")
    (inbox / "bob.ipynb").write_text("{}")
    (inbox / "Bob").mkdir()
    (inbox / "Bob" / NOTEBOOK).write_text('{"cells": []}')
    result = runner.invoke(app, ["collect", ASSIGNMENT, str(inbox), "--course", str(root)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["anne-petit", "bob", "bob-2"]
    contents = {
        (root / "submitted" / who / ASSIGNMENT / NOTEBOOK).read_text() for who in ("bob", "bob-2")
    }
    assert contents == {"{}", '{"cells": []}'}  # two learners of the same name, kept apart
    assert not (root / "submitted" / "anne-petit" / ASSIGNMENT / "old.ipynb").exists()


@pytest.mark.slow
def test_manual_grades_count_in_the_export_once_entered(course) -> None:
    from nbgrader.api import Gradebook

    root = course["root"]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(NOTEBOOK[:-6], ASSIGNMENT, "eloise-durand-17")
        manual = [g for g in notebook.grades if g.cell.cell_type == "markdown"]
        assert manual and all(g.needs_manual_grade for g in manual)
        for grade in manual:
            grade.manual_score = grade.max_score
            grade.needs_manual_grade = False
        gb.db.commit()
    result = run("export", "--course", root)
    assert result.exit_code == 0, result.output
    with (root / "reports" / "grades-by-exercise.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["learner"] == "eloise-durand-17")
    assert float(row["score"]) == float(row["max_score"])
    assert row["needs_manual_grade"] == "False"


# ---------------------------------------------------------------- cohort gain (returned records)


def _returned(
    placement: dict,
    final: dict,
    bias: dict,
    name: str = "Dr A",
    started: str = "2026-12-01T10:00:00.000Z",
    exported: str = "2026-12-07T09:00:00.000Z",
) -> str:
    """A results file as the record page's download writes it (record.js resultsFile):
    ``started`` is the date of the learner's first attempt of each kind."""

    def attempt(modules: dict) -> dict | None:
        right = sum(pair[0] for pair in modules.values())
        asked = sum(pair[1] for pair in modules.values())
        return (
            {
                "date": started,
                "correct": right,
                "total": asked,
                "modules": modules,
            }
            if modules
            else None
        )

    return json.dumps(
        {
            "format": "aimed-record",
            "version": 1,
            "course_version": "1.0",
            "exported": exported,
            "name": name,
            "placement": attempt(placement),
            "final": attempt(final),
            "automation_bias": {
                stage: {
                    "date": started,
                    "series": 2026,
                    "commission": c,
                    "omission": o,
                    "correct": [15, 20],
                }
                for stage, (c, o) in bias.items()
            },
        }
    )


def test_gain_reports_the_cohort_per_module_and_leaves_out_malformed_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "a.json").write_text(
        _returned(
            {"bias": [0, 1], "what-ai-is": [1, 1]},
            {"bias": [3, 3], "what-ai-is": [2, 3]},
            {"before": ([3, 4], [1, 2]), "after": ([1, 4], [0, 2])},
        )
    )
    (folder / "b.json").write_text(
        _returned(
            {"bias": [1, 1]},
            {"bias": [2, 3]},
            {"before": ([2, 4], [1, 2])},
            name="Dr B",
            started="2026-12-03T08:15:00.000Z",
        )
    )
    (folder / "[bold]broken.json").write_text('{"format": "aimed-record", "version": 1,')
    (folder / "formula.json").write_text(_returned({"=cmd|' /C calc'!A0": [1, 1]}, {}, {}))
    out = tmp_path / "gain.csv"
    result = run("gain", folder, "--out", out)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # rich wraps long lines
    assert "[bold]broken.json: not valid JSON" in said
    assert "formula.json: 'placement' names a module that is not a module name" in said
    assert "2 files read, 2 left out" in said
    assert "no group who did not take the course" in said
    rows = {row["module"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert list(rows) == [
        "bias",
        "what-ai-is",
        "automation-bias-commission",
        "automation-bias-omission",
    ]
    assert rows["bias"] == {
        "module": "bias",
        "learners": "2",
        "before_percent": "50.0",
        "after_percent": "83.3",
        "change_points": "33.3",
    }
    assert rows["what-ai-is"]["learners"] == "1"
    assert rows["what-ai-is"]["change_points"] == "-33.3"
    # only the learner with both attempts counts: fewer errors is a negative change
    assert rows["automation-bias-commission"] == {
        "module": "automation-bias-commission",
        "learners": "1",
        "before_percent": "75.0",
        "after_percent": "25.0",
        "change_points": "-50.0",
    }
    assert rows["automation-bias-omission"]["change_points"] == "-50.0"


def test_gain_counts_a_learner_who_returned_two_files_once(tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    placement = {"bias": [0, 1]}
    (folder / "z-monday.json").write_text(
        _returned(placement, {"bias": [1, 3]}, {}, exported="2026-12-07T09:00:00Z")
    )
    # the same browser a day later: the same first attempt, the final taken again
    (folder / "a-tuesday.json").write_text(
        _returned(placement, {"bias": [3, 3]}, {}, name="  dr a ", exported="2026-12-08T09:00:00Z")
    )
    # another physician of the same name, who started on another day
    (folder / "namesake.json").write_text(
        _returned({"bias": [1, 1]}, {"bias": [1, 1]}, {}, started="2026-12-02T11:00:00.000Z")
    )
    # a file with no attempt date cannot be matched with anyone: it counts
    (folder / "final-only.json").write_text(_returned({}, {"bias": [2, 3]}, {}))
    out = tmp_path / "gain.csv"
    result = run("gain", folder, "--out", out)
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert "z-monday.json: the same learner's results again" in said
    assert "a-tuesday.json, counts" in said
    assert "3 files read, 1 left out" in said
    rows = {row["module"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    # Dr A (0 -> 100) and the namesake (100 -> 100): the later file's final counts
    assert rows["bias"]["learners"] == "2"
    assert rows["bias"]["before_percent"] == "50.0"
    assert rows["bias"]["after_percent"] == "100.0"


def test_gain_without_a_readable_file_is_one_clear_line(tmp_path: Path) -> None:
    missing = run("gain", tmp_path / "nowhere")
    assert missing.exit_code == 2
    assert "is not a folder of returned results files" in " ".join(missing.output.split())
    (tmp_path / "x.json").write_bytes(b"\xff\xfe not text")
    result = run("gain", tmp_path)
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "x.json: not text in UTF-8" in said
    assert "no readable results file" in said
