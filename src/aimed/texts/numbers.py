"""Numbers as a reader of each language expects them, through Babel's CLDR patterns.

English ``16.1%``, ``10,000``, ``0.82``; French ``16,1 %`` (no-break space), ``10 000``
(narrow no-break space), ``0,82``. Every page, message and chart formats through here.
"""

from __future__ import annotations

import copy
import math
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern

UNDEFINED = "–"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("fr" if lang == "fr" else "en")


@cache
def _pattern(lang: str, kind: str, least: int, most: int) -> NumberPattern:
    formats = _locale(lang).percent_formats if kind == "percent" else _locale(lang).decimal_formats
    pattern = copy.copy(formats[None])
    pattern.frac_prec = (least, most)
    return pattern


def _significant(value: float, digits: int) -> int:
    """Decimals that keep ``digits`` significant digits of ``value`` (0 for large values)."""
    if value == 0:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(value))))


def percent(value: float | None, lang: str, digits: int = 1, *, least: int | None = None) -> str:
    """A fraction as a percentage: ``0.161`` -> ``16.1%`` / ``16,1 %``.

    ``digits`` decimals at most, ``least`` at least (default: as many as ``digits``); below
    1%, two significant digits, so a small value never reads 0.0%.
    """
    if value is None or math.isnan(value):
        return UNDEFINED
    most, least = digits, digits if least is None else least
    if 0 < abs(value) < 0.01:
        most = max(digits, _significant(value * 100, 2))
    return _pattern(lang, "percent", least, most).apply(value, _locale(lang))


def decimal(value: float | None, lang: str, digits: int = 2, *, least: int | None = None) -> str:
    """``0.815`` -> ``0.82`` / ``0,82``: ``digits`` decimals (at least ``least``)."""
    if value is None or math.isnan(value):
        return UNDEFINED
    least = digits if least is None else least
    return _pattern(lang, "decimal", least, digits).apply(value, _locale(lang))


def count(value: int, lang: str) -> str:
    """A whole number of people: ``10000`` -> ``10,000`` / ``10 000``."""
    return _pattern(lang, "decimal", 0, 0).apply(value, _locale(lang))


def plain(value: float, lang: str) -> str:
    """A parameter as written by hand: ``1.75``, ``3``, ``0.8`` (``1,75`` in French)."""
    return decimal(value, lang, digits=6, least=0)


def significant(value: float | None, lang: str, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits: ratios ``0.19``, ``2.59``, ``53.9``."""
    if value is None or math.isnan(value):
        return UNDEFINED
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    rounded = round(value, _significant(value, digits))
    return decimal(rounded, lang, digits=_significant(value, digits), least=0)


def plural(value: float, lang: str) -> str:
    """CLDR plural category of ``value``: ``one``, ``other`` (French ``many`` for millions).

    French puts 0 and anything below 2 in the singular (« 0 patient », « 1,75 point »),
    English only exactly 1; Babel carries both rules.
    """
    return _locale(lang).plural_form(abs(value))


def counted(key: str, value: float, lang: str, shown: str | None = None) -> str:
    """A number with its noun agreed: ``key.one`` / ``key.other`` texts, ``{n}`` filled in.

    ``shown`` is the number already written (``1,75``); by default a whole count
    (``10 000``). A language without a ``many`` form of ``key`` uses ``other``.
    """
    from aimed.texts.i18n import catalogue, t

    form = f"{key}.{plural(value, lang)}"
    if form not in catalogue(lang):
        form = f"{key}.other"
    return t(form, lang, n=count(int(value), lang) if shown is None else shown)


def parse(text: str, lang: str) -> float | None:
    """A number typed by hand as the reader's language writes it (``9,2`` or ``9.2``).

    Spaces and a trailing ``%`` are ignored; either decimal mark is accepted, since people
    mix them. ``None`` when the text is not a finite number.
    """
    from babel.numbers import NumberFormatError, parse_decimal

    clean = "".join(text.split()).replace("\u202f", "").removesuffix("%")
    try:
        value = float(parse_decimal(clean, locale=_locale(lang), strict=True))
    except (NumberFormatError, ValueError):
        try:
            value = float(clean.replace(",", "."))
        except ValueError:
            return None
    return value if math.isfinite(value) else None
