"""The course site in Chromium: quizzes, progress, language switch, sandbox button.

That no page requests another host is checked on every page by ``test_accessibility.py``,
which visits each one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from aimed.course_manifest import load_manifest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_language_switch_lands_on_the_same_page(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/about/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="fr"]')
    expect(page).to_have_url(f"{site_url}/fr/about/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_contain_text("À propos du cours")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="en"]')
    expect(page).to_have_url(f"{site_url}/about/")


# ---------------------------------------------------------------- course features (issue #6)

MODULE = "/modules/what-ai-is/"
FRENCH_MODULE = "/fr/modules/what-ai-is/"
QUIZ_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('quiz_progress_')).sort()"


def answer_question(quiz: Locator, correctly: bool) -> None:
    """Pick a right (or a wrong) answer; single-answer quizzes submit on the click."""
    choice = "[data-correct=true]" if correctly else ":not([data-correct=true])"
    quiz.locator(f"input[name=answer]{choice}").first.check()
    submit = quiz.locator("button.quiz-button")
    if submit.count() and submit.first.is_visible():
        submit.first.click()


def progress_row(page: Page, module: str):
    return page.locator(f'.aimed-progress tr[data-module="{module}"]')


def test_quiz_gives_feedback_and_progress_survives_a_reload(
    page: Page, site_url: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + MODULE)
    quiz = page.locator(".quiz").first
    expect(quiz.locator(".quiz-feedback")).to_be_hidden()
    expect(quiz.locator("section.content")).to_be_hidden()

    answer_question(quiz, correctly=False)
    expect(quiz.locator(".quiz-feedback")).to_be_visible()
    expect(quiz.locator(".quiz-feedback")).to_contain_text("Incorrect")
    # the explanation of every option appears with the feedback
    expect(quiz.locator("section.content")).to_be_visible()
    expect(quiz.locator("section.content")).not_to_be_empty()

    # the first answer counts: the question is locked and the right answer shown
    expect(quiz.locator("input[name=answer]").first).to_be_disabled()
    second = page.locator(".quiz").nth(1)
    answer_question(second, correctly=True)
    expect(second.locator(".quiz-feedback")).to_contain_text("Correct")

    read = page.get_by_label("I have read this module")
    expect(read).to_be_visible()
    expect(read).not_to_be_checked()
    read.check()

    page.reload()
    expect(page.get_by_label("I have read this module")).to_be_checked()
    expect(page.locator(".quiz").first.locator(".quiz-feedback")).to_contain_text("Incorrect")
    restored = page.locator(".quiz").nth(1)
    expect(restored.locator("input[data-correct=true]")).to_be_checked()
    expect(restored.locator(".quiz-feedback")).to_contain_text("Correct")
    assert page.evaluate(QUIZ_KEYS) == [f"quiz_progress_{MODULE}"]

    page.goto(site_url + "/")
    row = progress_row(page, "what-ai-is")
    expect(row.locator(".aimed-progress__read")).to_have_text("Yes")
    expect(row.locator(".aimed-progress__quiz")).to_contain_text("in progress: 1 of ")
    # the same progress, in French, on the French home page
    page.goto(site_url + "/fr/")
    row = progress_row(page, "what-ai-is")
    expect(row.locator(".aimed-progress__read")).to_have_text("Oui")
    expect(row.locator(".aimed-progress__quiz")).to_contain_text("en cours : 1 sur ")
    assert offsite_requests == []


def test_reset_clears_this_course_progress_only(
    page: Page, site_url: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + FRENCH_MODULE)
    questions = page.locator(".quiz")
    total = questions.count()
    for number in range(total):
        answer_question(questions.nth(number), correctly=True)
    page.get_by_label("J'ai lu ce module").check()
    page.evaluate("localStorage.setItem('another_site_setting', 'kept')")
    page.evaluate("localStorage.setItem('quiz_progress_/another/course/', '{}')")

    page.goto(site_url + "/")
    row = progress_row(page, "what-ai-is")
    expect(row.locator(".aimed-progress__read")).to_have_text("Yes")
    # answered in French, counted on the English home page too
    expect(row.locator(".aimed-progress__quiz")).to_have_text(f"{total} of {total} correct: passed")
    rows_before = page.locator(".aimed-progress tbody tr").count()
    assert rows_before >= 3, "the home page should list the orientation and modules"

    page.get_by_role("button", name="Reset my progress").click()
    expect(row.locator(".aimed-progress__read")).to_have_text("Not yet")
    expect(row.locator(".aimed-progress__quiz")).to_have_text("not started")
    assert page.evaluate(QUIZ_KEYS) == ["quiz_progress_/another/course/"]
    assert page.evaluate("localStorage.getItem('aimed_course_read')") is None
    assert page.evaluate("localStorage.getItem('another_site_setting')") == "kept"

    page.reload()
    expect(row.locator(".aimed-progress__read")).to_have_text("Not yet")
    page.goto(site_url + FRENCH_MODULE)
    expect(page.get_by_label("J'ai lu ce module")).not_to_be_checked()
    expect(page.locator(".quiz").first.locator(".quiz-feedback")).to_be_hidden()
    assert offsite_requests == []


def test_language_switch_on_a_module_lands_on_the_same_module(
    page: Page, site_url: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + MODULE)
    english_title = page.locator("h1").inner_text()
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="fr"]')
    expect(page).to_have_url(site_url + FRENCH_MODULE)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).not_to_have_text(english_title)
    expect(page.locator(".aimed-reading-time")).to_contain_text("Temps de lecture estimé")
    expect(page.get_by_role("link", name="Essayer dans le bac à sable")).to_be_visible()
    assert offsite_requests == []


# modules whose one button keeps the default label; what it opens is course.toml's
LABELLED_BY_DEFAULT = ("what-ai-is", "reading-performance", "incomplete-input")
MANIFEST = load_manifest(Path(__file__).resolve().parents[2] / "course" / "course.toml")


def test_sandbox_button_opens_the_scenario_in_the_page_language(
    page: Page, site_with_sandbox: str, sandbox_url: str, offsite_requests: list[str]
) -> None:
    for module in LABELLED_BY_DEFAULT:
        (link,) = MANIFEST.module(module).sandbox
        scenario, extra = link.scenario, "".join(f"&{k}={v}" for k, v in link.params)
        page.goto(f"{site_with_sandbox}/fr/modules/{module}/")
        button = page.get_by_role("link", name="Essayer dans le bac à sable")
        expect(button).to_have_attribute("href", f"{sandbox_url}/{scenario}?lang=fr{extra}")
        page.goto(f"{site_with_sandbox}/modules/{module}/")
        button = page.get_by_role("link", name="Try it in the sandbox")
        expect(button).to_have_attribute("href", f"{sandbox_url}/{scenario}?lang=en{extra}")

    # follow the button of Module 2 (French) to the real sandbox page
    page.goto(f"{site_with_sandbox}/fr/modules/reading-performance/")
    page.get_by_role("link", name="Essayer dans le bac à sable").click()
    expect(page).to_have_url(re.compile(re.escape(f"{sandbox_url}/test-result") + r"\?lang=fr"))
    expect(page.locator("h1").first).to_contain_text(
        "Un résultat de test en contexte", timeout=60_000
    )
    assert offsite_requests == []
