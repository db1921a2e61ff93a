"""Every course page in both languages, visited once: no serious or critical violation in
axe-core's scan, and no request off this machine until the network is idle.

Pages are scanned as a reader meets them (progress table shown by its script) and once more
after a quiz question is answered, since the feedback and explanation appear only then.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from support import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def page_paths() -> list[str]:
    """Every page of the course in both languages, from the sources (one test per page)."""
    paths = []
    for source in sorted((ROOT / "course").rglob("*.md")):
        relative = source.relative_to(ROOT / "course").as_posix()
        french = relative.endswith(".fr.md")
        stem = relative.removesuffix(".fr.md" if french else ".md")
        folder = "" if stem == "index" else stem.removesuffix("/index") + "/"
        paths.append(("/fr/" if french else "/") + folder)
    return paths


def built_paths(built_site: Path) -> list[str]:
    """Every page of the built site (an ``index.html``), as an address."""
    paths = []
    for html in sorted(built_site.rglob("index.html")):
        relative = html.parent.relative_to(built_site).as_posix()
        paths.append("/" if relative == "." else f"/{relative}/")
    return paths


def test_every_built_page_is_visited(built_site: Path) -> None:
    """The pages below are every page the build wrote: none escapes the two checks."""
    assert "/" in page_paths() and "/fr/" in page_paths()
    assert sorted(built_paths(built_site)) == sorted(page_paths())


@pytest.mark.parametrize("path", page_paths())
def test_page_is_accessible_and_requests_no_other_host(
    page: Page, site_url: str, path: str, offsite_requests: list[str]
) -> None:
    # "load": the page's scripts have run (the progress table is filled at DOMContentLoaded);
    # what the network does later (the search index) changes nothing axe reads, but every
    # request until the network is idle must stay on this machine.
    response = page.goto(site_url + path, wait_until="load")
    assert response is not None and response.ok, f"{path} is not served"
    assert blocking_violations(page) == []
    page.wait_for_load_state("networkidle")
    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"


@pytest.mark.parametrize("path", ["/modules/what-ai-is/", "/fr/modules/what-ai-is/"])
def test_answered_quiz_has_no_serious_accessibility_violation(
    page: Page, site_url: str, path: str
) -> None:
    page.goto(site_url + path, wait_until="networkidle")
    quizzes = page.locator(".quiz")
    quizzes.nth(0).locator("input[name=answer]:not([data-correct=true])").first.check()
    quizzes.nth(1).locator("input[name=answer][data-correct=true]").first.check()
    page.locator(".aimed-read input").check()
    page.locator(".quiz-feedback").first.wait_for(state="visible")
    assert blocking_violations(page) == []
