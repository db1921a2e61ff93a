"""Which edition of the course a result belongs to: the package's version and the date of the
content's last medical review (the latest ``reviewed:`` of the module and assessment pages),
with the modules' titles and learning objectives, for the evidence file and the attestation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aimed import __version__
from aimed.course_manifest import Manifest, ManifestError, find_manifest, load_manifest

REVIEWED = re.compile(r"^reviewed:\s*(\d{4}-\d{2}-\d{2})\s*$", re.M)
OBJECTIVES = re.compile(r'^!!! abstract "[^"]*"\n((?:[ ]{4}.*\n|\n)+)', re.M)
# The orientation page's "How long it takes": an hour to an hour and a half per module,
# reading, quiz, sandbox and exercise together. An estimate, and printed as one.
MINUTES_PER_MODULE = (60, 90)


@dataclass(frozen=True)
class ModuleSummary:
    number: int
    slug: str
    titles: dict[str, str]
    objectives: dict[str, list[str]]  # language -> the page's learning objectives


@dataclass(frozen=True)
class Edition:
    version: str
    reviewed: date  # the content's last medical review
    modules: tuple[ModuleSummary, ...]

    @property
    def hours(self) -> tuple[float, float]:
        """The course's estimated duration, low and high, in hours."""
        low, high = (n * len(self.modules) / 60 for n in MINUTES_PER_MODULE)
        return low, high


def front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return ""
    return text[4 : text.find("\n---", 4) + 1]


def objectives(path: Path) -> list[str]:
    """The bullets of a page's "Learning objectives" box, each on one line."""
    match = OBJECTIVES.search(path.read_text(encoding="utf-8"))
    if not match:
        return []
    items: list[str] = []
    for line in match.group(1).splitlines():
        stripped = line.strip()
        if stripped.startswith("- "):
            items.append(stripped[2:])
        elif stripped and items:
            items[-1] += " " + stripped
    return items


def course_manifest(start: Path | None = None) -> Manifest:
    """The course the trainer's folder belongs to; else the one found from the working folder
    or $AIMED_COURSE."""
    if start is not None:
        try:
            return load_manifest(find_manifest(start))
        except ManifestError:
            pass
    return load_manifest()


def edition(manifest: Manifest | None = None) -> Edition:
    """The course's edition, read from its pages."""
    manifest = manifest or course_manifest()
    folder = manifest.course_dir
    pages = [folder / m.page_in(lang) for m in manifest.modules for lang in ("en", "fr")]
    pages += [folder / "final-assessment.md", folder / "final-assessment.fr.md"]
    dates = [
        date.fromisoformat(found.group(1))
        for page in pages
        if page.is_file() and (found := REVIEWED.search(front_matter(page)))
    ]
    if not dates:
        raise ManifestError(f"{folder}: no page says when it was last reviewed (reviewed:)")
    modules = tuple(
        ModuleSummary(
            m.number,
            m.slug,
            dict(m.titles),
            {lang: objectives(folder / m.page_in(lang)) for lang in ("en", "fr")},
        )
        for m in manifest.modules
    )
    return Edition(__version__, max(dates), modules)


def content_reviewed(start: Path | None = None) -> str:
    """The date of the content's last medical review (YYYY-MM-DD), "" when the course's pages
    cannot be found from ``start`` (the trainer's folder)."""
    try:
        return edition(course_manifest(start)).reviewed.isoformat()
    except ManifestError:
        return ""
