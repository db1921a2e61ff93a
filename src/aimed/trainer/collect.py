"""Bring learners' submissions into ``submitted/<learner>/<assignment>/``.

Accepted, as a folder or as the single zip a learning platform exports:

- a folder per learner (``Alice Martin/reading-performance.ipynb``, any depth);
- Moodle's export: a folder per learner ``Full Name_123_assignsubmission_file_/``, or, when
  downloaded without folders, files ``Full Name_123_assignsubmission_file_<file name>``;
- a flat folder of notebooks, one per learner (``alice.ipynb``, or Canvas's
  ``martinalice_123_456_reading-performance.ipynb``).

Learner ids come from the platform's participant number, else from the name, and are kept
in ``learners.csv`` (``identities.py``). One learner's oversized or damaged file never stops
the collection: that file is left out, and a learner whose notebook is left out is set aside
alone, with a note that ``autograde`` repeats (``collect-notes.txt`` in ``originals/``).
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from aimed.trainer.course import Assignment, Course, TrainerError
from aimed.trainer.identities import Person, Registry
from aimed.trainer.intake import COLLECT_NOTES, MAX_NOTEBOOK_BYTES, megabytes

MAX_FILE = MAX_NOTEBOOK_BYTES  # any one file a learner hands in
MAX_LEARNER = 50 * 1024 * 1024  # everything one learner hands in for one assignment
MAX_COLLECTION = 2 * 1024 * 1024 * 1024  # everything copied from one export
SKIPPED = {".ipynb_checkpoints", "__MACOSX", ".DS_Store", "Thumbs.db"}
MOODLE_FOLDER = re.compile(
    r"^(?P<name>.*?)_(?P<number>\d+)(?:_(?:assignsubmission|onlinetext)_[a-z]*_?)?$"
)
MOODLE_FILE = re.compile(
    r"^(?P<name>[^_]+)_(?P<number>\d+)_(?:assignsubmission|onlinetext)_[a-z]+_(?P<file>.+)$"
)
CANVAS_FILE = re.compile(
    r"^(?P<name>[^_]+)_(?:late_)?(?P<number>\d+)_\d+_(?P<file>.+)$", re.IGNORECASE
)
# Moodle marks its folders so; a folder merely ending in digits may be a plain name.
MOODLE_MARK = re.compile(r"_(?:assignsubmission|onlinetext)_[a-z]*_?$")


@dataclass(frozen=True)
class Collected:
    """One learner's submission as collected."""

    learner: str
    name: str
    files: tuple[str, ...]
    notes: tuple[str, ...] = ()
    status: str = "collected"  # collected | no notebook | set aside

    @property
    def note(self) -> str:
        return "; ".join(self.notes)


@dataclass(frozen=True)
class Entry:
    """One file of the export: where it is inside the export, and how to read it."""

    parts: tuple[str, ...]
    size: int  # as the export declares it (a zip can lie: reading counts again)
    open: Callable[[], BinaryIO] | None  # None: cannot be read (a link, a special file)
    problem: str = ""

    @property
    def name(self) -> str:
        return self.parts[-1]


def _zip_entries(zipped: zipfile.ZipFile) -> list[Entry]:
    entries = []
    for info in zipped.infolist():
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if info.is_dir() or not parts or parts[0] == "/" or ".." in parts:
            continue  # an entry that would land outside the folder: skipped
        mode = info.external_attr >> 16
        problem = "a link, not a file" if stat.S_ISLNK(mode) else ""
        problem = problem or ("encrypted" if info.flag_bits & 0x1 else "")
        entries.append(
            Entry(
                parts,
                info.file_size,
                None if problem else (lambda info=info: zipped.open(info)),
                problem,
            )
        )
    return entries


def _folder_entries(root: Path) -> list[Entry]:
    entries = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_symlink():
            entries.append(Entry(parts, 0, None, "a link, not a file"))
        elif path.is_file():
            entries.append(Entry(parts, path.stat().st_size, lambda p=path: p.open("rb")))
    return entries


@contextmanager
def _export_entries(source: Path) -> Iterator[list[Entry]]:
    """Every file of the export (a folder or a zip), hidden system files left out."""
    if source.is_dir():
        entries = _folder_entries(source)
        yield [e for e in entries if not _hidden(e.parts)]
        return
    if source.suffix.lower() != ".zip" and not zipfile.is_zipfile(source):
        raise TrainerError(f"{source} is neither a folder nor a zip file")
    try:
        with zipfile.ZipFile(source) as zipped:
            yield [e for e in _zip_entries(zipped) if not _hidden(e.parts)]
    except zipfile.BadZipFile:
        raise TrainerError(f"{source} is not a zip file (or it is damaged)") from None


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(part in SKIPPED or part.startswith("._") for part in parts)


def _strip_enclosing_folder(entries: list[Entry]) -> list[Entry]:
    """An export zipped inside one folder: look inside it."""
    tops = {e.parts[0] for e in entries}
    if len(tops) != 1 or any(len(e.parts) < 2 for e in entries):
        return entries
    (top,) = tops
    if MOODLE_MARK.search(top):
        return entries  # a single learner's Moodle folder
    inner = [e for e in entries if len(e.parts) >= 3]
    flat = [e for e in entries if len(e.parts) == 2]
    if len(inner) == len(entries) or (
        flat and all(MOODLE_FILE.match(e.name) or CANVAS_FILE.match(e.name) for e in flat)
    ):
        return [Entry(e.parts[1:], e.size, e.open, e.problem) for e in entries]
    return entries


