"""Writing a case in English or French: the letter's sentences, the record as the page shows
it, and what each seeded error changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from aimed.engines.letter_check.cases import (
    Case,
    Record,
    SeededError,
    Statement,
    faithful_statement,
)
from aimed.engines.letter_check.catalogue import NS, load_catalogue
from aimed.texts.i18n import LANGUAGES, t
from aimed.texts.numbers import decimal, percent, plain
from aimed.validation import InputError

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


def drug_name(drug: str, lang: str) -> str:
    return t(f"{NS}.drugs.{drug}", lang)


def _medication_text(values: Mapping[str, Any], lang: str) -> str:
    dose = _dose(values["dose"], values["unit"], lang)
    frequency = t(f"{NS}.frequencies.{values['frequency']}", lang)
    return f"{drug_name(values['drug'], lang)} {dose} {frequency}"


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
    check_language(lang)
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


def check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise InputError(f"{NS}.errors.language", given=lang)


def record_items(record: Record, lang: str) -> dict[str, str]:
    """Each record item as the record writes it, by fact id."""
    check_language(lang)
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
    check_language(lang)
    items = record_items(case.record, lang)
    if error.sentence is None:
        assert error.fact is not None  # an omission always names the record item left out
        return ErrorDetail(None, items[error.fact])
    said = dict(case.statements[error.sentence].values)
    if error.fact is None:
        if error.kind == "unsupported_claim":
            return ErrorDetail(t(f"{NS}.claims.{said['claim']}.topic", lang), None)
        return ErrorDetail(drug_name(said["drug"], lang), None)
    truth = dict(faithful_statement(case.record, error.fact).values)
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
