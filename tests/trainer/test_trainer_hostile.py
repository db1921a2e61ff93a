"""A cohort of correct, partial, blank, broken and hostile submissions: each gets its exact score.

One autograde run (two workers) grades every kind of learner of ``aimed.trainer.synthetic``
(``hostile.py`` for the attacks) on the real release of the reading-performance exercise,
and, beside them, a learner who answers everything as the solutions do, one who answers the
first half and one who answers nothing in every other assignment of the course, both
languages (each a learner of the same cohort), and a learner of each malformed shape the
intake repairs or refuses (``malformed.py``, in the French version of the same exercise);
the run never stops for one. Then: every exercise gives its honest learners their exact
scores, every malformed notebook its repair or refusal, the gradebook's schema is
nbgrader's, no process and no temporary file of the run is left, and no line of a hidden
test or a solution reaches any feedback page. This is the course's one graded cohort of
every exercise; the stock-nbgrader round trip (one exercise per language) is in
``test_exercises.py``, the trainer's cycle with its commands in ``cohort.py``.
"""

from __future__ import annotations

import html
import json
import multiprocessing.util
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from malformed import malformed_cohort

from aimed.course_manifest import load_manifest
from aimed.trainer.course import Course, open_course
from aimed.trainer.export import question_grades
from aimed.trainer.feedback import MAX_PAGE_BYTES, generate_feedback, own_lines
from aimed.trainer.grading import Summary, autograde_all
from aimed.trainer.hostile import PROCESS_NAME
from aimed.trainer.intake import check_submission
from aimed.trainer.synthetic import (
    FAIR_KINDS,
    KINDS,
    OUTSIDE_FILE,
    autograded_answers,
    solutions,
    submission_for,
    submit,
)

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "reading-performance-en"
MALFORMED_IN = "reading-performance-fr"
NOTEBOOK = "reading-performance.ipynb"


def _tests(course_root: Path, assignment: str) -> tuple[list[str], dict[str, tuple[str, float]]]:
    """The autograded answers in order, and each test cell's answer (the one before) and points."""
    (path,) = (course_root / "source" / assignment).glob("*.ipynb")
    source = json.loads(path.read_text("utf-8"))
    answers = autograded_answers(source)
    tests: dict[str, tuple[str, float]] = {}
    current = None
    for cell in source["cells"]:
        info = cell.get("metadata", {}).get("nbgrader", {})
        if info.get("grade_id") in answers:
            current = info["grade_id"]
        elif info.get("grade") and cell["cell_type"] == "code" and current:
            tests[info["grade_id"]] = (current, float(info["points"]))
    return answers, tests


def _points(course_root: Path) -> tuple[list[str], dict[str, float]]:
    """The autograded answers in order, and the points of the test cells after each one."""
    answers, tests = _tests(course_root, ASSIGNMENT)
    points: dict[str, float] = {}
    for answer, value in tests.values():
        points[answer] = points.get(answer, 0) + value
    return answers, points


def _honest_elsewhere(course: Course) -> dict[tuple[str, str], str]:
    """Every honest kind (right, half, blank) in every other assignment:
    ``(learner, assignment) -> kind``.

    Each comes from a learner of the cohort (``learner-001`` to one per kind of ``KINDS``),
    three different learners per assignment, so honest notebooks of other exercises are
    graded between hostile ones.
    """
    others = [a for a in course.assignments() if a.name != ASSIGNMENT]
    spread = len(KINDS) // len(FAIR_KINDS)
    return {
        (f"learner-{(n + k * spread) % len(KINDS) + 1:03d}", a.name): kind
        for n, a in enumerate(others)
        for k, kind in enumerate(FAIR_KINDS)
    }


_STARTED: dict[str, int] = {}


