"""The trainer's guide: every source notebook, executed, with solutions and rubrics.

jupyter-book 1.x (Sphinx) builds it offline; jupyter-book 2 fetches its theme from the
web at build time, so the project pins ``jupyter-book<2``. The book's settings and
introduction live in ``exercises/guide/``; the table of contents is made from the
course's assignments at each build, so a new exercise appears without editing it.

The notebooks are executed before jupyter-book renders them (its own execution is off in
``_config.yml``), one after the other in one kernel, its names cleared and its folder changed
before each (``%reset -f``, ``%cd``), as a learner's "Run All" starts: one kernel start and
one import of the libraries instead of one per notebook. Every notebook sets its language
and imports what it uses in its first cell, so none depends on the one before; each also
runs alone in the grading and exercise tests.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

from aimed.course_manifest import MANIFEST_NAME, ManifestError, load_manifest
from aimed.trainer.course import Course, TrainerError, project_dir
from aimed.trainer.release import exercise_title

_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END) SOLUTION\s*$|^\s*=+\s*(BEGIN|END) MARK SCHEME\s*=+\s*$")
_OFF_HOST = re.compile(
    r"<(?:script|img)\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def _for_trainers(notebook: dict, lang: str = "en") -> dict:
    """Show where each answer, rubric and grade sits, in words rather than nbgrader markers,
    in the notebook's language."""
    from aimed.texts.i18n import t
    from aimed.texts.numbers import plain

    for cell in notebook["cells"]:
        info = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "markdown" or not info.get("solution"):
            continue
        lines = [line for line in "".join(cell["source"]).splitlines() if not _MARKER.match(line)]
        points = plain(float(info.get("points", 0) or 0), lang)
        banner = "> **" + t("trainer.guide_banner", lang, points=points) + "**"
        cell["source"] = "\n".join([banner, "", *lines])
    return notebook


