"""Figures drawn from the engines at build time, one module per course module.

``Figure`` lives here, not in ``figure_base``, so that a build reading every figure from the
cache (``AIMED_FIGURE_CACHE``) never imports matplotlib (a second of each build).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """An SVG and the text a screen reader says instead of it."""

    svg: str
    alt: str
