"""Course figures: drawn at build time from the engines, written into the site as SVG.

Every ``site/figures/<name>.py`` (except ``figure_base.py``) defines ``FIGURES = {name: draw}``.
``<!-- figure: name -->`` on a page becomes an image with the figure's alternative text in
the page's language; the SVG is written next to the site's assets. An unknown name stops
the build. Nothing is fetched: the numbers come from ``aimed`` and the drawing from
matplotlib.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

FIGURES_DIR = Path(__file__).resolve().parents[1] / "figures"


class FigureError(Exception):
    """An unknown figure, or two figure modules defining the same name."""


@lru_cache(maxsize=1)
def registry() -> dict[str, Callable[[str], Any]]:
    """Every figure name -> its drawing function, from the modules of ``site/figures/``."""
    found: dict[str, Callable[[str], Any]] = {}
    for path in sorted(FIGURES_DIR.glob("*.py")):
        if path.stem in {"figure_base", "__init__"}:
            continue
        module = importlib.import_module(f"aimed.site.figures.{path.stem}")
        for name, draw in getattr(module, "FIGURES", {}).items():
            if name in found:
                raise FigureError(f"figure '{name}' is defined twice (last in {path.name})")
            found[name] = draw
    return found


@cache
def draw(name: str, lang: str) -> Any:
    """The figure ``name`` in ``lang`` (drawn once per build process)."""
    figures = registry()
    if name not in figures:
        raise FigureError(f"unknown figure '{name}' (known: {', '.join(sorted(figures))})")
    return figures[name](lang)
