"""Symptom checker with incomplete input: acute chest pain, condition by condition.

All numbers come from ``aimed.engines.chest_pain`` (scoring, what to ask next, double counting,
guided paths), ``aimed.texts.lay_text`` (the patient's words) and ``aimed.texts.guard``
(identifiers);
this page only lays out widgets and the results.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from aimed.engines.chest_pain import (
    GUIDED_PATHS,
    UNCHECKED_STATUSES,
    Answer,
    Assessment,
    Change,
    ConditionResult,
    assess,
    compare,
    default_evidence,
    independence_check,
    next_questions,
)
from aimed.sandbox import model_charts, sandbox_ui
from aimed.texts.i18n import t
from aimed.texts.lay_text import read_lay_text
from aimed.texts.numbers import counted, percent, significant
from aimed.validation import InputError

NS = "symptom_checker"
SETTING, TEXT = f"{NS}_setting", f"{NS}_text"
READING, TEXT_ERROR = f"{NS}_reading", f"{NS}_text_error"
LAST, CHANGE, GUIDE = f"{NS}_last_state", f"{NS}_change", f"{NS}_guide"
ANSWERS = [a.value for a in (Answer.UNASKED, Answer.PRESENT, Answer.ABSENT)]
NEXT_SHOWN = 5
# Okabe-Ito: vermillion for dangerous conditions, blue for the others (colour-blind safe).
COLOURS = ("#D55E00", "#0072B2")

evidence = default_evidence()


def finding_key(finding: str) -> str:
    return f"{NS}_f_{finding}"


def number(value: float | None, lang: str) -> str:
    """A likelihood ratio to three significant digits, or the words for none."""
    return t(f"{NS}.page.no_ratio", lang) if value is None else significant(value, lang)


def condition_name(key: str, lang: str) -> str:
    return t(f"{NS}.conditions.{key}", lang)


def condition_inline(key: str, lang: str) -> str:
    """The name inside a sentence: "leads with acute coronary syndrome"."""
    shown = condition_name(key, lang)
    return shown[:1].lower() + shown[1:]


def finding_name(key: str, lang: str) -> str:
    return t(f"{NS}.findings.{key}", lang)


def current_answers() -> dict[str, str]:
    return {f: st.session_state[finding_key(f)] for f in evidence.findings}


def set_state(setting: str, answers: dict[str, Answer] | None = None) -> None:
    """Put the widgets in a state: every finding not listed goes back to "not asked"."""
    st.session_state[SETTING] = setting
    answers = answers or {}
    for finding in evidence.findings:
        st.session_state[finding_key(finding)] = answers.get(finding, Answer.UNASKED).value


def remember(setting: str, answers: dict[str, Answer]) -> None:
    """Keep a state as "the previous run" so the next one explains what changed."""
    st.session_state[LAST] = (setting, {k: v.value for k, v in answers.items()})


def edited() -> None:
    """A widget moved by hand: the guided path and the text's reading no longer describe it."""
    st.session_state[GUIDE] = None
    st.session_state[READING] = None


def reset() -> None:
    set_state(st.session_state[SETTING])
    st.session_state[READING] = None
    edited()


def read_text() -> None:
    """Guard, then read the text; apply the understood findings to the toggles."""
    st.session_state[READING] = None
    st.session_state[TEXT_ERROR] = None
    try:
        reading = read_lay_text(st.session_state[TEXT])
    except InputError as error:
        st.session_state[TEXT_ERROR] = error
        return
    st.session_state[READING] = reading
    # The text replaces every answer: what it does not mention is "not asked", so the text,
    # the buttons and the result always say the same thing.
    for finding in evidence.findings:
        st.session_state[finding_key(finding)] = reading.answers.get(finding, Answer.UNASKED).value


def apply_guide(name: str, lang: str) -> None:
    path = GUIDED_PATHS[name]
    st.session_state[READING] = None
    st.session_state[TEXT_ERROR] = None
    set_state(path.setting, dict(path.answers))
    remember(path.setting, dict(path.answers))
    if path.after_answers is not None or path.after_setting is not None:
        after = path.after_answers if path.after_answers is not None else path.answers
        set_state(path.after_setting or path.setting, dict(after))
    if path.lay_text is not None:
        st.session_state[TEXT] = path.lay_text[lang]
        read_text()
    st.session_state[GUIDE] = name


