"""Chart legends on a 390 px phone, in real Chromium: every label whole, inside the screen.

Vega-Lite cuts a legend label longer than its ``labelLimit`` with "…" (the symptom checker
showed "Dangerous, must not be …"); only a browser lays the text out, so only it can tell.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from aimed.texts.i18n import t
from support import open_sandbox

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


# Each SVG text of a chart: its lines (a wrapped label is one <tspan> per line) joined by a
# space, and its right edge on the screen.
TEXTS = """svg => [...svg.querySelectorAll('text')].map(e => {
    const lines = [...e.querySelectorAll('tspan')].map(s => s.textContent);
    const box = e.getBoundingClientRect();
    return {text: lines.length ? lines.join(' ') : e.textContent, left: box.left, right: box.right};
})"""


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_symptom_checker_legend_is_whole_on_a_phone(
    page: Page, sandbox_url: str, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    open_sandbox(page, f"{sandbox_url}/symptom-checker?lang={lang}")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    expect(chart).to_be_visible(timeout=60_000)
    svg = chart.locator("svg").first
    expect(svg.locator("text").first).to_be_visible(timeout=30_000)
    texts = svg.evaluate(TEXTS)
    assert not [e["text"] for e in texts if "…" in e["text"]], texts
    shown = {e["text"]: e for e in texts}
    for key in ("chart_kind", "kind_dangerous", "kind_other"):
        label = t(f"symptom_checker.page.{key}", lang)
        assert label in shown, (label, list(shown))
        assert shown[label]["left"] >= 0 and shown[label]["right"] <= PHONE["width"], shown[label]
