"""A built wheel carries the learner-facing course, so `aimed serve` runs from it anywhere.

Everything else is declared in pyproject.toml. When a wheel is built (never for an editable
install, which reads the repository itself), ``build_py`` copies into ``aimed/_course/``, in
the repository's own layout: mkdocs.yml, course/ (pages, the course manifest, assets),
exercises/release/ (learner versions, made by ``aimed trainer release``), build/downloads/
(their zips) and the site folders mkdocs.yml names relative to itself (site/overrides,
includes, references). Solutions and hidden tests never go in: exercises/source/ is
not copied, and a released file that still holds a solution or hidden-test marker stops the
build. ``make wheel`` releases the exercises first.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = (
    "pyproject.toml",  # the version and the core's dependencies, for the learners' zips
    "mkdocs.yml",
    "course",
    "exercises/release",
    "build/downloads",
    # what mkdocs.yml names relative to itself (theme overrides, abbreviations, references)
    "site/overrides",
    "site/includes",
    "site/references",
)
# nbgrader's markers of what the learner must not see; none may survive the release
FORBIDDEN = (b"BEGIN SOLUTION", b"BEGIN HIDDEN TESTS", b"BEGIN MARK SCHEME")


class BuildWithCourse(build_py):
    """``build_py`` plus the learner-facing course in ``aimed/_course/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        missing = [name for name in SHIPPED if not (ROOT / name).exists()]
        if missing:
            # A plain `pip install .` from a clone: the package without the shipped course
            # (`aimed serve` then needs --course); `make wheel` releases the exercises first.
            self.warn(
                f"the wheel carries no course: {', '.join(missing)} missing; "
                "run `make wheel` for a wheel that serves the course"
            )
            return
        target = Path(self.build_lib) / "aimed" / "_course"
        shutil.rmtree(target, ignore_errors=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
        for name in SHIPPED:
            source, copy = ROOT / name, target / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, copy, ignore=ignore)
            else:
                shutil.copy2(source, copy)
        for path in sorted(p for p in target.rglob("*") if p.is_file()):
            if any(m in data for data in _contents(path) for m in FORBIDDEN):
                where = path.relative_to(target)
                raise SystemExit(f"refusing to ship {where}: it holds a solution or hidden test")


def _contents(path: Path) -> list[bytes]:
    """A file's bytes; a zip's, each of its members'."""
    if path.suffix != ".zip":
        return [path.read_bytes()]
    with zipfile.ZipFile(path) as archive:
        return [archive.read(name) for name in archive.namelist()]


setup(cmdclass={"build_py": BuildWithCourse})
