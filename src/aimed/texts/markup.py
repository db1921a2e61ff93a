"""HTML from Jinja2 templates, escaped the way ``html.escape`` writes it: one way for every surface.

The site's fragments (aimed.site.hooks.fragments) and the exercise server's pages (aimed.lab)
render templates shipped in their package's ``templates/`` folder. Every value a template
prints is escaped (autoescape); the project's own texts, which may hold markup, are passed
through :func:`trusted`, and a value set in such a text goes through :func:`fill`.
Jinja2 comes with the surfaces that use this (MkDocs, Jupyter Server), not with the core.
"""

from __future__ import annotations

import html
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


def escaped(value: Any) -> Any:
    """A string as ``html.escape`` writes it, marked safe; markup and numbers as they are."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return Markup(html.escape(value))
    return value


def text(value: Any) -> Markup:
    """Text between tags: quotes left as they are (only ``& < >`` escaped)."""
    return Markup(html.escape(str(value), quote=False))


def trusted(words: dict[str, str]) -> dict[str, Markup]:
    """The project's own texts, printed as written (they may hold markup)."""
    return {key: Markup(value) for key, value in words.items()}


def fill(template: str, **values: Any) -> Markup:
    """A trusted text with its ``{placeholders}`` filled by escaped values."""
    return Markup(str(template).format(**{name: escaped(v) for name, v in values.items()}))


def environment(package: str) -> Environment:
    """The templates of ``<package>/templates/``, autoescaped, with ``text`` and ``fill``."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        finalize=escaped,
        undefined=StrictUndefined,
    )
    env.filters["text"] = text
    env.filters["fill"] = fill
    return env
