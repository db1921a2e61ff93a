"""The biased-data page, opened from a course link on under-representation, shows the lesson.

It opened at a 50% share, where the model misses about as many patients in both groups
(about 60% at the 50% threshold); it now opens at the guided path's 5%, where group B is
missed far more, and module 1 says what the learner will see there.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from aimed.engines.model_scenarios import run_biased_data
from aimed.sandbox import sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import LANGUAGES, t
from support import module_page_text

PAGE = "30_biased_data.py"
NS = "biased_data"


def open_from_course(lang: str) -> AppTest:
    app = AppTest.from_file(str(sandbox_ui.PAGES_DIR / PAGE), default_timeout=120)
    app.query_params["lang"] = lang
    app.query_params["variant"] = "representation"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def missed(app: AppTest, lang: str) -> dict[str, float]:
    table = app.table[0].value
    column = table[t("cohorts.metrics.false_negative_rate", lang)]
    values = [float(re.sub(r"[^\d,.]", "", str(v)).replace(",", ".")) / 100 for v in column]
    return dict(zip(("A", "B", "all"), values, strict=True))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_course_link_opens_where_group_b_is_missed_far_more(lang: str) -> None:
    app = open_from_course(lang)
    assert app.slider(key=f"{NS}_share").value == 5
    rates = missed(app, lang)
    assert rates["B"] - rates["A"] >= 0.25, rates
    # what the page shows is the engine's run at that setting
    engine = run_biased_data("representation", share_b=0.05).evaluation.by_group
    assert rates["B"] == pytest.approx(engine.loc["B", "false_negative_rate"], abs=0.005)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_module_1_says_what_the_page_opens_on(lang: str) -> None:
    """Module 1 gives the opening share and what the model finds in each group there."""
    text = module_page_text("what-ai-is", lang)
    sensitivity = run_biased_data("representation", share_b=0.05).evaluation.by_group["sensitivity"]
    share = numbers.percent(0.05, lang, digits=0)
    found = [numbers.percent(sensitivity[g], lang, digits=0) for g in ("A", "B")]
    for figure in (share, *found):
        assert figure in text, figure
