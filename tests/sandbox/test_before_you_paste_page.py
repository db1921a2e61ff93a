"""The "Before you paste" page, driven as a learner would in Streamlit's AppTest and Chromium.

Ticks go in through the note's tick boxes; what the page shows must be the engine's score of
those ticks, in the page's language. Each guided path must show its failure.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from streamlit.testing.v1 import AppTest

from aimed.engines.before_you_paste import (
    GUIDED_PATHS,
    MAX_SEED,
    SMALL_GROUP,
    generate_note,
    note_lines,
    score,
)
from aimed.texts import numbers
from aimed.texts.i18n import LANGUAGES, t
from support import blocking_violations, open_page, open_sandbox, wait_for_app_run

PAGE = "80_before_you_paste.py"
NS = "before_you_paste"
FIRST_SEED = 1
PHONE = {"width": 390, "height": 844}


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def metric(app: AppTest, key: str, lang: str) -> str:
    label = t(f"{NS}.{key}", lang)
    return next(m.value for m in app.metric if m.label == label)


def people(n: int, lang: str) -> str:
    return numbers.counted(f"{NS}.units.people", n, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_note_is_one_tick_box_per_part_with_no_text_box_and_links_its_modules(
    lang: str,
) -> None:
    app = open_page(PAGE, lang)
    note = generate_note(FIRST_SEED)
    parts = [text for line in note_lines(note, lang) for _, text in line]
    assert [c.label for c in app.checkbox] == parts
    assert not any(c.value for c in app.checkbox)
    assert all(c.help == t(f"{NS}.span_help", lang) for c in app.checkbox)
    assert not app.text_input and not app.text_area  # nothing to type or paste
    assert t("common.teaching_notice", lang) in texts(app.warning)
    assert t(f"{NS}.synthetic", lang) in texts(app.info)
    assert not app.metric  # nothing is checked before the learner asks
    links = next(m for m in texts(app.markdown) if "generative-ai" in m)
    prefix = "/fr" if lang == "fr" else ""
    assert f"{prefix}/modules/generative-ai/)" in links
    assert f"{prefix}/modules/data-regulation/)" in links


@pytest.mark.parametrize("lang", LANGUAGES)
def test_removing_only_the_name_still_identifies_the_patient(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_name_only").click().run()
    assert not app.exception
    assert t(f"{NS}.try_name_only.done", lang) in texts(app.success)
    assert any(t(f"{NS}.try_name_only.why", lang) in i for i in texts(app.info))
    assert metric(app, "direct_label", lang) == "5"
    assert metric(app, "k_label", lang) == t(f"{NS}.k_named", lang)
    status = t(f"{NS}.status.personal", lang).split("**")[1]
    assert any(status in e for e in texts(app.error))
    name = t(f"{NS}.kinds.national_number.name", lang)
    assert any(e.startswith(f"**{name}**") for e in texts(app.error))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_removing_the_direct_identifiers_leaves_one_person_pseudonymised(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_direct_only").click().run()
    path = GUIDED_PATHS["direct_only"]
    result = score(path.note(), path.removed())
    assert t(f"{NS}.try_direct_only.done", lang) in texts(app.success)
    assert metric(app, "direct_label", lang) == "0"
    assert metric(app, "quasi_label", lang) == "5"
    assert metric(app, "k_label", lang) == "1" == numbers.count(result.k, lang)
    table = app.table[0].value
    assert list(table.index) == [t(f"{NS}.steps.{s.what}", lang) for s in result.steps]
    assert list(table.iloc[:, 0]) == [numbers.count(s.people, lang) for s in result.steps]
    warning = t(f"{NS}.status.pseudonymised", lang, kinds="", k=people(1, lang))
    assert warning in texts(app.warning)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_removing_everything_loses_the_clinical_question(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_everything").click().run()
    assert t(f"{NS}.try_everything.done", lang) in texts(app.success)
    assert metric(app, "lost_label", lang) == "4"
    lost = next(w for w in texts(app.warning) if t(f"{NS}.lost_explain", lang) in w)
    question = note_lines(GUIDED_PATHS["everything"].note(), lang)[-1][0][1]
    assert question in lost
    assert t(f"{NS}.nothing_missed", lang) in texts(app.success)
    marker = t(f"{NS}.removed_marker", lang)
    preview = next(m for m in texts(app.markdown) if m.startswith(">"))
    assert question not in preview and preview.count(marker) == 15


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_right_ticks_leave_a_crowd_and_the_question_whole(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_right").click().run()
    path = GUIDED_PATHS["right"]
    result = score(path.note(), path.removed())
    assert result.k >= SMALL_GROUP
    assert metric(app, "k_label", lang) == numbers.count(result.k, lang)
    assert metric(app, "lost_label", lang) == "0"
    info = t(f"{NS}.status.not_singled_out", lang, kinds="", k=people(result.k, lang))
    assert info in texts(app.info)
    assert not [e for e in texts(app.error)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ticks_by_hand_get_the_engines_score_and_a_change_asks_for_a_new_check(
    lang: str,
) -> None:
    app = open_page(PAGE, lang)
    note = generate_note(FIRST_SEED)
    ticked = [s.id for s in note.spans if s.kind in ("name", "town", "clinical")][:3]
    for span_id in ticked:
        app.checkbox(key=f"{NS}_tick_{span_id}").check()
    app.run()
    app.button(key=f"{NS}_check").click().run()
    result = score(note, ticked)
    assert metric(app, "direct_label", lang) == numbers.count(len(result.direct_left), lang)
    assert metric(app, "lost_label", lang) == numbers.count(len(result.lost), lang) == "1"
    assert len(app.error) >= len(result.missed)
    app.checkbox(key=f"{NS}_tick_{ticked[0]}").uncheck().run()
    assert not app.metric
    assert t(f"{NS}.changed_note", lang) in texts(app.info)


def test_a_new_note_clears_the_ticks_and_a_bad_number_is_refused_in_french() -> None:
    app = open_page(PAGE, "fr")
    app.checkbox(key=f"{NS}_tick_s0").check().run()
    app.button(key=f"{NS}_new").click().run()
    assert app.number_input(key=f"{NS}_seed").value == FIRST_SEED + 1
    second = [text for line in note_lines(generate_note(FIRST_SEED + 1), "fr") for _, text in line]
    assert [c.label for c in app.checkbox] == second
    assert not any(c.value for c in app.checkbox)

    app.number_input(key=f"{NS}_seed").set_value(MAX_SEED + 1).run()
    assert not app.exception
    refusal = t(
        "common.out_of_range",
        "fr",
        label=t(f"{NS}.seed_label", "fr"),
        given=numbers.count(MAX_SEED + 1, "fr"),
        minimum="0",
        maximum=numbers.count(MAX_SEED, "fr"),
    )
    assert texts(app.error) == [refusal]
    assert [c.label for c in app.checkbox] == second  # the note on screen stays
    app.number_input(key=f"{NS}_seed").set_value(3).run()
    assert not app.error


# --- In real Chromium ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_guided_failure_on_a_phone_is_local_accessible_and_fits(
    page: Page, sandbox_url: str, offsite_requests: list[str], lang: str
) -> None:
    page.set_viewport_size(PHONE)
    # A fresh server answers its very first deep link with a spurious "Page not found"
    # modal over the right page (streamlit/streamlit#9992); open the home page first.
    open_sandbox(page, f"{sandbox_url}/?lang={lang}")
    open_sandbox(page, f"{sandbox_url}/before-you-paste?lang={lang}")
    heading = page.get_by_role("heading", name=t(f"{NS}.title", lang), exact=True)
    expect(heading).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t("common.teaching_notice", lang))).to_be_visible()

    page.get_by_text(t("common.try_this", lang), exact=True).click()
    page.get_by_role("button", name=t(f"{NS}.try_direct_only.button", lang)).click()
    wait_for_app_run(page)
    expect(page.get_by_text(t(f"{NS}.try_direct_only.done", lang))).to_be_visible()
    expect(page.get_by_text(t(f"{NS}.try_direct_only.why", lang))).to_be_visible()
    table = page.locator("[data-testid='stTable']").first
    expect(table).to_be_visible()
    expect(table.get_by_text(t(f"{NS}.steps.rare_condition", lang))).to_be_visible()
    # a tick box is a real, labelled checkbox a screen reader announces
    first = note_lines(GUIDED_PATHS["direct_only"].note(), lang)[0][0][1]
    expect(page.get_by_role("checkbox", name=first)).to_be_checked()

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # nothing makes the page scroll sideways
    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"
    assert blocking_violations(page) == []
