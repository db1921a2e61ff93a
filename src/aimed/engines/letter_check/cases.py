"""The AI-drafted letter check: a synthetic record, a drafted discharge letter with seeded
errors, and the score of a reader who looks for them.

Why simulated. No language model is downloaded or called: a real one would need a large
download or a remote service (and so send text away), and its errors could not be counted
with certainty. Here a seeded generator writes the letter from the record, sentence by
sentence, and plants errors of known kinds, so every error is known and a reader's
marks can be scored exactly. The drafts hold far more errors than published rates
(:data:`PUBLISHED_RATES`) so that each one has something to find.

How a case is built (:func:`generate_case`), all from ``numpy.random.default_rng(seed)``:

1. the seed picks one of the :data:`SCENARIOS` (kinds of hospital stay, in
   ``data/letter_check.toml``) unless one is named, then draws the patient's age and sex,
   the dates of the stay, one to three long-term problems (each with its drug and dose),
   one or two allergies, the results (value and date), the answer of each investigation
   and the drugs started in hospital;
2. the faithful letter states each fact of the record in one sentence
   (:class:`Statement`);
3. three to five error kinds are drawn (always one omission), unless ``kinds`` is given,
   and applied to distinct facts: a sentence changed (wrong dose or unit, wrong side,
   wrong number or date, negation flipped), a sentence added (invented drug, claim with
   no basis in the record) or a sentence removed (omitted allergy, omitted medication).

Words are in ``locales/letter_check.{en,fr}.toml``: a case is language-neutral, and
:func:`letter` and :func:`record_view` write it in either language, so both languages hold
the same cases and the same errors.

A reader's marks (:class:`Marking`: a kind for each flagged sentence, and the record
items they think the letter left out) are scored by :func:`score`. :func:`review` marks a
letter the way a reader who checks in one direction only would: every sentence of the
letter against the record, or every item of the record against the letter; it compares
statements with the record and never reads the seeded labels.

Stable API (add, do not rename): ``KINDS``, ``SENTENCE_KINDS``, ``OMISSION_KINDS``,
``MARK_CHOICES``, ``SCENARIOS``, ``PUBLISHED_RATES``, ``GUIDED_PATHS``, ``Case``,
``Record``, ``Statement``, ``SeededError``, ``Marking``, ``Score``, ``Outcome``,
``generate_case``, ``letter``, ``record_view``, ``error_detail``, ``score``, ``review``,
``check_added_sentence``, ``expected_errors``.
"""

from __future__ import annotations

import math
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
from babel.dates import format_date

from aimed.texts.guard import check_free_text
from aimed.texts.i18n import LANGUAGES, t
from aimed.texts.numbers import decimal, percent, plain
from aimed.validation import MAX_SEED, InputError, check_seed

__all__ = [
    "DATA_FILE",
    "GUIDED_PATHS",
    "KINDS",
    "MARK_CHOICES",
    "MAX_SEED",
    "OMISSION_KINDS",
    "PUBLISHED_RATES",
    "SCENARIOS",
    "SENTENCE_KINDS",
    "AddedCheck",
    "Allergy",
    "Case",
    "ErrorDetail",
    "GuidedPath",
    "Marking",
    "Medication",
    "Outcome",
    "PublishedRate",
    "Record",
    "RecordItem",
    "RecordSection",
    "Result",
    "Score",
    "SeededError",
    "Statement",
    "check_added_sentence",
    "error_detail",
    "expected_errors",
    "generate_case",
    "letter",
    "record_view",
    "review",
    "score",
]

NS = "letter_check"
DATA_FILE = Path(__file__).parents[2] / "data" / "letter_check.toml"
YEAR = 2025  # the stays happen in one synthetic year; letters write day and month only

# Error kinds. A sentence can be changed or added (the reader flags it); an omission has
# no sentence (the reader picks the record item the letter left out).
SENTENCE_KINDS: tuple[str, ...] = (
    "invented_drug",
    "wrong_dose",
    "wrong_side",
    "wrong_number",
    "negation_flip",
    "unsupported_claim",
)
OMISSION_KINDS: tuple[str, ...] = ("omitted_allergy", "omitted_medication")
KINDS: tuple[str, ...] = SENTENCE_KINDS + OMISSION_KINDS
# What a reader may say of a sentence: right, one of the kinds, or "something else".
MARK_CHOICES: tuple[str, ...] = ("ok", *SENTENCE_KINDS, "other")
FAMILY = MappingProxyType(
    {kind: "omission" if kind in OMISSION_KINDS else "hallucination" for kind in KINDS}
)
DIRECTIONS = ("letter_to_record", "record_to_letter")
SIDES = ("left", "right")


