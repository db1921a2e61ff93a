"""The "biased training data" page, driven as a learner would in Streamlit's AppTest.

Each failure must appear with its bias on and shrink with it off, in the numbers the page
shows; bad settings must give the engine's translated message and keep the widgets.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from aimed.engines.model_scenarios import run_biased_data
from aimed.sandbox import sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import InputError
from support import open_page

PAGE = "30_biased_data.py"
NS = "biased_data"


def shown_rate(text: str) -> float:
    """``42.1%`` or ``42,1 %`` as the fraction 0.421."""
    return float(text.replace("\u00a0", "").rstrip("%").replace(",", ".")) / 100


def table_rates(app: AppTest, metric: str, lang: str) -> dict[str, float]:
    """One column of the per-group table as fractions, keyed A, B and all (in row order)."""
    table: pd.DataFrame = app.table[0].value
    column = table[t(f"cohorts.metrics.{metric}", lang)]
    return dict(zip(("A", "B", "all"), (shown_rate(v) for v in column), strict=True))


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def invalid(error: InputError, lang: str) -> str:
    return sandbox_ui.input_error_text(error, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_device_bias_names_the_group_the_model_misses(lang: str) -> None:
    app = open_page(PAGE, lang)
    assert app.selectbox(key=f"{NS}_bias").value == "device"
    assert app.toggle(key=f"{NS}_bias_on").value is True
    missed = table_rates(app, "false_negative_rate", lang)
    assert missed["B"] - missed["A"] >= 0.10  # group B's hypoxaemia is missed far more often
    # The sentence names the gap with the engine's own numbers.
    by_group = run_biased_data("device", bias_on=True, threshold=0.5).by_group
    expected = t(
        f"{NS}.gap.missed",
        lang,
        worse_rate=numbers.percent(by_group.loc["B", "false_negative_rate"], lang),
        worse=t(f"{NS}.groups.B", lang),
        better_rate=numbers.percent(by_group.loc["A", "false_negative_rate"], lang),
        better=t(f"{NS}.groups.A", lang),
        outcome=t(f"{NS}.outcome.device", lang),
    )
    assert expected in texts(app.warning)
    assert len(app.get("vega_lite_chart")) == 2  # missed by group, calibration by group
    assert t(f"{NS}.explain.device", lang) in texts(app.markdown)
    assert "Sjoding" in t(f"{NS}.explain.device", lang)


def test_device_gap_shrinks_when_the_oximeter_reads_both_groups_alike() -> None:
    app = open_page(PAGE, "en")
    biased = table_rates(app, "false_negative_rate", "en")
    app.toggle(key=f"{NS}_bias_on").set_value(False).run()
    assert not app.exception
    fair = table_rates(app, "false_negative_rate", "en")
    assert abs(fair["B"] - fair["A"]) < 0.05
    assert abs(fair["B"] - fair["A"]) < (biased["B"] - biased["A"]) / 2
    # No warning about a gap any more, only the sentence saying it is small.
    assert not [w for w in texts(app.warning) if "misses" in w]
    assert any(text.startswith("The gap between the groups is small") for text in texts(app.info))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cost_label_under_selects_group_b_and_the_need_label_corrects_it(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_proxy").click().run()
    assert not app.exception
    assert app.selectbox(key=f"{NS}_bias").value == "proxy"
    assert app.toggle(key=f"{NS}_bias_on").value is True
    assert any(t(f"{NS}.try_proxy.why", lang) in text for text in texts(app.info))
    selected = table_rates(app, "selection_rate", lang)
    found = table_rates(app, "sensitivity", lang)  # flagged among the patients in high need
    ill = table_rates(app, "prevalence", lang)
    assert ill["B"] > ill["A"]
    assert selected["A"] - selected["B"] >= 0.03  # group B is sicker, yet flagged less
    assert found["A"] - found["B"] >= 0.05
    sentence = t(
        f"{NS}.gap.selected",
        lang,
        rate_a=numbers.percent(selected["A"], lang),
        rate_b=numbers.percent(selected["B"], lang),
        need_a=numbers.percent(ill["A"], lang),
        need_b=numbers.percent(ill["B"], lang),
    )
    assert sentence in texts(app.warning)

    app.toggle(key=f"{NS}_bias_on").set_value(False).run()  # train on health need instead
    assert not app.exception
    corrected = table_rates(app, "sensitivity", lang)
    assert corrected["B"] >= corrected["A"] - 0.02
    assert table_rates(app, "selection_rate", lang)["B"] > selected["B"]
    assert not app.success  # the guided path no longer describes the page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_under_represented_group_is_missed_until_its_share_rises(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_representation").click().run()
    assert not app.exception
    assert app.slider(key=f"{NS}_share").value == 5
    rare = table_rates(app, "false_negative_rate", lang)
    assert rare["B"] - rare["A"] >= 0.20
    assert t(f"{NS}.try_representation.done", lang) in texts(app.success)
    app.slider(key=f"{NS}_share").set_value(50).run()
    balanced = table_rates(app, "false_negative_rate", lang)
    assert abs(balanced["B"] - balanced["A"]) < 0.05


def test_lower_threshold_flags_more_patients_in_both_groups() -> None:
    app = open_page(PAGE, "en")
    before = table_rates(app, "selection_rate", "en"), table_rates(app, "sensitivity", "en")
    app.slider(key=f"{NS}_threshold").set_value(20).run()
    assert not app.exception
    after = table_rates(app, "selection_rate", "en"), table_rates(app, "sensitivity", "en")
    for rates_before, rates_after in zip(before, after, strict=True):
        assert rates_after["A"] > rates_before["A"] and rates_after["B"] > rates_before["B"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bad_settings_give_a_translated_message_and_keep_the_widgets(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.selectbox(key=f"{NS}_bias").set_value("representation").run()
    app.slider(key=f"{NS}_share").set_value(0).run()
    assert not app.exception
    with pytest.raises(InputError) as empty:
        run_biased_data("representation", share_b=0.0)
    assert texts(app.error) == [invalid(empty.value, lang)]
    assert app.slider(key=f"{NS}_share").value == 0
    assert not app.table

    # Thresholds and sizes out of the engine's range never reach it: the widgets refuse them
    # (tests/sandbox/test_number_ranges.py).
    app.slider(key=f"{NS}_share").set_value(30).run()
    app.number_input(key=f"{NS}_n").set_value(5_000).run()
    assert not app.error and app.table


def test_same_seed_same_numbers_other_seed_other_patients() -> None:
    app = open_page(PAGE, "en")
    first = app.table[0].value.copy()
    app.number_input(key=f"{NS}_seed").set_value(7).run()
    assert not app.table[0].value.equals(first)
    # A fresh engine run with seed 7 gives the very numbers the page shows.
    fresh = run_biased_data("device", bias_on=True, threshold=0.5, seed=7).by_group
    shown = table_rates(app, "false_negative_rate", "en")
    assert shown["B"] == pytest.approx(fresh.loc["B", "false_negative_rate"], abs=0.0005)
    app.number_input(key=f"{NS}_seed").set_value(0).run()
    assert app.table[0].value.equals(first)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cohort_description_quotes_the_generator_parameters(lang: str) -> None:
    app = open_page(PAGE, lang)
    device = next(m for m in texts(app.markdown) if "SpO2" in m and "Sjoding" in m)
    assert {"en": "3.95", "fr": "3,95"}[lang] in device  # group B's oximeter over-reading
    assert {"en": "1.75 points", "fr": "1,75\u00a0point "}[lang] in device  # French: < 2 singular
    app.selectbox(key=f"{NS}_bias").set_value("proxy").run()
    proxy = next(m for m in texts(app.markdown) if "Obermeyer" in m and "HbA1c" in m)
    assert {"en": "12.3%", "fr": "12,3\u00a0%"}[lang] in proxy  # 6,079 of 49,618 patients
    assert {"en": "75%", "fr": "75\u00a0%"}[lang] in proxy


# ---------------------------------------------------------------- deep links from the course


def open_variant(variant: str, lang: str) -> AppTest:
    """The page as a course button opens it: ``?lang=..&variant=..``."""
    app = AppTest.from_file(str(sandbox_ui.PAGES_DIR / PAGE), default_timeout=120)
    app.query_params["lang"] = lang
    app.query_params["variant"] = variant
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize(
    ("variant", "lang"), [("representation", "fr"), ("device", "en"), ("proxy", "fr")]
)
def test_variant_in_the_url_selects_that_bias(variant: str, lang: str) -> None:
    app = open_variant(variant, lang)
    assert app.selectbox(key=f"{NS}_bias").value == variant
    assert app.title[0].value == t(f"{NS}.title", lang)
    assert t(f"{NS}.bias_on.{variant}", lang) in texts(app.markdown)
    assert t(f"{NS}.explain.{variant}", lang) in texts(app.markdown)
    # the variant's own control: the training mix for under-representation, else the bias switch
    share_slider = [s for s in app.slider if s.key == f"{NS}_share"]
    assert bool(share_slider) == (variant == "representation")
    assert app.table, "the per-group results are shown"


@pytest.mark.parametrize("variant", ["nonsense", "DEVICE", "", "proxy;drop"])
def test_unknown_variant_falls_back_to_the_default_without_error(variant: str) -> None:
    app = open_variant(variant, "en")
    assert app.selectbox(key=f"{NS}_bias").value == "device"
    assert not app.error and app.table


def test_the_learner_choice_wins_over_the_url_after_the_first_run() -> None:
    app = open_variant("proxy", "en")
    app.selectbox(key=f"{NS}_bias").set_value("representation").run()
    assert not app.exception
    assert app.selectbox(key=f"{NS}_bias").value == "representation"
    assert t(f"{NS}.explain.representation", "en") in texts(app.markdown)
