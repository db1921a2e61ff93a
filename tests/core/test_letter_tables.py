"""The tables of the exercise "Checking an AI-drafted letter" follow the letter-check engine."""

from __future__ import annotations

import html
import re

import pytest

from aimed.engines.letter_check import SENTENCE_KINDS, generate_case, letter, record_view, review
from aimed.notebooks import helpers as helpers
from aimed.notebooks.generative_ai import (
    batch_table,
    check_number_list,
    draft_counts,
    show_letter,
    show_record,
)
from aimed.trainer.keys.generative_ai import (
    must_be_redone,
    pooled_rates,
    sentence_errors,
    wrong_sentences,
)
from support import told

SEEDS = (3, 14, 100, 101, 105, 118, 2026)


@pytest.fixture
def french() -> object:
    helpers.set_language("fr")
    yield
    helpers.set_language("en")


@pytest.mark.parametrize("seed", SEEDS)
def test_counts_are_what_a_check_both_ways_finds(seed: int) -> None:
    """The engine's own one-way readers, which compare statements with the record, agree."""
    case = generate_case(seed)
    counts = draft_counts(case)
    flagged = review(case, "letter_to_record").flagged
    missing = review(case, "record_to_letter").missing
    assert wrong_sentences(case) == sorted(index + 1 for index in flagged)
    assert set(missing) == set(case.omitted)
    assert counts.hallucinated == len(flagged) and counts.omitted == len(missing)
    assert counts.sentences == len(letter(case, "en"))
    assert counts.items == sum(len(s.items) for s in record_view(case, "en"))
    assert set(sentence_errors(case).values()) <= set(SENTENCE_KINDS)


def test_rates_use_the_course_denominators() -> None:
    case = generate_case(14, kinds=("omitted_allergy", "wrong_dose", "invented_drug"))
    counts = draft_counts(case)
    # Two sentences changed or added, over the letter's sentences; one item left out, over
    # the record's items (the source), never over the letter's sentences.
    assert counts.hallucination_rate == 2 / len(letter(case, "en"))
    assert counts.omission_rate == 1 / len(case.record.facts())
    assert len(letter(case, "en")) != len(case.record.facts())


def test_a_batch_rate_is_total_errors_over_total_sentences_or_items() -> None:
    batch = [generate_case(seed) for seed in (100, 101, 105)]
    counts = [draft_counts(case) for case in batch]
    rates = pooled_rates(batch)
    assert rates["hallucination"] == pytest.approx(
        sum(c.hallucinated for c in counts) / sum(c.sentences for c in counts)
    )
    assert rates["omission"] == pytest.approx(
        sum(c.omitted for c in counts) / sum(c.items for c in counts)
    )
    # Not the mean of the drafts' rates, and not omissions over the drafts' sentences.
    mean = sum(c.hallucination_rate for c in counts) / len(counts)
    assert abs(rates["hallucination"] - mean) > 0.001
    wrong = sum(c.omitted for c in counts) / sum(c.sentences for c in counts)
    assert abs(rates["omission"] - wrong) > 0.005
    with pytest.raises(ValueError):
        pooled_rates([])


def test_the_redo_rule_counts_rates_strictly_above_their_limits() -> None:
    case = generate_case(14, kinds=("omitted_allergy", "wrong_dose", "invented_drug"))
    counts = draft_counts(case)
    assert not must_be_redone(case, counts.hallucination_rate, counts.omission_rate)
    assert must_be_redone(case, counts.hallucination_rate - 0.01, 1.0)
    assert must_be_redone(case, 1.0, counts.omission_rate - 0.01)


@pytest.mark.parametrize("lang", ("en", "fr"))
def test_record_and_letter_read_as_the_engine_writes_them(lang: str) -> None:
    helpers.set_language(lang)
    try:
        case = generate_case(14)
        shown = show_letter(case, draft=1)
        assert shown.lines == letter(case, lang)
        page = shown._repr_html_()
        assert page.count("<tr>") == len(letter(case, lang)) + 1  # the heading row
        for number, sentence in enumerate(letter(case, lang), start=1):
            assert f">{number}</td>" in page and html.escape(sentence) in page
            assert f"{number:>3}. {sentence}" in str(shown)
        record = show_record(case, draft=1)
        assert len(record.lines) == len(case.record.facts())
        assert [title for title, _ in record.sections] == [
            s.title for s in record_view(case, lang) if s.items
        ]
        assert str(len(case.record.facts())) in record.title
    finally:
        helpers.set_language("en")


def test_html_shows_special_characters_as_themselves() -> None:
    sheet = show_letter(generate_case(14))
    odd = type(sheet)("a & b", (("", ("x < y", "<b>z</b>")),), numbered=True)
    page = odd._repr_html_()
    assert "x &lt; y" in page and "&lt;b&gt;z&lt;/b&gt;" in page and "<b>" not in page
    assert page.startswith("<p><strong>a &amp; b</strong></p>")
    record = show_record(generate_case(14))._repr_html_()
    assert record.count("<li>") == len(generate_case(14).record.facts())


def test_both_languages_give_the_same_batch_table(french: None) -> None:
    drafts = {3: generate_case(100), 4: generate_case(101)}
    french_table = batch_table(drafts)
    helpers.set_language("en")
    english_table = batch_table(drafts)
    assert french_table.shape == english_table.shape == (2, 4)
    assert (french_table.to_numpy() == english_table.to_numpy()).all()
    assert list(english_table.index) == [3, 4]
    first = draft_counts(drafts[3])
    assert list(english_table.loc[3]) == [
        first.sentences,
        first.items,
        first.hallucinated,
        first.omitted,
    ]
    again = batch_table({3: generate_case(100), 4: generate_case(101)})
    assert again.equals(english_table), "the same seeds must give the same table"


def test_list_answers_of_the_right_form_pass() -> None:
    for value in ([2, 5], (2, 5), [], [5], [2.0, 16]):
        check_number_list("answer_q1", value, low=1, high=16)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "no answer yet"),
        (5, r"Write it as a list.*\[5\]"),
        ({2, 5}, "curly braces"),
        ("2, 5", "square brackets"),
        ([2.5], "not a whole number"),
        (["2"], "not a whole number"),
        ([True], "not a whole number"),
        ([0, 3], "outside the possible numbers from 1 to 16"),
        ([17], "outside the possible numbers"),
    ],
)
def test_list_answers_of_the_wrong_form_are_explained(
    value: object, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert re.search(
        message, told(capsys, lambda: check_number_list("answer_q1", value, low=1, high=16))
    )


def test_list_checks_speak_french(french: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert re.search(
        "accolades", told(capsys, lambda: check_number_list("answer_q4", {1}, low=1, high=14))
    )
    assert re.search(
        "hors des nombres possibles de 1 à 14",
        told(capsys, lambda: check_number_list("answer_q4", [15], low=1, high=14)),
    )
