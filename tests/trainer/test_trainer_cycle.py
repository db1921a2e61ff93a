"""The cycle a trainer runs, end to end, as a trainer would notice its failures.

Collect from a Moodle zip and from a folder, autograde, grade the written answers by hand
through nbgrader's gradebook, regrade (one learner, then the exercise), collect a second
export, write feedback (and Moodle's feedback zip), export with a roster, report. Checked:
no hand grade lost, the wrong exercise refused, the earlier submission kept, the missing
learner named everywhere, feedback a physician can read, Moodle's feedback zip laid out as
Moodle reads it back.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimed.trainer.cli import app
from aimed.trainer.course import open_course
from aimed.trainer.formgrader import add_rubrics
from aimed.trainer.synthetic import copy_course, solutions, submission_for

ENGLISH = "reading-performance-en"
FRENCH = "reading-performance-fr"
OTHER = "bias-en"
NOTEBOOK = "reading-performance.ipynb"
MOODLE = "_assignsubmission_file_"
runner = CliRunner()


def run(*args: object):
    """The command as a trainer types it, its tables wide enough to hold each note whole
    (the console is not a terminal here: it would fold them at 80 columns)."""
    from aimed.trainer import cli

    kept = cli.console.width
    cli.console.width = 2000
    try:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    finally:
        cli.console.width = kept


def flat(text: str) -> str:
    return " ".join(text.split())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _release(root: Path, assignment: str, notebook: str = NOTEBOOK) -> dict:
    return json.loads((root / "release" / assignment / notebook).read_text("utf-8"))


def _notebook(root: Path, assignment: str, kind: str, notebook: str = NOTEBOOK) -> bytes:
    answers = solutions(root / "source" / assignment / notebook)
    _, content = submission_for(kind, _release(root, assignment, notebook), answers)
    return content


def _rewritten(content: bytes, text: str) -> bytes:
    """The same notebook with another written (free-text) answer."""
    nb = json.loads(content)
    for cell in nb["cells"]:
        info = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "markdown" and info.get("solution"):
            cell["source"] = text
    return json.dumps(nb).encode()


def _hand_grade(root: Path, marks: dict[tuple[str, str], float]) -> None:
    """What the formgrader does when the trainer saves a score: manual_score, then
    needs_manual_grade off."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for (learner, assignment), share in marks.items():
            notebook = gb.find_submission_notebook(NOTEBOOK[:-6], assignment, learner)
            for grade in notebook.grades:
                if grade.cell.cell_type == "markdown":
                    grade.manual_score = share * grade.max_score
                    grade.needs_manual_grade = False
        gb.db.commit()


def _hand_grades(root: Path) -> dict[tuple[str, str], tuple[float | None, bool]]:
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for assignment in (ENGLISH, FRENCH):
            for submission in gb.find_assignment(assignment).submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell.cell_type == "markdown":
                            found[(submission.student.id, assignment)] = (
                                grade.manual_score,
                                bool(grade.needs_manual_grade),
                            )
    return found


