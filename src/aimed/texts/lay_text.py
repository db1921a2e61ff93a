"""Read a patient's own words (English or French) into chest-pain findings, and say what was missed.

Bean et al. (Nat Med 2026) found that people using chatbots gave incomplete information
and the tools did not notice. This reader is deliberately simple and transparent: it maps
listed phrases (``data/lay_phrases.toml``) to findings, handles negation ("no fever",
"pas de fièvre", "I don't have a cough", "je n'ai pas de toux", "sans essoufflement",
"je ne tousse pas"), and reports three things: what it understood, the phrases it could
not map to anything, and the important findings the text never mentions.

Every text first goes through :func:`aimed.texts.guard.check_free_text`: nothing that looks
like a patient identifier is read.

Limits (on purpose, for teaching): negation runs from its cue to the end of the clause
(clauses end at punctuation and at words such as "but", "mais", "and I", "et je"); a
phrase that is not listed is not understood, whatever it means.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aimed.engines.chest_pain import Answer, Evidence, EvidenceError, default_evidence
from aimed.texts.guard import check_free_text
from aimed.validation import InputError

__all__ = [
    "PHRASES_FILE",
    "Phrasebook",
    "Reading",
    "Understood",
    "load_phrasebook",
    "read_lay_text",
]

PHRASES_FILE = Path(__file__).parents[1] / "data" / "lay_phrases.toml"
_LANGS = ("en", "fr")
_PUNCTUATION = re.compile(r"[.;:!?,\n()]+")
_WORD = re.compile(r"[a-z0-9']+")
_SPECIAL = {"’": "'", "‘": "'", "œ": "o", "æ": "a", "ß": "s"}


def normalise(text: str) -> str:
    """Lower case, no accents, straight apostrophes; same length, so spans map back."""
    out = []
    for ch in text:
        ch = _SPECIAL.get(ch, ch)
        low = ch.lower()
        low = low[0] if low else ch
        base = unicodedata.normalize("NFD", low)[0]
        out.append(base)
    return "".join(out)


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({normalise(p).strip() for p in phrases if p.strip()}, key=len)
    body = "|".join(re.escape(p) for p in reversed(alternatives))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@dataclass(frozen=True)
class Phrasebook:
    """Phrases by finding, and the cue words of negation, compiled once."""

    findings: dict[str, re.Pattern[str]]
    negation: re.Pattern[str]
    negation_after: re.Pattern[str]
    breaks: re.Pattern[str]
    fillers: frozenset[str]


def load_phrasebook(
    path: Path | str = PHRASES_FILE, evidence: Evidence | None = None
) -> Phrasebook:
    """Read and check the phrase file: each finding must exist and have phrases in EN and FR."""
    path = Path(path)
    evidence = evidence or default_evidence()
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    findings = {}
    for key, table in data.get("findings", {}).items():
        if key not in evidence.findings:
            raise EvidenceError(f"{path.name}: [findings.{key}] is not a finding of the checker")
        for lang in _LANGS:
            if not table.get(lang):
                raise EvidenceError(f"{path.name}: [findings.{key}] has no '{lang}' phrases")
        findings[key] = _pattern([p for lang in _LANGS for p in table[lang]])
    if not findings:
        raise EvidenceError(f"{path.name}: no [findings.*] tables")

    def words(table: str) -> list[str]:
        return [w for lang in _LANGS for w in data.get(table, {}).get(lang, [])]

    return Phrasebook(
        findings=findings,
        negation=_pattern(words("negation")),
        negation_after=re.compile(
            r"^\s*(?:" + "|".join(re.escape(normalise(w)) for w in words("negation_after")) + r")\b"
        ),
        breaks=_pattern(words("clause_breaks")),
        fillers=frozenset(normalise(w) for w in data.get("fillers", {}).get("words", [])),
    )


@cache
def _default_phrasebook() -> Phrasebook:
    return load_phrasebook()


@dataclass(frozen=True)
class Understood:
    """A finding read from the text: its answer and the words it came from, as typed."""

    finding: str
    answer: Answer
    phrase: str


@dataclass(frozen=True)
class Reading:
    """What the reader made of a text.

    ``understood``: findings read, in text order (a later mention overrides an earlier);
    ``not_understood``: clauses in which no listed phrase was found, as typed;
    ``never_mentioned``: important findings the text says nothing about.
    """

    understood: tuple[Understood, ...]
    not_understood: tuple[str, ...]
    never_mentioned: tuple[str, ...]

    @property
    def answers(self) -> dict[str, Answer]:
        """The understood findings as answers for :func:`aimed.engines.chest_pain.assess`."""
        return {u.finding: u.answer for u in self.understood}


def _clauses(norm: str, book: Phrasebook) -> list[tuple[int, int]]:
    cuts = {0, len(norm)}
    for match in _PUNCTUATION.finditer(norm):
        cuts.update(match.span())
    for match in book.breaks.finditer(norm):
        cuts.add(match.start())
    points = sorted(cuts)
    return [(a, b) for a, b in zip(points, points[1:], strict=False) if norm[a:b].strip()]


def _matches(clause: str, book: Phrasebook) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, finding) in a clause, longest phrase first."""
    found = [
        (m.start(), m.end(), key)
        for key, pattern in book.findings.items()
        for m in pattern.finditer(clause)
    ]
    kept: list[tuple[int, int, str]] = []
    for start, end, key in sorted(found, key=lambda f: f[0] - f[1]):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, key))
    return sorted(kept)


def _negated(clause: str, start: int, end: int, spans: list[tuple[int, int, str]], book) -> bool:
    inside = [(s, e) for s, e, _ in spans]
    for cue in book.negation.finditer(clause, 0, start):
        if not any(s <= cue.start() < e for s, e in inside):
            return True
    # French "ne ... pas": "je ne transpire pas", "je n'ai plus de fièvre" is covered above.
    before = clause[:start]
    return bool(re.search(r"(?<!\w)(?:ne|n')", before)) and bool(
        book.negation_after.match(clause[end:])
    )


def read_lay_text(text: str, evidence: Evidence | None = None) -> Reading:
    """Map a patient's words to findings; report what was not understood or never said.

    Raises InputError: ``lay_text.errors.empty`` for blank text, and the guard's errors
    (``guard.errors.<kind>``, ``guard.errors.too_long``) before anything is read.
    """
    check_free_text(text)
    if not text.strip():
        raise InputError("lay_text.errors.empty")
    evidence = evidence or default_evidence()
    book = (
        _default_phrasebook()
        if evidence is default_evidence()
        else load_phrasebook(PHRASES_FILE, evidence)
    )
    norm = normalise(text)
    understood: dict[str, Understood] = {}
    not_understood: list[str] = []
    for start, end in _clauses(norm, book):
        clause = norm[start:end]
        spans = _matches(clause, book)
        if not spans:
            words = [w for w in _WORD.findall(clause) if len(w) > 1 or w.isdigit()]
            if any(w not in book.fillers for w in words):
                not_understood.append(text[start:end].strip())
            continue
        for s, e, key in spans:
            answer = Answer.ABSENT if _negated(clause, s, e, spans, book) else Answer.PRESENT
            understood.pop(key, None)  # a later mention wins and moves to the end
            understood[key] = Understood(key, answer, text[start + s : start + e])
    never = tuple(
        key for key, f in evidence.findings.items() if f.important and key not in understood
    )
    return Reading(tuple(understood.values()), tuple(not_understood), never)
