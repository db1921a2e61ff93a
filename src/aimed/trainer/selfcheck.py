"""Check my answers: a learner's saved notebook checked as grading checks it, never graded.

The exercise server (``aimed.lab``) asks for a check of the learner's own copy; this module
runs it the one way grading does: the notebook's cells behind the boundary (``boundary``),
answers reported as plain data, then every test of the *source* notebook, visible and hidden
part, outside it (``checks``). The notebook is read, never written, and nothing is recorded.

What the learner gets, per question: ``right``, ``not_yet`` or ``not_answered``, with a hint
that teaches, built only from what the released notebook and the course already show: the
question's number, the part of the notebook it sits in, the module (notebook metadata
``aimed.module`` and the course manifest) and the section of the module page whose words are
closest to the question's. Never the expected value, a check's code or a traceback.

The exercise server is a surface of its own and imports nothing of the trainer's: it runs
``python -m aimed.trainer.selfcheck --serve``, one worker process that answers one JSON line
per request (see :func:`serve`). The server has it warm before it answers (:func:`warm`): one
sandbox for every exercise, their modules imported in it before each check's fork, and the
hidden checks' imports loaded here, so the first check waits for nothing more than the next.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import re
import sys
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from aimed.course_manifest import ManifestError, find_manifest, load_manifest
from aimed.settings import PACKAGE, default_course
from aimed.texts.i18n import LANGUAGES, t
from aimed.trainer.boundary import BoundaryError, Sandbox, check_available
from aimed.trainer.checks import (
    Exercise,
    Outcome,
    cell_text,
    check_answers,
    grading_info,
    load_exercise,
    release_of,
    set_up_cells,
)
from aimed.trainer.course import TrainerError
from aimed.trainer.execute import Report, build_plan
from aimed.trainer.intake import Unreadable, normalise

RIGHT, NOT_YET, NOT_ANSWERED = "right", "not_yet", "not_answered"
STUBS = ("YOUR ANSWER HERE", "raise NotImplementedError")  # the release's empty answer cell
CELL_SECONDS = 10.0  # a learner's cell; every cell of our exercises runs in well under 1 s
MAX_BYTES = 20 * 1024 * 1024  # as collection: a larger notebook is not a learner's answer
QUESTION = re.compile(r"\*\*\s*Questions?\s+(\d+)")
HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$", re.MULTILINE)
WORD = re.compile(r"[^\W\d_]{4,}")


class CheckUnavailable(TrainerError):
    """This check cannot run here; ``reason`` says which text the learner gets."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason  # no_source | no_sandbox | unreadable | too_large


@dataclass(frozen=True)
class Question:
    """One checked question, as the learner reads it."""

    number: str
    part: str
    state: str  # right | not_yet | not_answered
    hint: str


@dataclass
class Result:
    """The whole check: every question in notebook order, and what else the learner should know."""

    language: str
    title: str
    questions: list[Question] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # free-text questions: the trainer's
    notice: str = ""  # the run stopped early, or a repair was needed

    def count(self, state: str) -> int:
        return sum(1 for q in self.questions if q.state == state)

    def as_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------ the notebook's own map


def _plain(markdown: str) -> str:
    """A heading or a question's opening as text: emphasis and code marks removed."""
    return " ".join(re.sub(r"[*_`]", "", markdown).split())


@dataclass(frozen=True)
class Place:
    """Where a test's question sits: its number, its part heading, its answer cell, its words."""

    number: str
    part: str
    answer: str | None  # grade id of the answer cell just before the test
    words: str  # the question's text and its part's, for finding the module's section


def places(source: dict) -> tuple[dict[str, Place], list[str]]:
    """Per test grade id, its :class:`Place`; and the numbers of the free-text questions."""
    found: dict[str, Place] = {}
    written: list[str] = []
    part, part_text, question, question_text = "", "", "", ""
    answer: str | None = None
    for cell in source.get("cells", []):
        text, info = cell_text(cell), grading_info(cell)
        if cell.get("cell_type") == "markdown" and not info.get("solution"):
            for level, title in HEADING.findall(text):
                if len(level) == 2:
                    part, part_text, question, question_text = _plain(title), "", "", ""
            match = QUESTION.search(text)
            if match:
                question, question_text = match.group(1), text
            elif not question:
                part_text += "\n" + text
            continue
        if info.get("solution") and info.get("grade") and cell.get("cell_type") == "markdown":
            written.append(question or str(info.get("grade_id", "")))
        elif info.get("solution"):
            answer = info.get("grade_id")
        elif info.get("grade") and cell.get("cell_type") == "code":
            grade_id = str(info["grade_id"])
            number = question or (re.findall(r"\d+", grade_id) or [grade_id])[-1]
            found[grade_id] = Place(number, part, answer, f"{part}\n{part_text}\n{question_text}")
            answer = None
    return found, written


