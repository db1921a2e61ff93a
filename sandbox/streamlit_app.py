"""Entry point of the sandbox: language switch, then the page the URL names."""

import streamlit as st

from aimed.sandbox import sandbox_ui
from aimed.texts.i18n import t

# The browser tab's title in the reader's language (from the URL or the sidebar choice).
st.set_page_config(
    page_title=t("common.app_title", sandbox_ui.current_language()), page_icon="🩺", layout="wide"
)

lang = sandbox_ui.language_selector()
pages = []
for index, path in enumerate(sandbox_ui.discovered_pages()):
    namespace = sandbox_ui.page_namespace(path)
    pages.append(
        st.Page(
            str(path),
            title=t(f"{namespace}.nav_title", lang),
            url_path=namespace.replace("_", "-") if index else "",
            default=index == 0,
        )
    )
st.navigation(pages).run()
