"""The automation-bias check in Chromium, before module 7 and at the end, in both languages.

What a learner would notice: the twenty cases of each attempt, a result only once every case is
answered, the same commission and omission tallies as the engine's own scoring on the same
answers, the difference between the two attempts on the page and on the record (with what it
cannot show), and a results file the trainer's cohort report reads.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aimed.engines.automation_bias import CHECK_SEED, paired_series, score
from aimed.site.hooks.course_record import decode_key
from aimed.trainer.gain import gain_table, read_records
from support import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHECK = {
    "before": {"en": "/automation-bias-before/", "fr": "/fr/automation-bias-before/"},
    "after": {"en": "/automation-bias-after/", "fr": "/fr/automation-bias-after/"},
}
RECORD = {"en": "/my-record/", "fr": "/fr/my-record/"}
SUBMIT = {"en": "See my result", "fr": "Voir mon résultat"}
CAVEAT = {"en": "no group of physicians who did not take the course", "fr": "aucun groupe"}


def answer_cases(page: Page, answers: dict[int, str]) -> None:
    for number, answer in answers.items():
        page.locator(
            f".aimed-bias-check__case[data-case='{number}'] input[value='{answer}']"
        ).check()


def tallies(page: Page) -> dict[str, tuple[int, int]]:
    result = page.locator(".aimed-bias-check__result")
    found = {}
    for name in ("commission", "omission", "correct"):
        cell = result.locator(f".aimed-bias-check__{name}")
        found[name] = (int(cell.get_attribute("data-hits")), int(cell.get_attribute("data-total")))
    return found


def engine_tallies(stage: str, answers: dict[int, str]) -> dict[str, tuple[int, int]]:
    series = dict(zip(("before", "after"), paired_series(CHECK_SEED), strict=True))[stage]
    summary = score(series, answers)
    overall = summary.accuracy["overall"]
    return {
        "commission": (summary.commission.hits, summary.commission.total),
        "omission": (summary.omission.hits, summary.omission.total),
        "correct": (overall.hits, overall.total),
    }


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_two_attempts_and_their_difference_on_the_record(
    page: Page, site_url: str, lang: str, offsite_requests: list[str], tmp_path: Path
) -> None:
    before, after = paired_series(CHECK_SEED)
    page.goto(site_url + CHECK["before"][lang])
    block = page.locator(".aimed-bias-check")
    expect(block).to_be_visible()
    expect(page.locator(".aimed-bias-check__case")).to_have_count(len(before.cases))
    key = {n: entry for n, entry in decode_key(block.get_attribute("data-key")).items()}
    assert {n: e[0] for n, e in key.items()} == {c.number: c.condition.value for c in before.cases}

    # nothing answered: no result, the first case to answer is named
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator(".aimed-bias-check__status")).to_contain_text("20")
    expect(page.locator(".aimed-bias-check__result")).to_be_hidden()

    # before: a reader who follows the AI everywhere (and trusts its silences)
    first = {c.number: c.suggestion or ("clear" if c.shows_ai else c.answer) for c in before.cases}
    answer_cases(page, dict(list(first.items())[:5]))
    page.reload()  # the answers given so far are kept
    expect(page.locator(".aimed-bias-check__case[data-case='1'] input:checked")).to_have_count(1)
    answer_cases(page, first)
    page.get_by_role("button", name=SUBMIT[lang]).click()
    expect(page.locator(".aimed-bias-check__result")).to_be_visible()
    assert tallies(page) == engine_tallies("before", first)
    assert tallies(page)["commission"] == (4, 4)
    expect(page.locator(".aimed-bias-check__case input:disabled")).to_have_count(40)
    expect(page.locator(".aimed-bias-check__feedback").first).to_be_visible()
    assert blocking_violations(page) == []

    # after: random answers on the other series, seeded: the page counts as the engine does
    pick = random.Random(f"bias-{lang}")
    second = {c.number: pick.choice(["clear", "problem"]) for c in after.cases}
    page.goto(site_url + CHECK["after"][lang])
    shown = {c.number for c in after.cases}
    assert len(shown) == page.locator(".aimed-bias-check__case").count()
    answer_cases(page, second)
    page.get_by_role("button", name=SUBMIT[lang]).click()
    found = tallies(page)
    assert found == engine_tallies("after", second)
    change = found["commission"][0] - 4
    difference = page.locator(".aimed-bias-check__difference")
    assert int(difference.get_attribute("data-commission")) == change
    assert blocking_violations(page) == []

    # the record, in the other language too: both attempts, the difference, the caveat
    for where in (lang, "fr" if lang == "en" else "en"):
        page.goto(site_url + RECORD[where])
        box = page.locator(".aimed-record__bias")
        expect(box).to_be_visible()
        expect(box.locator("tr[data-stage=before] .aimed-record__bias-commission")).to_have_text(
            "4 / 4"
        )
        omission = found["omission"]
        expect(box.locator("tr[data-stage=after] .aimed-record__bias-omission")).to_have_text(
            f"{omission[0]} / {omission[1]}"
        )
        signed = f"+{change}" if change > 0 else f"\u2212{-change}" if change < 0 else "0"
        expect(
            box.locator("tr[data-stage=difference] .aimed-record__bias-commission")
        ).to_have_text(signed)
        expect(box.locator(".aimed-record__bias-note")).to_contain_text(CAVEAT[where])
        assert blocking_violations(page) == []

    # the results file the learner returns: the trainer's report reads it
    with page.expect_download() as download:
        page.locator(".aimed-record__download").click()
    saved = tmp_path / "returned" / "learner.json"
    saved.parent.mkdir()
    download.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["automation_bias"]["before"]["commission"] == [4, 4]
    records, problems = read_records(saved.parent)
    assert problems == [] and len(records) == 1
    rows = {row.module: row for row in gain_table(records)}
    assert rows["automation-bias-commission"].learners == 1
    assert rows["automation-bias-commission"].change == pytest.approx(100 * change / 4)
    assert offsite_requests == []
