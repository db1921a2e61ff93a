"""Page furniture a physician's review asked for, rendered by course_features.py.

- Front matter ``reviewed: YYYY-MM-DD`` -> "Last reviewed: <date>" under the title, the date
  written the way the page's language writes dates (Babel).
- A module page's title is numbered as in the menu: "Bias" under the nav entry "Module 3:
  Bias" is shown as "Module 3: Bias", so heading and menu never disagree on the number.
- ``<!-- link: sandbox | label -->`` and ``<!-- link: repository | label -->`` (inline) -> a
  link to the sandbox's home in the page's language, or to the project's repository, from
  the site plugin's ``sandbox_url`` / ``repository_url``; with no URL set, the label is
  left as plain text rather than a dead link.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from aimed.site.hooks.course_record import long_date
from aimed.site.hooks.fragments import render, text

REVIEWED = {
    "en": "Last reviewed: {date}",
    "fr": "Dernière relecture\u202f: {date}",
}
TITLE_LINE = re.compile(r"^# (.+)$", re.MULTILINE)
NUMBERED = re.compile(r"^(Module \d+)(\s*:\s*)(.+)$")
LINK_MARK = re.compile(r"<!--\s*link:\s*([\w-]+)\s*\|\s*(.+?)\s*-->")
LINK_TARGETS = ("sandbox", "repository")


def review_date(value: Any) -> date:
    """The ``reviewed`` front matter as a date (YAML gives one; a quoted ISO string works too)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"reviewed must be a date written YYYY-MM-DD, not '{value}'") from None


def reviewed_line(value: Any, lang: str) -> str:
    line = REVIEWED[lang].format(date=long_date(review_date(value), lang))
    return render("reviewed", text=line)


def numbered_title(markdown: str, nav_title: str | None) -> str:
    """Give the page's ``# Title`` the number its nav entry ("Module N: Title") carries."""
    numbered = NUMBERED.match(nav_title or "")
    title = TITLE_LINE.search(markdown)
    if numbered is None or title is None or title.group(1).strip() != numbered.group(3):
        return markdown
    return f"{markdown[: title.start(1)]}{nav_title}{markdown[title.end(1) :]}"


def link_target(name: str, lang: str, urls: dict[str, Any]) -> str:
    """The address a ``link`` marker points to ("" when the site does not know it)."""
    if name == "sandbox":
        base = str(urls.get("sandbox_url") or "").rstrip("/")
        return f"{base}/?lang={lang}" if base else ""
    if name == "repository":
        return str(urls.get("repository_url") or "")
    raise ValueError(f"unknown link '{name}' (known: {', '.join(LINK_TARGETS)})")


def expand_links(markdown: str, lang: str, urls: dict[str, Any]) -> str:
    """The ``link`` markers of a page, as links to ``urls`` (the plugin's settings)."""

    def link(match: re.Match[str]) -> str:
        href = link_target(match.group(1), lang, urls)
        if not href:
            return str(text(match.group(2)))
        return render("link", name=match.group(1), href=href, label=match.group(2))

    return LINK_MARK.sub(link, markdown)
