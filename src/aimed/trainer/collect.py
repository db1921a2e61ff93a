"""Bring learners' submissions into ``submitted/<learner>/<assignment>/``.

Accepted, as a folder or as the single zip a learning platform exports:

- a folder per learner (``Alice Martin/reading-performance.ipynb``, any depth);
- Moodle's export, a folder per learner named ``Full Name_123_assignsubmission_file_``;
- a flat folder of notebooks, one per learner (``alice.ipynb``, or Canvas's
  ``martinalice_123_456_reading-performance.ipynb``).

Learner ids are made from the names (``Éloïse Durand_17`` -> ``eloise-durand-17``); the
names are kept in ``learners.csv`` beside the gradebook.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from aimed.trainer.course import Assignment, Course, TrainerError

MOODLE_SUFFIX = re.compile(r"_(assignsubmission|onlinetext)_[a-z]*_?$")
CANVAS_PREFIX = re.compile(r"^(?P<name>[^_]+)_(?:late_)?(?P<user>\d+)_\d+_")
MAX_UNZIPPED = 200 * 1024 * 1024
SKIPPED = {".ipynb_checkpoints", "__MACOSX", ".DS_Store"}


@dataclass(frozen=True)
class Collected:
    """One learner's submission as collected."""

    learner: str
    name: str
    files: tuple[str, ...]
    note: str = ""


def learner_id(name: str) -> str:
    """A folder-safe id from a learner's name: ascii, lower case, hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:64] or "learner"


def _safe_extract(archive: Path, target: Path) -> None:
    """Unzip without letting an entry escape ``target`` or fill the disk."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            total = sum(info.file_size for info in zipped.infolist())
            if total > MAX_UNZIPPED:
                raise TrainerError(f"{archive.name} unzips to more than 200 MB: refused")
            for info in zipped.infolist():
                parts = PurePosixPath(info.filename.replace("\\", "/")).parts
                if info.is_dir() or not parts or parts[0] == "/" or ".." in parts:
                    continue
                if any(part in SKIPPED or part.startswith("._") for part in parts):
                    continue
                destination = target.joinpath(*parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except zipfile.BadZipFile:
        raise TrainerError(f"{archive} is not a zip file (or it is damaged)") from None


def _entries(root: Path) -> dict[str, tuple[str, list[Path]]]:
    """``{learner id: (name, files)}`` found in an unpacked export."""
    found: dict[str, tuple[str, list[Path]]] = {}
    children = [p for p in sorted(root.iterdir()) if p.name not in SKIPPED]
    # An export zipped with one enclosing folder: look inside it.
    if len(children) == 1 and children[0].is_dir() and not MOODLE_SUFFIX.search(children[0].name):
        inner = [p for p in children[0].iterdir() if p.name not in SKIPPED]
        if inner and all(p.is_dir() for p in inner):
            children = sorted(inner)
    for child in children:
        if child.is_dir():
            name = MOODLE_SUFFIX.sub("", child.name)
            files = [
                p
                for p in sorted(child.rglob("*"))
                if p.is_file() and not (set(p.relative_to(child).parts) & SKIPPED)
            ]
            display = re.sub(r"_\d+$", "", name)
        elif child.suffix == ".ipynb":
            match = CANVAS_PREFIX.match(child.name)
            name = f"{match['name']}_{match['user']}" if match else child.stem
            display = match["name"] if match else child.stem
            files = [child]
        else:
            continue
        learner = base = learner_id(name)
        n = 1
        while learner in found:  # two learners with the same name: never merge their files
            n += 1
            learner = f"{base}-{n}"
        found[learner] = (display, files)
    return found


def _store(course: Course, assignment: Assignment, learner: str, files: list[Path]) -> str:
    folder = course.submitted / learner / assignment.name
    if folder.exists():
        shutil.rmtree(folder)
    earlier = course.originals / learner / assignment.name
    if earlier.exists():  # set aside from a previous collection: no longer this submission
        shutil.rmtree(earlier)
    folder.mkdir(parents=True)
    notebooks = [f for f in files if f.suffix == ".ipynb"]
    note = ""
    if len(notebooks) == 1 and notebooks[0].name != assignment.notebook:
        note = f"{notebooks[0].name} saved as {assignment.notebook}"
        shutil.copyfile(notebooks[0], folder / assignment.notebook)
        files = [f for f in files if f != notebooks[0]]
    for file in files:
        target = folder / file.name
        if not target.exists():
            shutil.copyfile(file, target)
    if not notebooks:
        note = "no notebook in this submission"
    return note


def _save_names(course: Course, collected: list[Collected]) -> None:
    path = course.root / "learners.csv"
    names: dict[str, str] = {}
    if path.is_file():
        with path.open(newline="", encoding="utf-8") as handle:
            names = {row["learner"]: row["name"] for row in csv.DictReader(handle)}
    names.update({c.learner: c.name for c in collected})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", "name"])
        writer.writerows(sorted(names.items()))


def collect(course: Course, assignment: Assignment, source: Path) -> list[Collected]:
    """Copy every learner's files for ``assignment`` from ``source`` (a folder or a zip)."""
    source = Path(source).expanduser()
    if not source.exists():
        raise TrainerError(f"nothing at {source}: give a folder or a zip of submissions")
    with tempfile.TemporaryDirectory(prefix="aimed-collect-") as scratch:
        root = source
        if source.is_file():
            if source.suffix.lower() != ".zip" and not zipfile.is_zipfile(source):
                raise TrainerError(f"{source} is neither a folder nor a zip file")
            root = Path(scratch)
            _safe_extract(source, root)
        entries = _entries(root)
        if not entries:
            raise TrainerError(f"no submission found in {source}")
        collected = [
            Collected(
                learner,
                name,
                tuple(f.name for f in files),
                _store(course, assignment, learner, files),
            )
            for learner, (name, files) in sorted(entries.items())
        ]
    _save_names(course, collected)
    return collected