def _processes() -> dict[int, tuple[str, int, int, int]]:
    """Every live process: pid -> (name, uid, start time in clock ticks since boot, parent)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            uid = int((entry / "status").read_text().split("Uid:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":  # a zombie is over; only its parent's bookkeeping is left
            found[int(entry.name)] = (name, uid, int(fields[19]), int(fields[1]))
    return found


def _ticks_now() -> int:
    return int(float(Path("/proc/uptime").read_text().split()[0]) * os.sysconf("SC_CLK_TCK"))


def _left_behind(since: int) -> list[tuple[str, int]]:
    """Processes of a grading run still alive: the sandbox, its user, the detached one.

    Not those of another run on a shared machine: still under another Python process
    older than this run (a process left behind is re-parented to init or a service).
    """
    processes = _processes()

    def someone_elses(pid: int) -> bool:
        while pid in processes and pid not in (1, os.getpid()):
            pid = processes[pid][3]
            name, _, start, _ = processes.get(pid, ("", 0, since, 0))
            if start < since and name.startswith(("python", "pytest")) and pid != os.getpid():
                return True
        return False

    return [
        (name, pid)
        for pid, (name, uid, start, _) in processes.items()
        if name == PROCESS_NAME
        or (start >= since and (name == "bwrap" or uid == 65534) and not someone_elses(pid))
    ]


def _grade(root: Path, temp: Path, seed: int, malformed: dict) -> tuple[dict, Summary]:
    """Submit and grade the cohort with temporary files in ``temp`` (checked empty after).

    ``root`` is a copy of the released course; every kind of ``KINDS`` is one learner of
    ``ASSIGNMENT`` (``seed`` shuffles who is which), plus ``_honest_elsewhere``, plus the
    ``malformed`` learners of ``MALFORMED_IN``.
    """
    course = open_course(root)
    (target,) = course.select([ASSIGNMENT])
    kinds = list(KINDS)
    random.Random(seed).shuffle(kinds)
    cohort = {f"learner-{n:03d}": kind for n, kind in enumerate(kinds, start=1)}
    for learner, kind in cohort.items():
        submit(course, learner, target, kind)
    for (learner, name), kind in _honest_elsewhere(course).items():
        submit(course, learner, course.select([name])[0], kind)
    for learner, (data, *_) in malformed.items():
        folder = course.submitted / learner / MALFORMED_IN
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes(data)
    temp.mkdir()
    stale = temp / "aimed-grading-999999999-killed"  # left by a run killed mid-way
    stale.mkdir()
    (stale / "worker-1.db").write_bytes(b"")
    # This process's own multiprocessing folder (where the grading fork server, shared by every
    # run of the process, keeps its socket; removed when the process exits) is made first, in
    # the usual place: it is not the run's, whichever run of the process starts the server.
    multiprocessing.util.get_temp_dir()
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir, os.environ["TMPDIR"] = str(temp), str(temp)
    try:
        summary = autograde_all(root, workers=2, progress=False, timeout=5)
    finally:
        tempfile.tempdir = saved[0]
        if saved[1] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved[1]
    return cohort, summary


@pytest.fixture(scope="module")
def malformed(released_course: dict[str, Path]) -> dict[str, tuple]:
    """Learner -> (file, status, note, score): one per malformed shape, of ``MALFORMED_IN``."""
    root = released_course["root"]
    release = json.loads((root / "release" / MALFORMED_IN / NOTEBOOK).read_text("utf-8"))
    source = root / "source" / MALFORMED_IN / NOTEBOOK
    _, correct = submission_for("correct", release, solutions(source))
    cohort = malformed_cohort(release, json.loads(source.read_text("utf-8")), json.loads(correct))
    return {f"malformed-{shape}": expected for shape, expected in cohort.items()}


@pytest.fixture(scope="module")
def graded(
    tmp_path_factory: pytest.TempPathFactory,
    copy_released: Callable[[Path], Path],
    malformed: dict[str, tuple],
) -> tuple[Path, dict[str, str], Summary]:
    base = tmp_path_factory.mktemp("hostile")
    started = _STARTED["hostile"] = _ticks_now()
    cohort, summary = _grade(copy_released(base / "course"), base / "temp", 7, malformed)
    deadline = time.monotonic() + 10  # the kernel ends a namespace's processes at once
    while _left_behind(started) and time.monotonic() < deadline:
        time.sleep(0.1)
    return base / "course", cohort, summary


def _by_kind(graded) -> dict[str, object]:
    _, cohort, summary = graded
    return {cohort[s.learner]: s for s in summary.submissions if s.assignment == ASSIGNMENT}


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
        "gradebook_tamper": 0,  # blank answers; the gradebook is out of its reach
        "native_kill": total,  # no process it can name is the grader's
        "native_read_source": 0,  # blank answers; the source notebook is out of its reach
        "detached_process": total,
        "patched_checks": 0,  # wrong answers; the checks run where nothing was patched
        "input_transformer": 0,  # wrong answers; the checks never go through its shell
        "always_equal": 0,  # objects that equal anything are not plain data: refused
        "leaky_printer": total,  # correct answers; what it printed is hidden from feedback
        "history_reader": total,
        "memory_hog": total,  # its processes, not its answers, met the memory cap
        "fork_bomb": total,  # the process cap stops the forks, not the notebook
        "forged_done": total - points[answers[-1]],  # a forged "done" hides no crash
        "deep_output": total,  # an output too deep to report is one error output
        "odd_file_name": total,  # shown with a replacement character, never a failure
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
    for kind in ("correct", "partial", "blank", "exception", "odd_file_name", "fork_bomb"):
        assert subs[kind].status == "graded" and subs[kind].notes == [], kind
    assert "ended Python" in " ".join(subs["forged_done"].notes)
    assert subs["deep_output"].notes == []


@pytest.mark.slow
def test_each_malformed_notebook_is_repaired_or_refused_for_its_learner_alone(
    graded, malformed
) -> None:
    """A repaired notebook is graded (with a note saying what was repaired); a file no repair
    can save is unreadable for that learner alone; the other learners' grading goes on."""
    _, _, summary = graded
    subs = {s.learner: s for s in summary.submissions if s.assignment == MALFORMED_IN}
    for learner, (_, status, note, score) in malformed.items():
        sub = subs[learner]
        assert sub.status == status, (learner, sub)
        assert note in " ".join(sub.notes), (learner, sub.notes)
        assert sub.score == score, (learner, sub)
    honest = [sub for learner, sub in subs.items() if learner not in malformed]
    assert len(honest) == len(FAIR_KINDS)  # the French version's honest learners
    assert all(sub.status == "graded" and sub.notes == [] for sub in honest), honest


