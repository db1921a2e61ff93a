"""French search ranks the section a reader names first, apostrophes and all.

"biais d'automatisation" listed module 3 (Les biais) first, though module 7 has a section of
that name: the index split words on spaces and hyphens only, so "d'automatisation" was one
word that "automatisation" never matched. Apostrophes now split words too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from support import search_result_links

MODULE_7 = "/fr/modules/trust-responsibility/"


@pytest.mark.slow
def test_the_french_index_splits_words_at_apostrophes(built_site: Path) -> None:
    index = json.loads((built_site / "fr" / "search" / "search_index.json").read_text("utf-8"))
    separator = re.compile(index["config"]["separator"])
    titles = [d["title"] for d in index["docs"] if d["location"].startswith(MODULE_7[4:])]
    section = next(title for title in titles if title.startswith("Biais d"))
    assert "automatisation" in separator.split(section.lower())
    assert "automatisation" in separator.split("biais d’automatisation")  # typographic ’ too


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(
    "query", ["biais d'automatisation", "biais d’automatisation", "automatisation"]
)
def test_french_search_lists_module_7_first_for_automation_bias(
    page: Page, site_url: str, query: str
) -> None:
    page.goto(f"{site_url}/fr/")
    links = search_result_links(page, query)
    assert MODULE_7 in links[0], links[:5]


@pytest.mark.browser
@pytest.mark.slow
def test_english_search_lists_module_7_first_for_automation_bias(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/")
    links = search_result_links(page, "automation bias")
    assert "/modules/trust-responsibility/" in links[0] and "/fr/" not in links[0], links[:5]
