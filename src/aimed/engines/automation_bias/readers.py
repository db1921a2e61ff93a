"""Scripted and simulated readers: answer sheets that follow a pattern or a reader profile."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from aimed.engines.automation_bias.rules import (
    ANSWERS,
    CLEAR,
    NS,
    PROBLEM,
    SERIES_LENGTH,
    Condition,
    Rate,
)
from aimed.engines.automation_bias.scoring import Summary, summarise
from aimed.engines.automation_bias.series import SEED_LABEL, Case, Series, make_series
from aimed.validation import InputError, check_seed, next_seed

MAX_RUNS = 10_000
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
    return summarise(pairs, runs * SERIES_LENGTH, ai)
