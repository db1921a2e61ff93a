"""The automation-bias test: short clinical decisions, alone and with an AI that is sometimes wrong.

Every case is a yes/no decision whose right answer is fixed by a documented rule or by the
project's own engines, so nobody has to trust the test's answer key:

- ``test_result``: a positive result read with its prevalence; the disease is "likely" when
  the positive predictive value (:func:`aimed.engines.bayes.predictive_values`) is above 50%;
- ``wells``: suspected pulmonary embolism, two-level Wells score (above 4: PE likely);
- ``marburg``: chest pain in general practice, Marburg Heart Score (3 or more: coronary
  disease not ruled out);
- ``chest_pain``: does the history raise or lower the probability of an acute coronary
  syndrome? (:func:`aimed.engines.chest_pain.assess`, published likelihood ratios).

Each answer is ``"problem"`` (the side that calls for action) or ``"clear"``. A series holds
20 cases: per family one decided alone, two with a right AI suggestion, one with a wrong
one and one where the AI says nothing (half the time over a problem it missed). The same
number of cases of each family in each condition, problems and no-problems balanced, the
order shuffled by the seed: the comparison between conditions is fair by construction. The
first two cases with an AI are right, as a tool earns trust before it errs.

Measures (:func:`score`): accuracy alone, with right advice, with wrong advice; the share of
wrong suggestions followed (commission errors); the share of problems missed when the AI
said nothing (omission errors); the same with and without the AI's explanation. Nothing is
stored: the page keeps a run in the browser session and the learner may export it.

Figures with their sources: ``data/automation_bias.toml``. Texts:
``locales/automation_bias.*.toml``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType

import numpy as np

from aimed.engines.bayes import predictive_values, to_odds
from aimed.engines.chest_pain import Answer, assess
from aimed.texts.i18n import t
from aimed.validation import MAX_SEED, InputError, check_seed, next_seed

__all__ = [
    "MAX_SEED",
    "ANSWERS",
    "CLEAR",
    "DATA_FILE",
    "FAMILIES",
    "PATTERNS",
    "PROBLEM",
    "READER_PROFILES",
    "SERIES_LENGTH",
    "Case",
    "Condition",
    "Fact",
    "Published",
    "Rate",
    "ReaderProfile",
    "Rules",
    "Series",
    "Summary",
    "check_answer",
    "load_rules",
    "make_series",
    "published_figures",
    "rules",
    "score",
    "scripted_answers",
    "simulate",
    "simulated_answers",
    "to_csv",
    "to_json",
]

DATA_FILE = Path(__file__).parents[2] / "data" / "automation_bias.toml"
FAMILIES: tuple[str, ...] = ("test_result", "wells", "marburg", "chest_pain")
PROBLEM, CLEAR = "problem", "clear"
ANSWERS: tuple[str, str] = (CLEAR, PROBLEM)
MAX_RUNS = 10_000
TRUSTED_FIRST = 2  # the first cases with an AI are right ones: trust comes before the error
NS = "automation_bias"
SEED_LABEL = f"{NS}.page.seed_label"  # the series number box, named in its error


class Condition(StrEnum):
    """What the learner sees beside a case."""

    ALONE = "alone"  # no AI at all
    AI_RIGHT = "ai_right"  # the AI suggests the right answer
    AI_WRONG = "ai_wrong"  # the AI suggests the wrong answer
    AI_SILENT = "ai_silent"  # the AI is there and raises nothing


# Per family, the conditions of its five cases: every family in every condition alike.
FAMILY_PLAN: tuple[Condition, ...] = (
    Condition.ALONE,
    Condition.AI_RIGHT,
    Condition.AI_RIGHT,
    Condition.AI_WRONG,
    Condition.AI_SILENT,
)
SERIES_LENGTH = len(FAMILIES) * len(FAMILY_PLAN)


# --- The rules file -------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """One published error rate without AI and with a wrong AI, with its source."""

    key: str
    measure: str
    without_ai: float
    with_wrong_ai: float
    readers: int
    cases: int
    status: str
    source: str


@dataclass(frozen=True)
class Rules:
    """Everything read from the data file, validated."""

    families: Mapping[str, Mapping[str, object]]
    published: tuple[Published, ...]
    path: Path

    def source(self, family: str) -> str:
        return str(self.families[family]["source"])

    def points(self, family: str) -> Mapping[str, float]:
        """Items of a score and their points, in the order of the file."""
        return MappingProxyType(
            {str(i["key"]): float(i["points"]) for i in self.families[family]["item"]}
        )


MEASURES = ("missed_problems", "false_alarms")
STATUSES = ("factsheet", "checked")


def _need(table: Mapping[str, object], name: str, where: str) -> object:
    if name not in table:
        raise ValueError(f"{where}: '{name}' is missing")
    return table[name]


def _rate(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{where}: a rate between 0 and 1 is expected, got {value!r}")
    return float(value)


def load_rules(path: Path | str = DATA_FILE) -> Rules:
    """Read and check the rules file: every family and published figure must cite a source."""
    path = Path(path)
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    families = {}
    for family in FAMILIES:
        table = _need(data, family, path.name)
        source = _need(table, "source", f"{path.name} [{family}]")
        if not isinstance(source, str) or not source.strip():
            raise ValueError(f"{path.name} [{family}]: every rule must cite its source")
        if family in ("wells", "marburg"):
            items = _need(table, "item", f"{path.name} [{family}]")
            if not items or any(float(i.get("points", 0)) <= 0 for i in items):
                raise ValueError(f"{path.name} [{family}]: items need positive points")
        families[family] = MappingProxyType(dict(table))
    published = []
    for index, row in enumerate(data.get("published", [])):
        where = f"{path.name} [[published]] row {index + 1}"
        if row.get("measure") not in MEASURES:
            raise ValueError(f"{where}: 'measure' must be one of {MEASURES}")
        if row.get("status") not in STATUSES or not str(row.get("source", "")).strip():
            raise ValueError(f"{where}: a published figure needs a status and a source")
        published.append(
            Published(
                key=str(_need(row, "key", where)),
                measure=str(row["measure"]),
                without_ai=_rate(_need(row, "without_ai", where), where),
                with_wrong_ai=_rate(_need(row, "with_wrong_ai", where), where),
                readers=int(_need(row, "readers", where)),
                cases=int(_need(row, "cases", where)),
                status=str(row["status"]),
                source=str(row["source"]).strip(),
            )
        )
    return Rules(MappingProxyType(families), tuple(published), path)


@cache
def rules() -> Rules:
    """The shipped rules file, read once."""
    return load_rules(DATA_FILE)


def published_figures() -> tuple[Published, ...]:
    return rules().published


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


def make_series(seed: int = 0) -> Series:
    """The 20 cases of one series; the same seed always gives the same cases in the same order."""
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


# --- Scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """``hits`` out of ``total``; ``value`` is None when there was nothing to count."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.hits + other.hits, self.total + other.total)


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


