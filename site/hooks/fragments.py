"""The site's HTML fragments, rendered from the Jinja2 templates of site/templates/.

Escaping as aimed.texts.markup does it (autoescape, the bytes ``html.escape`` writes), so the
pages kept their bytes when the f-strings became templates. The course's own texts (the
``TEXT`` tables, some holding ``<code>``) are passed through ``trusted``.
"""

from __future__ import annotations

from typing import Any

from aimed.texts.markup import environment, fill, text, trusted

__all__ = ["fill", "render", "text", "trusted"]

ENV = environment("aimed.site")


def render(template: str, **context: Any) -> str:
    """The fragment ``site/templates/<template>.html.j2`` (its final newline dropped)."""
    return ENV.get_template(f"{template}.html.j2").render(**context)
