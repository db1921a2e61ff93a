"""Checks and repairs a submission before grading, so one learner's file never stops the run.

Every submission ends as a notebook nbgrader can grade (repaired, with a note saying what
was changed) or as ``unreadable`` for that learner alone. What each case gets (also in
exercises/README.md):

- notebook saved under another name (``reading-performance (1).ipynb``): renamed, graded;
- no notebook at all: nbgrader gives 0, reported as ``missing``;
- not UTF-8, not JSON, JSON but not a notebook, larger than 20 MB, or a shape no repair
  makes valid: set aside in ``originals/``, 0, ``unreadable``;
- an old notebook format (nbformat 1 to 3): upgraded to nbformat 4 by nbformat, graded;
- a cell of an unknown type, metadata or text of the wrong type, missing keys: repaired;
  a cell of the exercise turned into another type is made its own type again;
- grading metadata (``nbgrader``) of the wrong type or unknown to the exercise: removed, so
  the cell runs as an ordinary cell; when it belonged to a cell of the exercise, that cell
  is put back from the release;
- a cell of the exercise pasted twice: one answer cell is graded (the first the learner
  wrote in; the first if none), one copy of a test cell kept (the first after its answer);
- deleted cells of the exercise (answers, tests, the setup cell): put back from the release
  version, then graded as usual (nbgrader's own ``add_missing_cells`` is not needed: it
  stops the learner's grading when an answer and its test are both deleted);
- edited test cells: nbgrader overwrites them with the real tests (reported).

The learner's file as received is kept in ``originals/<learner>/<assignment>/`` whenever it
is changed or set aside. Notes written by ``collect`` (a file left out, a learner set aside)
are in ``collect-notes.txt`` there and are repeated here.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from aimed.trainer.course import Assignment, Course
from aimed.trainer.files import NotOwnFile, inside, read_own, replace, why_not_own

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
COLLECT_NOTES = "collect-notes.txt"
CELL_KEYS = {
    "code": {"id", "cell_type", "metadata", "source", "outputs", "execution_count"},
    "markdown": {"id", "cell_type", "metadata", "source", "attachments"},
    "raw": {"id", "cell_type", "metadata", "source", "attachments"},
}
NOTEBOOK_KEYS = {"cells", "metadata", "nbformat", "nbformat_minor"}
GRADING_KEYS = ("grade", "solution", "locked", "task", "points")
CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Intake:
    """What the check found for one learner's assignment."""

    learner: str
    assignment: str
    status: str = "ok"  # ok | missing | unreadable
    notes: list[str] = field(default_factory=list)


class Unreadable(ValueError):
    """A file no repair turns into a notebook; the message says why, in a few words."""


def megabytes(size: int) -> str:
    """``20971520`` -> ``20 MB`` (binary megabytes, as file managers show them)."""
    value = size / 1024 / 1024
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"


def _info(cell: dict) -> dict:
    meta = cell.get("metadata")
    info = meta.get("nbgrader") if isinstance(meta, dict) else None
    return info if isinstance(info, dict) else {}


