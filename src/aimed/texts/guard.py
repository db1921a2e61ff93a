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
- A name where a note puts the patient's (kind ``patient_name``): after a patient label
  ("Patient:", "Pt", "patiente", "Nom :", "Name:"), just before an age ("…, 67 ans",
  "… (54 y)"), or at the head of the text followed by a comma, colon, dash or line end.
  There, a run of capitalised words is refused when one of them is a known given name or
  surname (``first_names.txt`` and ``more_names.txt``, which adds Vietnamese, Chinese,
  Korean, Arabic, West and East African and South Asian names and common French and English
  surnames), when it starts with a surname particle ("de La Tour", "van der Berg", "d'Ornano")
  or is shaped like a surname ("O'Brien", "N'Diaye", "Al-Hassan", "MacLeod"), when an
  upper-case surname is followed by a capitalised word ("NGUYEN Van An"), and, just before an
  age, when two or more capitalised words are none of the clinical words below. Anywhere, a
  known surname followed by a known given name is refused too ("Wang Wei", "Tran Thi Mai").
  Words of ``clinical_terms.txt`` (eponyms, scores, classifications, brand names, acronyms,
  the words that open a case) never count as names: "Patient : Glasgow 15", "Crohn, 34 ans",
  "Murphy +" pass.
- A title followed by a surname particle and a capitalised name ("Mme de La Tour",
  "M. d'Ornano", "Mr van Gogh") is a title and a name.
- Postal addresses (kind ``address``): a street number (with bis, ter, a letter, a comma or
  not) before a French street word (rue, avenue, boulevard, allée, impasse, quai, chemin,
  place, route...; the less specific ones only before a capitalised name), a number and
  capitalised words before an English street word (Street, Road, Avenue, Lane, Drive...), a
  French postcode before a capitalised town, a British postcode, a US state and ZIP code.
  A number before a street word always sits next to the word, so the patterns stay linear.
