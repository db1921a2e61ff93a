"""Two series for a before/after check: no case in common, equally hard by the engine's measures.

The course offers the test twice (before module 7 and at the end) so that a learner can see
whether their own commission and omission errors changed. The second series must not repeat a
case of the first (a remembered case measures memory), and must not be easier or harder:

- by construction every series has the same plan (each family in each condition, problems
  and no-problems balanced: :func:`aimed.engines.automation_bias.series._slots`);
- within that plan, a case's difficulty is its ``margin``, how far it lies from its rule's
  threshold, drawn between the family's ``min_margin`` and ``max_margin``. :func:`difficulty`
  places every margin in its family's band (0: at the threshold's edge, hardest; 1: the
  clearest case allowed) and averages per family and over the cases that measure errors
  (the wrong suggestions and the silences over a problem). :func:`paired_series` keeps the
  first later seed whose series shares no case with the first and whose averages all lie
  within ``TOLERANCE`` of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from aimed.engines.automation_bias.rules import FAMILIES, Condition, rules
from aimed.engines.automation_bias.series import Case, Series, make_series
from aimed.validation import MAX_SEED, check_seed

# The course's before/after pair starts from this series number (the site builds it).
CHECK_SEED = 2026
# Largest gap allowed between two series' mean placements (on the 0-1 band of each family).
TOLERANCE = 0.1
SEARCH = 2_000  # seeds tried after the first before giving up


@dataclass(frozen=True)
class Difficulty:
    """A series' difficulty: mean placement of its margins in each family's band (0 = hardest),
    per ``family``, over the ``errors`` cases, and the plan (condition, problem) -> cases."""

    family: Mapping[str, float]
    errors: float
    plan: Mapping[tuple[str, bool], int]

    def gap(self, other: Difficulty) -> float:
        """The largest difference of mean placements; infinite when the plans differ."""
        if dict(self.plan) != dict(other.plan):
            return float("inf")
        gaps = [abs(self.family[f] - other.family[f]) for f in FAMILIES]
        return max([*gaps, abs(self.errors - other.errors)])


def placement(case: Case) -> float:
    """Where the case's margin lies in its family's band: 0 nearest the threshold, 1 farthest."""
    table = rules().families[case.family]
    low, high = float(table["min_margin"]), float(table["max_margin"])
    return (case.margin - low) / (high - low)


def measures_errors(case: Case) -> bool:
    """The cases commission and omission are counted on."""
    return case.condition is Condition.AI_WRONG or (
        case.condition is Condition.AI_SILENT and case.problem
    )


def difficulty(series: Series) -> Difficulty:
    def mean(cases: list[Case]) -> float:
        return sum(placement(c) for c in cases) / len(cases)

    plan: dict[tuple[str, bool], int] = {}
    for case in series.cases:
        key = (case.condition.value, case.problem)
        plan[key] = plan.get(key, 0) + 1
    return Difficulty(
        family=MappingProxyType(
            {f: mean([c for c in series.cases if c.family == f]) for f in FAMILIES}
        ),
        errors=mean([c for c in series.cases if measures_errors(c)]),
        plan=MappingProxyType(plan),
    )


def case_identity(case: Case) -> tuple:
    """What a learner reads of a case (family, setting, facts): two cases alike are one case."""
    facts = tuple(
        (fact.key, fact.present, tuple(sorted((k, str(v)) for k, v in fact.values.items())))
        for fact in case.facts
    )
    return (case.family, case.setting, facts)


def shared_cases(first: Series, second: Series) -> list[int]:
    """Numbers (in ``second``) of the cases a learner of ``first`` has already read."""
    seen = {case_identity(case) for case in first.cases}
    return [case.number for case in second.cases if case_identity(case) in seen]


def paired_series(
    seed: int = CHECK_SEED, tolerance: float = TOLERANCE, search: int = SEARCH
) -> tuple[Series, Series]:
    """The series of ``seed`` and the first later one (wrapping past ``MAX_SEED``) that shares
    no case with it and is as hard within ``tolerance``; the same seed, the same pair. Gives up
    after ``search`` seeds."""
    seed = check_seed(seed)
    first = make_series(seed)
    measured = difficulty(first)
    for step in range(1, search + 1):
        second = make_series((seed + step) % (MAX_SEED + 1))
        if not shared_cases(first, second) and measured.gap(difficulty(second)) <= tolerance:
            return first, second
    raise ValueError(f"no series within {tolerance} of series {seed} in {search} seeds")
