"""The course manifest (course/course.toml): read with clear refusals, and followed everywhere.

A manifest that names a page, a scenario, a variant or an exercise folder that does not exist
stops whoever reads it with a message saying which module and what is wrong; the real one
agrees with the pages, the sandbox's pages, the exercises and the site's menu.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from aimed.course_manifest import ManifestError, find_manifest, load_manifest
from aimed.sandbox import sandbox_ui

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
MANIFEST = load_manifest(COURSE / "course.toml")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)

GOOD = """
exercises = "../exercises"

[[scenario]]
slug = "biased-data"
variants = ["proxy", "device"]

[[module]]
slug = "bias"
page = "modules/bias.md"
title = { en = "Bias", fr = "Les biais" }
sandbox = ["biased-data?variant=proxy", "biased-data"]
exercise = "bias"

[[module]]
slug = "what-ai-is"
page = "modules/what-ai-is.md"
title = { en = "What AI is", fr = "Ce qu'est l'IA" }
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A course folder with two module pages and one exercise (both languages)."""
    (tmp_path / "course" / "modules").mkdir(parents=True)
    for name in ("bias.md", "bias.fr.md", "what-ai-is.md", "what-ai-is.fr.md"):
        (tmp_path / "course" / "modules" / name).write_text("# Page\n", encoding="utf-8")
    for lang in ("en", "fr"):
        (tmp_path / "exercises" / "source" / f"bias-{lang}").mkdir(parents=True)
    return tmp_path


def write(project: Path, text: str) -> Path:
    path = project / "course" / "course.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(project: Path, text: str) -> str:
    with pytest.raises(ManifestError) as raised:
        load_manifest(write(project, text))
    message = str(raised.value)
    assert str(project / "course" / "course.toml") in message, "the message names the manifest"
    return message


def test_a_manifest_gives_modules_in_order_with_their_links_and_exercise(project: Path) -> None:
    manifest = load_manifest(write(project, GOOD))
    assert [(m.number, m.slug) for m in manifest.modules] == [(1, "bias"), (2, "what-ai-is")]
    bias = manifest.module("bias")
    assert [str(link) for link in bias.sandbox] == ["biased-data?variant=proxy", "biased-data"]
    assert bias.page_in("fr") == "modules/bias.fr.md"
    assert manifest.exercises == ["bias"]
    assert manifest.module_of_page("modules/what-ai-is.fr.md").slug == "what-ai-is"


def test_a_release_folder_is_enough_for_an_exercise(project: Path) -> None:
    """A learner's copy of the course has released exercises, never their sources."""
    shutil.rmtree(project / "exercises" / "source")
    for lang in ("en", "fr"):
        (project / "exercises" / "release" / f"bias-{lang}").mkdir(parents=True)
    assert load_manifest(write(project, GOOD)).exercises == ["bias"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (('page = "modules/bias.md"', 'page = "modules/biases.md"'), "unknown page"),
        (('page = "modules/bias.md"', 'page = "../../etc.md"'), "outside the course folder"),
        (('slug = "what-ai-is"', 'slug = "bias"'), "duplicate module slug 'bias'"),
        (('exercise = "bias"', 'exercise = "bias-2"'), "exercise 'bias-2': its folder"),
        (('"biased-data"]', '"biased-dat"]'), "unknown sandbox scenario 'biased-dat'"),
        (("variant=proxy", "variant=racial"), "no variant 'racial' (known: proxy, device)"),
        (("variant=proxy", "seed=2"), "unknown parameter 'seed'"),
        ((', fr = "Les biais"', ""), "title must give the menu entry in en and fr"),
        (('slug = "bias"', 'slug = "Bias!"'), "lower-case letters, digits and hyphens"),
        (('exercise = "bias"', 'exercice = "bias"'), "unknown keys exercice"),
        (("[[module]]", "[[modules]]"), "unknown keys modules"),
        (('exercise = "bias"', 'exercise = "bias"\nbefore = "x.md"'), "unknown before x.md"),
        (('exercise = "bias"', 'exercise = "bias"\nbefore = "check.fr.md"'), "before must be"),
        (("variants = [", "variants = ["), ""),  # unchanged: the control case loads
    ],
)
def test_a_wrong_manifest_is_refused_with_what_is_wrong(
    project: Path, change: tuple[str, str], said: str
) -> None:
    text = GOOD.replace(*change, 1)
    if not said:
        assert load_manifest(write(project, text)).modules
        return
    assert said in refusal(project, text)


def test_the_refusal_names_the_module(project: Path) -> None:
    text = GOOD.replace('page = "modules/what-ai-is.md"', 'page = "modules/what.md"')
    assert "module 2 ('what-ai-is'): unknown page modules/what.md" in refusal(project, text)


def test_a_manifest_that_is_not_toml_or_has_no_module_is_refused(project: Path) -> None:
    assert "not valid TOML" in refusal(project, GOOD + "\n[[module]\n")
    assert "needs at least one module" in refusal(project, 'exercises = "../exercises"\n')
    assert "duplicate scenario slug" in refusal(
        project, GOOD + '[[scenario]]\nslug = "a"\n[[scenario]]\nslug = "a"\n'
    )


def test_the_manifest_is_found_from_a_folder_of_its_course(project: Path) -> None:
    path = write(project, GOOD)
    assert find_manifest(project / "exercises" / "source") == path
    assert find_manifest(project / "course" / "modules") == path
    with pytest.raises(ManifestError, match=r"no course manifest .* name it \(--course"):
        find_manifest(project.parent)


# ---------------------------------------------------------------- every surface follows it


def test_each_module_page_carries_its_manifest_name() -> None:
    for module in MANIFEST.modules:
        for lang in ("en", "fr"):
            text = (COURSE / module.page_in(lang)).read_text(encoding="utf-8")
            meta = yaml.safe_load(FRONT_MATTER.match(text).group(1))
            assert meta["module"] == module.slug, f"{module.page_in(lang)}"


def test_the_sandbox_serves_exactly_the_manifest_scenarios_in_its_order() -> None:
    pages = [
        sandbox_ui.page_namespace(path).replace("_", "-")
        for path in sandbox_ui.discovered_pages()[1:]  # the first is the sandbox's home
    ]
    assert pages == MANIFEST.scenario_slugs


def test_the_exercises_are_the_manifest_exercises_and_name_their_module() -> None:
    source = ROOT / "exercises" / "source"
    folders = {p.name.removesuffix("-en") for p in source.glob("*-en") if p.is_dir()}
    assert folders == set(MANIFEST.exercises)
    for exercise in MANIFEST.exercises:
        for lang in ("en", "fr"):
            notebook = next((source / f"{exercise}-{lang}").glob("*.ipynb"))
            meta = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["aimed"]
            assert meta["module"] == MANIFEST.module_of_exercise(exercise).number, notebook.name


def test_the_site_menu_takes_its_modules_from_the_manifest() -> None:
    """mkdocs.yml lists no module page and no module title: the plugin puts them in."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^  - Modules: course\.toml$", text, re.M)
    assert not re.search(r"modules/[\w-]+\.md|\"Module \d+", text)
