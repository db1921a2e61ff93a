"""The test's families, conditions and the rules file ``data/automation_bias.toml`` (every
figure with its source), loaded and checked once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA_FILE = Path(__file__).parents[2] / "data" / "automation_bias.toml"
FAMILIES: tuple[str, ...] = ("test_result", "wells", "marburg", "chest_pain")
PROBLEM, CLEAR = "problem", "clear"
ANSWERS: tuple[str, str] = (CLEAR, PROBLEM)
NS = "automation_bias"


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

    families: Mapping[str, Mapping[str, Any]]  # each family's table, as TOML holds it
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


def _need(table: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in table:
        raise ValueError(f"{where}: '{name}' is missing")
    return table[name]


def _rate(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{where}: a rate between 0 and 1 is expected, got {value!r}")
    return float(value)


def _whole(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: a whole number of 1 or more is expected, got {value!r}")
    return value


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
                readers=_whole(_need(row, "readers", where), where),
                cases=_whole(_need(row, "cases", where), where),
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
