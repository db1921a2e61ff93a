"""Module quizzes for every hand, in Chromium, in both languages (quiz-access.js).

What a learner would notice: from the keyboard alone, arrows move between options without
answering and Enter answers; a click on an option that holds an abbreviation picks the option
and expands nothing; a wrong answer can be tried again, and the progress keeps the first.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from support import blocking_violations

ROOT = Path(__file__).resolve().parents[2]
MODULE = {"en": "/modules/what-ai-is/", "fr": "/fr/modules/what-ai-is/"}
HOME = {"en": "/", "fr": "/fr/"}
WORDS = {
    "en": {
        "check": "Check",
        "again": "Try again",
        "incorrect": "Incorrect",
        "read": "Yes",
        "progress": "in progress: {correct} of ",
    },
    "fr": {
        "check": "Vérifier",
        "again": "Réessayer",
        "incorrect": "Mauvaise réponse",
        "read": "Oui",
        "progress": "en cours : {correct} sur ",
    },
}
# The abbreviation-bearing option: module 1's fifth question, first option, in both languages.
ABBR_OPTION = "#quiz-4-0"


def stored(page: Page, lang: str) -> dict:
    raw = page.evaluate(f"localStorage.getItem('quiz_progress_{MODULE[lang]}')")
    return json.loads(raw) if raw else {}


def option_index(quiz: Locator, correct: bool) -> int:
    flags = [
        quiz.locator("input[name=answer]").nth(i).get_attribute("data-correct") == "true"
        for i in range(quiz.locator("input[name=answer]").count())
    ]
    return flags.index(correct)


# ---------------------------------------------------------------- the pinned override


def test_the_override_is_pinned_to_mkdocs_quiz_1_7_1() -> None:
    """quiz-access.js relies on how mkdocs-quiz 1.7.1 submits; a new version must be re-read."""
    assert version("mkdocs-quiz") == "1.7.1", "re-read quiz-access.js against the new version"
    import mkdocs_quiz

    quiz_js = (Path(mkdocs_quiz.__file__).parent / "js" / "quiz.js").read_text(encoding="utf-8")
    # the auto-submit listener sits on each radio (so a window capture listener comes first) ...
    assert 'addTrackedEventListener(radio, "change", handler)' in quiz_js
    # ... and the first answer is stored under quiz_progress_<path>, which progress.js reads
    assert 'const STORAGE_KEY_PREFIX = "quiz_progress_"' in quiz_js
    assert re.search(r"markQuiz\(quizId, is_correct, selectedValues\)", quiz_js)
    ours = (ROOT / "course/assets/javascripts/quiz-access.js").read_text(encoding="utf-8")
    assert "mkdocs-quiz 1.7.1" in ours
    assert "assets/javascripts/quiz-access.js" in (ROOT / "mkdocs.yml").read_text("utf-8")


# ---------------------------------------------------------------- Chromium


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_quiz_answered_with_the_keyboard_only_counts(
    page: Page, site_url: str, lang: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + MODULE[lang])
    quiz = page.locator(".quiz").first
    options = quiz.locator("input[name=answer]")
    right = option_index(quiz, correct=True)

    # Tab into the question from the element before it
    page.locator(".quiz-header-link").first.focus()
    page.keyboard.press("Tab")
    expect(options.first).to_be_focused()
    # arrows move between options, and select, without answering
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(options.nth(2)).to_be_checked()
    expect(quiz.locator(".quiz-feedback")).to_be_hidden()
    expect(options.first).to_be_enabled()
    assert stored(page, lang) == {}
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Space")  # Space keeps the choice without answering
    expect(options.first).to_be_checked()
    expect(quiz.locator(".quiz-feedback")).to_be_hidden()
    assert stored(page, lang) == {}
    # the "Check" button is there for those who do not know Enter
    expect(quiz.get_by_role("button", name=WORDS[lang]["check"])).to_be_visible()

    # move to the right answer and confirm with Enter
    for _ in range(right):
        page.keyboard.press("ArrowDown")
    expect(options.nth(right)).to_be_checked()
    page.keyboard.press("Enter")
    feedback = quiz.locator(".quiz-feedback")
    expect(feedback).to_be_visible()
    expect(feedback).to_be_focused()
    expect(feedback).not_to_contain_text(WORDS[lang]["incorrect"])
    assert stored(page, lang)["quiz-0"]["correct"] is True
    expect(quiz.get_by_role("button", name=WORDS[lang]["check"])).to_be_hidden()

    # the second question with the Check button, from the keyboard too
    second = page.locator(".quiz").nth(1)
    second.locator("input[name=answer]").first.focus()
    page.keyboard.press("ArrowDown")
    expect(second.locator(".quiz-feedback")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(second.get_by_role("button", name=WORDS[lang]["check"])).to_be_focused()
    page.keyboard.press("Enter")
    expect(second.locator(".quiz-feedback")).to_be_visible()
    assert stored(page, lang)["quiz-1"]["answered"] is True
    correct = 1 + (option_index(second, correct=True) == 1)

    # the home page's tally counts the keyboard's answers
    page.goto(site_url + HOME[lang])
    row = page.locator('.aimed-progress tr[data-module="what-ai-is"]')
    expect(row.locator(".aimed-progress__quiz")).to_contain_text(
        WORDS[lang]["progress"].format(correct=correct)
    )
    assert offsite_requests == []


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_click_on_an_abbreviation_in_an_option_picks_the_option(
    page: Page, site_url: str, lang: str
) -> None:
    page.goto(site_url + MODULE[lang])
    option = page.locator(ABBR_OPTION)
    label = page.locator(f'label[for="{ABBR_OPTION[1:]}"]')
    abbr = label.locator("abbr").first
    expect(abbr).to_be_visible()
    # no expansion that could hint at the answer, neither on hover nor on a tap
    assert abbr.get_attribute("title") is None
    abbr.click()
    expect(option).to_be_checked()
    expect(label.locator(".aimed-abbr__meaning")).to_have_count(0)
    quiz = page.locator(".quiz").filter(has=option)
    expect(quiz.locator(".quiz-feedback")).to_be_visible()
    assert stored(page, lang)["quiz-4"]["answered"] is True
    # an abbreviation elsewhere on the page still explains itself on a tap
    outside = page.locator(".md-content abbr[title]").first
    outside.click()
    expect(page.locator(".aimed-abbr__meaning").first).to_be_visible()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_wrong_answer_can_be_tried_again_and_the_first_attempt_counts(
    page: Page, site_url: str, lang: str
) -> None:
    page.goto(site_url + MODULE[lang])
    quiz = page.locator(".quiz").first
    options = quiz.locator("input[name=answer]")
    wrong, right = option_index(quiz, correct=False), option_index(quiz, correct=True)
    options.nth(wrong).click()  # a click answers at once, as before
    feedback = quiz.locator(".quiz-feedback")
    expect(feedback).to_contain_text(WORDS[lang]["incorrect"])
    expect(quiz.locator("section.content")).to_be_visible()
    first = stored(page, lang)["quiz-0"]
    assert first["correct"] is False

    again = quiz.get_by_role("button", name=WORDS[lang]["again"])
    again.click()
    expect(options.nth(wrong)).not_to_be_checked()
    expect(options.nth(right)).to_be_enabled()
    expect(quiz.locator("section.content")).to_be_hidden()
    options.nth(right).click()
    expect(feedback).to_be_visible()
    expect(feedback).not_to_contain_text(WORDS[lang]["incorrect"])
    expect(quiz.locator("section.content")).to_be_visible()
    # the storage, and so the tally, keep the first attempt
    assert stored(page, lang)["quiz-0"] == first
    page.reload()
    expect(page.locator(".quiz").first.locator(".quiz-feedback")).to_contain_text(
        WORDS[lang]["incorrect"]
    )
    again = page.locator(".quiz").first.get_by_role("button", name=WORDS[lang]["again"])
    expect(again).to_be_visible()
    page.goto(site_url + HOME[lang])
    row = page.locator('.aimed-progress tr[data-module="what-ai-is"]')
    expect(row.locator(".aimed-progress__quiz")).to_contain_text(
        WORDS[lang]["progress"].format(correct=0)
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_quiz_with_keyboard_choices_and_a_retry_has_no_serious_violation(
    page: Page, site_url: str, lang: str
) -> None:
    page.goto(site_url + MODULE[lang], wait_until="networkidle")
    quiz = page.locator(".quiz").first
    quiz.locator("input[name=answer]").nth(option_index(quiz, correct=False)).click()
    quiz.get_by_role("button", name=WORDS[lang]["again"]).click()
    second = page.locator(".quiz").nth(1)
    second.locator("input[name=answer]").first.focus()
    page.keyboard.press("ArrowDown")
    assert blocking_violations(page) == []