- Hospital numbers (IPP, MRN, NIP, "patient no." + digits).
- Text longer than :data:`MAX_CHARS` is refused before any search.
"""

from __future__ import annotations

import re
import unicodedata
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
    "address",
    "title_name",
    "person_name",
    "patient_name",
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
# Surname particles, in the case a name writes them ("de La Tour", "van der Berg", "d'Ornano").
_PARTICLE = (
    r"d['’]|de\s+la|de\s+l['’]|de|du|des|del|della|di|da|dos|das|van|von|der|den|ten|ter|"
    r"le|la|bin|ben|ibn|bint|el|al|ould|abu|mac|mc|st|ste|saint|sainte"
)
_CAPITALISED = rf"[{_UPPER}][{_LOWER}'’]+(?:-[{_UPPER}][{_LOWER}'’]+)*"
_ALL_CAPS = rf"[{_UPPER}]{{2,}}(?:-[{_UPPER}]{{2,}})*"
_TITLE = re.compile(
    r"(?<![\w.])(?:M\.|Ms\.?|(?i:Mme|Mlle|Dr|Pr|Prof|Mr|Mrs)\.?|"
    r"(?i:Miss|Madame|Monsieur|Mademoiselle|Docteur|Doctor))\s+"
    rf"(?:(?P<particle>(?:{_PARTICLE})(?:\s+(?:{_PARTICLE}))?)(?:\s+|(?<=['’]))"
    rf"(?P<after>[{_UPPER}])|(?P<name>{_CAPITALISED}|{_ALL_CAPS}|[{_LOWER}][{_LOWER}'’-]+))"
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
    names = _all_given()
    return word in names or word.split("-", 1)[0] in names


@lru_cache(maxsize=1)
def _all_given() -> frozenset[str]:
    """Given names of both lists, less the Vietnamese middle names ("Van Gogh" is no pair)."""
    return given_names() | (more_names().get("given", frozenset()) - _VIETNAMESE_MIDDLE)


def _titles(text: str) -> list[Identifier]:
    found = []
    for match in _TITLE.finditer(text):
        if match.group("particle"):  # "Mme de La Tour", "M. d'Ornano"
            found.append(Identifier("title_name", match.span()))
            continue
        name = match.group("name")
        everyday = name[0].islower() and (
            name in _after_title()
            or "'" in name
            or "’" in name
            # English "doctor" and "miss" before a lower-case word are a noun and a verb ("the
            # doctor never said", "they miss more cases"); French "docteur martin" is a name.
            or match.group().casefold().split(maxsplit=1)[0] in {"doctor", "miss"}
        )
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


# --- Postal addresses -----------------------------------------------------------------------

_STREET_NUMBER = r"(?<![\w,.])\d{1,4}(?:\s?(?:bis|ter|quater)\b|[A-Da-d]\b)?\s?,?\s+"
# French: the number sits next to the street word; the less specific words (place, route,
# chemin, cours...) count only before a capitalised name ("3 place de la Mairie", not
# "1 place de libre").
_FR_ADDRESS = re.compile(
    _STREET_NUMBER + r"(?i:(?P<strong>rue|avenue|av\.|boulevard|bd|bld|blvd|impasse|all[ée]e|"
    r"quai|faubourg|fbg|rte)|(?P<weak>place|pl\.|route|chemin|ch\.|cours|square|passage|villa|"
    r"cit[ée]|r[ée]sidence|lotissement|hameau|lieu-dit|voie|sentier|mont[ée]e|rond-point|"
    r"esplanade|promenade|parvis|quartier))"
    r"\s+(?:(?i:de\s+la|de\s+l['’]|du|des|de|d['’]|la|le|les|l['’])\s*)?"
    r"(?P<name>[^\W\d_])"
)
# English: the number, one to three capitalised words, the street word ("221B Baker Street",
# "12 Oak Lane"); "Dr" and "St" not followed by a capitalised name (then they are titles).
_EN_ADDRESS = re.compile(
    r"(?<![\w,.])\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'’.-]*\s+){1,3}"
    r"(?:Street|Road|Avenue|Lane|Drive|Boulevard|Court|Close|Way|Crescent|Place|Terrace|"
    r"Gardens|Grove|Square|Mews|Parkway|Highway|Row|Rd\.?|Ave\.?|Ln\.?|Blvd\.?|Ct\.?|Sq\.?|"
    r"(?:St|Dr)\.?(?!\s+[A-Z]))(?![\w-])"
    r"|(?<![\w,.])\d{1,5}[A-Za-z]?,?\s+(?:[a-z]+\s+){1,2}(?:street|avenue|boulevard)\b"
)
_POSTCODE = re.compile(
    rf"(?<![\d\w])(?:0[1-9]|[1-8]\d|9[0-8])\d{{3}}\s+[{_UPPER}][{_LOWER}]+"  # 75011 Paris
    r"|(?<![\w])[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}(?![\w])"  # SW1A 1AA
    r"|,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?(?!\d)"  # Springfield, IL 62704
)


def _addresses(text: str) -> list[Identifier]:
    found = [Identifier("address", m.span()) for m in _EN_ADDRESS.finditer(text)]
    found += [Identifier("address", m.span()) for m in _POSTCODE.finditer(text)]
    for match in _FR_ADDRESS.finditer(text):
        if match.group("strong") or match.group("name").isupper():
            found.append(Identifier("address", match.span()))
    return found


# --- Names where a patient's name stands ---------------------------------------------------

MORE_NAMES_FILE = Path(__file__).parents[1] / "data" / "more_names.txt"
CLINICAL_TERMS_FILE = Path(__file__).parents[1] / "data" / "clinical_terms.txt"
_WORD = re.compile(r"[^\W_](?:[\w'’]|-(?=\w))*")
_LABEL = frozenset({"patient", "patiente", "pt", "pte", "nom", "name", "identité", "identity"})
_NAME_LABEL = frozenset({"nom", "name", "identité", "identity"})  # what follows is a name
_PARTICLES = frozenset(
    [
        "de",
        "du",
        "des",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "van",
        "von",
        "der",
        "den",
        "ten",
        "ter",
        "le",
        "la",
        "bin",
        "ben",
        "ibn",
        "bint",
        "el",
        "al",
        "ould",
        "abu",
        "mac",
        "mc",
    ]
)
_AGE = re.compile(
    r"\s*[,(–—-]?\s*(?:(?i:[âa]g[ée]e?\s+de|aged?)\s+)?\d{1,3}\s*"
    r"(?:ans?\b|a\b|y\b|yo\b|y/o|yrs?\b|years?\b|-year)",
)
# After a label: a colon or dash ("Patient : X", "Nom : X"), or spaces only ("patient X");
# "Pt." may keep its full stop.
_LABEL_GAP = re.compile(r"[ \t]*[:\-–—][ \t]*\n?[ \t]*|[ \t]+|\.[ \t]+")
_HEAD_END = re.compile(r"\s*(?:[,:;(–—]|-\s|\n|$)")
# A surname by its shape: O'Brien, N'Diaye, Al-Hassan, Ben-Ali, MacLeod, McKenzie; after a
# patient label, d'Ornano too (elsewhere "d'Europe" is a place).
_SURNAME_SHAPE = re.compile(
    rf"(?:[OoNnMm]['’][{_UPPER}][{_LOWER}]|(?:Al|El|Ben|Bin|Abu|Ould|Ibn)-[{_UPPER}]|Ma?c[{_UPPER}][{_LOWER}])"
)
_D_SURNAME = re.compile(rf"[Dd]['’][{_UPPER}][{_LOWER}]")
_MAX_RUN = 6  # words: a name is shorter; the cap keeps the scan linear
_VIETNAMESE_MIDDLE = frozenset({"Van", "Văn", "Thi", "Thị"})
# Words that open a sentence and are never the start of a name ("In France, ...").
_OPENERS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "after",
        "before",
        "but",
        "by",
        "during",
        "each",
        "every",
        "for",
        "from",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "it",
        "its",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "since",
        "so",
        "some",
        "that",
        "the",
        "their",
        "there",
        "these",
        "they",
        "this",
        "to",
        "we",
        "when",
        "where",
        "which",
        "while",
        "who",
        "with",
        "without",
        "yes",
        "you",
        "your",
        "à",
        "au",
        "aux",
        "avant",
        "après",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "chaque",
        "chez",
        "dans",
        "depuis",
        "des",
        "du",
        "elle",
        "elles",
        "en",
        "et",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lors",
        "ma",
        "mais",
        "mes",
        "mon",
        "ni",
        "nous",
        "on",
        "ou",
        "oui",
        "non",
        "par",
        "pour",
        "quand",
        "que",
        "qui",
        "sa",
        "sans",
        "se",
        "ses",
        "si",
        "son",
        "sur",
        "tous",
        "toutes",
        "un",
        "une",
        "vers",
        "vos",
        "votre",
    ]
)


def _sections(path: Path) -> dict[str, frozenset[str]]:
    sections: dict[str, set[str]] = {}
    current = sections.setdefault("", set())
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif line and not line.startswith("#"):
            current.add(line)
    return {name: frozenset(words) for name, words in sections.items()}


@lru_cache(maxsize=1)
def more_names() -> dict[str, frozenset[str]]:
    """Given names and surnames the Faker list misses (``data/more_names.txt``)."""
    return _sections(MORE_NAMES_FILE)


@lru_cache(maxsize=1)
def clinical_terms() -> frozenset[str]:
    """Eponyms, scores, brand names, acronyms, case words: never a name (lower case)."""
    return frozenset(word.casefold() for word in _word_list(CLINICAL_TERMS_FILE))


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Words the project's own texts write in lower case (both languages): everyday words.

    A run of capitalised words before an age ("Troponine Positive, 70 ans", "Sudden Onset
    Headache, 45 y") is a title-cased phrase when one of its words is an everyday word; a
    name from an unlisted tradition ("Kpodar Komlan, 45 ans") has none.
    """
    folders = (Path(__file__).parent / "locales", Path(__file__).parents[1] / "data")
    lower = re.compile(rf"(?<![\w'’-])[{_LOWER}œæ]{{3,}}(?![\w-])")
    return frozenset(
        word
        for folder in folders
        for path in folder.glob("*.toml")
        for word in lower.findall(path.read_text(encoding="utf-8"))
    )


