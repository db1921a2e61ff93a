"""The three model pages in real Chromium: a guided failure in each language, axe-clean, local.

AppTest proves the numbers; this proves a learner's browser gets them, with nothing sent
off this machine and no serious accessibility violation (axe-core, shipped in the wheel).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from aimed.texts.i18n import t
from support import blocking_violations, wait_for_app_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# page namespace -> the guided path that produces its failure
GUIDES = {"biased_data": "try_device", "hospital_shift": "try_move", "shortcut": "try_shortcut"}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("namespace", list(GUIDES))
def test_guided_failure_in_the_browser(
    page: Page, sandbox_url: str, offsite_requests: list[str], namespace: str, lang: str
) -> None:
    # A fresh server answers its very first deep link with a spurious "Page not found"
    # modal over the right page (streamlit/streamlit#9992); open the home page first.
    page.goto(f"{sandbox_url}/?lang={lang}")
    expect(page.get_by_role("heading", name=t("home.title", lang))).to_be_visible(timeout=60_000)
    page.goto(f"{sandbox_url}/{namespace.replace('_', '-')}?lang={lang}")
    explain = page.get_by_role("heading", name=t(f"{namespace}.explain.heading", lang))
    expect(explain).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t("common.teaching_notice", lang))).to_be_visible()

    page.get_by_text(t("common.try_this", lang), exact=True).click()
    guide = GUIDES[namespace]
    page.get_by_role("button", name=t(f"{namespace}.{guide}.button", lang)).click()
    expect(page.get_by_text(t(f"{namespace}.{guide}.done", lang))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t(f"{namespace}.{guide}.why", lang))).to_be_visible()
    # Each page draws its charts (Vega-Lite) and its table.
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid='stTable']").first).to_be_visible()

    wait_for_app_run(page)
    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"
    assert blocking_violations(page) == []
