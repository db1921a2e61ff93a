"""Drawing a case from a seed: a synthetic record and its drafted letter with seeded errors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from aimed.engines.letter_check.catalogue import (
    FAMILY,
    KINDS,
    NS,
    OMISSION_KINDS,
    SCENARIOS,
    SIDES,
    YEAR,
    ScenarioInfo,
    load_catalogue,
)
from aimed.validation import InputError, check_seed

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
    # Each template holds other kinds of value (a dose, a side, a date): typed per use.
    values: tuple[tuple[str, Any], ...]
    error: str | None = None

    def get(self, name: str) -> Any:
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
    problems: list[str] = []
    chronic: list[Medication] = []
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
                changes: dict[str, object] = {"unit": info.unit_error}
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


def faithful_statement(record: Record, fact: str) -> Statement:
    return next(s for s in faithful_statements(record) if fact in s.facts)
