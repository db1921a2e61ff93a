"""The final assessment's engine (assets/javascripts/assessment.js) in Chromium, both languages.

A small course built with the real mkdocs.yml: an assessment of three situations with two
versions each, English and French. What a learner would notice: a draw that stays the same
across a reload, a language switch and a second tab until it is submitted; a warning before an
unsubmitted attempt is thrown away; other versions on the next attempt; no key after a fail,
only the modules to revisit; the explanations after a pass; every attempt on the record.
The key is read the way anyone reading the page's source can (its masked data-key).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml
from playwright.sync_api import BrowserContext, Page, expect
from test_course_features import ConfigLoader, build, write_project

from aimed.servers.static import serve_in_thread
from aimed.site.hooks.course_record import decode_key
from support import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGS = ["en", "fr"]
PREFIX = {"en": "", "fr": "/fr"}
SUBMIT = {"en": "Submit my answers", "fr": "Valider mes réponses"}
AGAIN = {"en": "Take the assessment again", "fr": "Repasser l'évaluation"}
RESTART = {"en": "Discard my answers and start again", "fr": "Effacer mes réponses et recommencer"}
KEEP = {"en": "Keep my answers", "fr": "Garder mes réponses"}
DISCARD = {"en": "Discard and start again", "fr": "Effacer et recommencer"}
REVISIT = {"en": "Modules to revisit:", "fr": "Modules à revoir\u202f:"}
MODULE_TITLE = {
    "en": "Module 1: Reading a model's performance",
    "fr": "Module 1\u00a0: Lire la performance d'un modèle",
}
HONEST = {
    "en": "cannot hide its answer key from someone who reads its source",
    "fr": "ne peut pas cacher son corrigé à qui lit son code",
}
EXPLAINED = {"en": "Explained", "fr": "Expliqué"}


def question(situation: int, version: str, lang: str) -> str:
    """One version of a situation: four options, the right one second in version a, third in
    b; an explanation that names it."""
    words = {"en": ("Situation", "version", "Option"), "fr": ("Situation", "version", "Réponse")}
    s, v, o = words[lang]
    right = 1 if version == "a" else 2
    options = "\n".join(
        f"- [{'x' if n == right else ' '}] {o} {n + 1} of {s.lower()} {situation}{version}"
        for n in range(4)
    )
    return (
        f"<!-- situation: reading-performance-{situation} -->\n<quiz>\n"
        f"{s} {situation}, {v} {version}: which option?\n{options}\n\n"
        f"{EXPLAINED[lang]}: {s.lower()} {situation}{version} is option {right + 1}, and this "
        f"explanation is long enough to be read here.\n</quiz>\n"
    )


def assessment(lang: str) -> str:
    title = {"en": "# Final assessment", "fr": "# Évaluation finale"}[lang]
    heading = {"en": "## Module 1: Reading", "fr": "## Module 1\u00a0: Lire"}[lang]
    body = "\n".join(question(s, v, lang) for s in (1, 2, 3) for v in ("a", "b"))
    return (
        "---\nassessment: final\npass_mark: 2\nquiz:\n  auto_submit: false\n"
        f"  auto_number: true\n---\n\n{title}\n\n{heading}\n\n{body}"
    )


@pytest.fixture(scope="module")
def bank_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("bank")
    config = write_project(folder)
    docs = config.parent / "course"
    for lang in LANGS:
        suffix = "" if lang == "en" else ".fr"
        (docs / f"final-assessment{suffix}.md").write_text(assessment(lang), encoding="utf-8")
        title = {"en": "# My record", "fr": "# Mon attestation"}[lang]
        (docs / f"my-record{suffix}.md").write_text(f"{title}\n\n<!-- record -->\n", "utf-8")
    settings = yaml.load(config.read_text(encoding="utf-8"), ConfigLoader)
    settings["nav"][2:2] = [
        {"Final assessment": "final-assessment.md"},
        {"My record": "my-record.md"},
    ]
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    for home in ("index.md", "index.fr.md"):  # the invitation, as on the orientation page
        with (docs / home).open("a", encoding="utf-8") as page:
            page.write("\n<!-- placement -->\n")
    result = build(config)
    assert result.returncode == 0, result.stderr
    server, url = serve_in_thread(folder / "out")
    yield url
    server.shutdown()


def open_assessment(page: Page, url: str, lang: str) -> None:
    page.goto(f"{url}{PREFIX[lang]}/final-assessment/")
    expect(page.get_by_role("button", name=SUBMIT[lang])).to_be_visible()


def shown(page: Page) -> list[str]:
    """The attempt as the learner sees it: each question's situation, version and option order."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.md-content .quiz:not([hidden])')].map(q =>
             q.dataset.situation + q.dataset.version + ':' +
             [...q.querySelectorAll('input[name=answer]')].map(i => i.value).join(''))"""
    )


def versions(attempt: list[str]) -> list[str]:
    """ "reading-performance-2b:3102" -> "reading-performance-2b" """
    return [entry.split(":")[0] for entry in attempt]


def flip(version: str) -> str:
    return version[:-1] + ("b" if version[-1] == "a" else "a")


def key(page: Page) -> dict[int, list[str]]:
    return decode_key(page.locator(".aimed-assessment").get_attribute("data-key"))


def answer(page: Page, correct: list[bool]) -> None:
    """Choose, in the first questions shown, the right option or a wrong one."""
    keys = key(page)
    quizzes = page.locator(".md-content .quiz:not([hidden])")
    assert quizzes.count() >= len(correct)
    for number, right in enumerate(correct):
        quiz = quizzes.nth(number)
        index = int(quiz.get_attribute("id").removeprefix("quiz-"))
        values = [v for v in "0123" if (v in keys[index]) == right]
        quiz.locator(f"input[name=answer][value='{values[0]}']").check()


def chosen(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.md-content .quiz:not([hidden])')].map(q =>
             [...q.querySelectorAll('input:checked')].map(i => i.value).join(''))"""
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_holds_no_key_in_its_options_and_says_why_that_is_not_security(
    page: Page, bank_site: str, lang: str, offsite_requests: list[str]
) -> None:
    open_assessment(page, bank_site, lang)
    assert page.locator("[data-correct]").count() == 0
    expect(page.locator(".aimed-assessment-rules")).to_contain_text(HONEST[lang])
    # one version of each situation, numbered 1 to 3, options in the attempt's own order
    expect(page.locator(".md-content .quiz:not([hidden])")).to_have_count(3)
    expect(page.locator(".md-content .quiz[hidden]")).to_have_count(3)
    numbers = page.locator(".md-content .quiz:not([hidden]) .quiz-number")
    assert [numbers.nth(n).inner_text() for n in range(3)] == [
        "Question 1",
        "Question 2",
        "Question 3",
    ]
    expect(page.locator(".md-content .quiz:not([hidden]) section.content").first).to_be_hidden()
    assert blocking_violations(page) == []
    assert offsite_requests == []


