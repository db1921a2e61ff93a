"""Test results in context: predictive values, natural frequencies, likelihood ratios.

A test's sensitivity and specificity do not tell a clinician what a positive result
means for the patient in front of them; the prevalence in their setting does. These
functions do that arithmetic once, for the sandbox page, the notebooks and the tests.

Every function checks its input and raises :class:`aimed.validation.InputError` (texts in
``locales/test_result.*.toml``) for a value a person could have typed by mistake.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from aimed.validation import Given, InputError, as_number, check_share

__all__ = [
    "SETTING_PRESETS",
    "NaturalFrequencies",
    "PredictiveValues",
    "SettingPreset",
    "likelihood_ratios",
    "natural_frequencies",
    "post_test_probability",
    "predictive_values",
    "to_odds",
    "to_probability",
]


def _check(
    value: object, key: str, low: float, high: float, *, closed: bool, percent: bool
) -> float:
    """``value`` as a float within [low, high] (closed) or (low, high) (open), else InputError."""
    number = as_number(value)  # NaN fails both comparisons below
    if number is None or not (low <= number <= high if closed else low < number < high):
        raise InputError(f"test_result.errors.{key}", given=Given(value, percent))
    return number


def _rate(value: object, key: str) -> float:
    """Sensitivity or specificity: any proportion from 0 to 1, ends included."""
    return check_share(value, f"test_result.errors.{key}")


def _prior(value: object, key: str) -> float:
    """Prevalence or pre-test probability: strictly between 0 and 1 (odds must exist)."""
    return check_share(value, f"test_result.errors.{key}", ends=False)


# --- Predictive values ----------------------------------------------------------------


@dataclass(frozen=True)
class PredictiveValues:
    """What a result means at one prevalence.

    ``ppv`` is None when the test can never be positive (sensitivity 0% and
    specificity 100%); ``npv`` is None when it can never be negative (sensitivity
    100% and specificity 0%). There is no result to interpret then.
    """

    sensitivity: float
    specificity: float
    prevalence: float
    ppv: float | None
    npv: float | None


def predictive_values(
    sensitivity: float, specificity: float, prevalence: float
) -> PredictiveValues:
    """PPV and NPV by Bayes' theorem: the same test means less where the disease is rarer."""
    sens = _rate(sensitivity, "sensitivity")
    spec = _rate(specificity, "specificity")
    prev = _prior(prevalence, "prevalence")
    true_pos, false_pos = sens * prev, (1 - spec) * (1 - prev)
    true_neg, false_neg = spec * (1 - prev), (1 - sens) * prev
    ppv = true_pos / (true_pos + false_pos) if true_pos + false_pos > 0 else None
    npv = true_neg / (true_neg + false_neg) if true_neg + false_neg > 0 else None
    return PredictiveValues(sens, spec, prev, ppv, npv)


# --- Natural frequencies --------------------------------------------------------------


@dataclass(frozen=True)
class NaturalFrequencies:
    """Counts of people in a group of ``n`` tested: the form doctors reason best with.

    Gigerenzer and colleagues (Psychol Sci Public Interest 2007) showed that counts
    ("9 of 98 positives are ill") are understood far better than conditional
    probabilities, so the sandbox and the notebooks show these.
    """

    n: int
    sick: int
    healthy: int
    true_positives: int
    false_negatives: int
    false_positives: int
    true_negatives: int

    @property
    def positives(self) -> int:
        """Everyone who tests positive, ill or not: the alarms a clinician sees."""
        return self.true_positives + self.false_positives

    @property
    def negatives(self) -> int:
        """Everyone who tests negative."""
        return self.true_negatives + self.false_negatives

    @property
    def false_alarm_share(self) -> float:
        """Share of positives who are not ill (FP / positives); 0.0 when nobody is positive."""
        return self.false_positives / self.positives if self.positives else 0.0


def _round_half_up(x: float) -> int:
    """Round 0.5 up, as people do by hand (Python's round() would send 0.5 to 0)."""
    return math.floor(x + 0.5 + 1e-9)


def natural_frequencies(
    sensitivity: float, specificity: float, prevalence: float, n: int = 1000
) -> NaturalFrequencies:
    """Split ``n`` people into true/false positives/negatives, as whole people.

    Rounding, chosen so that the counts always add up:
    ``sick = round(n * prevalence)``, ``healthy = n - sick``,
    ``true_positives = round(sick * sensitivity)``, ``false_negatives = sick - true_positives``,
    ``false_positives = round(healthy * (1 - specificity))``,
    ``true_negatives = healthy - false_positives``; each round() takes halves upwards.
    So 1% of 1,000 with 90% sensitivity and 91% specificity gives 10 ill, 9 true
    positives and 89 false positives (89.1 rounded), as in Gigerenzer et al. 2007.
    """
    sens = _rate(sensitivity, "sensitivity")
    spec = _rate(specificity, "specificity")
    prev = _prior(prevalence, "prevalence")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError("test_result.errors.n", given=Given(n, percent=False))
    sick = min(n, _round_half_up(n * prev))
    healthy = n - sick
    true_positives = min(sick, _round_half_up(sick * sens))
    false_positives = min(healthy, _round_half_up(healthy * (1 - spec)))
    return NaturalFrequencies(
        n=n,
        sick=sick,
        healthy=healthy,
        true_positives=true_positives,
        false_negatives=sick - true_positives,
        false_positives=false_positives,
        true_negatives=healthy - false_positives,
    )


