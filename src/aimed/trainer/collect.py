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

import json
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO

from aimed.trainer.course import Assignment, Course, TrainerError
from aimed.trainer.identities import Person, Registry
from aimed.trainer.intake import COLLECT_NOTES, MAX_NOTEBOOK_BYTES, megabytes

NOT_GRADED = "not-graded"  # in originals/<learner>/<assignment>/: a learner's other notebooks
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
    status: str = "collected"  # collected | no notebook | set aside | refused | kept earlier

    @property
    def note(self) -> str:
        return "; ".join(self.notes)


@dataclass(frozen=True)
class Entry:
    """One file of the export: where it is inside the export, and how to read it."""

    parts: tuple[str, ...]
    size: int  # as the export declares it (a zip can lie: reading counts again)
    open: Callable[[], IO[bytes]] | None  # None: cannot be read (a link, a special file)
    problem: str = ""
    modified: datetime | None = None  # when the platform's export says the file was saved

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
        try:
            modified = datetime(*info.date_time, tzinfo=UTC)
        except ValueError:
            modified = None
        entries.append(
            Entry(
                parts,
                info.file_size,
                None if problem else partial(zipped.open, info),
                problem,
                modified,
            )
        )
    return entries


def _reader(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _folder_entries(root: Path) -> list[Entry]:
    entries = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_symlink():
            entries.append(Entry(parts, 0, None, "a link, not a file"))
        elif path.is_file():
            entries.append(Entry(parts, path.stat().st_size, _reader(path)))
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
        return [Entry(e.parts[1:], e.size, e.open, e.problem, e.modified) for e in entries]
    return entries


def _group(
    entries: list[Entry], folders: dict[Person, str] | None = None
) -> dict[Person, list[tuple[str, Entry]]]:
    """``{person: [(file name to store, entry)]}`` found in an export; ``folders`` receives
    the Moodle folder name of each person (``Full Name_123_assignsubmission_file_``)."""
    people: dict[Person, list[tuple[str, Entry]]] = {}
    folders = {} if folders is None else folders
    for entry in _strip_enclosing_folder(entries):
        top = entry.parts[0]
        if len(entry.parts) > 1:  # a folder per learner
            match = MOODLE_FOLDER.match(top)
            if match and match["name"].strip():
                platform = "moodle"
                person = Person(match["name"].strip(), platform, match["number"])
                if MOODLE_MARK.search(top):
                    folders.setdefault(person, top)
            else:
                person = Person(top.strip() or top)
            people.setdefault(person, []).append((entry.name, entry))
            continue
        moodle, canvas = MOODLE_FILE.match(top), CANVAS_FILE.match(top)
        if moodle:
            person, stored = Person(moodle["name"].strip(), "moodle", moodle["number"]), moodle
            folders.setdefault(person, top[: len(top) - len(moodle["file"])])
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
            return (
                f"the export passed {megabytes(MAX_COLLECTION)}: extra files are dropped "
                "(every notebook is kept)"
            )
        return f"larger than {megabytes(limit)}"
    except (OSError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as error:
        target.unlink(missing_ok=True)
        return f"could not be unpacked ({type(error).__name__})"
    budget.left -= written
    return ""


class _Staged:
    """One learner's files copied into a staging folder, before the decision to keep them."""

    def __init__(self, folder: Path, files: list[tuple[str, Entry]]) -> None:
        self.folder = folder
        folder.mkdir(parents=True)
        self.files = sorted(files, key=lambda f: (not f[0].endswith(".ipynb"), f[0]))
        self.kept: list[str] = []
        self.notes: list[str] = []
        self.notebooks: list[str] = []  # stored names of the notebooks copied
        self.left_out_notebook = False
        self.room = MAX_LEARNER
        self.modified: datetime | None = None

    def copy(self, notebooks: bool, budget: _Budget) -> None:
        """Copy this learner's notebooks (``notebooks``) or extra files, within ``budget``."""
        for stored, entry in self.files:
            is_notebook = stored.endswith(".ipynb")
            if is_notebook != notebooks:
                continue
            name = _safe_name(stored)
            target = self.folder / name
            if target.exists():
                continue
            problem = _copy(entry, target, min(MAX_FILE, self.room), budget)
            if problem:
                self.notes.append(f"{stored} left out: {problem}")
                self.left_out_notebook |= is_notebook
                continue
            self.room -= target.stat().st_size
            self.kept.append(stored)
            if is_notebook:
                self.notebooks.append(name)
                if entry.modified and (self.modified is None or entry.modified > self.modified):
                    self.modified = entry.modified


def _read_notebook(path: Path) -> dict | None:
    """The notebook at ``path`` as JSON, or None when it is not one."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None
    return data


def _lines(cells: list) -> set[str]:
    found: set[str] = set()
    for cell in cells:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        text = "".join(source) if isinstance(source, list) else str(source)
        found |= {" ".join(line.split()) for line in text.splitlines() if len(line.strip()) >= 12}
    return found


def _grade_ids(cells: list) -> set[str]:
    found: set[str] = set()
    for cell in cells:
        info = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if isinstance(info, dict) and isinstance(info.get("grade_id"), str):
            found.add(info["grade_id"])
    return found


@dataclass(frozen=True)
class Signature:
    """What tells one assignment's notebook apart: its grade ids and its lines."""

    assignment: str
    exercise: str
    grade_ids: frozenset[str]
    lines: frozenset[str]


def signatures(course: Course) -> list[Signature]:
    """The signature of every assignment of the course (release, else source notebook)."""
    found = []
    for assignment in course.assignments():
        for base in (course.release, course.source):
            nb = _read_notebook(base / assignment.name / assignment.notebook)
            if nb is not None:
                found.append(
                    Signature(
                        assignment.name,
                        assignment.exercise,
                        frozenset(_grade_ids(nb["cells"])),
                        frozenset(_lines(nb["cells"])),
                    )
                )
                break
    return found


def looks_like(notebook: dict, known: list[Signature]) -> Signature | None:
    """The assignment whose notebook this one resembles most (grade ids first, then lines);
    None when it resembles none (an empty notebook, another course's)."""
    ids, lines = _grade_ids(notebook["cells"]), _lines(notebook["cells"])

    def likeness(sig: Signature) -> tuple[float, float]:
        by_id = len(ids & sig.grade_ids) / len(sig.grade_ids) if sig.grade_ids else 0.0
        by_line = len(lines & sig.lines) / len(sig.lines) if sig.lines else 0.0
        return by_id, by_line

    scored = [(likeness(sig), sig) for sig in known]
    scored = [(score, sig) for score, sig in scored if score[0] >= 0.3 or score[1] >= 0.2]
    if not scored:
        return None
    return max(scored, key=lambda pair: pair[0])[1]


def _answers_written(notebook: dict, release: dict | None) -> int:
    """How many answer cells differ from the released notebook's."""
    if release is None:
        return 0
    blank = {
        cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"): cell.get("source")
        for cell in release["cells"]
        if isinstance(cell, dict)
    }
    count = 0
    for cell in notebook["cells"]:
        info = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if isinstance(info, dict) and info.get("solution") and info.get("grade_id") in blank:
            count += cell.get("source") != blank[info["grade_id"]]
    return count


def _earlier_grade(course: Course, learner: str, assignment: str) -> str:
    """ "N/M" when the submission in place was graded, else ""."""
    from aimed.trainer.grading import load_results

    result = load_results(course).get((learner, assignment))
    if result is None or result.status != "graded" or not result.max_score:
        return ""
    return f"{result.score:g}/{result.max_score:g}"


def _decide(
    course: Course,
    assignment: Assignment,
    learner: str,
    staged: _Staged,
    known: list[Signature],
    replace: bool,
) -> tuple[list[str], list[str], str]:
    """Put a learner's staged files in place, or refuse them; return (files, notes, status)."""
    notes = list(staged.notes)
    folder = course.submitted / learner / assignment.name
    release = _read_notebook(course.release / assignment.name / assignment.notebook)
    readable = {n: nb for n in staged.notebooks if (nb := _read_notebook(staged.folder / n))}
    mine = {
        n: nb
        for n, nb in readable.items()
        if (s := looks_like(nb, known)) is None or s.exercise == assignment.exercise
    }
    others = {n: s for n, nb in readable.items() if n not in mine and (s := looks_like(nb, known))}
    if readable and not mine:  # every notebook is another exercise's
        sig = next(iter(others.values()))
        name = next(iter(others))
        notes.append(
            f"{name} looks like the exercise {sig.exercise} ({sig.assignment}), not "
            f"{assignment.exercise}: not collected; collect it under {sig.assignment}"
        )
        return [], notes, "refused"
    chosen = ""
    if mine:
        ranked = sorted(
            mine,
            key=lambda n: (-_answers_written(mine[n], release), n != assignment.notebook, n),
        )
        chosen = ranked[0]
        if len(staged.notebooks) > 1:
            why = (
                "the only one of this exercise"
                if len(mine) == 1
                else "the one with the most answers written"
            )
            rest = ", ".join(n for n in staged.notebooks if n != chosen)
            notes.append(
                f"{len(staged.notebooks)} notebooks: graded {chosen} ({why}); not graded: "
                f"{rest} (kept in originals/{learner}/{assignment.name}/{NOT_GRADED})"
            )
        for name, sig in others.items():
            notes.append(f"{name} looks like {sig.assignment}: not graded")
    elif staged.notebooks:
        chosen = staged.notebooks[0]  # unreadable: the intake sets it aside, with why
    graded = _earlier_grade(course, learner, assignment.name) if folder.exists() else ""
    broken = not mine
    if broken and graded and not replace:
        notes.append(
            f"the new files hold no readable notebook: the submission graded {graded} is kept "
            "(collect with --replace-graded to replace it)"
        )
        return [], notes, "kept earlier"
    if folder.exists():
        stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M%S")
        keep = course.originals / learner / f"{assignment.name}.replaced-{stamp}"
        n = 1
        while keep.exists():
            n += 1
            keep = keep.with_name(f"{assignment.name}.replaced-{stamp}-{n}")
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(folder, keep)
        where = keep.relative_to(course.root)
        notes.append(
            f"replaces a submission graded {graded} (kept in {where})"
            if graded
            else f"replaces an earlier submission (kept in {where})"
        )
    earlier = course.originals / learner / assignment.name
    if earlier.exists():  # set aside from a previous collection: no longer this submission
        shutil.rmtree(earlier)
    folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(staged.folder, folder)
    if chosen:
        for name in staged.notebooks:  # the others: kept, out of the grader's way
            if name != chosen:
                aside = earlier / NOT_GRADED
                aside.mkdir(parents=True, exist_ok=True)
                shutil.move(folder / name, aside / name)
        if chosen != assignment.notebook:
            (folder / chosen).rename(folder / assignment.notebook)
            notes.append(f"{chosen} saved as {assignment.notebook}")
    if staged.modified is not None and not (folder / "timestamp.txt").exists():
        (folder / "timestamp.txt").write_text(
            staged.modified.strftime("%Y-%m-%d %H:%M:%S UTC"), encoding="utf-8"
        )
    status = "collected"
    if staged.left_out_notebook and not staged.notebooks:
        status = "set aside"
        notes.append("set aside: no notebook could be collected; graded 0 as unreadable")
    elif not any(f[0].endswith(".ipynb") for f in staged.files):
        status = "no notebook"
        notes.append("no notebook in this submission")
    lasting = [
        n for n in notes if "left out" in n or n.startswith("set aside") or "notebooks: graded" in n
    ]
    if lasting:  # autograde repeats them, and so do the exports
        earlier.mkdir(parents=True, exist_ok=True)
        (earlier / COLLECT_NOTES).write_text("\n".join(lasting) + "\n", encoding="utf-8")
    return staged.kept, notes, status


def _safe_name(name: str) -> str:
    """A file name that stays in its folder on every system."""
    cleaned = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip(" .")
    return cleaned[:200] or "file"


def collect(
    course: Course, assignment: Assignment, source: Path, *, replace_graded: bool = False
) -> list[Collected]:
    """Copy every learner's files for ``assignment`` from ``source`` (a folder or a zip).

    Every learner's notebooks are copied before any extra file, so the export's size
    budget only ever drops extra files. A notebook of another exercise is refused; a
    submission already in place is kept, dated, in ``originals/``; a graded one is never
    replaced by files holding no readable notebook unless ``replace_graded``.
    """
    source = Path(source).expanduser()
    if not source.exists():
        raise TrainerError(f"nothing at {source}: give a folder or a zip of submissions")
    registry = Registry.load(course)
    known = signatures(course)
    folders: dict[Person, str] = {}
    with _export_entries(source) as entries:
        people = _group(entries, folders)
        if not people:
            raise TrainerError(f"no submission found in {source}")
        existing = (
            {p.name for p in course.submitted.iterdir()} if course.submitted.is_dir() else set()
        )
        resolved = registry.resolve(list(people), assignment.name, existing - registry.ids())
        order = sorted(resolved, key=lambda r: r.learner)
        course.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".collecting-", dir=course.root) as staging:
            staged = {
                item.learner: _Staged(Path(staging) / item.learner, people[item.person])
                for item in order
            }
            notebooks = _Budget(len(order) * MAX_LEARNER)  # bounded per learner already
            for item in order:
                staged[item.learner].copy(True, notebooks)
            extras = _Budget(MAX_COLLECTION)
            for item in order:
                staged[item.learner].copy(False, extras)
            collected = []
            for item in order:
                kept, notes, status = _decide(
                    course, assignment, item.learner, staged[item.learner], known, replace_graded
                )
                collected.append(
                    Collected(
                        item.learner, item.person.name, tuple(kept), (*item.notes, *notes), status
                    )
                )
    registry.save(course)
    _save_lms_folders(
        course, assignment, {i.learner: folders[i.person] for i in order if i.person in folders}
    )
    return collected


LMS_FOLDERS = "lms-folders.json"


def _save_lms_folders(course: Course, assignment: Assignment, found: dict[str, str]) -> None:
    """Keep each learner's folder name in the platform's export: feedback goes back under it."""
    path = course.root / LMS_FOLDERS
    known = lms_folders(course)
    known.setdefault(assignment.name, {}).update(found)
    path.write_text(json.dumps(known, indent=1, ensure_ascii=False, sort_keys=True), "utf-8")


def lms_folders(course: Course) -> dict[str, dict[str, str]]:
    """``{assignment: {learner: folder name in the platform's export}}``."""
    try:
        data = json.loads((course.root / LMS_FOLDERS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
