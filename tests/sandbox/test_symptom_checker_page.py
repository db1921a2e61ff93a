"""The symptom-checker page, driven as a user would in Streamlit's AppTest, in both languages."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from aimed.engines.chest_pain import GUIDED_PATHS, assess, independence_check
from aimed.texts import numbers
from aimed.texts.guard import MAX_CHARS, nir_key
from aimed.texts.i18n import LANGUAGES, t
from support import blocking_violations, open_page, wait_for_app_run

PAGE = "20_symptom_checker.py"
NS = "symptom_checker"


def percent(value: float, lang: str) -> str:
    shown = f"{value * 100:.1f}" if value >= 0.01 else f"{value * 100:.2g}"
    return shown.replace(".", ",") + "\u00a0%" if lang == "fr" else shown + "%"


def name(kind: str, key: str, lang: str) -> str:
    return t(f"{NS}.{kind}.{key}", lang)


def inline(text: str) -> str:
    """A condition's name inside a sentence starts in lower case."""
    return text[:1].lower() + text[1:]


def shown_probability(app: AppTest, condition: str, lang: str) -> str:
    """The "after the findings" cell of a condition's row in the results table."""
    table = app.table[0].value
    label = name("conditions", condition, lang)
    column = t(f"{NS}.page.table_now", lang)
    row = table[table[t(f"{NS}.page.table_condition", lang)].str.endswith(label)]
    assert len(row) == 1
    return row[column].iloc[0]


def texts(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown]


def change_shown(app: AppTest, lang: str) -> str:
    heading = f"**{t(f'{NS}.page.change_heading', lang)}.** "
    found = [m for m in texts(app) if m.startswith(heading)]
    assert len(found) == 1, "no explanation of what changed"
    return found[0].removeprefix(heading)


def errors(app: AppTest) -> list[str]:
    return [e.value for e in app.error]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_default_run_scores_every_condition_alone(lang: str) -> None:
    app = open_page(PAGE, lang)
    assert app.title[0].value == t(f"{NS}.title", lang)
    assert any(w.value == t("common.teaching_notice", lang) for w in app.warning)
    table = app.table[0].value
    assert len(table) == 9
    # Primary care, nothing asked: chest-wall pain leads at its pre-test probability.
    assert shown_probability(app, "chest_wall", lang) == percent(0.466, lang)
    total = assess({}, "primary_care").total
    assert t(f"{NS}.page.not_a_sum", lang, total=percent(total, lang)) in [
        i.value for i in app.info
    ]
    charts = app.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.dumps(json.loads(charts[0].proto.spec), ensure_ascii=False)
    assert name("conditions", "aortic_dissection", lang) in spec
    assert t(f"{NS}.page.kind_dangerous", lang) in spec
    # The chart carries a text summary; rare conditions still show a non-zero figure.
    assert percent(0.0005, lang) in charts[0].proto.alt


