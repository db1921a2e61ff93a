"""AI-drafted letter check: a synthetic record beside a drafted letter with planted errors.

Cases, letters, scores, the one-way checks of "Try this" and the guard on the reader's
sentence all come from ``aimed.engines.letter_check``; this page lays out the record, one choice
per sentence, the "something missing" picker and the results. Nothing is kept beyond
``st.session_state``.
"""

from __future__ import annotations

import time
from functools import partial

import streamlit as st

from aimed.engines.letter_check import (
    GUIDED_PATHS,
    MARK_CHOICES,
    MAX_SEED,
    PUBLISHED_RATES,
    Case,
    Marking,
    Outcome,
    Score,
    check_added_sentence,
    error_detail,
    expected_errors,
    generate_case,
    letter,
    record_items,
    record_view,
    score,
)
from aimed.sandbox import sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import t
from aimed.validation import InputError

NS = "letter_check"
SEED, CASE_GUIDE, GUIDE = f"{NS}_seed", f"{NS}_case_guide", f"{NS}_guide"
START, SCORED, STALE = f"{NS}_start", f"{NS}_scored", f"{NS}_stale"
MISSING, ADDED = f"{NS}_missing", f"{NS}_added"
ADDED_RESULT, ADDED_ERROR = f"{NS}_added_result", f"{NS}_added_error"
SENTENCE = f"{NS}_sentence_"
DEFAULTS: dict[str, object] = {
    SEED: 1,
    CASE_GUIDE: None,  # the guided path whose draft is shown, if any
    GUIDE: None,  # the guided path whose texts are shown (until a mark changes)
    START: None,
    SCORED: None,  # (flagged, missing, seconds) when "Score my check" was pressed
    STALE: False,
    MISSING: [],
    ADDED: "",
    ADDED_RESULT: None,
    ADDED_ERROR: None,
}


def sentence_key(index: int) -> str:
    return f"{SENTENCE}{index}"


def current_case() -> Case:
    """The draft on screen: the guided one, or the one of the draft number."""
    guide = st.session_state[CASE_GUIDE]
    if guide is not None:
        return GUIDED_PATHS[guide].case()
    return generate_case(st.session_state[SEED])


def clear_marks() -> None:
    """A new draft: no marks, no score, and the timer restarts when it is shown."""
    for key in [k for k in st.session_state if str(k).startswith(SENTENCE)]:
        del st.session_state[key]
    st.session_state.update(
        {
            MISSING: [],
            SCORED: None,
            STALE: False,
            GUIDE: None,
            START: None,
            ADDED_RESULT: None,
            ADDED_ERROR: None,
        }
    )


def new_case() -> None:
    st.session_state[CASE_GUIDE] = None
    clear_marks()


def next_draft() -> None:
    seed = st.session_state[SEED]
    valid = isinstance(seed, int) and 0 <= seed < MAX_SEED
    st.session_state[SEED] = seed + 1 if valid else 0
    new_case()


def marks_changed() -> None:
    """A mark moved: the score and the guided path's texts no longer describe the marks."""
    if st.session_state[SCORED] is not None:
        st.session_state[STALE] = True
    st.session_state[SCORED] = None
    st.session_state[GUIDE] = None
    st.session_state[ADDED_RESULT] = None
    st.session_state[ADDED_ERROR] = None


def apply_guide(name: str) -> None:
    """Show the guided draft with the marks of a one-way check, already scored."""
    path = GUIDED_PATHS[name]
    clear_marks()
    st.session_state[CASE_GUIDE] = name
    case, marking = path.case(), path.marking()
    for index in range(len(case.statements)):
        st.session_state[sentence_key(index)] = marking.flagged.get(index, "ok")
    st.session_state[MISSING] = [f for f in case.record.facts() if f in marking.missing]
    st.session_state[SCORED] = (dict(marking.flagged), frozenset(marking.missing), None)
    st.session_state[GUIDE] = name


def current_marking(case: Case) -> Marking:
    flagged = {}
    for index in range(len(case.statements)):
        choice = st.session_state.get(sentence_key(index), "ok")
        if choice != "ok":
            flagged[index] = choice
    return Marking(flagged, frozenset(st.session_state[MISSING]))


def score_now() -> None:
    marking = current_marking(current_case())
    start = st.session_state[START]
    seconds = None if start is None else max(0.0, time.monotonic() - start)
    st.session_state[SCORED] = (dict(marking.flagged), marking.missing, seconds)
    st.session_state[STALE] = False
    st.session_state[GUIDE] = None


