"""The final assessment and the record of completion in Chromium, from a fresh browser each time.

What a learner would notice: feedback only after "Submit my answers", a pass or a fail against
the stated pass mark that survives a reload (explanations after a pass, only the modules to
revisit after a fail), and a record that lists the modules read and the
quizzes passed with their dates, prints with the typed name and without the site's navigation,
and is empty again once the browser's storage is cleared.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest
from babel.dates import format_date
from playwright.sync_api import Locator, Page, expect

from aimed.site.hooks.course_record import decode_key
from support import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSESSMENT = {"en": "/final-assessment/", "fr": "/fr/final-assessment/"}
RECORD = {"en": "/my-record/", "fr": "/fr/my-record/"}
LOCALE = {"en": "en_GB", "fr": "fr_FR"}
VERSION = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
)["project"]["version"]
ESTIMATE = {"en": "Estimated duration of the whole course", "fr": "Durée estimée"}
NOT_SPENT = {"en": "not time spent", "fr": "non du temps passé"}
NO = {"en": "no", "fr": "non"}
RULE = {"en": "Rule for “course completed”", "fr": "Règle pour «\u00a0cours achevé\u00a0»"}
REFUSED = {"en": "nothing was attached", "fr": "rien n'a été joint"}
ATTACHED = {
    "en": "attached: {file}, issued by {issuer} on {date}",
    "fr": "jointe\u00a0: {file}, délivrée par {issuer} le {date}",
}
OUR_KEYS = (
    "aimed_course_read",
    "aimed_quiz_dates",
    "aimed_assessment_results",
    "aimed_record_name",
    "aimed_assessment_current",
    "aimed_assessment_history",
)


def today(lang: str) -> str:
    return format_date(date.today(), "long", locale=LOCALE[lang])


def choose(quiz: Locator, correctly: bool) -> None:
    """On a module page: the key is mkdocs-quiz's data-correct. On the final assessment it is
    read the way anyone reading the page's source can (the masked data-key of its block)."""
    page = quiz.page
    block = page.locator(".aimed-assessment")
    if block.count() == 0:
        choice = "[data-correct=true]" if correctly else ":not([data-correct=true])"
        quiz.locator(f"input[name=answer]{choice}").first.check()
        return
    right = decode_key(block.get_attribute("data-key"))[
        int(quiz.get_attribute("id").removeprefix("quiz-"))
    ]
    values = [v for v in "0123" if (v in right) == correctly]
    quiz.locator(f"input[name=answer][value='{values[0]}']").check()


def answer_module_quiz(page: Page, correctly: bool = True) -> int:
    """Answer every question of a module page (a click on an option answers it)."""
    quizzes = page.locator(".quiz")
    for number in range(quizzes.count()):
        choose(quizzes.nth(number), correctly)
        expect(quizzes.nth(number).locator(".quiz-feedback")).to_be_visible()
    return quizzes.count()


def drawn(page: Page) -> Locator:
    """The questions of the assessment's attempt: one version of each situation."""
    return page.locator(".md-content .quiz:not([hidden])")


def take_assessment(page: Page, site_url: str, lang: str, correctly: bool) -> int:
    page.goto(site_url + ASSESSMENT[lang])
    quizzes = drawn(page)
    for number in range(quizzes.count()):
        choose(quizzes.nth(number), correctly)
    page.locator(".aimed-assessment__submit").click()
    return quizzes.count()


def record_row(page: Page, module: str) -> Locator:
    return page.locator(f'.aimed-record tr[data-module="{module}"]')


# ---------------------------------------------------------------- final assessment


