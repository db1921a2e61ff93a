"""Answer keys of the exercise "Data protection and regulation": group sizes of the practice's
extract, counted here on the raw patients (the learner counts them on the displayed table),
and the course's reading of MDR rule 11 and of the AI Act for the exercise's three tools.

The law is as Module 8 states it on its review date (7 December 2026): rule 11 of Annex VIII
of Regulation (EU) 2017/745; Article 6(1) of Regulation (EU) 2024/1689 and its dates of
application as moved by Regulation (EU) 2026/1744 (as reported).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from types import MappingProxyType

from aimed.notebooks.data_regulation import AREA_OF_TOWN, Patient, patients

__all__ = [
    "AI_LITERACY_FROM",
    "HIGH_RISK_ANNEX_I_FROM",
    "QUASI",
    "TOOLS",
    "Tool",
    "ai_act_category",
    "alone",
    "category_applies_from",
    "rule_11",
    "smallest_group",
]

#: The quasi-identifiers a question groups by: each maps a patient to its value.
QUASI: MappingProxyType[str, Callable[[Patient], Hashable]] = MappingProxyType(
    {
        "age": lambda p: p.age_band,
        "sex": lambda p: p.female,
        "town": lambda p: p.town,
        "area": lambda p: AREA_OF_TOWN[p.town],
        "diagnosis": lambda p: p.diagnosis,
    }
)


def _sizes(seed: int, columns: tuple[str, ...]) -> list[int]:
    """For each patient, how many patients of the extract share all of ``columns``."""
    rows = patients(seed)
    keys = [tuple(QUASI[c](p) for c in columns) for p in rows]
    counts = Counter(keys)
    return [counts[k] for k in keys]


def smallest_group(seed: int, columns: tuple[str, ...]) -> int:
    """k: the size of the smallest group of patients sharing the same values of ``columns``."""
    return min(_sizes(seed, columns))


def alone(seed: int, columns: tuple[str, ...]) -> int:
    """How many patients no other patient of the extract shares ``columns`` with."""
    return sum(size == 1 for size in _sizes(seed, columns))


# --- Medical device and AI Act ----------------------------------------------------------------

#: Article 4 (AI literacy) applies from this date (Article 113(a)).
AI_LITERACY_FROM = dt.date(2025, 2, 2)
#: High-risk AI in Annex I products, medical devices included, from this date since Regulation
#: (EU) 2026/1744 (2 August 2027 as first published), as reported.
HIGH_RISK_ANNEX_I_FROM = dt.date(2028, 8, 2)


@dataclass(frozen=True)
class Tool:
    """What rule 11 and the AI Act look at: the maker's intended purpose, and whether it is AI.

    ``worst``: the worst a decision informed by the tool may cause (``"none"``, ``"serious"``
    deterioration or surgery, ``"death"`` or irreversible deterioration).
    """

    medical_purpose: bool
    ai: bool
    informs_decisions: bool = False
    worst: str = "none"
    monitors: bool = False
    vital_immediate_danger: bool = False


def rule_11(tool: Tool) -> str | None:
    """The class under MDR rule 11, or None when the software is not a medical device."""
    if not tool.medical_purpose:
        return None
    if tool.informs_decisions:
        return {"death": "III", "serious": "IIb"}.get(tool.worst, "IIa")
    if tool.monitors:
        return "IIb" if tool.vital_immediate_danger else "IIa"
    return "I"


def ai_act_category(tool: Tool) -> str:
    """``high_risk`` (Article 6(1): a device that needs a notified body), ``literacy`` (AI,
    not high-risk by this route: Article 4 still applies) or ``not_ai``."""
    if not tool.ai:
        return "not_ai"
    return "high_risk" if rule_11(tool) in ("IIa", "IIb", "III") else "literacy"


def category_applies_from(tool: Tool) -> dt.date | None:
    """When the rules of the tool's AI Act category apply: the high-risk rules for a high-risk
    system, the AI-literacy duty for any other AI system; None outside the Act."""
    return {"high_risk": HIGH_RISK_ANNEX_I_FROM, "literacy": AI_LITERACY_FROM}.get(
        ai_act_category(tool)
    )


#: The exercise's three tools, as their makers describe them.
TOOLS: MappingProxyType[str, Tool] = MappingProxyType(
    {
        "agenda": Tool(medical_purpose=False, ai=False),
        "vigil": Tool(medical_purpose=True, ai=True, monitors=True, vital_immediate_danger=True),
        "scribe": Tool(medical_purpose=False, ai=True),
    }
)
