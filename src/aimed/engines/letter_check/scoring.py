"""Scoring a reader's marks against the seeded errors, and checking the sentence they add."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from aimed.engines.letter_check.cases import Case, SeededError
from aimed.engines.letter_check.catalogue import MARK_CHOICES, NS
from aimed.engines.letter_check.rendering import check_language, drug_name
from aimed.texts.guard import check_free_text
from aimed.texts.i18n import t
from aimed.validation import InputError

# --- Marking and scoring ------------------------------------------------------------------------


@dataclass(frozen=True)
class Marking:
    """A reader's marks: a kind for each flagged sentence, and the items they think are missing.

    ``flagged`` maps a sentence index to one of :data:`MARK_CHOICES` other than ``ok``;
    ``missing`` holds record fact ids.
    """

    flagged: Mapping[int, str] = field(default_factory=dict)
    missing: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Outcome:
    """One seeded error and whether the reader caught it (and named its kind)."""

    error: SeededError
    caught: bool
    kind_named: bool


@dataclass(frozen=True)
class Score:
    outcomes: tuple[Outcome, ...]
    false_alarm_sentences: tuple[int, ...]
    false_alarm_items: tuple[str, ...]
    seconds: float | None

    @property
    def caught(self) -> int:
        return sum(o.caught for o in self.outcomes)

    @property
    def missed(self) -> int:
        return len(self.outcomes) - self.caught

    @property
    def false_alarms(self) -> int:
        return len(self.false_alarm_sentences) + len(self.false_alarm_items)

    @property
    def kinds_named(self) -> int:
        return sum(o.kind_named for o in self.outcomes)

    def by_family(self) -> dict[str, tuple[int, int]]:
        """(caught, total) for hallucinations and omissions."""
        out = {}
        for family in ("hallucination", "omission"):
            mine = [o for o in self.outcomes if o.error.family == family]
            out[family] = (sum(o.caught for o in mine), len(mine))
        return out


def _check_marking(case: Case, marking: Marking) -> None:
    for index, choice in dict(marking.flagged).items():
        if isinstance(index, bool) or not isinstance(index, int):
            raise InputError(f"{NS}.errors.sentence", given=index, n=len(case.statements))
        if not 0 <= index < len(case.statements):
            raise InputError(f"{NS}.errors.sentence", given=index, n=len(case.statements))
        if choice not in MARK_CHOICES or choice == "ok":
            raise InputError(f"{NS}.errors.choice", given=choice)
    facts = set(case.record.facts())
    for item in marking.missing:
        if item not in facts:
            raise InputError(f"{NS}.errors.item", given=item)


def score(case: Case, marking: Marking, seconds: float | None = None) -> Score:
    """Errors caught, errors missed and false alarms of a reader's marks.

    A sentence error is caught when its sentence is flagged (with any kind; the kind is
    counted apart); an omission is caught when its record item is picked as missing.
    A flagged sentence without an error, and an item picked as missing that the letter
    does state (even wrongly: then the sentence is what to flag), are false alarms.
    """
    _check_marking(case, marking)
    if seconds is not None and (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise InputError(f"{NS}.errors.seconds", given=seconds)
    flagged = dict(marking.flagged)
    outcomes = []
    for error in case.errors:
        if error.sentence is None:
            caught = error.fact in marking.missing
            outcomes.append(Outcome(error, caught, caught))
        else:
            choice = flagged.get(error.sentence)
            outcomes.append(Outcome(error, choice is not None, choice == error.kind))
    with_error = {e.sentence for e in case.errors if e.sentence is not None}
    omitted = set(case.omitted)
    return Score(
        tuple(outcomes),
        tuple(sorted(i for i in flagged if i not in with_error)),
        tuple(f for f in case.record.facts() if f in marking.missing and f not in omitted),
        None if seconds is None else float(seconds),
    )


# --- The sentence the reader would add ------------------------------------------------------------


@dataclass(frozen=True)
class AddedCheck:
    """Which of the letter's omissions a sentence written by the reader names."""

    named: tuple[str, ...]
    not_named: tuple[str, ...]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _omission_words(fact: str, lang: str) -> tuple[str, ...]:
    """The words that name an omitted item in a reader's sentence (accents and case folded)."""
    kind, _, key = fact.partition(":")
    if kind == "allergy":
        return tuple(_folded(w) for w in t(f"{NS}.allergen_words.{key}", lang).split("|"))
    return (_folded(drug_name(key, lang)),)


def check_added_sentence(case: Case, text: str, lang: str) -> AddedCheck:
    """Guard the reader's sentence, then say which omitted items it names.

    The text goes through :func:`aimed.texts.guard.check_free_text` first; refused text raises
    InputError and is never read further. An empty text is refused too.
    """
    check_language(lang)
    check_free_text(text)
    if not text.strip():
        raise InputError(f"{NS}.errors.empty_text")
    folded = _folded(text)
    named: list[str] = []
    not_named: list[str] = []
    for fact in case.omitted:
        found = any(word in folded for word in _omission_words(fact, lang))
        (named if found else not_named).append(fact)
    return AddedCheck(tuple(named), tuple(not_named))
