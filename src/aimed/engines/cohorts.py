"""Synthetic patient cohorts that carry one documented bias each, for the bias scenarios.

Every generator draws from ``numpy.random.default_rng(seed)``: the same arguments give the
same patients, row for row. No real patient is behind any row. Each docstring lists the
variables and the published figures the parameters come from; where a parameter is only
illustrative it says so.

A :class:`Cohort` is a table plus the names a model needs: which columns it may use as
features, which column it is trained on (``label``), which column holds the true state it
is judged against (``outcome``; the two differ only for the proxy-label cohort), and which
column splits the patients into groups or sites.

Bad settings (n out of range, a share outside 0-100%, an empty group, an unknown site)
raise :class:`aimed.validation.InputError` with texts in ``locales/cohorts.*.toml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aimed.validation import Given, InputError, check_choice, check_seed, check_share

__all__ = [
    "GROUPS",
    "MAX_PATIENTS",
    "MIN_GROUP_SIZE",
    "MIN_PATIENTS",
    "OBERMEYER_SHARE_B",
    "Cohort",
    "device_bias_cohort",
    "hospital_cohort",
    "proxy_label_cohort",
    "representation_cohort",
    "sample_patients",
    "shortcut_cohort",
]

MIN_PATIENTS = 200
MAX_PATIENTS = 200_000
MIN_GROUP_SIZE = 20
GROUPS: tuple[str, str] = ("A", "B")

# Obermeyer et al. 2019, Table 1: 43,539 White and 6,079 Black patients.
OBERMEYER_SHARE_B = 6_079 / (43_539 + 6_079)


@dataclass(frozen=True)
class Cohort:
    """Synthetic patients, one row each, and the roles of the columns.

    ``features``: columns a model may use. ``label``: the column it is trained on.
    ``outcome``: the true state it is judged against. ``group``: the column that
    splits patients into the groups (or sites) whose results are compared.
    """

    name: str
    frame: pd.DataFrame
    features: tuple[str, ...]
    label: str
    outcome: str
    group: str
    seed: int

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def X(self) -> pd.DataFrame:  # noqa: N802 (the usual name for a feature matrix)
        """The feature columns, in the order of ``features``."""
        return self.frame.loc[:, list(self.features)]

    @property
    def y_label(self) -> np.ndarray:
        """The training label, 0/1."""
        return self.frame[self.label].to_numpy(dtype=int)

    @property
    def y_true(self) -> np.ndarray:
        """The true outcome, 0/1: what the model's errors are counted against."""
        return self.frame[self.outcome].to_numpy(dtype=int)

    @property
    def groups(self) -> np.ndarray:
        """Group (or site) of each patient."""
        return self.frame[self.group].to_numpy()


# --- checks ---------------------------------------------------------------------------


def _check_n(n: object, key: str = "cohorts.errors.n") -> int:
    """A whole number of patients within [MIN_PATIENTS, MAX_PATIENTS]."""
    number = isinstance(n, int | np.integer | float) and not isinstance(n, bool)
    whole = number and (not isinstance(n, float) or n.is_integer())
    count = int(n) if whole and isinstance(n, int | np.integer | float) else None
    if count is None or not MIN_PATIENTS <= count <= MAX_PATIENTS:
        raise InputError(
            key, given=Given(n, percent=False), minimum=MIN_PATIENTS, maximum=MAX_PATIENTS
        )
    return count


def _group_sizes(n: int, share_b: float) -> tuple[int, int]:
    """Patients in groups A and B; each group needs MIN_GROUP_SIZE patients to be judged."""
    n_b = round(n * share_b)
    n_a = n - n_b
    for name, count in (("A", n_a), ("B", n_b)):
        if count < MIN_GROUP_SIZE:
            raise InputError(
                "cohorts.errors.empty_group", group=name, count=count, minimum=MIN_GROUP_SIZE
            )
    return n_a, n_b


def _groups(rng: np.random.Generator, n: int, share_b: float) -> np.ndarray:
    """Exactly round(n * share_b) patients in group B, in random order."""
    n_a, n_b = _group_sizes(n, share_b)
    labels = np.array(["A"] * n_a + ["B"] * n_b, dtype=object)
    rng.shuffle(labels)
    return labels


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


# --- 1. device measurement bias (pulse oximetry) --------------------------------------

