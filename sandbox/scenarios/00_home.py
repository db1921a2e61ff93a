"""Sandbox home: what the sandbox is, and the scenarios it holds."""

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from aimed.sandbox import sandbox_ui
from aimed.settings import read
from aimed.texts.i18n import t

lang = sandbox_ui.current_language()
sandbox_ui.page_header("home", lang)
st.write(t("home.intro", lang))
st.write(t("home.how_to", lang))
# Where the course site runs: AIMED_COURSE_URL, else this machine's site port (aimed.settings).
course_url = read().course_url
st.info(t("home.course_link", lang, course_url=course_url))

st.subheader(t("home.scenarios_heading", lang))
scenarios = [p for p in sandbox_ui.discovered_pages() if sandbox_ui.page_namespace(p) != "home"]
if not scenarios:
    st.write(t("home.no_scenarios", lang))
for path in scenarios:
    namespace = sandbox_ui.page_namespace(path)
    label = t(f"{namespace}.nav_title", lang)
    try:
        st.page_link(str(path), label=label)
    except StreamlitPageNotFoundError:
        # Run outside st.navigation (AppTest of this file alone): a plain link to the same page.
        st.markdown(f"[{label}](/{namespace.replace('_', '-')}?lang={lang})")
    st.write(t(f"{namespace}.summary", lang))
