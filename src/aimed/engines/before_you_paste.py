"""Before you paste: a synthetic clinical note, the learner's marks of what must go, and how
many people still share what is left.

Why. The common real risk is a physician pasting a patient's note into a public chatbot
after deleting the name. Here the learner marks, span by span, what must go before a note
leaves the hospital; the engine says what was missed (by kind), what clinical content was
removed for nothing, and, on a synthetic population, how many people share what is left.

How a note is built (:func:`generate_note`), all from ``numpy.random.default_rng(seed)``
with the seed checked by :func:`aimed.validation.check_seed` (the one seed rule):

1. the seed picks one of the :data:`SCENARIOS` (a reason to ask a chatbot), the patient's
   sex, age (one note in five is over 89), birth date, name, street, town, phone,
   hospital and national numbers, an occupation, a rare condition and an admission date;
2. the note is six lines of spans (:class:`Span`), each of one kind (:data:`KINDS`):
   direct identifiers, quasi-identifiers, and clinical content that must stay.

Every number on a note is clearly fake: UK phone numbers from the range Ofcom keeps for
drama (07700 900000 to 900999), NHS-like numbers starting 999, French NIR-like numbers
whose key is 00 (a real key runs from 01 to 97), hospital numbers starting 99. Names,
streets and towns are fictional (``locales/before_you_paste.{en,fr}.toml``): a note is
language-neutral, :func:`note_lines` writes it in either language.

The population (:func:`population`) is a synthetic region of :data:`TOWN_SIZES` people,
drawn from ``next_seed(seed)``; the note's patient is one of them (the first person of their
town). Its figures (town sizes, age bands, the share of each occupation and rare condition,
the yearly share of people admitted to hospital) are a teaching approximation, not measured
figures: they are of the right order (each condition is rare in the EU sense, at most 5 in
10,000 people) so that the group sizes behave as real ones do. :func:`score` matches the
kept quasi-identifiers against it: ``k`` is the number of people sharing all of them, the
patient included.

Stable API: ``KINDS``, ``DIRECT``, ``QUASI``, ``CLINICAL``, ``FAMILIES``, ``SCENARIOS``,
``SMALL_GROUP``, ``GUIDED_PATHS``, ``Note``, ``Span``, ``Patient``, ``Result``, ``Step``,
``generate_note``, ``note_lines``, ``population``, ``score``, ``shrinking``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import MAX_SEED, InputError, check_seed, next_seed

__all__ = [
    "CLINICAL",
    "DIRECT",
    "FAMILIES",
    "GUIDED_PATHS",
    "KINDS",
    "MAX_SEED",
    "QUASI",
    "SCENARIOS",
    "SMALL_GROUP",
    "GuidedPath",
    "Note",
    "Patient",
    "Result",
    "Span",
    "Step",
    "generate_note",
    "note_lines",
    "population",
    "score",
    "shrinking",
]

NS = "before_you_paste"

#: Identify a person on their own: each must go.
DIRECT = ("name", "birth_date", "record_number", "national_number", "address", "phone")
#: Re-identify in combination: each must go unless the question needs it.
QUASI = ("town", "exact_age", "occupation", "rare_condition", "exact_date")
#: What the question needs: it must stay.
CLINICAL = ("clinical",)
KINDS = DIRECT + QUASI + CLINICAL
FAMILIES: Mapping[str, str] = MappingProxyType(
    {**dict.fromkeys(DIRECT, "direct"), **dict.fromkeys(QUASI, "quasi"), "clinical": "clinical"}
)
#: Reasons to ask a chatbot; each has four clinical spans in the locale files.
SCENARIOS = ("chest_pain", "anticoagulation", "renal_dosing", "fall")
#: A group smaller than this is called small on the page: a teaching line, not a legal one
#: (the GDPR sets no number; recital 26 asks what means are reasonably likely to be used).
SMALL_GROUP = 10

# --- The synthetic region (teaching approximation, see the module docstring) ---------------
#: People per town: a city, three towns, three villages (names in the locale files).
TOWN_SIZES = (148_000, 36_000, 14_500, 5_200, 2_100, 840, 290)
#: Share of the population in each ten-year age band, 0-9 to 90-99.
AGE_BANDS = (0.11, 0.12, 0.11, 0.12, 0.13, 0.13, 0.12, 0.09, 0.05, 0.02)
#: Share of adults who have (or had) each of the notes' occupations.
OCCUPATION_SHARES = (0.0008, 0.0005, 0.0003, 0.0004, 0.0006, 0.0002)
#: Share of people with each of the notes' rare conditions (all under 5 in 10,000).
CONDITION_SHARES = (0.00004, 0.00003, 0.00007, 0.0002, 0.0001, 0.00003)
#: Share of people admitted to hospital at least once in the year, on a uniform day.
ADMITTED_SHARE = 0.15
YEAR = 2026
ADMITTED_BY = 330  # admissions fall in 2026 before the page's review date (7 December)
N_GIVEN, N_SURNAMES, N_STREETS = 8, 10, 8
DAYS = 365


@dataclass(frozen=True)
class Patient:
    """The note's patient: what the spans say, as numbers and indices into the locale lists."""

    sex: str  # "female" or "male"
    age: int
    birth: dt.date
    admitted: dt.date
    given: int
    surname: int
    street: int
    house: int
    town: int
    occupation: int
    condition: int
    phone: str
    record_number: str
    national_digits: str


