"""Where a course's folders are, which exercises it has, and nbgrader's settings for it.

An nbgrader course folder holds ``nbgrader_config.py``, ``source/<assignment>/`` and, once
the cycle runs, ``release/``, ``submitted/``, ``autograded/``, ``feedback/`` and the gradebook.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from aimed.texts.i18n import LANGUAGES

COURSE_ENV = "AIMED_COURSE"
CONFIG_NAME = "nbgrader_config.py"
LEARNER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class TrainerError(Exception):
    """A problem the trainer can fix (a missing folder, an unknown exercise); no traceback."""


@dataclass(frozen=True)
class Assignment:
    """One nbgrader assignment: an exercise in one language."""

    name: str

    @property
    def exercise(self) -> str:
        return self.name.rsplit("-", 1)[0]

    @property
    def language(self) -> str:
        suffix = self.name.rsplit("-", 1)[-1]
        return suffix if suffix in LANGUAGES else "en"

    @property
    def notebook(self) -> str:
        """Notebook file name inside the assignment folder (the same in both languages)."""
        return f"{self.exercise}.ipynb"


@dataclass(frozen=True)
class Course:
    """An nbgrader course folder and the paths the trainer's steps read and write."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def originals(self) -> Path:
        """Learners' files set aside before grading (unreadable, renamed or repaired)."""
        return self.root / "originals"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def assignments(self) -> list[Assignment]:
        """Every assignment with a source folder holding a notebook, in name order."""
        if not self.source.is_dir():
            return []
        return [
            Assignment(path.name)
            for path in sorted(self.source.iterdir())
            if path.is_dir() and any(path.glob("*.ipynb"))
        ]

    def select(self, names: list[str] | None) -> list[Assignment]:
        """Assignments named by the trainer: an assignment, or an exercise id (both languages)."""
        known = self.assignments()
        if not names:
            return known
        chosen: list[Assignment] = []
        for name in names:
            matches = [a for a in known if name in (a.name, a.exercise)]
            if not matches:
                listed = ", ".join(a.name for a in known) or "none"
                raise TrainerError(f"unknown exercise {name!r}; this course has: {listed}")
            chosen += [a for a in matches if a not in chosen]
        return chosen

    def learners(self) -> list[str]:
        """Learner ids with a folder in ``submitted/``."""
        if not self.submitted.is_dir():
            return []
        return sorted(p.name for p in self.submitted.iterdir() if p.is_dir())

    def db_url(self) -> str:
        """The gradebook: ``AIMED_GRADEBOOK_URL`` if set, else SQLite in the course folder."""
        return os.environ.get("AIMED_GRADEBOOK_URL") or f"sqlite:///{self.gradebook}"

    def uses_sqlite(self) -> bool:
        return self.db_url().startswith("sqlite:")


def default_course_dir(start: Path | None = None) -> Path:
    """The course a command means when none is named.

    ``AIMED_COURSE`` if set; otherwise the first folder, from ``start`` (the working
    directory) upwards, that is a course or holds one in ``exercises/``. Found from where the
    trainer works, never from where this package is installed.
    """
    if os.environ.get(COURSE_ENV):
        return Path(os.environ[COURSE_ENV]).expanduser().resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for candidate in (folder, folder / "exercises"):
            if (candidate / CONFIG_NAME).is_file():
                return candidate
    return here / "exercises"


def project_dir(course: Course) -> Path:
    """Where ``build/`` goes: the repository, for its ``exercises/`` (a site beside it reads
    the zips there); for any other course, the course folder itself, wherever it is run from."""
    parent = course.root.parent
    return parent if (parent / "mkdocs.yml").is_file() else course.root


def open_course(root: Course | Path | str | None = None) -> Course:
    """The course at ``root`` (default: :func:`default_course_dir`); checks it is one."""
    if isinstance(root, Course):
        return root
    path = Path(root).expanduser().resolve() if root else default_course_dir()
    if not path.is_dir():
        raise TrainerError(f"no course folder at {path}")
    if not (path / CONFIG_NAME).is_file():
        raise TrainerError(f"{path} is not a course folder: it has no {CONFIG_NAME}")
    return Course(path)


def nbgrader_config(course: Course, **overrides: object) -> Config:
    """The course's ``nbgrader_config.py`` with its root and gradebook pinned to ``course``.

    ``overrides`` are ``"Section.trait"`` names, e.g. ``{"Execute.timeout": 5}``.
    """
    config = PyFileConfigLoader(CONFIG_NAME, path=str(course.root)).load_config()
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.db_url = course.db_url()
    header = course.source / "header.ipynb"
    if header.is_file():
        config.IncludeHeaderFooter.header = str(header)
    for dotted, value in overrides.items():
        section, trait = dotted.split(".", 1)
        setattr(config[section], trait, value)
    return config
