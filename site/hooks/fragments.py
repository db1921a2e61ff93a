"""The site's HTML fragments, rendered from the Jinja2 templates of site/templates/.

Every value a template prints is escaped (autoescape), the way ``html.escape`` writes it, so
pages kept their bytes when the f-strings became templates. The course's own texts (the
``TEXT`` tables, some holding ``<code>``) are passed through :func:`trusted`; a value set in a
trusted text goes through :func:`fill`, which escapes it.
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
    """The course's own texts, printed as written (they may hold markup)."""
    return {key: Markup(value) for key, value in words.items()}


def fill(template: str, **values: Any) -> Markup:
    """A trusted text with its ``{placeholders}`` filled by escaped values."""
    return Markup(str(template).format(**{name: escaped(v) for name, v in values.items()}))


ENV = Environment(
    loader=PackageLoader("aimed.site", "templates"),
    autoescape=True,
    finalize=escaped,
    undefined=StrictUndefined,
)
ENV.filters["text"] = text
ENV.filters["fill"] = fill


def render(template: str, **context: Any) -> str:
    """The fragment ``site/templates/<template>.html.j2`` (its final newline dropped)."""
    return ENV.get_template(f"{template}.html.j2").render(**context)
