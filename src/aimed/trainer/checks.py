"""Hidden checks run by the grader, on plain data, where no learner code ever ran.

The learner's cells run behind the boundary (``boundary.py``); at each test cell, the
sandbox reports the values of the names that test reads (``answer_q3``...) as JSON. Here,
in the grading process, those values are rebuilt with exact built-in types only (an
object that "equals anything", a patched float or a string subclass cannot survive JSON),
and each test cell of the *source* notebook, visible part then hidden part, runs in a
namespace made from the source's own locked cells: the project's engines, never the
learner's copy of them, never a patched builtin.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import re
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

from aimed.texts.i18n import LANGUAGES
from aimed.trainer.course import TrainerError

BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
_SOLUTION_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END) SOLUTION\s*$")
_HIDDEN_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END) HIDDEN TESTS\s*$")
CHECK_SECONDS = 20  # a hidden check of ours never needs more
MIN_SECRET = 12  # shorter lines ("]", "pass", "_flips = [") are not specific enough


def split_hidden(source: str) -> tuple[str, str]:
    """``(visible part, hidden part)`` of a test cell's source."""
    visible: list[str] = []
    hidden: list[str] = []
    inside = False
    for line in source.splitlines():
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
    return "\n".join(visible).rstrip(), "\n".join(hidden)


def normalise(line: str) -> str:
    """A line as compared for leaks: spaces collapsed, ends trimmed."""
    return " ".join(line.split())


def cell_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def grading_info(cell: dict) -> dict:
    info = cell.get("metadata", {}).get("nbgrader", {})
    return info if isinstance(info, dict) else {}


def _bound_and_read(code: str) -> tuple[set[str], set[str]]:
    """Names a piece of code binds, and names it reads that it does not bind itself."""
    tree = ast.parse(code)
    loaded: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound, loaded - bound - set(dir(builtins))


