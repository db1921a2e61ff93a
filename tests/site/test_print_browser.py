"""Module pages printed from Chromium (page.pdf, A4): compact, nothing that only works on screen.

A module printed on 12 sheets, its sandbox buttons as blue buttons and large blank gaps before
its figures. The print stylesheet (course/assets/stylesheets/print.css) sets compact type,
keeps figures to a third of a sheet, and leaves out the buttons.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSE = Path(__file__).resolve().parents[2] / "course"
MODULES = sorted({p.name.split(".")[0] for p in COURSE.glob("modules/*.md")})
PREFIX = {"en": "", "fr": "/fr"}
# At least this many words of the page's text per printed sheet (the last sheet may be short).
# The screen layout printed 300 to 380; compact type gives 400 to 560.
WORDS_PER_SHEET = 400
FIGURE_MAX_PX = 8.6 / 2.54 * 96  # 8.5 cm at 96 px per inch, and a rounding pixel


def sheets(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("module", MODULES)
def test_a_module_prints_compactly_without_buttons(
    page: Page, site_url: str, module: str, lang: str
) -> None:
    page.goto(f"{site_url}{PREFIX[lang]}/modules/{module}/")
    printed = sheets(page.pdf(format="A4"))  # print media, as the browser's print dialog
    page.emulate_media(media="print")
    words = len(page.locator("article.md-content__inner").inner_text().split())
    assert (printed - 1) * WORDS_PER_SHEET <= words, (printed, words)

    # no button on paper: the sandbox ones are left out, any other prints as plain words
    name = f"{module}.md" if lang == "en" else f"{module}.{lang}.md"
    source = (COURSE / "modules" / name).read_text(encoding="utf-8")
    assert page.locator(".aimed-sandbox").count() == source.count("<!-- sandbox:")
    for sandbox in page.locator(".aimed-sandbox").all():
        assert not sandbox.is_visible()
    backgrounds = page.locator(".md-button").evaluate_all(
        "bs => bs.filter(b => b.offsetParent !== null)"
        ".map(b => getComputedStyle(b).backgroundColor)"
    )
    assert all(c in ("rgba(0, 0, 0, 0)", "transparent") for c in backgrounds), backgrounds

    # figures a third of a sheet high at most, with their caption
    for figure in page.locator(".aimed-figure").all():
        image = figure.locator("img").bounding_box()
        assert image and image["height"] <= FIGURE_MAX_PX, image
        assert figure.evaluate("f => getComputedStyle(f).breakInside") == "avoid"
