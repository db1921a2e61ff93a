"""A learner's notebook needs the core alone: install it without extras and run an exercise.

The package's wheel is built (``pip wheel``, as `make wheel` does) and installed by pip, not
editable and with no index, into a fresh virtual environment whose libraries are the core's
requirements alone, linked from the project's environment (``support.linked_environment``:
nothing is downloaded, pip checks each requirement is met); the setup cell and the visible
checks of a source exercise then run there, and none of the surfaces' libraries is present.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import linked_environment, requirement_closure

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "exercises/source/reading-performance-en/reading-performance.ipynb"
SURFACE_LIBRARIES = ("streamlit", "mkdocs", "nbgrader", "jupyter_book", "altair", "matplotlib")


def notebook_code(path: Path, upto: int) -> str:
    """Setup, answers (the solutions) and visible checks of the first ``upto`` questions."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith(("answer_q", "test_q")) and int(grade_id[-1]) > upto:
            break
        code.append(source.split("### BEGIN HIDDEN TESTS")[0])
    return "\n".join(code)


@pytest.mark.slow
def test_core_installs_alone_and_runs_an_exercise(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-q", "--wheel-dir", str(wheels), str(ROOT)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    python = linked_environment(tmp_path / "env", requirement_closure(["aimed"]) - {"aimed"})
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-index",
         "--find-links", str(wheels), "aimed"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr

    script = tmp_path / "exercise.py"
    script.write_text(
        "import importlib.util, aimed\n"
        f"assert 'site-packages' in aimed.__file__, aimed.__file__\n"
        f"present = [m for m in {SURFACE_LIBRARIES!r} if importlib.util.find_spec(m)]\n"
        "assert not present, f'surface libraries installed with the core: {present}'\n"
        + notebook_code(NOTEBOOK, upto=2)
        + "\nprint('exercise ran')\n",
        encoding="utf-8",
    )
    run = subprocess.run([str(python), str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "exercise ran" in run.stdout


def test_the_exercise_code_is_found() -> None:
    """The extraction above really holds the setup cell and two answered questions."""
    code = notebook_code(NOTEBOOK, upto=2)
    assert "from aimed.notebooks.helpers import" in code
    assert "answer_q1 = " in code and "answer_q2 = " in code
    assert "answer_q3" not in code and "HIDDEN" not in code
    assert sys.version_info >= (3, 11)
