"""Tables for the graded exercise "Reading a model's performance" (module 2).

The learner works predictive values out from counts of people, so the notebook shows a
published score's results in fixed settings rather than a calculator that takes any
sensitivity, specificity and prevalence: a calculator would answer the questions in one call.
The counts are those of :func:`aimed.notebooks.helpers.natural_frequency_table`, the same
arithmetic as the sandbox page *Test result in context*.
"""

from __future__ import annotations

import pandas as pd

from aimed.notebooks.helpers import natural_frequency_table
from aimed.validation import check_choice

__all__ = ["MARBURG", "MARBURG_PREVALENCE", "marburg_table"]

#: The Marburg Heart Score at a cut-off of 3 in its external validation in primary care
#: (Haasenritter et al., Br J Gen Pract 2012;62(599):e415-e421): sensitivity, specificity.
MARBURG: tuple[float, float] = (0.891, 0.635)
#: Coronary heart disease among the patients of each setting: about 11% in that primary-care
#: validation; 40% in a cardiology clinic is a figure chosen for the exercise.
MARBURG_PREVALENCE: dict[str, float] = {"primary_care": 0.11, "cardiology": 0.40}


def marburg_table(setting: str) -> pd.DataFrame:
    """The score's results for 1,000 patients of a setting, in whole people, with totals."""
    chosen = check_choice(setting, tuple(MARBURG_PREVALENCE), "reading_tables.errors.setting")
    sensitivity, specificity = MARBURG
    return natural_frequency_table(sensitivity, specificity, MARBURG_PREVALENCE[chosen])