def _formgrader_pages(root: Path, learner: str) -> dict[str, str]:
    """Start the formgrader as ``aimed-trainer formgrader`` does, fetch its address and
    the learner's grading page, stop it."""
    import urllib.request

    from nbgrader.api import Gradebook

    from aimed.trainer.formgrader import free_port, start

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook_id = gb.find_submission_notebook(NOTEBOOK[:-6], ENGLISH, learner).id
    running = start(open_course(root), free_port())
    try:
        token = running.url.split("token=", 1)[1]
        base = running.url.split("/formgrader", 1)[0]
        with urllib.request.urlopen(running.url, timeout=60) as answer:
            front = answer.read().decode("utf-8")
        page = f"{base}/formgrader/submissions/{notebook_id}/?token={token}"
        with urllib.request.urlopen(page, timeout=120) as answer:
            grading = answer.read().decode("utf-8")
        return {"url": running.url, "front": front, "grading": grading}
    finally:
        running.stop()


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from aimed.trainer.release import generate_releases

    base = tmp_path_factory.mktemp("cycle")
    course = copy_course(base / "course")
    root = course.root
    generate_releases(course, [ENGLISH, FRENCH, OTHER])
    out: dict = {"root": root, "base": base}

    # 0. The English exercise is due on 1 June at noon; 10% off per day late.
    result = run(
        "deadline",
        ENGLISH,
        "--due",
        "2026-06-01 12:00",
        "--late-penalty",
        "per-day:10",
        "--course",
        root,
    )
    assert result.exit_code == 0, result.output

    # 1. A Moodle zip for the English exercise, saved on time (the zip says when).
    first = base / "moodle-1.zip"
    on_time = (2026, 5, 30, 9, 0, 0)
    with zipfile.ZipFile(first, "w") as archive:
        for name, content in (
            (f"Alice Martin_11{MOODLE}/{NOTEBOOK}", _notebook(root, ENGLISH, "correct")),
            (f"Bruno Petit_12{MOODLE}/{NOTEBOOK}", _notebook(root, ENGLISH, "partial")),
            # Carla handed in the bias exercise's notebook under this exercise.
            (
                f"Carla Diaz_13{MOODLE}/{NOTEBOOK}",
                _notebook(root, OTHER, "correct", "bias.ipynb"),
            ),
            # Denis sent two notebooks: the blank one he opened first, and his work.
            (f"Denis Roy_14{MOODLE}/{NOTEBOOK}", _notebook(root, ENGLISH, "blank")),
            (f"Denis Roy_14{MOODLE}/final.ipynb", _notebook(root, ENGLISH, "correct")),
        ):
            archive.writestr(zipfile.ZipInfo(name, on_time), content)
    out["first_zip"] = first
    result = run("collect", ENGLISH, first, "--course", root)
    assert result.exit_code == 0, result.output
    out["collect_1"] = flat(result.output)

    # 2. A folder for the French exercise.
    inbox = base / "inbox-fr" / "Chloé Durand"
    inbox.mkdir(parents=True)
    (inbox / NOTEBOOK).write_bytes(_notebook(root, FRENCH, "correct"))
    result = run("collect", FRENCH, inbox.parent, "--course", root)
    assert result.exit_code == 0, result.output

    # 3. Autograde, then the trainer grades the written answers by hand.
    result = run("autograde", "--course", root, "--workers", 2, "--timeout", 10, "--no-progress")
    assert result.exit_code == 0, result.output
    marks = {
        ("alice-martin-11", ENGLISH): 1.0,
        ("bruno-petit-12", ENGLISH): 0.5,
        ("denis-roy-14", ENGLISH): 1.0,
        ("chloe-durand", FRENCH): 1.0,
    }
    _hand_grade(root, marks)
    out["marks"] = marks
    out["hand_before"] = _hand_grades(root)

    # The formgrader, as the trainer opens it: the rubric under each written answer.
    out["formgrader"] = _formgrader_pages(root, "denis-roy-14")

    # 4. Regrade one learner, then the whole exercise.
    result = run("autograde", "--learner", "bruno-petit-12", "--course", root, "--no-progress")
    assert result.exit_code == 0, result.output
    out["after_one"] = _hand_grades(root)
    result = run("autograde", "reading-performance", "--course", root, "--no-progress")
    assert result.exit_code == 0, result.output
    out["after_all"] = _hand_grades(root)

    # 5. A second export: Alice rewrote her written answer; Bruno's new file is no notebook.
    second = base / "moodle-2.zip"
    alice = _rewritten(_notebook(root, ENGLISH, "correct"), "I would ask for a second test.")
    late = (2026, 6, 3, 8, 0, 0)  # 1 day 20 h after the due date
    with zipfile.ZipFile(second, "w") as archive:
        archive.writestr(zipfile.ZipInfo(f"Alice Martin_11{MOODLE}/{NOTEBOOK}", late), alice)
        archive.writestr(
            zipfile.ZipInfo(f"Bruno Petit_12{MOODLE}/{NOTEBOOK}", late), b"%PDF-1.4 not a notebook"
        )
    result = run("collect", ENGLISH, second, "--course", root)
    assert result.exit_code == 0, result.output
    out["collect_2"] = flat(result.output)
    result = run("autograde", "--course", root, "--no-progress")
    assert result.exit_code == 0, result.output
    out["regrade_2"] = flat(result.output)
    out["after_second"] = _hand_grades(root)

    # 6. Feedback (with Moodle's zip; the formgrader opened again), export with the
    # course's roster, report.
    add_rubrics(open_course(root))
    result = run("feedback", "--course", root, "--moodle-zip")
    assert result.exit_code == 0, result.output
    roster = base / "participants.csv"
    roster.write_text(
        "First name,Last name,Email address\n"
        "Alice,Martin,alice@example.org\nBruno,Petit,bruno@example.org\n"
        "Carla,Diaz,carla@example.org\nDenis,Roy,denis@example.org\n"
        "Chloé,Durand,chloe@example.org\nZoé,Faure,zoe@example.org\n",
        encoding="utf-8",
    )
    result = run("export", "--course", root, "--roster", roster)
    assert result.exit_code == 0, result.output
    result = run("report", "--course", root, "--roster", roster)
    assert result.exit_code == 0, result.output
    out["report"] = flat(result.output)
    return out