def _grade_id(cell: dict) -> str | None:
    grade_id = _info(cell).get("grade_id")
    return grade_id if isinstance(grade_id, str) and grade_id else None


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_notebook(raw: bytes) -> tuple[dict, list[str]]:
    """The file as a notebook dict in nbformat 4 (older formats upgraded by nbformat)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise Unreadable("not valid JSON") from None
    except RecursionError:
        raise Unreadable("JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise Unreadable("a JSON file, but not a notebook")
    major = data.get("nbformat")
    old = isinstance(major, int) and major < 4
    if old or ("cells" not in data and isinstance(data.get("worksheets"), list)):
        try:
            upgraded = nbformat.reads(text, as_version=4)
        except Exception as error:  # nbformat raises many kinds; the learner's file is at fault
            raise Unreadable(
                f"an nbformat {major} notebook nbformat could not upgrade ({type(error).__name__})"
            ) from None
        return json.loads(json.dumps(upgraded)), [f"nbformat {major} notebook upgraded to 4"]
    if isinstance(major, int) and major > 4:
        raise Unreadable(f"nbformat {major}, newer than the nbformat 4 nbgrader reads")
    if not isinstance(data.get("cells"), list):
        raise Unreadable("a JSON file, but not a notebook")
    return data, []


def _fix_cell(cell: dict, n: int, release: dict[str, dict] | None, notes: list[str]) -> None:
    """Make one cell the shape nbformat 4 requires; restore the exercise's own settings."""
    where = f"cell {n}"
    if not isinstance(cell.get("metadata"), dict):
        wrong = "of the wrong type, emptied" if "metadata" in cell else "missing, added"
        notes.append(f"{where}: metadata {wrong}")
        cell["metadata"] = {}
    meta = cell["metadata"]
    if "nbgrader" in meta:
        info = meta["nbgrader"]
        grade_id = info.get("grade_id") if isinstance(info, dict) else None
        if not isinstance(info, dict) or not isinstance(grade_id, str) or not grade_id:
            del meta["nbgrader"]
            if info:
                notes.append(f"{where}: grading metadata of the wrong shape removed")
        elif release is not None and grade_id not in release:
            del meta["nbgrader"]
            notes.append(f"{where}: grade id {grade_id!r} is not in the exercise; ordinary cell")
        elif release is not None:
            model = release[grade_id]
            wanted = model["metadata"]["nbgrader"]
            if any(info.get(k) != wanted.get(k) for k in GRADING_KEYS):
                notes.append(f"{grade_id}: grading settings put back as released")
            meta["nbgrader"] = copy.deepcopy(wanted)
            if cell.get("cell_type") != model["cell_type"]:
                notes.append(
                    f"{grade_id}: was a {cell.get('cell_type')!r} cell, made "
                    f"{model['cell_type']} again"
                )
                cell["cell_type"] = model["cell_type"]
            where = grade_id
    if cell.get("cell_type") not in CELL_KEYS:
        kind = "code" if "outputs" in cell or "execution_count" in cell else "markdown"
        notes.append(f"{where}: unknown type {cell.get('cell_type')!r}, read as {kind}")
        cell["cell_type"] = kind
    source = cell.get("source", "")
    if not (
        isinstance(source, str)
        or (isinstance(source, list) and all(isinstance(s, str) for s in source))
    ):
        if source is not None:
            notes.append(f"{where}: text of the wrong type, read as text")
        cell["source"] = (
            ""
            if source is None
            else ("".join(map(str, source)) if isinstance(source, list) else str(source))
        )
    if "source" not in cell:
        notes.append(f"{where}: text missing, left empty")
        cell["source"] = ""
    if cell["cell_type"] == "code":
        if not isinstance(cell.get("outputs"), list):
            cell["outputs"] = []
        count = cell.get("execution_count")
        if not (count is None or (isinstance(count, int) and count >= 0)):
            cell["execution_count"] = None
        cell.setdefault("execution_count", None)
    elif not isinstance(cell.get("attachments", {}), dict):
        del cell["attachments"]
    for key in set(cell) - CELL_KEYS[cell["cell_type"]]:
        del cell[key]