@pytest.mark.parametrize("lang", LANGUAGES)
def test_toggles_move_the_probabilities_and_explain_the_change(lang: str) -> None:
    app = open_page(PAGE, lang)
    before = shown_probability(app, "acs", lang)
    app.radio(key=f"{NS}_f_sweating").set_value("present").run()
    assert not app.exception
    expected = assess({"sweating": "present"}, "primary_care").probability("acs")
    assert shown_probability(app, "acs", lang) == percent(expected, lang) != before
    reason = t(f"{NS}.page.reason_present", lang, finding=name("findings", "sweating", lang))
    assert reason in change_shown(app, lang)
    # A finding with no ratio for a condition is marked "no evidence" in its row.
    app.radio(key=f"{NS}_f_haemoptysis").set_value("present").run()
    table = app.table[0].value
    gord = table[table[t(f"{NS}.page.table_condition", lang)] == name("conditions", "gord", lang)]
    no_evidence = gord[t(f"{NS}.page.table_no_evidence", lang)].iloc[0]
    assert name("findings", "haemoptysis", lang) in no_evidence
    # "What to ask next" never lists a finding already answered.
    listed = next(m for m in texts(app) if m.startswith("1. ")).splitlines()
    assert len(listed) == 5
    items = [line.split(". ", 1)[1] for line in listed]
    for finding in ("sweating", "haemoptysis"):
        asked = t(
            f"{NS}.page.next_item",
            lang,
            finding=name("findings", finding, lang),
            condition="",
            if_present="",
            if_absent="",
        ).split(name("findings", finding, lang))
        prefix = name("findings", finding, lang) + asked[1][:2]
        assert not [item for item in items if item.startswith(prefix)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_changing_the_setting_changes_the_pretest_probabilities(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.radio(key=f"{NS}_setting").set_value("emergency").run()
    assert not app.exception
    assert shown_probability(app, "acs", lang) == percent(0.10, lang)
    reason = t(
        f"{NS}.page.reason_setting",
        lang,
        before=name("settings", "primary_care", lang),
        after=name("settings", "emergency", lang),
    )
    assert reason in change_shown(app, lang)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "Crushing pain going down my left arm, no fever but I feel sick",
            {"pressure_pain": "present", "radiation_arm": "present", "fever": "absent"},
        ),
        (
            "fr",
            "Douleur en étau dans le bras gauche, pas de fièvre mais j'ai envie de vomir",
            {"pressure_pain": "present", "radiation_arm": "present", "fever": "absent"},
        ),
    ],
)
def test_free_text_is_read_and_applied(lang: str, text: str, expected: dict[str, str]) -> None:
    app = open_page(PAGE, lang)
    app.text_area(key=f"{NS}_text").input(text)
    app.button(key=f"{NS}_read").click().run()
    assert not app.exception
    for finding, answer in expected.items():
        assert app.radio(key=f"{NS}_f_{finding}").value == answer
    assert app.radio(key=f"{NS}_f_nausea").value == "present"
    understood = [s.value for s in app.success]
    assert understood and understood[0].startswith(f"**{t(f'{NS}.page.understood', lang)}**")
    assert name("findings", "fever", lang) in understood[0]
    never = [i.value for i in app.info if t(f"{NS}.page.never_mentioned", lang) in i.value]
    assert never and name("findings", "sudden_dyspnoea", lang) in never[0]


# Every kind of identifier is found by the guard (tests/core/test_guard.py, these texts
# included); two names run through the page show that the page refuses what the guard finds.
REFUSED = [
    ("Mr Smith has crushing chest pain", "title_name"),
    ("DUPONT Jean a une douleur en étau", "person_name"),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("text", "kind"), REFUSED)
def test_identifiers_are_refused_and_nothing_is_lost(lang: str, text: str, kind: str) -> None:
    app = open_page(PAGE, lang)
    app.radio(key=f"{NS}_f_cough").set_value("absent").run()
    app.text_area(key=f"{NS}_text").input(text)
    app.button(key=f"{NS}_read").click().run()
    assert not app.exception
    reason = t(f"guard.errors.{kind}", lang)
    assert errors(app) == [t("common.invalid_input", lang, reason=reason)]
    # Nothing was read or applied; the text and the earlier answer are kept.
    assert not [s for s in app.success if t(f"{NS}.page.understood", lang) in s.value]
    assert app.radio(key=f"{NS}_f_pressure_pain").value == "unasked"
    assert app.radio(key=f"{NS}_f_sweating").value == "unasked"
    assert app.radio(key=f"{NS}_f_cough").value == "absent"
    assert app.text_area(key=f"{NS}_text").value == text


def shown_texts(app) -> str:
    """Everything the page shows in words (markdown, alerts, captions, tables)."""
    elements = [*app.markdown, *app.success, *app.info, *app.warning, *app.error, *app.caption]
    tables = [str(table.value) for table in app.table]
    return "\n".join([*(str(e.value) for e in elements), *tables])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("text", "kind"), REFUSED)
def test_refused_text_is_never_shown_back(lang: str, text: str, kind: str) -> None:
    app = open_page(PAGE, lang)
    app.text_area(key=f"{NS}_text").input(text)
    app.button(key=f"{NS}_read").click().run()
    identifier = text.split(",")[0].split(" a ")[0]
    for part in identifier.split():
        if part[:1].isupper() and len(part) > 3:
            assert part not in shown_texts(app), f"{part!r} shown on the page"