def _is_clinical(word: str) -> bool:
    terms = clinical_terms()
    return word.casefold() in terms or any(
        part.casefold() in terms for part in re.split(r"[-'’]", word) if part
    )


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    names = more_names()
    return given_names() | names.get("given", frozenset()) | names.get("surname", frozenset())


def _is_known_name(word: str) -> bool:
    """A given name or surname of either list, or a hyphenated name with one ("Al-Hassan")."""
    known = _known_names()
    if _is_clinical(word):
        return False
    parts = [word, *word.split("-")]
    return any(part in known or part.capitalize() in known for part in parts if part)


def _is_name_evidence(run: list[str], *, before_age: bool, after_label: bool) -> bool:
    """Whether a run of words standing where a patient's name stands holds a name."""
    words = [w for w in run if w.casefold() not in _PARTICLES]
    capitalised = [w for w in words if not w[0].islower() or _SURNAME_SHAPE.match(w)]
    capitalised = [w for w in capitalised if not _is_clinical(w)]
    if after_label and _D_SURNAME.match(run[0]) and not _is_clinical(run[0]):
        return True  # "Patient : d'Ornano"
    if not capitalised:
        return False
    if run[0].casefold() in _PARTICLES:
        if run[0] not in {"Le", "La"}:
            return True  # a surname with its particle: "de La Tour", "van der Berg"
        if after_label and len(run) > 1 and run[1] in capitalised and not _is_ordinary(run[1]):
            return True  # "Patient : Le Goff"
    if any(
        (_is_known_name(w) and w.casefold() not in _vocabulary()) or _SURNAME_SHAPE.match(w)
        for w in capitalised
    ):
        return True
    upper = [w for w in capitalised if w.isupper() and len(w) >= 3 and not _is_ordinary(w)]
    if upper and len(capitalised) > len(upper):
        return True  # "NGUYEN Van An"
    return (
        before_age
        and len(capitalised) >= 2
        and len(capitalised) == len(words)
        and not any(_is_ordinary(w) for w in capitalised)
    )


