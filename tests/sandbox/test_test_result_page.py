"""The "test result in context" page, driven as a user would in Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from aimed.texts import numbers
from aimed.texts.i18n import LANGUAGES, t
from aimed.texts.numbers import percent
from support import open_page

PAGE = "10_test_result.py"
NS = "test_result"
SCALE, BOX = "test_result_prevalence__scale", "test_result_prevalence__box"


def shown_scale(value: float, lang: str) -> str:
    """A step of the prevalence scale as the slider labels it."""
    return percent(value / 100, lang, digits=2, least=0)


def metric(app: AppTest, key: str, lang: str) -> str:
    label = t(f"{NS}.{key}", lang)
    return next(m.value for m in app.metric if m.label == label)


def percent_shown(text: str) -> float:
    """``16.1%`` or ``16,1 %`` as the number 16.1."""
    return float(text.replace("\u00a0", "").rstrip("%").replace(",", "."))


def alarms_shown(app: AppTest, lang: str) -> tuple[int, int]:
    """The "false alarms among positives" metric as (false alarms, positives)."""
    word = {"en": " of ", "fr": " sur "}[lang]
    false_alarms, positives = metric(app, "false_alarms_label", lang).split(word)
    return int(false_alarms), int(positives)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_default_run_shows_the_mammography_problem(lang: str) -> None:
    app = open_page(PAGE, lang)
    assert app.title[0].value == t(f"{NS}.title", lang)
    assert metric(app, "ppv_label", lang) == {"en": "9.2%", "fr": "9,2\u00a0%"}[lang]
    assert alarms_shown(app, lang) == (89, 98)
    counts = t(
        f"{NS}.frequencies",
        lang,
        n={"en": "1,000", "fr": "1\u202f000"}[lang],
        sick=10,
        true_positives=9,
        false_positives=89,
        healthy=990,
        positives=98,
    )
    assert counts in [m.value for m in app.markdown]
    charts = app.get("vega_lite_chart")
    assert len(charts) == 1
    # The legend is in the page language.
    spec = charts[0].proto.spec
    assert t(f"{NS}.legend.false_positive", lang) in spec


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guided_path_shows_mostly_false_alarms(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key="test_result_try_rare").click().run()
    assert not app.exception
    assert app.select_slider(key="test_result_sensitivity").value == 95.0
    assert app.select_slider(key="test_result_specificity").value == 95.0
    assert app.text_input(key=BOX).value == "1"
    ppv = percent_shown(metric(app, "ppv_label", lang))
    assert ppv < 50
    assert ppv == pytest.approx(16.1)
    false_alarms, positives = alarms_shown(app, lang)
    assert false_alarms > positives - false_alarms  # more false alarms than true positives
    shown = metric(app, "ppv_label", lang)
    verdict = t(f"{NS}.verdict_mostly_false", lang, ppv=shown)
    assert verdict in [w.value for w in app.warning]
    infos = [i.value for i in app.info]
    assert any(t(f"{NS}.try_rare.why", lang) in text for text in infos)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mammography_guide_gives_about_nine_percent(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.select_slider(key=SCALE).set_value(30.0).run()
    app.button(key="test_result_try_mammography").click().run()
    assert not app.exception
    assert round(percent_shown(metric(app, "ppv_label", lang))) == 9
    assert app.selectbox(key="test_result_preset").value == "screening_mammography"
    assert any(t(f"{NS}.try_mammography.why", lang) in i.value for i in app.info)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_higher_prevalence_raises_ppv(lang: str) -> None:
    app = open_page(PAGE, lang)
    before = percent_shown(metric(app, "ppv_label", lang))
    app.select_slider(key=SCALE).set_value(20.0).run()
    after = percent_shown(metric(app, "ppv_label", lang))
    assert after > 50 > before
    shown = metric(app, "ppv_label", lang)
    assert t(f"{NS}.verdict_mostly_true", lang, ppv=shown) in [s.value for s in app.success]
    assert t(f"{NS}.verdict_mostly_false", lang, ppv=shown) not in [w.value for w in app.warning]
    # The preset no longer matches the sliders, so the page says "my own values".
    assert app.selectbox(key="test_result_preset").value == "custom"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_preset_sets_the_prevalence_and_cites_its_source(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.selectbox(key="test_result_preset").set_value("emergency_pneumonia").run()
    assert not app.exception
    assert app.text_input(key=BOX).value == "20"
    assert app.select_slider(key=SCALE).value == 20.0
    assert any("Ebell" in c.value for c in app.caption)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_low_prevalences_are_reachable_and_the_ends_are_not_offered(lang: str) -> None:
    """0.1% is one step of the scale; 0% and 100% (no test result means anything) are not."""
    app = open_page(PAGE, lang)
    scale = app.select_slider(key=SCALE)
    assert scale.options[:3] == [shown_scale(v, lang) for v in (0.1, 0.2, 0.5)]
    assert len(scale.options) >= 15
    accuracy = app.select_slider(key="test_result_sensitivity").options
    assert {"en": "90.5%", "fr": "90,5\u00a0%"}[lang] in accuracy  # the page's own number style
    scale.set_value(0.1).run()
    assert app.text_input(key=BOX).value == {"en": "0.1", "fr": "0,1"}[lang]
    assert percent_shown(metric(app, "ppv_label", lang)) < 2
    # An exact value typed in the box moves the scale to its nearest step.
    app.text_input(key=BOX).input({"en": "0.3", "fr": "0,3"}[lang]).run()
    assert app.select_slider(key=SCALE).value == 0.2
    assert not app.error


@pytest.mark.parametrize("lang", LANGUAGES)
def test_exact_prevalence_box_reads_the_language_and_refuses_the_ends(lang: str) -> None:
    """The box writes and reads « 9,2 » in French; 0% and 100% are refused in words."""
    app = open_page(PAGE, lang)
    app.text_input(key=BOX).input({"en": "9.2", "fr": "9,2"}[lang]).run()
    assert app.text_input(key=BOX).value == {"en": "9.2", "fr": "9,2"}[lang]
    assert app.session_state["test_result_prevalence"] == 9.2
    label = t(f"{NS}.prevalence_label", lang)
    bounds = {"minimum": numbers.plain(0.01, lang), "maximum": numbers.plain(99.9, lang)}
    assert app.text_input(key=BOX).help == t("common.exact_value_help", lang, **bounds)
    for typed in ("0", "100", "abc"):
        app.text_input(key=BOX).input(typed).run()
        assert not app.exception
        assert app.session_state["test_result_prevalence"] == 9.2  # the last accepted value
        assert app.text_input(key=BOX).value == {"en": "9.2", "fr": "9,2"}[lang]
        refusal = t("common.not_in_range", lang, label=label, given=typed, **bounds)
        assert [e.value for e in app.error] == [refusal]


def test_test_that_never_fires_says_so() -> None:
    app = open_page(PAGE, "en")
    app.select_slider(key="test_result_sensitivity").set_value(0.0)
    app.select_slider(key="test_result_specificity").set_value(100.0).run()
    assert not app.exception
    assert metric(app, "ppv_label", "en") == t(f"{NS}.undefined_value", "en")
    assert t(f"{NS}.never_positive_note", "en") in [i.value for i in app.info]
