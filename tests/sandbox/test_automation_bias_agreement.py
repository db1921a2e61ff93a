"""The automation-bias test agrees its case stem with the patient's sex, in both languages.

A French case read "Un patient vous consulte…" above "Femme de 74 ans". Every case of the
default series is shown in the page (AppTest) and checked: the stem names a woman or a man
(French: « Une patiente » / « Un patient ») exactly as the case's first fact does.
"""

from __future__ import annotations

import pytest

from aimed.engines.automation_bias import CLEAR, make_series
from aimed.texts.i18n import LANGUAGES, t
from support import open_page

PAGE = "70_automation_bias.py"
NS = "automation_bias"
SEED = 1  # the page's default series: it holds Marburg cases of both sexes
STEMS = {
    "fr": {"woman": "Une patiente vous consulte", "man": "Un patient vous consulte"},
    "en": {"woman": "A woman consults you", "man": "A man consults you"},
}


def test_every_case_with_a_sex_has_both_sexes_in_the_default_series() -> None:
    sexes = {f.values["sex"] for c in make_series(SEED).cases for f in c.facts if "sex" in f.values}
    assert sexes == {"woman", "man"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_stem_agrees_with_the_patients_sex_in_every_case(lang: str) -> None:
    series = make_series(SEED)
    app = open_page(PAGE, lang)
    checked = 0
    for case in series.cases:
        shown = "\n".join(m.value for m in app.markdown)
        sex = next((f.values["sex"] for f in case.facts if "sex" in f.values), None)
        if sex is not None:
            fact = t(f"{NS}.facts.marburg.age_sex.{sex}", lang, age=case.facts[0].values["age"])
            assert fact in shown
            assert STEMS[lang][sex] in shown, shown
            other = "man" if sex == "woman" else "woman"
            assert STEMS[lang][other] not in shown
            checked += 1
        app.radio(key=f"{NS}_choice_{SEED}_{case.number}").set_value(CLEAR)
        app.button(key=f"{NS}_confirm").click().run()
        assert not app.exception, [e.value for e in app.exception]
    assert checked == 5


@pytest.mark.parametrize("sex", ["woman", "man"])
def test_french_stem_and_first_fact_agree_in_gender(sex: str) -> None:
    stem = t(f"{NS}.families.marburg.stem_{sex}", "fr")
    fact = t(f"{NS}.facts.marburg.age_sex.{sex}", "fr", age=74)
    assert stem.startswith("Une patiente ") == fact.startswith("Femme ") == (sex == "woman")