# --- Published rates --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedRate:
    """One measured error rate: its value and the share of errors graded major.

    The denominators differ (said in ``letter_check.rates.<family>.text``): the
    hallucination rate counts sentences of the generated note, the omission rate counts
    sentences of the source transcript.
    """

    family: str
    rate: float
    major_share: float
    citation: str


# Asgari et al. 2025, npj Digit Med 8:274: 18 configurations of an LLM writing clinical
# notes from consultation transcripts; 12,999 clinician-annotated note sentences (49,590
# transcript sentences). Applying them to a discharge letter is an extrapolation.
PUBLISHED_RATES: Mapping[str, PublishedRate] = MappingProxyType(
    {
        "hallucination": PublishedRate("hallucination", 0.0147, 0.44, "Asgari et al. 2025"),
        "omission": PublishedRate("omission", 0.0345, 0.17, "Asgari et al. 2025"),
    }
)


def expected_errors(sentences: int, source_items: int) -> dict[str, float]:
    """Errors a letter would hold on average at the published rates (an extrapolation).

    Hallucinations per sentence of the letter; omissions per item of the source (the
    published omission rate counts source sentences, here approximated by record items).
    """
    for value in (sentences, source_items):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(f"{NS}.errors.count", given=value)
    return {
        "hallucination": sentences * PUBLISHED_RATES["hallucination"].rate,
        "omission": source_items * PUBLISHED_RATES["omission"].rate,
    }


# --- The catalogue (data file) ----------------------------------------------------------------


@dataclass(frozen=True)
class DrugInfo:
    key: str
    unit: str
    doses: tuple[float, ...]
    frequency: str
    unit_error: str | None


@dataclass(frozen=True)
class ScenarioInfo:
    key: str
    age: tuple[int, int]
    stay: tuple[int, int]
    results: tuple[tuple[str, float, float], ...]
    findings: tuple[tuple[str, str], ...]
    started: tuple[tuple[str, float | None, tuple[int, int] | None], ...]
    excluded_problems: frozenset[str]


@dataclass(frozen=True)
class Catalogue:
    drugs: Mapping[str, DrugInfo]
    problems: Mapping[str, tuple[str, ...]]
    allergies: Mapping[str, tuple[tuple[str, ...], frozenset[str]]]
    tests: Mapping[str, tuple[str, int]]
    claims: Mapping[str, frozenset[str]]
    scenarios: Mapping[str, ScenarioInfo]


def _pair(value: object, where: str) -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) for v in value)
        or not 0 <= value[0] <= value[1]
    ):
        raise ValueError(f"{DATA_FILE.name}: {where} must be [low, high] whole numbers")
    return value[0], value[1]


