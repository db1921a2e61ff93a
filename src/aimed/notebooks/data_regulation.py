"""Tables of the graded exercise on data protection: a practice's extract of patients, coded.

Why. Module 8 says that replacing a name by a code is pseudonymisation, and that an age, a
place and a diagnosis can still single a person out. Here the learner sees it on a table:
sixty patients of a practice group, names replaced by codes, with an age band, a sex, a town
and a diagnosis; they count, with a ``groupby`` of their own, how many patients share each
combination of these columns, before and after the town is generalised to its area.

The region is the sandbox page *Before you paste*'s synthetic region
(:mod:`aimed.engines.before_you_paste`): its towns, their sizes and its rare conditions, so
the notebook and the page speak of the same places. The patients are drawn by
:func:`patients` from ``numpy.random.default_rng(seed)`` with the shares below, a teaching
approximation chosen so that a practice's extract behaves as small tables do (many patients
alone in their group until a column is generalised), not measured figures. Nothing here
stands for a real person.

Nothing in this module counts groups: how many patients share a combination is what the
learner computes, and what the hidden checks compute on their own
(``aimed.trainer.keys.data_regulation``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aimed.engines.before_you_paste import TOWN_SIZES
from aimed.notebooks.helpers import current_language
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import InputError, check_seed

__all__ = [
    "AGE_BANDS",
    "AREA_OF_TOWN",
    "COMMON",
    "EXTRACT_SEED",
    "N_PATIENTS",
    "RARE",
    "Patient",
    "generalise_town",
    "patients",
    "practice_extract",
    "towns_table",
]

NS = "regulation_tables"
#: The seed of the exercise's extract (the solutions' figures are this extract's).
EXTRACT_SEED = 20
#: Small enough to be shown whole (pandas shows up to 60 rows).
N_PATIENTS = 60

#: Twenty-year age bands of adults, and each band's share of the extract.
AGE_BANDS = ("18-39", "40-59", "60-79", "80+")
AGE_SHARES = (0.18, 0.30, 0.36, 0.16)
#: Each town's share of the practice group's patients (the towns of the sandbox's region, in
#: its order: the city first, the villages last). A rural practice group: not the region's
#: population shares, in which the city would hold seven patients in ten.
TOWN_SHARES = (0.30, 0.22, 0.14, 0.12, 0.10, 0.07, 0.05)
#: The generalisation of a town: its area (0 north, 1 south of the district).
AREA_OF_TOWN = (0, 0, 1, 1, 1, 1, 1)
#: Long-term conditions common in general practice, and their shares of the extract.
COMMON = ("diabetes", "hypertension", "asthma", "copd", "heart_failure", "depression")
COMMON_SHARES = (0.22, 0.24, 0.12, 0.12, 0.10, 0.10)
#: The sandbox region's rare conditions (indices into its list), sharing the other tenth.
RARE = tuple(range(6))


@dataclass(frozen=True)
class Patient:
    """One row of the extract, as indices: the table writes it in the notebook's language."""

    code: str
    age_band: int
    female: bool
    town: int
    diagnosis: str  # a key of COMMON, or "rare:N" for the region's Nth rare condition


def patients(seed: int = EXTRACT_SEED, n: int = N_PATIENTS) -> tuple[Patient, ...]:
    """The extract's patients, drawn from ``seed`` (0 to 10,000): the same every time."""
    rng = np.random.default_rng(check_seed(seed))
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 999:
        raise ValueError(f"n must be a whole number of patients from 1 to 999, got {n!r}")
    kinds = (*COMMON, *(f"rare:{i}" for i in RARE))
    rare = (1 - sum(COMMON_SHARES)) / len(RARE)
    shares = np.array(COMMON_SHARES + (rare,) * len(RARE))
    rows = []
    for i in range(n):
        band = int(rng.choice(len(AGE_BANDS), p=AGE_SHARES))
        female = bool(rng.random() < 0.5)
        town = int(rng.choice(len(TOWN_SHARES), p=TOWN_SHARES))
        diagnosis = kinds[int(rng.choice(len(kinds), p=shares))]
        rows.append(Patient(f"P{i + 1:02d}", band, female, town, diagnosis))
    return tuple(rows)


# --- Tables a learner reads ---------------------------------------------------------------


def _text(key: str, **values: object) -> str:
    return t(f"{NS}.{key}", current_language(), **values)


def _town(index: int) -> str:
    return t("before_you_paste.lists.towns", current_language()).split("|")[index]


def _diagnosis(key: str) -> str:
    if key.startswith("rare:"):
        names = t("before_you_paste.lists.conditions", current_language()).split("|")
        name = names[int(key.partition(":")[2])]
        return name[:1].upper() + name[1:]
    return _text(f"diagnosis.{key}")


def practice_extract(seed: int = EXTRACT_SEED) -> pd.DataFrame:
    """The extract as the practice would send it: a code per patient instead of the name.

    Columns: age band, sex, town, diagnosis, in the notebook's language; the index is the
    code. Read the column names from ``.columns`` so that the same code runs in both languages.
    """
    rows = [
        {
            _text("column.age"): _text(f"age.{p.age_band}"),
            _text("column.sex"): _text("sex.female") if p.female else _text("sex.male"),
            _text("column.town"): _town(p.town),
            _text("column.diagnosis"): _diagnosis(p.diagnosis),
        }
        for p in patients(seed)
    ]
    return pd.DataFrame(rows, index=pd.Index([p.code for p in patients(seed)], name="Code"))


def generalise_town(table: object) -> pd.DataFrame:
    """A copy of an extract with each town replaced by its area (north or south).

    The area column takes the town column's place; nothing else changes. Anything but an
    extract with its town column is refused with a message naming what is expected.
    """
    town = _text("column.town")
    if not isinstance(table, pd.DataFrame) or town not in table.columns:
        raise InputError(f"{NS}.errors.table", column=town)
    areas = {_town(i): _text(f"area.{a}") for i, a in enumerate(AREA_OF_TOWN)}
    unknown = sorted(set(table[town].map(str)) - set(areas))
    if unknown:
        raise InputError(f"{NS}.errors.town", given=unknown[0][:40])
    out = table.copy()
    out[town] = out[town].map(areas)
    return out.rename(columns={town: _text("column.area")})


def towns_table() -> pd.DataFrame:
    """The region's towns: inhabitants (the sandbox's synthetic region) and area."""
    lang = current_language()
    rows = [
        {
            _text("column.town"): _town(i),
            _text("column.inhabitants"): numbers.count(size, lang),
            _text("column.area"): _text(f"area.{AREA_OF_TOWN[i]}"),
        }
        for i, size in enumerate(TOWN_SIZES)
    ]
    return pd.DataFrame(rows).set_index(_text("column.town"))