@dataclass(frozen=True)
class Span:
    """One markable piece of the note: its id (``s0``...), kind, and line."""

    id: str
    kind: str
    line: int

    @property
    def family(self) -> str:
        return FAMILIES[self.kind]


@dataclass(frozen=True)
class Note:
    seed: int
    scenario: str
    patient: Patient
    spans: tuple[Span, ...]

    def span(self, span_id: str) -> Span:
        for span in self.spans:
            if span.id == span_id:
                return span
        raise InputError(f"{NS}.errors.span", given=str(span_id))

    def ids(self, families: Iterable[str] = ("direct", "quasi", "clinical")) -> tuple[str, ...]:
        wanted = set(families)
        return tuple(s.id for s in self.spans if s.family in wanted)


# The note's lines: the kinds of their spans in order ("clinical:N" is the scenario's Nth).
LINES = (
    ("name", "birth_date", "record_number", "national_number"),
    ("address", "town", "phone"),
    ("exact_age", "occupation", "clinical:0"),
    ("rare_condition", "clinical:1"),
    ("exact_date", "clinical:2"),
    ("clinical:3",),
)


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def generate_note(seed: object, scenario: str | None = None) -> Note:
    """The note of ``seed`` (0 to :data:`MAX_SEED`), on one of :data:`SCENARIOS` if named."""
    seed = check_seed(seed, f"{NS}.seed_label")
    if scenario is not None and scenario not in SCENARIOS:
        raise InputError(f"{NS}.errors.scenario", given=str(scenario), choices=", ".join(SCENARIOS))
    rng = np.random.default_rng(seed)
    drawn = SCENARIOS[int(rng.integers(len(SCENARIOS)))]
    scenario = scenario or drawn
    sex = ("female", "male")[int(rng.integers(2))]
    age = int(rng.integers(90, 99)) if rng.random() < 0.2 else int(rng.integers(28, 89))
    admitted = dt.date(YEAR, 1, 1) + dt.timedelta(days=int(rng.integers(ADMITTED_BY)))
    birth_day = int(rng.integers(DAYS))
    birth = dt.date(admitted.year - age, 1, 1) + dt.timedelta(days=birth_day)
    if birth > admitted.replace(year=birth.year):  # no birthday yet this year: one year earlier
        birth = dt.date(admitted.year - age - 1, 1, 1) + dt.timedelta(days=birth_day)
    patient = Patient(
        sex=sex,
        age=age,
        birth=birth,
        admitted=admitted,
        given=int(rng.integers(N_GIVEN)),
        surname=int(rng.integers(N_SURNAMES)),
        street=int(rng.integers(N_STREETS)),
        house=int(rng.integers(1, 60)),
        town=int(rng.integers(1, len(TOWN_SIZES))),
        occupation=int(rng.integers(len(OCCUPATION_SHARES))),
        condition=int(rng.integers(len(CONDITION_SHARES))),
        phone=f"{int(rng.integers(1000)):03d}",
        record_number="99" + _digits(rng, 6),
        national_digits=_digits(rng, 8),
    )
    spans: list[Span] = []
    for line, kinds in enumerate(LINES):
        for kind in kinds:
            spans.append(Span(f"s{len(spans)}", kind.partition(":")[0], line))
    return Note(seed, scenario, patient, tuple(spans))


def _date(day: dt.date, lang: str) -> str:
    month = t(f"{NS}.lists.months", lang).split("|")[day.month - 1]
    return f"{day.day} {month} {day.year}"


def _national(patient: Patient, lang: str) -> str:
    if lang == "fr":  # NIR-like: sex, year, month, département, commune, order, key 00
        sex = "2" if patient.sex == "female" else "1"
        born = f"{patient.birth.year % 100:02d} {patient.birth.month:02d}"
        d = patient.national_digits
        return f"{sex} {born} {d[:2]} {d[2:5]} {d[5:8]} 00"
    d = patient.national_digits  # NHS-like, in the 999 range no real number uses
    return f"999 {d[:3]} {d[3:7]}"


