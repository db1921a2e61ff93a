"""The automation-bias test: decide alone and with an AI that is sometimes wrong, then see why.

Cases, right answers, rates, exports and the published figures come from
``aimed.engines.automation_bias``; this page shows one case at a time, keeps the answers in the
browser session (``st.session_state``, nothing stored or sent) and lays out the summary.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from aimed.engines.automation_bias import (
    CLEAR,
    MAX_SEED,
    PROBLEM,
    Case,
    Condition,
    Rate,
    Series,
    Summary,
    case_stem,
    check_answer,
    explanation_text,
    fact_text,
    make_series,
    option_text,
    published_figures,
    rule_result,
    score,
    scripted_answers,
    to_csv,
    to_json,
)
from aimed.engines.automation_bias.wording import rules_card as rules_card_text
from aimed.sandbox import model_charts, sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import InputError

NS = "automation_bias"
# The AI's voice: a Material Symbol, which renders with Debian's fonts (a robot emoji did not).
AI_ICON = ":material/smart_toy:"
SEED, RUN, GUIDE, ERROR = f"{NS}_seed", f"{NS}_run", f"{NS}_guide", f"{NS}_error"
DEFAULT_SEED = 1
SITUATIONS = ("alone", "ai_right", "ai_wrong", "ai_silent")
MEASURES = ("missed_problems", "false_alarms")
# Okabe-Ito: your result in vermillion, the study in blue (colour-blind safe).
YOURS_COLOUR, STUDY_COLOUR, BAR_COLOUR = "#D55E00", "#0072B2", "#0072B2"


@st.cache_resource(max_entries=32, show_spinner=False)
def series_for(seed: int) -> Series:
    """One series per number, built once: the cases never change for a given number."""
    return make_series(seed)


def choice_key(seed: int, number: int) -> str:
    """A fresh radio for every case of every series, so no answer carries over."""
    return f"{NS}_choice_{seed}_{number}"


def start(seed: int) -> None:
    st.session_state[RUN] = {"seed": seed, "answers": {}}
    st.session_state[GUIDE] = None
    st.session_state[ERROR] = None


def start_chosen_series() -> None:
    """Button: the series whose number is in the box, from its first case."""
    try:
        series_for(st.session_state[SEED])
    except InputError as error:
        st.session_state[ERROR] = error
        return
    start(int(st.session_state[SEED]))


def start_next_series() -> None:
    seed = (st.session_state[RUN]["seed"] + 1) % (MAX_SEED + 1)
    st.session_state[SEED] = seed
    start(seed)


def confirm(number: int) -> None:
    """Record the chosen answer of the current case; without a choice, say so and keep going."""
    run = st.session_state[RUN]
    choice = st.session_state.get(choice_key(run["seed"], number))
    if choice is None:
        st.session_state[ERROR] = "no_choice"
        return
    run["answers"][number] = check_answer(choice)
    st.session_state[ERROR] = None


def apply_guide(name: str) -> None:
    """Guided path: the current series answered by a reader who follows the AI."""
    run = st.session_state[RUN]
    answers = scripted_answers(series_for(run["seed"]), name)
    st.session_state[RUN] = {"seed": run["seed"], "answers": answers}
    st.session_state[GUIDE] = name
    st.session_state[ERROR] = None


# --- How a case reads -------------------------------------------------------------------


def pct(value: float | None, lang: str) -> str:
    return numbers.percent(value, lang, digits=1, least=0)


def option(case: Case, answer: str, lang: str) -> str:
    return option_text(case, answer, lang)


def show_case(series: Series, case: Case, lang: str) -> None:
    total = len(series.cases)
    st.progress(
        (case.number - 1) / total,
        text=t(f"{NS}.page.progress", lang, number=case.number, total=total),
    )
    family = f"{NS}.families.{case.family}"
    title = t(f"{family}.title", lang)
    st.subheader(t(f"{NS}.page.case_title", lang, number=case.number, title=title))
    facts = "\n".join(f"- {fact_text(case, f, lang)}" for f in case.facts)
    st.markdown(f"{case_stem(case, lang)}\n\n{facts}")
    if case.condition is Condition.ALONE:
        st.markdown(f"*{t(f'{NS}.page.alone', lang)}*")
    elif case.suggestion is None:
        st.info(t(f"{NS}.page.ai_silent", lang), icon=AI_ICON)
    else:
        text = t(f"{NS}.page.ai_suggests", lang, answer=option(case, case.suggestion, lang))
        if case.explained:
            text += "\n\n" + explanation_text(case, lang)
        st.info(text, icon=AI_ICON)
    st.radio(
        t(f"{family}.question", lang),
        options=[CLEAR, PROBLEM],
        index=None,
        format_func=lambda answer: option(case, answer, lang),
        key=choice_key(series.seed, case.number),
    )
    st.button(
        t(f"{NS}.page.confirm", lang),
        key=f"{NS}_confirm",
        type="primary",
        on_click=confirm,
        args=(case.number,),
    )
    if st.session_state[ERROR] == "no_choice":
        st.error(t(f"{NS}.page.no_choice", lang), icon=sandbox_ui.REFUSED_ICON)


# --- The rules card -----------------------------------------------------------------------


def rules_card(lang: str) -> None:
    """The rules behind the right answers (the engine's wording, shared with the site)."""
    heading, blocks = rules_card_text(lang)
    with st.expander(heading):
        for block in blocks:
            st.markdown(block)


# --- The summary --------------------------------------------------------------------------


def rate_text(rate: Rate, lang: str) -> str:
    if rate.value is None:
        return t(f"{NS}.result.no_cases", lang)
    return t(
        f"{NS}.result.rate",
        lang,
        percent=pct(rate.value, lang),
        hits=numbers.count(rate.hits, lang),
        total=numbers.count(rate.total, lang),
    )


def accuracy_chart(summary: Summary, lang: str) -> tuple[alt.Chart, str]:
    names = [t(f"{NS}.conditions.{s}", lang) for s in SITUATIONS]
    values = [summary.accuracy[s].value for s in SITUATIONS]
    data = pd.DataFrame(
        {
            "situation": names,
            "accuracy": [v if v is not None else 0.0 for v in values],
            "label": [rate_text(summary.accuracy[s], lang) for s in SITUATIONS],
        }
    )
    axis = t(f"{NS}.result.chart_axis", lang)
    base = alt.Chart(data, title=t(f"{NS}.result.chart_title", lang)).encode(
        y=alt.Y("situation:N", sort=names, title=None, axis=alt.Axis(labelLimit=0))
    )
    bars = base.mark_bar(color=BAR_COLOUR).encode(
        x=alt.X(
            "accuracy:Q",
            title=axis,
            scale=alt.Scale(domain=[0, 1]),
            axis=model_charts.axis(lang, percent=True),
        ),
        tooltip=[
            alt.Tooltip("situation:N", title=t(f"{NS}.result.chart_situation", lang)),
            alt.Tooltip("label:N", title=axis),
        ],
    )
    labels = base.mark_text(align="left", dx=4, color="#1a1a1a").encode(
        x="accuracy:Q", text="label:N"
    )
    items = model_charts.list_separator(lang).join(
        f"{n} {label}" for n, label in zip(names, data["label"], strict=True)
    )
    summary_text = t(f"{NS}.result.chart_summary", lang, items=items)
    return (bars + labels).properties(height=alt.Step(34)), summary_text


def comparison_rows(summary: Summary, lang: str) -> pd.DataFrame:
    """Your error rates beside the study's, for the chart (one row per bar)."""
    study = {p.measure: p for p in published_figures()}
    rows = []
    for measure in MEASURES:
        yours = getattr(summary, measure)
        for situation in ("without_ai", "with_wrong_ai"):
            mine = yours["alone" if situation == "without_ai" else "with_wrong_ai"]
            published = getattr(study[measure], situation)
            for source, value, label in (
                ("yours", mine.value, rate_text(mine, lang)),
                ("study", published, numbers.percent(published, lang, digits=1)),
            ):
                rows.append(
                    {
                        "measure": t(f"{NS}.result.{measure}", lang),
                        "situation": t(f"{NS}.result.{situation}", lang),
                        "source": t(f"{NS}.result.{source}", lang),
                        "rate": value,
                        "label": label,
                    }
                )
    return pd.DataFrame(rows)


def comparison_chart(rows: pd.DataFrame, lang: str) -> tuple[alt.Chart, str]:
    sources = [t(f"{NS}.result.yours", lang), t(f"{NS}.result.study", lang)]
    situations = [t(f"{NS}.result.without_ai", lang), t(f"{NS}.result.with_wrong_ai", lang)]
    measures = [t(f"{NS}.result.{m}", lang) for m in MEASURES]
    axis = t(f"{NS}.result.comparison_axis", lang)
    chart = (
        alt.Chart(rows.dropna(subset=["rate"]), title=t(f"{NS}.result.comparison_title", lang))
        .mark_bar()
        .encode(
            x=alt.X("situation:N", sort=situations, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("source:N", sort=sources),
            y=alt.Y(
                "rate:Q",
                title=axis,
                scale=alt.Scale(domain=[0, 1]),
                axis=model_charts.axis(lang, percent=True),
            ),
            color=alt.Color(
                "source:N",
                scale=alt.Scale(domain=sources, range=[YOURS_COLOUR, STUDY_COLOUR]),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=0),
            ),
            column=alt.Column("measure:N", title=None, sort=measures),
            tooltip=[
                alt.Tooltip("source:N", title=t(f"{NS}.result.comparison_source", lang)),
                alt.Tooltip("measure:N", title=t(f"{NS}.result.comparison_measure", lang)),
                alt.Tooltip("situation:N", title=t(f"{NS}.result.comparison_situation", lang)),
                alt.Tooltip("label:N", title=axis),
            ],
        )
        .properties(width=220, height=240)
    )
    items = model_charts.list_separator(lang).join(
        f"{r.source}, {r.measure}, {r.situation}: {r.label}" for r in rows.itertuples()
    )
    return chart, t(f"{NS}.result.comparison_summary", lang, items=items)


def comparison_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    col = f"{NS}.result.column"
    table = []
    for (source, measure), group in rows.groupby(["source", "measure"], sort=False):
        labels = dict(zip(group["situation"], group["label"], strict=True))
        table.append(
            {
                t(f"{col}_source", lang): source,
                t(f"{col}_measure", lang): measure,
                t(f"{col}_without", lang): labels[t(f"{NS}.result.without_ai", lang)],
                t(f"{col}_with", lang): labels[t(f"{NS}.result.with_wrong_ai", lang)],
            }
        )
    return pd.DataFrame(table).set_index(t(f"{col}_source", lang))


def cases_table(series: Series, answers: dict[int, str], lang: str) -> pd.DataFrame:
    col, none = f"{NS}.result.column", t(f"{NS}.result.none", lang)
    rows = []
    for case in series.cases:
        answer = answers.get(case.number)
        mark = "" if answer is None else ("✓ " if answer == case.answer else "✗ ")
        rows.append(
            {
                t(f"{col}_case", lang): str(case.number),
                t(f"{col}_family", lang): t(f"{NS}.families.{case.family}.title", lang),
                t(f"{col}_situation", lang): t(f"{NS}.conditions.{case.condition.value}", lang),
                t(f"{col}_suggestion", lang): option(case, case.suggestion, lang)
                if case.suggestion
                else none,
                t(f"{col}_answer", lang): mark + (option(case, answer, lang) if answer else none),
                t(f"{col}_right", lang): option(case, case.answer, lang),
                t(f"{col}_rule", lang): rule_result(case, lang),
            }
        )
    return pd.DataFrame(rows).set_index(t(f"{col}_case", lang))


def show_summary(series: Series, answers: dict[int, str], lang: str) -> None:
    res = f"{NS}.result"
    summary = score(series, answers)
    st.header(t(f"{NS}.page.done_heading", lang))
    st.write(t(f"{NS}.page.done_intro", lang, total=summary.total, seed=series.seed))

    st.subheader(t(f"{res}.accuracy_heading", lang))
    for column, situation in zip(st.columns(len(SITUATIONS)), SITUATIONS, strict=True):
        column.metric(  # the share only: the counts are beside each bar of the chart below
            t(f"{res}.accuracy_{situation}", lang),
            pct(summary.accuracy[situation].value, lang),
            help=t(f"{res}.accuracy_help", lang),
        )
    chart, text = accuracy_chart(summary, lang)
    st.altair_chart(chart, width="stretch", alt=text)

    st.subheader(t(f"{res}.errors_heading", lang))
    left, right = st.columns(2)
    left.metric(
        t(f"{res}.commission", lang),
        rate_text(summary.commission, lang),
        help=t(f"{res}.commission_help", lang),
    )
    right.metric(
        t(f"{res}.omission", lang),
        rate_text(summary.omission, lang),
        help=t(f"{res}.omission_help", lang),
    )
    ai = series.ai_accuracy
    st.write(
        t(
            f"{res}.ai_accuracy",
            lang,
            hits=numbers.count(ai.hits, lang),
            total=numbers.count(ai.total, lang),
            percent=pct(ai.value, lang),
        )
    )

    st.subheader(t(f"{res}.explanation_heading", lang))
    explained = summary.explanation
    st.write(
        t(
            f"{res}.explanation_text",
            lang,
            with_rate=rate_text(explained["commission_with"], lang),
            without_rate=rate_text(explained["commission_without"], lang),
            accuracy_with=rate_text(explained["accuracy_with"], lang),
            accuracy_without=rate_text(explained["accuracy_without"], lang),
        )
    )
    st.write(t(f"{res}.explanation_note", lang))

    st.subheader(t(f"{res}.published_heading", lang))
    st.write(t(f"{res}.published_intro", lang))
    rows = comparison_rows(summary, lang)
    chart, text = comparison_chart(rows, lang)
    st.altair_chart(chart, alt=text)
    st.table(comparison_table(rows, lang))
    st.markdown(t(f"{res}.bernstein_source", lang))
    st.write(t(f"{res}.other_studies", lang))

    st.subheader(t(f"{res}.why_heading", lang))
    st.write(t(f"{res}.why_text", lang))
    st.subheader(t(f"{res}.protect_heading", lang))
    st.markdown(t(f"{res}.protect_text", lang))

    st.subheader(t(f"{res}.cases_heading", lang))
    st.table(cases_table(series, answers, lang))
    with st.expander(t(f"{res}.design_heading", lang)):
        st.write(t(f"{res}.design_text", lang))

    st.subheader(t(f"{res}.export_heading", lang))
    st.write(t(f"{res}.export_intro", lang))
    left, right = st.columns(2)
    left.download_button(
        t(f"{res}.download_json", lang),
        data=to_json(series, answers, lang),
        file_name=f"automation-bias-series-{series.seed}.json",
        mime="application/json",
        key=f"{NS}_download_json",
    )
    right.download_button(
        t(f"{res}.download_csv", lang),
        data=to_csv(series, answers, lang),
        file_name=f"automation-bias-series-{series.seed}.csv",
        mime="text/csv",
        key=f"{NS}_download_csv",
    )
    st.button(t(f"{NS}.page.restart", lang), key=f"{NS}_restart", on_click=start_next_series)


# --- The page -----------------------------------------------------------------------------

lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
st.session_state.setdefault(SEED, DEFAULT_SEED)
st.session_state.setdefault(GUIDE, None)
st.session_state.setdefault(ERROR, None)
if RUN not in st.session_state:
    start(DEFAULT_SEED)
st.write(t(f"{NS}.intro", lang))

sandbox_ui.guided_paths(NS, lang, ["follow"], st.session_state[GUIDE], apply_guide)
rules_card(lang)

run = st.session_state[RUN]
series = series_for(run["seed"])
answers: dict[int, str] = run["answers"]
pending = [c for c in series.cases if c.number not in answers]
if pending:
    show_case(series, pending[0], lang)
else:
    show_summary(series, answers, lang)

with st.expander(t(f"{NS}.page.series_heading", lang)):
    # Refuses what the engine would refuse, with the same range, before the run is touched.
    sandbox_ui.bounded_number(
        t(f"{NS}.page.seed_label", lang),
        SEED,
        lang=lang,
        minimum=0,
        maximum=MAX_SEED,
        step=1,
        help=t(f"{NS}.page.seed_help", lang),
    )
    st.button(t(f"{NS}.page.new_series", lang), key=f"{NS}_new", on_click=start_chosen_series)
    if isinstance(st.session_state[ERROR], InputError):
        sandbox_ui.show_input_error(st.session_state[ERROR], lang)
