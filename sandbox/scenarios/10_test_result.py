"""A test result in context: the same test, different prevalences, counted in 1,000 patients.

All arithmetic comes from ``aimed.engines.bayes``; this page only lays out widgets, numbers and
the icon array.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from aimed.engines.bayes import (
    SETTING_PRESETS,
    NaturalFrequencies,
    likelihood_ratios,
    natural_frequencies,
    predictive_values,
)
from aimed.sandbox import sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.texts.numbers import count
from aimed.validation import InputError

NS = "test_result"
CUSTOM = "custom"
SENS, SPEC, PREV = f"{NS}_sensitivity", f"{NS}_specificity", f"{NS}_prevalence"
PRESET, GUIDE = f"{NS}_preset", f"{NS}_guide"
PREVALENCE_SCALE = [0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0,
                    60.0, 70.0, 80.0, 90.0, 95.0, 99.0]  # fmt: skip
ACCURACY_SCALE = [step / 2 for step in range(201)]  # 0%, 0.5%, ... 100%
DEFAULTS = {SENS: 90.0, SPEC: 91.0, PREV: 1.0, PRESET: "screening_mammography", GUIDE: None}
# Guided paths: the slider values each one sets, and the preset that matches them.
GUIDES = {
    "try_rare": ({SENS: 95.0, SPEC: 95.0, PREV: 1.0}, CUSTOM),
    "try_mammography": ({SENS: 90.0, SPEC: 91.0, PREV: 1.0}, "screening_mammography"),
}
GRID_COLUMNS, CELL = 40, 13  # 40 marks a row, rows 13 px apart; the width follows the page
# Okabe-Ito colours (safe for colour-blind readers), and a different shape for each group.
CATEGORIES = (
    ("true_positive", "#D55E00", "square"),
    ("false_negative", "#CC79A7", "triangle-up"),
    ("false_positive", "#0072B2", "diamond"),
    ("true_negative", "#8C8C8C", "circle"),
)


def percent(value: float, lang: str, *, compact: bool = False) -> str:
    """``16.1%`` / ``16,1 %``; compact drops trailing zeros (``95%``, ``0.5%``)."""
    return (
        numbers.percent(value, lang, digits=2, least=0) if compact else numbers.percent(value, lang)
    )


def ratio(value: float, lang: str) -> str:
    """A likelihood ratio with three significant digits, or the word for infinity."""
    return t(f"{NS}.infinite", lang) if value == float("inf") else numbers.significant(value, lang)


def preset_values(key: str) -> dict[str, float]:
    """Slider values a preset sets: its prevalence, and the test's accuracy if it has one."""
    preset = SETTING_PRESETS[key]
    values = {PREV: round(preset.prevalence * 100, 1)}
    if preset.sensitivity is not None:
        values[SENS] = round(preset.sensitivity * 200) / 2  # on the slider's 0.5% steps
    if preset.specificity is not None:
        values[SPEC] = round(preset.specificity * 200) / 2
    return values


def apply_preset() -> None:
    key = st.session_state[PRESET]
    if key != CUSTOM:
        st.session_state.update(preset_values(key))
    st.session_state[GUIDE] = None


def apply_guide(name: str) -> None:
    values, preset = GUIDES[name]
    st.session_state.update(values)
    st.session_state[PRESET] = preset
    st.session_state[GUIDE] = name


def values_changed() -> None:
    """A slider moved: the preset and the guided path no longer describe what is shown."""
    key = st.session_state[PRESET]
    if key != CUSTOM and any(st.session_state[k] != v for k, v in preset_values(key).items()):
        st.session_state[PRESET] = CUSTOM
    guide = st.session_state[GUIDE]
    if guide and any(st.session_state[k] != v for k, v in GUIDES[guide][0].items()):
        st.session_state[GUIDE] = None


