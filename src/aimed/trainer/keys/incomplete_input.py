"""Answer keys of the exercise "Incomplete input": what the symptom checker concludes.

The learner reads the checker's conclusions from the tables the notebook shows
(``aimed.notebooks.helpers``: ``differential_table``, ``add_back_table``,
``next_questions_table``, ``independence_table``); the hidden checks take them here from the
engine itself (``aimed.engines.chest_pain``), which the learner's setup does not import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aimed.engines.chest_pain import Answer, assess, independence_check, next_questions

Findings = Mapping[str, Answer | str]


def leading(answers: Findings, setting: str) -> str:
    """The condition at the top of the checker's differential."""
    return assess(answers, setting).leading


def probability(answers: Findings, setting: str, condition: str) -> float:
    """The checker's probability of one condition for these findings."""
    return assess(answers, setting).probability(condition)


def findings_that_lead(
    partial: Findings, full: Findings, setting: str, condition: str, among: Iterable[str]
) -> list[str]:
    """The findings of ``among`` that, added alone to ``partial``, put ``condition`` first."""
    return [key for key in among if leading({**partial, key: full[key]}, setting) == condition]


def first_question(answers: Findings, setting: str) -> str:
    """The finding the checker would ask about first."""
    return next_questions(answers, setting)[0].finding


def grouped_probability(answers: Findings, setting: str, condition: str) -> float:
    """A condition's probability when each group of related findings counts once."""
    return next(g.grouped for g in independence_check(answers, setting) if g.condition == condition)
