"""A physician alone can run a downloaded exercise: the zip carries what Python needs.

The zips are released from a copy of the course; each one is unzipped into its own folder. A
clean virtual environment gets what one zip holds (the core's wheel; every zip carries the
same bytes), installed by pip with no index: its libraries are the core's requirements and
what runs a notebook (nbclient, ipykernel), linked from the project's environment
(``support.linked_environment``: nothing is downloaded, pip checks each requirement is met,
and no other library is there).
Each release notebook then runs there with the source's answers filled in, and with a
percentage typed for a proportion, where the visible check answers in the notebook's
language.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from aimed.notebooks import helpers as helpers
from aimed.texts.i18n import t
from aimed.trainer.learner_wheel import build_core_wheel, core_files, project_root
from aimed.trainer.synthetic import solutions
from support import linked_environment, requirement_closure, told

ROOT = Path(__file__).resolve().parents[2]
SURFACES = ("streamlit", "mkdocs", "nbgrader", "jupyter_book", "altair", "matplotlib", "jupyterlab")
RUN_NOTEBOOKS = """
import json, sys
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

# One kernel for every notebook, its names cleared and its folder changed before each one:
# what a learner's "Run All" needs is in the notebook itself, not left by the one before.
kernel = KernelManager(kernel_name="python3")
kernel.start_kernel()
results = []
try:
    for path in sys.argv[1:]:
        notebook = nbformat.read(path, as_version=4)
        folder = path.rsplit("/", 1)[0]
        fresh = nbformat.v4.new_code_cell(f"%reset -f\\n%cd {folder!r}")
        notebook.cells.insert(0, fresh)
        NotebookClient(notebook, km=kernel, timeout=120, allow_errors=True).execute()
        assert all(out.get("output_type") != "error" for out in fresh.get("outputs", []))
        del notebook.cells[0]
        code = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
        errors = [
            {"id": cell.get("id"), "ename": out["ename"], "evalue": out["evalue"]}
            for cell in code for out in cell.get("outputs", [])
            if out.get("output_type") == "error"
        ]
        said = {
            cell.get("id"): "".join(
                out.get("text", "") or out.get("data", {}).get("text/plain", "")
                for out in cell.get("outputs", [])
                if out.get("output_type") in ("stream", "display_data")
            )
            for cell in code
        }
        ran = sum(cell.get("execution_count") is not None for cell in code)
        results.append({"errors": errors, "said": said, "ran": ran, "cells": len(code)})
finally:
    kernel.shutdown_kernel(now=True)
print(json.dumps(results))
"""


def grade_id(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or ""


def filled(release: dict, answers: dict[str, str], **changed: str) -> dict:
    """The release notebook answered with the source's solutions, some answers changed."""
    notebook = json.loads(json.dumps(release))
    for cell in notebook["cells"]:
        name = grade_id(cell)
        if name in changed:
            cell["source"] = f"{name} = {changed[name]}"
        elif name in answers and cell["cell_type"] == "code":
            cell["source"] = answers[name]
    return notebook


# ---------------------------------------------------------------- the wheel (fast)


def test_the_wheel_holds_the_core_and_declares_only_its_dependencies(tmp_path: Path) -> None:
    import tomllib

    wheel = build_core_wheel(tmp_path)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert wheel.name == f"aimed-{project['version']}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = archive.read(f"aimed-{project['version']}.dist-info/METADATA").decode()
    package = ROOT / "src" / "aimed"
    shipped = {f"aimed/{p.relative_to(package).as_posix()}" for p in package.glob("*/*.*")}
    data = {n for n in shipped if n.startswith(("aimed/data/", "aimed/texts/locales/"))}
    assert data and data <= set(names), "every data file and text of the core"
    surfaces = ("aimed/trainer/", "aimed/lab/", "aimed/servers/", "aimed/cli.py", "aimed/settings")
    assert not [n for n in names if n.startswith(surfaces)]
    assert not [n for n in names if "__pycache__" in n]
    required = [line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Requires")]
    assert required == [project["requires-python"], *project["dependencies"]]
    assert "Provides-Extra" not in meta, "no extra may pull a surface's libraries"
    # every module of the core is there (a new engine cannot be forgotten)
    modules = {f"aimed/{p.name}" for p in package.glob("*.py")}
    assert modules - {"aimed/cli.py", "aimed/settings.py"} <= set(names)
    assert len(core_files(project_root())) == len([n for n in names if n.startswith("aimed/")])


def test_the_wheel_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    first = build_core_wheel(tmp_path / "a").read_bytes()
    assert build_core_wheel(tmp_path / "b").read_bytes() == first


# ---------------------------------------------------------------- the zip alone (slow)


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, released_course) -> dict[str, Path]:
    """The run's zips, as ``aimed-trainer release`` made them (conftest.py), read only."""
    base = tmp_path_factory.mktemp("zip-alone")
    return {**released_course, "base": base}


@pytest.fixture(scope="module")
def learner_python(released: dict[str, Path]) -> Path:
    """A clean virtual environment with the wheel of one zip and a notebook runner only."""
    zip_path = released["downloads"] / "reading-performance-en.zip"
    folder = released["base"] / "unzipped-first"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    (wheel,) = folder.glob("aimed-*.whl")
    libraries = requirement_closure(["aimed", "nbclient", "ipykernel"]) - {"aimed"}
    python = linked_environment(released["base"] / "env", libraries)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-index",
         wheel.name, "nbclient", "ipykernel"],
        capture_output=True, text=True, cwd=folder,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    return python


