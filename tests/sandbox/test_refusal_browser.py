"""The guard's refusal as Chromium on Debian shows it: one clear sentence, an icon that renders.

Debian's fonts have no colour emoji, so an emoji icon ("✋") showed as an empty box; the
refusal uses one of Streamlit's Material Symbols, whose font the sandbox serves itself.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aimed.texts.i18n import t
from support import open_sandbox, wait_for_app_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(os.environ.get("AIMED_SHOTS", tempfile.gettempdir()))
REFUSED = {"en": "Seen at 12 rue de la Paix, chest pain", "fr": "Vu au 12 rue de la Paix, douleur"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_refusal_reads_as_sentences_and_its_icon_renders(
    page: Page, sandbox_url: str, lang: str
) -> None:
    open_sandbox(page, f"{sandbox_url}/symptom-checker?lang={lang}")
    box = page.locator("[data-testid='stTextArea'] textarea").first
    box.fill(REFUSED[lang])
    box.press("Control+Enter")  # Streamlit applies a text area's value on Ctrl+Enter or blur
    wait_for_app_run(page)
    page.get_by_role("button", name=t("symptom_checker.page.text_button", lang)).click()
    wait_for_app_run(page)
    alert = page.locator("[data-testid='stAlertContainer']").filter(
        has_text=t("common.invalid_input", lang, reason="")[:20]
    )
    expect(alert).to_be_visible(timeout=30_000)
    text = alert.inner_text()
    assert "rue de la Paix" not in text  # the refused text is never echoed
    # every sentence starts with a capital letter ("… cannot be used. the text …" did not)
    assert not re.search(r"[.!?]\s+[a-zà-ÿ]", text), text
    icon = alert.locator("[data-testid='stAlertDynamicIcon']")
    expect(icon).to_be_visible()
    # a Material Symbol: its name ("block") is a ligature of the font the sandbox serves
    assert "Material Symbols" in icon.evaluate("e => getComputedStyle(e).fontFamily")
    page.wait_for_function("document.fonts.check('16px \"Material Symbols Rounded\"', 'block')")
    # drawn as one square glyph, not left as the 5-letter word "block" (nor an empty box)
    box = icon.bounding_box()
    assert box["width"] <= 1.5 * box["height"], box
    alert.screenshot(path=str(SHOTS / f"refusal-{lang}.png"))