def change_text(change: Change, lang: str) -> str:
    reasons = [
        t(f"{NS}.page.reason_{new.value}", lang, finding=finding_name(finding, lang))
        for finding, _, new in change.answers_changed
    ]
    if change.setting_changed:
        reasons.insert(
            0,
            t(
                f"{NS}.page.reason_setting",
                lang,
                before=t(f"{NS}.settings.{change.setting_before}", lang),
                after=t(f"{NS}.settings.{change.setting_after}", lang),
            ),
        )
    joined = t(f"{NS}.page.reasons_joiner", lang).join(reasons)
    if change.leading_changed:
        return t(
            f"{NS}.page.change_leading",
            lang,
            before=condition_inline(change.leading_before, lang),
            after=condition_inline(change.leading_after, lang),
            reasons=joined,
        )
    if not change.moves:
        return t(f"{NS}.page.change_nothing", lang, reasons=joined)
    condition, before, after = change.moves[0]
    return t(
        f"{NS}.page.change_same",
        lang,
        leading=condition_inline(change.leading_after, lang),
        condition=condition_inline(condition, lang),
        before=percent(before, lang),
        after=percent(after, lang),
        reasons=joined,
    )


def guide_values(name: str, lang: str) -> dict[str, str]:
    """The numbers a guided path's "done" and "why" texts quote, from the engine."""
    path = GUIDED_PATHS[name]
    if name in ("missing_finding", "wrong_setting"):
        before, after = path.before(), path.after()
        return dict(
            before=condition_inline(before.leading, lang),
            after=condition_inline(after.leading, lang),
            before_probability=percent(before.results[0].post_test, lang),
            after_probability=percent(after.results[0].post_test, lang),
            acs_after=percent(after.probability("acs"), lang),
        )
    if name == "lay_wording":
        assert path.lay_text is not None, "the lay-wording path carries the patient's words"
        reading = read_lay_text(path.lay_text[lang])
        said = assess(reading.answers, path.setting)
        meant = assess({**reading.answers, "pressure_pain": Answer.PRESENT}, path.setting)
        return dict(
            phrase=reading.not_understood[0],
            said=percent(said.probability("acs"), lang),
            meant=percent(meant.probability("acs"), lang),
        )
    # double_counting
    gap = next(g for g in independence_check(path.answers, path.setting) if g.condition == "acs")
    return dict(
        independent=percent(gap.independent, lang),
        grouped=percent(gap.grouped, lang),
        excess=counted("common.units.points", round(gap.excess * 100), lang),
    )


def guide_text(name: str, part: str, lang: str) -> str:
    """A guided path's "done" or "why" text, filled with the engine's numbers."""
    return t(f"{NS}.guides.{name}.{part}", lang, **guide_values(name, lang))


def basis(result: ConditionResult, setting: str, lang: str) -> str:
    """What kind of figures one result rests on: the marker shown beside the condition."""
    statuses = {row.status for row in evidence.figures_behind(result, setting)}
    marks = [
        t(f"{NS}.page.basis_{s}", lang) for s in ("approximation", "recalled") if s in statuses
    ]
    joiner = t(f"{NS}.page.basis_joiner", lang)
    return joiner.join(marks) if marks else t(f"{NS}.page.basis_published", lang)


def basis_legend(lang: str) -> str:
    statuses = [p.status for p in evidence.pretests.values()]
    statuses += [r.status for r in evidence.ratios.values()]
    unchecked = sum(status in UNCHECKED_STATUSES for status in statuses)
    return t(f"{NS}.page.basis_legend", lang, unchecked=unchecked, total=len(statuses))


def probability_chart(result: Assessment, lang: str) -> tuple[alt.Chart, str]:
    kinds = (t(f"{NS}.page.kind_dangerous", lang), t(f"{NS}.page.kind_other", lang))
    names = [condition_name(r.condition, lang) for r in result.results]
    data = pd.DataFrame(
        {
            "condition": names,
            "probability": [r.post_test for r in result.results],
            "pretest_label": [percent(r.pre_test, lang) for r in result.results],
            "kind": [kinds[0] if r.dangerous else kinds[1] for r in result.results],
            "label": [percent(r.post_test, lang) for r in result.results],
        }
    )
    axis = t(f"{NS}.page.chart_axis", lang)
    base = alt.Chart(data, title=t(f"{NS}.page.chart_title", lang)).encode(
        y=alt.Y("condition:N", sort=names, title=None, axis=alt.Axis(labelLimit=0))
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "probability:Q",
            title=axis,
            scale=alt.Scale(domain=[0, 1]),
            axis=model_charts.axis(lang, percent=True),
        ),
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=list(kinds), range=list(COLOURS)),
            # Below the plot, one entry per line, never cut, and a long label broken after
            # its comma: the legend starts where the bars do, so a phone leaves it ~150 px.
            legend=alt.Legend(
                title=t(f"{NS}.page.chart_kind", lang),
                orient="bottom",
                direction="vertical",
                columns=1,
                labelLimit=0,
                titleLimit=0,
                labelExpr="split(replace(datum.label, ', ', ',\\n'), '\\n')",
            ),
        ),
        tooltip=[
            alt.Tooltip("condition:N", title=t(f"{NS}.page.table_condition", lang)),
            alt.Tooltip("label:N", title=axis),
            alt.Tooltip("pretest_label:N", title=t(f"{NS}.page.chart_pretest", lang)),
        ],
    )
    labels = base.mark_text(align="left", dx=4, color="#1a1a1a").encode(
        x="probability:Q", text="label:N"
    )
    items = model_charts.list_separator(lang).join(
        f"{n} {p}" for n, p in zip(names, data["label"], strict=True)
    )
    summary = t(f"{NS}.page.chart_summary", lang, items=items)
    return (bars + labels).properties(height=alt.Step(26)), summary


