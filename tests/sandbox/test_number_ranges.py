"""Number boxes and sliders of the model pages take exactly what their messages say.

A box refuses a value outside its range, says so in the page's language and keeps the last
accepted value; its help states the same range; that range is the engine's (or inside it),
so no message can contradict another.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from aimed.engines import cohorts
from aimed.engines.group_metrics import check_threshold
from aimed.engines.model_scenarios import run_hospital_shift
from aimed.engines.models import MIN_RECALIBRATION_SAMPLE
from aimed.sandbox import sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import InputError
from support import open_page

PAGES = {
    "biased_data": "30_biased_data.py",
    "hospital_shift": "40_hospital_shift.py",
    "shortcut": "50_shortcut.py",
}
# box -> (minimum, maximum) every model page offers
BOXES = {
    "n": (cohorts.MIN_PATIENTS, sandbox_ui.MAX_SANDBOX_PATIENTS),
    "seed": (0, sandbox_ui.MAX_SEED),
}


def bounds(minimum: int, maximum: int, lang: str) -> dict[str, str]:
    return {"minimum": numbers.count(minimum, lang), "maximum": numbers.count(maximum, lang)}


def refuses(
    app: AppTest, key: str, label: str, given: int, lang: str, limits: tuple[int, int]
) -> None:
    """Typing ``given`` leaves the box as it was and shows the translated reason."""
    before = app.number_input(key=key).value
    app.number_input(key=key).set_value(given).run()
    assert not app.exception
    assert app.number_input(key=key).value == before
    expected = t(
        "common.out_of_range",
        lang,
        label=label,
        given=numbers.count(given, lang),
        **bounds(*limits, lang),
    )
    assert expected in [e.value for e in app.error]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("ns", list(PAGES))
def test_model_settings_refuse_what_their_range_excludes(ns: str, lang: str) -> None:
    app = open_page(PAGES[ns], lang)
    for name, limits in BOXES.items():
        key, label = f"{ns}_{name}", t(f"{ns}.{name}_label", lang)
        assert app.number_input(key=key).help.endswith(
            t("common.range_help", lang, **bounds(*limits, lang))
        )
        refuses(app, key, label, limits[0] - 1, lang, limits)
        refuses(app, key, label, limits[1] + 1, lang, limits)
    # The error goes with the next change; values inside the range are taken.
    app.number_input(key=f"{ns}_seed").set_value(3).run()
    assert not app.error and app.number_input(key=f"{ns}_seed").value == 3


def test_the_smallest_cohort_the_box_takes_is_the_engines_smallest() -> None:
    assert BOXES["n"][0] == cohorts.MIN_PATIENTS <= BOXES["n"][1] <= cohorts.MAX_PATIENTS
    with pytest.raises(InputError):
        cohorts.hospital_cohort(cohorts.MIN_PATIENTS - 1)
    assert len(cohorts.hospital_cohort(cohorts.MIN_PATIENTS)) == cohorts.MIN_PATIENTS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_recalibration_range_is_one_range_everywhere(lang: str) -> None:
    app = open_page(PAGES["hospital_shift"], lang)
    app.button(key="hospital_shift_try_recalibrate").click().run()
    key, label = "hospital_shift_local_n", t("hospital_shift.recalibration_label", lang)
    limits = (MIN_RECALIBRATION_SAMPLE, 5_000)
    box = app.number_input(key=key)
    assert box.help.endswith(t("common.range_help", lang, **bounds(*limits, lang)))
    refuses(app, key, label, limits[0] - 1, lang, limits)
    refuses(app, key, label, limits[1] + 1, lang, limits)
    # The engine's own message names the same minimum as the box.
    with pytest.raises(InputError) as error:
        run_hospital_shift(n=cohorts.MIN_PATIENTS, recalibration_n=limits[0] - 1)
    assert numbers.count(limits[0], lang) in error.value.message(lang)
    assert run_hospital_shift(n=cohorts.MIN_PATIENTS, recalibration_n=limits[0]).at_b_recalibrated


@pytest.mark.parametrize("ns", list(PAGES))
def test_threshold_sliders_stay_inside_what_the_engine_accepts(ns: str) -> None:
    slider = open_page(PAGES[ns], "en").slider(key=f"{ns}_threshold")
    low, high = slider.proto.min, slider.proto.max
    assert check_threshold(low / 100) and check_threshold(high / 100)
    for outside in (0, 100):
        with pytest.raises(InputError):
            check_threshold(outside / 100)
        assert not low <= outside <= high


def test_no_page_lets_streamlit_refuse_a_number_in_english() -> None:
    """``st.number_input(min_value=..., max_value=...)`` refuses with Streamlit's English
    "Number is outside the allowed range"; pages use ``sandbox_ui.bounded_number`` instead."""
    import ast

    app_dir = sandbox_ui.PAGES_DIR.parent
    bounded = []
    for path in sorted(app_dir.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "number_input"
                and {k.arg for k in node.keywords} & {"min_value", "max_value"}
            ):
                bounded.append(f"{path.name}:{node.lineno}")
    assert bounded == []
