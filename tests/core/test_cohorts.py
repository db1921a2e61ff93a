"""Synthetic cohorts follow their published figures, are reproducible, and refuse bad settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aimed.engines.cohorts import (
    MAX_PATIENTS,
    MIN_GROUP_SIZE,
    MIN_PATIENTS,
    device_bias_cohort,
    hospital_cohort,
    proxy_label_cohort,
    representation_cohort,
    sample_patients,
    shortcut_cohort,
)
from aimed.texts.i18n import LANGUAGES
from aimed.validation import InputError

GENERATORS = {
    "device": lambda n, seed: device_bias_cohort(n, seed=seed),
    "proxy": lambda n, seed: proxy_label_cohort(n, seed=seed),
    "representation": lambda n, seed: representation_cohort(n, share_b=0.3, seed=seed),
    "hospital_a": lambda n, seed: hospital_cohort(n, site="A", seed=seed),
    "hospital_b": lambda n, seed: hospital_cohort(n, site="B", seed=seed),
    "shortcut": lambda n, seed: shortcut_cohort(n, seed=seed),
    "shortcut_external": lambda n, seed: shortcut_cohort(n, site="external", seed=seed),
}


def _occult_hypoxaemia(frame: pd.DataFrame) -> pd.Series:
    """Share with SaO2 < 88% among readings of SpO2 92-96%, per group (Sjoding's measure)."""
    normal_looking = frame[(frame["spo2"] >= 92) & (frame["spo2"] <= 96)]
    return normal_looking.groupby("group")["hypoxaemia"].mean()


def test_device_bias_reproduces_sjoding_occult_hypoxaemia_rates() -> None:
    # Sjoding et al. 2020: 11.7% of Black vs 3.6% of White patients at SpO2 92-96%.
    rates = _occult_hypoxaemia(device_bias_cohort(MAX_PATIENTS, seed=0).frame)
    assert rates["A"] == pytest.approx(0.036, abs=0.006)
    assert rates["B"] == pytest.approx(0.117, abs=0.012)


def test_without_device_bias_both_groups_share_group_a_rate() -> None:
    rates = _occult_hypoxaemia(device_bias_cohort(MAX_PATIENTS, bias=False, seed=0).frame)
    assert rates["A"] == pytest.approx(0.036, abs=0.006)
    assert abs(rates["B"] - rates["A"]) < 0.008


def test_device_bias_changes_the_reading_not_the_patients() -> None:
    biased = device_bias_cohort(5_000, bias=True, seed=4).frame
    fair = device_bias_cohort(5_000, bias=False, seed=4).frame
    pd.testing.assert_series_equal(biased["sao2"], fair["sao2"])
    pd.testing.assert_series_equal(biased["hypoxaemia"], fair["hypoxaemia"])
    b = biased["group"] == "B"
    assert (biased.loc[b, "spo2"] - fair.loc[b, "spo2"]).mean() > 1.5


def test_cost_label_spends_less_on_group_b_at_equal_need() -> None:
    # Obermeyer et al. 2019: less is spent on Black patients with the same need.
    frame = proxy_label_cohort(100_000, seed=0).frame
    means = frame.groupby(["future_conditions", "group"])["future_cost"].mean().unstack()
    ratio = (means["B"] / means["A"]).loc[1:5]
    assert ratio.between(0.6, 0.9).all(), ratio
    flagged = frame[frame["high_cost"] == 1]
    needy = frame[frame["high_need"] == 1]
    assert (flagged["group"] == "B").mean() < (needy["group"] == "B").mean() - 0.04
    assert frame["high_cost"].sum() == frame["high_need"].sum()


def test_equal_access_removes_the_spending_gap() -> None:
    frame = proxy_label_cohort(100_000, access_factor_b=1.0, seed=0).frame
    means = frame.groupby(["future_conditions", "group"])["future_cost"].mean().unstack()
    assert (means["B"] / means["A"]).loc[1:5].between(0.95, 1.2).all()


def test_proxy_label_choice_sets_training_label_not_outcome() -> None:
    cost = proxy_label_cohort(1_000, label="cost", seed=1)
    need = proxy_label_cohort(1_000, label="need", seed=1)
    assert (cost.label, need.label) == ("high_cost", "high_need")
    assert cost.outcome == need.outcome == "high_need"
    assert "future_cost" not in cost.features and "group" not in cost.features


def test_group_b_share_is_exact() -> None:
    cohort = representation_cohort(2_000, share_b=0.1, seed=3)
    assert (cohort.groups == "B").sum() == 200
    assert cohort.frame["disease"].mean() == pytest.approx(0.20, abs=0.03)


def test_two_sites_differ_in_prevalence_case_mix_and_temperature_practice() -> None:
    a = hospital_cohort(50_000, site="A", seed=0).frame
    b = hospital_cohort(50_000, site="B", seed=0).frame
    # Wong et al. 2021: sepsis in 7% of hospitalisations; site B is illustrative (20%).
    assert a["sepsis"].mean() == pytest.approx(0.07, abs=0.01)
    assert b["sepsis"].mean() == pytest.approx(0.20, abs=0.02)
    assert b["age"].mean() - a["age"].mean() > 8
    well_a, well_b = a[a["sepsis"] == 0], b[b["sepsis"] == 0]
    assert well_a["temperature"].mean() - well_b["temperature"].mean() > 0.5
    assert well_b["temperature"].std() > well_a["temperature"].std()


def test_shortcut_marker_tracks_pneumonia_only_at_the_training_site() -> None:
    train = shortcut_cohort(50_000, seed=0).frame
    away = shortcut_cohort(50_000, site="external", seed=0).frame
    by_outcome = train.groupby("pneumonia")["portable_marker"].mean()
    assert by_outcome[1] == pytest.approx(0.85, abs=0.02)
    assert by_outcome[0] == pytest.approx(0.10, abs=0.02)
    away_by_outcome = away.groupby("pneumonia")["portable_marker"].mean()
    assert abs(away_by_outcome[1] - away_by_outcome[0]) < 0.03
    assert train["pneumonia"].mean() == pytest.approx(0.342, abs=0.01)  # Zech et al. 2018


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_patients_other_seed_other_patients(name: str) -> None:
    make = GENERATORS[name]
    first, again, other = make(1_000, 7), make(1_000, 7), make(1_000, 8)
    pd.testing.assert_frame_equal(first.frame, again.frame)
    assert not first.frame.equals(other.frame)
    assert set(first.features) <= set(first.frame.columns)
    assert {first.label, first.outcome, first.group} <= set(first.frame.columns)
    assert first.X.shape == (1_000, len(first.features))
    assert set(np.unique(first.y_true)) == {0, 1}


def test_sample_patients_is_a_reproducible_subset() -> None:
    cohort = hospital_cohort(1_000, site="B", seed=0)
    sample = sample_patients(cohort, 200, seed=5)
    assert len(sample) == 200
    pd.testing.assert_frame_equal(sample.frame, sample_patients(cohort, 200, seed=5).frame)
    merged = sample.frame.merge(cohort.frame, how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    with pytest.raises(InputError):
        sample_patients(cohort, 1_001)


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (lambda: device_bias_cohort(MIN_PATIENTS - 1), "cohorts.errors.n"),
        (lambda: device_bias_cohort(MAX_PATIENTS + 1), "cohorts.errors.n"),
        (lambda: device_bias_cohort(1_000.5), "cohorts.errors.n"),  # type: ignore[arg-type]
        (lambda: device_bias_cohort("many"), "cohorts.errors.n"),  # type: ignore[arg-type]
        (lambda: device_bias_cohort(1_000, seed=-1), "common.errors.seed"),
        (lambda: representation_cohort(1_000, share_b=1.5), "common.errors.share"),
        (lambda: representation_cohort(1_000, share_b=-0.1), "common.errors.share"),
        (lambda: representation_cohort(1_000, share_b=float("nan")), "common.errors.share"),
        (lambda: representation_cohort(1_000, share_b=0.0), "cohorts.errors.empty_group"),
        (lambda: representation_cohort(1_000, share_b=1.0), "cohorts.errors.empty_group"),
        (lambda: proxy_label_cohort(1_000, label="income"), "cohorts.errors.label"),
        (lambda: proxy_label_cohort(1_000, access_factor_b=0), "cohorts.errors.access_factor"),
        (lambda: hospital_cohort(1_000, site="C"), "cohorts.errors.site"),
        (lambda: shortcut_cohort(1_000, site="A"), "cohorts.errors.shortcut_site"),
        (lambda: shortcut_cohort(1_000, prevalence=1.0), "cohorts.errors.prevalence"),
    ],
)
def test_bad_settings_are_refused_in_both_languages(make, key: str) -> None:
    with pytest.raises(InputError) as caught:
        make()
    assert caught.value.key == key
    english, french = (caught.value.message(lang) for lang in LANGUAGES)
    assert english and french and english != french
    assert "{" not in english + french


def test_empty_group_message_names_the_group_and_the_minimum() -> None:
    with pytest.raises(InputError) as caught:
        representation_cohort(1_000, share_b=0.01)
    assert caught.value.message("en") == (
        f"Group B would have 10 patients; each group needs at least {MIN_GROUP_SIZE} "
        "so that its results mean something."
    )
    assert "Effectif du groupe B\u00a0: 10" in caught.value.message("fr")


def test_share_errors_show_the_value_as_a_percentage_in_each_language() -> None:
    with pytest.raises(InputError) as caught:
        representation_cohort(1_000, share_b=1.25)
    assert caught.value.message("en").endswith("got 125%.")
    assert caught.value.message("fr").endswith("valeur reçue\u00a0: 125\u00a0%.")