def _dedupe(cells: list[dict], release: dict[str, dict] | None, order: list[str]) -> list[str]:
    """Keep one copy of each cell of the exercise the learner pasted twice."""
    notes: list[str] = []
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        if grade_id := _grade_id(cell):
            positions.setdefault(grade_id, []).append(i)
    drop: set[int] = set()
    kept_at: dict[str, int] = {}

    def settings(grade_id: str, i: int) -> dict:
        return release[grade_id]["metadata"]["nbgrader"] if release else _info(cells[i])

    for grade_id, where in positions.items():  # answers first: tests are placed after them
        if len(where) < 2 or not settings(grade_id, where[0]).get("solution"):
            kept_at[grade_id] = where[0]
            continue
        blank = _source(release[grade_id]).strip() if release else None
        written = [i for i in where if _source(cells[i]).strip() != blank]
        keep = written[0] if written else where[0]
        kept_at[grade_id] = keep
        drop |= set(where) - {keep}
        notes.append(
            f"answer cell {grade_id} appeared {len(where)} times: copy {where.index(keep) + 1} "
            "graded, the others left out"
        )
    for grade_id, where in positions.items():
        if len(where) < 2 or settings(grade_id, where[0]).get("solution"):
            continue
        answer = _answer_before(grade_id, order, release)
        after = kept_at.get(answer, -1) if answer else -1
        keep = next((i for i in where if i > after), where[-1])
        drop |= set(where) - {keep}
        kind = "test cell" if settings(grade_id, keep).get("grade") else "read-only cell"
        notes.append(f"{kind} {grade_id} appeared {len(where)} times: one copy kept")
    cells[:] = [c for i, c in enumerate(cells) if i not in drop]
    return notes


def _answer_before(grade_id: str, order: list[str], release: dict[str, dict] | None) -> str | None:
    """The answer cell a test checks: the nearest answer cell before it in the release."""
    if not release or grade_id not in order:
        return None
    for earlier in reversed(order[: order.index(grade_id)]):
        if release[earlier]["metadata"]["nbgrader"].get("solution"):
            return earlier
    return None


def _restore_cells(submitted: dict, release_nb: dict) -> tuple[list[str], list[str], list[str]]:
    """Put back cells of the release that the learner deleted; list the locked cells edited."""
    cells = submitted["cells"]
    present = {_grade_id(c): i for i, c in enumerate(cells) if _grade_id(c)}
    restored: list[str] = []
    tests_edited: list[str] = []
    others_edited: list[str] = []
    last_index = -1
    for cell in release_nb["cells"]:
        grade_id = _grade_id(cell)
        if not grade_id:
            continue
        info = cell["metadata"]["nbgrader"]
        if grade_id in present:
            last_index = present[grade_id]
            if info.get("locked") and _source(cells[last_index]) != _source(cell):
                (tests_edited if info.get("grade") else others_edited).append(grade_id)
            continue
        last_index += 1
        cells.insert(last_index, copy.deepcopy(cell))
        present = {_grade_id(c): i for i, c in enumerate(cells) if _grade_id(c)}
        restored.append(grade_id)
    return restored, tests_edited, others_edited


def _fix_ids(cells: list[dict]) -> None:
    """nbformat 4.5 wants a unique id per cell: keep good ones, make the rest from the cell."""
    seen: set[str] = set()
    for n, cell in enumerate(cells, start=1):
        candidate = cell.get("id")
        if not (isinstance(candidate, str) and CELL_ID.match(candidate)) or candidate in seen:
            base = _grade_id(cell) or f"cell-{n}"
            base = base if CELL_ID.match(base) else f"cell-{n}"
            candidate, k = base, 1
            while candidate in seen:
                k += 1
                candidate = f"{base}-{k}"
            cell["id"] = candidate
        seen.add(candidate)


def _validate(nb: dict, release_nb: dict | None, notes: list[str]) -> None:
    """nbformat's own check; outputs, then metadata of the wrong shape are cleared if needed."""
    steps = ("outputs", "metadata")
    for step in (None, *steps):
        if step == "outputs":
            for cell in nb["cells"]:
                if cell["cell_type"] == "code":
                    cell["outputs"], cell["execution_count"] = [], None
                cell.pop("attachments", None)
        elif step == "metadata":
            nb["metadata"] = copy.deepcopy(release_nb["metadata"]) if release_nb else {}
            for cell in nb["cells"]:
                info = cell["metadata"].get("nbgrader")
                cell["metadata"] = {"nbgrader": info} if info else {}
            notes.append("notebook and cell metadata of the wrong shape replaced")
        try:
            nbformat.validate(nbformat.from_dict(nb))
            return
        except nbformat.ValidationError as error:
            message = str(error.message).splitlines()[0][:100]
    raise Unreadable(f"not a notebook nbgrader can read: {message}")


