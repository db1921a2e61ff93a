"""The platform's wheel, installed in a clean environment outside the repository, runs alone.

The wheel is built as `make wheel` builds it (exercises released first, then
``pip wheel --no-deps``) from a copy of the repository's files, so the working tree is never
written to. It must hold the learner-facing course and no solution or hidden test.

The clean environment: a new virtual environment in a temporary folder, with the wheel
installed by pip, ``pip install --no-index 'aimed[all]'``. Its third-party libraries are the
ones already installed for the project: a ``.pth`` file points at a folder of links to the
project environment's packages, every ``aimed`` entry left out
(``support.linked_environment``), so nothing is downloaded (this runs with no network) while
pip still checks that every dependency of every extra is there, and ``aimed`` itself can only
come from the wheel. Jupyter's data files (JupyterLab's pages) and the libraries' programs
(nbgrader runs ``alembic``) are linked in the same way, since they live beside a package, not
inside it.

From a folder outside the repository, ``aimed serve`` then builds and serves the course the
wheel ships (site, sandbox, exercises: each answers on loopback), and
``aimed trainer release --course DIR`` releases a copy of the repository's exercises.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from aimed.servers.sandbox import free_port
from support import linked_environment

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = (b"BEGIN SOLUTION", b"BEGIN HIDDEN TESTS", b"BEGIN MARK SCHEME")


def run(command: list[str], cwd: Path, env: dict | None = None, timeout: float = 1200) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def clean_environment() -> dict[str, str]:
    """This process's environment without any AIMED_* setting or the repository on a path."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIMED_", "PYTEST_", "PYTHONPATH", "VIRTUAL_ENV"))
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the repository's files after releasing the exercises."""
    base = tmp_path_factory.mktemp("wheel-build")
    copy = base / "aimed"
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    run([sys.executable, "-m", "aimed.cli", "trainer", "release"], copy, clean_environment())
    out = base / "dist"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(out), str(copy)],
        base,
        clean_environment(),
    )  # fmt: skip
    (built,) = out.glob("aimed-*.whl")
    return built


def test_the_wheel_holds_the_course_and_no_solution(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        contents = {name: archive.read(name) for name in names}
    for needed in (
        "aimed/cli.py",
        "aimed/settings.py",
        "aimed/servers/launcher.py",
        "aimed/servers/streamlit.toml",
        "aimed/sandbox/streamlit_app.py",
        "aimed/site/plugin.py",
        "aimed/_course/mkdocs.yml",
        "aimed/_course/course/index.md",
        "aimed/_course/course/index.fr.md",
    ):
        assert needed in names, needed
    prefix = "aimed/_course/exercises/release/"
    released = {n.split("/")[4] for n in names if n.startswith(prefix)}
    sources = {p.name for p in (ROOT / "exercises" / "source").iterdir() if p.is_dir()}
    assert released == sources, "every exercise, released, in both languages"
    zips = {n for n in names if n.startswith("aimed/_course/build/downloads/")}
    assert {Path(n).stem for n in zips} == sources
    assert not [n for n in names if "/source/" in n or n.startswith("aimed/_course/exercises/s")]
    # the course, its zips and any notebook; the trainer's code names the markers, of course
    for name, data in contents.items():
        if not (name.startswith("aimed/_course/") or name.endswith(".ipynb")):
            continue
        members = [data]
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                members = [inner.read(member) for member in inner.namelist()]
        for member in members:
            assert not any(marker in member for marker in FORBIDDEN), name


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``aimed`` command of a clean environment holding the wheel (see the module's doc)."""
    base = tmp_path_factory.mktemp("clean-env")
    env = base / "env"
    python = linked_environment(env)
    # the libraries' programs too (nbgrader runs `alembic` from the interpreter's folder)
    for program in (Path(sys.prefix) / "bin").iterdir():
        ours_only = program.name.startswith(("python", "pip", "activate", "Activate", "aimed"))
        if not ours_only and not (env / "bin" / program.name).exists():
            (env / "bin" / program.name).symlink_to(program)
    for data in ("share/jupyter", "etc/jupyter"):
        if (Path(sys.prefix) / data).is_dir():
            (env / data).parent.mkdir(parents=True, exist_ok=True)
            (env / data).symlink_to(Path(sys.prefix) / data)
    probe = run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('aimed'))"], base
    )
    assert probe.strip() == "None", "aimed must come from the wheel only"
    run(
        [str(python), "-m", "pip", "install", "--no-index", "--find-links", str(wheel.parent),
         "aimed[all]"],
        base,
        clean_environment(),
    )  # fmt: skip
    return env / "bin" / "aimed"


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status


def test_aimed_serve_serves_the_shipped_course_from_outside_the_repository(
    installed: Path, tmp_path: Path
) -> None:
    where = tmp_path / "learner"
    where.mkdir()
    ports = {"site": free_port(), "sandbox": free_port(), "lab": free_port()}
    command = [str(installed), "serve", "--no-open"]
    for name, port in ports.items():
        command += [f"--{name}-port", str(port)]
    process = subprocess.Popen(
        command,
        cwd=where,
        env=clean_environment() | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 1200  # the site is built first, then the servers start
        while "Ready." not in "".join(lines):
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.5)
        output = "".join(lines)
        assert "aimed/_course" in output, "the course the wheel ships"
        login = next(line.split()[-1] for line in lines if line.startswith("Exercises:"))
        assert get(f"http://127.0.0.1:{ports['site']}/") == 200
        assert get(f"http://127.0.0.1:{ports['site']}/fr/") == 200
        assert get(f"http://127.0.0.1:{ports['sandbox']}/_stcore/health") == 200
        assert get(f"http://127.0.0.1:{ports['sandbox']}/") == 200
        assert get(login) == 200, "the exercise server, logged in with the printed address"
        assert (where / "build" / "site" / "modules").is_dir(), "built where it was started"
        assert (where / "workspace").is_dir(), "the learner's copies go where it was started"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert process.returncode == 0, "".join(lines)


def test_aimed_trainer_release_works_on_a_copy_of_the_exercises(
    installed: Path, tmp_path: Path
) -> None:
    course = tmp_path / "exercises"
    shutil.copytree(
        ROOT / "exercises",
        course,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", "*.log"
        ),
    )
    downloads = tmp_path / "downloads"
    run(
        [str(installed), "trainer", "release", "--course", str(course), "--downloads",
         str(downloads)],
        tmp_path,
        clean_environment(),
    )  # fmt: skip
    sources = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    assert sorted(p.name for p in (course / "release").iterdir()) == sources
    assert sorted(p.stem for p in downloads.glob("*.zip")) == sources