@cache
def load_catalogue(path: Path = DATA_FILE) -> Catalogue:
    """Read and check the data file; a row naming something unknown is an error."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    drugs = {}
    for row in data["drug"]:
        doses = tuple(float(d) for d in row["doses"])
        if not doses or any(d <= 0 for d in doses):
            raise ValueError(f"{path.name}: drug {row['key']} needs positive doses")
        drugs[row["key"]] = DrugInfo(
            row["key"], row["unit"], doses, row["frequency"], row.get("unit_error")
        )
    problems = {row["key"]: tuple(row["drugs"]) for row in data["problem"]}
    allergies = {
        row["key"]: (tuple(row["reactions"]), frozenset(row.get("excludes", [])))
        for row in data["allergy"]
    }
    tests = {row["key"]: (row["unit"], int(row["decimals"])) for row in data["test"]}
    claims = {row["key"]: frozenset(row.get("excluded", [])) for row in data["claim"]}
    scenarios = {}
    for row in data["scenario"]:
        key = row["key"]
        results = tuple((r["test"], float(r["low"]), float(r["high"])) for r in row["results"])
        findings = tuple((f["key"], f["record"]) for f in row["findings"])
        started = tuple(
            (
                s["drug"],
                float(s["dose"]) if "dose" in s else None,
                _pair(s["days"], f"{key}.days") if "days" in s else None,
            )
            for s in row["started"]
        )
        scenarios[key] = ScenarioInfo(
            key,
            _pair(row["age"], f"{key}.age"),
            _pair(row["stay"], f"{key}.stay"),
            results,
            findings,
            started,
            frozenset(row.get("excluded_problems", [])),
        )
    known_drugs = set(drugs)
    for key, names in problems.items():
        if not names or set(names) - known_drugs:
            raise ValueError(f"{path.name}: problem {key} names an unknown drug")
    for key, (reactions, excludes) in allergies.items():
        if not reactions or excludes - known_drugs:
            raise ValueError(f"{path.name}: allergy {key} is incomplete")
    for info in scenarios.values():
        where = f"{path.name}: scenario {info.key}"
        if any(test not in tests or low > high for test, low, high in info.results):
            raise ValueError(f"{where}: unknown test or empty range")
        if any(answer not in ("present", "absent", "either") for _, answer in info.findings):
            raise ValueError(f"{where}: a finding's record answer is not present/absent/either")
        if any(drug not in drugs for drug, _, _ in info.started) or not info.started:
            raise ValueError(f"{where}: started drugs missing or unknown")
        if info.excluded_problems - set(problems):
            raise ValueError(f"{where}: unknown excluded problem")
    for key, excluded in claims.items():
        if excluded - set(scenarios):
            raise ValueError(f"{path.name}: claim {key} excludes an unknown scenario")
    return Catalogue(
        MappingProxyType(drugs),
        MappingProxyType(problems),
        MappingProxyType(allergies),
        MappingProxyType(tests),
        MappingProxyType(claims),
        MappingProxyType(scenarios),
    )


SCENARIOS: tuple[str, ...] = tuple(load_catalogue().scenarios)


# --- A case --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Medication:
    drug: str
    dose: float
    unit: str
    frequency: str
    started: bool
    days: int | None = None

    @property
    def fact(self) -> str:
        return f"med:{self.drug}"


@dataclass(frozen=True)
class Allergy:
    allergen: str
    reaction: str

    @property
    def fact(self) -> str:
        return f"allergy:{self.allergen}"


@dataclass(frozen=True)
class Result:
    test: str
    day: date
    value: float

    @property
    def fact(self) -> str:
        return f"result:{self.test}"


@dataclass(frozen=True)
class Record:
    """The synthetic patient's record: what a faithful letter must state, and nothing else."""

    scenario: str
    sex: str
    age: int
    admitted: date
    discharged: date
    side: str
    problems: tuple[str, ...]
    allergies: tuple[Allergy, ...]
    results: tuple[Result, ...]
    findings: tuple[tuple[str, bool], ...]  # (investigation, answer is "present")
    medications: tuple[Medication, ...]

    def facts(self) -> tuple[str, ...]:
        """Every item of the record, in reading order (ids such as ``med:apixaban``)."""
        return (
            "patient",
            "admission",
            "discharge",
            "diagnosis",
            "history",
            *(a.fact for a in self.allergies),
            *(r.fact for r in self.results),
            *(f"finding:{key}" for key, _ in self.findings),
            "course",
            *(m.fact for m in self.medications),
            "follow_up",
        )


@dataclass(frozen=True)
class Statement:
    """One sentence of the letter, before it is written in a language.

    ``template``: which sentence (``admission``, ``result``, ``med_started``...);
    ``facts``: the record items it states (empty for a sentence with no basis);
    ``values``: what it says (dose, side, date...); ``error``: the seeded kind, if any.
    """

    template: str
    facts: tuple[str, ...]
    values: tuple[tuple[str, object], ...]
    error: str | None = None

    def get(self, name: str) -> object:
        return dict(self.values)[name]

    def with_values(self, error: str, **changes: object) -> Statement:
        merged = {**dict(self.values), **changes}
        return replace(self, values=tuple(merged.items()), error=error)


@dataclass(frozen=True)
class SeededError:
    """An error planted in the draft: its kind, the record item it concerns, its sentence.

    ``sentence`` is the index in the letter (None for an omission); ``fact`` is None for a
    sentence with no basis in the record (an invented drug or claim).
    """

    kind: str
    fact: str | None
    sentence: int | None

    @property
    def family(self) -> str:
        return FAMILY[self.kind]


@dataclass(frozen=True)
class Case:
    """A record, the letter drafted from it, and the errors planted in the letter."""

    seed: int
    record: Record
    statements: tuple[Statement, ...]
    errors: tuple[SeededError, ...]

    @property
    def omitted(self) -> tuple[str, ...]:
        return tuple(e.fact for e in self.errors if e.sentence is None and e.fact)


def _pick(rng: np.random.Generator, items: Sequence):
    return items[int(rng.integers(len(items)))]


