"""Every sandbox page runs in Streamlit's AppTest, in both languages, without exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aimed.sandbox import sandbox_ui
from aimed.texts.i18n import LANGUAGES, t

APP = Path(__file__).resolve().parents[2] / "sandbox"
PAGES = sandbox_ui.discovered_pages()


def run_page(path: Path, lang: str) -> AppTest:
    app = AppTest.from_file(str(path), default_timeout=60)
    app.query_params["lang"] = lang
    return app.run()


def test_pages_are_discovered() -> None:
    assert PAGES and sandbox_ui.page_namespace(PAGES[0]) == "home"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_page_runs_in_language(path: Path, lang: str) -> None:
    app = run_page(path, lang)
    assert not app.exception, [e.value for e in app.exception]
    namespace = sandbox_ui.page_namespace(path)
    assert app.title[0].value == t(f"{namespace}.title", lang)
    assert any(w.value == t("common.teaching_notice", lang) for w in app.warning)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_entry_point_follows_the_url_language(lang: str) -> None:
    app = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=60)
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.sidebar.selectbox(key="lang").value == lang
    assert app.title[0].value == t("home.title", lang)


def test_language_can_be_switched_in_the_interface() -> None:
    app = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=60).run()
    assert app.title[0].value == t("home.title", "en")
    app.sidebar.selectbox(key="lang").set_value("fr").run()
    assert not app.exception
    assert app.title[0].value == t("home.title", "fr")


def test_unknown_language_in_url_falls_back_to_english() -> None:
    app = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=60)
    app.query_params["lang"] = "xx<script>"
    app.run()
    assert not app.exception
    assert app.title[0].value == t("home.title", "en")