@pytest.mark.parametrize("lang", LANGS)
def test_an_unsubmitted_attempt_survives_a_reload_and_a_language_switch(
    page: Page, bank_site: str, lang: str, offsite_requests: list[str]
) -> None:
    open_assessment(page, bank_site, lang)
    drawn = shown(page)
    answer(page, [True, False])  # two of three answered
    given = chosen(page)
    page.reload()
    expect(page.get_by_role("button", name=SUBMIT[lang])).to_be_visible()
    assert shown(page) == drawn and chosen(page) == given
    other = "fr" if lang == "en" else "en"
    open_assessment(page, bank_site, other)
    assert shown(page) == drawn and chosen(page) == given
    # nothing was graded: no score, no feedback, no explanation
    expect(page.locator(".aimed-assessment__score")).to_have_count(0)
    expect(page.locator(".md-content .quiz .quiz-feedback:visible")).to_have_count(0)
    expect(page.locator(".md-content .quiz section.content:visible")).to_have_count(0)
    assert offsite_requests == []


def test_a_second_tab_is_the_same_attempt(
    context: BrowserContext, bank_site: str, offsite_requests: list[str]
) -> None:
    first = context.new_page()
    open_assessment(first, bank_site, "en")
    second = context.new_page()
    open_assessment(second, bank_site, "fr")
    assert shown(first) == shown(second)
    answer(first, [True])
    expect(second.locator(".md-content .quiz:not([hidden]) input:checked")).to_have_count(1)
    assert chosen(second) == chosen(first)
    answer(second, [False, True, True])
    expect(first.locator(".md-content .quiz:not([hidden]) input:checked")).to_have_count(3)
    assert chosen(first) == chosen(second)
    second.get_by_role("button", name=SUBMIT["fr"]).click()
    expect(second.locator(".aimed-assessment__score")).to_have_attribute("data-passed", "yes")
    # the first tab shows the result of the attempt it shares
    expect(first.locator(".aimed-assessment__score")).to_have_attribute("data-passed", "yes")
    assert offsite_requests == []


