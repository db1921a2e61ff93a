"""Every quiz of the course as QTI packages, for a learning platform (Canvas, Moodle...).

One package per page with quizzes and per language, in both QTI 1.2 (Canvas, Blackboard)
and QTI 2.1 (Moodle with an IMS QTI 2.1 import plugin), written by mkdocs-quiz's own
exporter: ``build/qti/<version>/<page>-<lang>.zip``. Citations become plain labels
("Sjoding et al., 2020"), since the platform has no bibliography; identifiers are stable
(``<page>-<lang>-q<n>``), so a package imported again replaces rather than duplicates.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs_quiz.qti import QTIExporter, QTIVersion, extract_quizzes_from_file
from mkdocs_quiz.qti.models import QuizCollection

from aimed.site.hooks.course_references import CITATION, load_references

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"

VERSIONS = {"1.2": QTIVersion.V1_2, "2.1": QTIVersion.V2_1}
TITLE = re.compile(r"^# (.+)$", re.MULTILINE)


def quiz_pages() -> list[tuple[str, str, Path]]:
    """(page name, language, source) of every course page that holds a quiz."""
    found = []
    for path in sorted(COURSE.rglob("*.md")):
        if "<quiz>" not in path.read_text(encoding="utf-8"):
            continue
        lang = "fr" if path.name.endswith(".fr.md") else "en"
        stem = path.relative_to(COURSE).as_posix().removesuffix(".md").removesuffix(".fr")
        found.append((stem.rsplit("/", 1)[-1], lang, path))
    return found


def plain_citations(text: str, lang: str) -> str:
    """``[@a; @b]`` -> ``(A et al., 2020; B, 2019)``."""
    references = load_references(ROOT / "site" / "references")

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
    which leaves ``"`` as it is: a question quoting a word made the package invalid XML.
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


def collection(name: str, lang: str, source: Path, scratch: Path) -> QuizCollection:
    """The page's quizzes, citations as plain labels, with stable identifiers."""
    text = plain_citations(source.read_text(encoding="utf-8"), lang)
    copy = scratch / f"{name}-{lang}.md"
    copy.write_text(text, encoding="utf-8")
    quizzes = extract_quizzes_from_file(copy)
    for n, quiz in enumerate(quizzes, 1):
        quiz.question = curly_quotes(quiz.question)
        quiz.identifier = f"{name}-{lang}-q{n}"
        for m, answer in enumerate(quiz.answers, 1):
            answer.identifier = f"{quiz.identifier}-a{m}"
    title = TITLE.search(text)
    return QuizCollection(
        title=title.group(1).strip() if title else name,
        quizzes=quizzes,
        description=f"AI in medicine, for physicians: {name} ({lang})",
        identifier=f"aimed-{name}-{lang}",
    )


def export(out_dir: Path) -> list[Path]:
    """Write every package; returns their paths."""
    import tempfile

    written = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, lang, source in quiz_pages():
            quizzes = collection(name, lang, source, Path(scratch))
            errors = quizzes.validate()
            if errors:
                raise SystemExit(f"{source.relative_to(ROOT)}: {errors}")
            for version, qti in VERSIONS.items():
                target = out_dir / version / f"{name}-{lang}.zip"
                target.parent.mkdir(parents=True, exist_ok=True)
                written.append(QTIExporter.create(quizzes, qti).export_to_zip(target))
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "qti"
    packages = export(out)
    print(f"{len(packages)} QTI packages in {out}")
