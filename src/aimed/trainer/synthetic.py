"""Synthetic submissions, made from the real release notebooks, for tests and the benchmark.

Answers come from the source notebooks' solutions, so a "correct" learner earns every
autograded point. No real learner, no real patient: every file here is generated.

Kinds of learner (``KINDS``):

- ``correct``, ``partial`` (the first half of the autograded answers), ``blank``;
- ``infinite_loop``: the first answer cell loops forever before its answer;
- ``exception``: the second answer cell raises before its answer;
- ``deleted_tests``: correct answers, every test cell deleted;
- ``edited_tests``: partial answers, every test cell replaced by ``pass``;
- ``not_notebook``: a JSON file that is not a notebook; ``invalid_json``: a truncated file;
- ``missing``: a folder with a text file and no notebook;
- ``outside_files``: correct answers, but the third answer cell first writes ``../../x`` and
  the fourth reads ``/etc/passwd`` after its answer;
- ``renamed``: correct answers saved as ``<exercise> (1).ipynb``, as browsers do;
- ``kernel_crash``: correct answers, then the last answer cell ends Python (``os._exit``);
- the hostile kinds of ``hostile.py`` (``HOSTILE_KINDS``): tampering with the gradebook,
  native code that kills, reads the source notebook or leaves a process behind, patched
  checks, an input transformer, objects that equal anything, leaked lines, history.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from pathlib import Path

from aimed.trainer.checks import load_exercise
from aimed.trainer.course import CONFIG_NAME, Assignment, Course, default_course_dir, open_course
from aimed.trainer.hostile import BLANK, HOSTILE_KINDS, disguise

KINDS: tuple[str, ...] = (
    "correct",
    "partial",
    "blank",
    "infinite_loop",
    "exception",
    "deleted_tests",
    "edited_tests",
    "not_notebook",
    "invalid_json",
    "missing",
    "outside_files",
    "renamed",
    "kernel_crash",
    *HOSTILE_KINDS,
)
FAIR_KINDS: tuple[str, ...] = ("correct", "partial", "blank")
OUTSIDE_FILE = "outside-the-submission.txt"
_SOLUTION_LINE = re.compile(r"^\s*#+\s*(BEGIN|END) SOLUTION\s*$")


def _info(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solutions(source_notebook: Path) -> dict[str, str]:
    """The model answer of every answer cell, keyed by grade id, without the markers."""
    nb = json.loads(source_notebook.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for cell in nb["cells"]:
        if _info(cell).get("solution"):
            lines = "".join(cell["source"]).splitlines()
            found[_info(cell)["grade_id"]] = "\n".join(
                line for line in lines if not _SOLUTION_LINE.match(line)
            ).strip()
    return found


def autograded_answers(notebook: dict) -> list[str]:
    """Grade ids of the answers the autograder checks (code answers), in notebook order."""
    return [
        _info(c)["grade_id"]
        for c in notebook["cells"]
        if c["cell_type"] == "code" and _info(c).get("solution") and not _info(c).get("grade")
    ]


def _fill(release: dict, answers: dict[str, str], filled: set[str]) -> dict:
    nb = json.loads(json.dumps(release))
    for cell in nb["cells"]:
        grade_id = _info(cell).get("grade_id")
        if grade_id in filled and grade_id in answers:
            cell["source"] = answers[grade_id]
    return nb


def submission_for(
    kind: str, release: dict, answers: dict[str, str], context: dict | None = None
) -> tuple[str, bytes] | None:
    """``(file name suffix, content)`` of one learner's notebook; None for no notebook.

    The hostile kinds need ``context``: the course's ``gradebook`` and ``source`` notebook
    paths, the ``assignment`` and ``notebook`` names, the grading ``parent`` process id
    and the ``secrets`` (hidden-test and solution lines) a leaking learner prints.
    """
    codes = autograded_answers(release)
    every = set(answers)
    half = set(codes[: len(codes) // 2])
    if kind == "blank" or kind in BLANK:
        nb = _fill(release, answers, set())
    elif kind in ("partial", "edited_tests"):
        nb = _fill(release, answers, half)
    elif kind == "missing":
        return None
    elif kind == "not_notebook":
        return "", json.dumps({"answer_q1": 98, "note": "my answers"}).encode()
    else:
        nb = _fill(release, answers, every)
    cells = {_info(c).get("grade_id"): c for c in nb["cells"] if _info(c).get("grade_id")}
    if kind == "infinite_loop":
        cells[codes[0]]["source"] = "while True:\n    pass\n" + answers[codes[0]]
    elif kind == "exception":
        cells[codes[1]]["source"] = "1 / 0\n" + answers[codes[1]]
    elif kind == "outside_files":
        cells[codes[2]]["source"] = (
            f"open('../../{OUTSIDE_FILE}', 'w').write('x')\n" + answers[codes[2]]
        )
        cells[codes[3]]["source"] = answers[codes[3]] + "\n_ = open('/etc/passwd').read()"
    elif kind == "kernel_crash":
        cells[codes[-1]]["source"] = answers[codes[-1]] + "\nimport os\nos._exit(1)"
    elif kind == "deleted_tests":
        nb["cells"] = [
            c for c in nb["cells"] if not _info(c).get("grade") or _info(c).get("solution")
        ]
    elif kind == "edited_tests":
        for cell in nb["cells"]:
            if _info(cell).get("grade") and not _info(cell).get("solution"):
                cell["source"] = "pass"
    elif kind in HOSTILE_KINDS:
        if context is None:
            raise ValueError(f"{kind} needs the course's paths (context)")
        disguise(kind, nb, codes, answers, context)
    text = json.dumps(nb, indent=1, ensure_ascii=False).encode()
    if kind == "invalid_json":
        return "", text[: len(text) // 2]
    return (" (1)" if kind == "renamed" else ""), text


def copy_course(course_dir: Path, source: Path | None = None) -> Course:
    """A fresh course folder with the settings and source notebooks of ``source``."""
    course_dir = Path(course_dir)
    source = Path(source or default_course_dir())
    course_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / CONFIG_NAME, course_dir / CONFIG_NAME)
    shutil.copytree(source / "source", course_dir / "source", dirs_exist_ok=True)
    return open_course(course_dir)


def build_cohort(
    course_dir: Path,
    learners: int,
    seed: int = 0,
    kinds: tuple[str, ...] = KINDS,
    assignments: list[str] | None = None,
    source: Path | None = None,
) -> dict[str, str]:
    """A course folder with ``learners`` synthetic submissions of every chosen assignment.

    Learner ``n`` (ids ``learner-001``...) is of kind ``kinds[n % len(kinds)]``; ``seed``
    shuffles which learner gets which kind. Releases the assignments first (nbgrader).
    Returns ``{learner id: kind}``.
    """
    from aimed.trainer.release import generate_releases

    course = copy_course(course_dir, source)
    chosen = course.select(assignments)
    generate_releases(course, [a.name for a in chosen])
    order = [kinds[n % len(kinds)] for n in range(learners)]
    random.Random(seed).shuffle(order)
    cohort: dict[str, str] = {}
    for n, kind in enumerate(order, start=1):
        learner = f"learner-{n:03d}"
        cohort[learner] = kind
        for assignment in chosen:
            submit(course, learner, assignment, kind)
    return cohort


def submit(course: Course, learner: str, assignment: Assignment, kind: str) -> None:
    """Put a ``kind`` learner's submission of a released ``assignment`` in ``submitted/``."""
    folder = course.submitted / learner / assignment.name
    folder.mkdir(parents=True, exist_ok=True)
    release = json.loads(
        (course.release / assignment.name / assignment.notebook).read_text("utf-8")
    )
    source = course.source / assignment.name / assignment.notebook
    context = {
        "gradebook": str(course.gradebook),
        "source": str(source),
        "assignment": assignment.name,
        "notebook": assignment.notebook,
        "parent": os.getpid(),
        "secrets": load_exercise(source).secrets,
    }
    made = submission_for(kind, release, solutions(source), context)
    if made is None:
        (folder / "notes.txt").write_text("I could not save my notebook.\n")
        return
    suffix, content = made
    stem = assignment.notebook.removesuffix(".ipynb")
    (folder / f"{stem}{suffix}.ipynb").write_bytes(content)


def build_benchmark_course(course_dir: Path, learners: int = 8, seed: int = 0) -> int:
    """A course of correct, partial and blank learners for every exercise; returns notebooks."""
    build_cohort(course_dir, learners, seed=seed, kinds=FAIR_KINDS)
    course = open_course(course_dir)
    return sum(1 for _ in course.submitted.glob("*/*/*.ipynb"))
