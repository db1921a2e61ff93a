"""Shortcut learning: a feature that tracks the outcome at the training site only.

Engine calls come from ``aimed``; this page only lays out widgets, numbers and charts.
"""

from __future__ import annotations

import streamlit as st

import sandbox_ui
from aimed.i18n import t

NS = "shortcut"

lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
st.write(t(f"{NS}.intro", lang))
st.subheader(t(f"{NS}.explain.heading", lang))
st.write(t(f"{NS}.explain.text", lang))
