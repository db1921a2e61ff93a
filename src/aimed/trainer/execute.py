"""nbgrader's ``Execute`` step, replaced: learner cells behind the boundary, checks outside.

``BoundaryExecute`` stands where ``Execute`` stood in ``Autograde.autograde_preprocessors``
(``nbgrader_config.py``; ``grading.py`` sets it too). For one notebook it:

1. sends the learner's code cells, never a test cell, to the sandbox (``boundary.py``),
   with, at each test cell's place, the names that test reads;
2. runs every test cell of the source notebook, visible then hidden part, on the values
   reported, as plain data, in this process (``checks.py``);
3. writes the learner's outputs back into their cells, and into each test cell an
   ``error`` output when it failed (nothing when it passed), so that nbgrader's
   ``SaveAutoGrades`` scores the notebook as usual.

The error of a failing hidden check carries a neutral sentence, never the check or its
message. What happened to the run (timeouts, a crash, refused answers) goes into the
notebook's metadata, ``aimed_grading``, for the trainer's summary.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from aimed.texts.i18n import t
from aimed.trainer.boundary import sandbox_for
from aimed.trainer.checks import Exercise, Outcome, check_answers, load_exercise, set_up_cells
from aimed.trainer.jail import MARKER

METADATA_KEY = "aimed_grading"
# The source notebooks of every exercise of a grading run (``grading.autograde_all`` sets it
# for its workers): each worker then starts one warm sandbox for the whole run, not one per
# exercise, with every exercise's modules imported and released set-up cells run once.
RUN_SOURCES_ENV = "AIMED_GRADING_SOURCES"
MAX_OUTPUTS = 50
MAX_TEXT = 100_000
MIME_TYPES = (
    "text/plain",
    "text/html",
    "text/markdown",
    "text/latex",
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "application/json",
)


def _text(value: object, limit: int = MAX_TEXT) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "".join(value)
    text = value if isinstance(value, str) else ""
    return text if len(text) <= limit else text[:limit] + "\n[…]"


def clean_output(raw: object) -> NotebookNode | None:
    """An output the sandbox reported, rebuilt field by field in nbformat's shape, or None."""
    if not isinstance(raw, dict):
        return None
    kind = raw.get("output_type")
    if kind == "stream":
        name = raw.get("name") if raw.get("name") in ("stdout", "stderr") else "stdout"
        return NotebookNode(output_type="stream", name=name, text=_text(raw.get("text")))
    if kind in ("execute_result", "display_data"):
        data = found if isinstance(found := raw.get("data"), dict) else {}
        kept = {}
        for mime in MIME_TYPES:
            if mime == "application/json" and isinstance(data.get(mime), dict | list):
                if len(json.dumps(data[mime])) <= MAX_TEXT:
                    kept[mime] = data[mime]
            elif mime in data and _text(data[mime]):
                kept[mime] = _text(data[mime])
        if not kept:
            return None
        output = NotebookNode(output_type=kind, data=NotebookNode(kept), metadata=NotebookNode())
        if kind == "execute_result":
            count = raw.get("execution_count")
            output.execution_count = count if type(count) is int else None
        return output
    if kind == "error":
        frames = listed if isinstance(listed := raw.get("traceback"), list) else []
        return NotebookNode(
            output_type="error",
            ename=_text(raw.get("ename"), 200) or "Error",
            evalue=_text(raw.get("evalue"), 2000),
            traceback=[_text(frame, 5000) for frame in frames[:60]],
        )
    return None


def _error(ename: str, message: str) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"]
    )


def outcome_outputs(outcome: Outcome, language: str) -> list[NotebookNode]:
    """What a test cell shows: nothing when it passed, one error otherwise."""
    if outcome.kind == "passed":
        return []
    if outcome.kind == "visible":
        return [_error(outcome.ename, outcome.message)]
    if outcome.kind == "not_reached":
        return [_error("NotReached", t("trainer.check_not_reached", language))]
    return [_error(outcome.ename or "AssertionError", t("trainer.hidden_check_failed", language))]


