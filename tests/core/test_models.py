"""Models train deterministically, recalibrate and explain themselves; metrics count correctly."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame
from sklearn.metrics import precision_score, recall_score

from aimed.engines.cohorts import hospital_cohort, representation_cohort, sample_patients
from aimed.engines.group_metrics import (
    GROUP_METRICS,
    alerts_per_100,
    auc,
    calibration,
    check_threshold,
    group_gap,
    group_metrics,
    predict_at,
    reliability_curve,
    site_performance,
    threshold_for_share,
)
from aimed.engines.models import (
    MODEL_KINDS,
    permutation_importances,
    recalibrate,
    train_and_evaluate,
    train_model,
)
from aimed.texts.i18n import LANGUAGES
from aimed.validation import InputError


@pytest.fixture(scope="module")
def site_a():
    return hospital_cohort(5_000, site="A", seed=0)


@pytest.fixture(scope="module")
def site_b():
    return hospital_cohort(5_000, site="B", seed=1)


# --- models ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_same_seed_same_risks(kind: str, site_a, site_b) -> None:
    first = train_model(site_a, kind=kind, seed=3).predict_risk(site_b)
    again = train_model(site_a, kind=kind, seed=3).predict_risk(site_b)
    np.testing.assert_array_equal(first, again)
    assert ((first >= 0) & (first <= 1)).all()
    assert auc(site_b.y_true, first) > 0.65


def test_tree_ensemble_is_a_different_model(site_a, site_b) -> None:
    logistic = train_model(site_a, kind="logistic").predict_risk(site_b)
    trees = train_model(site_a, kind="boosting").predict_risk(site_b)
    assert np.abs(logistic - trees).mean() > 0.005


def test_model_uses_only_the_features_it_is_given(site_a, site_b) -> None:
    model = train_model(site_a, features=["heart_rate", "temperature"])
    assert model.features == ("heart_rate", "temperature")
    narrow = auc(site_b.y_true, model.predict_risk(site_b))
    full = auc(site_b.y_true, train_model(site_a).predict_risk(site_b))
    assert narrow < full


def test_recalibration_fixes_calibration_and_keeps_the_ranking(site_a) -> None:
    model = train_model(site_a)
    b = hospital_cohort(20_000, site="B", seed=5)
    local = sample_patients(hospital_cohort(2_000, site="B", seed=6), 200, seed=0)
    before, after = model.predict_risk(b), recalibrate(model, local).predict_risk(b)
    # a monotone transform: same order of patients, same AUC
    assert auc(b.y_true, after) == pytest.approx(auc(b.y_true, before), abs=1e-12)
    cal_before, cal_after = calibration(b.y_true, before), calibration(b.y_true, after)
    assert cal_before.observed_expected > 1.3  # site A's model under-estimates B's risk
    assert abs(math.log(cal_after.observed_expected)) < abs(math.log(cal_before.observed_expected))
    assert cal_after.ece < cal_before.ece - 0.02
    assert cal_after.brier < cal_before.brier


def test_recalibration_needs_enough_local_patients_of_both_kinds(site_a, site_b) -> None:
    model = train_model(site_a)
    with pytest.raises(InputError) as caught:
        recalibrate(model, sample_patients(site_b, 30, seed=0))
    assert caught.value.key == "cohorts.errors.recalibration_n"
    healthy = site_b.frame[site_b.frame["sepsis"] == 0].head(300).reset_index(drop=True)
    from dataclasses import replace

    with pytest.raises(InputError) as caught:
        recalibrate(model, replace(site_b, frame=healthy))
    assert caught.value.key == "cohorts.errors.recalibration_one_class"


def test_permutation_importance_ranks_the_informative_marker_first() -> None:
    # In a training set of group A only, the disease shows in marker_1, not marker_3.
    cohort = representation_cohort(5_000, share_b=0.02, seed=0)
    model = train_model(cohort)
    table = permutation_importances(model, cohort, n_repeats=3, seed=0)
    assert list(table.columns) == ["feature", "importance", "std"]
    assert table["feature"].iloc[0] == "marker_1"
    assert table.set_index("feature").loc["marker_3", "importance"] < 0.01
    assert table["importance"].is_monotonic_decreasing
    again = permutation_importances(model, cohort, n_repeats=3, seed=0)
    pd.testing.assert_frame_equal(table, again)


def test_train_and_evaluate_returns_every_view_a_page_needs(site_a, site_b) -> None:
    result = train_and_evaluate(site_a, site_b, threshold=0.2)
    assert len(result.risk) == len(result.predicted) == len(site_b)
    assert list(result.by_group.columns) == list(GROUP_METRICS)
    assert list(result.by_group.index) == ["B", "all"]
    assert result.performance.alerts_per_100 == pytest.approx(100 * result.predicted.mean())
    assert set(result.reliability.columns) == {"group", "bin", "predicted", "observed", "n"}
    assert result.reliability["n"].sum() == len(site_b)


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda c: train_model(c, kind="svm"), "cohorts.errors.kind"),
        (lambda c: train_model(c, features=[]), "cohorts.errors.no_features"),
        (lambda c: train_model(c, features=["shoe_size"]), "cohorts.errors.missing_feature"),
        (lambda c: train_model(c, seed=-2), "common.errors.seed"),
        (lambda c: train_and_evaluate(c, c, threshold=0), "cohorts.errors.threshold"),
        (lambda c: train_and_evaluate(c, c, threshold=1.2), "cohorts.errors.threshold"),
        (lambda c: train_and_evaluate(c, c, threshold="high"), "cohorts.errors.threshold"),
    ],
)
def test_bad_model_settings_are_refused_in_both_languages(call, key: str, site_a) -> None:
    with pytest.raises(InputError) as caught:
        call(site_a)
    assert caught.value.key == key
    english, french = (caught.value.message(lang) for lang in LANGUAGES)
    assert english != french and "{" not in english + french


def test_a_label_with_one_value_cannot_be_learnt(site_a) -> None:
    from dataclasses import replace

    healthy = site_a.frame[site_a.frame["sepsis"] == 0].reset_index(drop=True)
    with pytest.raises(InputError) as caught:
        train_model(replace(site_a, frame=healthy))
    assert caught.value.key == "cohorts.errors.one_class"
    assert "include 0 with the outcome" in caught.value.message("en")


# --- group metrics --------------------------------------------------------------------


def test_group_metrics_count_like_a_hand_tally() -> None:
    y = np.array([1, 1, 1, 0, 0, 1, 1, 0, 0, 0])
    pred = np.array([1, 0, 0, 0, 1, 1, 1, 1, 0, 0])
    groups = np.array(["A"] * 5 + ["B"] * 5)
    table = group_metrics(y, pred, groups)
    # A: 3 ill, 1 found; 2 well, 1 false alarm.  B: 2 ill, both found; 3 well, 1 alarm.
    assert table.loc["A", "sensitivity"] == pytest.approx(1 / 3)
    assert table.loc["A", "false_negative_rate"] == pytest.approx(2 / 3)
    assert table.loc["A", "specificity"] == pytest.approx(1 / 2)
    assert table.loc["A", "ppv"] == pytest.approx(1 / 2)
    assert table.loc["B", "sensitivity"] == pytest.approx(1.0)
    assert table.loc["B", "ppv"] == pytest.approx(2 / 3)
    assert table.loc["B", "selection_rate"] == pytest.approx(3 / 5)
    assert table.loc["all", "n"] == 10 and table.loc["A", "n"] == 5
    assert table.loc["all", "prevalence"] == pytest.approx(0.5)


def test_group_metrics_match_fairlearn_on_one_row_per_patient() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 3_000)
    pred = np.where(rng.random(3_000) < 0.8, y, 1 - y)
    groups = rng.choice(["A", "B", "C"], 3_000)
    direct = MetricFrame(
        metrics={"sensitivity": recall_score, "ppv": precision_score},
        y_true=y,
        y_pred=pred,
        sensitive_features=groups,
    )
    table = group_metrics(y, pred, groups)
    for metric in ("sensitivity", "ppv"):
        for group in ("A", "B", "C"):
            assert table.loc[group, metric] == pytest.approx(direct.by_group.loc[group, metric])
        assert table.loc["all", metric] == pytest.approx(direct.overall[metric])


def test_a_group_without_ill_patients_has_no_sensitivity() -> None:
    table = group_metrics(np.array([1, 0, 0, 0]), np.array([1, 0, 1, 0]), np.array(list("AABB")))
    assert math.isnan(table.loc["B", "sensitivity"])
    assert table.loc["B", "specificity"] == pytest.approx(0.5)


def test_group_gap_names_the_worse_group() -> None:
    table = pd.DataFrame(
        {"false_negative_rate": [0.08, 0.23, 0.15], "sensitivity": [0.92, 0.77, 0.85]},
        index=pd.Index(["A", "B", "all"], name="group"),
    ).reindex(columns=list(GROUP_METRICS))
    gap = group_gap(table, "false_negative_rate")
    assert (gap.worse_group, gap.better_group) == ("B", "A")
    assert gap.difference == pytest.approx(0.15)
    assert group_gap(table, "sensitivity").worse_group == "B"


def test_perfectly_calibrated_risks_look_calibrated() -> None:
    rng = np.random.default_rng(1)
    risk = rng.uniform(0.02, 0.9, 50_000)
    y = (rng.random(50_000) < risk).astype(int)
    good = calibration(y, risk)
    assert good.observed_expected == pytest.approx(1.0, abs=0.03)
    assert good.slope == pytest.approx(1.0, abs=0.06)
    assert good.intercept == pytest.approx(0.0, abs=0.06)
    assert good.ece < 0.02
    halved = calibration(y, risk / 2)
    assert halved.observed_expected == pytest.approx(2.0, abs=0.1)
    assert halved.ece > 0.15
    curve = reliability_curve(y, risk, n_bins=10)
    assert (curve["observed"] - curve["predicted"]).abs().max() < 0.03
    assert curve["n"].sum() == 50_000


def test_thresholds_alerts_and_selected_shares() -> None:
    risk = np.linspace(0, 1, 101)
    assert predict_at(risk, 0.5).sum() == 51
    assert alerts_per_100(risk, 0.9) == pytest.approx(100 * 11 / 101)
    assert (risk >= threshold_for_share(risk, 0.1)).mean() == pytest.approx(0.1, abs=0.02)
    assert check_threshold("0.3") == pytest.approx(0.3)
    with pytest.raises(InputError):
        check_threshold(float("nan"))
    with pytest.raises(InputError):
        threshold_for_share(risk, 1.0)


def test_site_performance_and_auc_on_a_known_case() -> None:
    y = np.array([0, 0, 1, 1])
    risk = np.array([0.1, 0.4, 0.35, 0.8])
    assert auc(y, risk) == pytest.approx(0.75)
    assert math.isnan(auc(np.zeros(4, dtype=int), risk))
    perf = site_performance(y, risk, 0.3)
    assert perf.alerts_per_100 == pytest.approx(75.0)
    assert (perf.sensitivity, perf.specificity) == (1.0, 0.5)
    assert perf.ppv == pytest.approx(2 / 3)