def _draw_record(rng: np.random.Generator, info: ScenarioInfo) -> Record:
    cat = load_catalogue()
    sex = _pick(rng, ("female", "male"))
    age = int(rng.integers(info.age[0], info.age[1] + 1))
    admitted = date(YEAR, 1, 1) + timedelta(days=int(rng.integers(0, 330)))
    discharged = admitted + timedelta(days=int(rng.integers(info.stay[0], info.stay[1] + 1)))
    side = _pick(rng, SIDES)

    started_drugs = {drug for drug, _, _ in info.started}
    candidates = [p for p in cat.problems if p not in info.excluded_problems]
    order = rng.permutation(len(candidates))
    n_problems = int(rng.integers(1, 4))
    problems, chronic = [], []
    for index in order:
        problem = candidates[int(index)]
        drugs = [d for d in cat.problems[problem] if d not in started_drugs]
        drugs = [d for d in drugs if d not in {m.drug for m in chronic}]
        if not drugs:
            continue
        drug = cat.drugs[_pick(rng, drugs)]
        dose = _pick(rng, drug.doses)
        chronic.append(Medication(drug.key, dose, drug.unit, drug.frequency, started=False))
        problems.append(problem)
        if len(problems) == n_problems:
            break

    started = []
    for drug_key, dose, days in info.started:
        drug = cat.drugs[drug_key]
        course = None if days is None else int(rng.integers(days[0], days[1] + 1))
        started.append(
            Medication(
                drug.key,
                dose if dose is not None else _pick(rng, drug.doses),
                drug.unit,
                drug.frequency,
                started=True,
                days=course,
            )
        )
    medications = tuple(chronic + started)
    held = {m.drug for m in medications}

    allowed = [a for a, (_, excludes) in cat.allergies.items() if not excludes & held]
    n_allergies = 1 + int(rng.random() < 0.3)
    chosen = [allowed[int(i)] for i in rng.permutation(len(allowed))[:n_allergies]]
    allergies = tuple(Allergy(a, _pick(rng, cat.allergies[a][0])) for a in chosen)

    results = []
    span = (discharged - admitted).days
    for test, low, high in info.results:
        decimals = cat.tests[test][1]
        value = round(float(rng.uniform(low, high)), decimals)
        day = admitted + timedelta(days=int(rng.integers(0, max(span, 1))))
        results.append(Result(test, day, value))

    findings = tuple(
        (key, bool(rng.random() < 0.5) if answer == "either" else answer == "present")
        for key, answer in info.findings
    )
    return Record(
        scenario=info.key,
        sex=sex,
        age=age,
        admitted=admitted,
        discharged=discharged,
        side=side,
        problems=tuple(problems),
        allergies=allergies,
        results=tuple(results),
        findings=findings,
        medications=medications,
    )


def _statement(template: str, facts: Iterable[str], **values: object) -> Statement:
    return Statement(template, tuple(facts), tuple(values.items()))


def _med_statement(med: Medication, facts: Iterable[str]) -> Statement:
    template = "med_continued" if not med.started else "med_started"
    if med.started and med.days is not None:
        template = "med_started_for"
    return _statement(
        template,
        facts,
        drug=med.drug,
        dose=med.dose,
        unit=med.unit,
        frequency=med.frequency,
        days=med.days,
    )


def faithful_statements(record: Record) -> tuple[Statement, ...]:
    """The letter a careful writer would draft: each record item stated once, correctly."""
    out = [
        _statement(
            "admission",
            ("patient", "admission"),
            scenario=record.scenario,
            sex=record.sex,
            age=record.age,
            date=record.admitted,
        ),
        _statement("diagnosis", ("diagnosis",), scenario=record.scenario, side=record.side),
        _statement("history", ("history",), problems=record.problems),
    ]
    out += [
        _statement("allergy", (a.fact,), allergen=a.allergen, reaction=a.reaction)
        for a in record.allergies
    ]
    out += [
        _statement("result", (r.fact,), test=r.test, date=r.day, value=r.value)
        for r in record.results
    ]
    out += [
        _statement("finding", (f"finding:{key}",), finding=key, present=present)
        for key, present in record.findings
    ]
    out.append(_statement("course", ("course",), scenario=record.scenario))
    out += [_med_statement(m, (m.fact,)) for m in record.medications]
    out.append(_statement("discharge", ("discharge",), date=record.discharged))
    out.append(_statement("follow_up", ("follow_up",), scenario=record.scenario))
    return tuple(out)


def _wrong_value(value: float, decimals: int, rng: np.random.Generator) -> float:
    """A transcription slip: the last two digits swapped, or the value ten times too big."""
    digits = f"{value:.{decimals}f}".replace(".", "")
    if len(digits) >= 2 and digits[-1] != digits[-2] and rng.random() < 0.6:
        swapped = digits[:-2] + digits[-1] + digits[-2]
        return int(swapped) / 10**decimals
    return round(value * 10, decimals)


def _choose_kinds(rng: np.random.Generator) -> tuple[str, ...]:
    """One omission, then two to four more kinds, all different."""
    first = _pick(rng, OMISSION_KINDS)
    others = [k for k in KINDS if k != first]
    n_more = int(rng.integers(2, 5))
    more = [others[int(i)] for i in rng.permutation(len(others))[:n_more]]
    return (first, *more)


