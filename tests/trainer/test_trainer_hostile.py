"""A cohort of correct, partial, blank and hostile submissions: each gets its exact score.

One autograde run (two workers) grades every kind of learner of ``aimed.trainer.synthetic``
on the real release of the reading-performance exercise; the run never stops for one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aimed.trainer.course import open_course
from aimed.trainer.grading import Summary, autograde_all
from aimed.trainer.intake import check_submission
from aimed.trainer.synthetic import KINDS, OUTSIDE_FILE, autograded_answers, build_cohort

ASSIGNMENT = "reading-performance-en"
NOTEBOOK = "reading-performance.ipynb"


def _points(course_root: Path) -> tuple[list[str], dict[str, float]]:
    """The autograded answers in order, and the points of the test cell after each one."""
    source = json.loads((course_root / "source" / ASSIGNMENT / NOTEBOOK).read_text("utf-8"))
    answers = autograded_answers(source)
    points: dict[str, float] = {}
    current = None
    for cell in source["cells"]:
        info = cell.get("metadata", {}).get("nbgrader", {})
        if info.get("grade_id") in answers:
            current = info["grade_id"]
        elif info.get("grade") and cell["cell_type"] == "code" and current:
            points[current] = points.get(current, 0) + float(info["points"])
    return answers, points


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Summary]:
    root = tmp_path_factory.mktemp("hostile") / "course"
    cohort = build_cohort(root, learners=len(KINDS), seed=7, assignments=[ASSIGNMENT])
    summary = autograde_all(root, workers=2, progress=False, timeout=3)
    return root, cohort, summary


def _by_kind(graded) -> dict[str, object]:
    _, cohort, summary = graded
    return {cohort[s.learner]: s for s in summary.submissions}


@pytest.mark.slow
def test_every_kind_of_learner_gets_its_exact_score(graded) -> None:
    root, cohort, _ = graded
    answers, points = _points(root)
    total = sum(points.values())
    half = sum(points[a] for a in answers[: len(answers) // 2])
    expected = {
        "correct": total,
        "renamed": total,
        "deleted_tests": total,  # the tests are put back and run on the learner's answers
        "partial": half,
        "edited_tests": half,  # the real tests replace the edited ones
        "blank": 0,
        "not_notebook": 0,
        "invalid_json": 0,
        "missing": 0,
        "infinite_loop": total - points[answers[0]],  # stopped before its answer
        "exception": total - points[answers[1]],  # raised before its answer
        "outside_files": total - points[answers[2]],  # the refused write failed that cell
        "kernel_crash": total - points[answers[-1]],  # Python ended before the last check
    }
    assert total > half > 0
    subs = _by_kind(graded)
    scores = {kind: sub.score for kind, sub in subs.items()}
    assert scores == expected, {kind: (sub.status, sub.notes) for kind, sub in subs.items()}
    assert sorted(cohort.values()) == sorted(KINDS)


@pytest.mark.slow
def test_broken_submissions_are_reported_with_their_reason(graded) -> None:
    subs = _by_kind(graded)
    assert subs["missing"].status == "missing"
    assert "notes.txt" in subs["missing"].notes[0]
    assert subs["invalid_json"].status == "unreadable"
    assert "not valid JSON" in subs["invalid_json"].notes[0]
    assert subs["not_notebook"].status == "unreadable"
    assert "not a notebook" in subs["not_notebook"].notes[0]
    assert "time limit" in " ".join(subs["infinite_loop"].notes)
    assert "outside its folder" in " ".join(subs["outside_files"].notes)
    assert "deleted cells put back" in " ".join(subs["deleted_tests"].notes)
    assert "edited test cells" in " ".join(subs["edited_tests"].notes)
    assert "renamed" in " ".join(subs["renamed"].notes)
    assert subs["kernel_crash"].status == "graded"
    assert "ended Python" in " ".join(subs["kernel_crash"].notes)
    for kind in ("correct", "partial", "blank", "exception"):
        assert subs[kind].status == "graded" and subs[kind].notes == [], kind


@pytest.mark.slow
def test_code_cannot_write_or_read_outside_its_folder(graded) -> None:
    root, cohort, _ = graded
    learner = next(name for name, kind in cohort.items() if kind == "outside_files")
    for folder in (root, root.parent, root / "autograded", root / "autograded" / learner):
        assert not (folder / OUTSIDE_FILE).exists()
    autograded = (root / "autograded" / learner / ASSIGNMENT / NOTEBOOK).read_text("utf-8")
    assert "root:x:0:0" not in autograded
    assert "outside the submission folder: open /etc/passwd" in autograded


@pytest.mark.slow
def test_unreadable_files_are_kept_for_the_trainer_and_stay_unreadable_on_a_rerun(graded) -> None:
    root, cohort, _ = graded
    learner = next(name for name, kind in cohort.items() if kind == "invalid_json")
    kept = root / "originals" / learner / ASSIGNMENT / NOTEBOOK
    assert kept.is_file() and kept.stat().st_size > 0
    course = open_course(root)
    again = check_submission(course, course.select([ASSIGNMENT])[0], learner)
    assert again.status == "unreadable"


@pytest.mark.slow
def test_the_gradebook_holds_what_the_summary_says(graded) -> None:
    from aimed.trainer.export import question_grades

    root, _, summary = graded
    totals: dict[tuple[str, str], float] = {}
    for row in question_grades(open_course(root)):
        key = (row.learner, row.assignment)
        totals[key] = totals.get(key, 0) + row.score
    assert totals == {(s.learner, s.assignment): s.score for s in summary.submissions}


def _guarded(tmp_path: Path, code: str) -> subprocess.CompletedProcess:
    script = f"import aimed.trainer.jail as j; j.install({str(tmp_path)!r})\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "code",
    [
        "open('/etc/passwd').read()",
        "open('../escaped.txt', 'w').write('x')",
        "import os; os.listdir('/home')",
        "import os; os.system('true')",
        "import subprocess; subprocess.run(['true'])",
        "import os; os.remove('../x')",
    ],
)
def test_the_folder_guard_refuses_what_leaves_the_folder(tmp_path: Path, code: str) -> None:
    done = _guarded(tmp_path, code)
    assert done.returncode != 0
    assert "outside the submission folder" in done.stderr
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_the_folder_guard_lets_an_exercise_work_in_its_folder(tmp_path: Path) -> None:
    code = (
        "open('answers.txt', 'w').write('42')\n"
        "assert open('answers.txt').read() == '42'\n"
        "import pandas, numpy, aimed.bayes\n"
        "print(aimed.bayes.predictive_values(0.9, 0.91, 0.01).ppv > 0)"
    )
    done = _guarded(tmp_path, code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


@pytest.mark.slow
def test_a_second_check_reports_the_same_repairs(graded) -> None:
    root, cohort, summary = graded
    course = open_course(root)
    assignment = course.select([ASSIGNMENT])[0]
    first = {s.learner: s for s in summary.submissions}
    for learner, kind in cohort.items():
        if kind in ("deleted_tests", "renamed", "missing", "invalid_json", "not_notebook"):
            again = check_submission(course, assignment, learner)
            expected_status = {"graded": "ok"}.get(first[learner].status, first[learner].status)
            assert again.status == expected_status, kind
            assert [n.split(" ")[0] for n in again.notes] == [
                n.split(" ")[0] for n in first[learner].notes
            ], kind
