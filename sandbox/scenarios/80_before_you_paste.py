"""Before you paste: tick what must leave a synthetic note before it leaves the hospital.

Notes, scores, the shrinking group and the guided paths all come from
``aimed.engines.before_you_paste``; this page lays out the note as one tick box per part, the
text that would be pasted, and the results. There is no text box: nothing typed, nothing
pasted. Nothing is kept beyond ``st.session_state``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from aimed.engines.before_you_paste import (
    ADMITTED_SHARE,
    GUIDED_PATHS,
    MAX_SEED,
    SMALL_GROUP,
    TOWN_SIZES,
    Note,
    Result,
    generate_note,
    note_lines,
    score,
)
from aimed.sandbox import sandbox_ui
from aimed.settings import read
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import InputError

NS = "before_you_paste"
SEED, GUIDE, SCORED, STALE = f"{NS}_seed", f"{NS}_guide", f"{NS}_scored", f"{NS}_stale"
TICK = f"{NS}_tick_"
GLOSSARY = ("indirect_identifier", "pseudonymisation", "anonymisation")
DEFAULTS = {
    SEED: 1,
    GUIDE: None,  # the guided path whose texts are shown (until a tick changes)
    SCORED: None,  # the removed span ids when "Check before pasting" was pressed
    STALE: False,
}


def tick_key(span_id: str) -> str:
    return f"{TICK}{span_id}"


def clear_ticks() -> None:
    """A new note: nothing ticked, nothing scored."""
    for key in [k for k in st.session_state if str(k).startswith(TICK)]:
        del st.session_state[key]
    st.session_state.update({SCORED: None, STALE: False, GUIDE: None})


def next_note() -> None:
    seed = st.session_state[SEED]
    valid = isinstance(seed, int) and 0 <= seed < MAX_SEED
    st.session_state[SEED] = seed + 1 if valid else 0
    clear_ticks()


def ticks_changed() -> None:
    """A tick moved: the check and the guided path's texts no longer describe the ticks."""
    if st.session_state[SCORED] is not None:
        st.session_state[STALE] = True
    st.session_state[SCORED] = None
    st.session_state[GUIDE] = None


def apply_guide(name: str) -> None:
    """Show the guided note with the ticks of the path, already checked."""
    path = GUIDED_PATHS[name]
    clear_ticks()
    st.session_state[SEED] = path.seed
    removed = path.removed()
    for span in path.note().spans:
        st.session_state[tick_key(span.id)] = span.id in removed
    st.session_state[SCORED] = removed
    st.session_state[GUIDE] = name


def ticked(note: Note) -> tuple[str, ...]:
    return tuple(s.id for s in note.spans if st.session_state.get(tick_key(s.id), False))


def check_now() -> None:
    st.session_state[SCORED] = ticked(generate_note(st.session_state[SEED]))
    st.session_state[STALE] = False
    st.session_state[GUIDE] = None


def people(n: int, lang: str) -> str:
    return numbers.counted(f"{NS}.units.people", n, lang)


def kind_names(kinds: tuple[str, ...], lang: str) -> str:
    return ", ".join(t(f"{NS}.kinds.{kind}.name", lang).lower() for kind in kinds)


