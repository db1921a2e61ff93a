"""The trainer's guide builds offline from the source notebooks, executed, with solutions."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimed.trainer.cli import app
from aimed.trainer.course import default_course_dir, open_course
from aimed.trainer.guide import off_host_loads
from aimed.trainer.synthetic import solutions

DEFAULT_COURSE = default_course_dir()


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("guide") / "guide"
    result = CliRunner().invoke(app, ["guide", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "building the trainer's guide" in result.output  # it says what it is doing
    return out


def _text(page: Path) -> str:
    """The page's words, with Sphinx's typographic quotes and dashes made plain again."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    plain = plain.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "--"}))
    return " ".join(plain.split())


def _plain(markdown_line: str) -> str:
    return " ".join(markdown_line.replace("*", "").replace("`", "").split())


@pytest.mark.slow
def test_every_exercise_has_a_page_with_its_solutions_and_rubric(guide: Path) -> None:
    assert (guide / "index.html").is_file()
    for assignment in open_course(DEFAULT_COURSE).assignments():
        page = guide / assignment.name / assignment.notebook.replace(".ipynb", ".html")
        text = _text(page)
        source = DEFAULT_COURSE / "source" / assignment.name / assignment.notebook
        for grade_id, answer in solutions(source).items():
            first = _plain(answer.splitlines()[0])
            # Both sides plain: a solution's `*` is a multiplication, not Markdown emphasis.
            assert first in _plain(text), f"{assignment.name}: solution of {grade_id} missing"
        banner = {"en": "Trainer only: model answer and rubric", "fr": "Réservé au formateur"}
        assert banner[assignment.language] in text
        assert "BEGIN SOLUTION" not in text.replace("### BEGIN SOLUTION", "")


@pytest.mark.slow
def test_the_notebooks_were_executed(guide: Path) -> None:
    for assignment in open_course(DEFAULT_COURSE).assignments():
        page = guide / assignment.name / assignment.notebook.replace(".ipynb", ".html")
        source = json.loads(
            (DEFAULT_COURSE / "source" / assignment.name / assignment.notebook).read_text("utf-8")
        )
        assert all(not c.get("outputs") for c in source["cells"] if c["cell_type"] == "code")
        outputs = page.read_text(encoding="utf-8").count('class="cell_output')
        assert outputs >= 2, f"{assignment.name}: no executed output in the guide"


@pytest.mark.slow
def test_the_guide_loads_nothing_from_the_web(guide: Path) -> None:
    assert off_host_loads(guide) == []
    pages = list(guide.rglob("*.html"))
    assert len(pages) >= 3
    assert not any("cdn.jsdelivr" in p.read_text(encoding="utf-8") for p in pages)


def test_the_off_host_scan_catches_a_cdn_script(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<script src="https://cdn.example.org/x.js"></script>')
    (tmp_path / "b.html").write_text('<link rel="stylesheet" href="_static/local.css">')
    assert [line.split(":")[0] for line in off_host_loads(tmp_path)] == ["a.html"]


def test_the_guide_follows_the_course_modules(tmp_path: Path) -> None:
    """Exercises appear in module order, each captioned with its module, as the site's menu."""
    import yaml

    from aimed.course_manifest import load_manifest
    from aimed.trainer.guide import stage

    stage(open_course(DEFAULT_COURSE), tmp_path)
    toc = yaml.safe_load((tmp_path / "_toc.yml").read_text(encoding="utf-8"))
    captions = [part["caption"] for part in toc["parts"]]
    numbers = [int(re.match(r"Module (\d+): ", caption).group(1)) for caption in captions]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    manifest = load_manifest(DEFAULT_COURSE.parent / "course" / "course.toml")  # the site's menu
    for part, number in zip(toc["parts"], numbers, strict=True):
        exercise = part["chapters"][0]["file"].split("/")[0].rsplit("-", 1)[0]
        assert manifest.module_of_exercise(exercise).number == number


def test_each_rubric_banner_is_in_its_notebooks_language(tmp_path: Path) -> None:
    from aimed.trainer.guide import stage

    course = open_course(DEFAULT_COURSE)
    stage(course, tmp_path)
    for assignment in course.assignments():
        staged = json.loads((tmp_path / assignment.name / assignment.notebook).read_text("utf-8"))
        banners = [
            "".join(c["source"]).splitlines()[0]
            for c in staged["cells"]
            if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("> **")
        ]
        assert banners, assignment.name
        for banner in banners:
            if assignment.language == "fr":
                assert banner.startswith("> **Réservé au formateur\u00a0: réponse modèle")
                assert "Trainer only" not in banner
            else:
                assert banner.startswith("> **Trainer only: model answer and rubric")


def _notebook(folder: Path, *sources: str) -> Path:
    import nbformat

    folder.mkdir(parents=True)
    path = folder / "exercise.ipynb"
    cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


@pytest.mark.slow
def test_notebooks_share_a_kernel_but_not_their_names(tmp_path: Path) -> None:
    """One kernel for all: each notebook starts with no name left by the one before, in its own
    folder, and a failing cell stops the build naming its notebook."""
    import nbformat

    from aimed.trainer.course import TrainerError
    from aimed.trainer.guide import execute_in_one_kernel

    first = _notebook(tmp_path / "first-en", "left_behind = 1", "import os; print(os.getcwd())")
    second = _notebook(tmp_path / "second-fr", "print('left_behind' in dir())", "print(2 + 2)")
    said: list[str] = []
    execute_in_one_kernel([first, second], timeout=60, say=said.append)
    assert said == [
        "executing 1/2: first-en/exercise.ipynb",
        "executing 2/2: second-fr/exercise.ipynb",
    ]

    def printed(path: Path) -> list[str]:
        cells = nbformat.read(path, as_version=4).cells
        return ["".join(o.get("text", "") for o in c.outputs).strip() for c in cells]

    assert printed(first) == ["", str(first.parent)]  # no cell added, each ran in its folder
    assert printed(second) == ["False", "4"]
    broken = _notebook(tmp_path / "broken-en", "print('fine')", "1 / 0", "print('never')")
    with pytest.raises(
        TrainerError, match=r"broken-en/exercise.ipynb: a cell failed:[\s\S]*ZeroDivisionError"
    ):
        execute_in_one_kernel([second, broken], timeout=60)
