"""The course site in Chromium: no request leaves localhost, the language switch works."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def site_paths(built_site: Path) -> list[str]:
    paths = []
    for html in sorted(built_site.rglob("index.html")):
        relative = html.parent.relative_to(built_site).as_posix()
        paths.append("/" if relative == "." else f"/{relative}/")
    return paths


def test_no_page_requests_another_host(
    page: Page, site_url: str, built_site: Path, offsite_requests: list[str]
) -> None:
    paths = site_paths(built_site)
    assert "/" in paths and "/fr/" in paths
    for path in paths:
        page.goto(site_url + path, wait_until="networkidle")
    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"


def test_language_switch_lands_on_the_same_page(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/about/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="fr"]')
    expect(page).to_have_url(f"{site_url}/fr/about/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_contain_text("À propos du cours")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="en"]')
    expect(page).to_have_url(f"{site_url}/about/")
