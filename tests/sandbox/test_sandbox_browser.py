"""The real Streamlit sandbox in Chromium: both languages, nothing sent off this machine."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from aimed.texts.i18n import t
from support import wait_for_app_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sandbox_home_in_each_language_stays_local(
    page: Page, sandbox_url: str, offsite_requests: list[str], lang: str
) -> None:
    page.goto(f"{sandbox_url}/?lang={lang}")
    expect(page.get_by_role("heading", name=t("home.title", lang))).to_be_visible(timeout=30_000)
    expect(page.get_by_text(t("common.teaching_notice", lang))).to_be_visible()
    wait_for_app_run(page)
    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"


@pytest.mark.parametrize("scenario", ["symptom_checker", "hospital_shift"])
def test_first_visit_by_deep_link_opens_the_scenario_without_error(
    page: Page, fresh_sandbox_url: str, offsite_requests: list[str], scenario: str
) -> None:
    """The course site's buttons open a scenario directly, often as the server's first visitor."""
    page.goto(f"{fresh_sandbox_url}/{scenario.replace('_', '-')}?lang=fr")
    heading = page.get_by_role("heading", name=t(f"{scenario}.title", "fr"), exact=True)
    expect(heading).to_be_visible(timeout=30_000)
    wait_for_app_run(page)
    assert page.title() == t("common.app_title", "fr")  # the browser tab speaks French
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_icon_array_fits_a_phone_screen(page: Page, sandbox_url: str, lang: str) -> None:
    """On a 390 px phone the 1,000-patient picture and its legend are not clipped."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{sandbox_url}/test-result?lang={lang}")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    expect(chart).to_be_visible(timeout=60_000)
    wait_for_app_run(page)
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    svg_width = chart.locator("svg").first.evaluate("e => e.getBoundingClientRect().right")
    assert svg_width <= 390
    for name in ("true_positive", "false_negative", "false_positive", "true_negative"):
        expect(chart.get_by_text(t(f"test_result.legend.{name}", lang), exact=True)).to_be_visible()