# --- Likelihood ratios and odds -------------------------------------------------------


def likelihood_ratios(sensitivity: float, specificity: float) -> tuple[float, float]:
    """(LR+, LR-): how much a positive or a negative result moves the odds of disease.

    LR+ = sensitivity / (1 - specificity); LR- = (1 - sensitivity) / specificity.
    A perfect specificity gives LR+ = infinity (``math.inf``); a test that is never
    positive (sensitivity 0%, specificity 100%) or never negative (100%, 0%) has an
    undefined ratio and is rejected with an InputError.
    """
    sens = _rate(sensitivity, "sensitivity")
    spec = _rate(specificity, "specificity")
    if sens == 0 and spec == 1:
        raise InputError("test_result.errors.never_positive")
    if sens == 1 and spec == 0:
        raise InputError("test_result.errors.never_negative")
    lr_pos = sens / (1 - spec) if spec < 1 else math.inf
    lr_neg = (1 - sens) / spec if spec > 0 else math.inf
    return lr_pos, lr_neg


def to_odds(p: float) -> float:
    """Probability -> odds, p / (1 - p): the scale on which likelihood ratios multiply."""
    prob = _rate(p, "probability")
    if prob == 1:
        raise InputError("test_result.errors.probability", given=Given(p, percent=True))
    return prob / (1 - prob)


def to_probability(odds: float) -> float:
    """Odds -> probability, odds / (1 + odds); infinite odds give 1."""
    value = _check(odds, "odds", 0.0, math.inf, closed=True, percent=False)
    if math.isinf(value):
        return 1.0
    return value / (1 + value)


def post_test_probability(pre_test: float, likelihood_ratios: Iterable[float]) -> float:
    """Probability after the findings: pre-test odds times each likelihood ratio.

    Chaining several ratios assumes the findings are conditionally independent given
    the disease. Real findings are usually correlated (sweating and nausea travel
    together), so a long chain overstates certainty; treat the result as an upper
    bound on how far the evidence moves you. An empty iterable returns ``pre_test``.
    """
    prior = _prior(pre_test, "pre_test")
    odds = prior / (1 - prior)
    for ratio in likelihood_ratios:
        odds *= _check(ratio, "likelihood_ratio", 0.0, math.inf, closed=False, percent=False)
    if math.isinf(odds):
        return 1.0
    return odds / (1 + odds)


# --- Settings: typical prevalences, with their source ----------------------------------


@dataclass(frozen=True)
class SettingPreset:
    """A clinical setting with a published prevalence, for the page's preset selector.

    The label lives in the locale files (``test_result.presets.<key>``); ``citation`` is
    the source as printed beside the figure. ``sensitivity``/``specificity`` are set only
    when the source gives the test's accuracy too (the mammography problem).
    """

    key: str
    prevalence: float
    citation: str
    sensitivity: float | None = None
    specificity: float | None = None


SETTING_PRESETS: Mapping[str, SettingPreset] = MappingProxyType(
    {
        preset.key: preset
        for preset in (
            SettingPreset(
                key="screening_mammography",
                prevalence=0.01,
                sensitivity=0.90,
                specificity=0.91,
                citation=(
                    "Gigerenzer G, Gaissmaier W, Kurz-Milcke E, Schwartz LM, Woloshin S. "
                    "Psychol Sci Public Interest 2007;8(2):53–96"
                ),
            ),
            SettingPreset(
                key="primary_care_pneumonia",
                prevalence=0.10,
                citation="Ebell MH, et al. Acad Emerg Med 2020",
            ),
            SettingPreset(
                key="emergency_chest_pain",
                prevalence=0.10,
                citation=(
                    "Fanaroff AC, Rymer JA, Goldstein SA, Simel DL, Newby LK. "
                    "JAMA 2015;314(18):1955–1965"
                ),
            ),
            SettingPreset(
                key="emergency_pneumonia",
                prevalence=0.20,
                citation="Ebell MH, et al. Acad Emerg Med 2020",
            ),
            SettingPreset(
                key="hospital_pneumonia_images",
                prevalence=0.342,
                citation=(
                    "Zech JR, Badgeley MA, Liu M, Costa AB, Titano JJ, Oermann EK. "
                    "PLoS Med 2018;15(11):e1002683"
                ),
            ),
        )
    }
)