MAX_DEPTH = 12  # nesting of one reported message (outputs, values) the grader reads
MAX_LINE = 8 * 1024 * 1024  # characters of one reported line
_SURROGATE = re.compile("[\ud800-\udfff]")


def readable(text: str) -> str:
    """``text`` with what UTF-8 cannot hold (lone surrogates) shown as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def bounded(value: object) -> object:
    """``value`` with every string made writable as UTF-8; ``ValueError`` if nested too deep.

    Iterative: a learner's deeply nested data never reaches Python's recursion limit here.
    """
    if isinstance(value, str):
        return readable(value)
    root: list = [value]
    stack: list[tuple[dict | list, int]] = [(root, 0)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(container, dict):
            items = list(container.items())
            container.clear()
            for key, item in items:
                container[readable(key)] = item
            keys: list = list(container)
        else:
            keys = list(range(len(container)))
        for key in keys:
            item = container[key]
            if isinstance(item, str):
                container[key] = readable(item)
            elif isinstance(item, dict | list):
                stack.append((item, depth + 1))
    return root[0]


class Report:
    """The sandbox's report, parsed: outputs per cell, values per test, how the run ended.

    Every line was written where the learner's code ran, so each is only data: parsing is
    bounded (a line's size, its nesting) and never raises; what cannot be read becomes a
    note for this submission. How the run ended (``status``) is the sandbox's own view,
    from the exit status of the submission's processes, never from a line.
    """

    def __init__(self, result: dict) -> None:
        self.status = str(result.get("status", "lost"))
        self.reason = readable(str(result.get("reason", ""))[:300])
        self.notes = [readable(str(n)[:300]) for n in result.get("notes", [])]
        cap = result.get("memory_cap")
        if type(cap) is int:
            self.notes.append(
                f"the notebook's processes together used more than {cap} MB of memory: the "
                "kernel stopped one there; the answers checked before that point count"
            )
        self.cells: dict[int, dict] = {}
        self.values: dict[int, dict] = {}
        self.last_started: int | None = None
        unreadable = 0
        for line in result.get("lines", []):
            try:
                if not isinstance(line, str) or len(line) > MAX_LINE:
                    raise ValueError("line too long")
                message = bounded(json.loads(line))
            except (TypeError, ValueError, RecursionError, MemoryError):
                unreadable += 1
                continue
            if not isinstance(message, dict):
                continue
            if type(message.get("start")) is int:
                self.last_started = message["start"]
            elif type(message.get("cell")) is int:
                self.cells.setdefault(message["cell"], message)
            elif type(message.get("snapshot")) is int and isinstance(message.get("values"), dict):
                self.values.setdefault(message["snapshot"], message["values"])
        if unreadable:
            self.notes.append(
                f"{unreadable} line(s) of the notebook's report could not be read (too large "
                "or nested too deep) and were left out"
            )


def build_plan(nb: NotebookNode, exercise: Exercise) -> tuple[list[dict], dict[int, str]]:
    """The steps the sandbox runs, and which cell index stands for which test."""
    plan: list[dict] = []
    tests: dict[int, str] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        info = cell.metadata.get("nbgrader", {})
        grade_id = info.get("grade_id") if isinstance(info, dict) else None
        if grade_id in exercise.tests and grade_id not in tests.values():
            tests[index] = grade_id
            plan.append({"snapshot": index, "names": list(exercise.tests[grade_id].reads)})
        else:
            plan.append({"run": index, "code": str(cell.source)})
    return plan, tests


def _forget_unknown_grading(nb: NotebookNode, exercise: Exercise, tests: dict[int, str]) -> None:
    """A cell claiming a grade id the exercise does not have, or a second copy, grades nothing."""
    for index, cell in enumerate(nb.cells):
        info = cell.metadata.get("nbgrader")
        if not isinstance(info, dict) or index in tests:
            continue
        if info.get("grade_id") not in exercise.grade_ids or (
            info.get("grade_id") in tests.values() and info.get("grade")
        ):
            del cell.metadata["nbgrader"]


@functools.cache
def _run_exercises(sources: str) -> tuple[Exercise, ...]:
    found = []
    for path in filter(None, sources.split(os.pathsep)):
        try:
            found.append(load_exercise(Path(path)))
        except Exception:  # a source it cannot read: its submissions fail alone, saying why
            continue
    return tuple(found)


def warm_parts(exercise: Exercise, sources: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The modules a sandbox preloads and the set-up cells its warm parent runs: the run's
    exercises' (``RUN_SOURCES_ENV``) where it names them, else this exercise's."""
    exercises = [*_run_exercises(sources)] or [exercise]
    if exercise.path not in {e.path for e in exercises}:
        exercises.append(exercise)
    modules = tuple(sorted({m for e in exercises for m in e.modules}))
    return modules, set_up_cells(exercises)


class BoundaryExecute(NbGraderPreprocessor):
    """Run a submission behind the OS boundary, then its checks outside (see module doc)."""

    timeout = Integer(30, help="Seconds a learner's cell may run before it is stopped.").tag(
        config=True
    )

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        assignment, learner, name = info["assignment"], info["student"], info["notebook"]
        source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, learner, assignment))
        exercise = load_exercise(source / f"{name}.ipynb")
        plan, tests = build_plan(nb, exercise)
        _forget_unknown_grading(nb, exercise, tests)
        secrets = [Path(coursedir.root), *_database_files(coursedir)]
        modules, warm_code = warm_parts(exercise, os.environ.get(RUN_SOURCES_ENV, ""))
        sandbox = sandbox_for(modules, secrets, warm_code)
        report = Report(sandbox.run(submitted, plan, float(self.timeout)))
        reported = {tests[i]: v for i, v in report.values.items() if i in tests}
        outcomes = check_answers(exercise, reported)
        language = exercise.language
        timed_out: list[int] = []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if index in tests:
                cell.outputs = outcome_outputs(outcomes[tests[index]], language)
                cell.execution_count = None
                continue
            ran = report.cells.get(index)
            if ran is None:
                cell.outputs, cell.execution_count = [], None
                if report.last_started == index and report.status != "done":
                    cell.outputs = [_error("GradingStopped", _stopped(report))]
                continue
            raw = given if isinstance(given := ran.get("outputs"), list) else []
            outputs = [o for o in map(clean_output, raw[:MAX_OUTPUTS]) if o is not None]
            if ran.get("timed_out") is True:
                timed_out.append(index)
                outputs = [o for o in outputs if o.output_type != "error"]
                outputs.append(
                    _error("CellTimeoutError", f"the cell ran longer than {self.timeout} s")
                )
            cell.outputs = outputs
            count = ran.get("count")
            cell.execution_count = count if type(count) is int and count > 0 else None
        nb.metadata[METADATA_KEY] = _summary(report, outcomes, timed_out, nb)
        return nb, resources