# ------------------------------------------------------------------ the module page's sections


def _words(text: str) -> Counter:
    return Counter(w.lower() for w in WORD.findall(text))


@dataclass(frozen=True)
class Module:
    """The module an exercise belongs to: number, title and the sections of its page.

    Sections are matched on the English page with the English notebook's words, and named
    from the learner's page at the same place, so both languages point to the same section.
    """

    number: int
    title: str
    sections: tuple[tuple[str, Counter], ...] = ()  # the English page's, for matching
    shown: tuple[str, ...] = ()  # the same sections' headings in the learner's language
    matched_in: str = ""  # the language of ``sections`` when it is not the learner's

    def section_for(self, words: str) -> str:
        """The section whose words are closest to ``words`` (tf-idf cosine), or ``""``."""
        if not self.sections:
            return ""
        documents = len(self.sections)
        seen = Counter(w for _, counts in self.sections for w in counts)
        weight = {w: math.log((1 + documents) / (1 + n)) + 1 for w, n in seen.items()}

        def vector(counts: Counter) -> dict[str, float]:
            return {w: c * weight[w] for w, c in counts.items() if w in weight}

        def norm(v: dict[str, float]) -> float:
            return math.sqrt(sum(x * x for x in v.values())) or 1.0

        asked = vector(_words(words))
        best, score = -1, 0.0
        for index, (_, counts) in enumerate(self.sections):
            page = vector(counts)
            similar = sum(x * page.get(w, 0.0) for w, x in asked.items())
            similar /= norm(asked) * norm(page)
            if similar > score:
                best, score = index, similar
        return self.shown[best] if best >= 0 and score >= 0.05 else ""


SKIPPED_SECTIONS = ("quiz", "key points", "points clés", "à retenir", "sources", "references")


def page_sections(markdown: str) -> tuple[tuple[str, Counter], ...]:
    """``(heading, word counts)`` of each section (level 2 or 3) of a module page."""
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.DOTALL)
    marks = [(m.start(), len(m.group(1)), _plain(m.group(2))) for m in HEADING.finditer(body)]
    sections = []
    for i, (start, level, title) in enumerate(marks):
        if level not in (2, 3) or any(s in title.lower() for s in SKIPPED_SECTIONS):
            continue
        end = marks[i + 1][0] if i + 1 < len(marks) else len(body)
        text = re.sub(r"\{[^}]*\}|<[^>]+>|\(http[^)]*\)", " ", body[start:end])
        sections.append((title, _words(text)))
    return tuple(sections)


def module_of(
    source_path: Path, notebook: dict, language: str, in_english: bool = True
) -> Module | None:
    """The module named by ``aimed.module`` in the notebook's metadata, through the manifest.

    ``in_english``: the questions' English words are at hand, so match on the English page.
    """
    number = notebook.get("metadata", {}).get("aimed", {}).get("module")
    if type(number) is not int:
        return None
    manifest = None
    for start in (source_path.parent, default_course(PACKAGE)):  # the course, else this one
        try:
            manifest = load_manifest(find_manifest(start)) if start else None
        except ManifestError:
            continue
        if manifest is not None:
            break
    if manifest is None:
        return None
    if not 1 <= number <= len(manifest.modules):
        return None
    module = manifest.modules[number - 1]

    def sections(lang: str) -> tuple[tuple[str, Counter], ...]:
        try:
            page = manifest.course_dir / module.page_in(lang)
            return page_sections(page.read_text(encoding="utf-8"))
        except OSError:
            return ()

    mine, english = sections(language), sections(LANGUAGES[0])
    if not in_english or not english or len(english) != len(mine):
        return Module(number, module.titles[language], mine, tuple(title for title, _ in mine))
    shown = tuple(title for title, _ in mine)
    return Module(number, module.titles[language], english, shown, LANGUAGES[0])


def english_words(source: Path, language: str) -> dict[str, str]:
    """Per test, the English notebook's words for it (the exercise's ``-en`` twin), if any."""
    twin = source.parent.parent / f"{source.parent.name.rsplit('-', 1)[0]}-{LANGUAGES[0]}"
    path = twin / source.name
    if language == LANGUAGES[0] or not path.is_file():
        return {}
    try:
        found, _ = places(json.loads(path.read_text(encoding="utf-8")))
    except ValueError:
        return {}
    return {grade_id: place.words for grade_id, place in found.items()}