# SpO2 = SaO2 + bias + N(0, 3.0^2), rounded and capped at 100%. With the SaO2 distribution
# below, these biases give occult hypoxaemia (SaO2 < 88% while SpO2 reads 92-96%) in 3.6%
# of group A and 11.7% of group B, as Sjoding et al. 2020 found in White and Black
# patients (tests/test_cohorts.py checks both rates on 200,000 patients).
OXIMETER_NOISE_SD = 3.0
OXIMETER_BIAS = {"A": 1.75, "B": 3.95}
HYPOXAEMIA_SAO2 = 88.0


def device_bias_cohort(n: int, *, bias: bool = True, share_b: float = 0.5, seed: int = 0) -> Cohort:
    """Patients with an arterial blood gas and a pulse-oximeter reading taken together.

    Variables: ``group`` (A: lighter skin, B: darker skin), ``sao2`` (arterial saturation,
    %, the truth; 100 minus a gamma(2, 3.5) draw, so about 14% are below 88%), ``spo2``
    (the oximeter's reading, %), ``heart_rate`` (/min) and ``resp_rate`` (/min), both a
    little higher when SaO2 is low; ``hypoxaemia`` (SaO2 < 88%) is both label and outcome.

    With ``bias=True`` the oximeter overestimates SaO2 by 1.75 points on average in group A
    and 3.95 points in group B (noise SD 3 points): calibrated to Sjoding MW et al., N Engl
    J Med 2020;383:2477-8 (occult hypoxaemia at SpO2 92-96%: 11.7% in Black vs 3.6% in White
    patients). With ``bias=False`` both groups get group A's device. Features: ``spo2``,
    ``heart_rate``, ``resp_rate``; the model never sees SaO2 or the group.
    """
    n, seed = _check_n(n), check_seed(seed)
    share_b = check_share(share_b)
    rng = np.random.default_rng(seed)
    group = _groups(rng, n, share_b)
    sao2 = np.clip(100.0 - rng.gamma(2.0, 3.5, n), 60.0, 100.0)
    offset = np.where(group == "B", OXIMETER_BIAS["B"], OXIMETER_BIAS["A"])
    if not bias:
        offset = np.full(n, OXIMETER_BIAS["A"])
    spo2 = np.clip(np.round(sao2 + offset + rng.normal(0.0, OXIMETER_NOISE_SD, n)), 50, 100)
    deficit = 100.0 - sao2
    heart_rate = np.round(82 + 0.9 * deficit + rng.normal(0, 12, n))
    resp_rate = np.round(16 + 0.35 * deficit + rng.normal(0, 3.5, n)).clip(8, 50)
    frame = pd.DataFrame(
        {
            "group": group,
            "sao2": sao2.round(1),
            "spo2": spo2,
            "heart_rate": heart_rate,
            "resp_rate": resp_rate,
            "hypoxaemia": (sao2 < HYPOXAEMIA_SAO2).astype(int),
        }
    )
    return Cohort(
        name="device",
        frame=frame,
        features=("spo2", "heart_rate", "resp_rate"),
        label="hypoxaemia",
        outcome="hypoxaemia",
        group="group",
        seed=seed,
    )


# --- 2. proxy label (future cost instead of health need) -------------------------------

# Spending per unit of need in group B relative to group A. Obermeyer et al. 2019 report
# about $1,800 a year less spent on Black than on White patients with the same number of
# chronic conditions; with mean yearly costs near $7,000-8,000 this is roughly a quarter
# less, so 0.75 (illustrative rounding of that figure).
ACCESS_FACTOR_B = 0.75
HIGH_NEED_CONDITIONS = 4
LABELS: tuple[str, str] = ("cost", "need")