@pytest.mark.parametrize(
    ("lang", "first", "second"),
    [
        ("fr", "je transpire et ça me serre dans la poitrine", "pas de fièvre, pas de toux"),
        ("en", "I am sweating and it feels like a tight band", "no fever, no cough"),
    ],
)
def test_a_new_text_replaces_the_answers_of_the_last(lang: str, first: str, second: str) -> None:
    """The text, the buttons and the result always agree: nothing stale from an earlier text."""
    app = open_page(PAGE, lang)
    app.text_area(key=f"{NS}_text").input(first)
    app.button(key=f"{NS}_read").click().run()
    assert app.radio(key=f"{NS}_f_sweating").value == "present"
    app.text_area(key=f"{NS}_text").input(second)
    app.button(key=f"{NS}_read").click().run()
    answers = {f: app.radio(key=f"{NS}_f_{f}").value for f in ("sweating", "fever", "cough")}
    assert answers == {"sweating": "unasked", "fever": "absent", "cough": "absent"}
    never = [i.value for i in app.info if t(f"{NS}.page.never_mentioned", lang) in i.value]
    assert never and name("findings", "sweating", lang) in never[0]
    expected = assess({"fever": "absent", "cough": "absent"}, "primary_care")
    assert shown_probability(app, "acs", lang) == percent(expected.probability("acs"), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_editing_a_finding_by_hand_withdraws_the_text_reading(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.text_area(key=f"{NS}_text").input("no fever" if lang == "en" else "pas de fièvre")
    app.button(key=f"{NS}_read").click().run()
    assert [s for s in app.success if t(f"{NS}.page.understood", lang) in s.value]
    app.radio(key=f"{NS}_f_fever").set_value("present").run()
    assert not [s for s in app.success if t(f"{NS}.page.understood", lang) in s.value]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_valid_nir_is_refused_as_a_nir(lang: str) -> None:
    app = open_page(PAGE, lang)
    key = nir_key("1850578006084")
    app.text_area(key=f"{NS}_text").input(f"douleur thoracique, 1 85 05 78 006 084 {key:02d}")
    app.button(key=f"{NS}_read").click().run()
    assert errors(app) == [t("common.invalid_input", lang, reason=t("guard.errors.nir", lang))]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_too_long_and_empty_text_get_clear_messages(lang: str) -> None:
    app = open_page(PAGE, lang)
    long_text = "sweating " * 250
    app.text_area(key=f"{NS}_text").input(long_text)
    app.button(key=f"{NS}_read").click().run()
    limit, length = numbers.count(MAX_CHARS, lang), numbers.count(len(long_text), lang)
    reason = t("guard.errors.too_long", lang, limit=limit, length=length)
    assert errors(app) == [t("common.invalid_input", lang, reason=reason)]
    assert app.radio(key=f"{NS}_f_sweating").value == "unasked"
    assert app.text_area(key=f"{NS}_text").value == long_text

    app.text_area(key=f"{NS}_text").input("   ")
    app.button(key=f"{NS}_read").click().run()
    reason = t("lay_text.errors.empty", lang)
    assert errors(app) == [t("common.invalid_input", lang, reason=reason)]

    # Fixing the text clears the message.
    app.text_area(key=f"{NS}_text").input("I am sweating")
    app.button(key=f"{NS}_read").click().run()
    assert errors(app) == []
    assert app.radio(key=f"{NS}_f_sweating").value == "present"


# --- Guided paths -------------------------------------------------------------------------


def click_guide(app: AppTest, name: str) -> AppTest:
    app.button(key=f"{NS}_try_{name}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guided_missing_finding_flips_the_leading_diagnosis(lang: str) -> None:
    app = click_guide(open_page(PAGE, lang), "missing_finding")
    assert app.radio(key=f"{NS}_f_palpation").value == "present"
    expected = t(
        f"{NS}.page.change_leading",
        lang,
        before=inline(name("conditions", "acs", lang)),
        after=inline(name("conditions", "chest_wall", lang)),
        reasons=t(f"{NS}.page.reason_present", lang, finding=name("findings", "palpation", lang)),
    )
    assert change_shown(app, lang) == expected
    assert any(
        w.value.startswith(t(f"{NS}.guides.missing_finding.done", lang)[:20]) for w in app.warning
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guided_lay_wording_reports_the_missed_phrase(lang: str) -> None:
    app = click_guide(open_page(PAGE, lang), "lay_wording")
    path = GUIDED_PATHS["lay_wording"]
    assert app.text_area(key=f"{NS}_text").value == path.lay_text[lang]
    assert app.radio(key=f"{NS}_f_sweating").value == "present"
    assert app.radio(key=f"{NS}_f_pressure_pain").value == "unasked"
    missed = [w.value for w in app.warning if t(f"{NS}.page.not_understood", lang) in w.value]
    assert len(missed) == 1
    assert {"en": "elephant", "fr": "éléphant"}[lang] in missed[0]
    said = assess({"sweating": "present"}, "emergency").probability("acs")
    meant = assess({"sweating": "present", "pressure_pain": "present"}, "emergency")
    done = [w.value for w in app.warning if percent(said, lang) in w.value]
    assert done and percent(meant.probability("acs"), lang) in done[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guided_double_counting_shows_overconfidence(lang: str) -> None:
    app = click_guide(open_page(PAGE, lang), "double_counting")
    path = GUIDED_PATHS["double_counting"]
    gap = next(g for g in independence_check(path.answers, path.setting) if g.condition == "acs")
    assert gap.independent - gap.grouped > path.margin
    item = t(
        f"{NS}.page.correlated_item",
        lang,
        condition=name("conditions", "acs", lang),
        independent=percent(gap.independent, lang),
        grouped=percent(gap.grouped, lang),
        groups=", ".join(name("groups", g, lang) for g in gap.shared_groups),
    )
    assert f"- {item}" in texts(app)
    assert shown_probability(app, "acs", lang) == percent(gap.independent, lang)
    done = t(
        f"{NS}.guides.double_counting.done",
        lang,
        independent=percent(gap.independent, lang),
        grouped=percent(gap.grouped, lang),
        excess=numbers.counted("common.units.points", round(gap.excess * 100), lang),
    )
    assert done in [w.value for w in app.warning]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guided_wrong_setting_changes_the_ranking(lang: str) -> None:
    app = click_guide(open_page(PAGE, lang), "wrong_setting")
    assert app.radio(key=f"{NS}_setting").value == "primary_care"
    reasons = t(
        f"{NS}.page.reason_setting",
        lang,
        before=name("settings", "emergency", lang),
        after=name("settings", "primary_care", lang),
    )
    expected = t(
        f"{NS}.page.change_leading",
        lang,
        before=inline(name("conditions", "acs", lang)),
        after=inline(name("conditions", "chest_wall", lang)),
        reasons=reasons,
    )
    assert change_shown(app, lang) == expected
    # Going back to the emergency department puts ACS first again.
    app.radio(key=f"{NS}_setting").set_value("emergency").run()
    table = app.table[0].value
    first = table[t(f"{NS}.page.table_condition", lang)].iloc[0]
    assert first.endswith(name("conditions", "acs", lang))


# --- The real page in Chromium ------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_in_chromium_is_accessible_and_stays_local(
    page, sandbox_url: str, offsite_requests: list[str], lang: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    # A fresh server answers a first deep link with a "page not found" dialog (reported to
    # the lead: streamlit_app.py); open the home page first, as a user arriving would.
    page.goto(f"{sandbox_url}/?lang={lang}")
    expect(page.get_by_role("heading", name=t("home.title", lang))).to_be_visible(timeout=30_000)
    page.goto(f"{sandbox_url}/symptom-checker?lang={lang}")
    expect(page.get_by_role("heading", name=t(f"{NS}.title", lang))).to_be_visible(timeout=30_000)
    heading = page.get_by_role("heading", name=t(f"{NS}.page.correlated_heading", lang))
    expect(heading).to_be_visible(timeout=60_000)  # the whole page has run
    page.locator("summary", has_text=t("common.try_this", lang)).click()
    page.get_by_role("button", name=t(f"{NS}.guides.wrong_setting.button", lang)).click()
    before = inline(name("conditions", "acs", lang))
    after = inline(name("conditions", "chest_wall", lang))
    expect(page.get_by_text(t(f"{NS}.page.change_heading", lang))).to_be_visible(timeout=30_000)
    reasons = t(
        f"{NS}.page.reason_setting",
        lang,
        before=name("settings", "emergency", lang),
        after=name("settings", "primary_care", lang),
    )
    change = t(f"{NS}.page.change_leading", lang, before=before, after=after, reasons=reasons)
    expect(page.get_by_text(change)).to_be_visible()
    wait_for_app_run(page)
    assert blocking_violations(page) == []
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["id"] == "heading-order"] == []
    assert offsite_requests == [], f"requests left localhost: {offsite_requests}"


# --- What the figures rest on, where the learner reads the result -------------------------


def expected_basis(condition: str, answers: dict[str, str], setting: str, lang: str) -> str:
    from aimed.engines.chest_pain import default_evidence

    evidence = default_evidence()
    result = next(r for r in assess(answers, setting).results if r.condition == condition)
    statuses = {row.status for row in evidence.figures_behind(result, setting)}
    marks = [
        name("page", f"basis_{s}", lang) for s in ("approximation", "recalled") if s in statuses
    ]
    return name("page", "basis_joiner", lang).join(marks) or name("page", "basis_published", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_results_resting_on_unchecked_figures_are_marked_beside_the_condition(lang: str) -> None:
    from aimed.engines.chest_pain import UNCHECKED_STATUSES, default_evidence

    app = open_page(PAGE, lang)
    app.radio(key=f"{NS}_setting").set_value("emergency").run()
    app.radio(key=f"{NS}_f_sudden_onset").set_value("present").run()
    answers = {"sudden_onset": "present"}
    table = app.table[0].value
    columns = list(table.columns)
    basis = t(f"{NS}.page.table_basis", lang)
    assert columns.index(basis) == columns.index(t(f"{NS}.page.table_condition", lang)) + 1
    shown = dict(zip(table[t(f"{NS}.page.table_condition", lang)], table[basis], strict=True))
    for key in ("acs", "pe", "aortic_dissection", "chest_wall"):
        label = next(c for c in shown if c.endswith(name("conditions", key, lang)))
        assert shown[label] == expected_basis(key, answers, "emergency", lang), key
    # Aortic dissection here rests on an approximation and on an unchecked ratio.
    dissection = next(
        v for c, v in shown.items() if c.endswith(name("conditions", "aortic_dissection", lang))
    )
    assert name("page", "basis_approximation", lang) in dissection
    assert name("page", "basis_recalled", lang) in dissection
    # The legend says how many of the checker's figures are approximations or unchecked.
    evidence = default_evidence()
    rows = [*evidence.pretests.values(), *evidence.ratios.values()]
    unchecked = sum(row.status in UNCHECKED_STATUSES for row in rows)
    legend = t(f"{NS}.page.basis_legend", lang, unchecked=unchecked, total=len(rows))
    assert legend in texts(app)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sources_are_shown_in_the_page_language_with_a_truthful_status(lang: str) -> None:
    from aimed.engines.chest_pain import default_evidence

    app = open_page(PAGE, lang)
    app.radio(key=f"{NS}_f_sweating").set_value("present").run()
    evidence = default_evidence()
    shown = next(
        m
        for m in texts(app)
        if evidence.pretests["acs", "primary_care"].source_fr[:20] in m
        or evidence.pretests["acs", "primary_care"].source[:20] in m
    )
    for row in (evidence.pretests["acs", "primary_care"], evidence.ratios["acs", "sweating"]):
        assert row.source_in(lang) in shown
        assert f"[{t(f'{NS}.page.status_{row.status}', lang)}]" in shown
        if lang == "fr":
            assert row.source not in shown
    assert t(f"{NS}.page.status_secondary", lang) in shown  # the NICE reproduction of Mant


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guided_missing_finding_says_a_tender_chest_does_not_rule_out_acs(lang: str) -> None:
    app = click_guide(open_page(PAGE, lang), "missing_finding")
    remaining = GUIDED_PATHS["missing_finding"].after().probability("acs")
    assert remaining > 0.05
    why = [i.value for i in app.info if t("common.why_it_happened", lang) in i.value]
    assert len(why) == 1 and percent(remaining, lang) in why[0]
    assert shown_probability(app, "acs", lang) == percent(remaining, lang)
