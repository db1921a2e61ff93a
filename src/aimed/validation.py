"""What every engine accepts from a person, and the one error it raises otherwise.

Engines raise :class:`InputError` with a text key; the sandbox shows ``message(lang)``, a
notebook or the CLI shows the English ``str()``. Nothing is lost: callers keep the input.

The rules every engine shares live here, once: a seed (:func:`check_seed`, one range for
every page, notebook and command) and a share (:func:`check_share`, a proportion shown to
people as a percentage). :class:`Given` writes the rejected value in the reader's language.
"""

from __future__ import annotations

import math
import numbers as abstract
from typing import SupportsFloat, SupportsIndex

from aimed.texts import numbers
from aimed.texts.i18n import t

__all__ = [
    "MAX_SEED",
    "Given",
    "InputError",
    "Label",
    "as_number",
    "check_choice",
    "check_seed",
    "check_share",
    "next_seed",
]

#: The largest seed (draft number, series number, random seed) any surface accepts: small
#: enough to type and read back, large enough that nobody runs out of draws.
MAX_SEED = 10_000

_NO_NUMBER = {"en": "an empty or non-numeric value", "fr": "une valeur vide ou non numérique"}
_INFINITY = {"en": "infinity", "fr": "l'infini"}


class InputError(ValueError):
    """Bad input from a person (a slider, a text box, a CLI argument), not a bug."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(t(key, "en", **values))

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


def as_number(value: object) -> float | None:
    """The value as a float, or None when it is not a number at all (empty box, text)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):  # at once: a protocol check is slow, engines call often
        return float(value)
    if not isinstance(value, str | bytes | SupportsFloat | SupportsIndex):
        return None
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


class Given:
    """A rejected value (or a limit), written in the reader's language.

    The locale files say ``{given:en}`` or ``{given:fr}``: the format spec picks the
    language, so ``0.5`` reads ``50%`` in English and ``50 %`` in French.
    """

    def __init__(self, value: object, percent: bool) -> None:
        self.value = value
        self.percent = percent

    def __format__(self, spec: str) -> str:
        lang = spec if spec in _NO_NUMBER else "en"
        number = as_number(self.value)
        if number is None or math.isnan(number):
            return _NO_NUMBER[lang]
        if math.isinf(number):
            return ("-" if number < 0 else "") + _INFINITY[lang]
        if self.percent:
            return numbers.percent(number, lang, digits=4, least=0)
        return numbers.plain(number, lang)

    def __str__(self) -> str:
        return format(self, "en")


class Label:
    """A text key shown in the reader's language where a message says ``{what:fr}``."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __format__(self, spec: str) -> str:
        return t(self.key, spec if spec in _NO_NUMBER else "en")

    def __str__(self) -> str:
        return format(self, "en")


def check_seed(seed: object, label: str = "common.glossary.seed.name") -> int:
    """A seed as every surface takes it: a whole number from 0 to :data:`MAX_SEED`.

    ``label`` is the text key of the box's name on the page (``Draft number``), so the
    message names what the person typed into.
    """
    if isinstance(seed, bool) or not isinstance(seed, abstract.Integral):
        seed_value = None
    else:
        seed_value = int(seed)
    if seed_value is None or not 0 <= seed_value <= MAX_SEED:
        raise InputError(
            "common.errors.seed",
            what=Label(label),
            given=Given(seed, percent=False),
            maximum=Given(MAX_SEED, percent=False),
        )
    return seed_value


def check_choice(value: object, choices: tuple[str, ...], key: str) -> str:
    """One of ``choices`` (a bias, a site, a label); ``key`` says what was asked for."""
    if value not in choices:
        raise InputError(key, given=str(value), choices=", ".join(choices))
    return str(value)


def next_seed(seed: object, step: int = 1) -> int:
    """The seed ``step`` further on, wrapping within the accepted range.

    Engines draw a second sample (a test set, another site) from ``seed + step``; wrapping
    keeps that seed valid when the person chose :data:`MAX_SEED`.
    """
    return (check_seed(seed) + step) % (MAX_SEED + 1)


def check_share(share: object, key: str = "common.errors.share", *, ends: bool = True) -> float:
    """A proportion from 0 to 1 (ends excluded with ``ends=False``), shown as a percentage.

    ``key`` names a more specific message (a prevalence, a threshold) when there is one.
    """
    value = as_number(share)  # NaN fails both comparisons below
    if value is None or not (0.0 <= value <= 1.0 if ends else 0.0 < value < 1.0):
        raise InputError(key, given=Given(share, percent=True))
    return value