def proxy_label_cohort(
    n: int,
    *,
    label: str = "cost",
    share_b: float = OBERMEYER_SHARE_B,
    access_factor_b: float = ACCESS_FACTOR_B,
    seed: int = 0,
) -> Cohort:
    """Primary-care patients for a care-management programme, with two possible labels.

    Variables: ``group`` (A, B; B's default share 12.3% is Obermeyer's 6,079 Black among
    49,618 patients), ``age``, ``conditions_now`` (active chronic conditions this year),
    ``hba1c`` (%), ``systolic_bp`` (mmHg), ``visits`` (last year), ``prior_cost`` (last
    year's spending, $), ``future_conditions`` and ``future_cost`` (next year),
    ``high_need`` (4 or more chronic conditions next year: the outcome that matters) and
    ``high_cost`` (future cost in the top share, same size as the high-need share).

    Group B is somewhat sicker on average and, at equal need, generates
    ``access_factor_b`` times the spending of group A (0.75 by default; 1.0 removes the
    gap). Each patient also has a lasting habit of using care, unrelated to need, that
    drives both years' costs: so last year's spending predicts next year's cost well and
    next year's need poorly.

    ``label="cost"`` trains on ``high_cost`` as the commercial algorithm did;
    ``label="need"`` trains on ``high_need``, the fix Obermeyer et al. (Science
    2019;366:447-53) showed largely removes the bias. The outcome is ``high_need`` in both.
    """
    n, seed = _check_n(n), check_seed(seed)
    label = check_choice(label, LABELS, "cohorts.errors.label")
    share_b = check_share(share_b)
    factor = check_share(access_factor_b, "cohorts.errors.access_factor")
    if factor == 0:
        raise InputError("cohorts.errors.access_factor", given=Given(access_factor_b, percent=True))
    rng = np.random.default_rng(seed)
    group = _groups(rng, n, share_b)
    is_b = group == "B"
    age = np.clip(rng.normal(52, 14, n), 18, 95).round()
    severity = rng.normal(0.0, 0.75, n) + 0.02 * (age - 52) + np.where(is_b, 0.2, 0.0)
    conditions_now = rng.poisson(np.exp(0.35 + severity))
    future_conditions = rng.poisson(np.exp(0.35 + severity + rng.normal(0, 0.15, n)))
    hba1c = (5.4 + 0.45 * np.clip(severity, 0, None) + rng.normal(0, 0.5, n)).round(1)
    systolic_bp = (126 + 9 * severity + rng.normal(0, 12, n)).round()
    access = np.where(is_b, factor, 1.0)
    # a lasting habit of using care, unrelated to need, shared by last and next year's costs
    habit = rng.normal(0.0, 0.6, n)
    visits = rng.poisson(access * np.exp(1.2 + 0.3 * severity + 0.5 * habit))
    prior_cost = access * np.exp(8.6 + 0.6 * severity + habit + rng.normal(0, 0.3, n))
    future_cost = access * np.exp(8.6 + 0.6 * severity + habit + rng.normal(0, 0.3, n))
    high_need = (future_conditions >= HIGH_NEED_CONDITIONS).astype(int)
    # the cost label flags as many patients as the need label, the costliest ones
    order = np.argsort(-future_cost, kind="stable")
    high_cost = np.zeros(n, dtype=int)
    high_cost[order[: int(high_need.sum())]] = 1
    frame = pd.DataFrame(
        {
            "group": group,
            "age": age,
            "conditions_now": conditions_now,
            "hba1c": hba1c,
            "systolic_bp": systolic_bp,
            "visits": visits,
            "prior_cost": prior_cost.round(),
            "future_conditions": future_conditions,
            "future_cost": future_cost.round(),
            "high_need": high_need,
            "high_cost": high_cost,
        }
    )
    return Cohort(
        name="proxy_label",
        frame=frame,
        features=("age", "conditions_now", "hba1c", "systolic_bp", "visits", "prior_cost"),
        label="high_cost" if label == "cost" else "high_need",
        outcome="high_need",
        group="group",
        seed=seed,
    )


# --- 3. under-representation ----------------------------------------------------------

# Illustrative parameters (no published figure): in group A the disease shows mostly in
# marker_1, in group B mostly in marker_2, so a model that saw few B patients learns the
# A pattern and misses B's cases, the mechanism behind the under-diagnosis of
# under-served groups reported by Seyyed-Kalantari et al., Nat Med 2021;27:2176-82.
REPRESENTATION_PREVALENCE = 0.20
MARKER_EFFECT = {"A": (1.8, 0.3), "B": (0.3, 1.8)}


