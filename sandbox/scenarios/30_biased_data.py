"""Biased training data: train a real model on a biased synthetic cohort, see whom it fails.

Cohorts, training and per-group metrics come from ``aimed.engines.model_scenarios`` and
``aimed.engines.models``; this page lays out widgets, caches trained models per setting, and draws.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from aimed.engines import cohorts
from aimed.engines.group_metrics import GROUP_METRICS, group_gap, group_metrics, predict_at
from aimed.engines.model_scenarios import BIASES, TRY_THIS, BiasRun, run_biased_data
from aimed.sandbox import model_charts, sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import InputError

NS = "biased_data"
BIAS, BIAS_ON, SHARE = f"{NS}_bias", f"{NS}_bias_on", f"{NS}_share"
THRESHOLD, KIND, N, SEED, GUIDE = (
    f"{NS}_threshold",
    f"{NS}_kind",
    f"{NS}_n",
    f"{NS}_seed",
    f"{NS}_guide",
)
# Under-representation opens where its lesson shows: group B at the guided path's share of the
# training set (5%), where the model misses far more of group B; at 50% it misses as many in
# both groups, which is the comparison, not the lesson (module 1 and module 3 link here).
OPENING_SHARE = round(
    float(next(g for g in TRY_THIS[NS] if g.key == "representation").settings["share_b"]) * 100
)
DEFAULTS = {
    BIAS: "device",
    BIAS_ON: True,
    SHARE: OPENING_SHARE,
    THRESHOLD: 50,
    KIND: "logistic",
    N: 10_000,
    SEED: 0,
    GUIDE: None,
}
BASE_THRESHOLD = 0.5  # the model is trained once per setting; the slider only re-scores it
GUIDES = {guide.key: guide for guide in TRY_THIS[NS]}
# The per-group rate the chart shows: missed patients, or for the cost label, who is flagged.
CHART_METRIC = {
    "device": "false_negative_rate",
    "proxy": "selection_rate",
    "representation": "false_negative_rate",
}
SMALL_GAP = 0.05  # below 5 percentage points the page calls the gap small
MIN_BIN = 20  # reliability points from fewer patients are too noisy to show


def guide_widgets(key: str) -> dict[str, object]:
    """Widget values a guided path sets, from the engine's shared ``TRY_THIS`` settings."""
    settings = GUIDES[key].settings
    return {
        BIAS: settings["bias"],
        BIAS_ON: bool(settings.get("bias_on", True)),
        SHARE: round(float(settings.get("share_b", 0.5)) * 100),
        THRESHOLD: round(float(settings.get("threshold", BASE_THRESHOLD)) * 100),
        KIND: "logistic",
        N: DEFAULTS[N],
        SEED: DEFAULTS[SEED],
    }


def variant_from_url() -> str:
    """The variant a course button asks for with ``?variant=``; anything else gives the default."""
    asked = st.query_params.get("variant")
    return asked if asked in BIASES else str(DEFAULTS[BIAS])


apply_guide = partial(sandbox_ui.apply_guide, GUIDE, guide_widgets)
settings_changed = partial(sandbox_ui.leave_guide_if_changed, GUIDE, guide_widgets)


