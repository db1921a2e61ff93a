"""The course site: strict bilingual build, page parity, nothing loaded from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)
QUIZ = re.compile(r"<quiz>")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def english_pages() -> list[Path]:
    return sorted(p for p in COURSE.rglob("*.md") if not p.name.endswith(".fr.md"))


def french_pages() -> list[Path]:
    return sorted(COURSE.rglob("*.fr.md"))


def twin(path: Path) -> Path:
    if path.name.endswith(".fr.md"):
        return path.with_name(path.name[: -len(".fr.md")] + ".md")
    return path.with_suffix(".fr.md")


def outline(path: Path) -> list[int]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return [len(m.group(1)) for m in HEADING.finditer(text)]


def test_course_has_pages() -> None:
    assert english_pages(), "course/ holds no page"


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: str(p.relative_to(COURSE)))
def test_every_english_page_has_its_french_twin(page: Path) -> None:
    assert twin(page).is_file(), f"{page.relative_to(ROOT)} has no French version"


@pytest.mark.parametrize("page", french_pages(), ids=lambda p: str(p.relative_to(COURSE)))
def test_every_french_page_has_its_english_twin(page: Path) -> None:
    assert twin(page).is_file(), f"{page.relative_to(ROOT)} has no English version"


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: str(p.relative_to(COURSE)))
def test_twins_have_the_same_outline_and_quizzes(page: Path) -> None:
    french = twin(page)
    if not french.is_file():
        pytest.fail(f"{page.relative_to(ROOT)} has no French version")
    assert outline(page) == outline(french), "heading structure differs between languages"
    english_quizzes = len(QUIZ.findall(page.read_text(encoding="utf-8")))
    french_quizzes = len(QUIZ.findall(french.read_text(encoding="utf-8")))
    assert english_quizzes == french_quizzes, "quiz question count differs between languages"


@pytest.mark.slow
def test_strict_build_serves_both_languages(built_site: Path) -> None:
    for page in english_pages():
        relative = page.relative_to(COURSE).with_suffix("")
        folder = relative.parent if relative.name == "index" else relative
        english_html = built_site / folder / "index.html"
        french_html = built_site / "fr" / folder / "index.html"
        assert english_html.is_file(), f"missing {english_html.relative_to(built_site)}"
        assert french_html.is_file(), f"missing {french_html.relative_to(built_site)}"
        assert '<html lang="en"' in english_html.read_text(encoding="utf-8")
        assert '<html lang="fr"' in french_html.read_text(encoding="utf-8")


EMBEDDED = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?"""
    r"""(?:src|href|data)\s*=\s*["'](?:https?:)?//(?!127\.0\.0\.1|localhost)[^"']*""",
    re.IGNORECASE,
)


@pytest.mark.slow
def test_built_site_embeds_nothing_from_another_host(built_site: Path) -> None:
    """Static check of every built page; the browser test checks what is actually requested.

    Links a reader may click (citations) are allowed; scripts, styles, fonts and images are not.
    """
    offenders = [
        f"{path.relative_to(built_site)}: {match.group(0)[:160]}"
        for path in built_site.rglob("*.html")
        for match in EMBEDDED.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "\n".join(offenders)
