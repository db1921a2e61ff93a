"""Shortcut learning: a feature that tracks the outcome at the training site only.

Cohorts, training, site metrics and permutation importances come from
``aimed.engines.model_scenarios`` and ``aimed.engines.group_metrics``; this page lays out widgets,
caches
trained models per setting, and draws.
"""

from __future__ import annotations

from functools import partial
from typing import cast

import pandas as pd
import streamlit as st

from aimed.engines import cohorts
from aimed.engines.group_metrics import SitePerformance, site_performance
from aimed.engines.model_scenarios import SHORTCUT_FEATURE, TRY_THIS, ShortcutRun, run_shortcut
from aimed.sandbox import model_charts, sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import InputError

NS = "shortcut"
USE_SHORTCUT, THRESHOLD = f"{NS}_use_shortcut", f"{NS}_threshold"
KIND, N, SEED, GUIDE = f"{NS}_kind", f"{NS}_n", f"{NS}_seed", f"{NS}_guide"
GUIDED = TRY_THIS[NS][0]  # the engine's guided settings, shared with its tests
BASE_THRESHOLD = float(GUIDED.settings["threshold"])
DEFAULTS = {
    USE_SHORTCUT: True,
    THRESHOLD: round(BASE_THRESHOLD * 100),
    KIND: "logistic",
    N: 10_000,
    SEED: 0,
    GUIDE: None,
}


def guide_widgets(settings: dict[str, object]) -> dict[str, object]:
    return {
        USE_SHORTCUT: not settings["remove_marker"],
        THRESHOLD: round(cast(float, settings["threshold"]) * 100),  # a guide's number
        KIND: "logistic",
        N: DEFAULTS[N],
        SEED: DEFAULTS[SEED],
    }


# "shortcut" shows the failure; "remove" is the engine's contrast, where it shrinks.
GUIDES = {
    "shortcut": guide_widgets(dict(GUIDED.settings)),
    "remove": guide_widgets(dict(GUIDED.contrast)),
}
VARIANTS = {"with_shortcut": False, "without_shortcut": True}  # name -> remove_marker
SITES = ("internal", "external")
ACCURACY_DROP = 0.05  # a fall smaller than 5 points is called "holds"


apply_guide = partial(sandbox_ui.apply_guide, GUIDE, GUIDES.__getitem__)
settings_changed = partial(sandbox_ui.leave_guide_if_changed, GUIDE, GUIDES.__getitem__)


