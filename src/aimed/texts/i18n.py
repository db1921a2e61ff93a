"""Bilingual text catalogue for the sandbox and the engines' messages.

Texts live in ``locales/<namespace>.<lang>.toml`` so that each scenario keeps its
English and French side by side, and a test can prove both hold the same keys.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"


def normalise_language(value: object) -> str:
    """Map anything a URL or widget may hold to a supported language code."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    code = str(value or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _flatten(prefix: str, table: Mapping[str, object], out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(full, value, out)
        elif isinstance(value, str):
            out[full] = value
        else:
            raise ValueError(f"{full}: texts must be strings, got {type(value).__name__}")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All texts of one language, keyed ``namespace.key``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {LANGUAGES}")
    texts: dict[str, str] = {}
    for path in sorted(LOCALES_DIR.glob(f"*.{lang}.toml")):
        namespace = path.name[: -len(f".{lang}.toml")]
        with path.open("rb") as handle:
            _flatten(namespace, tomllib.load(handle), texts)
    return texts


def placeholders(text: str) -> set[str]:
    """Names a text expects to be filled in, so both languages can be compared."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for ``key`` in ``lang``; a missing key is an error, never a silent fallback."""
    texts = catalogue(normalise_language(lang))
    try:
        text = texts[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in language {lang!r}") from None
    return text.format(**values) if values else text
