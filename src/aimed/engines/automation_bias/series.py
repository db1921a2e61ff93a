"""Drawing a series of 20 cases from a seed: each case's facts, its right answer and the AI's
suggestion.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from aimed.engines.automation_bias.rules import (
    CLEAR,
    DATA_FILE,
    FAMILIES,
    NS,
    PROBLEM,
    Condition,
    Rate,
    rules,
)
from aimed.engines.bayes import predictive_values, to_odds
from aimed.engines.chest_pain import Answer, assess
from aimed.validation import InputError, check_seed

TRUSTED_FIRST = 2  # the first cases with an AI are right ones: trust comes before the error
SEED_LABEL = f"{NS}.page.seed_label"  # the series number box, named in its error
# --- Cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One thing the learner reads about the patient.

    ``present`` is None for a plain value (a test's sensitivity); ``values`` fill the text
    (``automation_bias.facts.<family>.<key>``); ``weight`` is how far the fact pushes
    towards the problem side (log-odds, or score points; negative: towards clear). The AI's
    explanation shows the facts that push hardest towards its own suggestion, as a
    feature-importance display does, whether the suggestion is right or wrong.
    """

    key: str
    present: bool | None
    values: Mapping[str, object]
    weight: float


@dataclass(frozen=True)
class Case:
    """One decision of the series and what the AI shows beside it.

    ``measure`` is the number the rule decides on (the PPV, the Wells or Marburg score, the
    probability of ACS after the history); ``baseline`` the number it is compared with
    where there is one (prevalence, pre-test probability of ACS); ``margin`` how far the
    case lies from the rule's threshold (log-odds or points): every case of a family is
    drawn within the same margins, so no condition gets the easy ones.
    """

    number: int
    family: str
    facts: tuple[Fact, ...]
    problem: bool
    measure: float
    baseline: float | None
    margin: float
    condition: Condition
    suggestion: str | None = None
    explanation: tuple[str, ...] = ()
    setting: str | None = None

    @property
    def answer(self) -> str:
        """The right answer, fixed by the family's rule."""
        return PROBLEM if self.problem else CLEAR

    @property
    def shows_ai(self) -> bool:
        return self.condition is not Condition.ALONE

    @property
    def explained(self) -> bool:
        return bool(self.explanation)

    def fact(self, key: str) -> Fact:
        return next(f for f in self.facts if f.key == key)


@dataclass(frozen=True)
class Series:
    """A whole test: the cases in the order shown, and the seed that rebuilds them."""

    seed: int
    cases: tuple[Case, ...]

    def case(self, number: int) -> Case:
        if isinstance(number, bool) or not isinstance(number, int | np.integer):
            raise InputError(f"{NS}.errors.case", number=str(number), total=len(self.cases))
        if not 1 <= number <= len(self.cases):
            raise InputError(f"{NS}.errors.case", number=str(number), total=len(self.cases))
        return self.cases[int(number) - 1]

    def with_condition(self, condition: Condition) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if c.condition is condition)

    @property
    def ai_accuracy(self) -> Rate:
        """How often the AI itself was right: a right suggestion, or silence over no problem."""
        shown = [c for c in self.cases if c.shows_ai]
        silent_right = Condition.AI_SILENT
        right = sum(
            c.condition is Condition.AI_RIGHT or (c.condition is silent_right and not c.problem)
            for c in shown
        )
        return Rate(right, len(shown))


def _attempts(family: str, limit: int = 10_000):
    """Draws allowed before a rules file that admits no case is reported, not looped on."""
    yield from range(limit)
    raise ValueError(f"no {family} case fits the margins of {DATA_FILE.name} in {limit} draws")


def _logit(p: float) -> float:
    return math.log(to_odds(p))