# ------------------------------------------------------------------ one check


def _stub(cell: dict | None) -> bool:
    return cell is None or any(stub in cell_text(cell) for stub in STUBS)


def _unanswered(values: dict | None, names: tuple[str, ...]) -> bool:
    """No answer given: a name the test reads is undefined, or None."""
    if values is None:
        return False
    return any(name not in values or values[name] is None for name in names)


def _hint(
    state: str, place: Place, outcome: Outcome, module: Module | None, language: str, words: str
) -> str:
    where = t("selfcheck.where_part", language, part=place.part) if place.part else ""
    if state == RIGHT:
        return ""
    if state == NOT_ANSWERED:
        return t("selfcheck.hint_not_answered", language, number=place.number, where=where)
    hints = []
    if outcome.kind == "visible" and outcome.message:
        hints.append(outcome.message)  # the released check's own words on the answer's form
    if outcome.kind == "not_reached":
        hints.append(t("selfcheck.hint_not_reached", language))
    hints.append(t("selfcheck.hint_revisit", language, number=place.number, where=where))
    if module is not None:
        section = module.section_for(words)
        key = "selfcheck.hint_module_section" if section else "selfcheck.hint_module"
        hints.append(t(key, language, number=module.number, module=module.title, section=section))
    return " ".join(hints)


def _title(notebook: dict) -> str:
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            match = re.search(r"^#\s+(.+)$", cell_text(cell), re.MULTILINE)
            if match:
                return _plain(match.group(1))
    return ""


def check_notebook(source: Path, learner: Path, release: Path | None = None) -> Result:
    """Check ``learner`` (the saved notebook) with the tests of ``source``; read-only.

    ``release``: the released notebook, from which the intake puts back a deleted or edited
    cell of the exercise, as grading does. Raises :class:`CheckUnavailable`.
    """
    if not source.is_file():
        raise CheckUnavailable("no_source", f"no source notebook at {source}")
    try:
        if learner.stat().st_size > MAX_BYTES:
            raise CheckUnavailable("too_large")
        raw = learner.read_bytes()
    except OSError as error:
        raise CheckUnavailable("unreadable", str(error)) from None
    try:
        check_available()
    except BoundaryError as error:
        raise CheckUnavailable("no_sandbox", str(error)) from None
    exercise = load_exercise(source)
    source_nb = json.loads(source.read_text(encoding="utf-8"))
    release_nb = json.loads(release.read_text(encoding="utf-8")) if release else None
    try:
        nb, repairs, _ = normalise(raw, release_nb)
    except Unreadable as error:
        raise CheckUnavailable("unreadable", str(error)) from None
    language = exercise.language
    # as nbgrader reads a file: each cell's lines joined into one text
    plan, tests = build_plan(nbformat.reads(json.dumps(nb), as_version=4), exercise)
    report = run_in_sandbox(exercise, learner.parent, plan)
    reported = {tests[i]: v for i, v in report.values.items() if i in tests}
    outcomes = check_answers(exercise, reported)
    where, written = places(source_nb)
    cells = {g: c for c in nb["cells"] if (g := grading_info(c).get("grade_id"))}
    twin = english_words(source, language)
    module = module_of(source, source_nb, language, in_english=bool(twin))
    result = Result(language, _title(source_nb), written=written)
    for grade_id, outcome in outcomes.items():
        place = where.get(grade_id) or Place(grade_id, "", None, "")
        names = exercise.tests[grade_id].reads
        stub = place.answer is not None and _stub(cells.get(place.answer))
        if outcome.passed:
            state = RIGHT
        elif stub or _unanswered(reported.get(grade_id), names):
            state = NOT_ANSWERED
        else:
            state = NOT_YET
        words = twin.get(grade_id, "") if module and module.matched_in else place.words
        hint = _hint(state, place, outcome, module, language, words)
        result.questions.append(Question(place.number, place.part, state, hint))
    if report.status != "done":
        result.notice = t("selfcheck.stopped", language)
    elif repairs:
        result.notice = t("selfcheck.repaired", language)
    return result


def run_in_sandbox(exercise: Exercise, folder: Path, plan: list[dict]) -> Report:
    """The learner's cells behind the grading boundary, on a private copy of ``folder``."""
    return Report(shared_sandbox([exercise]).run(folder, plan, CELL_SECONDS))


