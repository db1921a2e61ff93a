"""A physician alone asks "Check my answers" from the course page, in Chromium, in both languages.

The exercise is released from a copy of the course (its sources, with the hidden checks,
stay beside the release, as in the repository), the exercise server started the way
`aimed serve` starts it, and the course page's exercise block (the site's own renderer)
points at it. The learner opens the exercise from the block, types answers in JupyterLab,
some right and one wrong, saves, goes back to the course page and clicks "Check my answers":
each question says right, not yet or not answered, the wrong one with a hint naming its part
and module; no expected value, hidden check or traceback appears; the notebook is byte for
byte the same after. With the trainer's switch off, or on a server without the checks, the
page says plainly who checks the answers.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

from aimed.servers.lab import Lab, running_lab
from aimed.servers.static import serve_in_thread
from aimed.site.hooks.course_features import exercise_block
from aimed.texts.i18n import t
from aimed.trainer.checks import load_exercise
from aimed.trainer.cli import app
from aimed.trainer.synthetic import autograded_answers, copy_course, solutions
from support import blocking_violations, wait_for_kernel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXERCISE = "reading-performance"
CHECK = {"en": "Check my answers", "fr": "Vérifier mes réponses"}
OPEN = {"en": "Open the exercise", "fr": "Ouvrir l'exercice"}


def block_pages(folder: Path, lab_url: str) -> None:
    """The course page's exercise block, in each language, as the site renders it."""
    for lang in ("en", "fr"):
        block = exercise_block(EXERCISE, lang, True, "x.zip", lab_url)
        page = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{EXERCISE}</title></head><body><main><h1>{EXERCISE}</h1>{block}"
            "</main></body></html>"
        )
        (folder / f"{lang}.html").write_text(page, encoding="utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course folder with the exercise released beside its sources."""
    root = copy_course(tmp_path_factory.mktemp("selfcheck") / "course").root
    released = CliRunner().invoke(app, ["release", EXERCISE, "--course", str(root)])
    assert released.exit_code == 0, released.output
    return root


@pytest.fixture(scope="module")
def lab(course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    base = tmp_path_factory.mktemp("selfcheck-lab")
    workspace = base / "workspace"
    with (
        (base / "lab.log").open("w") as log,
        running_lab(workspace, course / "release", log) as lab,
    ):
        pages = base / "pages"
        pages.mkdir()
        block_pages(pages, lab.url)
        static, site = serve_in_thread(pages)
        try:
            yield {"server": lab, "url": lab.url, "site": site, "workspace": workspace}
        finally:
            static.shutdown()


def log_in(page: Page, server: Lab) -> None:
    page.goto(server.login_url)
    expect(page).to_have_url(re.compile(re.escape(f"{server.url}/lab")), timeout=60_000)


def one_line_answers(course: Path, lang: str) -> tuple[dict[str, str], list[str]]:
    """Model answers that fit on one line, and the autograded answers in notebook order."""
    assignment = f"{EXERCISE}-{lang}"
    answers = solutions(course / "source" / assignment / f"{EXERCISE}.ipynb")
    release = course / "release" / assignment / f"{EXERCISE}.ipynb"
    codes = autograded_answers(json.loads(release.read_text(encoding="utf-8")))
    return {g: a for g, a in answers.items() if "\n" not in a}, codes


def type_answer(page: Page, grade_index: int, text: str) -> None:
    """Replace the text of the ``grade_index``-th answer cell, as a learner types it."""
    cell = page.locator(".jp-NotebookPanel:visible .jp-CodeCell").filter(
        has_text="YOUR ANSWER HERE"
    )
    editor = cell.nth(grade_index).locator(".jp-InputArea-editor")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def saved_sources(path: Path) -> str:
    try:
        cells = json.loads(path.read_text("utf-8"))["cells"]
    except (OSError, json.JSONDecodeError):
        return ""
    return "\n".join("".join(cell["source"]) for cell in cells)


def settled(page: Page, path: Path) -> tuple[str, float]:
    """The file's digest and time once JupyterLab has stopped writing it (2 s unchanged)."""
    seen = ("", 0.0)
    for _ in range(60):
        now = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime
        if now == seen:
            return now
        seen = now
        page.wait_for_timeout(2000)
    raise AssertionError(f"JupyterLab kept writing {path}")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_right_and_not_yet_per_question_and_nothing_given_away(
    page: Page, lab: dict, course: Path, offsite_requests: list[str], lang: str
) -> None:
    log_in(page, lab["server"])
    page.goto(f"{lab['site']}/{lang}.html")
    page.get_by_role("link", name=OPEN[lang], exact=True).click()
    expect(page.locator(".jp-NotebookPanel:visible .jp-MarkdownOutput h1").first).to_be_visible(
        timeout=60_000
    )

    wait_for_kernel(page, lab["server"], f"{EXERCISE}-{lang}/{EXERCISE}.ipynb")
    answers, codes = one_line_answers(course, lang)
    right = [g for g in codes if g in answers][:2]
    choice = next(g for g in codes if re.fullmatch(rf'{g} = "[A-D]"', answers.get(g, "")))
    letter = answers[choice][-2]
    wrong = f'{choice} = "{"A" if letter != "A" else "B"}"'
    # answer cells still holding the stub, counted from the top, change as they are typed in
    typed = sorted([(codes.index(g), answers[g]) for g in right] + [(codes.index(choice), wrong)])
    for done, (index, text) in enumerate(typed):
        type_answer(page, index - done, text)
    page.keyboard.press("ControlOrMeta+s")
    mine = lab["workspace"] / f"{EXERCISE}-{lang}" / f"{EXERCISE}.ipynb"
    for _ in range(300):  # until JupyterLab has written the file (30 s at most)
        if all(text in saved_sources(mine) for _, text in typed):
            break
        page.wait_for_timeout(100)
    assert all(text in saved_sources(mine) for _, text in typed), "the answers are saved"
    before = settled(page, mine)

    page.goto(f"{lab['site']}/{lang}.html")
    page.get_by_role("link", name=CHECK[lang], exact=True).click()
    expect(page.locator("h1")).to_have_text(t("lab.check_title", lang), timeout=30_000)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    items = page.locator("ol.aimed-check li")
    expect(items).to_have_count(len(codes))
    states = [items.nth(i).get_attribute("data-state") for i in range(len(codes))]
    expected = ["not_answered"] * len(codes)
    for grade_id in right:
        expected[codes.index(grade_id)] = "right"
    expected[codes.index(choice)] = "not_yet"
    assert states == expected
    mistaken = items.nth(codes.index(choice))
    expect(mistaken).to_contain_text(t("lab.check_not_yet", lang))
    hint = mistaken.locator(".hint").inner_text()
    assert {"en": "Module 2", "fr": "module 2"}[lang].lower() in hint.lower()
    number = re.sub(r"\D", "", choice)
    assert number in hint
    expect(items.nth(codes.index(right[0]))).to_contain_text(t("lab.check_right", lang))

    shown = page.locator("main").inner_text()
    source = course / "source" / f"{EXERCISE}-{lang}" / f"{EXERCISE}.ipynb"
    for line in load_exercise(source).secrets:
        assert line not in shown, f"a hidden check or a model answer is on the page: {line}"
    for leak in ("Traceback", "assert", "answer_q", "Error", letter + '"'):
        assert leak not in shown
    assert blocking_violations(page) == [], "the check page"
    assert (hashlib.sha256(mine.read_bytes()).hexdigest(), mine.stat().st_mtime) == before
    assert offsite_requests == []


def test_without_the_checks_or_with_checking_off_the_page_says_who_checks(
    page: Page, course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release without its sources (a hub's exchange), then the trainer's switch off."""
    alone = tmp_path / "exchange" / "release"
    shutil.copytree(course / "release", alone)
    assignment = f"{EXERCISE}-fr"
    workspace = tmp_path / "workspace"
    (workspace / assignment).mkdir(parents=True)
    shutil.copy(alone / assignment / f"{EXERCISE}.ipynb", workspace / assignment)
    with running_lab(workspace, alone) as server:
        log_in(page, server)
        page.goto(f"{server.url}/aimed/check/{assignment}")
        expect(page.locator("main p").first).to_have_text(t("lab.check_no_source", "fr"))
        expect(page.locator("ol.aimed-check")).to_have_count(0)
    monkeypatch.setenv("AIMED_SELF_CHECK", "off")
    with running_lab(workspace, course / "release") as server:
        log_in(page, server)
        page.goto(f"{server.url}/aimed/check/{assignment}")
        expect(page.locator("main p").first).to_have_text(t("lab.check_off", "fr"))
        page.goto(f"{server.url}/aimed/check/{EXERCISE}-en")
        expect(page.locator("main p").first).to_have_text(t("lab.check_off", "en"))
