"""A reader who checks in one direction only, and the guided paths ("Try this") built on it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from aimed.engines.letter_check.cases import (
    Case,
    Record,
    Statement,
    faithful_statement,
    generate_case,
)
from aimed.engines.letter_check.catalogue import DIRECTIONS, NS
from aimed.engines.letter_check.scoring import Marking, Score, score
from aimed.validation import InputError

# --- A reader who checks in one direction ------------------------------------------------------


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
    truth = dict(faithful_statement(record, statement.facts[-1]).values)
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
def _on_the_guided_case(key: str, direction: str) -> GuidedPath:
    return GuidedPath(key, 138, "pneumonia", ("invented_drug", "omitted_allergy"), direction)


GUIDED_PATHS: Mapping[str, GuidedPath] = MappingProxyType(
    {
        "letter_first": _on_the_guided_case("letter_first", "letter_to_record"),
        "record_first": _on_the_guided_case("record_first", "record_to_letter"),
    }
)
