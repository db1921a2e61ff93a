"""Scenario texts exist in English and French with the same keys and placeholders."""

from __future__ import annotations

import pytest

from aimed.sandbox import sandbox_ui
from aimed.texts.i18n import LANGUAGES, catalogue, placeholders, t


def test_both_languages_hold_the_same_texts() -> None:
    english, french = catalogue("en"), catalogue("fr")
    assert sorted(set(english) - set(french)) == [], "texts missing in French"
    assert sorted(set(french) - set(english)) == [], "texts missing in English"


def test_placeholders_match_across_languages() -> None:
    english, french = catalogue("en"), catalogue("fr")
    mismatched = [k for k in english if placeholders(english[k]) != placeholders(french[k])]
    assert mismatched == []


def test_no_text_is_left_empty_or_untranslated() -> None:
    english, french = catalogue("en"), catalogue("fr")
    assert [k for k, v in english.items() if not v.strip()] == []
    assert [k for k, v in french.items() if not v.strip()] == []
    long_identical = [k for k in english if english[k] == french[k] and len(english[k]) > 40]
    assert long_identical == [], "long texts identical in both languages: untranslated?"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_its_menu_texts(lang: str) -> None:
    for path in sandbox_ui.discovered_pages():
        namespace = sandbox_ui.page_namespace(path)
        assert t(f"{namespace}.nav_title", lang)
        assert t(f"{namespace}.title", lang)


def test_missing_text_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(KeyError):
        t("home.no_such_key", "fr")