_SHARED: dict[str, Sandbox] = {}  # per folder of source notebooks: the one sandbox in use


def shared_sandbox(exercises: list[Exercise]) -> Sandbox:
    """The worker's one sandbox for these exercises, their modules all imported before a fork.

    One for every exercise (not one per exercise as in grading): once warm, no check waits
    for a sandbox to start. An exercise whose modules it lacks replaces it with one that
    preloads both sets (its next check starts it). Before any fork, the sandbox also runs
    the exercises' released set-up cells once (:func:`checks.set_up_cells`).
    """
    secrets = sorted({e.path.parent.parent for e in exercises})  # the sources: never inside
    key = os.pathsep.join(map(str, secrets))
    current = _SHARED.get(key)
    wanted = {m for e in exercises for m in e.modules}
    if current is not None and wanted <= set(current.modules):
        return current
    if current is not None:
        wanted |= set(current.modules)
        current.close()
    _SHARED[key] = Sandbox(tuple(sorted(wanted)), list(secrets), warm_code=set_up_cells(exercises))
    return _SHARED[key]


def _close_shared() -> None:
    while _SHARED:
        _SHARED.popitem()[1].close()


atexit.register(_close_shared)


def warm(sources: list[Path]) -> None:
    """Everything a first check would wait for, done before it: the sandbox (one, preloading
    every exercise's modules) starts while the hidden checks' set-up cells run here once
    (their imports and the engines' caches then stay loaded), and then one whole check."""
    exercises = [load_exercise(source) for source in sources]
    check_available()
    sandbox = shared_sandbox(exercises)
    first = not _WARMED
    exercises = [e for e in exercises if e.path not in _WARMED]
    if sandbox.process is not None and not exercises:
        return  # all done already (an exercise opened after the server's start)
    failed: list[BaseException] = []

    def set_up() -> None:  # one language of each exercise: the other imports the same
        try:
            for exercise in {e.path.name: e for e in exercises}.values():
                check_answers(exercise, {})
        except BaseException as error:  # raised below, in the main thread
            failed.append(error)

    setting_up = threading.Thread(target=set_up, name="set-up cells")
    setting_up.start()  # while the sandbox's own process imports, and this one waits on a pipe
    try:
        sandbox.start()  # from this thread: bwrap dies with the thread that started it
    finally:
        setting_up.join()
    if failed:
        raise failed[0]
    _WARMED.update(e.path for e in exercises)
    release = release_of(exercises[0].path) if first and exercises else None
    if release is not None:  # the release as handed out: every step a learner's check takes
        check_notebook(exercises[0].path, release, release)


_WARMED: set[Path] = set()  # the source notebooks whose set-up cells ran in this process


# ------------------------------------------------------------------ the worker


def answer(request: object) -> dict:
    """One reply of the worker: ``{"result": ...}`` or ``{"unavailable": reason}``."""
    if not isinstance(request, dict):
        return {"unavailable": "unreadable"}
    try:
        if "warm" in request:
            given = request["warm"]
            warm([Path(str(p)) for p in (given if isinstance(given, list) else [given])])
            return {"warm": True}
        release = request.get("release")
        result = check_notebook(
            Path(str(request["source"])),
            Path(str(request["notebook"])),
            Path(str(release)) if release else None,
        )
        return {"result": result.as_dict()}
    except CheckUnavailable as error:
        return {"unavailable": error.reason}
    except (TrainerError, KeyError, ValueError, OSError) as error:
        print(f"selfcheck: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        return {"unavailable": "failed"}


def serve() -> None:
    """Answer one JSON line per request line on stdin until it closes.

    Replies go to the original standard output; anything else printed (by nbgrader, by a
    check) goes to standard error, so a reply line is never mixed with other text.
    """
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        replies.write(json.dumps(answer(request)) + "\n")
        replies.flush()


def main(argv: list[str]) -> int:
    """``--serve`` for the exercise server; ``SOURCE NOTEBOOK [RELEASE]`` prints one check."""
    if argv[:1] == ["--serve"]:
        serve()
        return 0
    if len(argv) not in (2, 3):
        print("usage: python -m aimed.trainer.selfcheck SOURCE NOTEBOOK [RELEASE] | --serve")
        return 2
    release = argv[2] if len(argv) == 3 else None
    reply = answer({"source": argv[0], "notebook": argv[1], "release": release})
    print(json.dumps(reply, ensure_ascii=False, indent=1))
    return 0 if "result" in reply else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