def results_table(result: Assessment, lang: str) -> pd.DataFrame:
    """One row per condition; the basis column marks results resting on unchecked figures."""
    none = t(f"{NS}.page.none", lang)
    marker = {Answer.PRESENT: "+", Answer.ABSENT: "−"}
    rows = []
    for r in result.results:
        used = ", ".join(
            f"{finding_name(f, lang)} ({marker[a]}, {number(lr, lang)})" for f, a, lr in r.used
        )
        no_evidence = ", ".join(finding_name(f, lang) for f in r.no_evidence)
        rows.append(
            {
                t(f"{NS}.page.table_condition", lang): ("⚠ " if r.dangerous else "")
                + condition_name(r.condition, lang),
                t(f"{NS}.page.table_basis", lang): basis(r, result.setting, lang),
                t(f"{NS}.page.table_pretest", lang): percent(r.pre_test, lang),
                t(f"{NS}.page.table_now", lang): percent(r.post_test, lang),
                t(f"{NS}.page.table_evidence", lang): used or none,
                t(f"{NS}.page.table_no_evidence", lang): no_evidence or none,
            }
        )
    return pd.DataFrame(rows)


lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
st.session_state.setdefault(SETTING, "primary_care")
st.session_state.setdefault(TEXT, "")
for name in (READING, TEXT_ERROR, GUIDE):
    st.session_state.setdefault(name, None)
for finding in evidence.findings:
    st.session_state.setdefault(finding_key(finding), Answer.UNASKED.value)
st.write(t(f"{NS}.page.intro", lang))

with st.expander(t("common.try_this", lang), expanded=bool(st.session_state[GUIDE])):
    for name in GUIDED_PATHS:
        st.write(t(f"{NS}.guides.{name}.intro", lang))
        st.button(
            t(f"{NS}.guides.{name}.button", lang),
            key=f"{NS}_try_{name}",
            on_click=apply_guide,
            args=(name, lang),
        )
        if st.session_state[GUIDE] == name:
            st.warning(guide_text(name, "done", lang))
            why = guide_text(name, "why", lang)
            st.info(f"**{t('common.why_it_happened', lang)}.** {why}")

st.radio(
    t(f"{NS}.page.setting_label", lang),
    options=list(evidence.settings),
    format_func=lambda key: t(f"{NS}.settings.{key}", lang),
    horizontal=True,
    key=SETTING,
    on_change=edited,
)

st.header(t(f"{NS}.page.text_heading", lang))
st.text_area(t(f"{NS}.page.text_label", lang), key=TEXT, help=t(f"{NS}.page.text_help", lang))
st.button(t(f"{NS}.page.text_button", lang), key=f"{NS}_read", on_click=read_text)
if st.session_state[TEXT_ERROR] is not None:
    sandbox_ui.show_input_error(st.session_state[TEXT_ERROR], lang)
reading = st.session_state[READING]
if reading is not None:
    if reading.understood:
        items = "\n".join(
            "- "
            + t(
                f"{NS}.page.understood_item",
                lang,
                finding=finding_name(u.finding, lang),
                answer=t(f"{NS}.answers.{u.answer.value}", lang).lower(),
                phrase=u.phrase,
            )
            for u in reading.understood
        )
        st.success(f"**{t(f'{NS}.page.understood', lang)}**\n\n{items}")
    else:
        st.info(t(f"{NS}.page.nothing_understood", lang))
    if reading.not_understood:
        items = "\n".join(f"- “{phrase}”" for phrase in reading.not_understood)
        st.warning(f"**{t(f'{NS}.page.not_understood', lang)}**\n\n{items}")
    if reading.never_mentioned:
        items = "\n".join(f"- {finding_name(f, lang)}" for f in reading.never_mentioned)
        st.info(f"**{t(f'{NS}.page.never_mentioned', lang)}**\n\n{items}")

