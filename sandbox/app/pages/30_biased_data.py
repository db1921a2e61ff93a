"""Biased training data: train a real model on a biased synthetic cohort, see whom it fails.

Engine calls come from ``aimed``; this page only lays out widgets, numbers and charts.
"""

from __future__ import annotations

import streamlit as st

import sandbox_ui
from aimed.i18n import t

NS = "biased_data"

lang = sandbox_ui.current_language()
sandbox_ui.page_header(NS, lang)
st.write(t(f"{NS}.intro", lang))
st.subheader(t(f"{NS}.explain.heading", lang))
st.write(t(f"{NS}.explain.device", lang))
