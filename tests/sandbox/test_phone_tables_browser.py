"""Wide tables on a 390 px phone, in real Chromium: each row keeps its label in view.

The per-group table of the biased-data page is wider than a phone: it scrolls sideways in
its box, and its first column (the group) used to scroll away with the numbers. It now stays
put, so "85 %" is still read as group B's.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from aimed.texts.i18n import LANGUAGES, t
from support import TABLE_SCROLLED_RIGHT, open_sandbox

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_per_group_table_keeps_its_group_column_in_view_on_a_phone(
    page: Page, sandbox_url: str, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    open_sandbox(page, f"{sandbox_url}/biased-data?lang={lang}&variant=representation")
    table = page.locator("[data-testid='stTable'] table").first
    expect(table).to_be_visible(timeout=60_000)
    table.scroll_into_view_if_needed()
    seen = table.evaluate(TABLE_SCROLLED_RIGHT)
    assert seen["scrolls"], "the table is wider than a phone: it scrolls in its own box"
    assert seen["page_width"] <= PHONE["width"], seen["page_width"]  # the page itself does not
    body = seen["rows"][1:]
    labels = [row["text"] for row in body]
    assert len(labels) == 3 and all(labels) and len(set(labels)) == 3, labels  # A, B, all
    assert seen["rows"][0]["text"] == t("biased_data.chart.group_axis", lang)
    for row in seen["rows"]:
        assert row["left"] >= 0 and row["right"] <= PHONE["width"], row
        assert row["on_top"], row  # not hidden under the scrolled numbers
        assert row["last_right"] <= PHONE["width"] + 1, row  # the last column came into view
