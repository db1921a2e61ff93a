"""The record of completion on a 390 px phone, in real Chromium: every module keeps its name.

The modules table was wider than a phone and its box grew with it, so the page itself
scrolled sideways and the module column went off-screen. The table now scrolls in its own
box with the module column fixed, and the page is no wider than the screen.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from support import TABLE_SCROLLED_RIGHT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
PREFIX = {"en": "", "fr": "/fr"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_record_table_keeps_the_module_column_in_view_on_a_phone(
    page: Page, site_url: str, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{site_url}{PREFIX[lang]}/modules/what-ai-is/")
    page.locator(".aimed-read input").check()  # the record lists modules once one is read
    page.goto(f"{site_url}{PREFIX[lang]}/my-record/")
    table = page.locator(".aimed-record__modules table")
    expect(table).to_be_visible()
    seen = table.evaluate(TABLE_SCROLLED_RIGHT)
    assert seen["page_width"] <= PHONE["width"], seen["page_width"]
    assert seen["scrolls"], "the table is wider than a phone: it scrolls in its own box"
    modules = [row["text"] for row in seen["rows"][1:]]
    assert all(modules) and sum(m.startswith("Module") for m in modules) >= 10, modules
    for row in seen["rows"]:
        assert row["left"] >= 0 and row["right"] <= PHONE["width"], row
        assert row["on_top"], row  # the module name, not a date scrolled over it
        assert row["last_right"] <= PHONE["width"] + 1, row
