"""One bibliography for the course: entries from references/*.toml, short inline citations.

Kept free of MkDocs so the tests can check citation rules without building the site.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

# `[@key]` or `[@a; @b]`, keys made of letters, digits, `-` and `_`.
CITATION = re.compile(r"\[(@[A-Za-z0-9_-]+(?:\s*;\s*@[A-Za-z0-9_-]+)*)\]")
KEY = re.compile(r"@([A-Za-z0-9_-]+)")
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]+`")
INITIALS = re.compile(r"^[A-Z]{1,3}$")
REQUIRED = ("authors", "year", "title", "source")
AND = {"en": "and", "fr": "et"}


class CitationError(ValueError):
    """A reference file or a citation that cannot be resolved (the build must stop)."""


@dataclass(frozen=True)
class Reference:
    """One bibliography entry, as written in a references/*.toml table."""

    key: str
    authors: str
    year: int
    title: str
    source: str
    url: str = ""
    short: str = ""  # optional override of the author part of the inline label

    def author_label(self, lang: str) -> str:
        """Author part of an inline citation: "Sjoding et al.", "Smith and Jones", "WHO"."""
        if self.short:
            return self.short
        names = [surname(name) for name in self.authors.split(",") if name.strip()]
        if "et al." in names:  # "Smith AB, et al.": more authors than listed
            return f"{names[0]} et al."
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} {AND.get(lang, 'and')} {names[1]}"
        return f"{names[0]} et al."

    def label(self, lang: str) -> str:
        return f"{self.author_label(lang)}, {self.year}"


def surname(name: str) -> str:
    """Family name: "Sjoding MW" -> "Sjoding"; "ACSEL (...); fieldwork by X" -> "ACSEL"."""
    words = re.split(r"[(;]", name, maxsplit=1)[0].split()
    if len(words) > 1 and INITIALS.match(words[-1]):
        words = words[:-1]
    return " ".join(words)


def load_references(folder: Path) -> dict[str, Reference]:
    """Every entry of every references/*.toml file; a key defined twice is an error."""
    found: dict[str, Reference] = {}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            tables = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise CitationError(f"{path.name}: {error}") from error
        for key, table in tables.items():
            if key in found:
                raise CitationError(
                    f"reference '{key}' is defined in both {origin[key]} and {path.name}"
                )
            if not isinstance(table, dict):
                raise CitationError(f"{path.name}: '{key}' must be a table [{key}]")
            missing = [field for field in REQUIRED if not table.get(field)]
            if missing:
                raise CitationError(f"{path.name}: [{key}] lacks {', '.join(missing)}")
            unknown = set(table) - {*REQUIRED, "url", "short"}
            if unknown:
                raise CitationError(f"{path.name}: [{key}] has unknown fields {sorted(unknown)}")
            found[key] = Reference(
                key=key,
                authors=str(table["authors"]),
                year=int(table["year"]),
                title=str(table["title"]),
                source=str(table["source"]),
                url=str(table.get("url", "")),
                short=str(table.get("short", "")),
            )
            origin[key] = path.name
    return found


def _masked(markdown: str) -> str:
    """The text with code (fenced and inline) blanked, so examples are never read as citations."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return INLINE_CODE.sub(blank, FENCE.sub(blank, markdown))


def cited_keys(markdown: str) -> list[str]:
    """Every key cited in a page, in order of appearance (repeats kept)."""
    return [
        key for match in CITATION.finditer(_masked(markdown)) for key in KEY.findall(match.group(1))
    ]


def expand_citations(
    markdown: str, references: dict[str, Reference], lang: str, bibliography_link: str
) -> str:
    """Replace each `[@key]` by "(Author et al., year)" linked to its bibliography anchor.

    `bibliography_link` is the Markdown link target of the bibliography page relative to the
    page (e.g. "../bibliography.md"), so MkDocs validates it and static-i18n localises it.
    """
    masked = _masked(markdown)
    pieces: list[str] = []
    last = 0
    for match in CITATION.finditer(masked):
        keys = KEY.findall(match.group(1))
        unknown = [key for key in keys if key not in references]
        if unknown:
            line = masked.count("\n", 0, match.start()) + 1
            raise CitationError(
                f"line {line}: citation of unknown reference {', '.join(unknown)} "
                "(add it to a references/*.toml file)"
            )
        links = [f"[{references[key].label(lang)}]({bibliography_link}#{key})" for key in keys]
        pieces.append(markdown[last : match.start()])
        pieces.append("(" + "; ".join(links) + ")")
        last = match.end()
    pieces.append(markdown[last:])
    return "".join(pieces)


def render_bibliography(references: dict[str, Reference], lang: str) -> str:
    """The full list as Markdown paragraphs, each with the key as its anchor, sorted by author."""
    if not references:
        return {"en": "*No reference yet.*", "fr": "*Aucune référence pour l'instant.*"}[lang]
    ordered = sorted(references.values(), key=lambda r: (r.authors.casefold(), r.year, r.key))
    blocks = []
    for ref in ordered:
        title = html.escape(ref.title.rstrip("."), quote=False)
        authors = html.escape(ref.authors.rstrip("."), quote=False)
        text = (
            f"**{ref.label(lang)}**. {authors}. {title}. "
            f"*{html.escape(ref.source, quote=False)}*, {ref.year}."
        )
        if ref.url:
            text += f" <{ref.url}>"
        blocks.append(f"{text}\n{{: #{ref.key} .aimed-reference }}")
    return "\n\n".join(blocks)
