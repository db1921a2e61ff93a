"""Course buttons that open a sandbox page on one variant: clicked in Chromium, in both languages.

Module 3 has one button per kind of bias, and Module 1's button promises the training mix;
each must land on the biased-data page with that variant selected, in the page's language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aimed.texts.i18n import t
from support import wait_for_app_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NS = "biased_data"
BUTTON = re.compile(
    r"^<!--\s*sandbox:\s*biased-data\s+variant=([\w-]+)\s*(?:\|\s*(.*?))?\s*-->$", re.M
)
DEFAULT_LABEL = {"en": "Try it in the sandbox", "fr": "Essayer dans le bac à sable"}


def buttons(module: str, lang: str) -> list[tuple[str, str]]:
    """(variant, label) of each biased-data button on a module page, in page order."""
    name = f"{module}.md" if lang == "en" else f"{module}.{lang}.md"
    text = (ROOT / "course" / "modules" / name).read_text(encoding="utf-8")
    return [(variant, label or DEFAULT_LABEL[lang]) for variant, label in BUTTON.findall(text)]


def assert_sandbox_shows(page: Page, sandbox_url: str, variant: str, lang: str) -> None:
    """The biased-data page, in ``lang``, with ``variant`` selected and its own text shown."""
    expect(page).to_have_url(re.compile(re.escape(f"{sandbox_url}/biased-data?")))
    wait_for_app_run(page)
    assert f"lang={lang}" in page.url and f"variant={variant}" in page.url
    expect(page.locator("h1").first).to_contain_text(t(f"{NS}.title", lang), timeout=60_000)
    chooser = page.get_by_role("combobox", name=t(f"{NS}.bias_label", lang))
    expect(chooser).to_have_value(t(f"{NS}.bias.{variant}", lang))
    expect(page.get_by_test_id("stMain")).to_contain_text(t(f"{NS}.bias_on.{variant}", lang))


def test_module_3_has_one_button_per_variant_in_both_languages() -> None:
    for lang in ("en", "fr"):
        assert [v for v, _ in buttons("bias", lang)] == ["representation", "device", "proxy"]
    english, french = buttons("bias", "en"), buttons("bias", "fr")
    assert all(en != fr for (_, en), (_, fr) in zip(english, french, strict=True))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_module_3_button_opens_its_variant_in_the_page_language(
    page: Page, site_with_sandbox: str, sandbox_url: str, offsite_requests: list[str], lang: str
) -> None:
    prefix = "" if lang == "en" else f"/{lang}"
    for variant, label in buttons("bias", lang):
        page.goto(f"{site_with_sandbox}{prefix}/modules/bias/")
        page.get_by_role("link", name=label, exact=True).click()
        assert_sandbox_shows(page, sandbox_url, variant, lang)
    assert offsite_requests == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_module_1_button_opens_the_training_mix_it_promises(
    page: Page, site_with_sandbox: str, sandbox_url: str, offsite_requests: list[str], lang: str
) -> None:
    assert buttons("what-ai-is", lang) == [("representation", DEFAULT_LABEL[lang])]
    prefix = "" if lang == "en" else f"/{lang}"
    page.goto(f"{site_with_sandbox}{prefix}/modules/what-ai-is/")
    page.get_by_role("link", name=DEFAULT_LABEL[lang], exact=True).click()
    assert_sandbox_shows(page, sandbox_url, "representation", lang)
    # the training-mix slider the module's text promises is on the page
    expect(
        page.get_by_test_id("stSlider").filter(has_text=t(f"{NS}.share_label", lang))
    ).to_be_visible()
    assert offsite_requests == []