@pytest.mark.slow
def test_no_hand_grade_is_lost_by_a_regrade(cycle) -> None:
    for key in cycle["marks"]:
        assert cycle["hand_before"][key][1] is False
        for stage in ("after_one", "after_all"):
            score, pending = cycle[stage][key]
            assert score is not None and not pending, (stage, key)
            assert score == pytest.approx(cycle["hand_before"][key][0])
    # After the second export, only Alice's changed answer goes back to the trainer.
    for key in (("bruno-petit-12", ENGLISH), ("denis-roy-14", ENGLISH), ("chloe-durand", FRENCH)):
        assert cycle["after_second"][key] == cycle["after_all"][key]
    assert cycle["after_second"][("alice-martin-11", ENGLISH)] == (None, True)
    assert "written answer changed since it was graded by hand" in cycle["regrade_2"]
    rows = {
        (r["learner"], r["assignment"]): r
        for r in _rows(cycle["root"] / "reports" / "grades-by-exercise.csv")
    }
    assert "written answer changed" in rows[("alice-martin-11", ENGLISH)]["notes"]
    assert rows[("denis-roy-14", ENGLISH)]["needs_manual_grade"] == "False"
    moodle = {r["Learner"]: r for r in _rows(cycle["root"] / "reports" / "moodle-grades.csv")}
    assert moodle["denis-roy-14"]["reading-performance (Real)"] == "100.00"
    assert moodle["alice-martin-11"]["reading-performance (Real)"] == "-"  # to grade again
    page = (cycle["root"] / "reports" / "cohort-report.html").read_text("utf-8")
    assert "alice-martin-11" in page and "written answer changed" in page


@pytest.mark.slow
def test_another_exercises_notebook_is_refused_by_name(cycle) -> None:
    assert "carla-diaz-13" in cycle["collect_1"] and "refused" in cycle["collect_1"]
    assert "looks like the exercise bias (bias-en)" in cycle["collect_1"]
    assert not (cycle["root"] / "submitted" / "carla-diaz-13" / ENGLISH).exists()


@pytest.mark.slow
def test_the_table_says_which_of_several_notebooks_was_graded(cycle) -> None:
    assert (
        "2 notebooks: graded final.ipynb (the one with the most answers written)"
        in (cycle["collect_1"])
    )
    moodle = {r["Learner"]: r for r in _rows(cycle["root"] / "reports" / "moodle-grades.csv")}
    assert moodle["denis-roy-14"]["reading-performance (Real)"] == "100.00"


@pytest.mark.slow
def test_a_second_export_keeps_the_earlier_submission(cycle) -> None:
    root = cycle["root"]
    assert re.search(
        r"replaces a submission graded 17/17 \(kept in originals/alice", cycle["collect_2"]
    )
    kept = list((root / "originals" / "alice-martin-11").glob(f"{ENGLISH}.replaced-*/{NOTEBOOK}"))
    assert len(kept) == 1
    assert "I would ask for a second test." not in kept[0].read_text("utf-8")
    # Bruno's broken file never replaces his graded notebook.
    assert (
        "the submission graded" in cycle["collect_2"] and "--replace-graded" in cycle["collect_2"]
    )
    bruno = root / "submitted" / "bruno-petit-12" / ENGLISH / NOTEBOOK
    assert json.loads(bruno.read_text("utf-8"))["cells"]
    rows = {
        (r["learner"], r["assignment"]): r
        for r in _rows(root / "reports" / "grades-by-exercise.csv")
    }
    assert rows[("bruno-petit-12", ENGLISH)]["status"] == "graded"


@pytest.mark.slow
def test_the_missing_are_named_in_every_export_and_the_report(cycle) -> None:
    reports = cycle["root"] / "reports"
    by_exercise = _rows(reports / "grades-by-exercise.csv")
    missing = {(r["learner"] or r["name"]) for r in by_exercise if r["status"] == "missing"}
    assert {"carla-diaz-13", "Zoé Faure"} <= missing
    by_learner = {(r["learner"] or r["name"]): r for r in _rows(reports / "grades-by-learner.csv")}
    assert by_learner["carla-diaz-13"]["reading-performance"] == "missing"
    assert by_learner["Zoé Faure"]["missing"] == "1"
    moodle = {r["Email address"]: r for r in _rows(reports / "moodle-grades.csv")}
    assert moodle["zoe@example.org"]["reading-performance (Real)"] == "0"
    assert moodle["carla@example.org"]["reading-performance (Real)"] == "0"
    page = flat((reports / "cohort-report.html").read_text("utf-8"))
    assert "Nothing handed in" in page and "carla-diaz-13" in page and "Zoé Faure" in page
    assert "missing" in cycle["report"]


