"""The course site in Chromium, for what a physician's review found only a browser shows.

Search answers in the page's language with or without accents, its index built at the first
search rather than at each page load; the language switch keeps the section being read; no
request goes to a missing sitemap; quiz tallies and abbreviations read right before any answer
and on a touch screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from support import search_result_links

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_french_search_finds_accented_words_typed_without_accents(
    page: Page, site_url: str
) -> None:
    page.goto(f"{site_url}/fr/")
    links = search_result_links(page, "sensibilite")
    assert any("/fr/modules/reading-performance/" in link for link in links), links
    english = [link for link in links if not link.startswith(f"{site_url}/fr/")]
    assert english == [], f"English pages in French search results: {english}"


def test_english_search_lists_no_french_page(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/modules/reading-performance/")
    links = search_result_links(page, "sensitivity")
    assert any("/modules/reading-performance/" in link for link in links), links
    french = [link for link in links if link.startswith(f"{site_url}/fr/")]
    assert french == [], f"French pages in English search results: {french}"


def test_the_index_is_built_at_the_first_search_not_at_each_page_load(
    page: Page, site_url: str
) -> None:
    """Building the French index loads Lunr's French stemmer: not before a search is made."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{site_url}/fr/modules/bias/", wait_until="networkidle")
    assert any(url.endswith("/fr/search/search_index.json") for url in requested), requested
    assert not [url for url in requested if "/lunr/" in url], "the index was built at page load"
    links = search_result_links(page, "biais")
    assert any("/fr/modules/bias/" in link for link in links), links
    assert any(url.endswith("/lunr/min/lunr.fr.min.js") for url in requested), requested


MODULE = "/modules/what-ai-is/"


def test_quiz_tally_says_nothing_of_right_answers_before_the_first_answer(
    page: Page, site_url: str
) -> None:
    page.goto(site_url + MODULE)
    sidebar = page.locator("#quiz-progress-sidebar")
    expect(sidebar).to_be_visible()
    expect(sidebar).not_to_contain_text("0 / 0", use_inner_text=True)
    expect(sidebar.locator(".quiz-progress-score")).to_be_hidden()
    page.locator(".quiz").first.locator("input[name=answer][data-correct=true]").check()
    expect(sidebar.locator(".quiz-progress-score")).to_be_visible()
    expect(sidebar).to_contain_text("1 / 1", use_inner_text=True)


def test_question_link_leaves_the_question_text_clear(page: Page, site_url: str) -> None:
    page.goto(site_url + MODULE)
    quiz = page.locator(".quiz").first
    quiz.hover()
    link = quiz.locator(".quiz-header-link").bounding_box()
    text = quiz.locator(".quiz-question p").first.bounding_box()
    assert link and text
    overlaps = (
        link["x"] < text["x"] + text["width"]
        and text["x"] < link["x"] + link["width"]
        and link["y"] < text["y"] + text["height"]
        and text["y"] < link["y"] + link["height"]
    )
    assert not overlaps, f"the '#' link {link} covers the question's text {text}"


def test_language_switch_keeps_the_section_being_read(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/glossary/#sensitivity")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="fr"]')
    expect(page).to_have_url(f"{site_url}/fr/glossary/#sensitivity")
    page.goto(f"{site_url}/fr/glossary/")
    page.evaluate("location.hash = 'specificity'")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="en"]')
    expect(page).to_have_url(f"{site_url}/glossary/#specificity")


def test_pages_request_no_sitemap(page: Page, site_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/", "/fr/", MODULE, "/fr" + MODULE):
        page.goto(site_url + path, wait_until="networkidle")
    assert [url for url in requested if "sitemap" in url] == []


@pytest.fixture
def touch_page(browser) -> Page:
    """A phone: touch events, no hover, a narrow screen."""
    phone = {"width": 390, "height": 800}
    context = browser.new_context(has_touch=True, is_mobile=True, viewport=phone)
    yield context.new_page()
    context.close()


def test_abbreviation_shows_its_meaning_on_tap(touch_page: Page, site_url: str) -> None:
    touch_page.goto(site_url + MODULE)
    abbr = touch_page.locator("article p abbr[title]").first
    meaning = abbr.get_attribute("title")
    abbr.tap()
    shown = touch_page.locator(".aimed-abbr__meaning")
    expect(shown).to_have_count(1)
    expect(shown).to_be_visible()
    expect(shown).to_have_text(f" ({meaning})")
    touch_page.locator("h1").tap()
    expect(shown).to_have_count(0)


def test_abbreviation_in_a_quiz_answer_gives_nothing_away(touch_page: Page, site_url: str) -> None:
    """Inside an answer an abbreviation expands nothing (its meaning could hint at the key);
    a tap on it answers with its option, like a tap anywhere else on the option."""
    touch_page.goto(site_url + MODULE)
    abbr = touch_page.locator(".quiz fieldset label abbr").first
    expect(abbr).not_to_have_attribute("title", re.compile(".+"))
    answer = abbr.locator("xpath=ancestor::label")
    choice = touch_page.locator(f"#{answer.get_attribute('for')}")
    abbr.tap()
    expect(touch_page.locator(".aimed-abbr__meaning")).to_have_count(0)
    expect(choice).to_be_checked()