st.header(t(f"{NS}.page.findings_heading", lang))
st.write(t(f"{NS}.page.findings_help", lang))
st.button(t(f"{NS}.page.reset", lang), key=f"{NS}_reset", on_click=reset)
columns = st.columns(2)
for index, (group, findings) in enumerate(evidence.groups().items()):
    with columns[index % 2]:
        st.markdown(f"**{t(f'{NS}.groups.{group}', lang)}**")
        for finding in findings:
            st.radio(
                finding_name(finding, lang),
                options=ANSWERS,
                format_func=lambda a: t(f"{NS}.answers.{a}", lang),
                horizontal=True,
                key=finding_key(finding),
                on_change=edited,
            )

try:
    setting = st.session_state[SETTING]
    answers = current_answers()
    result = assess(answers, setting)
except InputError as error:
    sandbox_ui.show_input_error(error, lang)
    st.stop()

# Explain the difference with the previous run (kept in session_state), then keep this one.
previous = st.session_state.get(LAST)
remember(setting, dict(result.answers))
if previous is not None and previous != st.session_state[LAST]:
    st.session_state[CHANGE] = compare(assess(previous[1], previous[0]), result)

st.header(t(f"{NS}.page.results_heading", lang))
change = st.session_state.get(CHANGE)
if change is not None:
    st.markdown(f"**{t(f'{NS}.page.change_heading', lang)}.** {change_text(change, lang)}")
top, dangerous = result.results[0], next(r for r in result.results if r.dangerous)
st.markdown(
    t(
        f"{NS}.page.leading",
        lang,
        condition=condition_inline(top.condition, lang),
        probability=percent(top.post_test, lang),
        dangerous=condition_inline(dangerous.condition, lang),
        dangerous_probability=percent(dangerous.post_test, lang),
    )
)
st.info(t(f"{NS}.page.not_a_sum", lang, total=percent(result.total, lang)))
chart, summary = probability_chart(result, lang)
st.altair_chart(chart, width="stretch", alt=summary)
st.table(results_table(result, lang))
st.markdown(basis_legend(lang))
st.write(t(f"{NS}.page.no_evidence_note", lang))

with st.expander(t(f"{NS}.page.sources_heading", lang)):
    lines = []
    for r in result.results:
        pretest = evidence.pretests[r.condition, setting]
        lines.append(
            t(
                f"{NS}.page.sources_pretest",
                lang,
                condition=condition_inline(r.condition, lang),
                setting=t(f"{NS}.settings.{setting}", lang),
                probability=percent(pretest.probability, lang),
                source=pretest.source_in(lang),
                status=t(f"{NS}.page.status_{pretest.status}", lang),
            )
        )
        for finding, *_ in r.used:
            row = evidence.ratios[r.condition, finding]
            lines.append(
                t(
                    f"{NS}.page.sources_ratio",
                    lang,
                    condition=condition_name(r.condition, lang),
                    finding=finding_name(finding, lang),
                    lr_pos=number(row.lr_pos, lang),
                    lr_neg=number(row.lr_neg, lang),
                    source=row.source_in(lang),
                    status=t(f"{NS}.page.status_{row.status}", lang),
                )
            )
    st.markdown("\n".join(f"- {line}" for line in lines))

st.header(t(f"{NS}.page.next_heading", lang))
st.write(t(f"{NS}.page.next_intro", lang))
suggestions = next_questions(answers, setting, limit=NEXT_SHOWN)
if suggestions:
    st.markdown(
        "\n".join(
            f"{i}. "
            + t(
                f"{NS}.page.next_item",
                lang,
                finding=finding_name(s.finding, lang),
                condition=condition_inline(s.moves_most, lang),
                if_present=percent(s.if_present, lang),
                if_absent=percent(s.if_absent, lang),
            )
            for i, s in enumerate(suggestions, start=1)
        )
    )
else:
    st.write(t(f"{NS}.page.next_none", lang))

st.header(t(f"{NS}.page.correlated_heading", lang))
st.write(t(f"{NS}.page.correlated_intro", lang))
gaps = independence_check(answers, setting)
if gaps:
    st.markdown(
        "\n".join(
            "- "
            + t(
                f"{NS}.page.correlated_item",
                lang,
                condition=condition_name(g.condition, lang),
                independent=percent(g.independent, lang),
                grouped=percent(g.grouped, lang),
                groups=", ".join(t(f"{NS}.groups.{name}", lang) for name in g.shared_groups),
            )
            for g in gaps
        )
    )
else:
    st.write(t(f"{NS}.page.correlated_none", lang))