def show_results(note: Note, result: Result, lang: str) -> None:
    count = numbers.count
    texts = {span.id: text for line in note_lines(note, lang) for span, text in line}
    st.header(t(f"{NS}.results_heading", lang))
    direct, quasi, lost, k = st.columns(4)
    direct.metric(t(f"{NS}.direct_label", lang), count(len(result.direct_left), lang))
    quasi.metric(
        t(f"{NS}.quasi_label", lang),
        count(sum(s.family == "quasi" for s in result.missed), lang),
        help=sandbox_ui.term("indirect_identifier", lang),
    )
    lost.metric(t(f"{NS}.lost_label", lang), count(len(result.lost), lang))
    k.metric(
        t(f"{NS}.k_label", lang),
        t(f"{NS}.k_named", lang) if result.named else count(result.k, lang),
        help=t(f"{NS}.k_help", lang),
    )

    st.subheader(t(f"{NS}.missed_heading", lang))
    if not result.missed:
        st.success(t(f"{NS}.nothing_missed", lang))
    for span in result.missed:
        line = t(
            f"{NS}.missed_line",
            lang,
            kind=t(f"{NS}.kinds.{span.kind}.name", lang),
            family=t(f"{NS}.families.{span.family}", lang).lower(),
            text=texts[span.id],
            explain=t(f"{NS}.kinds.{span.kind}.explain", lang),
        )
        st.error(line)
    if result.lost:
        st.subheader(t(f"{NS}.lost_heading", lang))
        lines = "\n".join(f"- {t(f'{NS}.lost_line', lang, text=texts[s.id])}" for s in result.lost)
        st.warning(f"{lines}\n\n{t(f'{NS}.lost_explain', lang)}")

    st.subheader(t(f"{NS}.group_heading", lang))
    if result.named:
        named = tuple(kind for kind in result.direct_left if kind != "birth_date")
        st.warning(t(f"{NS}.group_named", lang, kinds=kind_names(named, lang)))
    st.write(t(f"{NS}.group_intro", lang))
    st.table(
        pd.DataFrame(
            {
                t(f"{NS}.step_column", lang): [
                    t(f"{NS}.steps.{step.what}", lang) for step in result.steps
                ],
                t(f"{NS}.people_column", lang): [count(step.people, lang) for step in result.steps],
            }
        ).set_index(t(f"{NS}.step_column", lang))
    )
    st.markdown(
        t(
            f"{NS}.population_caveat",
            lang,
            people=count(sum(TOWN_SIZES), lang),
            smallest=count(min(TOWN_SIZES), lang),
            largest=count(max(TOWN_SIZES), lang),
            admitted=numbers.percent(ADMITTED_SHARE, lang, digits=2),
        )
    )
    st.markdown(t(f"{NS}.small_line", lang, small=count(SMALL_GROUP, lang)))

    st.subheader(t(f"{NS}.status.heading", lang))
    status = result.status
    shown = {"personal": st.error, "pseudonymised": st.warning, "not_singled_out": st.info}
    shown[status](
        t(
            f"{NS}.status.{status}",
            lang,
            kinds=kind_names(result.direct_left, lang),
            k=people(result.k, lang),
        )
    )
    st.write(t(f"{NS}.status.gdpr", lang))


lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
st.write(t(f"{NS}.intro", lang))
st.info(t(f"{NS}.synthetic", lang))
sandbox_ui.glossary(lang, GLOSSARY)

sandbox_ui.guided_paths(NS, lang, GUIDED_PATHS, st.session_state[GUIDE], apply_guide)

st.header(t(f"{NS}.note_heading", lang))
number, button = st.columns([2, 1], vertical_alignment="bottom")
with number:  # refuses what the engine would refuse, with the same range
    sandbox_ui.bounded_number(
        t(f"{NS}.seed_label", lang),
        SEED,
        lang=lang,
        minimum=0,
        maximum=MAX_SEED,
        step=1,
        help=t(f"{NS}.seed_help", lang),
        on_change=clear_ticks,
    )
button.button(t(f"{NS}.new_note", lang), key=f"{NS}_new", on_click=next_note)

try:
    note = generate_note(st.session_state[SEED])
except InputError as error:
    sandbox_ui.show_input_error(error, lang)
    st.stop()

lines = note_lines(note, lang)
st.write(t(f"{NS}.note_caption", lang, seed=note.seed))
st.subheader(t(f"{NS}.marks_heading", lang))
st.write(t(f"{NS}.marks_help", lang))
for number_, line in enumerate(lines, 1):
    st.markdown(f"**{t(f'{NS}.line_label', lang, number=number_)}**")
    for span, text in line:
        st.session_state.setdefault(tick_key(span.id), False)
        st.checkbox(
            text,
            key=tick_key(span.id),
            help=t(f"{NS}.span_help", lang),
            on_change=ticks_changed,
        )

st.subheader(t(f"{NS}.preview_heading", lang))
marker = t(f"{NS}.removed_marker", lang)
removed_now = set(ticked(note))
preview = [
    " · ".join(marker if span.id in removed_now else text for span, text in line) for line in lines
]
st.markdown("\n".join(f"> {line}  " for line in preview))
st.button(t(f"{NS}.score_button", lang), key=f"{NS}_check", on_click=check_now, type="primary")

scored = st.session_state[SCORED]
if scored is None:
    if st.session_state[STALE]:
        st.info(t(f"{NS}.changed_note", lang))
else:
    try:
        result = score(note, scored)
    except InputError as error:
        sandbox_ui.show_input_error(error, lang)
    else:
        show_results(note, result, lang)

st.header(t(f"{NS}.explain.heading", lang))
st.write(t(f"{NS}.explain.text", lang))
st.markdown(t(f"{NS}.explain.modules", lang, course_url=read().course_url.rstrip("/")))
