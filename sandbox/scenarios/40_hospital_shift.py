"""A model moved to another hospital: discrimination, calibration and alerts, then recalibration.

Cohorts, training, recalibration and site metrics come from ``aimed.engines.model_scenarios`` and
``aimed.engines.group_metrics``; this page lays out widgets, caches trained models per setting,
and draws.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from aimed.engines import cohorts
from aimed.engines.group_metrics import SitePerformance, site_performance
from aimed.engines.model_scenarios import TRY_THIS, ShiftRun, run_hospital_shift
from aimed.engines.models import MIN_RECALIBRATION_SAMPLE, Evaluation
from aimed.sandbox import model_charts, sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import InputError

NS = "hospital_shift"
THRESHOLD, RECALIBRATE, LOCAL_N = f"{NS}_threshold", f"{NS}_recalibrate", f"{NS}_local_n"
MOVED = f"{NS}_moved"
KIND, N, SEED, GUIDE = f"{NS}_kind", f"{NS}_n", f"{NS}_seed", f"{NS}_guide"
SHIFT = TRY_THIS[NS][0].settings  # the engine's guided settings, shared with its tests
# The page opens with the model in its own hospital; moving it is the learner's (or the
# guided path's) first step, so the failure appears when they act.
LOCAL_SAMPLE = int(SHIFT["recalibration_n"])  # the engine's size of a local sample
DEFAULTS = {
    MOVED: False,
    THRESHOLD: round(float(SHIFT["threshold"]) * 100),
    RECALIBRATE: False,
    LOCAL_N: LOCAL_SAMPLE,
    KIND: "logistic",
    N: 10_000,
    SEED: 0,
    GUIDE: None,
}
# Guided paths: "move" shows the failure, "recalibrate" the remedy, both on the engine's settings.
GUIDED = {
    THRESHOLD: DEFAULTS[THRESHOLD],
    LOCAL_N: DEFAULTS[LOCAL_N],
    KIND: "logistic",
    N: DEFAULTS[N],
    SEED: DEFAULTS[SEED],
}
GUIDES = {
    "move": {**GUIDED, MOVED: True, RECALIBRATE: False},
    "recalibrate": {**GUIDED, MOVED: True, RECALIBRATE: True},
}
PLACES = ("internal", "external", "recalibrated")
LOCAL_MIN, LOCAL_MAX = (
    MIN_RECALIBRATION_SAMPLE,
    5_000,
)  # the engine's minimum: one range, one message
AUC_DROP = 0.02  # a fall in AUC smaller than this is called "holds"
CALIBRATED = (0.8, 1.25)  # observed / expected inside this range is called calibrated
MIN_BIN = 20  # reliability points from fewer patients are too noisy to show


apply_guide = partial(sandbox_ui.apply_guide, GUIDE, GUIDES.__getitem__)
settings_changed = partial(sandbox_ui.leave_guide_if_changed, GUIDE, GUIDES.__getitem__)


@st.cache_resource(max_entries=16, show_spinner=False)
def trained(kind: str, n: int, seed: int, local_n: int) -> ShiftRun:
    """Train at A, score at A and B, recalibrate on B's local sample; once per setting."""
    return run_hospital_shift(
        n=n,
        recalibration_n=local_n,
        threshold=float(SHIFT["threshold"]),
        kind=kind,
        seed=seed,
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def performances(
    kind: str, n: int, seed: int, local_n: int, threshold: int
) -> dict[str, SitePerformance]:
    """AUC, calibration and alerts at each place for the page's threshold."""
    run = trained(kind, n, seed, local_n)
    places = dict(zip(PLACES, (run.at_a, run.at_b, run.at_b_recalibrated), strict=True))
    return {
        name: site_performance(e.test.y_true, e.risk, threshold / 100) for name, e in places.items()
    }


def side_by_side(
    perf: dict[str, SitePerformance], shown: tuple[str, ...], lang: str
) -> pd.DataFrame:
    pct, dec = numbers.percent, numbers.decimal
    rows = {
        "n": lambda p: numbers.count(p.n, lang),
        "prevalence": lambda p: pct(p.prevalence, lang),
        "auc": lambda p: dec(p.auc, lang),
        "mean_predicted": lambda p: pct(p.calibration.mean_risk, lang),
        "calibration_slope": lambda p: dec(p.calibration.slope, lang),
        "alerts_per_100": lambda p: dec(p.alerts_per_100, lang, 1),
        "sensitivity": lambda p: pct(p.sensitivity, lang),
        "ppv": lambda p: pct(p.ppv, lang),
    }
    table = pd.DataFrame(
        {
            t(f"{NS}.columns.{name}", lang): [cell(perf[p]) for p in shown]
            for name, cell in rows.items()
        },
        index=[t(f"{NS}.sites.{p}", lang) for p in shown],
    )
    table.index.name = t(f"{NS}.columns.site", lang)
    return table


def verdicts(
    perf: dict[str, SitePerformance], recalibrated: bool, n_local: int, lang: str
) -> list[tuple[str, bool]]:
    """Sentences naming what moved, each with whether it is a warning."""
    pct, dec = numbers.percent, numbers.decimal
    a, b = perf["internal"], perf["external"]
    auc_values = {"auc_a": dec(a.auc, lang), "auc_b": dec(b.auc, lang)}
    dropped = a.auc - b.auc >= AUC_DROP
    out = [
        (t(f"{NS}.verdict.{'auc_drop' if dropped else 'auc_holds'}", lang, **auc_values), dropped)
    ]
    ratio = b.calibration.observed_expected
    off = not CALIBRATED[0] <= ratio <= CALIBRATED[1]
    out.append(
        (
            t(
                f"{NS}.verdict.{'miscalibrated' if off else 'calibrated'}",
                lang,
                predicted=pct(b.calibration.mean_risk, lang),
                observed=pct(b.calibration.observed_rate, lang),
            ),
            off,
        )
    )
    out.append(
        (
            t(
                f"{NS}.verdict.alerts",
                lang,
                alerts_a=dec(a.alerts_per_100, lang, 1),
                alerts_b=dec(b.alerts_per_100, lang, 1),
            ),
            False,
        )
    )
    if recalibrated:
        r = perf["recalibrated"]
        out.append(
            (
                t(
                    f"{NS}.verdict.recalibration",
                    lang,
                    n_local=numbers.count(n_local, lang),
                    predicted=pct(r.calibration.mean_risk, lang),
                    observed=pct(r.calibration.observed_rate, lang),
                    alerts=dec(r.alerts_per_100, lang, 1),
                    auc=dec(r.auc, lang),
                ),
                False,
            )
        )
    return out


def curves(evaluations: dict[str, Evaluation], lang: str) -> pd.DataFrame:
    frames = [
        e.reliability.loc[lambda c: c["n"] >= MIN_BIN].assign(series=t(f"{NS}.sites.{name}", lang))
        for name, e in evaluations.items()
    ]
    return pd.concat(frames, ignore_index=True)


lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
st.write(t(f"{NS}.intro", lang))
# One box defines every technical word of the page (tests/sandbox/test_plain_language_help.py).
sandbox_ui.glossary(
    lang,
    (
        "auc",
        "calibration",
        "calibration_in_the_large",
        "calibration_slope",
        "recalibration",
        "threshold",
        "logistic_regression",
        "gradient_boosting",
        "seed",
    ),
)

sandbox_ui.guided_paths(NS, lang, GUIDES, st.session_state[GUIDE], apply_guide)

st.header(t(f"{NS}.settings_heading", lang))
st.toggle(
    t(f"{NS}.moved_label", lang),
    help=t(f"{NS}.moved_help", lang),
    key=MOVED,
    on_change=settings_changed,
)
moved = bool(st.session_state[MOVED])
left, right = st.columns(2)
left.slider(
    t(f"{NS}.threshold_label", lang),
    min_value=1,  # the engine takes a threshold above 0% and below 100%
    max_value=99,
    step=1,
    help=sandbox_ui.with_terms(t(f"{NS}.threshold_help", lang), lang, "threshold"),
    key=THRESHOLD,
    on_change=settings_changed,
)
right.toggle(
    t(f"{NS}.recalibrate_label", lang),
    help=sandbox_ui.with_terms(t(f"{NS}.recalibrate_help", lang), lang, "recalibration"),
    key=RECALIBRATE,
    on_change=settings_changed,
    disabled=not moved,
)
with right:
    sandbox_ui.bounded_number(
        t(f"{NS}.recalibration_label", lang),
        LOCAL_N,
        lang=lang,
        minimum=LOCAL_MIN,
        maximum=LOCAL_MAX,
        step=50,
        help=sandbox_ui.with_terms(t(f"{NS}.recalibration_help", lang), lang, "recalibration"),
        on_change=settings_changed,
        disabled=not (moved and st.session_state[RECALIBRATE]),
    )
sandbox_ui.model_settings(NS, lang, settings_changed)

with st.expander(t(f"{NS}.cohort.heading", lang)):
    site_a, site_b = cohorts.SITE_SETTINGS["A"], cohorts.SITE_SETTINGS["B"]
    st.write(
        t(
            f"{NS}.cohort.text",
            lang,
            prevalence_a=numbers.percent(site_a["prevalence"], lang, 0),
            prevalence_b=numbers.percent(site_b["prevalence"], lang, 0),
            age_a=numbers.plain(site_a["age"], lang),
            age_b=numbers.plain(site_b["age"], lang),
            other=numbers.percent(site_b["other_tachycardia"], lang, 0),
            offset=numbers.plain(-site_b["temp_offset"], lang),
        )
    )

recalibrated = moved and bool(st.session_state[RECALIBRATE])
# Without recalibration the local sample is not shown, so the engine's default size is used.
local_n = int(st.session_state[LOCAL_N]) if recalibrated else LOCAL_SAMPLE
settings = (st.session_state[KIND], int(st.session_state[N]), int(st.session_state[SEED]), local_n)
try:
    with sandbox_ui.training_progress(NS, lang, settings[0], settings[1]):
        run = trained(*settings)
        perf = performances(*settings, int(st.session_state[THRESHOLD]))
except InputError as error:
    sandbox_ui.show_input_error(error, lang)
else:
    shown = PLACES if recalibrated else PLACES[:2] if moved else PLACES[:1]
    st.header(t(f"{NS}.results_heading", lang))
    if not moved:
        st.info(t(f"{NS}.at_home", lang, n=numbers.count(perf["internal"].n, lang)))
    else:
        st.write(t(f"{NS}.results_intro", lang, n=numbers.count(perf["external"].n, lang)))
    if recalibrated:
        st.write(t(f"{NS}.results_intro_recalibrated", lang, n_local=numbers.count(local_n, lang)))
    columns = st.columns(len(shown))
    for column, place in zip(columns, shown, strict=True):
        performance = perf[place]
        column.markdown(f"**{t(f'{NS}.sites.{place}', lang)}**")
        column.metric(
            t(f"{NS}.metric.auc", lang),
            numbers.decimal(performance.auc, lang),
            help=sandbox_ui.term("auc", lang),
        )
        column.metric(
            t(f"{NS}.metric.alerts", lang),
            numbers.decimal(performance.alerts_per_100, lang, 1),
        )
        column.metric(
            t(f"{NS}.metric.calibration", lang),
            t(
                f"{NS}.metric.calibration_value",
                lang,
                predicted=numbers.percent(performance.calibration.mean_risk, lang),
                observed=numbers.percent(performance.calibration.observed_rate, lang),
            ),
            help=sandbox_ui.term("calibration_in_the_large", lang),
        )
    for sentence, warn in verdicts(perf, recalibrated, local_n, lang) if moved else ():
        (st.warning if warn else st.info)(sentence)

    st.header(t(f"{NS}.table_heading", lang))
    st.table(side_by_side(perf, shown, lang))

    st.header(t(f"{NS}.calibration_heading", lang))
    st.write(t(f"{NS}.calibration_intro", lang))
    evaluations = dict(zip(PLACES, (run.at_a, run.at_b, run.at_b_recalibrated), strict=True))
    labels = [t(f"{NS}.sites.{p}", lang) for p in shown]
    st.altair_chart(
        model_charts.reliability_chart(
            curves({p: evaluations[p] for p in shown}, lang), labels, NS, lang
        ),
        width="stretch",
    )
    st.write(t(f"{NS}.chart.summary", lang, sites=", ".join(labels), minimum=MIN_BIN))

st.header(t(f"{NS}.explain.heading", lang))
st.write(t(f"{NS}.explain.text", lang))
st.write(t(f"{NS}.sources.text", lang))
st.write(t(f"{NS}.explain.remedy", lang))