def _apply_errors(
    rng: np.random.Generator, record: Record, kinds: Sequence[str]
) -> tuple[list[Statement], list[SeededError]]:
    cat = load_catalogue()
    statements = list(faithful_statements(record))
    by_fact = {s.facts[-1]: i for i, s in enumerate(statements)}
    used: set[str] = set()  # record items already carrying an error
    omissions: list[SeededError] = []
    removed: set[int] = set()
    inserts: list[tuple[int, Statement]] = []

    def free(facts: Iterable[str]) -> list[str]:
        return [f for f in facts if f not in used]

    meds = [m.fact for m in record.medications]
    for kind in kinds:
        if kind == "omitted_allergy":
            fact = _pick(rng, free(a.fact for a in record.allergies))
            removed.add(by_fact[fact])
            omissions.append(SeededError(kind, fact, None))
        elif kind == "omitted_medication":
            fact = _pick(rng, free(meds))
            removed.add(by_fact[fact])
            omissions.append(SeededError(kind, fact, None))
        elif kind == "wrong_dose":
            fact = _pick(rng, free(meds))
            index = by_fact[fact]
            med = next(m for m in record.medications if m.fact == fact)
            info = cat.drugs[med.drug]
            if info.unit_error and rng.random() < 0.5:
                changes = {"unit": info.unit_error}
            else:
                changes = {"dose": round(med.dose * 10, 4)}
            statements[index] = statements[index].with_values(kind, **changes)
        elif kind == "wrong_side":
            fact = "diagnosis"
            index = by_fact[fact]
            other = SIDES[1 - SIDES.index(record.side)]
            statements[index] = statements[index].with_values(kind, side=other)
        elif kind == "negation_flip":
            fact = _pick(rng, free(f"finding:{key}" for key, _ in record.findings))
            index = by_fact[fact]
            present = bool(statements[index].get("present"))
            statements[index] = statements[index].with_values(kind, present=not present)
        elif kind == "wrong_number":
            targets = free([r.fact for r in record.results] + ["admission", "discharge"])
            fact = _pick(rng, targets)
            index = by_fact[fact]
            if fact.startswith("result:") and rng.random() < 0.6:
                result = next(r for r in record.results if r.fact == fact)
                decimals = cat.tests[result.test][1]
                changes = {"value": _wrong_value(result.value, decimals, rng)}
            else:
                shift = int(rng.integers(1, 4)) * (1 if rng.random() < 0.5 else -1)
                changes = {"date": statements[index].get("date") + timedelta(days=shift)}
            statements[index] = statements[index].with_values(kind, **changes)
        elif kind == "invented_drug":
            held = {m.drug for m in record.medications}
            banned = held.union(*(cat.allergies[a.allergen][1] for a in record.allergies))
            drug = cat.drugs[_pick(rng, [d for d in cat.drugs if d not in banned])]
            invented = Medication(
                drug.key, _pick(rng, drug.doses), drug.unit, drug.frequency, started=True
            )
            after = _pick(rng, [by_fact[f] for f in meds])
            inserts.append((after, replace(_med_statement(invented, ()), error=kind)))
            fact = None
        elif kind == "unsupported_claim":
            claims = [c for c, excluded in cat.claims.items() if record.scenario not in excluded]
            claim = _pick(rng, claims)
            after = int(rng.integers(by_fact["history"], by_fact["discharge"]))
            inserts.append((after, _statement("claim", (), claim=claim).with_values(kind)))
            fact = None
        else:
            raise InputError(f"{NS}.errors.kind", given=kind)
        if fact is not None:
            used.add(fact)

    # Insertions go after their anchor, in the order drawn; then removals; then indices.
    extra: dict[int, list[Statement]] = {}
    for after, statement in inserts:
        extra.setdefault(after, []).append(statement)
    final: list[Statement] = []
    for index, statement in enumerate(statements):
        if index not in removed:
            final.append(statement)
        final.extend(extra.get(index, []))
    errors = [
        SeededError(s.error, s.facts[-1] if s.facts else None, i)
        for i, s in enumerate(final)
        if s.error
    ]
    return final, errors + omissions


