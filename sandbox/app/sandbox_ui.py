"""Streamlit helpers shared by every sandbox page: language, page header, notices.

This is the only UI layer; the numbers come from the plain-Python ``aimed``
package, which never imports Streamlit.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from aimed.errors import InputError
from aimed.i18n import LANGUAGES, normalise_language, t

# Not "pages/": Streamlit treats that folder as an old-style multipage app until
# st.navigation first runs, and answers the first deep link with "Page not found".
PAGES_DIR = Path(__file__).parent / "scenarios"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


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


def page_header(namespace: str, lang: str) -> None:
    """Title, the teaching-model notice and the privacy line, identical on every page."""
    st.title(t(f"{namespace}.title", lang))
    st.warning(t("common.teaching_notice", lang), icon="⚠️")
    st.markdown(t("common.privacy_notice", lang))  # not st.caption: its grey fails contrast (axe)


def discovered_pages() -> list[Path]:
    """Page scripts in menu order (their numeric prefix)."""
    return sorted(PAGES_DIR.glob("[0-9][0-9]_*.py"))


def show_input_error(error: InputError, lang: str) -> None:
    """A clear, translated message; the widgets keep what the user entered."""
    st.error(t("common.invalid_input", lang, reason=error.message(lang)), icon="✋")
