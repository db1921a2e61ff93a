"""Tables of the graded exercise on automation bias: a service's decisions with and without advice.

The cases are the sandbox's automation-bias series
(:func:`aimed.engines.automation_bias.make_series`)
and every rate is the engine's own scoring (:func:`aimed.engines.automation_bias.score`), so the
notebook, the sandbox page and the module page never disagree on what a commission error
(following a wrong suggestion) or an omission error (missing a problem when the AI said
nothing) is. What the engine has no use for, and this module adds: the answers of simulated
colleagues whose habits depend on whether the AI explained itself, the pooling of several
series into one summary, and the tables a learner reads (one call each), in the language set
by :func:`aimed.notebooks.helpers.set_language`.

The colleagues are a teaching assumption, not measured clinicians: their habits
(:class:`Habits`) are set by the course, and nothing here stands for a real person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import add
from types import MappingProxyType

import numpy as np
import pandas as pd

from aimed.engines.automation_bias import (
    CLEAR,
    PROBLEM,
    Case,
    Condition,
    Rate,
    Series,
    Summary,
    make_series,
    published_figures,
    score,
)
from aimed.notebooks.helpers import current_language, in_percent
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import check_seed

__all__ = [
    "ANSWERS_SEED",
    "HABITS",
    "SERVICE_SERIES",
    "Habits",
    "answer_sheet",
    "colleague_answers",
    "pool",
    "published_comparison",
    "service_answers",
    "service_counts",
    "service_summary",
]

NS = "advice_tables"
ANSWERS_SEED = 2026
SERVICE_SERIES: tuple[int, ...] = tuple(range(1, 11))  # ten colleagues, one series each


@dataclass(frozen=True)
class Habits:
    """How a simulated colleague decides: a teaching assumption, not a measured clinician.

    ``skill``: chance of reaching the rule's answer on one's own. ``reliance``: chance of
    switching to the AI's suggestion when it differs from one's own answer, and
    ``reliance_explained`` the same when the AI shows its explanation. ``complacency``: chance
    of answering "no problem" without checking when the AI says nothing.
    """

    skill: float = 0.85
    reliance: float = 0.35
    reliance_explained: float = 0.65
    complacency: float = 0.40

    def __post_init__(self) -> None:
        for name in ("skill", "reliance", "reliance_explained", "complacency"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a probability between 0 and 1, got {value!r}")


HABITS = Habits()


def _other(answer: str) -> str:
    return CLEAR if answer == PROBLEM else PROBLEM


def colleague_answers(
    series: Series, seed: int = ANSWERS_SEED, habits: Habits = HABITS
) -> dict[int, str]:
    """One simulated colleague's answer sheet for ``series``: case number -> answer.

    Seeded by ``(seed, series.seed)``, so each colleague's sheet is rebuilt alone, the same
    every time. The colleague first decides alone (right with probability ``skill``), then
    may switch to a differing suggestion, more readily when it comes with an explanation;
    when the AI is silent, they may answer "clear" without checking.
    """
    rng = np.random.default_rng([check_seed(seed), series.seed])
    answers = {}
    for case in series.cases:
        own = case.answer if rng.random() < habits.skill else _other(case.answer)
        draw = rng.random()  # one draw per case, whatever it is used for: sheets stay aligned
        if case.suggestion is not None and own != case.suggestion:
            pull = habits.reliance_explained if case.explained else habits.reliance
            own = case.suggestion if draw < pull else own
        elif case.condition is Condition.AI_SILENT and draw < habits.complacency:
            own = CLEAR
        answers[case.number] = own
    return answers


def service_answers(
    series_seeds: Iterable[int] = SERVICE_SERIES, seed: int = ANSWERS_SEED
) -> dict[int, dict[int, str]]:
    """The answer sheets of a service: one colleague per series, keyed by series number."""
    return {s: colleague_answers(make_series(s), seed) for s in series_seeds}


def _total(rates: Iterable[Rate]) -> Rate:
    return reduce(add, rates, Rate(0, 0))


def _pooled(items: Sequence[Summary], name: str) -> Mapping[str, Rate]:
    keys = getattr(items[0], name).keys()
    return MappingProxyType({k: _total(getattr(s, name)[k] for s in items) for k in keys})


def pool(summaries: Iterable[Summary]) -> Summary:
    """Several series' summaries as one: every count and denominator added up.

    The engine scores one series at a time; a service's rates are its pooled counts, not an
    average of each colleague's rates (which would weigh two cases as much as four).
    """
    items = list(summaries)
    if not items:
        raise ValueError("nothing to pool: give at least one summary")
    return Summary(
        answered=sum(s.answered for s in items),
        total=sum(s.total for s in items),
        accuracy=_pooled(items, "accuracy"),
        commission=_total(s.commission for s in items),
        omission=_total(s.omission for s in items),
        missed_problems=_pooled(items, "missed_problems"),
        false_alarms=_pooled(items, "false_alarms"),
        explanation=_pooled(items, "explanation"),
        ai_accuracy=_total(s.ai_accuracy for s in items),
    )


def service_summary(
    series_seeds: Iterable[int] = SERVICE_SERIES, seed: int = ANSWERS_SEED
) -> Summary:
    """The engine's scoring of every colleague's sheet, pooled: the answers the grader checks."""
    summaries = []
    for s in series_seeds:
        series = make_series(s)
        summaries.append(score(series, colleague_answers(series, seed)))
    return pool(summaries)


# --- Tables a learner reads ---------------------------------------------------------------


def _text(key: str, **values: object) -> str:
    return t(f"{NS}.{key}", current_language(), **values)


def _side(answer: str | None) -> str:
    return numbers.UNDEFINED if answer is None else _text(f"answer.{answer}")


def _yes_no(flag: bool) -> str:
    return _text("yes") if flag else _text("no")


def answer_sheet(series_seed: int, seed: int = ANSWERS_SEED) -> pd.DataFrame:
    """One colleague's sheet, case by case: what the AI showed, their answer, the right one."""
    series = make_series(series_seed)
    answers = colleague_answers(series, seed)
    lang = current_language()
    rows = []
    for case in series.cases:
        given = answers[case.number]
        shown = case.suggestion is not None
        rows.append(
            {
                _text("column.decision"): t(f"automation_bias.families.{case.family}.title", lang),
                _text("column.situation"): _text(f"situation.{case.condition.value}"),
                _text("column.suggestion"): _side(case.suggestion),
                _text("column.explained"): _text("yes") if case.explained else "",
                _text("column.right_answer"): _side(case.answer),
                _text("column.given"): _side(given),
                _text("column.correct"): _yes_no(given == case.answer),
                _text("column.followed"): _yes_no(given == case.suggestion)
                if shown
                else numbers.UNDEFINED,
            }
        )
    frame = pd.DataFrame(rows)
    frame.index = pd.RangeIndex(1, len(rows) + 1, name=_text("column.case"))
    return frame