def repair(nb: dict, release_nb: dict | None) -> list[str]:
    """Turn any notebook-shaped dict into a valid nbformat 4.5 notebook, in place; say what
    was changed that the trainer should know."""
    notes: list[str] = []
    release = {g: c for c in release_nb["cells"] if (g := _grade_id(c))} if release_nb else None
    order = list(release) if release else []
    for key in set(nb) - NOTEBOOK_KEYS:
        del nb[key]
    if not isinstance(nb.get("nbformat"), int):
        notes.append("notebook format version missing: read as nbformat 4")
    nb["nbformat"] = 4
    minor = nb.get("nbformat_minor")
    nb["nbformat_minor"] = max(minor if isinstance(minor, int) else 0, 5)
    if not isinstance(nb.get("metadata"), dict):
        notes.append("notebook metadata missing or of the wrong type: taken from the release")
        nb["metadata"] = copy.deepcopy(release_nb["metadata"]) if release_nb else {}
    cells = [c for c in nb["cells"] if isinstance(c, dict)]
    if len(cells) < len(nb["cells"]):
        notes.append(f"entries that were not cells removed: {len(nb['cells']) - len(cells)}")
    for n, cell in enumerate(cells, start=1):
        _fix_cell(cell, n, release, notes)
    notes += _dedupe(cells, release, order)
    nb["cells"] = cells
    if release_nb is not None:
        restored, tests_edited, others_edited = _restore_cells(nb, release_nb)
        if restored:
            notes.append("deleted cells put back: " + ", ".join(restored))
        if tests_edited:
            notes.append("edited test cells replaced by the real tests: " + ", ".join(tests_edited))
        if others_edited:
            notes.append("edited read-only cells replaced: " + ", ".join(others_edited))
    _fix_ids(nb["cells"])
    _validate(nb, release_nb, notes)
    return notes


def normalise(raw: bytes, release_nb: dict | None) -> tuple[dict, list[str], bool]:
    """``(notebook, notes, changed)`` from a file's bytes; raises :class:`Unreadable`."""
    nb, upgraded = read_notebook(raw)
    before = json.dumps(nb, sort_keys=True)
    notes = upgraded + repair(nb, release_nb)
    text = json.dumps(nb, ensure_ascii=False)
    if _SURROGATE.search(text):  # "\\ud800" escapes: text no UTF-8 file can hold
        nb = json.loads(_SURROGATE.sub("\ufffd", text))
        notes.append("characters UTF-8 cannot hold replaced with \ufffd")
    return nb, notes, bool(upgraded) or json.dumps(nb, sort_keys=True) != before


def _keep_original(course: Course, learner: str, assignment: Assignment, path: Path) -> None:
    """A copy of the learner's own file (never of what a link points to) in ``originals/``."""
    target = course.originals / learner / assignment.name / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not os.path.lexists(target):
        with contextlib.suppress(OSError):  # a link: refused when it is read for grading
            replace(target, read_own(path, course.root))


def _set_aside(course: Course, learner: str, assignment: Assignment, path: Path) -> None:
    """Move the file out of the submission (a move: a 2 GB file is not copied)."""
    target = course.originals / learner / assignment.name / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        path.unlink()
    else:
        shutil.move(path, target)


def _release(course: Course, assignment: Assignment) -> dict | None:
    path = course.release / assignment.name / assignment.notebook
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _why_unreadable(path: Path, release_nb: dict | None, root: Path) -> str | None:
    """Why a file cannot be graded, or None when it can (a link is never read)."""
    size = path.lstat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return f"too large: {megabytes(size)}, more than {megabytes(MAX_NOTEBOOK_BYTES)}"
    try:
        normalise(read_own(path, root, MAX_NOTEBOOK_BYTES), release_nb)
    except Unreadable as error:
        return str(error)
    except NotOwnFile as error:
        return f"{str(error).split(': ', 1)[-1]}, not the learner's own file: not read"
    except OSError as error:
        return f"cannot be opened ({error.strerror})"
    return None