WRONG = "reading-performance"  # the exercise answered in the wrong form, in each language


def unzip(zip_path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    return folder


@pytest.fixture(scope="module")
def notebooks(released: dict[str, Path], learner_python: Path) -> dict[str, dict]:
    """Every notebook of the tests below, run by the learner's Python in one kernel (one start
    for all): each zip's notebook answered, and in each language one answered in the wrong
    form and one as released. Keyed by file; each entry has the release and its ``run``."""
    root, base = released["root"], released["base"]
    made: dict[str, dict] = {}

    def add(key: str, path: Path, release: dict, notebook: dict) -> None:
        path.write_text(json.dumps(notebook), encoding="utf-8")
        made[key] = {"path": path, "release": release}

    for zip_path in sorted(released["downloads"].glob("*.zip")):
        assignment = zip_path.stem
        exercise = assignment.rsplit("-", 1)[0]
        folder = unzip(zip_path, base / "unzipped" / assignment)
        release = json.loads((folder / f"{exercise}.ipynb").read_text("utf-8"))
        answers = solutions(root / "source" / assignment / f"{exercise}.ipynb")
        add(assignment, folder / "answered.ipynb", release, filled(release, answers))
    for lang in ("en", "fr"):
        assignment = f"{WRONG}-{lang}"
        folder = unzip(released["downloads"] / f"{assignment}.zip", base / f"wrong-{lang}")
        release = json.loads((folder / f"{WRONG}.ipynb").read_text("utf-8"))
        answers = solutions(root / "source" / assignment / f"{WRONG}.ipynb")
        add(
            f"wrong-{lang}",
            folder / "wrong.ipynb",
            release,
            filled(release, answers, answer_q2="9.2"),
        )
        add(f"blank-{lang}", folder / "blank.ipynb", release, release)
    runs = run_notebooks(learner_python, *(entry["path"] for entry in made.values()))
    for entry, run in zip(made.values(), runs, strict=True):
        entry["run"] = run
    return made


@pytest.mark.slow
def test_each_zip_installs_and_runs_with_python_alone(
    released: dict[str, Path], notebooks: dict[str, dict]
) -> None:
    root, downloads = released["root"], released["downloads"]
    zips = sorted(downloads.glob("*.zip"))
    assert [z.stem for z in zips] == sorted(
        p.name for p in (root / "source").iterdir() if p.is_dir()
    )
    wheels = set()
    for zip_path in zips:
        assignment = zip_path.stem
        exercise, lang = assignment.rsplit("-", 1)
        folder = released["base"] / "unzipped" / assignment
        (wheel,) = folder.glob("aimed-*.whl")
        wheels.add(wheel.read_bytes())
        readme = (folder / t("trainer.readme_name", lang)).read_text("utf-8")
        assert f"pip install {wheel.name} jupyterlab" in readme
        assert f"jupyter lab {exercise}.ipynb" in readme
        assert ("Décompressez" in readme) == (lang == "fr")
        release, run = notebooks[assignment]["release"], notebooks[assignment]["run"]
        checks = [c.get("id") for c in release["cells"] if grade_id(c).startswith("test_")]
        assert run["errors"] == [], f"{assignment}: a cell failed"
        assert run["ran"] == run["cells"], f"{assignment}: every cell ran"
        assert not any(run["said"][c] for c in checks), f"{assignment}: a check spoke"
    # the wheel the learner's Python holds (from one zip) is the very wheel of every zip
    assert len(wheels) == 1, "every zip carries the same wheel"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_wrong_form_answer_gets_the_visible_checks_message(
    notebooks: dict[str, dict], lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    release, run = notebooks[f"wrong-{lang}"]["release"], notebooks[f"wrong-{lang}"]["run"]
    check = next(c for c in release["cells"] if grade_id(c) == "test_q2")
    helpers.set_language(lang)
    try:
        expected = told(capsys, lambda: helpers.check_number("answer_q2", 9.2, proportion=True))
    finally:
        helpers.set_language("en")
    # a plain message in the learner's language under the check, no traceback, and "Run All"
    # goes on: every cell below ran
    assert expected and run["said"][check.get("id")].strip() == expected.strip()
    assert run["errors"] == [] and run["ran"] == run["cells"]

    # the notebook as released, nothing answered: it runs to its end, each check saying so
    run = notebooks[f"blank-{lang}"]["run"]
    assert run["errors"] == [] and run["ran"] == run["cells"]
    checks = [c.get("id") for c in release["cells"] if grade_id(c).startswith("test_")]
    missing = {"en": "has no answer yet", "fr": "n'a pas encore de réponse"}[lang]
    assert all(missing in run["said"][c] for c in checks), run["said"]


def run_notebooks(python: Path, *notebooks: Path) -> list[dict]:
    """The notebooks run in turn by the learner's Python, in one kernel: for each, its errors,
    what each code cell printed or showed (``said``, by cell id), and how many of its
    ``cells`` ran."""
    script = notebooks[0].parent / "run_notebooks.py"
    script.write_text(RUN_NOTEBOOKS, encoding="utf-8")
    probe = (
        "import importlib.util, aimed\n"
        "assert 'site-packages' in aimed.__file__, aimed.__file__\n"
        f"present = [m for m in {SURFACES!r} + ('aimed.trainer',) if importlib.util.find_spec(m)]\n"
        "assert not present, present\n"
    )
    checked = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    run = subprocess.run(
        [str(python), str(script), *map(str, notebooks)],
        capture_output=True,
        text=True,
        cwd=notebooks[0].parent,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])
