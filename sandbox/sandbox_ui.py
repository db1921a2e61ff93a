"""Streamlit helpers shared by every sandbox page: language, page header, notices.

This is the only UI layer; the numbers come from the plain-Python ``aimed``
package, which never imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import streamlit as st

from aimed.texts.i18n import LANGUAGES, normalise_language, t
from aimed.validation import MAX_SEED, InputError

# Not "pages/": Streamlit treats that folder as an old-style multipage app until
# st.navigation first runs, and answers the first deep link with "Page not found".
PAGES_DIR = Path(__file__).parent / "scenarios"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
MAX_SANDBOX_PATIENTS = 50_000  # model pages: more would keep the learner waiting
# A Material Symbol, whose font Streamlit serves itself: Debian has no colour-emoji font, so an
# emoji icon ("✋") showed as an empty box.
REFUSED_ICON = ":material/block:"


def current_language() -> str:
    """Language of this run: the sidebar choice, else ``?lang=`` in the URL, else English."""
    if "lang" in st.session_state:
        return normalise_language(st.session_state["lang"])
    return normalise_language(st.query_params.get("lang"))


def language_selector() -> str:
    """Sidebar language switch, kept in the URL so a link can open a page in French."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = normalise_language(st.query_params.get("lang"))
    lang = current_language()
    st.sidebar.selectbox(
        t("common.language_label", lang),
        options=list(LANGUAGES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key="lang",
    )
    lang = current_language()
    st.query_params["lang"] = lang
    return lang


def page_namespace(path: str | Path) -> str:
    """``scenarios/10_test_result.py`` holds its texts under ``test_result``."""
    stem = Path(path).stem
    head, _, tail = stem.partition("_")
    return tail if head.isdigit() and tail else stem


# On a phone a wide table scrolls sideways in its box: its first column (the group, the
# hospital, the measure: what each row is) stays in view, so every number keeps its label.
TABLE_STYLE = """<style>
[data-testid="stTable"] table tr > :first-child {
  position: sticky;
  left: 0;
  z-index: 1;
  background-color: #fff;
  box-shadow: inset -1px 0 0 rgba(49, 51, 63, 0.2);
}
</style>"""


def page_header(namespace: str, lang: str) -> None:
    """Title, the teaching-model notice and the privacy line, identical on every page."""
    st.html(TABLE_STYLE)  # style only: Streamlit adds it to the page without taking space
    st.title(t(f"{namespace}.title", lang))
    st.warning(t("common.teaching_notice", lang), icon="⚠️")
    st.markdown(t("common.privacy_notice", lang))  # not st.caption: its grey fails contrast (axe)


def colon(lang: str) -> str:
    """``:`` in English, no-break space and ``:`` in French."""
    return "\u00a0:" if lang == "fr" else ":"


def term(key: str, lang: str) -> str:
    """One plain-language definition, ``**Name**: text``, from ``common.glossary.<key>``."""
    name, text = t(f"common.glossary.{key}.name", lang), t(f"common.glossary.{key}.text", lang)
    first = text.split(maxsplit=1)[0]
    if lang == "fr" and sum(c.isupper() for c in first) < 2:  # no capital after a colon
        text = text[0].lower() + text[1:]
    return f"**{name}**{colon(lang)} {text}"


def with_terms(help_text: str, lang: str, *keys: str) -> str:
    """A widget's own help followed by the definitions of the jargon in its label or options."""
    return "\n\n".join([*([help_text] if help_text else []), *(term(key, lang) for key in keys)])


def glossary(lang: str, keys: Iterable[str]) -> None:
    """The page's one glossary box: every technical word it uses, defined in plain language."""
    with st.expander(t("common.glossary_heading", lang)):
        st.markdown("\n".join(f"- {term(key, lang)}" for key in keys))


def discovered_pages() -> list[Path]:
    """Page scripts in menu order (their numeric prefix)."""
    return sorted(PAGES_DIR.glob("[0-9][0-9]_*.py"))


def input_error_text(error: InputError, lang: str) -> str:
    """The message of an engine's refusal, its numbers written as the reader's language does.

    Engines pass their limits as plain numbers (``200000``); here they read ``200,000`` or
    ``200 000``.
    """
    from aimed.texts import numbers

    def written(value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return numbers.count(value, lang) if isinstance(value, int) else numbers.plain(value, lang)

    reason = t(error.key, lang, **{name: written(v) for name, v in error.values.items()})
    return t("common.invalid_input", lang, reason=reason)


def show_input_error(error: InputError, lang: str) -> None:
    """A clear, translated message; the widgets keep what the user entered."""
    st.error(input_error_text(error, lang), icon=REFUSED_ICON)


def bounded_number(
    label: str,
    key: str,
    *,
    lang: str,
    minimum: int,
    maximum: int,
    step: int,
    help: str,  # noqa: A002 (Streamlit's own name)
    on_change: Callable[[], None] | None = None,
    disabled: bool = False,
) -> None:
    """A whole-number box that refuses a value out of its range, saying so in the page language.

    Streamlit's own ``min_value``/``max_value`` refuse too, but with an English message
    ("Number is outside the allowed range"); here the box goes back to its last accepted
    value and says why in the reader's language. The help ends with the same range, so the
    tooltip and the refusal never disagree.
    """
    accepted, refused = f"{key}__accepted", f"{key}__refused"
    value = st.session_state.get(key)
    if isinstance(value, int | float) and minimum <= value <= maximum:
        st.session_state[accepted] = value  # a default, a guided path or the learner set it

    def check() -> None:
        given = st.session_state.get(key)
        if not isinstance(given, int | float) or not minimum <= given <= maximum:
            st.session_state[refused] = given
            st.session_state[key] = st.session_state[accepted]
            return
        if on_change:
            on_change()

    from aimed.texts.numbers import count

    bounds = {"minimum": count(minimum, lang), "maximum": count(maximum, lang)}
    st.number_input(
        label,
        step=step,
        help=f"{help} {t('common.range_help', lang, **bounds)}",
        key=key,
        on_change=check,
        disabled=disabled,
    )
    if refused in st.session_state:
        given = st.session_state.pop(refused)
        shown = count(given, lang) if isinstance(given, int) else str(given)
        message = t("common.out_of_range", lang, label=label, given=shown, **bounds)
        st.error(message, icon=REFUSED_ICON)


def model_settings(namespace: str, lang: str, on_change: Callable[[], None]) -> None:
    """The "more settings" of the model pages: model kind, cohort size, seed.

    Widget keys are ``<namespace>_kind``, ``_n`` and ``_seed``; texts are the page's own.
    The size box takes what the engine accepts (``cohorts.MIN_PATIENTS`` and more) up to
    ``MAX_SANDBOX_PATIENTS``, a cap that keeps a change under a few seconds.
    """
    from aimed.engines.cohorts import MIN_PATIENTS
    from aimed.engines.models import MODEL_KINDS  # here: only pages that train load scikit-learn

    with st.expander(t(f"{namespace}.more_settings", lang)):
        st.selectbox(
            t(f"{namespace}.model_label", lang),
            options=list(MODEL_KINDS),
            format_func=lambda key: t(f"{namespace}.models.{key}", lang),
            help=with_terms(
                t(f"{namespace}.model_help", lang), lang, "logistic_regression", "gradient_boosting"
            ),
            key=f"{namespace}_kind",
            on_change=on_change,
        )
        for name, (minimum, maximum), step, terms in (
            ("n", (MIN_PATIENTS, MAX_SANDBOX_PATIENTS), 1_000, ()),
            ("seed", (0, MAX_SEED), 1, ("seed",)),
        ):
            bounded_number(
                t(f"{namespace}.{name}_label", lang),
                f"{namespace}_{name}",
                lang=lang,
                minimum=minimum,
                maximum=maximum,
                step=step,
                help=with_terms(t(f"{namespace}.{name}_help", lang), lang, *terms),
                on_change=on_change,
            )


def guided_paths(
    namespace: str,
    lang: str,
    names: Iterable[str],
    chosen: str | None,
    on_click: Callable[[str], None],
) -> None:
    """The "Try this" box: one button per guided path; the chosen one says what to see and why.

    Texts: ``<namespace>.try_<name>.intro``, ``.button``, ``.done`` and ``.why``.
    """
    with st.expander(t("common.try_this", lang), expanded=bool(chosen)):
        for name in names:
            st.write(t(f"{namespace}.try_{name}.intro", lang))
            st.button(
                t(f"{namespace}.try_{name}.button", lang),
                key=f"{namespace}_try_{name}",
                on_click=on_click,
                args=(name,),
            )
            if chosen == name:
                st.success(t(f"{namespace}.try_{name}.done", lang))
                why = t(f"{namespace}.try_{name}.why", lang)
                st.info(f"**{t('common.why_it_happened', lang)}.** {why}")


def apply_guide(guide_key: str, widgets: Callable[[str], Mapping[str, object]], name: str) -> None:
    """Set the widgets a guided path needs and remember that path (button callback)."""
    st.session_state.update(widgets(name))
    st.session_state[guide_key] = name


def leave_guide_if_changed(guide_key: str, widgets: Callable[[str], Mapping[str, object]]) -> None:
    """A widget moved: once it differs from the guided path, the path's text no longer fits."""
    guide = st.session_state[guide_key]
    if guide and any(st.session_state[k] != v for k, v in widgets(guide).items()):
        st.session_state[guide_key] = None


def nearest(options: Iterable[float], value: float) -> float:
    """The option closest to ``value`` on a log scale (0.1 is nearer 0.2 than 1)."""
    import math

    return min(options, key=lambda o: abs(math.log(o) - math.log(max(value, 1e-9))))


def scaled_number(
    label: str,
    key: str,
    options: list[float],
    *,
    lang: str,
    min_value: float,
    max_value: float,
    help: str | None = None,  # noqa: A002 (Streamlit's own name)
    on_change: Callable[[], None] | None = None,
    percent: bool = True,
) -> float:
    """A slider over ``options`` (spread so low values are reachable) and an exact-value box.

    ``st.session_state[key]`` holds the value (in percent when ``percent``). The box is a
    text box, not ``st.number_input``: Streamlit's number box always writes ``9.2``, never
    the French ``9,2``. It reads either mark (``aimed.texts.numbers.parse``), refuses anything
    outside ``min_value`` to ``max_value`` in the page language and keeps the last value.
    Moving either widget updates the other.
    """
    from aimed.texts import numbers

    def shown(value: float) -> str:
        if percent:
            return numbers.percent(value / 100, lang, digits=2, least=0)
        return numbers.plain(value, lang)

    scale_key, box_key = f"{key}__scale", f"{key}__box"
    written_key, refused_key = f"{key}__written", f"{key}__refused"
    st.session_state.setdefault(key, options[len(options) // 2])
    # Someone (a preset, a guided path, the language switch) changed what the box must show.
    if st.session_state.get(written_key) != (st.session_state[key], lang):
        st.session_state[box_key] = numbers.plain(st.session_state[key], lang)
        st.session_state[written_key] = (st.session_state[key], lang)
        st.session_state[scale_key] = nearest(options, st.session_state[key])

    def from_scale() -> None:
        st.session_state[key] = st.session_state[scale_key]
        if on_change:
            on_change()

    def from_box() -> None:
        typed = str(st.session_state[box_key])
        value = numbers.parse(typed, lang)
        if value is None or not min_value <= value <= max_value:
            st.session_state[refused_key] = typed
            st.session_state[box_key] = numbers.plain(st.session_state[key], lang)
            return
        st.session_state[key] = value
        st.session_state[scale_key] = nearest(options, value)
        if on_change:
            on_change()

    bounds = {"minimum": numbers.plain(min_value, lang), "maximum": numbers.plain(max_value, lang)}
    slider_column, box_column = st.columns([3, 1])
    slider_column.select_slider(
        label,
        options=options,
        format_func=shown,
        key=scale_key,
        help=help,
        on_change=from_scale,
    )
    box_column.text_input(
        t("common.exact_value", lang, label=label),
        label_visibility="collapsed",
        max_chars=12,
        help=t("common.exact_value_help", lang, **bounds),
        key=box_key,
        on_change=from_box,
    )
    if refused_key in st.session_state:
        typed = st.session_state.pop(refused_key)
        message = t("common.not_in_range", lang, label=label, given=typed, **bounds)
        st.error(message, icon=REFUSED_ICON)
    return float(st.session_state[key])


def training_progress(namespace: str, lang: str, kind: str, n: int):
    """A spinner that says in words what is being computed while a model trains.

    Cached results return at once, so the message only shows on a new setting.
    """
    from aimed.texts.numbers import count

    model = t(f"{namespace}.models.{kind}", lang)
    return st.spinner(t("common.training", lang, model=model.lower(), n=count(n, lang)))