def check_added(lang: str) -> None:
    """Guard, then check the reader's sentence; a refused text is kept in the box, never shown."""
    st.session_state[ADDED_RESULT] = None
    st.session_state[ADDED_ERROR] = None
    try:
        result = check_added_sentence(current_case(), st.session_state[ADDED], lang)
    except InputError as error:
        st.session_state[ADDED_ERROR] = error
        return
    st.session_state[ADDED_RESULT] = result


def choice_name(choice: str, lang: str) -> str:
    if choice in ("ok", "other"):
        return t(f"{NS}.choices.{choice}", lang)
    return t(f"{NS}.kinds.{choice}.name", lang)


def duration(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return t(f"{NS}.time_none", lang)
    whole = int(round(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes:
        return t(f"{NS}.time_minutes", lang, minutes=minutes, seconds=f"{rest:02d}")
    return t(f"{NS}.time_seconds", lang, seconds=rest)


def rate_text(family: str, lang: str, form: str) -> str:
    rate = PUBLISHED_RATES[family]
    return t(
        f"{NS}.rates.{family}.{form}",
        lang,
        rate=numbers.percent(rate.rate, lang, digits=2),
        major=numbers.percent(rate.major_share, lang, digits=0),
    )


def outcome_text(case: Case, outcome: Outcome, lang: str, chosen: str | None = None) -> str:
    """The line of one seeded error; ``chosen`` is the kind the reader gave its sentence."""
    error = outcome.error
    detail = error_detail(case, error, lang)
    status = t(f"{NS}.status_{'caught' if outcome.caught else 'missed'}", lang)
    kind = t(f"{NS}.kinds.{error.kind}.name", lang)
    if error.sentence is None:
        head = t(
            f"{NS}.error_omitted", lang, status=status, kind=kind, record_says=detail.record_says
        )
    else:
        form = "changed"
        if error.kind == "invented_drug":
            form = "invented"
        elif error.kind == "unsupported_claim":
            form = "claim"
        head = t(
            f"{NS}.error_{form}",
            lang,
            status=status,
            number=error.sentence + 1,
            kind=kind.lower(),
            letter_says=detail.letter_says,
            record_says=detail.record_says,
        )
    if outcome.caught and not outcome.kind_named and chosen is not None:
        # a near miss: the right sentence, another kind; say which one the reader chose
        near = t(f"{NS}.near_miss", lang, chosen=choice_name(chosen, lang))
        head = f"{head} {near}"
    explain = t(f"{NS}.kinds.{error.kind}.explain", lang)
    return f"{head}\n\n{explain}\n\n{rate_text(error.family, lang, 'short')}"


def show_results(
    case: Case, result: Score, lang: str, flagged: dict[int, str] | None = None
) -> None:
    count = numbers.count
    st.header(t(f"{NS}.results_heading", lang))
    caught, missed, alarms, timed = st.columns(4)
    caught.metric(
        t(f"{NS}.caught_label", lang),
        t(
            f"{NS}.caught_value",
            lang,
            caught=count(result.caught, lang),
            total=count(len(result.outcomes), lang),
        ),
    )
    missed.metric(t(f"{NS}.missed_label", lang), count(result.missed, lang))
    alarms.metric(t(f"{NS}.false_alarms_label", lang), count(result.false_alarms, lang))
    timed.metric(
        t(f"{NS}.time_label", lang),
        duration(result.seconds, lang),
        help=t(f"{NS}.time_help", lang),
    )
    families = result.by_family()
    st.write(
        t(
            f"{NS}.by_family",
            lang,
            caught_sentences=count(families["hallucination"][0], lang),
            sentences=count(families["hallucination"][1], lang),
            caught_omissions=count(families["omission"][0], lang),
            omissions=count(families["omission"][1], lang),
        )
    )
    if result.caught:
        st.write(
            t(
                f"{NS}.kinds_named",
                lang,
                named=count(result.kinds_named, lang),
                caught=count(result.caught, lang),
            )
        )
    if not result.missed:
        st.success(t(f"{NS}.all_caught", lang))

    st.subheader(t(f"{NS}.errors_heading", lang))
    ordered = sorted(
        result.outcomes,
        key=lambda o: (o.error.sentence is None, o.error.sentence or 0),
    )
    for outcome in ordered:
        sentence = outcome.error.sentence
        chosen = None if sentence is None else (flagged or {}).get(sentence)
        (st.success if outcome.caught else st.error)(outcome_text(case, outcome, lang, chosen))

    if result.false_alarms:
        st.subheader(t(f"{NS}.false_alarms_heading", lang))
        items = record_items(case.record, lang)
        lines = [
            t(f"{NS}.false_alarm_sentence", lang, number=index + 1)
            for index in result.false_alarm_sentences
        ]
        lines += [
            t(f"{NS}.false_alarm_item", lang, item=items[f]) for f in result.false_alarm_items
        ]
        st.markdown("\n".join(f"- {line}" for line in lines))

    st.subheader(t(f"{NS}.rates_heading", lang))
    st.markdown("\n".join(f"- {rate_text(f, lang, 'text')}" for f in PUBLISHED_RATES))
    st.write(t(f"{NS}.rates_caveat", lang))
    rates = expected_errors(len(case.statements), len(case.record.facts()))
    st.write(
        t(
            f"{NS}.expected",
            lang,
            sentences=count(len(case.statements), lang),
            items=count(len(case.record.facts()), lang),
            hallucinations=numbers.decimal(rates["hallucination"], lang, 2),
            omissions=numbers.decimal(rates["omission"], lang, 2),
            errors=count(len(case.errors), lang),
        )
    )

    st.subheader(t(f"{NS}.added_heading", lang))
    if not case.omitted:
        st.info(t(f"{NS}.added_nothing_omitted", lang))
        return
    st.write(t(f"{NS}.added_intro", lang))
    st.text_area(t(f"{NS}.added_label", lang), key=ADDED, help=t(f"{NS}.added_help", lang))
    st.button(
        t(f"{NS}.added_button", lang), key=f"{NS}_check_added", on_click=check_added, args=(lang,)
    )
    if st.session_state[ADDED_ERROR] is not None:
        sandbox_ui.show_input_error(st.session_state[ADDED_ERROR], lang)
    added = st.session_state[ADDED_RESULT]
    if added is not None:
        names = record_items(case.record, lang)
        if added.named:
            named = "; ".join(f"“{names[f]}”" for f in added.named)
            st.success(t(f"{NS}.added_named", lang, items=named))
        if added.not_named:
            not_named = "; ".join(f"“{names[f]}”" for f in added.not_named)
            st.warning(t(f"{NS}.added_not_named", lang, items=not_named))


lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)
st.write(t(f"{NS}.intro", lang))
st.info(t(f"{NS}.simulated", lang))

sandbox_ui.guided_paths(NS, lang, GUIDED_PATHS, st.session_state[GUIDE], apply_guide)

st.header(t(f"{NS}.draft_heading", lang))
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
        on_change=new_case,
    )
button.button(t(f"{NS}.new_draft", lang), key=f"{NS}_new", on_click=next_draft)

try:
    case = current_case()
except InputError as error:
    sandbox_ui.show_input_error(error, lang)
    st.stop()

if st.session_state[START] is None:
    st.session_state[START] = time.monotonic()
sizes = {"sentences": len(case.statements), "items": len(case.record.facts())}
if st.session_state[CASE_GUIDE] is None:
    st.write(t(f"{NS}.draft_caption", lang, seed=case.seed, **sizes))
else:
    st.write(t(f"{NS}.guided_caption", lang, **sizes))

record_column, letter_column = st.columns(2)
with record_column:
    st.subheader(t(f"{NS}.record_heading", lang))
    for section in record_view(case, lang):
        lines = "\n".join(f"- {item.text}" for item in section.items)
        st.markdown(f"**{section.title}**\n\n{lines}")
with letter_column:
    st.subheader(t(f"{NS}.letter_heading", lang))
    st.write(t(f"{NS}.letter_help", lang))
    for index, text in enumerate(letter(case, lang)):
        st.session_state.setdefault(sentence_key(index), "ok")
        st.selectbox(
            t(f"{NS}.sentence_label", lang, number=index + 1, text=text),
            options=MARK_CHOICES,
            format_func=partial(choice_name, lang=lang),
            key=sentence_key(index),
            on_change=marks_changed,
        )

st.subheader(t(f"{NS}.missing_heading", lang))
items = record_items(case.record, lang)
st.multiselect(
    t(f"{NS}.missing_label", lang),
    options=list(case.record.facts()),
    format_func=items.__getitem__,
    help=t(f"{NS}.missing_help", lang),
    placeholder=t(f"{NS}.missing_placeholder", lang),
    key=MISSING,
    on_change=marks_changed,
)
st.button(t(f"{NS}.score_button", lang), key=f"{NS}_score", on_click=score_now, type="primary")

scored = st.session_state[SCORED]
if scored is None:
    if st.session_state[STALE]:
        st.info(t(f"{NS}.changed_note", lang))
else:
    flagged, missing, seconds = scored
    try:
        result = score(case, Marking(flagged, missing), seconds)
    except InputError as error:
        sandbox_ui.show_input_error(error, lang)
    else:
        show_results(case, result, lang, flagged)

st.header(t(f"{NS}.explain.heading", lang))
st.write(t(f"{NS}.explain.text", lang))
st.write(t(f"{NS}.explain.workflow", lang))