def _draw_test_result(rng: np.random.Generator, problem: bool, table: Mapping) -> dict:
    """A positive result; the disease is likely when the PPV is above the threshold."""
    threshold = float(table["threshold"])
    low, high = float(table["min_margin"]), float(table["max_margin"])
    for _ in _attempts("test_result"):
        sens = float(rng.choice(table["sensitivities"]))
        spec = float(rng.choice(table["specificities"]))
        prev = float(rng.choice(table["prevalences"]))
        ppv = predictive_values(sens, spec, prev).ppv
        if ppv is None:  # a test that is never positive: draw again
            continue
        margin = abs(_logit(ppv) - _logit(threshold))
        if (ppv > threshold) == problem and low <= margin <= high:
            break
    half = math.log(sens / (1 - spec)) / 2  # the positive result's likelihood ratio, shared
    facts = (
        Fact("sensitivity", None, MappingProxyType({"value": sens}), half),
        Fact("specificity", None, MappingProxyType({"value": spec}), half),
        Fact("prevalence", None, MappingProxyType({"value": prev}), _logit(prev)),
    )
    return {"facts": facts, "measure": ppv, "baseline": prev, "margin": margin}


def _draw_score(
    rng: np.random.Generator, problem: bool, table: Mapping, points: Mapping[str, float]
) -> tuple[dict[str, bool], float, float]:
    """Items present or absent until the score falls on the wanted side, within the margins.

    ``problem_at`` is the first score on the problem side (Wells 4.5, "above 4"; Marburg 3);
    the margin is measured from halfway between it and the last score below (one step).
    """
    start = float(table["problem_at"])
    low, high = float(table["min_margin"]), float(table["max_margin"])
    step = 0.5 if any(p % 1 for p in points.values()) else 1.0
    centre = start - step / 2
    for _ in _attempts("score"):
        present = {key: bool(rng.random() < 0.4) for key in points}
        score = sum(points[k] for k, on in present.items() if on)
        margin = abs(score - centre)
        if (score >= start) == problem and low <= margin <= high:
            return present, score, margin
    raise AssertionError("unreachable")  # _attempts raises first


def _draw_wells(rng: np.random.Generator, problem: bool, table: Mapping) -> dict:
    points = rules().points("wells")
    present, score, margin = _draw_score(rng, problem, table, points)
    facts = []
    for key, value in points.items():
        values: dict[str, object] = {}
        if key == "heart_rate":
            values["rate"] = int(rng.integers(101, 131) if present[key] else rng.integers(64, 98))
        facts.append(
            Fact(key, present[key], MappingProxyType(values), value if present[key] else -value)
        )
    return {
        "facts": tuple(facts),
        "measure": score,
        "baseline": None,
        "margin": margin,
    }


def _draw_marburg(rng: np.random.Generator, problem: bool, table: Mapping) -> dict:
    points = rules().points("marburg")
    present, score, margin = _draw_score(rng, problem, table, points)
    woman = bool(rng.random() < 0.5)
    limit = int(table["age_women"] if woman else table["age_men"])
    age = int(rng.integers(limit, limit + 21) if present["age_sex"] else rng.integers(35, limit))
    facts = []
    for key, value in points.items():
        values = {"age": age, "sex": "woman" if woman else "man"} if key == "age_sex" else {}
        facts.append(
            Fact(key, present[key], MappingProxyType(values), value if present[key] else -value)
        )
    return {
        "facts": tuple(facts),
        "measure": score,
        "baseline": None,
        "margin": margin,
    }


def _draw_chest_pain(rng: np.random.Generator, problem: bool, table: Mapping) -> dict:
    """A few findings, present or absent; ACS goes up or down from its pre-test probability."""
    condition = str(table["condition"])
    low, high = float(table["min_margin"]), float(table["max_margin"])
    findings = list(table["findings"])
    for _ in _attempts("chest_pain"):
        setting = str(rng.choice(["primary_care", "emergency"]))
        size = int(rng.integers(int(table["min_findings"]), int(table["max_findings"]) + 1))
        chosen = [str(f) for f in rng.choice(findings, size=size, replace=False)]
        answers = {f: Answer.PRESENT if rng.random() < 0.5 else Answer.ABSENT for f in chosen}
        result = assess(answers, setting)
        row = next(r for r in result.results if r.condition == condition)
        shift = _logit(row.post_test) - _logit(row.pre_test)
        if (shift > 0) == problem and low <= abs(shift) <= high:
            break
    ratios = {finding: ratio for finding, _, ratio in row.used}
    facts = tuple(
        Fact(f, answers[f] is Answer.PRESENT, MappingProxyType({}), math.log(ratios.get(f, 1.0)))
        for f in chosen
    )
    return {
        "facts": facts,
        "measure": row.post_test,
        "baseline": row.pre_test,
        "margin": abs(shift),
        "setting": setting,
    }


