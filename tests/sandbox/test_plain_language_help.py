"""Every technical word on the model pages comes with a plain-language definition.

A physician meets "AUC", "random seed" or "calibration slope" where the page uses them: a
widget or metric whose label (or options) holds such a word carries its definition in its
help tooltip, and every such word the page shows anywhere is defined in the page's one
glossary box. Every input widget has a help text, so a new widget without one fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from aimed.texts.i18n import LANGUAGES, t
from support import open_page

# glossary key (common.glossary.<key>) -> how the word is written on a page, per language
TERMS: dict[str, dict[str, str]] = {
    "auc": {"en": r"\bAUC\b|\bdiscrimination\b", "fr": r"\bAUC\b|\bdiscrimination\b"},
    "threshold": {"en": r"\bthreshold", "fr": r"\bseuil"},
    "seed": {"en": r"\bseed\b", "fr": r"\bgraine\b"},
    "logistic_regression": {"en": r"logistic regression", "fr": r"régression logistique"},
    "gradient_boosting": {"en": r"gradient[- ]boost", "fr": r"boost"},
    "feature": {"en": r"\bfeatures?\b", "fr": r"\bvariables?\b"},
    "test_set": {"en": r"\b(training|test) set", "fr": r"\bjeu d(e |')(test|entraînement)"},
    "permutation_importance": {
        "en": r"permutation importance",
        "fr": r"importance par permutation",
    },
    "accuracy": {"en": r"\baccuracy\b", "fr": r"\bexactitude\b"},
    "calibration": {"en": r"\bcalibrat(ion|ed)\b", "fr": r"\bcalibration\b|\bcalibrée?s?\b"},
    "calibration_in_the_large": {
        "en": r"\bmean (predicted )?risk\b",
        "fr": r"\brisque (prédit )?moyen\b|\brisque moyen prédit\b",
    },
    "calibration_slope": {"en": r"calibration slope", "fr": r"pente de calibration"},
    "recalibration": {"en": r"\brecalibrat", "fr": r"\brecalibr"},
    "pseudonymisation": {"en": r"\bpseudonymi[sz]", "fr": r"\bpseudonymis"},
    "anonymisation": {"en": r"\banonym", "fr": r"\banonym"},
    "indirect_identifier": {
        "en": r"\bindirect identifiers?\b|\bquasi-identifiers?\b",
        "fr": r"\bidentifiants? indirects?\b|\bquasi-identifiants?\b",
    },
}
INPUTS = (
    "slider",
    "select_slider",
    "number_input",
    "selectbox",
    "toggle",
    "checkbox",
    "radio",
    "text_input",
    "text_area",
    "multiselect",
)


def on_page(text: str, lang: str) -> set[str]:
    """Glossary keys of the technical words in ``text``."""
    return {key for key, forms in TERMS.items() if re.search(forms[lang], text, re.IGNORECASE)}


def definition(key: str, lang: str) -> str:
    """The definition as the page may show it: after a French colon it starts in lowercase."""
    return t(f"common.glossary.{key}.text", lang)[1:]


def choose(ns: str, key: str, value: object) -> Callable[[AppTest], None]:
    def act(app: AppTest) -> None:
        widget = app.selectbox(key=key) if isinstance(value, str) else app.toggle(key=key)
        widget.set_value(value).run()

    return act


def click(key: str) -> Callable[[AppTest], None]:
    return lambda app: app.button(key=key).click().run()


# page -> states that together show all of its texts
STATES: dict[str, list[Callable[[AppTest], None]]] = {
    "30_biased_data.py": [
        lambda app: None,
        choose("biased_data", "biased_data_bias", "representation"),
        click("biased_data_try_proxy"),
    ],
    "40_hospital_shift.py": [lambda app: None, click("hospital_shift_try_recalibrate")],
    "50_shortcut.py": [lambda app: None, click("shortcut_try_remove")],
    "80_before_you_paste.py": [
        lambda app: None,
        click("before_you_paste_try_name_only"),
        click("before_you_paste_try_right"),
    ],
}


def visible_texts(app: AppTest, glossary: set[str]) -> Iterator[str]:
    """What the reader sees outside the glossary box: titles, prose, labels, options, tables."""
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        yield from (e.value for e in getattr(app, kind) if e.value not in glossary)
    for kind in ("success", "error"):
        yield from (e.value for e in getattr(app, kind))
    for kind in (*INPUTS, "button"):
        for widget in getattr(app, kind):
            yield widget.label
            yield from getattr(widget, "options", ())
    yield from (m.label for m in app.metric)
    yield from (e.label for e in app.expander)
    for table in app.table:
        frame = table.value
        yield from (str(c) for c in frame.columns)
        yield from (str(i) for i in frame.index)
        yield from (str(v) for v in frame.to_numpy().ravel())


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", list(STATES))
def test_every_technical_word_has_its_plain_language_help(page: str, lang: str) -> None:
    app = open_page(page, lang)
    for state in STATES[page]:
        state(app)
        assert not app.exception
        boxes = [e for e in app.expander if e.label == t("common.glossary_heading", lang)]
        assert len(boxes) == 1, "one glossary box per page"
        glossary_texts = {m.value for m in boxes[0].markdown}
        glossary = "\n".join(glossary_texts)

        # 1. Each word shown on the page is defined in its glossary box.
        shown = set().union(*(on_page(text, lang) for text in visible_texts(app, glossary_texts)))
        missing = {key for key in shown if definition(key, lang) not in glossary}
        assert not missing, f"{page} ({lang}): not in the glossary box: {sorted(missing)}"

        # 2. Every input widget explains itself; a technical label carries its definition.
        for kind in INPUTS:
            for widget in getattr(app, kind):
                assert widget.help, f"{page} ({lang}): {widget.label!r} has no help"
                words = " ".join([widget.label, *map(str, getattr(widget, "options", ()))])
                for key in on_page(words, lang):
                    assert definition(key, lang) in widget.help, (widget.label, key)
        for metric in app.metric:
            for key in on_page(metric.label, lang):
                assert definition(key, lang) in metric.help, (metric.label, key)


@pytest.mark.parametrize("key", list(TERMS))
def test_each_definition_exists_in_both_languages_and_names_itself(key: str) -> None:
    for lang in LANGUAGES:
        name = t(f"common.glossary.{key}.name", lang)
        assert definition(key, lang)
        assert key in on_page(name, lang), f"{name!r} is not recognised as {key} in {lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_auc_definition_states_its_true_range(lang: str) -> None:
    """An AUC runs from 0 to 1 and 0.5 is chance (not "between 0.5 and 1")."""
    text = definition("auc", lang)
    assert ("0 to 1" if lang == "en" else "de 0 à 1") in text
    assert ("0.5" if lang == "en" else "0,5") in text