# Rows of the counts table: (key, which cases), in the order a reader meets them.
_GROUPS: tuple[tuple[str, Callable[[Case], bool]], ...] = (
    ("alone", lambda c: c.condition is Condition.ALONE),
    ("right_explained", lambda c: c.condition is Condition.AI_RIGHT and c.explained),
    ("right_plain", lambda c: c.condition is Condition.AI_RIGHT and not c.explained),
    ("wrong_explained", lambda c: c.condition is Condition.AI_WRONG and c.explained),
    ("wrong_plain", lambda c: c.condition is Condition.AI_WRONG and not c.explained),
    ("silent_problem", lambda c: c.condition is Condition.AI_SILENT and c.problem),
    ("silent_clear", lambda c: c.condition is Condition.AI_SILENT and not c.problem),
    ("all", lambda c: True),
)


def _decisions(series_seeds: Iterable[int], seed: int) -> list[tuple[Case, str]]:
    pairs = []
    for s, answers in service_answers(series_seeds, seed).items():
        series = make_series(s)
        pairs += [(case, answers[case.number]) for case in series.cases]
    return pairs


def service_counts(
    series_seeds: Iterable[int] = SERVICE_SERIES, seed: int = ANSWERS_SEED
) -> pd.DataFrame:
    """Every colleague's decisions added up, by what the AI showed: counts, never rates.

    Columns: decisions, right answers, and how many times the colleague's answer was the
    AI's suggestion (blank where the AI suggested nothing).
    """
    pairs = _decisions(series_seeds, seed)
    rows = []
    for key, keep in _GROUPS:
        chosen = [(c, a) for c, a in pairs if keep(c)]
        advised = [(c, a) for c, a in chosen if c.suggestion is not None]
        rows.append(
            {
                _text("column.group"): _text(f"group.{key}"),
                _text("column.decisions"): len(chosen),
                _text("column.right_answers"): sum(a == c.answer for c, a in chosen),
                _text("column.followed_count"): sum(a == c.suggestion for c, a in advised)
                if advised
                else numbers.UNDEFINED,
            }
        )
    return pd.DataFrame(rows).set_index(_text("column.group"))


def published_comparison(
    series_seeds: Iterable[int] = SERVICE_SERIES, seed: int = ANSWERS_SEED
) -> pd.DataFrame:
    """The service's error rates beside the published ones the sandbox page shows.

    Same measures as the page: problems missed and false alarms, without AI and with a
    wrong AI, as proportions rounded to 3 decimals; the study's figures come from the
    engine's data file (:func:`aimed.engines.automation_bias.published_figures`), with their source.
    """
    summary = service_summary(series_seeds, seed)
    lang = current_language()
    result = "automation_bias.result"
    rows = []
    for study in published_figures():
        yours = getattr(summary, study.measure)
        rows.append(
            {
                _text("column.measure"): t(f"{result}.{study.measure}", lang),
                _text("column.service_without"): round(yours["alone"].value, 3),
                _text("column.service_with"): round(yours["with_wrong_ai"].value, 3),
                _text("column.study_without"): study.without_ai,
                _text("column.study_with"): study.with_wrong_ai,
            }
        )
    frame = pd.DataFrame(rows).set_index(_text("column.measure"))
    return in_percent(frame, *list(frame.columns))