@pytest.mark.parametrize("lang", LANGS)
def test_starting_again_asks_before_it_discards_an_unsubmitted_attempt(
    page: Page, bank_site: str, lang: str, offsite_requests: list[str]
) -> None:
    open_assessment(page, bank_site, lang)
    restart = page.get_by_role("button", name=RESTART[lang])
    expect(restart).to_be_hidden()  # nothing to lose yet
    drawn = shown(page)
    answer(page, [True, True])
    given = chosen(page)
    restart.click()
    prompt = page.locator(".aimed-assessment__discard")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("2")
    page.get_by_role("button", name=KEEP[lang]).click()
    expect(prompt).to_be_hidden()
    assert shown(page) == drawn and chosen(page) == given
    restart.click()
    page.get_by_role("button", name=DISCARD[lang]).click()
    expect(page.get_by_role("button", name=SUBMIT[lang])).to_be_visible()
    page.wait_for_load_state()
    after = shown(page)
    assert chosen(page) == ["", "", ""]
    # the discarded attempt's versions are not drawn again
    assert versions(after) == [flip(v) for v in versions(drawn)]
    assert offsite_requests == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_fail_names_the_modules_to_revisit_and_never_the_key(
    page: Page, bank_site: str, lang: str, offsite_requests: list[str]
) -> None:
    open_assessment(page, bank_site, lang)
    first = shown(page)
    answer(page, [True, False, False])
    page.get_by_role("button", name=SUBMIT[lang]).click()
    status = page.locator(".aimed-assessment__status")
    expect(status).to_be_focused()
    expect(page.locator(".aimed-assessment__score")).to_have_attribute("data-passed", "no")
    expect(status).to_contain_text(REVISIT[lang])
    link = status.get_by_role("link", name=MODULE_TITLE[lang])
    expect(link).to_be_visible()
    assert link.get_attribute("href").endswith("modules/reading-performance/")
    expect(status).to_contain_text(
        {"en": "2 of 3 questions missed", "fr": "2\u00a0questions manquées sur 3"}[lang]
    )

    def no_key_shown() -> None:
        assert page.locator("[data-correct]").count() == 0
        expect(page.locator(".md-content .quiz .correct")).to_have_count(0)
        expect(page.locator(".md-content .quiz .wrong")).to_have_count(0)
        expect(page.locator(".md-content .quiz .quiz-feedback:visible")).to_have_count(0)
        expect(page.locator(".md-content .quiz section.content:visible")).to_have_count(0)
        assert EXPLAINED[lang] not in page.locator(".md-content").inner_text()

    no_key_shown()
    assert blocking_violations(page) == [], "a failed attempt"
    page.reload()
    expect(page.locator(".aimed-assessment__score")).to_have_attribute("data-passed", "no")
    no_key_shown()

    # the next attempt draws the other version of every situation
    page.get_by_role("button", name=AGAIN[lang]).click()
    expect(page.get_by_role("button", name=SUBMIT[lang])).to_be_visible()
    assert versions(shown(page)) == [flip(v) for v in versions(first)]
    assert chosen(page) == ["", "", ""]
    assert offsite_requests == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_pass_opens_the_explanations_and_the_record_lists_every_attempt(
    page: Page, bank_site: str, lang: str, offsite_requests: list[str]
) -> None:
    open_assessment(page, bank_site, lang)
    answer(page, [False, False, True])
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator(".aimed-assessment__score")).to_have_attribute("data-passed", "no")
    page.get_by_role("button", name=AGAIN[lang]).click()
    expect(page.get_by_role("button", name=SUBMIT[lang])).to_be_visible()
    answer(page, [True, False, True])
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator(".aimed-assessment__score")).to_have_attribute("data-passed", "yes")
    quizzes = page.locator(".md-content .quiz:not([hidden])")
    for number in range(3):
        expect(quizzes.nth(number).locator("section.content")).to_be_visible()
        expect(quizzes.nth(number).locator("section.content")).to_contain_text(EXPLAINED[lang])
        expect(quizzes.nth(number).locator("fieldset .correct")).to_have_count(1)
    expect(quizzes.nth(1).locator("fieldset .wrong")).to_have_count(1)
    assert blocking_violations(page) == [], "a passed attempt"

    page.goto(f"{bank_site}{PREFIX[lang]}/my-record/")
    attempts = page.locator(".aimed-record__attempts li")
    expect(attempts).to_have_count(2)
    verdicts = {"en": ("not passed", "passed"), "fr": ("non réussie", "réussie")}[lang]
    scores = {
        "en": ("1 of 3 correct", "2 of 3 correct"),
        "fr": ("1 bonne réponse sur 3", "2 bonnes réponses sur 3"),
    }[lang]
    for n in range(2):
        expect(attempts.nth(n)).to_contain_text(scores[n])
        expect(attempts.nth(n)).to_contain_text(verdicts[n])
        expect(attempts.nth(n)).to_contain_text(re.compile(r"\d+\.\d+"))  # the course's version
    expect(attempts.first).not_to_contain_text(f", {verdicts[1]};")
    assert offsite_requests == []


