"""What the letter check draws from: error kinds, published error rates, and the stays of
``data/letter_check.toml`` (loaded and checked once).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from aimed.validation import InputError

NS = "letter_check"
DATA_FILE = Path(__file__).parents[2] / "data" / "letter_check.toml"
YEAR = 2025  # the stays happen in one synthetic year; letters write day and month only

# Error kinds. A sentence can be changed or added (the reader flags it); an omission has
# no sentence (the reader picks the record item the letter left out).
SENTENCE_KINDS: tuple[str, ...] = (
    "invented_drug",
    "wrong_dose",
    "wrong_side",
    "wrong_number",
    "negation_flip",
    "unsupported_claim",
)
OMISSION_KINDS: tuple[str, ...] = ("omitted_allergy", "omitted_medication")
KINDS: tuple[str, ...] = SENTENCE_KINDS + OMISSION_KINDS
# What a reader may say of a sentence: right, one of the kinds, or "something else".
MARK_CHOICES: tuple[str, ...] = ("ok", *SENTENCE_KINDS, "other")
FAMILY = MappingProxyType(
    {kind: "omission" if kind in OMISSION_KINDS else "hallucination" for kind in KINDS}
)
DIRECTIONS = ("letter_to_record", "record_to_letter")
SIDES = ("left", "right")


# --- Published rates --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedRate:
    """One measured error rate: its value and the share of errors graded major.

    The denominators differ (said in ``letter_check.rates.<family>.text``): the
    hallucination rate counts sentences of the generated note, the omission rate counts
    sentences of the source transcript.
    """

    family: str
    rate: float
    major_share: float
    citation: str


# Asgari et al. 2025, npj Digit Med 8:274: 18 configurations of an LLM writing clinical
# notes from consultation transcripts; 12,999 clinician-annotated note sentences (49,590
# transcript sentences). Applying them to a discharge letter is an extrapolation.
PUBLISHED_RATES: Mapping[str, PublishedRate] = MappingProxyType(
    {
        "hallucination": PublishedRate("hallucination", 0.0147, 0.44, "Asgari et al. 2025"),
        "omission": PublishedRate("omission", 0.0345, 0.17, "Asgari et al. 2025"),
    }
)


def expected_errors(sentences: int, source_items: int) -> dict[str, float]:
    """Errors a letter would hold on average at the published rates (an extrapolation).

    Hallucinations per sentence of the letter; omissions per item of the source (the
    published omission rate counts source sentences, here approximated by record items).
    """
    for value in (sentences, source_items):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(f"{NS}.errors.count", given=value)
    return {
        "hallucination": sentences * PUBLISHED_RATES["hallucination"].rate,
        "omission": source_items * PUBLISHED_RATES["omission"].rate,
    }


# --- The catalogue (data file) ----------------------------------------------------------------


@dataclass(frozen=True)
class DrugInfo:
    key: str
    unit: str
    doses: tuple[float, ...]
    frequency: str
    unit_error: str | None


@dataclass(frozen=True)
class ScenarioInfo:
    key: str
    age: tuple[int, int]
    stay: tuple[int, int]
    results: tuple[tuple[str, float, float], ...]
    findings: tuple[tuple[str, str], ...]
    started: tuple[tuple[str, float | None, tuple[int, int] | None], ...]
    excluded_problems: frozenset[str]


@dataclass(frozen=True)
class Catalogue:
    drugs: Mapping[str, DrugInfo]
    problems: Mapping[str, tuple[str, ...]]
    allergies: Mapping[str, tuple[tuple[str, ...], frozenset[str]]]
    tests: Mapping[str, tuple[str, int]]
    claims: Mapping[str, frozenset[str]]
    scenarios: Mapping[str, ScenarioInfo]


def _pair(value: object, where: str) -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) for v in value)
        or not 0 <= value[0] <= value[1]
    ):
        raise ValueError(f"{DATA_FILE.name}: {where} must be [low, high] whole numbers")
    return value[0], value[1]


@cache
def load_catalogue(path: Path = DATA_FILE) -> Catalogue:
    """Read and check the data file; a row naming something unknown is an error."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    drugs = {}
    for row in data["drug"]:
        doses = tuple(float(d) for d in row["doses"])
        if not doses or any(d <= 0 for d in doses):
            raise ValueError(f"{path.name}: drug {row['key']} needs positive doses")
        drugs[row["key"]] = DrugInfo(
            row["key"], row["unit"], doses, row["frequency"], row.get("unit_error")
        )
    problems = {row["key"]: tuple(row["drugs"]) for row in data["problem"]}
    allergies = {
        row["key"]: (tuple(row["reactions"]), frozenset(row.get("excludes", [])))
        for row in data["allergy"]
    }
    tests = {row["key"]: (row["unit"], int(row["decimals"])) for row in data["test"]}
    claims = {row["key"]: frozenset(row.get("excluded", [])) for row in data["claim"]}
    scenarios = {}
    for row in data["scenario"]:
        key = row["key"]
        results = tuple((r["test"], float(r["low"]), float(r["high"])) for r in row["results"])
        findings = tuple((f["key"], f["record"]) for f in row["findings"])
        started = tuple(
            (
                s["drug"],
                float(s["dose"]) if "dose" in s else None,
                _pair(s["days"], f"{key}.days") if "days" in s else None,
            )
            for s in row["started"]
        )
        scenarios[key] = ScenarioInfo(
            key,
            _pair(row["age"], f"{key}.age"),
            _pair(row["stay"], f"{key}.stay"),
            results,
            findings,
            started,
            frozenset(row.get("excluded_problems", [])),
        )
    known_drugs = set(drugs)
    for key, names in problems.items():
        if not names or set(names) - known_drugs:
            raise ValueError(f"{path.name}: problem {key} names an unknown drug")
    for key, (reactions, excludes) in allergies.items():
        if not reactions or excludes - known_drugs:
            raise ValueError(f"{path.name}: allergy {key} is incomplete")
    for info in scenarios.values():
        where = f"{path.name}: scenario {info.key}"
        if any(test not in tests or low > high for test, low, high in info.results):
            raise ValueError(f"{where}: unknown test or empty range")
        if any(answer not in ("present", "absent", "either") for _, answer in info.findings):
            raise ValueError(f"{where}: a finding's record answer is not present/absent/either")
        if any(drug not in drugs for drug, _, _ in info.started) or not info.started:
            raise ValueError(f"{where}: started drugs missing or unknown")
        if info.excluded_problems - set(problems):
            raise ValueError(f"{where}: unknown excluded problem")
    for key, excluded in claims.items():
        if excluded - set(scenarios):
            raise ValueError(f"{path.name}: claim {key} excludes an unknown scenario")
    return Catalogue(
        MappingProxyType(drugs),
        MappingProxyType(problems),
        MappingProxyType(allergies),
        MappingProxyType(tests),
        MappingProxyType(claims),
        MappingProxyType(scenarios),
    )


SCENARIOS: tuple[str, ...] = tuple(load_catalogue().scenarios)