def icon_array(counts: NaturalFrequencies, lang: str) -> alt.Chart:
    """One mark per patient, ill people first, so the share of false alarms is visible."""
    sizes = {
        "true_positive": counts.true_positives,
        "false_negative": counts.false_negatives,
        "false_positive": counts.false_positives,
        "true_negative": counts.true_negatives,
    }
    labels = [t(f"{NS}.legend.{name}", lang) for name, _, _ in CATEGORIES]
    people = [
        label
        for (name, _, _), label in zip(CATEGORIES, labels, strict=True)
        for _ in range(sizes[name])
    ]
    data = pd.DataFrame(
        {
            "column": [i % GRID_COLUMNS + 1 for i in range(len(people))],
            "row": [i // GRID_COLUMNS + 1 for i in range(len(people))],
            "group": people,
        }
    )
    legend = alt.Legend(
        title=t(f"{NS}.legend_title", lang), orient="bottom", columns=1, labelLimit=0
    )
    return (
        alt.Chart(
            data,
            title=alt.TitleParams(
                t(f"{NS}.chart_title", lang), subtitle=t(f"{NS}.chart_subtitle", lang)
            ),
        )
        .mark_point(filled=True, size=45, opacity=1)
        .encode(
            x=alt.X("column:O", axis=None),
            y=alt.Y("row:O", axis=None),
            color=alt.Color(
                "group:N",
                scale=alt.Scale(domain=labels, range=[c for _, c, _ in CATEGORIES]),
                legend=legend,
            ),
            shape=alt.Shape(
                "group:N",
                scale=alt.Scale(domain=labels, range=[s for _, _, s in CATEGORIES]),
                legend=legend,
            ),
            tooltip=[alt.Tooltip("group:N", title=t(f"{NS}.legend_title", lang))],
        )
        # As wide as the page (a phone's 390 px included), one legend entry per line.
        .properties(width="container", height=alt.Step(CELL))
    )


lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
st.write(t(f"{NS}.intro", lang))

with st.expander(t("common.try_this", lang), expanded=bool(st.session_state[GUIDE])):
    for name in GUIDES:
        st.write(t(f"{NS}.{name}.intro", lang))
        st.button(
            t(f"{NS}.{name}.button", lang), key=f"{NS}_{name}", on_click=apply_guide, args=(name,)
        )
        if st.session_state[GUIDE] == name:
            st.success(t(f"{NS}.{name}.done", lang))
            st.info(f"**{t('common.why_it_happened', lang)}.** {t(f'{NS}.{name}.why', lang)}")

st.selectbox(
    t(f"{NS}.preset_label", lang),
    options=[CUSTOM, *SETTING_PRESETS],
    format_func=lambda key: t(
        f"{NS}.preset_{key}" if key == CUSTOM else f"{NS}.presets.{key}", lang
    ),
    key=PRESET,
    on_change=apply_preset,
)
if st.session_state[PRESET] != CUSTOM:
    chosen = SETTING_PRESETS[st.session_state[PRESET]]
    st.caption(
        t(
            f"{NS}.preset_source",
            lang,
            prevalence=percent(chosen.prevalence, lang, compact=True),
            citation=chosen.citation,
        )
    )

left, right = st.columns(2)
for column, key, name in ((left, SENS, "sensitivity"), (right, SPEC, "specificity")):
    # A select slider, so the values read as the page's language writes them (« 90,5 % »).
    column.select_slider(
        t(f"{NS}.{name}_label", lang),
        options=ACCURACY_SCALE,
        format_func=lambda value: percent(value / 100, lang, compact=True),
        help=t(f"{NS}.{name}_help", lang),
        key=key,
        on_change=values_changed,
    )
# Low prevalences are where a test misleads most: a scale that reaches them, and exact entry.
sandbox_ui.scaled_number(
    t(f"{NS}.prevalence_label", lang),
    PREV,
    PREVALENCE_SCALE,
    lang=lang,
    min_value=0.01,
    max_value=99.9,
    help=t(f"{NS}.prevalence_help", lang),
    on_change=values_changed,
)

try:
    sens, spec, prev = (st.session_state[k] / 100 for k in (SENS, SPEC, PREV))
    values = predictive_values(sens, spec, prev)
    counts = natural_frequencies(sens, spec, prev, n=1000)
except InputError as error:
    sandbox_ui.show_input_error(error, lang)
else:
    st.header(t(f"{NS}.results_heading", lang))
    undefined = t(f"{NS}.undefined_value", lang)
    ppv_col, npv_col, alarm_col = st.columns(3)
    ppv_col.metric(
        t(f"{NS}.ppv_label", lang),
        undefined if values.ppv is None else percent(values.ppv, lang),
        help=t(f"{NS}.ppv_help", lang),
    )
    npv_col.metric(
        t(f"{NS}.npv_label", lang),
        undefined if values.npv is None else percent(values.npv, lang),
        help=t(f"{NS}.npv_help", lang),
    )
    alarm_col.metric(
        t(f"{NS}.false_alarms_label", lang),
        t(
            f"{NS}.false_alarms_value",
            lang,
            false_positives=count(counts.false_positives, lang),
            positives=count(counts.positives, lang),
        ),
        help=t(f"{NS}.false_alarms_help", lang),
    )
    if values.ppv is None:
        st.info(t(f"{NS}.never_positive_note", lang))
    elif values.ppv < 0.5:
        st.warning(t(f"{NS}.verdict_mostly_false", lang, ppv=percent(values.ppv, lang)))
    else:
        st.success(t(f"{NS}.verdict_mostly_true", lang, ppv=percent(values.ppv, lang)))
    if values.npv is None:
        st.info(t(f"{NS}.never_negative_note", lang))
    else:
        try:
            lr_pos, lr_neg = likelihood_ratios(sens, spec)
        except InputError:
            pass  # a test that is never positive has no ratio; the note above says so
        else:
            st.caption(
                t(
                    f"{NS}.likelihood_ratios",
                    lang,
                    lr_pos=ratio(lr_pos, lang),
                    lr_neg=ratio(lr_neg, lang),
                )
            )

    st.header(t(f"{NS}.frequencies_heading", lang))
    st.write(
        t(
            f"{NS}.frequencies",
            lang,
            n=count(counts.n, lang),
            sick=count(counts.sick, lang),
            true_positives=count(counts.true_positives, lang),
            false_positives=count(counts.false_positives, lang),
            healthy=count(counts.healthy, lang),
            positives=count(counts.positives, lang),
        )
    )
    summary = t(
        f"{NS}.chart_summary",
        lang,
        true_positives=count(counts.true_positives, lang),
        false_negatives=count(counts.false_negatives, lang),
        false_positives=count(counts.false_positives, lang),
        true_negatives=count(counts.true_negatives, lang),
    )
    st.altair_chart(icon_array(counts, lang), width="stretch", alt=summary)
    st.caption(summary)
    st.caption(t(f"{NS}.rounding_note", lang))
