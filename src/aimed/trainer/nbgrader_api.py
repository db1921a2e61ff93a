"""nbgrader's API object for a course, and its errors in one plain line.

Apart from ``grading`` so that the grading workers, the release and the exports can use
nbgrader without importing the grading run (which imports the workers).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from aimed.trainer.course import Course, nbgrader_config

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = [
    "alembic_head",
    "ensure_tools_on_path",
    "head_read_in_process",
    "last_line",
    "log_and_error",
    "make_api",
]


def ensure_tools_on_path() -> None:
    """nbgrader runs ``alembic`` as a program: make this Python's scripts folder findable."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def head_read_in_process() -> None:
    """nbgrader runs ``alembic heads`` in a new Python for every new gradebook, to learn the
    last of its own migrations (about 3 s: that Python imports nbgrader again). Read it in
    this process instead, once, from the same migration scripts."""
    import nbgrader.api

    nbgrader.api.get_alembic_version = alembic_head


@functools.cache
def alembic_head() -> str:
    """The head revision of nbgrader's migrations, as ``alembic heads`` prints it first."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    heads = ScriptDirectory(ALEMBIC_DIR).get_heads()
    if len(heads) != 1:  # nbgrader's own code would take the first line; say it instead
        raise RuntimeError(f"nbgrader's migrations have {len(heads)} heads: {heads}")
    return heads[0]


def make_api(course: Course, **overrides: object) -> NbGraderAPI:
    """nbgrader's API object for ``course`` (imported late: nbgrader is slow to import)."""
    ensure_tools_on_path()
    head_read_in_process()
    from nbgrader.apps import NbGraderAPI
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own, harmless

    return NbGraderAPI(config=nbgrader_config(course, **overrides))


_EXCEPTION_LINE = re.compile(r"^\s*([\w.]+(?:Error|Exception|Interrupt)): (.*)$")
_PLAIN_WORDS = {
    "DeadKernelError": "the notebook's code ended Python (os._exit, a crash, or out of memory)",
    "CellTimeoutError": "a cell did not answer within the time limit",
}


def last_line(text: str | None) -> str:
    """The most telling line of nbgrader's log or traceback, in plain words where known."""
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    causes = [m for m in map(_EXCEPTION_LINE.match, lines) if m and "NbGraderException" not in m[1]]
    if causes:
        name, message = causes[-1][1].rsplit(".", 1)[-1], causes[-1][2]
        return _PLAIN_WORDS.get(name, f"{name}: {message}")
    return lines[-1].strip() if lines else "unknown error"


def log_and_error(result: Mapping[str, object]) -> str:
    """nbgrader's log and error of one failed call, as one text to read the cause from."""
    return f"{result.get('log', '')}\n{result.get('error', '')}"
