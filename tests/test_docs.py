"""The README stays a short front door, and every link of the documentation lands somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "exercises/README.md"]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_readme_opens_with_the_two_commands_and_stays_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines (150 at most)"
    opening = "\n".join(lines[:6])
    assert re.search(r"^make serve\s+#", opening, re.M)
    assert re.search(r"^make test\s+#", opening, re.M)


def test_readme_links_one_page_per_audience() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("exercises/README.md", "docs/authors.md", "docs/contributors.md"):
        assert f"]({page})" in text, f"README.md does not link {page}"


@pytest.mark.parametrize("page", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_land_on_a_file(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = [
        target
        for target in LINK.findall(text)
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert missing == [], f"{page.relative_to(ROOT)} links to missing files: {missing}"