PLACEMENT_LINK = {"en": "Take the placement check", "fr": "Passer le test de positionnement"}
PLACEMENT_TITLE = {"en": "Placement check", "fr": "Test de positionnement"}
PLACED = {"en": "You answered 1 of 1 questions correctly", "fr": "Vous avez répondu juste à 1"}
GAIN = {"en": "Before and after the course", "fr": "Avant et après le cours"}
NO_CONTROL = {"en": "no group of physicians", "fr": "aucun groupe de médecins"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_placement_check_and_the_final_draw_different_versions_and_the_record_compares(
    page: Page, bank_site: str, lang: str, offsite_requests: list[str]
) -> None:
    page.goto(f"{bank_site}{PREFIX[lang]}/")
    page.get_by_role("link", name=PLACEMENT_LINK[lang]).click()
    expect(page.locator(".md-content h1")).to_have_text(PLACEMENT_TITLE[lang])
    expect(page.locator(".aimed-assessment-rules")).to_be_hidden()
    expect(page.locator(".aimed-assessment-placement")).to_be_visible()
    placed = shown(page)
    assert len(placed) == 1  # one situation of each module (the fixture has one module)
    answer(page, [True])
    page.reload()  # kept like any attempt
    assert shown(page) == placed and chosen(page) != [""]
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator(".aimed-assessment__status")).to_contain_text(PLACED[lang])
    # not graded, no key: nothing marked, no explanation, no retake of the check
    expect(page.locator(".md-content .quiz fieldset .correct")).to_have_count(0)
    expect(page.locator(".md-content .quiz section.content:visible")).to_have_count(0)
    expect(page.get_by_role("button", name=AGAIN[lang])).to_be_hidden()
    assert blocking_violations(page) == [], "a placement check"

    # the final assessment never shows the version the placement check showed
    open_assessment(page, bank_site, lang)
    expect(page.locator(".aimed-assessment-rules")).to_be_visible()
    final = shown(page)
    (situation,) = versions(placed)
    assert flip(situation) in versions(final) and situation not in versions(final)
    answer(page, [True, True, False])
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator(".aimed-assessment__score")).to_have_attribute("data-passed", "yes")

    page.goto(f"{bank_site}{PREFIX[lang]}/my-record/")
    gain = page.locator(".aimed-record__gain")
    expect(gain).to_contain_text(GAIN[lang])
    row = gain.locator('tr[data-module="reading-performance"]')
    expect(row.locator("td")).to_have_text(["1 / 1", "2 / 3"])
    expect(gain).to_contain_text(NO_CONTROL[lang])
    # the placement check is not an attempt at the final assessment
    expect(page.locator(".aimed-record__attempts li")).to_have_count(1)
    assert offsite_requests == []