def _phone(patient: Patient, lang: str) -> str:
    if lang == "fr":
        p = patient.phone
        return f"06 99 00 0{p[0]} {p[1:]}"
    return f"07700 900{patient.phone}"


def span_text(note: Note, span: Span, lang: str) -> str:
    """One span written in ``lang``."""
    if lang not in LANGUAGES:
        raise InputError(f"{NS}.errors.language", given=str(lang))
    p, kind = note.patient, span.kind
    pick = lambda key, i: t(f"{NS}.lists.{key}", lang).split("|")[i]  # noqa: E731
    if kind == "clinical":
        index = [s.id for s in note.spans if s.kind == "clinical"].index(span.id)
        return t(f"{NS}.scenarios.{note.scenario}.{index}", lang)
    values: dict[str, object] = {}
    if kind == "name":
        values = {"given": pick(f"given_{p.sex}", p.given), "surname": pick("surnames", p.surname)}
        kind = f"name_{p.sex}"
    elif kind == "birth_date":
        values = {"date": p.birth.strftime("%d/%m/%Y")}
    elif kind == "record_number":
        values = {"number": p.record_number}
    elif kind == "national_number":
        values = {"number": _national(p, lang)}
    elif kind == "address":
        values = {"house": p.house, "street": pick("streets", p.street)}
    elif kind == "town":
        values = {"town": pick("towns", p.town)}
    elif kind == "phone":
        values = {"phone": _phone(p, lang)}
    elif kind == "exact_age":
        values = {"age": p.age}
        kind = f"exact_age_{p.sex}"
    elif kind == "occupation":
        values = {"occupation": pick("occupations", p.occupation)}
        kind = "occupation_retired" if p.age >= 67 else "occupation"
    elif kind == "rare_condition":
        values = {"condition": pick("conditions", p.condition)}
    elif kind == "exact_date":
        values = {"date": _date(p.admitted, lang)}
    return t(f"{NS}.note.{kind}", lang, **values)


def note_lines(note: Note, lang: str) -> list[list[tuple[Span, str]]]:
    """The note in ``lang``: its lines, each a list of (span, text)."""
    lines: list[list[tuple[Span, str]]] = [[] for _ in LINES]
    for span in note.spans:
        lines[span.line].append((span, span_text(note, span, lang)))
    return lines


# --- The population --------------------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    """One row per person of the synthetic region (arrays of equal length)."""

    town: np.ndarray
    female: np.ndarray
    age: np.ndarray
    birth_day: np.ndarray
    occupation: np.ndarray  # -1: none of the notes' occupations
    condition: np.ndarray  # -1: none of the notes' conditions
    admitted_day: np.ndarray  # -1: not admitted this year

    def __len__(self) -> int:
        return len(self.town)


@lru_cache(maxsize=8)  # a region is about 11 MB: keep the last few notes' only
def _region(seed: int) -> Population:
    rng = np.random.default_rng(next_seed(seed))
    town = np.repeat(np.arange(len(TOWN_SIZES)), TOWN_SIZES)
    n = len(town)
    band = rng.choice(len(AGE_BANDS), size=n, p=np.array(AGE_BANDS) / sum(AGE_BANDS))
    age = band * 10 + rng.integers(0, 10, n)

    def rare(shares: tuple[float, ...], eligible: np.ndarray) -> np.ndarray:
        cut = np.cumsum(shares)
        u = rng.random(n)
        which = np.searchsorted(cut, u, side="right")
        return np.where(eligible & (u < cut[-1]), which, -1)

    occupation = rare(OCCUPATION_SHARES, age >= 18)
    condition = rare(CONDITION_SHARES, np.ones(n, dtype=bool))
    admitted = np.where(rng.random(n) < ADMITTED_SHARE, rng.integers(0, DAYS, n), -1)
    return Population(
        town, rng.random(n) < 0.5, age, rng.integers(0, DAYS, n), occupation, condition, admitted
    )


def _day_of_year(day: dt.date) -> int:
    return min(day.timetuple().tm_yday - 1, DAYS - 1)


def population(note: Note) -> Population:
    """The region the note's patient lives in: the first person of their town is the patient."""
    region, p = _region(note.seed), note.patient
    row = int(np.searchsorted(region.town, p.town))  # towns are in order, each a block
    patient = {
        "town": p.town,
        "female": p.sex == "female",
        "age": p.age,
        "birth_day": _day_of_year(p.birth),
        "occupation": p.occupation,
        "condition": p.condition,
        "admitted_day": _day_of_year(p.admitted),
    }
    columns = {}
    for name, value in patient.items():
        column = getattr(region, name).copy()
        column[row] = value
        columns[name] = column
    return Population(**columns)


