"""The automation-bias test page, driven case by case as a learner would in Streamlit's AppTest.

The rates the page shows must be the engine's rates for the answers the learner gave; the
summary must sit beside the published figures, say it is the learner's own result, and
offer the run as a file.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from streamlit.testing.v1 import AppTest

from aimed.engines.automation_bias import (
    CLEAR,
    MAX_SEED,
    PROBLEM,
    Condition,
    make_series,
    score,
    scripted_answers,
    to_json,
)
from aimed.texts import numbers
from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import InputError
from support import blocking_violations, open_page, open_sandbox, wait_for_app_run

PAGE = "70_automation_bias.py"
NS = "automation_bias"
FIRST_SEED = 1  # the page's default series


def metric(app: AppTest, key: str, lang: str) -> str:
    label = t(f"{NS}.result.{key}", lang)
    return next(m.value for m in app.metric if m.label == label)


def rate(rate, lang: str) -> str:
    return t(
        f"{NS}.result.rate",
        lang,
        percent=numbers.percent(rate.value, lang, digits=1, least=0),
        hits=rate.hits,
        total=rate.total,
    )


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def current_case(app: AppTest, lang: str) -> int:
    """The case number in the heading ("Case 3: ..." / "Cas 3 : ...")."""
    heading = app.subheader[0].value
    return int(heading.split()[1].rstrip(":"))


def answer(app: AppTest, seed: int, number: int, choice: str) -> AppTest:
    app.radio(key=f"{NS}_choice_{seed}_{number}").set_value(choice)
    app.button(key=f"{NS}_confirm").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_learner_goes_through_the_series_and_gets_their_own_rates(lang: str) -> None:
    """Follow the AI on the first half, apply the rules on the second: the rates must match."""
    series = make_series(FIRST_SEED)
    app = open_page(PAGE, lang)
    given = {}
    for case in series.cases:
        assert current_case(app, lang) == case.number
        shown = "\n".join(texts(app.info))
        if case.condition is Condition.ALONE:
            assert any(t(f"{NS}.page.alone", lang) in m for m in texts(app.markdown))
            assert not app.info or t(f"{NS}.page.ai_silent", lang) not in shown
        elif case.suggestion is None:
            assert t(f"{NS}.page.ai_silent", lang) in shown
        else:
            label = t(f"{NS}.families.{case.family}.{case.suggestion}", lang)
            assert t(f"{NS}.page.ai_suggests", lang, answer=label) in shown
            assert (t(f"{NS}.page.ai_weighed", lang, facts="")[:12] in shown) == case.explained
        if case.number <= 10:
            choice = case.suggestion or (CLEAR if case.shows_ai else case.answer)
        else:
            choice = case.answer
        given[case.number] = choice
        answer(app, FIRST_SEED, case.number, choice)

    expected = score(series, given)
    assert app.header[0].value == t(f"{NS}.page.done_heading", lang)
    for situation in ("alone", "ai_right", "ai_wrong", "ai_silent"):
        shown = numbers.percent(expected.accuracy[situation].value, lang, digits=1, least=0)
        assert metric(app, f"accuracy_{situation}", lang) == shown
    assert metric(app, "commission", lang) == rate(expected.commission, lang)
    assert metric(app, "omission", lang) == rate(expected.omission, lang)
    # Labelled as the learner's own result, never as a study result.
    intro = t(f"{NS}.page.done_intro", lang, total=20, seed=FIRST_SEED)
    assert intro in texts(app.markdown)
    # Two charts: accuracy by situation, and the comparison with the published study.
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2
    spec = json.dumps(json.loads(charts[1].proto.spec), ensure_ascii=False)
    assert t(f"{NS}.result.study", lang) in spec
    assert t(f"{NS}.result.yours", lang) in spec
    comparison = app.table[0].value
    study = comparison.loc[t(f"{NS}.result.study", lang)]
    assert list(study[t(f"{NS}.result.column_with", lang)]) == [
        {"en": "33.0%", "fr": "33,0\u00a0%"}[lang],
        {"en": "86.0%", "fr": "86,0\u00a0%"}[lang],
    ]
    cases = app.table[1].value
    assert len(cases) == 20
    right = cases[t(f"{NS}.result.column_right", lang)].tolist()
    assert right == [t(f"{NS}.families.{c.family}.{c.answer}", lang) for c in series.cases]
    marks = cases[t(f"{NS}.result.column_answer", lang)].str[0].tolist()
    assert marks.count("✗") == 20 - expected.accuracy["overall"].hits > 0
    assert t(f"{NS}.result.why_text", lang) in texts(app.markdown)
    assert t(f"{NS}.result.protect_text", lang) in texts(app.markdown)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_guided_path_follows_every_suggestion_and_shows_the_failure(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_follow").click().run()
    assert not app.exception
    assert t(f"{NS}.try_follow.done", lang) in texts(app.success)
    assert any(t(f"{NS}.try_follow.why", lang) in text for text in texts(app.info))
    hundred = numbers.percent(1.0, lang, digits=1, least=0)
    assert metric(app, "commission", lang).startswith(hundred)
    assert metric(app, "omission", lang).startswith(hundred)
    assert metric(app, "accuracy_alone", lang).startswith(hundred)
    assert metric(app, "accuracy_ai_wrong", lang).startswith(numbers.percent(0.0, lang, 1, least=0))


def test_confirming_without_a_choice_says_so_and_records_nothing() -> None:
    app = open_page(PAGE, "fr")
    app.button(key=f"{NS}_confirm").click().run()
    assert not app.exception
    assert texts(app.error) == [t(f"{NS}.page.no_choice", "fr")]
    assert current_case(app, "fr") == 1
    assert app.session_state[f"{NS}_run"]["answers"] == {}
    answer(app, FIRST_SEED, 1, PROBLEM)
    assert not app.error
    assert current_case(app, "fr") == 2


def test_a_chosen_series_starts_from_its_first_case() -> None:
    app = open_page(PAGE, "en")
    answer(app, FIRST_SEED, 1, CLEAR)
    app.number_input(key=f"{NS}_seed").set_value(42).run()
    app.button(key=f"{NS}_new").click().run()
    assert not app.exception
    first = make_series(42).cases[0]
    assert current_case(app, "en") == 1
    title = t(f"{NS}.families.{first.family}.title", "en")
    assert app.subheader[0].value == t(f"{NS}.page.case_title", "en", number=1, title=title)
    assert app.session_state[f"{NS}_run"] == {"seed": 42, "answers": {}}


def test_a_bad_series_number_gives_a_clear_message_and_keeps_the_run() -> None:
    app = open_page(PAGE, "fr")
    answer(app, FIRST_SEED, 1, CLEAR)
    app.number_input(key=f"{NS}_seed").set_value(-5).run()
    assert not app.exception
    with pytest.raises(InputError):
        make_series(-5)  # the box refuses what the engine refuses, with the same range
    refusal = t(
        "common.out_of_range",
        "fr",
        label=t(f"{NS}.page.seed_label", "fr"),
        given=numbers.count(-5, "fr"),
        minimum="0",
        maximum=numbers.count(MAX_SEED, "fr"),
    )
    assert texts(app.error) == [refusal]
    assert app.number_input(key=f"{NS}_seed").value == FIRST_SEED
    assert app.session_state[f"{NS}_run"]["answers"] == {1: CLEAR}
    assert current_case(app, "fr") == 2
    app.number_input(key=f"{NS}_seed").set_value(3).run()
    app.button(key=f"{NS}_new").click().run()
    assert not app.error and current_case(app, "fr") == 1


def test_the_summary_offers_the_run_as_a_file_and_a_new_series() -> None:
    app = open_page(PAGE, "en")
    app.button(key=f"{NS}_try_follow").click().run()
    buttons = app.get("download_button")
    assert len(buttons) == 2
    series = make_series(FIRST_SEED)
    record = json.loads(to_json(series, scripted_answers(series, "follow"), "en"))
    assert record["your_result"]["commission_rate"] == 1.0
    app.button(key=f"{NS}_restart").click().run()
    assert not app.exception
    assert app.session_state[f"{NS}_run"] == {"seed": FIRST_SEED + 1, "answers": {}}
    assert current_case(app, "en") == 1
    assert not app.success  # the guided path's text no longer describes what is shown


# --- In real Chromium: one case by hand, the guided failure, axe-clean, nothing sent away ---


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_test_in_the_browser_stays_local_and_accessible(
    page: Page, sandbox_url: str, offsite_requests: list[str], lang: str
) -> None:
    # A fresh server answers its very first deep link with a spurious "Page not found"
    # modal over the right page (streamlit/streamlit#9992); open the home page first.
    open_sandbox(page, f"{sandbox_url}/?lang={lang}")
    open_sandbox(page, f"{sandbox_url}/automation-bias?lang={lang}")
    expect(page.get_by_role("heading", name=t(f"{NS}.title", lang))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t("common.teaching_notice", lang))).to_be_visible()

    # One case answered by hand: the heading moves on to case 2.
    first = make_series(FIRST_SEED).cases[0]
    page.get_by_text(t(f"{NS}.families.{first.family}.{first.answer}", lang), exact=True).click()
    wait_for_app_run(page)
    page.get_by_role("button", name=t(f"{NS}.page.confirm", lang)).click()
    wait_for_app_run(page)
    second = make_series(FIRST_SEED).cases[1]
    title = t(f"{NS}.families.{second.family}.title", lang)
    heading = t(f"{NS}.page.case_title", lang, number=2, title=title)
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)

    # The guided path fills the run and shows the failure, the charts and the downloads.
    page.get_by_text(t("common.try_this", lang), exact=True).click()
    page.get_by_role("button", name=t(f"{NS}.try_follow.button", lang)).click()
    wait_for_app_run(page)
    expect(page.get_by_text(t(f"{NS}.try_follow.done", lang))).to_be_visible(timeout=120_000)
    expect(page.get_by_text(t(f"{NS}.try_follow.why", lang))).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(2, timeout=30_000)
    expect(page.locator("[data-testid='stTable']").first).to_be_visible()
    download = page.get_by_role("button", name=t(f"{NS}.result.download_json", lang))
    expect(download).to_be_visible()

    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"
    assert blocking_violations(page) == []