def representation_cohort(n: int, *, share_b: float = 0.5, seed: int = 0) -> Cohort:
    """Patients of two groups in which the same disease shows in different markers.

    Variables: ``group`` (A, B: the learner sets B's share), ``age``, ``marker_1``,
    ``marker_2``, ``marker_3`` (standardised test results; marker_3 is noise),
    ``disease`` (label and outcome, 20% in both groups). A diseased patient's marker_1
    rises by 1.8 SD in A and 0.3 SD in B; marker_2 by 0.3 SD in A and 1.8 SD in B.
    Parameters are illustrative. Train on a cohort with the learner's share and judge on
    a balanced one (``share_b=0.5``, another seed) to see who pays for the mix.
    """
    n, seed = _check_n(n), check_seed(seed)
    share_b = check_share(share_b)
    rng = np.random.default_rng(seed)
    group = _groups(rng, n, share_b)
    is_b = group == "B"
    disease = (rng.random(n) < REPRESENTATION_PREVALENCE).astype(int)
    effect_1 = np.where(is_b, MARKER_EFFECT["B"][0], MARKER_EFFECT["A"][0])
    effect_2 = np.where(is_b, MARKER_EFFECT["B"][1], MARKER_EFFECT["A"][1])
    frame = pd.DataFrame(
        {
            "group": group,
            "age": np.clip(rng.normal(55, 15, n), 18, 95).round(),
            "marker_1": (rng.normal(0, 1, n) + effect_1 * disease).round(3),
            "marker_2": (rng.normal(0, 1, n) + effect_2 * disease).round(3),
            "marker_3": rng.normal(0, 1, n).round(3),
            "disease": disease,
        }
    )
    return Cohort(
        name="representation",
        frame=frame,
        features=("age", "marker_1", "marker_2", "marker_3"),
        label="disease",
        outcome="disease",
        group="group",
        seed=seed,
    )


# --- 4. two hospitals (dataset shift) --------------------------------------------------

SITES: tuple[str, str] = ("A", "B")
# Sepsis in 7% of hospitalisations at the development site (Wong et al., JAMA Intern Med
# 2021;181:1065-70: 2,552 of 38,455). Site B's 20%, older case mix, tachycardia from other
# causes and axillary temperatures (lower, noisier) are illustrative, one for each kind of
# change Finlayson et al. (N Engl J Med 2021;385:283-6) list as causes of dataset shift:
# population and setting, behaviour, technology.
SITE_SETTINGS = {
    "A": {
        "prevalence": 0.07,
        "age": 58.0,
        "other_tachycardia": 0.05,
        "other_tachypnoea": 0.05,
        "temp_offset": 0.0,
        "temp_noise": 0.3,
    },
    "B": {
        "prevalence": 0.20,
        "age": 70.0,
        "other_tachycardia": 0.5,
        "other_tachypnoea": 0.5,
        "temp_offset": -0.8,
        "temp_noise": 0.9,
    },
}


def hospital_cohort(n: int, *, site: str = "A", seed: int = 0) -> Cohort:
    """Hospitalised adults at site A or site B, with sepsis as the outcome.

    Variables: ``site``, ``age``, ``heart_rate`` (/min), ``resp_rate`` (/min),
    ``temperature`` (°C, as recorded), ``wbc`` (10^9/L), ``lactate`` (mmol/L), ``sepsis``
    (label and outcome). Site A: sepsis 7% (Wong et al. 2021), mean age 58, oral
    temperatures. Site B (illustrative): sepsis 20%, mean age 70, half of the patients
    tachycardic and half tachypnoeic for other reasons (atrial fibrillation, pain,
    chronic lung disease), and axillary temperatures that read 0.8 °C lower with three
    times the measurement noise. Trained at A, a model ranks B's patients less well (AUC
    about 0.83 at A, 0.77 at B on 20,000 patients) and under-estimates their risk.
    """
    n, seed = _check_n(n), check_seed(seed)
    site = check_choice(site, SITES, "cohorts.errors.site")
    s = SITE_SETTINGS[site]
    rng = np.random.default_rng(seed + (0 if site == "A" else 1_000_003))
    age = np.clip(rng.normal(s["age"], 15, n), 18, 100).round()
    risk = _sigmoid(_logit(s["prevalence"]) + 0.02 * (age - s["age"]))
    sepsis = (rng.random(n) < risk).astype(int)
    tachycardia = rng.random(n) < s["other_tachycardia"]
    tachypnoea = rng.random(n) < s["other_tachypnoea"]
    heart_rate = 82 + 10 * sepsis + 22 * tachycardia + rng.normal(0, 14, n)
    resp_rate = 17 + 2.0 * sepsis + 5 * tachypnoea + rng.normal(0, 4, n)
    true_temp = 37.0 + 0.5 * sepsis + rng.normal(0, 0.6, n)
    temperature = true_temp + s["temp_offset"] + rng.normal(0, s["temp_noise"], n)
    wbc = np.exp(np.log(8.5) + 0.2 * sepsis + rng.normal(0, 0.4, n))
    lactate = np.exp(np.log(1.3) + 0.25 * sepsis + rng.normal(0, 0.45, n))
    frame = pd.DataFrame(
        {
            "site": np.full(n, site, dtype=object),
            "age": age,
            "heart_rate": heart_rate.round(),
            "resp_rate": resp_rate.round().clip(8, 60),
            "temperature": temperature.round(1),
            "wbc": wbc.round(1),
            "lactate": lactate.round(1),
            "sepsis": sepsis,
        }
    )
    return Cohort(
        name="hospital",
        frame=frame,
        features=("age", "heart_rate", "resp_rate", "temperature", "wbc", "lactate"),
        label="sepsis",
        outcome="sepsis",
        group="site",
        seed=seed,
    )


