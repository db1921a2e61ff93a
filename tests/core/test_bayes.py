"""The Bayes engine reproduces the published worked examples and rejects impossible input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aimed.engines.bayes import (
    SETTING_PRESETS,
    likelihood_ratios,
    natural_frequencies,
    post_test_probability,
    predictive_values,
    to_odds,
    to_probability,
)
from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import InputError


def test_mammography_problem_gives_about_one_in_ten() -> None:
    # Gigerenzer et al. 2007: prevalence 1%, sensitivity 90%, false-positive rate 9%.
    values = predictive_values(0.90, 0.91, 0.01)
    assert values.ppv == pytest.approx(9 / (9 + 89.1), abs=1e-9)
    assert round(values.ppv * 100) == 9
    counts = natural_frequencies(0.90, 0.91, 0.01)
    assert (counts.sick, counts.true_positives, counts.false_positives) == (10, 9, 89)
    assert counts.positives == 98
    assert counts.false_alarm_share == pytest.approx(89 / 98)


def test_eddy_1982_gives_7_point_7_percent() -> None:
    # Prevalence 1%, sensitivity 80%, false-positive rate 9.6%: 7.7% (7.76%, truncated).
    values = predictive_values(0.80, 1 - 0.096, 0.01)
    assert 0.077 <= values.ppv < 0.078
    counts = natural_frequencies(0.80, 1 - 0.096, 0.01)
    assert (counts.true_positives, counts.false_positives) == (8, 95)


def test_npv_is_high_when_disease_is_rare() -> None:
    values = predictive_values(0.90, 0.91, 0.01)
    assert values.npv == pytest.approx(0.91 * 0.99 / (0.91 * 0.99 + 0.10 * 0.01))
    assert values.npv > 0.99


def test_same_test_means_more_where_disease_is_common() -> None:
    ppvs = [predictive_values(0.95, 0.95, p).ppv for p in (0.001, 0.01, 0.1, 0.5)]
    assert ppvs == sorted(ppvs)
    assert ppvs[1] < 0.5 < ppvs[-1]


def test_predictive_value_is_none_when_test_never_fires() -> None:
    assert predictive_values(0.0, 1.0, 0.1).ppv is None
    assert predictive_values(1.0, 0.0, 0.1).npv is None


def test_likelihood_ratios() -> None:
    lr_pos, lr_neg = likelihood_ratios(0.90, 0.91)
    assert lr_pos == pytest.approx(10.0)
    assert lr_neg == pytest.approx(0.1 / 0.91)
    assert likelihood_ratios(0.5, 1.0)[0] == math.inf
    with pytest.raises(InputError):
        likelihood_ratios(0.0, 1.0)
    with pytest.raises(InputError):
        likelihood_ratios(1.0, 0.0)


def test_odds_round_trip() -> None:
    assert to_odds(0.2) == pytest.approx(0.25)
    assert to_odds(0.0) == 0.0
    assert to_probability(0.25) == pytest.approx(0.2)
    assert to_probability(math.inf) == 1.0
    for p in (0.001, 0.3, 0.5, 0.97):
        assert to_probability(to_odds(p)) == pytest.approx(p)


def test_post_test_probability_matches_bayes_theorem() -> None:
    # A positive mammogram: odds form must give the same answer as the PPV.
    lr_pos, _ = likelihood_ratios(0.90, 0.91)
    assert post_test_probability(0.01, [lr_pos]) == pytest.approx(
        predictive_values(0.90, 0.91, 0.01).ppv
    )


def test_chaining_multiplies_the_odds() -> None:
    # 10% pre-test (odds 1/9), LRs 2 and 4.5: odds 1, so 50%.
    assert post_test_probability(0.10, [2, 4.5]) == pytest.approx(0.5)
    assert post_test_probability(0.10, iter([4.5, 2])) == pytest.approx(0.5)
    assert post_test_probability(0.10, []) == pytest.approx(0.10)
    # A reassuring finding lowers the probability.
    assert post_test_probability(0.10, [0.2]) < 0.10


def test_natural_frequencies_always_add_up() -> None:
    rng = np.random.default_rng(20261124)
    for _ in range(2000):
        sens, spec = rng.uniform(0, 1, size=2)
        prev = rng.uniform(1e-6, 1 - 1e-6)
        n = int(rng.integers(1, 100_000))
        c = natural_frequencies(sens, spec, prev, n)
        counts = (c.sick, c.healthy, c.true_positives, c.false_negatives)
        assert all(x >= 0 for x in (*counts, c.false_positives, c.true_negatives))
        assert c.sick + c.healthy == n
        assert c.true_positives + c.false_negatives == c.sick
        assert c.false_positives + c.true_negatives == c.healthy
        assert c.positives + c.negatives == n
        assert abs(c.sick - n * prev) <= 0.5 + 1e-6
        assert abs(c.true_positives - c.sick * sens) <= 0.5 + 1e-6
        assert abs(c.false_positives - c.healthy * (1 - spec)) <= 0.5 + 1e-6


def test_no_positives_means_no_false_alarms() -> None:
    counts = natural_frequencies(0.0, 1.0, 0.1)
    assert counts.positives == 0
    assert counts.false_alarm_share == 0.0


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda: predictive_values(1.5, 0.9, 0.1), "sensitivity"),
        (lambda: predictive_values(-0.1, 0.9, 0.1), "sensitivity"),
        (lambda: predictive_values(0.9, float("nan"), 0.1), "specificity"),
        (lambda: predictive_values(0.9, 0.9, 0.0), "prevalence"),
        (lambda: predictive_values(0.9, 0.9, 1.0), "prevalence"),
        (lambda: predictive_values(0.9, 0.9, None), "prevalence"),
        (lambda: natural_frequencies(0.9, 0.9, 0.1, n=0), "n"),
        (lambda: natural_frequencies(0.9, 0.9, 0.1, n=10.5), "n"),
        (lambda: post_test_probability(0.0, [2]), "pre_test"),
        (lambda: post_test_probability(0.1, [2, 0]), "likelihood_ratio"),
        (lambda: post_test_probability(0.1, [-1]), "likelihood_ratio"),
        (lambda: post_test_probability(0.1, [float("nan")]), "likelihood_ratio"),
        (lambda: to_odds(1.0), "probability"),
        (lambda: to_probability(-2), "odds"),
    ],
)
def test_invalid_input_is_rejected_in_both_languages(call, key: str) -> None:
    with pytest.raises(InputError) as caught:
        call()
    error = caught.value
    assert error.key == f"test_result.errors.{key}"
    english, french = error.message("en"), error.message("fr")
    assert english and french and english != french
    assert str(error) == english


def test_error_message_names_the_rejected_value() -> None:
    with pytest.raises(InputError) as caught:
        predictive_values(0.9, 0.9, 1.5)
    assert caught.value.message("en") == (
        "Prevalence must be more than 0% and less than 100%; you gave 150%."
    )
    assert "150\u00a0%" in caught.value.message("fr")
    with pytest.raises(InputError) as caught:
        predictive_values(0.9, 0.9, 0.005 / 100 * -1)
    assert "-0.005%" in caught.value.message("en")
    assert "-0,005\u00a0%" in caught.value.message("fr")


def test_presets_cite_a_source_and_have_labels() -> None:
    assert {"screening_mammography", "primary_care_pneumonia", "emergency_chest_pain"} <= set(
        SETTING_PRESETS
    )
    mammography = SETTING_PRESETS["screening_mammography"]
    assert (mammography.prevalence, mammography.sensitivity, mammography.specificity) == (
        0.01,
        0.90,
        0.91,
    )
    for key, preset in SETTING_PRESETS.items():
        assert preset.key == key
        assert 0 < preset.prevalence < 1
        assert "20" in preset.citation  # a year
        for lang in LANGUAGES:
            assert t(f"test_result.presets.{key}", lang)