@st.cache_resource(max_entries=16, show_spinner=False)
def trained(remove_marker: bool, kind: str, n: int, seed: int) -> ShortcutRun:
    """One trained model (and its importances) per setting; the threshold is applied after."""
    return run_shortcut(
        remove_marker=remove_marker, n=n, threshold=BASE_THRESHOLD, kind=kind, seed=seed
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def performances(
    remove_marker: bool, kind: str, n: int, seed: int, threshold: int
) -> dict[str, SitePerformance]:
    run = trained(remove_marker, kind, n, seed)
    return {
        site: site_performance(e.test.y_true, e.risk, threshold / 100)
        for site, e in (("internal", run.internal), ("external", run.external))
    }


def comparison(perf: dict[str, dict[str, SitePerformance]], lang: str) -> pd.DataFrame:
    """Both variants at both hospitals: the price of the shortcut, and of removing it."""
    pct, dec = numbers.percent, numbers.decimal
    rows = []
    for variant in VARIANTS:
        for site in SITES:
            p = perf[variant][site]
            rows.append(
                {
                    t(f"{NS}.columns.variant", lang): t(f"{NS}.variants.{variant}", lang),
                    t(f"{NS}.columns.site", lang): t(f"{NS}.sites.{site}", lang),
                    t(f"{NS}.columns.accuracy", lang): pct(p.accuracy, lang),
                    t(f"{NS}.columns.auc", lang): dec(p.auc, lang),
                    t(f"{NS}.columns.sensitivity", lang): pct(p.sensitivity, lang),
                    t(f"{NS}.columns.specificity", lang): pct(p.specificity, lang),
                }
            )
    return pd.DataFrame(rows).set_index(t(f"{NS}.columns.variant", lang))


lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
st.write(t(f"{NS}.intro", lang))
# One box defines every technical word of the page (tests/sandbox/test_plain_language_help.py).
sandbox_ui.glossary(
    lang,
    (
        "feature",
        "accuracy",
        "auc",
        "permutation_importance",
        "threshold",
        "logistic_regression",
        "gradient_boosting",
        "seed",
    ),
)

sandbox_ui.guided_paths(NS, lang, GUIDES, st.session_state[GUIDE], apply_guide)

st.header(t(f"{NS}.settings_heading", lang))
left, right = st.columns(2)
left.toggle(
    t(f"{NS}.use_shortcut_label", lang),
    help=t(f"{NS}.use_shortcut_help", lang),
    key=USE_SHORTCUT,
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

with st.expander(t(f"{NS}.cohort.heading", lang)):
    with_training, without_training = cohorts.MARKER_RATES["training"]
    st.write(
        t(
            f"{NS}.cohort.text",
            lang,
            prevalence=numbers.percent(cohorts.SHORTCUT_PREVALENCE, lang),
            with_training=numbers.percent(with_training, lang, 0),
            without_training=numbers.percent(without_training, lang, 0),
            external=numbers.percent(cohorts.MARKER_RATES["external"][0], lang, 0),
        )
    )

settings = (st.session_state[KIND], int(st.session_state[N]), int(st.session_state[SEED]))
threshold = int(st.session_state[THRESHOLD])
chosen = "with_shortcut" if st.session_state[USE_SHORTCUT] else "without_shortcut"
try:
    with sandbox_ui.training_progress(NS, lang, settings[0], settings[1]):
        run = trained(VARIANTS[chosen], *settings)
        perf = {v: performances(remove, *settings, threshold) for v, remove in VARIANTS.items()}
except InputError as error:
    sandbox_ui.show_input_error(error, lang)
else:
    pct = numbers.percent
    shown = perf[chosen]
    st.header(t(f"{NS}.results_heading", lang))
    st.write(t(f"{NS}.results_intro", lang))
    cols = st.columns(4)
    for column, (label, value) in zip(
        cols,
        (
            ("internal_accuracy", pct(shown["internal"].accuracy, lang)),
            ("external_accuracy", pct(shown["external"].accuracy, lang)),
            ("internal_auc", numbers.decimal(shown["internal"].auc, lang)),
            ("external_auc", numbers.decimal(shown["external"].auc, lang)),
        ),
        strict=True,
    ):
        term = "auc" if label.endswith("auc") else "accuracy"
        column.metric(t(f"{NS}.metric.{label}", lang), value, help=sandbox_ui.term(term, lang))
    accuracies = {
        "internal": pct(shown["internal"].accuracy, lang),
        "external": pct(shown["external"].accuracy, lang),
    }
    dropped = shown["internal"].accuracy - shown["external"].accuracy >= ACCURACY_DROP
    (st.warning if dropped else st.info)(
        t(f"{NS}.verdict.{'drop' if dropped else 'holds'}", lang, **accuracies)
    )

    st.header(t(f"{NS}.importance_heading", lang))
    st.write(t(f"{NS}.importance_intro", lang))
    importances = run.importances
    top = str(importances["feature"].iloc[0])
    top_name = t(f"cohorts.features.{top}", lang)
    if top == SHORTCUT_FEATURE:
        st.warning(t(f"{NS}.verdict.shortcut_first", lang, feature=top_name))
    else:
        st.info(t(f"{NS}.verdict.clinical_first", lang, feature=top_name))
    bars = pd.DataFrame(
        {
            "feature": [t(f"cohorts.features.{f}", lang) for f in importances["feature"]],
            "importance": importances["importance"].clip(lower=0.0),
        }
    )
    bars = bars.assign(label=[numbers.decimal(float(v), lang, 3) for v in bars["importance"]])
    st.altair_chart(
        model_charts.bar_chart(
            bars,
            category="feature",
            value="importance",
            category_title=t(f"{NS}.chart.feature_axis", lang),
            value_title=t(f"{NS}.chart.importance_axis", lang),
            title=t(f"{NS}.chart.importance_title", lang),
            horizontal=True,
            label="label",
            lang=lang,
        ),
        width="stretch",
    )
    ranking = model_charts.list_separator(lang).join(
        f"{name} {shown}" for name, shown in zip(bars["feature"], bars["label"], strict=True)
    )
    st.write(t(f"{NS}.chart.importance_summary", lang, ranking=ranking))

    st.header(t(f"{NS}.table_heading", lang))
    st.table(comparison(perf, lang))
    without = perf["without_shortcut"]
    st.info(
        t(
            f"{NS}.verdict.comparison",
            lang,
            internal=pct(without["internal"].accuracy, lang),
            external=pct(without["external"].accuracy, lang),
        )
    )

st.header(t(f"{NS}.explain.heading", lang))
st.write(t(f"{NS}.explain.text", lang))
st.write(t(f"{NS}.sources.text", lang))
st.write(t(f"{NS}.explain.lesson", lang))
