"""Scoring a reader's answers: accuracy alone and with the AI, commission and omission errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from aimed.engines.automation_bias.rules import ANSWERS, NS, Condition, Rate
from aimed.engines.automation_bias.series import Case, Series
from aimed.validation import InputError


# --- Scoring ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    """Your result on one series (or the pooled result of simulated runs).

    ``accuracy``: right answers by condition, and ``overall``. ``commission``: wrong
    suggestions followed. ``omission``: problems missed when the AI said nothing.
    ``missed_problems`` / ``false_alarms``: error rates ``alone`` and ``with_wrong_ai`` (the
    AI said nothing or "no problem" over a problem; the AI raised a false alarm), the
    measures of the published study shown beside them. ``explanation``: commission and
    accuracy with advice, with and without the AI's explanation.
    """

    answered: int
    total: int
    accuracy: Mapping[str, Rate]
    commission: Rate
    omission: Rate
    missed_problems: Mapping[str, Rate]
    false_alarms: Mapping[str, Rate]
    explanation: Mapping[str, Rate]
    ai_accuracy: Rate

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def check_answer(value: object) -> str:
    """``"problem"`` or ``"clear"``; anything else is an InputError the page can show."""
    if not isinstance(value, str) or value.strip().lower() not in ANSWERS:
        raise InputError(f"{NS}.errors.answer", given=str(value)[:40])
    return value.strip().lower()


def _count(
    pairs: Iterable[tuple[Case, str]],
    keep: Callable[[Case], bool],
    hit: Callable[[Case, str], bool],
) -> Rate:
    chosen = [(c, a) for c, a in pairs if keep(c)]
    return Rate(sum(bool(hit(c, a)) for c, a in chosen), len(chosen))


def _right(case: Case, answer: str) -> bool:
    return answer == case.answer


def _wrong(case: Case, answer: str) -> bool:
    return answer != case.answer


def _shown_as(condition: Condition) -> Callable[[Case], bool]:
    return lambda case: case.condition is condition


def _followed(case: Case, answer: str) -> bool:
    return answer == case.suggestion


def summarise(pairs: list[tuple[Case, str]], total: int, ai_accuracy: Rate) -> Summary:
    accuracy = {
        condition.value: _count(pairs, _shown_as(condition), _right) for condition in Condition
    }
    accuracy["overall"] = _count(pairs, lambda c: True, _right)
    advised = (Condition.AI_RIGHT, Condition.AI_WRONG)
    misled_problem = (Condition.AI_WRONG, Condition.AI_SILENT)
    return Summary(
        answered=len(pairs),
        total=total,
        accuracy=MappingProxyType(accuracy),
        commission=_count(pairs, lambda c: c.condition is Condition.AI_WRONG, _followed),
        omission=_count(pairs, lambda c: c.condition is Condition.AI_SILENT and c.problem, _wrong),
        missed_problems=MappingProxyType(
            {
                "alone": _count(
                    pairs, lambda c: c.condition is Condition.ALONE and c.problem, _wrong
                ),
                "with_wrong_ai": _count(
                    pairs, lambda c: c.condition in misled_problem and c.problem, _wrong
                ),
            }
        ),
        false_alarms=MappingProxyType(
            {
                "alone": _count(
                    pairs, lambda c: c.condition is Condition.ALONE and not c.problem, _wrong
                ),
                "with_wrong_ai": _count(
                    pairs, lambda c: c.condition is Condition.AI_WRONG and not c.problem, _wrong
                ),
            }
        ),
        explanation=MappingProxyType(
            {
                "commission_with": _count(
                    pairs, lambda c: c.condition is Condition.AI_WRONG and c.explained, _followed
                ),
                "commission_without": _count(
                    pairs,
                    lambda c: c.condition is Condition.AI_WRONG and not c.explained,
                    _followed,
                ),
                "accuracy_with": _count(
                    pairs, lambda c: c.condition in advised and c.explained, _right
                ),
                "accuracy_without": _count(
                    pairs, lambda c: c.condition in advised and not c.explained, _right
                ),
            }
        ),
        ai_accuracy=ai_accuracy,
    )


def answered_pairs(series: Series, answers: Mapping[int, object]) -> list[tuple[Case, str]]:
    pairs = []
    for number, value in answers.items():
        case = series.case(number)
        if value is None:
            continue
        pairs.append((case, check_answer(value)))
    pairs.sort(key=lambda pair: pair[0].number)
    return pairs


def score(series: Series, answers: Mapping[int, object]) -> Summary:
    """Your result: ``answers`` maps case numbers (1-based) to "problem" or "clear".

    Unanswered cases (missing or None) are left out of every rate; an unknown case number
    or answer is an InputError.
    """
    return summarise(answered_pairs(series, answers), len(series.cases), series.ai_accuracy)