@st.cache_resource(max_entries=24, show_spinner=False)
def trained(bias: str, bias_on: bool, share: int, kind: str, n: int, seed: int) -> BiasRun:
    """One trained model per setting; the threshold is applied afterwards."""
    return run_biased_data(
        bias,
        bias_on=bias_on,
        share_b=share / 100,
        threshold=BASE_THRESHOLD,
        kind=kind,
        n=n,
        seed=seed,
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def by_group_at(
    bias: str, bias_on: bool, share: int, kind: str, n: int, seed: int, threshold: int
) -> pd.DataFrame:
    """Per-group metrics at the page's threshold, from the cached model's risks."""
    evaluation = trained(bias, bias_on, share, kind, n, seed).evaluation
    if threshold == round(BASE_THRESHOLD * 100):
        return evaluation.by_group
    test = evaluation.test
    return group_metrics(test.y_true, predict_at(evaluation.risk, threshold / 100), test.groups)


def cohort_description(bias: str, lang: str) -> str:
    """How the chosen cohort is built, with the generator's own parameters."""
    pct, plain = numbers.percent, numbers.plain
    values: dict[str, object]
    if bias == "device":
        values = {
            name: numbers.counted("common.units.points", value, lang, plain(value, lang))
            for name, value in (
                ("bias_a", cohorts.OXIMETER_BIAS["A"]),
                ("bias_b", cohorts.OXIMETER_BIAS["B"]),
                ("noise", cohorts.OXIMETER_NOISE_SD),
            )
        }
    elif bias == "proxy":
        values = {
            "share_b": pct(cohorts.OBERMEYER_SHARE_B, lang),
            "factor": pct(cohorts.ACCESS_FACTOR_B, lang, 0),
            "conditions": cohorts.HIGH_NEED_CONDITIONS,
        }
    else:
        values = {"prevalence": pct(cohorts.REPRESENTATION_PREVALENCE, lang, 0)}
    return t(f"{NS}.cohort.{bias}", lang, **values)


def group_label(bias: str, group: str, lang: str) -> str:
    """Table and chart label of a group; the device cohort says which skin tone it stands for."""
    if group == "all":
        return t("cohorts.groups.all", lang)
    return t(f"cohorts.{'device_groups' if bias == 'device' else 'groups'}.{group}", lang)


def group_table(by_group: pd.DataFrame, bias: str, lang: str) -> pd.DataFrame:
    """The engine's per-group metrics as the page shows them: percentages, translated labels."""
    shown = pd.DataFrame(
        {
            t(f"cohorts.metrics.{metric}", lang): [
                numbers.count(int(v), lang) if metric == "n" else numbers.percent(float(v), lang)
                for v in by_group[metric]
            ]
            for metric in GROUP_METRICS
        },
        index=[group_label(bias, str(g), lang) for g in by_group.index],
    )
    shown.index.name = t(f"{NS}.chart.group_axis", lang)
    return shown


def gap_sentences(by_group: pd.DataFrame, bias: str, lang: str) -> tuple[list[str], bool]:
    """The gap in words, and whether it is large enough to warn about."""
    pct = numbers.percent
    groups = by_group.drop(index="all", errors="ignore")
    if bias == "proxy":
        selected, need = groups["selection_rate"], groups["sensitivity"]
        ill = groups["prevalence"]
        sentences = [
            t(
                f"{NS}.gap.selected",
                lang,
                rate_a=pct(selected["A"], lang),
                rate_b=pct(selected["B"], lang),
                need_a=pct(ill["A"], lang),
                need_b=pct(ill["B"], lang),
            ),
            t(
                f"{NS}.gap.selected_need",
                lang,
                rate_a=pct(need["A"], lang),
                rate_b=pct(need["B"], lang),
            ),
        ]
        return sentences, abs(need["A"] - need["B"]) >= SMALL_GAP
    gap = group_gap(by_group, "false_negative_rate")
    if gap.difference < SMALL_GAP:
        missed = groups["false_negative_rate"]
        return [
            t(f"{NS}.gap.small", lang, rate_a=pct(missed["A"], lang), rate_b=pct(missed["B"], lang))
        ], False
    sentence = t(
        f"{NS}.gap.missed",
        lang,
        worse_rate=pct(gap.worse_value, lang),
        worse=t(f"{NS}.groups.{gap.worse_group}", lang),
        better_rate=pct(gap.better_value, lang),
        better=t(f"{NS}.groups.{gap.better_group}", lang),
        outcome=t(f"{NS}.outcome.{bias}", lang),
    )
    return [sentence], True


lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
st.session_state.setdefault(BIAS, variant_from_url())  # first run only: the widget keeps it
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
st.write(t(f"{NS}.intro", lang))
# One box defines every technical word of the page (tests/sandbox/test_plain_language_help.py).
sandbox_ui.glossary(
    lang,
    ("threshold", "test_set", "calibration", "logistic_regression", "gradient_boosting", "seed"),
)

sandbox_ui.guided_paths(NS, lang, GUIDES, st.session_state[GUIDE], apply_guide)

st.header(t(f"{NS}.settings_heading", lang))
st.selectbox(
    t(f"{NS}.bias_label", lang),
    options=list(BIASES),
    format_func=lambda key: t(f"{NS}.bias.{key}", lang),
    help=t(f"{NS}.bias_help", lang),
    key=BIAS,
    on_change=settings_changed,
)
bias = st.session_state[BIAS]
st.write(t(f"{NS}.bias_on.{bias}", lang))
left, right = st.columns(2)
if bias == "representation":
    left.slider(
        t(f"{NS}.share_label", lang),
        min_value=0,
        max_value=100,
        step=1,
        help=sandbox_ui.with_terms(t(f"{NS}.share_help", lang), lang, "test_set"),
        key=SHARE,
        on_change=settings_changed,
    )
else:
    left.toggle(
        t(f"{NS}.bias_on_label", lang),
        help=t(f"{NS}.bias_on_help", lang),
        key=BIAS_ON,
        on_change=settings_changed,
    )
right.slider(
    t(f"{NS}.threshold_label", lang),
    min_value=1,  # the engine takes a threshold above 0% and below 100%
    max_value=99,
    step=1,
    help=sandbox_ui.with_terms(t(f"{NS}.threshold_help", lang), lang, "threshold"),
    key=THRESHOLD,
    on_change=settings_changed,
)
sandbox_ui.model_settings(NS, lang, settings_changed)

settings = (
    bias,
    bool(st.session_state[BIAS_ON]) or bias == "representation",
    int(st.session_state[SHARE]) if bias == "representation" else 50,
    st.session_state[KIND],
    int(st.session_state[N]),
    int(st.session_state[SEED]),
)
with st.expander(t(f"{NS}.cohort.heading", lang)):
    st.write(cohort_description(bias, lang))

try:
    evaluation = trained(*settings).evaluation
    by_group = by_group_at(*settings, int(st.session_state[THRESHOLD]))
except InputError as error:
    sandbox_ui.show_input_error(error, lang)
else:
    st.header(t(f"{NS}.results_heading", lang))
    st.write(
        t(
            f"{NS}.results_intro",
            lang,
            n=numbers.count(len(evaluation.test), lang),
            outcome=t(f"{NS}.outcome.{bias}", lang),
        )
    )
    for group in ("A", "B"):
        if pd.isna(by_group.loc[group, "sensitivity"]):
            st.info(t(f"{NS}.no_positives", lang, group=group))

    st.header(t(f"{NS}.gap_heading", lang))
    sentences, large = gap_sentences(by_group, bias, lang)
    for sentence in sentences:
        (st.warning if large else st.info)(sentence)

    st.header(t(f"{NS}.table_heading", lang))
    st.table(group_table(by_group, bias, lang))

    st.header(t(f"{NS}.chart_heading", lang))
    metric = CHART_METRIC[bias]
    metric_name = t(f"cohorts.metrics.{metric}", lang)
    bars = pd.DataFrame(
        {
            "group": [group_label(bias, g, lang) for g in ("A", "B")],
            "value": [float(by_group.loc[g, metric]) * 100 for g in ("A", "B")],
            "label": [numbers.percent(by_group.loc[g, metric], lang) for g in ("A", "B")],
        }
    )
    summary = t(
        f"{NS}.chart.summary",
        lang,
        metric=metric_name,
        values=model_charts.list_separator(lang).join(
            f"{group_label(bias, g, lang)} {numbers.percent(by_group.loc[g, metric], lang)}"
            for g in ("A", "B")
        ),
    )
    st.altair_chart(
        model_charts.bar_chart(
            bars,
            category="group",
            value="value",
            category_title=t(f"{NS}.chart.group_axis", lang),
            value_title=t(f"{NS}.chart.value_axis", lang, metric=metric_name),
            title=t(f"{NS}.chart.{metric}", lang),
            horizontal=True,
            label="label",
            lang=lang,
        ),
        width="stretch",
    )
    st.write(summary)

    st.header(t(f"{NS}.calibration_heading", lang))
    st.write(t(f"{NS}.calibration_intro", lang))
    curves = evaluation.reliability.loc[lambda c: c["n"] >= MIN_BIN]
    curves = curves.assign(series=[group_label(bias, g, lang) for g in curves["group"]])
    st.altair_chart(
        model_charts.reliability_chart(
            curves, [group_label(bias, g, lang) for g in ("A", "B")], NS, lang
        ),
        width="stretch",
    )
    st.write(t(f"{NS}.chart.calibration_summary", lang, minimum=MIN_BIN))

st.header(t(f"{NS}.explain.heading", lang))
st.write(t(f"{NS}.explain.{bias}", lang))
st.write(t(f"{NS}.sources.{bias}", lang))