def _group(entries: list[Entry]) -> dict[Person, list[tuple[str, Entry]]]:
    """``{person: [(file name to store, entry)]}`` found in an export."""
    people: dict[Person, list[tuple[str, Entry]]] = {}
    for entry in _strip_enclosing_folder(entries):
        top = entry.parts[0]
        if len(entry.parts) > 1:  # a folder per learner
            match = MOODLE_FOLDER.match(top)
            if match and match["name"].strip():
                platform = "moodle"
                person = Person(match["name"].strip(), platform, match["number"])
            else:
                person = Person(top.strip() or top)
            people.setdefault(person, []).append((entry.name, entry))
            continue
        moodle, canvas = MOODLE_FILE.match(top), CANVAS_FILE.match(top)
        if moodle:
            person, stored = Person(moodle["name"].strip(), "moodle", moodle["number"]), moodle
        elif canvas:
            person, stored = Person(canvas["name"], "canvas", canvas["number"]), canvas
        elif top.endswith(".ipynb"):
            people.setdefault(Person(top[: -len(".ipynb")]), []).append((top, entry))
            continue
        else:
            continue  # a loose file that names nobody (an index, a read-me)
        people.setdefault(person, []).append((stored["file"], entry))
    return people


class _Budget:
    """Bytes left for the whole collection (a zip can declare small files and unpack huge)."""

    def __init__(self, total: int) -> None:
        self.left = total


def _copy(entry: Entry, target: Path, limit: int, budget: _Budget) -> str:
    """Copy one file, stopping at ``limit`` bytes; return "" or why it was left out."""
    if entry.open is None:
        return entry.problem or "cannot be read"
    if entry.size > limit:
        return f"larger than {megabytes(limit)} ({megabytes(entry.size)})"
    written = 0
    try:
        with entry.open() as source, target.open("wb") as out:
            while chunk := source.read(1024 * 1024):
                written += len(chunk)
                if written > limit or written > budget.left:
                    raise OverflowError
                out.write(chunk)
    except OverflowError:
        target.unlink(missing_ok=True)
        if written > budget.left:
            budget.left = 0
            return f"the collection passed {megabytes(MAX_COLLECTION)}: not copied"
        return f"larger than {megabytes(limit)}"
    except (OSError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as error:
        target.unlink(missing_ok=True)
        return f"could not be unpacked ({type(error).__name__})"
    budget.left -= written
    return ""


def _store(
    course: Course,
    assignment: Assignment,
    learner: str,
    files: list[tuple[str, Entry]],
    budget: _Budget,
) -> tuple[list[str], list[str], str]:
    """Copy one learner's files; return (files kept, notes, status)."""
    folder = course.submitted / learner / assignment.name
    if folder.exists():
        shutil.rmtree(folder)
    earlier = course.originals / learner / assignment.name
    if earlier.exists():  # set aside from a previous collection: no longer this submission
        shutil.rmtree(earlier)
    folder.mkdir(parents=True)
    # The notebook first, then the rest, so a large extra file never crowds it out.
    ordered = sorted(files, key=lambda f: (not f[0].endswith(".ipynb"), f[0]))
    notebooks = [f for f in ordered if f[0].endswith(".ipynb")]
    kept: list[str] = []
    notes: list[str] = []
    left_out_notebook = False
    room = MAX_LEARNER
    for stored, entry in ordered:
        is_notebook = stored.endswith(".ipynb")
        name = assignment.notebook if is_notebook and len(notebooks) == 1 else stored
        name = _safe_name(name)
        target = folder / name
        if target.exists():
            continue
        problem = _copy(entry, target, min(MAX_FILE, room), budget)
        if problem:
            notes.append(f"{stored} left out: {problem}")
            left_out_notebook |= is_notebook
            continue
        room -= target.stat().st_size
        kept.append(stored)
        if name != stored:
            notes.append(f"{stored} saved as {name}")
    status = "collected"
    if left_out_notebook and not any(k.endswith(".ipynb") for k in kept):
        status = "set aside"
        notes.append("set aside: no notebook could be collected; graded 0 as unreadable")
    elif not notebooks:
        status = "no notebook"
        notes.append("no notebook in this submission")
    if any("left out" in n for n in notes):
        earlier.mkdir(parents=True, exist_ok=True)
        (earlier / COLLECT_NOTES).write_text(
            "\n".join(n for n in notes if "left out" in n or n.startswith("set aside")) + "\n",
            encoding="utf-8",
        )
    return kept, notes, status


def _safe_name(name: str) -> str:
    """A file name that stays in its folder on every system."""
    cleaned = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip(" .")
    return cleaned[:200] or "file"


def collect(course: Course, assignment: Assignment, source: Path) -> list[Collected]:
    """Copy every learner's files for ``assignment`` from ``source`` (a folder or a zip)."""
    source = Path(source).expanduser()
    if not source.exists():
        raise TrainerError(f"nothing at {source}: give a folder or a zip of submissions")
    registry = Registry.load(course)
    with _export_entries(source) as entries:
        people = _group(entries)
        if not people:
            raise TrainerError(f"no submission found in {source}")
        existing = (
            {p.name for p in course.submitted.iterdir()} if course.submitted.is_dir() else set()
        )
        resolved = registry.resolve(list(people), assignment.name, existing - registry.ids())
        budget = _Budget(MAX_COLLECTION)
        collected = []
        for item in sorted(resolved, key=lambda r: r.learner):
            kept, notes, status = _store(
                course, assignment, item.learner, people[item.person], budget
            )
            collected.append(
                Collected(
                    item.learner,
                    item.person.name,
                    tuple(kept),
                    (*item.notes, *notes),
                    status,
                )
            )
    registry.save(course)
    return collected