# --- Scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of the shrinking group: what is known so far and how many people match."""

    what: str  # "region", "sex", or a kind of span kept
    people: int


@dataclass(frozen=True)
class Result:
    """What a learner's marks leave in the note."""

    missed: tuple[Span, ...]  # identifiers (direct or quasi) left in
    lost: tuple[Span, ...]  # clinical content removed for nothing
    direct_left: tuple[str, ...]  # kinds of direct identifiers left in
    kept_quasi: tuple[str, ...]  # kinds whose values the group is matched on
    steps: tuple[Step, ...]

    @property
    def k(self) -> int:
        """People who share everything left (1 when a direct identifier names the patient)."""
        return 1 if self.named else self.steps[-1].people

    @property
    def named(self) -> bool:
        """A direct identifier other than the birth date points at the patient by itself."""
        return any(kind != "birth_date" for kind in self.direct_left)

    def missed_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for span in self.missed:
            out[span.kind] = out.get(span.kind, 0) + 1
        return out

    @property
    def verdict(self) -> str:
        """``identified`` (k = 1), ``small`` (k < SMALL_GROUP) or ``crowd``."""
        if self.k == 1:
            return "identified"
        return "small" if self.k < SMALL_GROUP else "crowd"

    @property
    def status(self) -> str:
        """Under the GDPR: ``personal`` (an identifier left), ``pseudonymised`` (direct ones
        gone, a small group left: still personal data) or ``not_singled_out``."""
        if self.direct_left:
            return "personal"
        return "not_singled_out" if self.verdict == "crowd" else "pseudonymised"


MATCHED = ("town", "exact_age", "birth_date", "occupation", "rare_condition", "exact_date")


def shrinking(note: Note, kept: Iterable[str]) -> tuple[Step, ...]:
    """How many people match, as each kept attribute is added (the sex is always known)."""
    people, p = population(note), note.patient
    test = {
        "sex": people.female == (p.sex == "female"),
        "town": people.town == p.town,
        "exact_age": people.age == p.age,
        "birth_date": (people.age == p.age) & (people.birth_day == _day_of_year(p.birth)),
        "occupation": people.occupation == p.occupation,
        "rare_condition": people.condition == p.condition,
        "exact_date": people.admitted_day == _day_of_year(p.admitted),
    }
    mask = np.ones(len(people), dtype=bool)
    steps = [Step("region", len(people))]
    for what in ("sex", *(k for k in MATCHED if k in set(kept))):
        mask &= test[what]
        steps.append(Step(what, int(mask.sum())))
    return tuple(steps)


def score(note: Note, removed: Iterable[str]) -> Result:
    """Score the spans the learner removed (span ids); anything else is refused clearly."""
    if isinstance(removed, str | bytes) or not isinstance(removed, Iterable):
        raise InputError(f"{NS}.errors.removed", given=type(removed).__name__)
    gone = set()
    for span_id in removed:
        if not isinstance(span_id, str):
            raise InputError(f"{NS}.errors.span", given=repr(span_id))
        gone.add(note.span(span_id).id)
    left = [s for s in note.spans if s.id not in gone]
    missed = tuple(s for s in left if s.family != "clinical")
    lost = tuple(s for s in note.spans if s.id in gone and s.family == "clinical")
    direct_left = tuple(dict.fromkeys(s.kind for s in missed if s.family == "direct"))
    kept = tuple(k for k in MATCHED if any(s.kind == k for s in missed))
    return Result(missed, lost, direct_left, kept, shrinking(note, kept))


# --- Guided paths ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuidedPath:
    """A fixed note and the spans a hurried or over-careful learner removes ("Try this")."""

    key: str
    seed: int
    families: tuple[str, ...]  # every span of these families is removed
    kinds: tuple[str, ...] = ()  # and these kinds

    def note(self) -> Note:
        return generate_note(self.seed)

    def removed(self) -> tuple[str, ...]:
        note = self.note()
        return tuple(s.id for s in note.spans if s.family in self.families or s.kind in self.kinds)


#: A note whose patient, once the direct identifiers are gone, is still alone in the region.
GUIDED_SEED = 7
GUIDED_PATHS: Mapping[str, GuidedPath] = MappingProxyType(
    {
        "name_only": GuidedPath("name_only", GUIDED_SEED, (), ("name",)),
        "direct_only": GuidedPath("direct_only", GUIDED_SEED, ("direct",)),
        "everything": GuidedPath("everything", GUIDED_SEED, ("direct", "quasi", "clinical")),
        "right": GuidedPath("right", GUIDED_SEED, ("direct", "quasi")),
    }
)
