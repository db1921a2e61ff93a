"""Pictures for the exercise notebooks, written as SVG text.

A learner's install holds the core alone (``tests/core/test_core_install.py``): matplotlib
is a surface's library, so the notebooks' charts are drawn here with no font, image or
script, and carry the text a screen reader says for them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

INK = "#1a1a1a"  # text, dark enough on white for WCAG AA at every size used


@dataclass(frozen=True)
class Picture:
    """An SVG picture Jupyter shows as an image (``_repr_svg_``) and prints as its description."""

    svg: str
    description: str

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return self.description


def text(
    x: float,
    y: float,
    words: str,
    *,
    anchor: str = "start",
    size: int = 12,
    bold: bool = False,
) -> str:
    """One line of text, escaped, at (x, y)."""
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{weight} '
        f'fill="{INK}">{html.escape(words)}</text>'
    )


def picture(width: float, height: float, body: str, *, title: str, description: str) -> Picture:
    """The whole SVG document around ``body``: white ground, a title and a description
    (said once: left out where it is the title itself)."""
    desc = "" if description == title else f"<desc>{html.escape(description)}</desc>"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" role="img" font-family="sans-serif">'
        f"<title>{html.escape(title)}</title>{desc}"
        f'<rect width="{width:g}" height="{height:g}" fill="white"/>{body}</svg>'
    )
    return Picture(svg, description)