def test_all_right_answers_pass_and_the_result_survives_a_reload(
    page: Page, site_url: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + ASSESSMENT["en"])
    rules = page.locator(".aimed-assessment-rules")
    expect(rules).to_contain_text("You pass with at least 27 correct answers out of 33 (82%)")
    quizzes = drawn(page)
    total = quizzes.count()
    assert total == 33

    # choosing an answer reveals nothing, and there is no per-question submit to press
    first = quizzes.first
    choose(first, correctly=False)
    first.locator("input[name=answer]:checked").press("Enter")
    expect(first.locator(".quiz-feedback")).to_be_hidden()
    expect(first.locator("section.content")).to_be_hidden()
    expect(first.locator(".quiz-button").first).to_be_hidden()
    # the learner may change their mind before submitting
    choose(first, correctly=True)

    # submitting with questions left: told which ones, nothing is recorded
    submit = page.get_by_role("button", name="Submit my answers")
    submit.click()
    status = page.locator(".aimed-assessment__status")
    expect(status).to_be_focused()
    expect(status).to_contain_text("Not answered yet: question 2, question 3")
    expect(status).to_contain_text(f"and {total - 11} more")
    expect(quizzes.nth(1).locator(".quiz-feedback")).to_be_hidden()
    assert page.evaluate("localStorage.getItem('quiz_progress_/final-assessment/')") is None
    assert page.evaluate("localStorage.getItem('aimed_assessment_results')") is None

    for number in range(1, total):
        choose(quizzes.nth(number), correctly=True)
    submit.click()
    expect(status).to_be_focused()
    expect(status).to_contain_text(f"Your score: {total} of {total} correct (100%)")
    expect(status).to_contain_text("The pass mark is 27.")
    expect(status).to_contain_text("You passed the final assessment.")
    expect(submit).to_be_hidden()
    # every question now shows its feedback and its explanation
    expect(status).to_contain_text("Each question now shows the right answer")
    for number in (0, total // 2, total - 1):
        expect(quizzes.nth(number).locator(".quiz-feedback")).to_contain_text("Correct")
        expect(quizzes.nth(number).locator("section.content")).to_be_visible()
    assert blocking_violations(page) == [], "the submitted assessment"

    page.reload()
    expect(status).to_contain_text(f"Your score: {total} of {total} correct (100%)")
    expect(page.get_by_role("button", name="Submit my answers")).to_be_hidden()
    expect(quizzes.last.locator(".quiz-feedback")).to_be_visible()

    page.goto(site_url + RECORD["en"])
    result = page.locator(".aimed-record__assessment-result")
    expect(result).to_have_text(
        f"{total} of {total} correct (100%), pass mark 27: passed on {today('en')}"
    )
    page.goto(site_url + "/")
    row = page.locator('.aimed-progress tr[data-assessment="final"]')
    expect(row.locator(".aimed-progress__quiz")).to_have_text(f"{total} of {total} correct: passed")
    expect(row.locator(".aimed-progress__dates")).to_have_text(f"passed on {today('en')}")

    # a second attempt, all wrong, fails; the record keeps the best result and both attempts
    page.goto(site_url + ASSESSMENT["en"])
    first_draw = [quizzes.nth(n).get_attribute("id") for n in range(total)]
    page.get_by_role("button", name="Take the assessment again").click()
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
    expect(quizzes.first.locator(".quiz-feedback")).to_be_hidden()
    # every situation has another version, and the second attempt shows it
    second_draw = [quizzes.nth(n).get_attribute("id") for n in range(total)]
    assert len(second_draw) == total and not set(first_draw) & set(second_draw)
    take_assessment(page, site_url, "en", correctly=False)
    expect(status).to_contain_text(f"Your score: 0 of {total} correct (0%)")
    expect(status).to_contain_text("You did not reach the pass mark this time.")
    expect(status).to_contain_text(f"Your record keeps your best result: {total} of {total}")
    page.goto(site_url + RECORD["en"])
    expect(result).to_have_text(
        f"{total} of {total} correct (100%), pass mark 27: passed on {today('en')}"
        " — best of 2 attempts"
    )
    attempts = page.locator(".aimed-record__attempts li")
    expect(attempts).to_have_count(2)
    expect(attempts.first).to_have_text(
        f"{today('en')}: {total} of {total} correct (100%), passed; course version {VERSION} "
        f"of {today('en')}"
    )
    expect(attempts.nth(1)).to_contain_text(f"0 of {total} correct (0%), not passed; course")
    assert offsite_requests == []


def test_all_wrong_answers_fail_in_french(
    page: Page, site_url: str, offsite_requests: list[str]
) -> None:
    total = take_assessment(page, site_url, "fr", correctly=False)
    status = page.locator(".aimed-assessment__status")
    expect(status).to_be_focused()
    expect(status).to_contain_text(f"Votre score\u202f: 0 bonne réponse sur {total} (0\u00a0%)")
    expect(status).to_contain_text("Vous n'avez pas atteint le seuil de réussite")
    # no key after a fail: no mark, no feedback, no explanation; the modules to revisit
    expect(status).to_contain_text("Modules à revoir\u202f:")
    expect(status.get_by_role("link")).to_have_count(10)
    expect(status.get_by_role("link").first).to_have_attribute(
        "href", re.compile(r"modules/what-ai-is/$")
    )
    expect(status).to_contain_text("3\u00a0questions manquées sur 3")
    quizzes = drawn(page)
    expect(page.locator(".md-content .quiz fieldset .correct")).to_have_count(0)
    expect(page.locator(".md-content .quiz .quiz-feedback:visible")).to_have_count(0)
    expect(page.locator(".md-content .quiz section.content:visible")).to_have_count(0)
    assert page.locator("[data-correct]").count() == 0
    expect(quizzes.first.locator("input[name=answer]:checked")).to_be_disabled()
    page.reload()
    expect(status).to_contain_text("Vous n'avez pas atteint le seuil de réussite")
    expect(page.locator(".md-content .quiz section.content:visible")).to_have_count(0)
    # the same result, whichever language the record is read in
    page.goto(site_url + RECORD["en"])
    expect(page.locator(".aimed-record__assessment-result")).to_have_text(
        f"0 of {total} correct (0%), pass mark 27: not passed (taken on {today('en')})"
    )
    page.goto(site_url + RECORD["fr"])
    expect(page.locator(".aimed-record__assessment-result")).to_have_text(
        f"0 bonne réponse sur {total} (0\u00a0%), seuil 27\u202f: non réussie "
        f"(passée le {today('fr')})"
    )
    assert offsite_requests == []


# ---------------------------------------------------------------- record of completion


def test_record_lists_modules_read_and_quizzes_passed_with_dates(
    page: Page, site_url: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + "/modules/what-ai-is/")
    first = answer_module_quiz(page)
    page.get_by_label("I have read this module").check()
    # answered in French and never marked as read
    page.goto(site_url + "/fr/modules/reading-performance/")
    second = answer_module_quiz(page)

    page.goto(site_url + RECORD["en"])
    expect(page.locator(".aimed-record__empty")).to_be_hidden()
    read = record_row(page, "what-ai-is")
    expect(read.locator(".aimed-record__read")).to_have_text(today("en"))
    expect(read.locator(".aimed-record__quiz")).to_have_text(f"{first} of {first} correct: passed")
    expect(read.locator(".aimed-record__passed")).to_have_text(today("en"))
    unread = record_row(page, "reading-performance")
    expect(unread.locator(".aimed-record__read")).to_have_text("—")
    expect(unread.locator(".aimed-record__quiz")).to_have_text(
        f"{second} of {second} correct: passed"
    )
    expect(unread.locator(".aimed-record__passed")).to_have_text(today("en"))
    untouched = record_row(page, "incomplete-input")
    expect(untouched.locator(".aimed-record__quiz")).to_have_text("not started")
    expect(untouched.locator(".aimed-record__passed")).to_have_text("—")
    expect(page.locator(".aimed-record__assessment-result")).to_have_text("not taken yet")
    expect(page.locator(".aimed-record__today")).to_have_text(today("en"))
    expect(page.locator(".aimed-record__hours")).to_contain_text(" h")

    page.goto(site_url + "/")
    home = page.locator('.aimed-progress tr[data-module="what-ai-is"]')
    expect(home.locator(".aimed-progress__dates")).to_have_text(
        f"read on {today('en')}; quiz passed on {today('en')}"
    )
    page.goto(site_url + "/fr/")
    home = page.locator('.aimed-progress tr[data-module="reading-performance"]')
    expect(home.locator(".aimed-progress__dates")).to_have_text(f"quiz réussi le {today('fr')}")

    # a quiz that is not passed gets no date
    page.goto(site_url + "/modules/incomplete-input/")
    answer_module_quiz(page, correctly=False)
    page.goto(site_url + RECORD["en"])
    expect(record_row(page, "incomplete-input").locator(".aimed-record__quiz")).to_contain_text(
        ": not passed"
    )
    expect(record_row(page, "incomplete-input").locator(".aimed-record__passed")).to_have_text("—")
    assert offsite_requests == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_printed_record_shows_the_name_and_modules_without_navigation(
    page: Page, site_url: str, lang: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + ("/fr" if lang == "fr" else "") + "/modules/what-ai-is/")
    page.locator(".aimed-read input").check()
    page.goto(site_url + RECORD[lang])
    label = {
        "en": "Your name, as it should appear on the record",
        "fr": "Votre nom, tel qu'il doit figurer sur l'attestation",
    }[lang]
    page.get_by_label(label).fill("Dr Claire Martin-Lévy")
    sheet = page.locator(".aimed-record__sheet")
    expect(sheet.locator(".aimed-record__name")).to_have_text("Dr Claire Martin-Lévy")

    page.emulate_media(media="print")
    expect(sheet).to_be_visible()
    expect(sheet.locator(".aimed-record__name")).to_have_text("Dr Claire Martin-Lévy")
    expect(record_row(page, "what-ai-is")).to_be_visible()
    expect(record_row(page, "what-ai-is").locator(".aimed-record__read")).to_have_text(today(lang))
    assert sheet.locator("tbody tr").count() >= 4
    expect(sheet).to_contain_text(f"version {VERSION}")
    # what the paper must not carry: the site's navigation and the screen-only controls
    for chrome in (
        ".md-header",
        ".md-sidebar--primary",
        ".md-sidebar--secondary",
        ".md-footer",
        ".aimed-record__form",
        ".aimed-screen-only",
    ):
        expect(page.locator(chrome).first).to_be_hidden()
    page.emulate_media(media="screen")

    # the name is kept in this browser only, and the print button opens the print dialogue
    page.reload()
    expect(page.get_by_label(label)).to_have_value("Dr Claire Martin-Lévy")
    page.evaluate("window.print = () => { window.aimedPrinted = true; }")
    page.locator(".aimed-record__print").click()
    assert page.evaluate("window.aimedPrinted") is True
    assert offsite_requests == []


def pdf_pages(page: Page) -> int:
    """The sheets Chromium prints the page on (A4), counted from the PDF's page objects."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", page.pdf(format="A4")))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_empty_record_prints_on_one_sheet_with_no_study_time_done(
    page: Page, site_url: str, lang: str
) -> None:
    page.goto(site_url + RECORD[lang])
    sheet = page.locator(".aimed-record__sheet")
    page.emulate_media(media="print")
    expect(sheet.locator(".aimed-record__empty")).to_be_visible()
    text = sheet.inner_text()
    # the course's duration is an estimate of what it asks, kept apart from what was done
    estimate = sheet.locator(".aimed-record__estimate")
    expect(estimate).to_contain_text(ESTIMATE[lang])
    expect(estimate).to_contain_text(NOT_SPENT[lang])
    expect(sheet.locator(".aimed-record__facts")).not_to_contain_text(re.compile(r"\d\s*h\b"))
    assert "Study time" not in text and "Durée de formation indiquée" not in text
    expect(sheet.locator(".aimed-record__completed")).to_have_text(NO[lang])
    expect(sheet.locator(".aimed-record__rule")).to_contain_text(RULE[lang])
    expect(sheet.locator(".aimed-record__declared")).to_be_visible()
    assert pdf_pages(page) == 1


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_typical_record_prints_with_its_statement_on_the_same_sheet(
    page: Page, site_url: str, lang: str
) -> None:
    prefix = "/fr" if lang == "fr" else ""
    for slug in ("what-ai-is", "reading-performance", "incomplete-input"):
        page.goto(site_url + prefix + f"/modules/{slug}/")
        answer_module_quiz(page)
        page.locator(".aimed-read input").check()
    take_assessment(page, site_url, lang, correctly=True)
    page.goto(site_url + RECORD[lang])
    page.locator(".aimed-record__name-input").fill("Dr Claire Martin-Lévy")
    page.emulate_media(media="print")
    sheet = page.locator(".aimed-record__sheet")
    expect(sheet.locator(".aimed-record__declared")).to_be_visible()
    expect(record_row(page, "what-ai-is").locator(".aimed-record__read")).to_have_text(today(lang))
    # modules read but not all of them: not completed, by the rule stated on the sheet
    expect(sheet.locator(".aimed-record__completed")).to_have_text(NO[lang])
    assert pdf_pages(page) == 1


def test_completed_says_yes_once_the_rule_is_met(page: Page, site_url: str) -> None:
    page.goto(site_url + RECORD["en"])
    links = page.locator(".aimed-record tbody tr[data-module] a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:
        page.goto(urljoin(site_url + RECORD["en"], href))
        answer_module_quiz(page)
        page.locator(".aimed-read input").check()
    page.goto(site_url + RECORD["en"])
    completed = page.locator(".aimed-record__completed")
    expect(completed).to_have_text("no")  # the final assessment is still to pass
    take_assessment(page, site_url, "en", correctly=True)
    page.goto(site_url + RECORD["en"])
    expect(completed).to_have_text("yes")


def signed_badge(folder: Path) -> bytes:
    """A badge made the way `aimed trainer attest` makes it: signed assertion, baked PNG."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from aimed.trainer import attest

    key = attest.create_key(folder / "institution.pem")
    issuer = attest.load_issuer(
        "CHU de Nantes", "Dr Ana Ruiz", "https://formation.chu-exemple.fr/badges/", key
    )
    learner = attest.Attested(
        learner="claire",
        name="Claire Martin",
        email="claire.martin@example.org",
        exercises=[
            {
                "exercise": "bayes",
                "language": "fr",
                "score": 9.0,
                "max_score": 10.0,
                "graded_on": "2026-11-30",
            }
        ],
    )
    course = SimpleNamespace(version=VERSION, reviewed=date(2026, 12, 7))
    document = attest.assertion(
        learner, course, issuer, datetime(2026, 12, 3, 9, 0, tzinfo=UTC), "en"
    )
    return attest.baked(attest.sign(document, issuer.key_pem), attest.badge_image())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_trainers_signed_badge_is_attached_not_typed(
    page: Page, site_url: str, lang: str, tmp_path: Path
) -> None:
    badge = tmp_path / "badge-claire.png"
    badge.write_bytes(signed_badge(tmp_path))
    plain = tmp_path / "holiday.png"
    from aimed.trainer.attest import badge_image

    plain.write_bytes(badge_image())
    page.goto(site_url + RECORD[lang])
    field = page.locator(".aimed-record__file-input")
    attached = page.locator(".aimed-record__attachment")
    status = page.locator(".aimed-record__file-status")
    # a picture that is not a signed badge is refused, and nothing is kept
    field.set_input_files(plain)
    expect(status).to_contain_text(REFUSED[lang])
    expect(attached).to_have_attribute("data-attached", "no")

    field.set_input_files(badge)
    day = format_date(date(2026, 12, 3), "long", locale=LOCALE[lang])
    expect(attached).to_have_text(
        ATTACHED[lang].format(file="badge-claire.png", issuer="formation.chu-exemple.fr", date=day)
    )
    expect(page.locator(".aimed-record__proves")).to_be_visible()
    page.reload()
    expect(attached).to_have_attribute("data-attached", "yes")
    page.emulate_media(media="print")
    expect(attached).to_be_visible()
    expect(page.locator(".aimed-record__proves")).to_be_visible()
    assert pdf_pages(page) == 1
    page.emulate_media(media="screen")
    assert blocking_violations(page) == []
    page.locator(".aimed-record__file-remove").click()
    expect(attached).to_have_attribute("data-attached", "no")
    assert page.evaluate("localStorage.getItem('aimed_record_attachment')") is None


def test_the_trainers_html_attestation_is_attached_too(page: Page, site_url: str, tmp_path: Path):
    """The attestation `aimed trainer attest` prints, in French, attached to the English record."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from aimed.trainer import attest

    key = attest.create_key(tmp_path / "institution.pem")
    issuer = attest.load_issuer("CHU de Nantes", "Dr Ana Ruiz", "https://chu.example.fr/", key)
    learner = attest.Attested(learner="claire", name="Claire Martin", email=None)
    course = SimpleNamespace(
        version=VERSION, reviewed=date(2026, 12, 7), hours=(12, 15), modules=[]
    )
    rule = attest.Rule(exercises=("bayes",), final_share=0.8, exercise_share=0.5)
    html = attest.attestation_html(
        learner, course, issuer, rule, "fr", datetime(2026, 12, 4, tzinfo=UTC).date(), None
    )
    file = tmp_path / "attestation-claire.html"
    file.write_text(html, encoding="utf-8")
    page.goto(site_url + RECORD["en"])
    page.locator(".aimed-record__file-input").set_input_files(file)
    expect(page.locator(".aimed-record__attachment")).to_have_text(
        "attached: attestation-claire.html, issued by CHU de Nantes on 4 December 2026"
    )
    expect(page.locator(".aimed-record__file-status")).to_contain_text("attestation-claire.html")


def test_a_name_is_shown_as_typed_never_as_markup(page: Page, site_url: str) -> None:
    page.goto(site_url + RECORD["en"])
    field = page.get_by_label("Your name, as it should appear on the record")
    field.fill('<img src=x onerror="window.aimedHacked=1">Eve')
    name = page.locator(".aimed-record__name")
    expect(name).to_have_text('<img src=x onerror="window.aimedHacked=1">Eve')
    assert name.locator("img").count() == 0
    assert page.evaluate("window.aimedHacked") is None
    field.fill("   ")
    expect(name).to_have_text("(not given)")
    assert page.evaluate("localStorage.getItem('aimed_record_name')") is None


def test_cleared_storage_gives_an_empty_record(
    page: Page, site_url: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + "/modules/what-ai-is/")
    answer_module_quiz(page)
    page.get_by_label("I have read this module").check()
    take_assessment(page, site_url, "en", correctly=True)
    page.goto(site_url + RECORD["en"])
    page.get_by_label("Your name, as it should appear on the record").fill("Dr Martin")
    expect(page.locator(".aimed-record__empty")).to_be_hidden()

    page.evaluate("localStorage.clear()")
    page.reload()
    expect(page.locator(".aimed-record__empty")).to_be_visible()
    expect(page.locator(".aimed-record__empty")).to_contain_text("Nothing is recorded")
    expect(page.locator(".aimed-record__modules")).to_be_hidden()
    expect(page.locator(".aimed-record__name")).to_have_text("(not given)")
    expect(page.locator(".aimed-record__assessment-result")).to_have_text("not taken yet")
    page.goto(site_url + RECORD["fr"])
    expect(page.locator(".aimed-record__empty")).to_contain_text("Rien n'est encore enregistré")
    assert offsite_requests == []


def test_reset_on_the_home_page_clears_the_record_too(
    page: Page, site_url: str, offsite_requests: list[str]
) -> None:
    page.goto(site_url + "/modules/what-ai-is/")
    answer_module_quiz(page)
    page.get_by_label("I have read this module").check()
    take_assessment(page, site_url, "fr", correctly=True)
    page.goto(site_url + RECORD["en"])
    page.get_by_label("Your name, as it should appear on the record").fill("Dr Martin")
    page.evaluate("localStorage.setItem('another_site_setting', 'kept')")
    stored = page.evaluate("Object.keys(localStorage)")
    assert set(OUR_KEYS) <= set(stored)

    page.goto(site_url + "/")
    page.get_by_role("button", name="Reset my progress").click()
    row = page.locator('.aimed-progress tr[data-assessment="final"]')
    expect(row.locator(".aimed-progress__quiz")).to_have_text("not taken yet")
    left = page.evaluate("Object.keys(localStorage)")
    assert left == ["another_site_setting"], left
    page.goto(site_url + RECORD["en"])
    expect(page.locator(".aimed-record__empty")).to_be_visible()
    page.goto(site_url + ASSESSMENT["fr"])
    expect(page.get_by_role("button", name="Valider mes réponses")).to_be_visible()
    expect(drawn(page).first.locator(".quiz-feedback")).to_be_hidden()
    expect(drawn(page).first.locator("input:checked")).to_have_count(0)
    assert offsite_requests == []
