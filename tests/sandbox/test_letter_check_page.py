"""The "AI-drafted letter check" page, driven as a learner would in Streamlit's AppTest.

Marks go in through the per-sentence choices and the "something missing" picker; the score
shown must be the engine's score of those marks, in the page's language.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from streamlit.testing.v1 import AppTest

from aimed.engines.letter_check import (
    GUIDED_PATHS,
    MAX_SEED,
    Case,
    check_added_sentence,
    generate_case,
    letter,
    record_items,
)
from aimed.sandbox import sandbox_ui
from aimed.texts import numbers
from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import InputError
from support import blocking_violations, open_page, open_sandbox, wait_for_app_run

PAGE = "60_letter_check.py"
NS = "letter_check"
FIRST_SEED = 1  # the draft a first visit shows


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def everything_shown(app: AppTest) -> str:
    """All the text the page shows (not what sits inside an input box)."""
    parts = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title"):
        parts += [str(e.value) for e in app.get(kind)]
    parts += [f"{m.label} {m.value}" for m in app.metric]
    return "\n".join(parts)


def metric(app: AppTest, key: str, lang: str) -> str:
    label = t(f"{NS}.{key}", lang)
    return next(m.value for m in app.metric if m.label == label)


def caught_value(caught: int, total: int, lang: str) -> str:
    return t(
        f"{NS}.caught_value",
        lang,
        caught=numbers.count(caught, lang),
        total=numbers.count(total, lang),
    )


def mark(app: AppTest, case: Case, flagged: dict[int, str], missing: list[str]) -> AppTest:
    for index, choice in flagged.items():
        app.selectbox(key=f"{NS}_sentence_{index}").set_value(choice)
    app.multiselect(key=f"{NS}_missing").set_value(missing)
    app.run()
    return app.button(key=f"{NS}_score").click().run()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_the_record_beside_the_letter_and_says_the_drafts_are_simulated(
    lang: str,
) -> None:
    app = open_page(PAGE, lang)
    case = generate_case(FIRST_SEED)
    assert t(f"{NS}.simulated", lang) in texts(app.info)
    labels = [s.label for s in app.selectbox]
    assert labels == [
        t(f"{NS}.sentence_label", lang, number=i + 1, text=text)
        for i, text in enumerate(letter(case, lang))
    ]
    assert all(s.value == "ok" for s in app.selectbox)
    shown = everything_shown(app)
    for item in record_items(case.record, lang).values():
        assert item in shown
    assert app.multiselect(key=f"{NS}_missing").options == list(
        record_items(case.record, lang).values()
    )
    assert not app.metric  # nothing is scored before the learner asks


@pytest.mark.parametrize("lang", LANGUAGES)
def test_marking_every_error_right_catches_them_all(lang: str) -> None:
    app = open_page(PAGE, lang)
    case = generate_case(FIRST_SEED)
    flagged = {e.sentence: e.kind for e in case.errors if e.sentence is not None}
    mark(app, case, flagged, list(case.omitted))
    assert not app.exception
    total = len(case.errors)
    assert metric(app, "caught_label", lang) == caught_value(total, total, lang)
    assert metric(app, "missed_label", lang) == "0"
    assert metric(app, "false_alarms_label", lang) == "0"
    assert metric(app, "time_label", lang) != t(f"{NS}.time_none", lang)
    assert t(f"{NS}.all_caught", lang) in texts(app.success)
    status = t(f"{NS}.status_caught", lang)
    explained = [s for s in texts(app.success) if s.startswith(f"**{status}.")]
    assert len(explained) == total and not app.error
    for error in case.errors:
        explain = t(f"{NS}.kinds.{error.kind}.explain", lang)
        assert any(explain in s for s in explained)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_marks_miss_every_error_and_each_is_explained_with_its_published_rate(
    lang: str,
) -> None:
    app = open_page(PAGE, lang)
    case = generate_case(FIRST_SEED)
    app.button(key=f"{NS}_score").click().run()
    total = len(case.errors)
    assert metric(app, "caught_label", lang) == caught_value(0, total, lang)
    assert metric(app, "missed_label", lang) == numbers.count(total, lang)
    missed = texts(app.error)
    assert len(missed) == total
    assert all(m.startswith(f"**{t(f'{NS}.status_missed', lang)}.") for m in missed)
    rates = {
        "hallucination": numbers.percent(0.0147, lang, digits=2),
        "omission": numbers.percent(0.0345, lang, digits=2),
    }
    for error in case.errors:
        box = next(m for m in missed if t(f"{NS}.kinds.{error.kind}.explain", lang) in m)
        assert rates[error.family] in box
    caveat = t(f"{NS}.rates_caveat", lang)
    assert caveat in texts(app.markdown)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_flagging_every_sentence_gives_false_alarms_for_the_faithful_ones(lang: str) -> None:
    app = open_page(PAGE, lang)
    case = generate_case(FIRST_SEED)
    mark(app, case, {i: "other" for i in range(len(case.statements))}, [])
    written = sum(e.sentence is not None for e in case.errors)
    assert metric(app, "false_alarms_label", lang) == numbers.count(
        len(case.statements) - written, lang
    )
    assert metric(app, "caught_label", lang) == caught_value(written, len(case.errors), lang)
    faithful = next(
        i for i in range(len(case.statements)) if i not in {e.sentence for e in case.errors}
    )
    assert t(f"{NS}.false_alarm_sentence", lang, number=faithful + 1) in everything_shown(app)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guided_checks_catch_the_invention_one_way_and_the_omission_the_other(lang: str) -> None:
    app = open_page(PAGE, lang)
    path = GUIDED_PATHS["letter_first"]
    case = path.case()
    invented = next(e for e in case.errors if e.kind == "invented_drug")

    app.button(key=f"{NS}_try_letter_first").click().run()
    assert not app.exception
    assert t(f"{NS}.try_letter_first.done", lang) in texts(app.success)
    assert any(t(f"{NS}.try_letter_first.why", lang) in i for i in texts(app.info))
    assert app.selectbox(key=f"{NS}_sentence_{invented.sentence}").value == "invented_drug"
    assert app.multiselect(key=f"{NS}_missing").value == []
    assert metric(app, "caught_label", lang) == caught_value(1, 2, lang)
    omitted = t(f"{NS}.kinds.omitted_allergy.name", lang)
    assert [e for e in texts(app.error) if omitted in e]  # the allergy is missed

    app.button(key=f"{NS}_try_record_first").click().run()
    assert t(f"{NS}.try_record_first.done", lang) in texts(app.success)
    assert app.selectbox(key=f"{NS}_sentence_{invented.sentence}").value == "ok"
    assert app.multiselect(key=f"{NS}_missing").value == list(case.omitted)
    assert metric(app, "caught_label", lang) == caught_value(1, 2, lang)
    name = t(f"{NS}.kinds.invented_drug.name", lang)
    assert [e for e in texts(app.error) if name.lower() in e]  # the invention is missed

    # Moving a mark ends the guided path and asks for a new score.
    app.selectbox(key=f"{NS}_sentence_0").set_value("wrong_number").run()
    assert t(f"{NS}.try_record_first.done", lang) not in texts(app.success)
    assert not app.metric
    assert t(f"{NS}.changed_note", lang) in texts(app.info)


def test_a_new_draft_clears_the_marks_and_follows_the_seed() -> None:
    app = open_page(PAGE, "en")
    app.selectbox(key=f"{NS}_sentence_2").set_value("wrong_side").run()
    app.button(key=f"{NS}_new").click().run()
    assert app.number_input(key=f"{NS}_seed").value == FIRST_SEED + 1
    second = letter(generate_case(FIRST_SEED + 1), "en")
    assert [s.label.split(": ", 1)[1] for s in app.selectbox] == list(second)
    assert all(s.value == "ok" for s in app.selectbox)
    app.number_input(key=f"{NS}_seed").set_value(40).run()
    assert t(
        f"{NS}.draft_caption",
        "en",
        seed=40,
        sentences=len(generate_case(40).statements),
        items=len(generate_case(40).record.facts()),
    ) in texts(app.markdown)


def test_a_bad_draft_number_gets_a_clear_message_and_the_page_recovers() -> None:
    app = open_page(PAGE, "fr")
    before = app.number_input(key=f"{NS}_seed").value
    drafted = len(app.selectbox)
    app.number_input(key=f"{NS}_seed").set_value(-4).run()
    assert not app.exception
    with pytest.raises(InputError):
        generate_case(-4)  # the box refuses what the engine refuses, with the same range
    refusal = t(
        "common.out_of_range",
        "fr",
        label=t(f"{NS}.seed_label", "fr"),
        given=numbers.count(-4, "fr"),
        minimum="0",
        maximum=numbers.count(MAX_SEED, "fr"),
    )
    assert texts(app.error) == [refusal]
    assert app.number_input(key=f"{NS}_seed").value == before  # the last accepted number
    assert len(app.selectbox) == drafted  # the draft on screen stays
    app.number_input(key=f"{NS}_seed").set_value(3).run()
    assert not app.error and len(app.selectbox) == len(generate_case(3).statements)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_identifier_in_the_added_sentence_is_refused_never_echoed_and_nothing_is_lost(
    lang: str,
) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_letter_first").click().run()
    before = [s.value for s in app.selectbox]
    score_before = metric(app, "caught_label", lang)
    typed = "Mr Dupont, 06 12 34 56 78: allergic to NSAIDs"
    app.text_area(key=f"{NS}_added").input(typed).run()
    app.button(key=f"{NS}_check_added").click().run()
    assert not app.exception
    with pytest.raises(InputError) as error:
        check_added_sentence(GUIDED_PATHS["letter_first"].case(), typed, lang)
    assert sandbox_ui.input_error_text(error.value, lang) in texts(app.error)
    assert app.text_area(key=f"{NS}_added").value == typed  # kept in the box, to be edited
    shown = everything_shown(app)
    assert "Dupont" not in shown and "56 78" not in shown
    assert [s.value for s in app.selectbox] == before
    assert metric(app, "caught_label", lang) == score_before

    case = GUIDED_PATHS["letter_first"].case()
    item = record_items(case.record, lang)[case.omitted[0]]
    sentence = {"en": "Allergy: NSAIDs (asthma attack).", "fr": "Allergie : AINS (crise d'asthme)."}
    app.text_area(key=f"{NS}_added").input(sentence[lang]).run()
    app.button(key=f"{NS}_check_added").click().run()
    assert t(f"{NS}.added_named", lang, items=f"“{item}”") in texts(app.success)
    app.text_area(key=f"{NS}_added").input("Chest X-ray in six weeks.").run()
    app.button(key=f"{NS}_check_added").click().run()
    assert t(f"{NS}.added_not_named", lang, items=f"“{item}”") in texts(app.warning)


# --- In real Chromium ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_guided_check_in_the_browser_is_local_and_accessible(
    page: Page, sandbox_url: str, offsite_requests: list[str], lang: str
) -> None:
    # A fresh server answers its very first deep link with a spurious "Page not found"
    # modal over the right page (streamlit/streamlit#9992); open the home page first.
    open_sandbox(page, f"{sandbox_url}/?lang={lang}")
    open_sandbox(page, f"{sandbox_url}/letter-check?lang={lang}")
    heading = page.get_by_role("heading", name=t(f"{NS}.title", lang), exact=True)
    expect(heading).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t("common.teaching_notice", lang))).to_be_visible()
    first = letter(generate_case(FIRST_SEED), lang)[0]
    expect(page.get_by_text(first).first).to_be_visible()

    page.get_by_text(t("common.try_this", lang), exact=True).click()
    page.get_by_role("button", name=t(f"{NS}.try_letter_first.button", lang)).click()
    wait_for_app_run(page)
    expect(page.get_by_text(t(f"{NS}.try_letter_first.done", lang))).to_be_visible()
    expect(page.get_by_text(t(f"{NS}.try_letter_first.why", lang))).to_be_visible()
    expect(page.get_by_text(caught_value(1, 2, lang), exact=True)).to_be_visible()

    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"
    assert blocking_violations(page) == []
