"""One gate for every free-text box of the sandbox: refuse what looks like a patient identifier.

The sandbox is for synthetic cases. A physician pasting a real note could bring a real
patient's identity into a teaching tool, so any text is checked here first; if it holds
something that looks like an identifier, nothing of it is processed, logged or stored,
and the message names the kind of identifier, never its value.

Choices (see README, "Identifiable-data guard"):

- NIR (French social security number): 13 characters (sex, year, month, department
  with 2A/2B for Corsica, commune, order) and a 2-digit key = 97 - (number mod 97),
  where 2A counts as 19 and 2B as 18; spaces allowed. Only a number whose key is right
  is reported as a NIR.
- A run of 11 or more digits (spaces, dots or dashes allowed between groups) is still
  refused as a "long number": a NIR with one wrong digit or a hospital number still
  identifies a person, and no clinical value in a chest-pain story is that long.
- Phone numbers (French 0X XX XX XX XX, +33, 0033, international +NN, and English
  formats such as (555) 123-4567 or 07700 900123), e-mail addresses.
- Dates: any full date (day, month and year) is refused, as a date of birth when a cue
  such as "born", "DOB", "né(e) le", "date de naissance" precedes it, else as a full
  date: admission or birth dates are identifiers too (HIPAA Safe Harbor removes all
  date elements but the year). A year alone, an age or "2 days ago" pass.
- A title followed by a name (M., Mme, Mlle, Dr, Pr, Mr, Mrs, Ms, Miss, Madame, Monsieur,
  in any case but M. and Ms, which are also units): a capitalised word, or a lowercase word
  that is not one of the everyday words a note puts after a title ("le docteur a dit",
  "madame présente"): "mme dupont" is refused.
- A person's name without a title: a given name from ``data/first_names.txt`` (Faker's
  lists, MIT licence; see ``scripts/first_names.py``) followed by a capitalised or
  upper-case surname ("Jean Dupont", "Jean-Pierre MARTIN", "John Smith"), or an upper-case
  surname followed by a given name ("DUPONT Jean"). Clinical eponyms (signe de Murphy,
  score de Wells, maladie de Crohn, Levine sign) are not preceded by a given name and pass.
  A name written all in lower case without a title ("jean dupont") cannot be told from
  words and passes: the page says never to type names.
- Hospital numbers (IPP, MRN, NIP, "patient no." + digits).
- Text longer than :data:`MAX_CHARS` is refused before any search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aimed.validation import InputError

__all__ = ["KINDS", "MAX_CHARS", "Identifier", "check_free_text", "find_identifiers", "nir_key"]

MAX_CHARS = 2000
KINDS = (
    "nir",
    "email",
    "date_of_birth",
    "full_date",
    "hospital_number",
    "phone",
    "title_name",
    "person_name",
    "long_number",
)


@dataclass(frozen=True)
class Identifier:
    """Something that looks like an identifier: its kind and where it sits (start, end)."""

    kind: str
    span: tuple[int, int]


# --- NIR ----------------------------------------------------------------------------------

_NIR = re.compile(
    r"(?<![\dA-Za-z])"
    r"(?P<sex>[12378])\s?(?P<year>\d\d)\s?(?P<month>\d\d)\s?"
    r"(?P<dept>\d\d|2[AaBb])\s?(?P<commune>\d\d\d)\s?(?P<order>\d\d\d)\s?(?P<key>\d\d)"
    r"(?![\dA-Za-z])"
)


def nir_key(first13: str) -> int:
    """The control key of a NIR's first 13 characters: 97 - (number mod 97).

    Corsica: department 2A counts as 19 and 2B as 18 (as INSEE computes it).
    """
    digits = first13.replace(" ", "").upper()
    digits = digits[:5] + digits[5:7].replace("2A", "19").replace("2B", "18") + digits[7:]
    if len(digits) != 13 or not digits.isdigit():
        raise ValueError("a NIR's first part has 13 digits (2A/2B allowed)")
    return 97 - int(digits) % 97


def _nirs(text: str) -> list[Identifier]:
    found = []
    for match in _NIR.finditer(text):
        body = "".join(match.group(g) for g in ("sex", "year", "month", "dept", "commune", "order"))
        if nir_key(body) == int(match.group("key")):
            found.append(Identifier("nir", match.span()))
    return found


# --- Other patterns -------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")

_MONTHS = (
    r"jan(?:uary|vier|v\.?)?|feb(?:ruary)?|f[ée]v(?:rier|\.)?|mar(?:ch|s)?|apr(?:il)?|avr(?:il|\.)?"
    r"|may|mai|june?|juin|july?|juil(?:let|\.)?|aug(?:ust)?|ao[uû]t|sep(?:t(?:ember|embre)?)?\.?"
    r"|oct(?:ober|obre)?\.?|nov(?:ember|embre)?\.?|d[ée]c(?:ember|embre)?\.?"
)
_DATE = re.compile(
    r"(?<!\d)(?<!\d[./-])(?:"
    r"(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:19|20)?\d\d"  # 12/03/1970
    r"|(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"  # 1970-03-12
    r"|(?:0?[1-9]|[12]\d|3[01])(?:er)?\s+(?:" + _MONTHS + r")\s+(?:19|20)\d\d"  # 12 mars 1970
    r"|(?:" + _MONTHS + r")\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    r")(?!\d)(?![./-]\d)",  # not the start of a longer number such as 06.12.34.56.78
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(
    r"(?:\bborn\b|\bd\.?o\.?b\b|date\s+of\s+birth|birth\s*date|birthday|\bn[ée]e?\b|"
    r"date\s+de\s+naissance|naissance|\bddn\b)[^.\n]{0,25}$",
    re.IGNORECASE,
)
_HOSPITAL = re.compile(
    r"(?:\b(?:IPP|MRN|NIP|NDA)\b|\bpatient\s*(?:no\b\.?|n°|number|num[ée]ro|#)|"
    r"\bn°\s*(?:de\s+)?(?:patient|dossier)|\bdossier\s*(?:no\b\.?|n°|#))"
    r"\s*[:#n°=.-]?\s*\d{3,}",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\s?33\s?\(?0?\)?\s?[1-9](?:[\s.-]?\d\d){4}"  # +33 6 12 34 56 78
    r"|0[1-9](?:[\s.-]?\d\d){4}"  # 06 12 34 56 78
    r"|\+\s?\d{1,3}(?:[\s.-]?\(?\d+\)?){2,6}"  # +44 20 7946 0958, +1 (555) 123-4567
    r"|\(\d{3}\)\s?\d{3}[\s.-]?\d{4}"  # (555) 123-4567
    r"|\d{3}[\s.-]\d{3}[\s.-]\d{4}"  # 555-123-4567, 555 123 4567
    r"|0\d{3,4}\s?\d{3}\s?\d{3,4}"  # 07700 900123
    r"|0\d{2}\s?\d{4}\s?\d{4}"  # 020 7946 0958
    r")(?!\d)"
)
_UPPER, _LOWER = "A-ZÀ-ÖØ-Ý", "a-zß-öø-ÿ"
_CAPITALISED = rf"[{_UPPER}][{_LOWER}'’]+(?:-[{_UPPER}][{_LOWER}'’]+)*"
_ALL_CAPS = rf"[{_UPPER}]{{2,}}(?:-[{_UPPER}]{{2,}})*"
_TITLE = re.compile(
    r"(?<![\w.])(?:M\.|Ms\.?|(?i:Mme|Mlle|Dr|Pr|Prof|Mr|Mrs)\.?|"
    r"(?i:Miss|Madame|Monsieur|Mademoiselle|Docteur|Doctor))\s+"
    rf"(?P<name>{_CAPITALISED}|{_ALL_CAPS}|[{_LOWER}][{_LOWER}'’-]+)"
)
_NAME_PAIR = re.compile(
    rf"(?<![\w'’-])(?:(?P<given>{_CAPITALISED})\s+(?P<surname>{_CAPITALISED}|{_ALL_CAPS})"
    rf"|(?P<caps>[{_UPPER}]{{3,}}(?:-[{_UPPER}]{{2,}})*)\s+(?P<given2>{_CAPITALISED}))"
    r"(?![\w'’-])"
)
GIVEN_NAMES_FILE = Path(__file__).parents[1] / "data" / "first_names.txt"
AFTER_TITLE_FILE = Path(__file__).parents[1] / "data" / "words_after_title.txt"


def _word_list(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """The given names the guard knows (about 6,000, from ``data/first_names.txt``)."""
    return _word_list(GIVEN_NAMES_FILE)


@lru_cache(maxsize=1)
def _after_title() -> frozenset[str]:
    return _word_list(AFTER_TITLE_FILE)


def _is_given(word: str) -> bool:
    """A given name, or a hyphenated one whose first part is ("Jean-Pierre", "Marie-Ève")."""
    names = given_names()
    return word in names or word.split("-", 1)[0] in names


def _titles(text: str) -> list[Identifier]:
    found = []
    for match in _TITLE.finditer(text):
        name = match.group("name")
        everyday = name[0].islower() and (name in _after_title() or "'" in name or "’" in name)
        if not everyday:
            found.append(Identifier("title_name", match.span()))
    return found


def _person_names(text: str) -> list[Identifier]:
    found = []
    for match in _NAME_PAIR.finditer(text):
        given = match.group("given") or match.group("given2")
        if _is_given(given):
            found.append(Identifier("person_name", match.span()))
    return found


_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[\s.-]?\d){10,}(?!\d)")


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def find_identifiers(text: str) -> list[Identifier]:
    """Everything in ``text`` that looks like an identifier, in reading order.

    Overlaps are resolved in the order of :data:`KINDS` (a NIR is not also reported as
    a long number or a phone).
    """
    candidates: list[Identifier] = list(_nirs(text))
    candidates += [Identifier("email", m.span()) for m in _EMAIL.finditer(text)]
    for match in _DATE.finditer(text):
        cue = _BIRTH_CUE.search(text[max(0, match.start() - 40) : match.start()])
        candidates.append(Identifier("date_of_birth" if cue else "full_date", match.span()))
    candidates += [Identifier("hospital_number", m.span()) for m in _HOSPITAL.finditer(text)]
    candidates += [
        Identifier("phone", m.span())
        for m in _PHONE.finditer(text)
        if 8 <= _digits(m.group()) <= 15
    ]
    candidates += _titles(text)
    candidates += _person_names(text)
    candidates += [Identifier("long_number", m.span()) for m in _LONG_NUMBER.finditer(text)]

    kept: list[Identifier] = []
    for candidate in sorted(candidates, key=lambda c: KINDS.index(c.kind)):
        start, end = candidate.span
        if all(end <= k.span[0] or start >= k.span[1] for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.span)


def check_free_text(text: str) -> str:
    """``text`` unchanged if it may be processed; else InputError naming the kind found.

    Keys: ``guard.errors.too_long`` (with ``limit`` and ``length``) and
    ``guard.errors.<kind>`` for the first identifier found. The identifier itself is
    never put in the message.
    """
    if not isinstance(text, str):
        raise InputError("guard.errors.not_text")
    if len(text) > MAX_CHARS:
        raise InputError("guard.errors.too_long", limit=MAX_CHARS, length=len(text))
    found = find_identifiers(text)
    if found:
        raise InputError(f"guard.errors.{found[0].kind}")
    return text