def _imported_modules(code: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@dataclass(frozen=True)
class TestCell:
    grade_id: str
    visible: str
    hidden: str
    reads: tuple[str, ...]  # names the learner's run must report before this test


@dataclass(frozen=True)
class Exercise:
    """What the grader takes from a source notebook (solutions and hidden tests included)."""

    path: Path
    steps: tuple[tuple[str, str], ...]  # ("setup", code) or ("test", grade id), in order
    tests: dict[str, TestCell]
    grade_ids: frozenset[str]
    modules: tuple[str, ...]
    secrets: tuple[str, ...]  # hidden-test and solution lines, normalised

    @property
    def language(self) -> str:
        name = self.path.parent.name.rsplit("-", 1)[-1]
        return name if name in ("en", "fr") else "en"


def secret_lines(notebook: dict, public_text: str = "") -> tuple[str, ...]:
    """Every line of a hidden test or a solution that the release does not show anyway.

    A line the release (or ``public_text``, the header) holds, even inside a longer
    line, is not secret: hiding it would hide the course's own text.
    """
    secret: set[str] = set()
    public: list[str] = [normalise(public_text)]
    for cell in notebook.get("cells", []):
        text = cell_text(cell)
        info = grading_info(cell)
        if info.get("solution") and cell.get("cell_type") != "code":
            secret |= {normalise(line) for line in text.splitlines()}
            continue
        region = "public"
        for line in text.splitlines():
            marker = _HIDDEN_MARKER.match(line) or _SOLUTION_MARKER.match(line)
            if marker:
                region = "public" if marker[1] == "END" else "secret"
                continue
            if region == "secret" or (info.get("solution") and "BEGIN SOLUTION" not in text):
                secret.add(normalise(line))
            else:
                public.append(normalise(line))
    shown = "\n".join(public)
    return tuple(sorted(line for line in secret if len(line) >= MIN_SECRET and line not in shown))


def _header_text(path: Path) -> str:
    header = path.parent.parent / "header.ipynb"
    try:
        cells = json.loads(header.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return ""
    return "\n".join(cell_text(cell) for cell in cells)


_CACHE: dict[tuple[str, float], Exercise] = {}


def load_exercise(path: Path) -> Exercise:
    """The grader's view of a source notebook (cached while the file is unchanged)."""
    path = Path(path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError as error:
        raise TrainerError(f"no source notebook at {path}: {error.strerror}") from None
    if key in _CACHE:
        return _CACHE[key]
    notebook = json.loads(path.read_text(encoding="utf-8"))
    steps: list[tuple[str, str]] = []
    tests: dict[str, TestCell] = {}
    modules: set[str] = set()
    known: set[str] = set()
    grade_ids: set[str] = set()
    for cell in notebook.get("cells", []):
        info = grading_info(cell)
        if info.get("grade_id"):
            grade_ids.add(info["grade_id"])
        if cell.get("cell_type") != "code":
            continue
        code = cell_text(cell)
        if info.get("grade") and not info.get("solution"):
            visible, hidden = split_hidden(code)
            bound, read = _bound_and_read(f"{visible}\n{hidden}")
            tests[info["grade_id"]] = TestCell(
                info["grade_id"], visible, hidden, tuple(sorted(read - known))
            )
            steps.append(("test", info["grade_id"]))
            known |= bound
        elif info.get("locked") and not info.get("solution"):
            bound, _ = _bound_and_read(code)
            known |= bound
            modules |= _imported_modules(code)
            steps.append(("setup", code))
    exercise = Exercise(
        path,
        tuple(steps),
        tests,
        frozenset(grade_ids),
        tuple(sorted(modules)),
        secret_lines(notebook, _header_text(path)),
    )
    _CACHE[key] = exercise
    return exercise


# ------------------------------------------------------------------ plain data


class NotPlainData:
    """Stands for an answer that was not plain data (an object, a DataFrame, a subclass)."""

    def __init__(self, kind: str) -> None:
        self.kind = re.sub(r"[^A-Za-z0-9_.]", "", str(kind))[:40] or "object"

    def __repr__(self) -> str:
        return f"<{self.kind}: not a number, text or letter>"

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


def decode(value: object, depth: int = 0) -> object:
    """Rebuild an answer from the sandbox's JSON with exact built-in types, or NotPlainData."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value  # NaN and infinities included: the visible checks refuse them
    if type(value) is dict and len(value) == 1 and depth < 5:
        ((tag, inner),) = value.items()
        if tag in ("list", "tuple") and type(inner) is list:
            items = [decode(v, depth + 1) for v in inner]
            return items if tag == "list" else tuple(items)
        if tag == "dict" and type(inner) is list:
            pairs = [p for p in inner if type(p) is list and len(p) == 2 and type(p[0]) is str]
            return {key: decode(v, depth + 1) for key, v in pairs}
        if tag == "other":
            return NotPlainData(str(inner))
    return NotPlainData("unknown")


# ------------------------------------------------------------------ running the checks


@dataclass
class Outcome:
    """One test cell's result: ``passed``, ``visible`` or ``hidden`` failure, ``not_reached``."""

    grade_id: str
    kind: str
    ename: str = ""
    message: str = ""
    not_plain: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.kind == "passed"


class _CheckTimeout(Exception):
    pass


def _run(code: str, namespace: dict, label: str) -> None:
    if not code.strip():
        return
    compiled = compile(code, label, "exec")
    # A visible check tells an unanswered question's learner what to do; outside a notebook
    # that is a print, which the trainer's terminal must not get once per learner.
    quiet = contextlib.redirect_stdout(io.StringIO())
    main = threading.current_thread() is threading.main_thread()
    if main:

        def stop(signum, frame):
            raise _CheckTimeout(f"the check took more than {CHECK_SECONDS} s")

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, CHECK_SECONDS)
    try:
        with quiet:
            exec(compiled, namespace)
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def check_answers(exercise: Exercise, reported: dict[str, dict]) -> dict[str, Outcome]:
    """Run every test of ``exercise`` on the values the learner's run reported.

    ``reported`` maps a test's grade id to ``{name: JSON value}``; a test missing from it
    was never reached (the notebook stopped before it) and fails.
    """
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    outcomes: dict[str, Outcome] = {}
    for kind, item in exercise.steps:
        if kind == "setup":
            try:
                _run(item, namespace, "<setup cell>")
            except Exception as error:
                raise TrainerError(
                    f"a locked set-up cell of {exercise.path.name} fails on its own: {error}"
                ) from None
            continue
        test = exercise.tests[item]
        if item not in reported:
            outcomes[item] = Outcome(item, "not_reached")
            continue
        for name in test.reads:
            namespace.pop(name, None)
        values = reported[item]
        not_plain = []
        for name in test.reads:
            if name in values:
                namespace[name] = decode(values[name])
                if isinstance(namespace[name], NotPlainData):
                    not_plain.append(name)
        for part, code in (("visible", test.visible), ("hidden", test.hidden)):
            try:
                _run(code, namespace, f"<{part} check {item}>")
            except Exception as error:
                message = str(error) if part == "visible" else ""
                outcomes[item] = Outcome(item, part, type(error).__name__, message, not_plain)
                break
        else:
            outcomes[item] = Outcome(item, "passed", not_plain=not_plain)
    return outcomes


# ------------------------------------------------------------------ warm sandboxes


def release_of(source: Path) -> Path | None:
    """The released notebook of a source notebook (nbgrader's ``release/`` beside
    ``source/``), if there is one."""
    release = source.parent.parent.parent / "release" / source.parent.name / source.name
    return release if release.is_file() else None


def set_up_cells(exercises: list[Exercise]) -> tuple[str, ...]:
    """The released notebooks' own set-up cells (locked, neither answer nor check) in order,
    each once, English notebooks last (the helpers' language is left as a notebook starts).

    Taken from the release, never the source: what the learner already has. Run once in the
    sandbox's warm parent, they fill the engines' caches (trained models, simulated
    cohorts), so that a check's fork finds them as a kernel that ran the notebook would.
    """
    cells: dict[str, None] = {}
    for exercise in sorted(exercises, key=lambda e: e.language == LANGUAGES[0]):
        release = release_of(exercise.path)
        try:
            notebook = json.loads(release.read_text(encoding="utf-8")) if release else {}
        except (OSError, ValueError):
            continue
        for cell in notebook.get("cells", []):
            info = grading_info(cell)
            answer_or_check = info.get("grade") or info.get("solution")
            if cell.get("cell_type") == "code" and info.get("locked") and not answer_or_check:
                cells[cell_text(cell)] = None
    return tuple(cells)
