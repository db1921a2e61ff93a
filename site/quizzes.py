"""The course's quizzes as data, for the exports to learning platforms (QTI, Moodle XML).

One reader for every export: mkdocs-quiz's own extractor, on a copy of the page whose
citations are plain labels ("Sjoding et al., 2020"), since a platform has no bibliography.
Identifiers are stable (``<page>-<lang>-q<n>``, answers ``-a<m>``), so an export made again
names the same question the same way.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import NamedTuple

from mkdocs_quiz.qti import extract_quizzes_from_file
from mkdocs_quiz.qti.models import QuizCollection

from aimed.course_manifest import load_manifest
from aimed.site.hooks.course_references import CITATION, load_references

REFERENCES = Path(__file__).resolve().parent / "references"
TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
SECTION = re.compile(r"^## (.+?)\s*$")


class QuizPage(NamedTuple):
    """A course page holding quizzes, in one language."""

    name: str  # the page's file name without language or suffix: "bias", "final-assessment"
    lang: str
    source: Path


def course_dir() -> Path:
    """The course folder the manifest found from the working folder (or $AIMED_COURSE) names."""
    return load_manifest().course_dir


def quiz_pages(course: Path | None = None) -> list[QuizPage]:
    """Every course page that holds a quiz, in both languages."""
    course = course or course_dir()
    found = []
    for path in sorted(course.rglob("*.md")):
        if "<quiz>" not in path.read_text(encoding="utf-8"):
            continue
        lang = "fr" if path.name.endswith(".fr.md") else "en"
        stem = path.relative_to(course).as_posix().removesuffix(".md").removesuffix(".fr")
        found.append(QuizPage(stem.rsplit("/", 1)[-1], lang, path))
    return found


def plain_citations(text: str, lang: str) -> str:
    """``[@a; @b]`` -> ``(A et al., 2020; B, 2019)``; an unknown key is an error."""
    references = load_references(REFERENCES)

    def label(match: re.Match[str]) -> str:
        keys = re.findall(r"@([\w-]+)", match.group(0))
        unknown = [k for k in keys if k not in references]
        if unknown:
            raise SystemExit(f"citation of unknown reference {unknown} (see site/references/)")
        return "(" + "; ".join(references[k].label(lang) for k in keys) + ")"

    return CITATION.sub(label, text)


def curly_quotes(text: str) -> str:
    """Straight double quotes outside HTML tags as “ and ”.

    mkdocs-quiz 1.7.1 writes an item's title attribute with ``xml.sax.saxutils.escape``,
    which leaves ``"`` as it is: a question quoting a word made the QTI package invalid XML.
    """
    parts = re.split(r"(<[^>]*>)", text)
    opening = True
    for i, part in enumerate(parts):
        if part.startswith("<"):
            continue
        chars = []
        for char in part:
            if char == '"':
                chars.append("“" if opening else "”")
                opening = not opening
            else:
                chars.append(char)
        parts[i] = "".join(chars)
    return "".join(parts)


def situations(page: QuizPage) -> list[tuple[str, str] | None]:
    """For each quiz of the page, in order: its situation and version letter ("bias-2", "b")
    on a final assessment's bank (course_record.assessment_bank), else None."""
    from aimed.site.hooks.course_record import assessment_bank

    text = page.source.read_text(encoding="utf-8")
    found: dict[int, tuple[str, str]] = {}
    try:
        bank = assessment_bank(text)
    except ValueError as error:
        raise SystemExit(f"{page.source}: {error}") from None
    for situation in bank:
        if not situation.module:
            continue  # no markers: no bank
        for version, index in enumerate(situation.versions):
            found[index] = (situation.id, chr(ord("a") + version))
    return [found.get(index) for index in range(count_quizzes(text))]


def count_quizzes(text: str) -> int:
    from aimed.site.hooks.course_features import count_quizzes as count

    return count(text)


def collection(page: QuizPage) -> tuple[QuizCollection, list[str]]:
    """The page's quizzes (citations as plain labels, stable identifiers) and, for each, the
    ``##`` section it stands under ("" before the first)."""
    text = plain_citations(page.source.read_text(encoding="utf-8"), page.lang)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / f"{page.name}-{page.lang}.md"
        copy.write_text(text, encoding="utf-8")
        quizzes = extract_quizzes_from_file(copy)
    lines = text.splitlines()
    sections = []
    for n, quiz in enumerate(quizzes, 1):
        quiz.question = curly_quotes(quiz.question)
        quiz.identifier = f"{page.name}-{page.lang}-q{n}"
        for m, answer in enumerate(quiz.answers, 1):
            answer.identifier = f"{quiz.identifier}-a{m}"
        above = lines[: quiz.source_line or 0]
        headings = [h.group(1) for line in above if (h := SECTION.match(line))]
        sections.append(headings[-1] if headings else "")
    # The page's heading, not a "# comment" in its YAML front matter
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    title = TITLE.search(body)
    quizzes_of_page = QuizCollection(
        title=title.group(1).strip() if title else page.name,
        quizzes=quizzes,
        description=f"AI in medicine, for physicians: {page.name} ({page.lang})",
        identifier=f"aimed-{page.name}-{page.lang}",
    )
    errors = quizzes_of_page.validate()
    if errors:
        raise SystemExit(f"{page.source}: {errors}")
    return quizzes_of_page, sections
