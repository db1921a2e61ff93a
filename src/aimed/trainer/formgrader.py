"""nbgrader's formgrader, started for the trainer, with each written answer's rubric beside it.

The rubric (the source notebook's model answer and grading grid) is put, as a read-only
markdown cell, right after each written answer in the *autograded* notebooks: the copies
only the formgrader shows, never a learner. Feedback pages leave these cells out
(``RUBRIC_KEY``), and a regrade writes fresh autograded notebooks, which the next start of
the formgrader completes again.

JupyterLab serves the formgrader on 127.0.0.1 with a token, JupyterLab's news and update
checks off, ``--allow-root`` when the trainer works as root (a container, a lab machine).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from aimed.settings import JUPYTERLAB_OFFLINE
from aimed.texts.i18n import t
from aimed.trainer.course import Assignment, Course, TrainerError

RUBRIC_KEY = "aimed_rubric"  # cell metadata: a rubric for the grader, never for a learner


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rubrics(course: Course, assignment: Assignment) -> dict[str, str]:
    """``{grade id: model answer and grid}`` of the written answers of the source notebook."""
    path = course.source / assignment.name / assignment.notebook
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return {}
    found = {}
    for cell in cells:
        info = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "markdown" and info.get("solution") and info.get("grade"):
            found[info["grade_id"]] = "".join(cell.get("source", ""))
    return found


def add_rubrics(course: Course) -> int:
    """Put each written answer's rubric after it in every autograded notebook; the count of
    notebooks changed (a notebook that has them already is left as it is)."""
    changed = 0
    for assignment in course.assignments():
        rubrics = _rubrics(course, assignment)
        if not rubrics:
            continue
        title = t("trainer.formgrader_rubric", assignment.language)
        for path in sorted(course.autograded.glob(f"*/{assignment.name}/{assignment.notebook}")):
            if path.is_symlink() or not path.is_file():
                continue
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            cells = nb.get("cells", [])
            if any(c.get("metadata", {}).get(RUBRIC_KEY) for c in cells):
                continue
            out = []
            for cell in cells:
                out.append(cell)
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if cell.get("cell_type") == "markdown" and grade_id in rubrics:
                    out.append(
                        {
                            "cell_type": "markdown",
                            "id": f"rubric-{grade_id}"[:64],
                            "metadata": {RUBRIC_KEY: True, "editable": False, "deletable": False},
                            "source": f"> **{title}**\n\n{rubrics[grade_id]}",
                        }
                    )
            if len(out) != len(cells):
                nb["cells"] = out
                fresh = path.with_name(f".{path.name}.rubric")
                fresh.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
                fresh.replace(path)
                changed += 1
    return changed


@dataclass
class Formgrader:
    """A running formgrader: its process and the one address the trainer opens."""

    process: subprocess.Popen
    url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def command(course: Course, port: int, token: str) -> list[str]:
    """The JupyterLab command line that serves the formgrader for ``course``."""
    args = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={course.root}",
        f"--IdentityProvider.token={token}",
        *JUPYTERLAB_OFFLINE,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    return args


def start(course: Course, port: int = 0, token: str | None = None, wait: float = 120) -> Formgrader:
    """Start the formgrader; return once it answers (or stop with the server's last words)."""
    from aimed.trainer.grading import ensure_tools_on_path

    ensure_tools_on_path()
    add_rubrics(course)
    port = port or free_port()
    token = token or secrets.token_hex(24)
    log = course.root / ".formgrader.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command(course, port, token),
            cwd=course.root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/formgrader?token={token}"
    running = Formgrader(process, url)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            raise TrainerError("the formgrader did not start:\n" + "\n".join(lines[-8:]))
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2
            ):
                return running
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    running.stop()
    raise TrainerError(f"the formgrader did not answer within {wait:.0f} s (log: {log})")