DRAWS: Mapping[str, Callable[[np.random.Generator, bool, Mapping], dict]] = MappingProxyType(
    {
        "test_result": _draw_test_result,
        "wells": _draw_wells,
        "marburg": _draw_marburg,
        "chest_pain": _draw_chest_pain,
    }
)


def _explanation(facts: Sequence[Fact], suggestion: str) -> tuple[str, ...]:
    """The facts pushing hardest towards the suggestion: up to two that support it, else one.

    A wrong suggestion gets the same kind of display as a right one; when no fact supports
    it, the AI still shows the one that argues least against it.
    """
    sign = 1.0 if suggestion == PROBLEM else -1.0
    ranked = sorted(facts, key=lambda f: -sign * f.weight)
    supporting = [f.key for f in ranked if sign * f.weight > 0][:2]
    return tuple(supporting) or (ranked[0].key,)


def _slots(rng: np.random.Generator) -> list[tuple[str, Condition, bool, bool]]:
    """(family, condition, problem, explained) for every case, balanced across families.

    Alone, wrong and silent: each has one case per family, problems in two families of
    four. Right advice: two cases per family, one problem and one not. Explanations: on one
    right suggestion per family and on the wrong suggestion of two families of four.
    """
    n = len(FAMILIES)

    def half(k: int = n) -> list[bool]:
        flags = [True] * (k // 2) + [False] * (k - k // 2)
        return [bool(x) for x in rng.permutation(flags)]

    problem_alone, problem_wrong, problem_silent = half(), half(), half()
    explain_wrong = half()
    slots = []
    for i, family in enumerate(FAMILIES):
        right_problem = bool(rng.random() < 0.5)
        explained_right = bool(rng.random() < 0.5)
        slots += [
            (family, Condition.ALONE, problem_alone[i], False),
            (family, Condition.AI_RIGHT, right_problem, explained_right),
            (family, Condition.AI_RIGHT, not right_problem, not explained_right),
            (family, Condition.AI_WRONG, problem_wrong[i], explain_wrong[i]),
            (family, Condition.AI_SILENT, problem_silent[i], False),
        ]
    return slots


def _trust_first(order: Sequence[Condition]) -> bool:
    shown = [c for c in order if c is not Condition.ALONE][:TRUSTED_FIRST]
    return all(c is Condition.AI_RIGHT for c in shown)


@functools.lru_cache(maxsize=512)
def make_series(seed: int = 0) -> Series:
    """The 20 cases of one series; the same seed always gives the same cases in the same order.

    Kept once made (a series is frozen): a grader's checks rebuild the same few series for
    every learner's notebook, and the course's reader-profiles figure simulates each reader
    on the same 300 series.
    """
    seed = check_seed(seed, SEED_LABEL)
    rng = np.random.default_rng(seed)
    slots = _slots(rng)
    while True:
        order = [int(i) for i in rng.permutation(len(slots))]
        if _trust_first([slots[i][1] for i in order]):
            break
    cases = []
    for number, index in enumerate(order, start=1):
        family, condition, problem, explained = slots[index]
        drawn = DRAWS[family](rng, problem, rules().families[family])
        answer = PROBLEM if problem else CLEAR
        if condition is Condition.AI_RIGHT:
            suggestion: str | None = answer
        elif condition is Condition.AI_WRONG:
            suggestion = CLEAR if problem else PROBLEM
        else:
            suggestion = None
        explanation = _explanation(drawn["facts"], suggestion) if explained and suggestion else ()
        cases.append(
            Case(
                number=number,
                family=family,
                facts=drawn["facts"],
                problem=problem,
                measure=float(drawn["measure"]),
                baseline=drawn["baseline"],
                margin=float(drawn["margin"]),
                condition=condition,
                suggestion=suggestion,
                explanation=explanation,
                setting=drawn.get("setting"),
            )
        )
    return Series(seed, tuple(cases))