def _page(root: Path, learner: str, assignment: str) -> str:
    (page,) = (root / "feedback" / learner / assignment).glob("*.html")
    return page.read_text("utf-8")


def _visible(page: str) -> str:
    import html

    return flat(html.unescape(re.sub(r"<[^>]*>", " ", page)))


@pytest.mark.slow
def test_feedback_shows_the_learners_own_answers_and_plain_sentences(cycle) -> None:
    root = cycle["root"]
    answers = solutions(root / "source" / ENGLISH / NOTEBOOK)
    text = _visible(_page(root, "denis-roy-14", ENGLISH))
    code = [a for a in answers.values() if a.strip() and "\n" not in a.strip()]
    for answer in code:  # his own lines, even where they are the model answer's
        assert flat(answer) in text
    assert "line matching a hidden check" not in text
    assert "Right." in text and "Your answer" in text
    for label in ("Traceback", "In [", "Grade cell", "test_q", "Student's answer", "Test cell"):
        assert label not in text
    french = _visible(_page(root, "chloe-durand", FRENCH))
    assert "Votre réponse" in french and "Juste." in french
    for label in ("Student's answer", "Test cell", "Comments", "Score:", "Your answer"):
        assert label not in french


@pytest.mark.slow
def test_the_moodle_feedback_zip_reads_back_against_its_export(cycle) -> None:
    root = cycle["root"]
    with zipfile.ZipFile(cycle["first_zip"]) as export:
        folders = {name.split("/")[0] for name in export.namelist()}
    path = root / "reports" / f"moodle-feedback-{ENGLISH}.zip"
    with zipfile.ZipFile(path) as back:
        names = back.namelist()
        assert all(name.count("/") == 1 and name.endswith(".html") for name in names)
        tops = {name.split("/")[0] for name in names}
        assert tops <= folders
        assert {f"Alice Martin_11{MOODLE}", f"Denis Roy_14{MOODLE}"} <= tops
        denis = back.read(f"Denis Roy_14{MOODLE}/reading-performance.html").decode()
    assert denis == _page(root, "denis-roy-14", ENGLISH)
    assert not any(name.startswith("Carla Diaz") for name in names)  # nothing was graded


@pytest.mark.slow
@pytest.mark.parametrize(
    "learner, assignment", [("denis-roy-14", ENGLISH), ("chloe-durand", FRENCH)]
)
def test_feedback_fits_a_phone_and_loads_nothing_from_another_host(
    cycle, page, learner: str, assignment: str
) -> None:
    from urllib.parse import urlsplit

    path = next((cycle["root"] / "feedback" / learner / assignment).glob("*.html"))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth + 1).length"
    )
    assert wide == 0
    assert page.evaluate("document.documentElement.lang") == assignment[-2:]
    assert all(urlsplit(url).scheme in ("file", "data") for url in asked)


@pytest.mark.slow
def test_late_work_is_flagged_with_how_late_and_the_trainers_penalty(cycle) -> None:
    reports = cycle["root"] / "reports"
    rows = {(r["learner"], r["assignment"]): r for r in _rows(reports / "grades-by-exercise.csv")}
    alice, denis = rows[("alice-martin-11", ENGLISH)], rows[("denis-roy-14", ENGLISH)]
    assert alice["due"] == denis["due"] == "2026-06-01 12:00 UTC"
    assert alice["late"] == "1 day 20 h late" and denis["late"] == ""
    assert float(alice["late_penalty"]) > 0 and float(denis["late_penalty"]) == 0
    assert rows[("chloe-durand", FRENCH)]["due"] == ""  # no due date for the French one
    page = flat((reports / "cohort-report.html").read_text("utf-8"))
    assert "Handed in late" in page and "1 day 20 h late" in page


@pytest.mark.slow
def test_the_formgrader_shows_the_rubric_under_the_answer(cycle) -> None:
    import html

    pages = cycle["formgrader"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/formgrader\?token=[0-9a-f]{48}", pages["url"])
    assert "formgrader" in pages["front"].lower()
    grading = flat(html.unescape(re.sub(r"<[^>]*>", " ", pages["grading"])))
    assert "Rubric (trainer only" in grading
    assert "1 point: states that most positive flags will be false alarms" in grading
    # Never on a learner's page.
    for page in (cycle["root"] / "feedback").rglob("*.html"):
        assert "Rubric (trainer only" not in page.read_text("utf-8")
        assert "Grille de correction (réservée" not in page.read_text("utf-8")