@pytest.mark.slow
def test_what_learner_code_cannot_report_is_shown_as_text(graded) -> None:
    root, cohort, _ = graded
    pages = {}
    for learner, kind in cohort.items():
        if kind in ("odd_file_name", "deep_output"):
            path = root / "autograded" / learner / ASSIGNMENT / NOTEBOOK
            pages[kind] = path.read_text("utf-8")
    shown = json.dumps(json.loads(pages["odd_file_name"]), ensure_ascii=False)
    assert "r\ufffdsum\ufffd.txt" in shown
    assert "ReportError" in pages["deep_output"]


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
        "import pandas, numpy, aimed.engines.bayes\n"
        "print(aimed.engines.bayes.predictive_values(0.9, 0.91, 0.01).ppv > 0)"
    )
    done = _guarded(tmp_path, code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


@pytest.mark.slow
def test_a_second_check_reports_the_same_repairs(graded) -> None:
    root, cohort, summary = graded
    course = open_course(root)
    assignment = course.select([ASSIGNMENT])[0]
    first = {s.learner: s for s in summary.submissions if s.assignment == ASSIGNMENT}
    for learner, kind in cohort.items():
        if kind in ("deleted_tests", "renamed", "missing", "invalid_json", "not_notebook"):
            again = check_submission(course, assignment, learner)
            expected_status = {"graded": "ok"}.get(first[learner].status, first[learner].status)
            assert again.status == expected_status, kind
            assert [n.split(" ")[0] for n in again.notes] == [
                n.split(" ")[0] for n in first[learner].notes
            ], kind


def _expected(root: Path, assignment: str, kind: str) -> dict[str, float]:
    """Each autograded question's score of an honest ``kind`` learner: all its points where
    answered, none elsewhere."""
    answers, tests = _tests(root, assignment)
    answered = {"correct": answers, "partial": answers[: len(answers) // 2], "blank": []}[kind]
    return {test: (value if answer in answered else 0.0) for test, (answer, value) in tests.items()}


@pytest.mark.slow
def test_each_exercise_gives_honest_learners_their_exact_scores(graded) -> None:
    root, cohort, _ = graded
    course = open_course(root)
    exercises = load_manifest(ROOT / "course" / "course.toml").exercises
    assert sorted(a.name for a in course.assignments()) == sorted(
        f"{exercise}-{lang}" for exercise in exercises for lang in ("en", "fr")
    )
    honest = {(learner, ASSIGNMENT): kind for learner, kind in cohort.items() if kind in FAIR_KINDS}
    honest |= _honest_elsewhere(course)
    for assignment in course.assignments():
        kinds = [kind for (_, name), kind in honest.items() if name == assignment.name]
        assert sorted(kinds) == sorted(FAIR_KINDS), assignment.name
        # every answer the grader grades is followed by its test cell, none forgotten
        answers, tests = _tests(root, assignment.name)
        assert {a.replace("answer_", "test_") for a in answers} == set(tests), assignment.name
    scores: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for grade in question_grades(course):
        if grade.kind == "auto" and (grade.learner, grade.assignment) in honest:
            scores[grade.learner, grade.assignment][grade.question] = grade.score
    for (learner, name), kind in sorted(honest.items(), key=lambda item: item[0][::-1]):
        assert scores[learner, name] == _expected(root, name, kind), f"{name}, {kind} learner"


def _schema(root: Path) -> list[tuple]:
    with sqlite3.connect(root / "gradebook.db") as db:
        return db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()


@pytest.mark.slow
def test_the_gradebook_keeps_nbgraders_schema(graded, released_course) -> None:
    root, _, _ = graded
    schema = _schema(root)
    assert schema == _schema(released_course["root"])  # as nbgrader made it at release
    assert not [row for row in schema if row[0] in ("trigger", "view") or "pwned" in row[1]]


@pytest.mark.slow
def test_no_process_and_no_temporary_file_of_the_run_is_left(graded) -> None:
    root = graded[0]
    assert _left_behind(_STARTED["hostile"]) == []
    assert sorted(p.name for p in (root.parent / "temp").iterdir()) == []


def _secret_lines(root: Path, with_solutions: bool = True) -> set[str]:
    """Every line of a hidden test or a solution (``with_solutions``) that the learner's
    version does not show."""
    source = json.loads((root / "source" / ASSIGNMENT / NOTEBOOK).read_text("utf-8"))
    release = (root / "release" / ASSIGNMENT / NOTEBOOK).read_text("utf-8")
    public = " ".join(" ".join("".join(c["source"]).split()) for c in json.loads(release)["cells"])
    blocks = []
    for cell in source["cells"]:
        text = "".join(cell["source"])
        blocks += re.findall(r"BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", text, re.S)
        if not with_solutions:
            continue
        blocks += re.findall(r"BEGIN SOLUTION\n(.*?)### END SOLUTION", text, re.S)
        if cell["cell_type"] == "markdown" and cell["metadata"].get("nbgrader", {}).get("solution"):
            blocks.append(text)
    lines = {" ".join(line.split()) for block in blocks for line in block.splitlines()}
    return {line for line in lines if len(line) >= 12 and line not in public}


def _as_read(page: str) -> list[str]:
    """A page as text a person could find a line in: raw, and with tags removed two ways."""
    return [
        " ".join(text.split())
        for text in (
            page,
            html.unescape(re.sub(r"<[^>]*>", "", page)),
            html.unescape(re.sub(r"<[^>]*>", " ", page)),
        )
    ]


@pytest.fixture(scope="module")
def feedback(graded) -> list[Path]:
    return generate_feedback(open_course(graded[0]), [ASSIGNMENT])


@pytest.mark.slow
def test_no_hidden_test_or_solution_line_reaches_any_feedback_page(graded, feedback) -> None:
    root, cohort, _ = graded
    secrets = _secret_lines(root)
    assert len(secrets) > 20, "the exercise should have hidden tests and solutions"
    graded_kinds = {cohort[p.parts[-3]] for p in feedback}
    assert {"leaky_printer", "history_reader", "native_read_source", "correct"} <= graded_kinds
    hidden = _secret_lines(root, with_solutions=False)
    for page in feedback:
        texts = _as_read(page.read_text("utf-8"))
        # A model-answer line the learner typed in an answer cell is theirs: shown back.
        autograded = page.parents[2].parent / "autograded" / page.parts[-3] / ASSIGNMENT
        own = own_lines(json.loads((autograded / NOTEBOOK).read_text("utf-8")))
        theirs = {line for line in secrets - hidden if any(line in mine for mine in own)}
        leaked = sorted(line for line in secrets - theirs if any(line in text for text in texts))
        assert leaked == [], (cohort[page.parts[-3]], leaked[:3])
        assert "HIDDEN TESTS" not in texts[0]
    folders = {page.parent for page in feedback}
    assert all(child.suffix == ".html" for folder in folders for child in folder.iterdir())


@pytest.mark.slow
def test_feedback_still_shows_scores_and_the_learners_own_work(graded, feedback) -> None:
    _, cohort, _ = graded
    pages = {cohort[p.parts[-3]]: _as_read(p.read_text("utf-8"))[1] for p in feedback}
    partial = pages["partial"]
    assert "Right. (1 of 1 point)" in partial and "Not answered. (0 of 1 point)" in partial
    assert "A check of this answer that is kept hidden did not pass" not in partial
    assert "Traceback" not in partial and "NameError" not in partial  # plain sentences
    assert "answer_q1 = -1" in pages["patched_checks"]  # a wrong answer: the learner's line
    assert "model answer is not shown" not in pages["correct"]  # their own lines, shown
    solution = solutions(graded[0] / "source" / ASSIGNMENT / NOTEBOOK)
    assert " ".join(solution["answer_q1"].split()) in " ".join(pages["correct"].split())


@pytest.mark.slow
def test_a_flood_of_output_is_trimmed_with_a_note(graded, feedback) -> None:
    root, cohort, _ = graded
    learner = next(name for name, kind in cohort.items() if kind == "history_reader")
    path = root / "autograded" / learner / ASSIGNMENT / NOTEBOOK
    notebook = json.loads(path.read_text("utf-8"))
    flood = {"output_type": "stream", "name": "stdout", "text": "<&>" * 2_000_000}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [flood] * 3
    path.write_text(json.dumps(notebook), encoding="utf-8")
    (page,) = generate_feedback(open_course(root), [ASSIGNMENT], [learner])
    text = page.read_text("utf-8")
    assert len(text.encode()) <= MAX_PAGE_BYTES
    assert "This page was trimmed" in html.unescape(text)
