"""Course figures: drawn at build time from the engines, written into the site as SVG.

Every ``site/figures/<name>.py`` (except ``figure_base.py``) defines ``FIGURES = {name: draw}``.
``<!-- figure: name -->`` on a page becomes an image with the figure's alternative text in
the page's language; the SVG is written next to the site's assets. An unknown name stops
the build. Nothing is fetched: the numbers come from ``aimed`` and the drawing from
matplotlib.

With ``AIMED_FIGURE_CACHE`` set (``aimed.settings.figure_cache``), a drawn figure is also kept
in that folder under a digest of everything that could change it (the ``aimed`` package's
files, this site package's files, matplotlib's and NumPy's versions, its name and language):
a build with the same code reads it back instead of drawing it again. Unset, every build draws.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from collections.abc import Callable
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aimed
from aimed import settings

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
    """The figure ``name`` in ``lang`` (drawn once per build process, or read from the cache)."""
    folder = settings.figure_cache()
    kept = folder / f"{name}.{lang}.{code_digest()}.json" if folder else None
    if kept is not None and kept.is_file():
        from aimed.site.figures import Figure

        return Figure(**json.loads(kept.read_text(encoding="utf-8")))
    figures = registry()
    if name not in figures:
        raise FigureError(f"unknown figure '{name}' (known: {', '.join(sorted(figures))})")
    figure = figures[name](lang)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}")  # two builds may draw at once
        partial.write_text(json.dumps({"svg": figure.svg, "alt": figure.alt}), encoding="utf-8")
        partial.replace(kept)
    return figure


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the files of ``aimed`` and of this site package, and of the versions of the
    libraries that draw: what a figure depends on, so a cached figure is never stale."""
    digest = hashlib.sha256()
    for name in ("matplotlib", "numpy"):
        digest.update(f"{name}={version(name)}\n".encode())
    for top in sorted({Path(aimed.__file__).parent, FIGURES_DIR.parent}):
        for path in sorted(top.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(top).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:20]
