"""The letter check's per-error line says which kind the reader chose for a near miss.

A near miss is the right sentence flagged with another kind: it counts as caught, but the
line must tell the learner what they chose, so they can see why the kind was not named.
"""

from __future__ import annotations

import pytest

from aimed.engines.letter_check import SENTENCE_KINDS, generate_case
from aimed.texts.i18n import LANGUAGES, t
from support import open_page

PAGE = "60_letter_check.py"
NS = "letter_check"
FIRST_SEED = 1  # the draft a first visit shows


def choice_name(choice: str, lang: str) -> str:
    if choice in ("ok", "other"):
        return t(f"{NS}.choices.{choice}", lang)
    return t(f"{NS}.kinds.{choice}.name", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_near_miss_names_the_kind_the_reader_chose(lang: str) -> None:
    case = generate_case(FIRST_SEED)
    sentence_errors = [e for e in case.errors if e.sentence is not None]
    near, exact = sentence_errors[0], sentence_errors[1]
    wrong_kind = next(k for k in SENTENCE_KINDS if k != near.kind)
    app = open_page(PAGE, lang)
    app.selectbox(key=f"{NS}_sentence_{near.sentence}").set_value(wrong_kind)
    app.selectbox(key=f"{NS}_sentence_{exact.sentence}").set_value(exact.kind)
    app.selectbox(key=f"{NS}_sentence_{sentence_errors[2].sentence}").set_value("other")
    app.run()
    app.button(key=f"{NS}_score").click().run()
    assert not app.exception, [e.value for e in app.exception]
    lines = [s.value for s in app.success]
    number = {"en": "Sentence", "fr": "Phrase"}[lang]

    def line(error) -> str:
        return next(s for s in lines if f"{number} {error.sentence + 1}," in s)

    chosen = t(f"{NS}.near_miss", lang, chosen=choice_name(wrong_kind, lang))
    assert chosen in line(near)
    assert choice_name(wrong_kind, lang) in line(near)
    # "Wrong in another way" is a near miss too, and says so
    other = t(f"{NS}.near_miss", lang, chosen=choice_name("other", lang))
    assert other in line(sentence_errors[2])
    # the right kind: no near-miss sentence on its line
    prefix = t(f"{NS}.near_miss", lang, chosen="|").split("|")[0]
    assert prefix not in line(exact)