def _count(pairs: Iterable[tuple[Case, str]], keep: Callable[[Case], bool], hit) -> Rate:
    chosen = [(c, a) for c, a in pairs if keep(c)]
    return Rate(sum(bool(hit(c, a)) for c, a in chosen), len(chosen))


def _right(case: Case, answer: str) -> bool:
    return answer == case.answer


def _wrong(case: Case, answer: str) -> bool:
    return answer != case.answer


def _followed(case: Case, answer: str) -> bool:
    return answer == case.suggestion


def _summary(pairs: list[tuple[Case, str]], total: int, ai_accuracy: Rate) -> Summary:
    accuracy = {
        condition.value: _count(pairs, lambda c, k=condition: c.condition is k, _right)
        for condition in Condition
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


def _pairs(series: Series, answers: Mapping[int, object]) -> list[tuple[Case, str]]:
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
    return _summary(_pairs(series, answers), len(series.cases), series.ai_accuracy)


# --- Scripted and simulated readers ---------------------------------------------------------


def _follow(case: Case, rng: np.random.Generator) -> str:
    """Takes every suggestion, trusts the AI's silence, decides right when alone."""
    if case.suggestion is not None:
        return case.suggestion
    return CLEAR if case.condition is Condition.AI_SILENT else case.answer


def _ignore(case: Case, rng: np.random.Generator) -> str:
    """Applies the rule to every case, whatever the AI says: always right."""
    return case.answer


def _random(case: Case, rng: np.random.Generator) -> str:
    return str(rng.choice(ANSWERS))


PATTERNS: Mapping[str, Callable[[Case, np.random.Generator], str]] = MappingProxyType(
    {"follow": _follow, "ignore": _ignore, "random": _random}
)


def scripted_answers(series: Series, pattern: str, seed: int = 0) -> dict[int, str]:
    """Answers of a scripted reader ("follow", "ignore" or "random", the last seeded)."""
    if pattern not in PATTERNS:
        raise InputError(f"{NS}.errors.pattern", given=str(pattern), known=", ".join(PATTERNS))
    rng = np.random.default_rng(check_seed(seed, SEED_LABEL))
    return {case.number: PATTERNS[pattern](case, rng) for case in series.cases}


@dataclass(frozen=True)
class ReaderProfile:
    """A simulated reader, a teaching assumption and not a measured clinician.

    ``skill``: chance of reaching the right answer alone. ``reliance``: chance of switching
    to the AI's suggestion when it differs from one's own answer. ``complacency``: chance of
    answering "clear" without checking when the AI says nothing.
    """

    key: str
    skill: float
    reliance: float
    complacency: float


READER_PROFILES: Mapping[str, ReaderProfile] = MappingProxyType(
    {
        p.key: p
        for p in (
            ReaderProfile("independent", skill=0.8, reliance=0.15, complacency=0.1),
            ReaderProfile("over_reliant", skill=0.8, reliance=0.85, complacency=0.8),
            ReaderProfile("dismissive", skill=0.8, reliance=0.0, complacency=0.0),
        )
    }
)


def simulated_answers(
    series: Series, profile: ReaderProfile, rng: np.random.Generator
) -> dict[int, str]:
    """One simulated reader's answers to a series."""
    out = {}
    for case in series.cases:
        own = case.answer if rng.random() < profile.skill else _other(case.answer)
        if case.suggestion is not None and own != case.suggestion:
            own = case.suggestion if rng.random() < profile.reliance else own
        elif case.condition is Condition.AI_SILENT and rng.random() < profile.complacency:
            own = CLEAR
        out[case.number] = own
    return out


def _other(answer: str) -> str:
    return CLEAR if answer == PROBLEM else PROBLEM


def simulate(profile: ReaderProfile | str, runs: int = 200, seed: int = 0) -> Summary:
    """A simulated reader's pooled result over ``runs`` series (seeds ``seed`` onwards)."""
    if isinstance(profile, str):
        if profile not in READER_PROFILES:
            known = ", ".join(READER_PROFILES)
            raise InputError(f"{NS}.errors.profile", given=profile, known=known)
        profile = READER_PROFILES[profile]
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
        raise InputError(f"{NS}.errors.runs", given=str(runs), top=MAX_RUNS)
    seed = check_seed(seed, SEED_LABEL)
    rng = np.random.default_rng(seed)
    pairs: list[tuple[Case, str]] = []
    ai = Rate(0, 0)
    for offset in range(runs):
        series = make_series(next_seed(seed, offset))
        answers = simulated_answers(series, profile, rng)
        pairs += [(c, answers[c.number]) for c in series.cases]
        ai = ai + series.ai_accuracy
    return _summary(pairs, runs * SERIES_LENGTH, ai)


# --- Export: the learner's own summary, as a file they keep -----------------------------------


def _rows(series: Series, answers: Mapping[int, object]) -> list[dict[str, object]]:
    given = {case.number: answer for case, answer in _pairs(series, answers)}
    rows = []
    for case in series.cases:
        answer = given.get(case.number)
        rows.append(
            {
                "case": case.number,
                "family": case.family,
                "condition": case.condition.value,
                "ai_suggestion": case.suggestion or "",
                "ai_explanation_shown": case.explained,
                "your_answer": answer or "",
                "right_answer": case.answer,
                "correct": "" if answer is None else answer == case.answer,
                "followed_ai": ""
                if answer is None or case.suggestion is None
                else answer == case.suggestion,
            }
        )
    return rows


def _rates(summary: Summary) -> dict[str, float | None]:
    flat = {f"accuracy_{k}": r.value for k, r in summary.accuracy.items()}
    flat["commission_rate"] = summary.commission.value
    flat["omission_rate"] = summary.omission.value
    for group, rates in (
        ("missed_problems", summary.missed_problems),
        ("false_alarms", summary.false_alarms),
        ("explanation", summary.explanation),
    ):
        flat.update({f"{group}_{k}": r.value for k, r in rates.items()})
    return flat


def to_json(series: Series, answers: Mapping[int, object], lang: str = "en") -> str:
    """Your summary and answers as JSON: a personal record, labelled as your own result."""
    summary = score(series, answers)
    record = {
        "label": t(f"{NS}.export.label", lang),
        "series_seed": series.seed,
        "answered": summary.answered,
        "total": summary.total,
        "your_result": _rates(summary),
        "cases": _rows(series, answers),
    }
    return json.dumps(record, ensure_ascii=False, indent=2)


def to_csv(series: Series, answers: Mapping[int, object], lang: str = "en") -> str:
    """Your answers case by case, then your rates, as CSV (one table a spreadsheet opens)."""
    summary = score(series, answers)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([t(f"{NS}.export.label", lang)])
    rows = _rows(series, answers)
    writer.writerow(list(rows[0]))
    writer.writerows([list(row.values()) for row in rows])
    writer.writerow([])
    writer.writerow(["measure", "your_result"])
    for name, value in _rates(summary).items():
        writer.writerow([name, "" if value is None else f"{value:.4f}"])
    return buffer.getvalue()