def generate_case(
    seed: int, *, scenario: str | None = None, kinds: Sequence[str] | None = None
) -> Case:
    """The case of a seed: a record and its draft with seeded errors.

    ``scenario`` fixes the kind of stay (else the seed picks one); ``kinds`` fixes the
    error kinds, each at most once (else three to five are drawn, one an omission).
    """
    seed = check_seed(seed, f"{NS}.seed_label")
    if scenario is not None and scenario not in SCENARIOS:
        raise InputError(f"{NS}.errors.scenario", given=scenario)
    if kinds is not None:
        kinds = tuple(kinds)
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise InputError(f"{NS}.errors.kind", given=unknown[0])
        if len(set(kinds)) != len(kinds):
            raise InputError(f"{NS}.errors.kind_twice")
    rng = np.random.default_rng(seed)
    info = load_catalogue().scenarios[scenario or _pick(rng, SCENARIOS)]
    record = _draw_record(rng, info)
    drawn = kinds if kinds is not None else _choose_kinds(rng)
    statements, errors = _apply_errors(rng, record, drawn)
    return Case(seed, record, tuple(statements), tuple(errors))


# --- Writing a case in a language ------------------------------------------------------------


def _date(day: date, lang: str) -> str:
    """``12 March`` / ``12 mars`` (``1er mars``): day and month, as a letter writes them."""
    if lang == "fr" and day.day == 1:
        return f"1er {format_date(day, 'MMMM', locale='fr')}"
    return format_date(day, "d MMMM", locale=lang)


def _dose(dose: float, unit: str, lang: str) -> str:
    return f"{plain(dose, lang)}\u00a0{t(f'{NS}.units.{unit}', lang)}"


def _value(test: str, value: float, lang: str) -> str:
    unit, decimals = load_catalogue().tests[test]
    if unit == "percent":
        return percent(value / 100, lang, digits=decimals, least=decimals)
    return f"{decimal(value, lang, decimals)}\u00a0{t(f'{NS}.units.{unit}', lang)}"