# --- 5. shortcut ----------------------------------------------------------------------

SHORTCUT_SITES: tuple[str, str] = ("training", "external")
# Zech et al., PLoS Med 2018;15:e1002683: pneumonia in 34.2% of Mount Sinai radiographs;
# the networks learnt to recognise the hospital and department (sorting by hospital alone
# gave AUC 0.861). Here a marker (a portable-scanner tag) is on 85% of pneumonia and 10%
# of other images at the training site (illustrative), and on 30% of all images,
# whatever the diagnosis, elsewhere.
SHORTCUT_PREVALENCE = 0.342
MARKER_RATES = {"training": (0.85, 0.10), "external": (0.30, 0.30)}


def shortcut_cohort(
    n: int,
    *,
    site: str = "training",
    prevalence: float = SHORTCUT_PREVALENCE,
    seed: int = 0,
) -> Cohort:
    """Chest radiograph summaries where a scanner tag tracks pneumonia at one site only.

    Variables: ``site``, ``age``, ``opacity`` (a reader's opacity score, 0-10),
    ``crp`` (mg/L), ``temperature`` (°C), ``resp_rate`` (/min), ``portable_marker``
    (1 when the image carries the portable-scanner tag), ``pneumonia`` (label and
    outcome). At the training site the tag is on 85% of pneumonia images and 10% of the
    others (sick inpatients are imaged at the bedside); at the external site it is on
    30% of images whatever the diagnosis. Prevalence defaults to 34.2% at both sites
    (Mount Sinai in Zech et al. 2018) so that only the tag differs; pass ``prevalence``
    to change it (0.01 mirrors Indiana).
    """
    n, seed = _check_n(n), check_seed(seed)
    site = check_choice(site, SHORTCUT_SITES, "cohorts.errors.shortcut_site")
    prevalence = check_share(prevalence, "cohorts.errors.prevalence")
    if not 0.0 < prevalence < 1.0:
        raise InputError("cohorts.errors.prevalence", given=Given(prevalence, percent=True))
    rng = np.random.default_rng(seed + (0 if site == "training" else 2_000_003))
    pneumonia = (rng.random(n) < prevalence).astype(int)
    with_disease, without = MARKER_RATES[site]
    marker = (rng.random(n) < np.where(pneumonia == 1, with_disease, without)).astype(int)
    frame = pd.DataFrame(
        {
            "site": np.full(n, site, dtype=object),
            "age": np.clip(rng.normal(60, 18, n), 18, 100).round(),
            "opacity": np.clip(3 + 1.6 * pneumonia + rng.normal(0, 1.8, n), 0, 10).round(1),
            "crp": np.exp(np.log(15) + 0.8 * pneumonia + rng.normal(0, 0.9, n)).round(),
            "temperature": (37.0 + 0.5 * pneumonia + rng.normal(0, 0.6, n)).round(1),
            "resp_rate": (17 + 2.5 * pneumonia + rng.normal(0, 4, n)).round().clip(8, 60),
            "portable_marker": marker,
            "pneumonia": pneumonia,
        }
    )
    return Cohort(
        name="shortcut",
        frame=frame,
        features=("age", "opacity", "crp", "temperature", "resp_rate", "portable_marker"),
        label="pneumonia",
        outcome="pneumonia",
        group="site",
        seed=seed,
    )


# --- helpers --------------------------------------------------------------------------


def sample_patients(cohort: Cohort, n: int, *, seed: int = 0) -> Cohort:
    """``n`` patients drawn without replacement: a small local sample for recalibration."""
    seed = check_seed(seed)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= len(cohort):
        raise InputError(
            "cohorts.errors.sample_n", given=Given(n, percent=False), maximum=len(cohort)
        )
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(cohort), size=int(n), replace=False))
    frame = cohort.frame.iloc[rows].reset_index(drop=True)
    return Cohort(
        name=cohort.name,
        frame=frame,
        features=cohort.features,
        label=cohort.label,
        outcome=cohort.outcome,
        group=cohort.group,
        seed=seed,
    )
