"""The course site in Chromium, for what a physician's review found only a browser shows.

Search answers in the page's language with or without accents; the language switch keeps the
section being read; no request goes to a missing sitemap; quiz tallies and abbreviations read
right before any answer and on a touch screen.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def search_result_links(page: Page, query: str) -> list[str]:
    """Type ``query`` in the site's search box and return every result's link."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    results = page.locator(".md-search-result__list .md-search-result__link")
    expect(results.first).to_be_visible()
    return results.evaluate_all("links => links.map(link => link.href)")


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
