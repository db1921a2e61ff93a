"""Learner versions of the exercises (nbgrader) and one zip per exercise and language.

The course site links to ``build/downloads/<assignment>.zip``; each zip holds the release
notebook, the core package as a wheel (``learner_wheel.py``) and a read-me in the zip's
language with the commands that install and run it on a machine with Python alone. Zips are
byte-for-byte reproducible.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from aimed.texts.i18n import t
from aimed.trainer.course import Assignment, Course, TrainerError, project_dir
from aimed.trainer.learner_wheel import ZIP_TIME, build_core_wheel, supported_pythons


def generate_releases(course: Course, names: list[str]) -> list[Path]:
    """Run nbgrader's generate_assignment for each assignment; return the release notebooks."""
    from aimed.trainer.metadata_check import release_steps
    from aimed.trainer.nbgrader_api import last_line, make_api

    api = make_api(course, **{"GenerateAssignment.preprocessors": release_steps()})
    made: list[Path] = []
    for name in names:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            reason = last_line(result.get("error"))
            raise TrainerError(f"nbgrader could not release {name}: {reason}")
        made.append(course.release / name / Assignment(name).notebook)
    return made


def exercise_title(notebook: Path) -> str:
    """The first heading of the exercise (after the shared header), for the read-me."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    headings = [
        "".join(c["source"]).splitlines()[0].lstrip("# ").strip()
        for c in cells
        if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("# ")
    ]
    return headings[1] if len(headings) > 1 else (headings[0] if headings else notebook.stem)


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_zip(course: Course, assignment: Assignment, downloads: Path, wheel: Path) -> Path:
    """``downloads/<assignment>.zip``: the release notebook, the core's wheel, a read-me."""
    notebook = course.release / assignment.name / assignment.notebook
    if not notebook.is_file():
        raise TrainerError(f"no release notebook at {notebook}: run 'aimed-trainer release'")
    lang = assignment.language
    readme = t(
        "trainer.zip_readme",
        lang,
        title=exercise_title(notebook),
        notebook=assignment.notebook,
        wheel=wheel.name,
        python=t("trainer.python_or", lang).join(supported_pythons()),
    )
    downloads.mkdir(parents=True, exist_ok=True)
    target = downloads / f"{assignment.name}.zip"
    with zipfile.ZipFile(target, "w") as archive:
        _add(archive, assignment.notebook, notebook.read_bytes())
        _add(archive, wheel.name, wheel.read_bytes())
        _add(archive, t("trainer.readme_name", lang), readme.encode("utf-8"))
    return target


def default_downloads(course: Course) -> Path:
    """``build/downloads/`` beside the course: where the site build picks the zips up."""
    return project_dir(course) / "build" / "downloads"


def release(
    course: Course, names: list[str] | None = None, downloads: Path | None = None
) -> list[Path]:
    """Generate the learner versions and their zips; return the zips' paths."""
    downloads = downloads or default_downloads(course)
    chosen = course.select(names)
    if not chosen:
        raise TrainerError(f"no exercise in {course.source}")
    generate_releases(course, [a.name for a in chosen])
    with tempfile.TemporaryDirectory(prefix="aimed-wheel-") as folder:
        wheel = build_core_wheel(Path(folder))  # once per release, the same bytes each time
        return [write_zip(course, a, Path(downloads), wheel) for a in chosen]