# Endings of everyday French and English words ("Travailleur Immigré", "Sudden Onset"):
# a capitalised word that has one is taken for a word, not a name, before an age.
_WORD_ENDING = re.compile(
    r"(?:eur|euse|ique|ien|ienne|ant|ante|ent|ente|if|ive|aire|iste|ion|ment|ité|ie|eux|ère|"
    r"er|ing|ed|ly|ous|ic|al|ness|ful|less|ism|able|ible|ée|é|és|ées|s)$"
)


def _is_ordinary(word: str) -> bool:
    """An everyday word: written in lower case in the project's texts, or shaped like one."""
    lower = word.casefold()
    return (
        lower in _vocabulary()
        or _fold(lower) in _plain_vocabulary()
        or bool(_WORD_ENDING.search(lower))
    )


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _plain_vocabulary() -> frozenset[str]:
    """The vocabulary without accents: "DIABETIQUE" typed in capitals is still a word."""
    return frozenset(_fold(word) for word in _vocabulary())


def _patient_names(text: str) -> list[Identifier]:
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    found = []
    i = 0
    while i < len(words):
        start, end, word = words[i]
        label = word.casefold() in _LABEL
        runs_from = i + 1 if label else i
        # a run: name-like words separated by spaces only (no digits, no punctuation)
        j = runs_from
        while j < len(words):
            w_start, _, w = words[j]
            gap = text[words[j - 1][1] : w_start] if j > runs_from else ""
            if j > runs_from and not re.fullmatch(r"[ \t]+", gap):
                break
            if j == runs_from and label and not _LABEL_GAP.fullmatch(text[end:w_start]):
                break
            name_like = (
                w[0].isupper()
                or w.casefold() in _PARTICLES
                or _SURNAME_SHAPE.match(w)
                or (label and j == runs_from and ":" in text[end:w_start] and _D_SURNAME.match(w))
            )
            if any(c.isdigit() for c in w) or not name_like or j - runs_from >= _MAX_RUN:
                break
            j += 1
        if not label and j > runs_from and words[runs_from][2].casefold() in _OPENERS:
            i = j  # "In France, ...": a sentence, not a name
            continue
        run = [w for _, _, w in words[runs_from:j]]
        while run and run[-1].casefold() in _PARTICLES:
            run.pop()
        if run:
            run_start, run_end = words[runs_from][0], words[runs_from + len(run) - 1][1]
            after = text[run_end:]
            before_age = bool(_AGE.match(after))
            at_head = not label and not text[:run_start].strip() and bool(_HEAD_END.match(after))
            gap = text[end:run_start]
            named = word.casefold() in _NAME_LABEL and run[0][0].isupper() and ":" in gap
            if label and "." in gap and word.casefold() not in {"pt", "pte"}:
                i += 1  # "… its name. The …": a sentence ends after the word
                continue
            if named or (
                (label or before_age or at_head)
                and _is_name_evidence(run, before_age=before_age, after_label=label)
            ):
                found.append(Identifier("patient_name", (start if label else run_start, run_end)))
                i = runs_from + len(run)
                continue
        i += 1
    return found


_KOREAN_GIVEN = re.compile(r"[A-Z][a-z]{1,3}-[a-z]{2,4}")


def _surname_first(text: str) -> list[Identifier]:
    """A known surname, then a known given name: "Nguyen Van An", "Wang Wei", "Diallo Amadou"."""
    names = more_names()
    surnames, given = names.get("surname", frozenset()), names.get("given", frozenset())
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    found = []
    for (start, first_end, first), (next_start, end, second) in zip(words, words[1:], strict=False):
        if first.capitalize() not in surnames or _is_clinical(first) or not second[:1].isupper():
            continue
        if not first[0].isupper() or not re.fullmatch(r"[ \t]+", text[first_end:next_start]):
            continue
        korean = _KOREAN_GIVEN.fullmatch(second)  # "Park Ji-hoon", "Kim Min-jun"
        if second in given or second in _all_given() or second in _VIETNAMESE_MIDDLE or korean:
            found.append(Identifier("person_name", (start, end)))
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
    candidates += _addresses(text)
    candidates += _titles(text)
    candidates += _person_names(text)
    candidates += _surname_first(text)
    candidates += _patient_names(text)
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
