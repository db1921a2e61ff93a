"""Checks and repairs a submission before grading, so one learner's file never stops the run.

What each kind of broken submission gets (also in exercises/README.md):

- notebook saved under another name (``reading-performance (1).ipynb``): renamed, graded;
- no notebook at all: nbgrader gives 0, reported as ``missing``;
- a file that is not JSON or not a notebook: set aside in ``originals/``, 0, ``unreadable``;
- deleted answer or test cells: put back from the release version, then graded as usual;
- edited test cells: nbgrader overwrites them with the real tests (reported as ``tampered``).

The learner's file as received is kept in ``originals/<learner>/<assignment>/`` whenever it
is changed or set aside.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from aimed.trainer.course import Assignment, Course


@dataclass
class Intake:
    """What the check found for one learner's assignment."""

    learner: str
    assignment: str
    status: str = "ok"  # ok | missing | unreadable
    notes: list[str] = field(default_factory=list)


def _grade_id(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _keep_original(course: Course, learner: str, assignment: Assignment, path: Path) -> None:
    target = course.originals / learner / assignment.name / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copy2(path, target)


def _restore_cells(submitted: dict, release: dict) -> tuple[list[str], list[str]]:
    """Put back cells of the release that the learner deleted; list the test cells edited."""
    present = {_grade_id(c): i for i, c in enumerate(submitted["cells"]) if _grade_id(c)}
    restored: list[str] = []
    tampered: list[str] = []
    last_index = -1
    for cell in release["cells"]:
        grade_id = _grade_id(cell)
        if not grade_id:
            continue
        if grade_id in present:
            last_index = present[grade_id]
            mine = submitted["cells"][last_index]
            info = cell["metadata"]["nbgrader"]
            if info.get("locked") and "".join(mine.get("source", "")) != "".join(cell["source"]):
                tampered.append(grade_id)
            continue
        info = cell["metadata"]["nbgrader"]
        if not (info.get("grade") or info.get("solution")):
            continue  # a read-only text cell: nothing to grade, nothing to restore
        copy = json.loads(json.dumps(cell))
        last_index += 1
        submitted["cells"].insert(last_index, copy)
        present = {_grade_id(c): i for i, c in enumerate(submitted["cells"]) if _grade_id(c)}
        restored.append(grade_id)
    return restored, tampered


def check_submission(course: Course, assignment: Assignment, learner: str) -> Intake:
    """Make ``submitted/<learner>/<assignment>/`` gradable; say what was done and why."""
    result = Intake(learner, assignment.name)
    folder = course.submitted / learner / assignment.name
    expected = folder / assignment.notebook
    set_aside = course.originals / learner / assignment.name / assignment.notebook
    if not expected.exists() and set_aside.is_file() and not list(folder.glob("*.ipynb")):
        result.status = "unreadable"  # found so on an earlier run and set aside then
        result.notes.append(f"{expected.name} cannot be read; kept in originals/")
        return result
    kept = course.originals / learner / assignment.name
    if expected.exists() and kept.is_dir():  # renamed on an earlier run: say so again
        for earlier in sorted(kept.glob("*.ipynb")):
            if earlier.name != expected.name:
                result.notes.append(f"notebook {earlier.name!r} renamed to {expected.name!r}")
    if not expected.exists():
        others = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
        if len(others) == 1:
            _keep_original(course, learner, assignment, others[0])
            others[0].rename(expected)
            result.notes.append(f"notebook {others[0].name!r} renamed to {expected.name!r}")
        else:
            result.status = "missing"
            found = ", ".join(p.name for p in sorted(folder.iterdir())) if folder.is_dir() else ""
            result.notes.append(
                f"no {expected.name} in the submission" + (f" (found: {found})" if found else "")
            )
            return result
    try:
        submitted = json.loads(expected.read_text(encoding="utf-8"))
        if not isinstance(submitted, dict) or not isinstance(submitted.get("cells"), list):
            raise ValueError("a JSON file, but not a notebook")
        nbformat.reads(json.dumps(submitted), as_version=4)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        _keep_original(course, learner, assignment, expected)
        expected.unlink()
        result.status = "unreadable"
        reason = "not valid JSON" if isinstance(error, json.JSONDecodeError) else str(error)
        result.notes.append(f"{expected.name} cannot be read ({reason}); kept in originals/")
        return result
    release_path = course.release / assignment.name / assignment.notebook
    if release_path.is_file():
        release = json.loads(release_path.read_text(encoding="utf-8"))
        restored, tampered = _restore_cells(submitted, release)
        if restored:
            _keep_original(course, learner, assignment, expected)
            expected.write_text(json.dumps(submitted, indent=1), encoding="utf-8")
        elif (kept / expected.name).is_file():  # repaired on an earlier run: say so again
            try:
                as_received = json.loads((kept / expected.name).read_text(encoding="utf-8"))
                restored, _ = _restore_cells(as_received, release)
            except (ValueError, KeyError, TypeError):
                restored = []
        if restored:
            result.notes.append("deleted cells put back: " + ", ".join(restored))
        if tampered:
            replaced = ", ".join(tampered)
            result.notes.append(f"edited test cells replaced by the real tests: {replaced}")
    return result