def course_module(notebook: Path) -> int | None:
    """The course module an exercise belongs to (notebook metadata ``aimed.module``)."""
    meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    number = meta.get("aimed", {}).get("module") if isinstance(meta.get("aimed"), dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def manifest_modules(course: Course) -> dict[str, int]:
    """Exercise -> its module's number in the course manifest beside the exercises, if any."""
    path = project_dir(course) / "course" / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        manifest = load_manifest(path)
    except ManifestError as error:
        raise TrainerError(str(error)) from error
    return {module.exercise: module.number for module in manifest.modules if module.exercise}


def _caption(title: str, module: int | None) -> str:
    return f"Module {module}: {title}" if module else title


def stage(course: Course, folder: Path, settings: Path | None = None) -> Path:
    """Lay out the book's sources in ``folder``: settings, introduction, notebooks, contents.

    ``settings`` defaults to the course's ``guide/`` folder.
    """
    settings = settings or course.root / "guide"
    if not (settings / "_config.yml").is_file():
        raise TrainerError(f"no guide settings at {settings / '_config.yml'}")
    for item in settings.iterdir():
        if item.is_file():
            shutil.copy2(item, folder / item.name)
    parts: dict[str, list[dict]] = {}
    titles: dict[str, str] = {}
    modules: dict[str, int | None] = {}
    numbers = manifest_modules(course)  # the course's order; else each notebook's metadata
    for assignment in course.assignments():
        source = course.source / assignment.name / assignment.notebook
        target = folder / assignment.name / assignment.notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = _for_trainers(
            json.loads(source.read_text(encoding="utf-8")), assignment.language
        )
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")
        for extra in source.parent.iterdir():  # data files an exercise reads
            if extra.is_file() and extra.suffix != ".ipynb":
                shutil.copy2(extra, target.parent / extra.name)
        parts.setdefault(assignment.exercise, []).append(
            {"file": f"{assignment.name}/{assignment.notebook.removesuffix('.ipynb')}"}
        )
        if assignment.language == "en" or assignment.exercise not in titles:
            titles[assignment.exercise] = exercise_title(source)
            modules[assignment.exercise] = numbers.get(assignment.exercise) or course_module(source)
    if not parts:
        raise TrainerError(f"no exercise in {course.source}")
    toc = {
        "format": "jb-book",
        "root": "intro",
        "parts": [
            {"caption": _caption(titles[exercise], modules[exercise]), "chapters": parts[exercise]}
            for exercise in sorted(parts, key=lambda e: (modules[e] or 99, e))
        ],
    }
    (folder / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return folder


def off_host_loads(site: Path) -> list[str]:
    """Every script, style sheet or image in the built pages that would load from the web."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for match in _OFF_HOST.finditer(page.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{page.relative_to(site)}: {match.group(0)}")
    return found


_STEP = re.compile(r"\[\s*\d+%\]|Executing|executing")
_RESET = "%reset -f\n%cd {folder!r}"


def execute_in_one_kernel(
    notebooks: list[Path], timeout: int, say: Callable[[str], None] | None = None
) -> None:
    """Execute each notebook in place, in turn, in one kernel (see the module's text).

    A cell that fails stops with the notebook's name and the error, as jupyter-book's
    ``allow_errors: false`` would; ``timeout`` is each cell's limit, in seconds.
    """
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    say = say or (lambda line: None)
    # Unix sockets in a folder of this user's, not TCP on loopback, which every user of a
    # shared machine can reach.
    sockets = Path(tempfile.mkdtemp(prefix="aimed-kernel-"))
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "kernel"))
    kernel.start_kernel()
    try:
        for number, path in enumerate(notebooks, start=1):
            say(f"executing {number}/{len(notebooks)}: {path.parent.name}/{path.name}")
            notebook = nbformat.read(path, as_version=4)
            fresh = nbformat.v4.new_code_cell(_RESET.format(folder=str(path.parent)))
            notebook.cells.insert(0, fresh)
            try:
                NotebookClient(notebook, km=kernel, timeout=timeout, allow_errors=False).execute()
            except (CellExecutionError, CellTimeoutError) as error:
                raise TrainerError(
                    f"{path.parent.name}/{path.name}: a cell failed:\n{error}"
                ) from error
            del notebook.cells[0]
            nbformat.write(notebook, path)
    finally:
        kernel.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)


def build_guide(
    course: Course, out_dir: Path | None = None, say: Callable[[str], None] | None = None
) -> Path:
    """Build the guide into ``out_dir`` (default ``build/guide/``); ``index.html`` opens offline.

    ``say`` receives a line per step (the build takes a while: every notebook is executed).
    """
    from aimed.trainer.grading import ensure_tools_on_path

    ensure_tools_on_path()
    say = say or (lambda line: None)
    out_dir = Path(out_dir or project_dir(course) / "build" / "guide")
    with tempfile.TemporaryDirectory(prefix="aimed-guide-") as scratch:
        book = Path(scratch) / "book"
        book.mkdir()
        stage(course, book)
        count = len(course.assignments())
        say(f"building the trainer's guide: {count} notebooks to execute, then the pages")
        config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8")) or {}
        timeout = int((config.get("execute") or {}).get("timeout", 120))
        staged = [book / a.name / a.notebook for a in course.assignments()]
        execute_in_one_kernel(staged, timeout, say)
        command = [
            sys.executable,
            "-c",
            "from jupyter_book.cli.main import main; main()",
            "build",
            str(book),
            "--path-output",
            str(Path(scratch) / "out"),
            "--all",
        ]
        lines: list[str] = []
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as build:
            assert build.stdout is not None
            for line in build.stdout:
                lines.append(line)
                if _STEP.search(line):
                    say(line.strip())
        output = "".join(lines)
        html = Path(scratch) / "out" / "_build" / "html"
        failed = "Execution Failed" in output or build.returncode != 0
        if failed or not (html / "index.html").is_file():
            log = output.strip().splitlines()[-15:]
            raise TrainerError("the guide did not build:\n" + "\n".join(log))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(html, out_dir)
    leaks = off_host_loads(out_dir)
    if leaks:
        raise TrainerError("the guide would load files from the web:\n" + "\n".join(leaks[:10]))
    return out_dir / "index.html"