def _join(items: Sequence[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t(f'{NS}.words.and', lang)} {items[-1]}"


def _side(scenario: str, side: str, lang: str) -> str:
    return t(f"{NS}.scenarios.{scenario}.{side}", lang)


def _diagnosis(scenario: str, side: str, lang: str) -> str:
    return t(f"{NS}.scenarios.{scenario}.diagnosis", lang, side=_side(scenario, side, lang))


def _drug(drug: str, lang: str) -> str:
    return t(f"{NS}.drugs.{drug}", lang)


def _medication_text(values: Mapping[str, object], lang: str) -> str:
    dose = _dose(values["dose"], values["unit"], lang)
    frequency = t(f"{NS}.frequencies.{values['frequency']}", lang)
    return f"{_drug(values['drug'], lang)} {dose} {frequency}"


def sentence(statement: Statement, lang: str) -> str:
    """One statement written as a sentence of the letter in ``lang``."""
    v = dict(statement.values)
    key = f"{NS}.letter"
    match statement.template:
        case "admission":
            return t(
                f"{key}.admission_{v['sex']}",
                lang,
                age=v["age"],
                date=_date(v["date"], lang),
                reason=t(f"{NS}.scenarios.{v['scenario']}.reason", lang),
            )
        case "diagnosis":
            return t(
                f"{key}.diagnosis",
                lang,
                diagnosis=_diagnosis(v["scenario"], v["side"], lang),
                confirmed_by=t(f"{NS}.scenarios.{v['scenario']}.confirmed_by", lang),
            )
        case "history":
            names = [t(f"{NS}.problems.{p}", lang) for p in v["problems"]]
            return t(f"{key}.history", lang, problems=_join(names, lang))
        case "allergy":
            return t(
                f"{key}.allergy",
                lang,
                allergen=t(f"{NS}.allergens.{v['allergen']}", lang),
                reaction=t(f"{NS}.reactions.{v['reaction']}", lang),
            )
        case "result":
            return t(
                f"{key}.result",
                lang,
                test=t(f"{NS}.tests.{v['test']}", lang),
                date=_date(v["date"], lang),
                value=_value(v["test"], v["value"], lang),
            )
        case "finding":
            answer = "present" if v["present"] else "absent"
            return t(f"{NS}.findings.{v['finding']}.letter_{answer}", lang)
        case "course" | "follow_up":
            text = t(f"{NS}.scenarios.{v['scenario']}.{statement.template}", lang)
            return t(f"{key}.{statement.template}", lang, text=text)
        case "med_continued" | "med_started":
            return t(f"{key}.{statement.template}", lang, medication=_medication_text(v, lang))
        case "med_started_for":
            return t(
                f"{key}.med_started_for",
                lang,
                medication=_medication_text(v, lang),
                days=v["days"],
            )
        case "discharge":
            return t(f"{key}.discharge", lang, date=_date(v["date"], lang))
        case "claim":
            return t(f"{NS}.claims.{v['claim']}.letter", lang)
    raise ValueError(f"unknown statement template {statement.template!r}")


def letter(case: Case, lang: str) -> tuple[str, ...]:
    """The drafted letter, one sentence per statement, in ``lang``."""
    _check_language(lang)
    return tuple(sentence(s, lang) for s in case.statements)


@dataclass(frozen=True)
class RecordItem:
    fact: str
    text: str


@dataclass(frozen=True)
class RecordSection:
    key: str
    title: str
    items: tuple[RecordItem, ...]


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise InputError(f"{NS}.errors.language", given=lang)


def record_items(record: Record, lang: str) -> dict[str, str]:
    """Each record item as the record writes it, by fact id."""
    _check_language(lang)
    key = f"{NS}.record"
    scenario = f"{NS}.scenarios.{record.scenario}"
    items = {
        "patient": t(f"{key}.patient_{record.sex}", lang, age=record.age),
        "admission": t(
            f"{key}.admission",
            lang,
            date=_date(record.admitted, lang),
            reason=t(f"{scenario}.reason", lang),
        ),
        "discharge": t(f"{key}.discharge", lang, date=_date(record.discharged, lang)),
        "diagnosis": t(
            f"{key}.diagnosis",
            lang,
            diagnosis=_diagnosis(record.scenario, record.side, lang),
            confirmed_by=t(f"{scenario}.confirmed_by", lang),
        ),
        "history": t(
            f"{key}.history",
            lang,
            problems=_join([t(f"{NS}.problems.{p}", lang) for p in record.problems], lang),
        ),
    }
    for allergy in record.allergies:
        items[allergy.fact] = t(
            f"{key}.allergy",
            lang,
            allergen=t(f"{NS}.allergens.{allergy.allergen}", lang),
            reaction=t(f"{NS}.reactions.{allergy.reaction}", lang),
        )
    for result in record.results:
        items[result.fact] = t(
            f"{key}.result",
            lang,
            test=t(f"{NS}.tests.{result.test}", lang),
            date=_date(result.day, lang),
            value=_value(result.test, result.value, lang),
        )
    for finding, present in record.findings:
        answer = "present" if present else "absent"
        items[f"finding:{finding}"] = t(f"{NS}.findings.{finding}.record_{answer}", lang)
    items["course"] = t(f"{scenario}.course", lang)
    for med in record.medications:
        text = _medication_text(
            {"drug": med.drug, "dose": med.dose, "unit": med.unit, "frequency": med.frequency},
            lang,
        )
        text = text[:1].upper() + text[1:]  # a list item of the record starts with a capital
        if med.started and med.days is not None:
            items[med.fact] = t(f"{key}.med_started_for", lang, medication=text, days=med.days)
        elif med.started:
            items[med.fact] = t(f"{key}.med_started", lang, medication=text)
        else:
            items[med.fact] = t(f"{key}.med_continued", lang, medication=text)
    items["follow_up"] = t(f"{key}.follow_up", lang, text=t(f"{scenario}.follow_up", lang))
    return items


SECTIONS = (
    ("stay", ("patient", "admission", "discharge")),
    ("diagnosis", ("diagnosis", "history")),
    ("allergies", ("allergy:",)),
    ("results", ("result:",)),
    ("investigations", ("finding:",)),
    ("course", ("course",)),
    ("medication", ("med:",)),
    ("follow_up", ("follow_up",)),
)


def record_view(case: Case, lang: str) -> tuple[RecordSection, ...]:
    """The record as the page shows it: titled sections of items, in reading order."""
    items = record_items(case.record, lang)
    sections = []
    for key, prefixes in SECTIONS:
        chosen = [
            RecordItem(fact, items[fact])
            for fact in case.record.facts()
            if any(fact == p or (p.endswith(":") and fact.startswith(p)) for p in prefixes)
        ]
        sections.append(RecordSection(key, t(f"{NS}.record.sections.{key}", lang), tuple(chosen)))
    return tuple(sections)


@dataclass(frozen=True)
class ErrorDetail:
    """What the letter says and what the record says, in the page's language (None: nothing)."""

    letter_says: str | None
    record_says: str | None


def error_detail(case: Case, error: SeededError, lang: str) -> ErrorDetail:
    """The words that differ: ``apixaban 50 mg`` against ``apixaban 5 mg``, a side, a date."""
    _check_language(lang)
    items = record_items(case.record, lang)
    if error.sentence is None:
        return ErrorDetail(None, items[error.fact])
    said = dict(case.statements[error.sentence].values)
    if error.fact is None:
        if error.kind == "unsupported_claim":
            return ErrorDetail(t(f"{NS}.claims.{said['claim']}.topic", lang), None)
        return ErrorDetail(_drug(said["drug"], lang), None)
    truth = dict(_faithful(case.record, error.fact).values)
    if error.kind == "wrong_dose":
        return ErrorDetail(_medication_text(said, lang), _medication_text(truth, lang))
    if error.kind == "wrong_side":
        scenario = case.record.scenario
        return ErrorDetail(
            _diagnosis(scenario, said["side"], lang), _diagnosis(scenario, truth["side"], lang)
        )
    if error.kind == "negation_flip":
        return ErrorDetail(sentence(case.statements[error.sentence], lang), items[error.fact])
    # wrong_number: a value or a date
    if said.get("value") is not None and said.get("value") != truth.get("value"):
        return ErrorDetail(
            _value(said["test"], said["value"], lang), _value(truth["test"], truth["value"], lang)
        )
    return ErrorDetail(_date(said["date"], lang), _date(truth["date"], lang))


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


# --- A reader who checks in one direction ------------------------------------------------------


def _faithful(record: Record, fact: str) -> Statement:
    return next(s for s in faithful_statements(record) if fact in s.facts)


_DIFFERENCE_KIND = {
    "dose": "wrong_dose",
    "unit": "wrong_dose",
    "frequency": "wrong_dose",
    "side": "wrong_side",
    "value": "wrong_number",
    "date": "wrong_number",
    "age": "wrong_number",
    "days": "wrong_number",
    "present": "negation_flip",
}


def _compare(record: Record, statement: Statement) -> str | None:
    """None if the record supports the statement, else the kind of the discrepancy."""
    facts = set(record.facts())
    if not statement.facts or not set(statement.facts) <= facts:
        return "invented_drug" if statement.template.startswith("med_") else "unsupported_claim"
    truth = dict(_faithful(record, statement.facts[-1]).values)
    for name, said in statement.values:
        if truth.get(name) != said:
            return _DIFFERENCE_KIND.get(name, "other")
    return None


def review(case: Case, direction: str) -> Marking:
    """The marks of a reader who checks one way only, by comparing statements with the record.

    ``letter_to_record``: each sentence of the letter is looked up in the record; what the
    record does not support is flagged. Nothing points to what the letter left out.
    ``record_to_letter``: each record item is looked for in the letter; an item no
    sentence states is picked as missing, an item stated wrongly has its sentence flagged.
    A sentence with no record item behind it is never looked at.
    """
    if direction not in DIRECTIONS:
        raise InputError(f"{NS}.errors.direction", given=direction)
    record = case.record
    flagged: dict[int, str] = {}
    missing: set[str] = set()
    if direction == "letter_to_record":
        for index, statement in enumerate(case.statements):
            kind = _compare(record, statement)
            if kind is not None:
                flagged[index] = kind
    else:
        for fact in record.facts():
            stating = [i for i, s in enumerate(case.statements) if fact in s.facts]
            if not stating:
                missing.add(fact)
            for index in stating:
                kind = _compare(record, case.statements[index])
                if kind is not None:
                    flagged[index] = kind
    return Marking(flagged, frozenset(missing))


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
    return (_folded(_drug(key, lang)),)


def check_added_sentence(case: Case, text: str, lang: str) -> AddedCheck:
    """Guard the reader's sentence, then say which omitted items it names.

    The text goes through :func:`aimed.texts.guard.check_free_text` first; refused text raises
    InputError and is never read further. An empty text is refused too.
    """
    _check_language(lang)
    check_free_text(text)
    if not text.strip():
        raise InputError(f"{NS}.errors.empty_text")
    folded = _folded(text)
    named, not_named = [], []
    for fact in case.omitted:
        found = any(word in folded for word in _omission_words(fact, lang))
        (named if found else not_named).append(fact)
    return AddedCheck(tuple(named), tuple(not_named))


# --- Guided paths -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuidedPath:
    """A fixed case and the one-way check applied to it ("Try this")."""

    key: str
    seed: int
    scenario: str
    kinds: tuple[str, ...]
    direction: str

    def case(self) -> Case:
        return generate_case(self.seed, scenario=self.scenario, kinds=self.kinds)

    def marking(self) -> Marking:
        return review(self.case(), self.direction)

    def score(self) -> Score:
        return score(self.case(), self.marking())


# One invented drug and one omitted allergy in a short pneumonia letter: checking the letter
# against the record catches the first only; checking the record against the letter, the
# second only.
_GUIDED_CASE = {"seed": 138, "scenario": "pneumonia", "kinds": ("invented_drug", "omitted_allergy")}
GUIDED_PATHS: Mapping[str, GuidedPath] = MappingProxyType(
    {
        "letter_first": GuidedPath("letter_first", direction="letter_to_record", **_GUIDED_CASE),
        "record_first": GuidedPath("record_first", direction="record_to_letter", **_GUIDED_CASE),
    }
)