def _set_aside_links(course: Course, learner: str, assignment: Assignment, folder: Path) -> list:
    """Move every link (symbolic or hard) and special file out of the submission folder.

    Nothing after intake (the sandbox's copy, nbgrader's, feedback) then meets a file
    that is not the learner's own. Moved, never followed: a link's target is not touched.
    """
    moved: list[str] = []
    if not folder.is_dir() or folder.is_symlink():
        return moved
    for parent, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(parent) / name
            info = path.lstat()
            if stat.S_ISDIR(info.st_mode):
                continue
            why = why_not_own(info)
            if why is None or path.name == assignment.notebook:
                continue  # the notebook itself is refused, with its reason, below
            target = course.originals / learner / assignment.name / "links"
            target = target / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(target):
                os.unlink(target)
            os.rename(path, target)
            moved.append(f"{path.relative_to(folder)} ({why})")
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(parent, d))]
    return moved


def _collect_notes(kept: Path) -> list[str]:
    path = kept / COLLECT_NOTES
    if not path.is_file():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_submission(course: Course, assignment: Assignment, learner: str) -> Intake:
    """Make ``submitted/<learner>/<assignment>/`` gradable; say what was done and why."""
    result = Intake(learner, assignment.name)
    folder = course.submitted / learner / assignment.name
    kept = course.originals / learner / assignment.name
    expected = folder / assignment.notebook
    from_collect = _collect_notes(kept)
    release_nb = _release(course, assignment)
    if not inside(expected, course.root):
        result.status = "unreadable"
        result.notes.append("the submission folder is a link to another folder: not read")
        return result
    links = _set_aside_links(course, learner, assignment, folder)
    if links:
        result.notes.append(
            "links and special files moved to originals/, not read: " + ", ".join(links[:10])
        )
    if expected.exists() and kept.is_dir():  # renamed on an earlier run: say so again
        for earlier in sorted(kept.glob("*.ipynb")):
            if earlier.name != expected.name:
                result.notes.append(f"notebook {earlier.name!r} renamed to {expected.name!r}")
    if not expected.exists():
        others = sorted(p for p in folder.glob("*.ipynb") if p.is_file()) if folder.is_dir() else []
        set_aside = kept / expected.name
        if set_aside.is_file() and not others:  # found unreadable on an earlier run
            why: str | None = _why_unreadable(set_aside, release_nb, course.root) or "set aside"
            result.status = "unreadable"
            result.notes.append(f"{expected.name} cannot be read ({why}); kept in originals/")
            result.notes += from_collect
            return result
        if len(others) == 1:
            _keep_original(course, learner, assignment, others[0])
            others[0].rename(expected)
            result.notes.append(f"notebook {others[0].name!r} renamed to {expected.name!r}")
        else:
            set_aside_by_collect = any(n.startswith("set aside") for n in from_collect)
            result.status = "unreadable" if set_aside_by_collect else "missing"
            if not set_aside_by_collect:
                found = (
                    ", ".join(p.name for p in sorted(folder.iterdir())) if folder.is_dir() else ""
                )
                result.notes.append(
                    f"no {expected.name} in the submission"
                    + (f" (found: {found})" if found else "")
                )
            result.notes += from_collect
            return result
    why = _why_unreadable(expected, release_nb, course.root)
    if why:
        _set_aside(course, learner, assignment, expected)
        result.status = "unreadable"
        result.notes.append(f"{expected.name} cannot be read ({why}); kept in originals/")
        result.notes += from_collect
        return result
    nb, notes, changed = normalise(read_own(expected, course.root), release_nb)
    if changed:
        _keep_original(course, learner, assignment, expected)
        text = json.dumps(nb, indent=1, ensure_ascii=False)
        replace(expected, text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").encode())
    elif (kept / expected.name).is_file():  # repaired on an earlier run: say so again
        try:
            _, notes, _ = normalise(read_own(kept / expected.name, course.root), release_nb)
        except (Unreadable, OSError):
            notes = []
    result.notes += notes + from_collect
    return result