def _stopped(report: Report) -> str:
    if report.status == "crashed":
        return "the notebook's code ended Python here; the cells after it were not run"
    return f"grading stopped here: {report.reason or report.status}"


def _database_files(coursedir: CourseDirectory) -> list[Path]:
    url = str(coursedir.db_url or "")
    return [Path(url.removeprefix("sqlite:///"))] if url.startswith("sqlite:///") else []


def _summary(report: Report, outcomes: dict[str, Outcome], timed_out: list[int], nb) -> dict:
    """Notes for the trainer's table, in plain words."""
    notes = list(report.notes)
    if report.status == "crashed":
        notes.append(
            "the notebook's code ended Python (os._exit, a crash, or out of memory); "
            "the answers after that point were not checked"
        )
    elif report.status == "killed":
        notes.append(f"grading stopped the notebook: {report.reason}")
    elif report.status == "lost":
        notes.append(f"grading could not finish this notebook: {report.reason}")
    if timed_out:
        notes.append("a cell ran past the time limit and was stopped")
    refused = any(
        MARKER in str(o.get("evalue", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    )
    if refused:
        notes.append("code tried to reach files or programs outside its folder: refused")
    odd = sorted({name for o in outcomes.values() for name in o.not_plain})
    if odd:
        notes.append("not a plain number, text or letter, so not accepted: " + ", ".join(odd[:10]))
    return {"status": report.status, "notes": notes}
