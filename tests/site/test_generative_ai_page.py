"""Module 6: the page quotes the published rates and the sandbox engine's own results.

The figures of the page are computed from ``aimed.engines.letter_check``; the extrapolation in the
text (a 15-sentence letter at the published hallucination rate) is recomputed here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aimed.engines.letter_check import OMISSION_KINDS, PUBLISHED_RATES, expected_errors
from aimed.site.figures import generative_ai
from aimed.texts.numbers import count, decimal, percent

ROOT = Path(__file__).resolve().parents[2]

LANGS = ("en", "fr")
PAGE = {"en": "generative-ai.md", "fr": "generative-ai.fr.md"}
LETTER_SENTENCES = 15  # the letter of the page's worked extrapolation
HALLUCINATED = {"en": "{} hallucinated sentences", "fr": "{} phrase hallucinée"}
DRAFTS = {"en": "Over {} seeded drafts", "fr": "Sur {} brouillons à graine"}


def page_text(lang: str) -> str:
    """The page's Markdown with line breaks joined (no-break spaces kept)."""
    text = (ROOT / "course" / "modules" / PAGE[lang]).read_text(encoding="utf-8")
    return re.sub(r"[ \n]+", " ", text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_quotes_the_published_rates_as_the_engine_holds_them(lang: str) -> None:
    text = page_text(lang)
    for rate in PUBLISHED_RATES.values():
        assert percent(rate.rate, lang, digits=2) in text
        assert percent(rate.major_share, lang, digits=0) in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_extrapolation_to_a_letter_is_computed_from_the_published_rate(lang: str) -> None:
    per_letter = expected_errors(LETTER_SENTENCES, 0)["hallucination"]
    major = per_letter * PUBLISHED_RATES["hallucination"].major_share
    text = page_text(lang)
    assert HALLUCINATED[lang].format(decimal(per_letter, lang, 2)) in text
    assert 4 < 1 / per_letter < 5  # "one in roughly every four or five letters"
    assert round(1 / major) == 10  # "a major one in about one letter in ten"
    assert round(2 * 5 * major) == 1  # two letters a working day: "about one a week"


def test_each_one_way_check_misses_whole_kinds_and_both_together_catch_all() -> None:
    results = generative_ai.one_way_results()
    planted = results["planted"]
    assert set(planted) >= set(OMISSION_KINDS) | {"invented_drug", "unsupported_claim"}
    forward, backward = results["letter_to_record"], results["record_to_letter"]
    assert all(forward.get(kind, 0) == 0 for kind in OMISSION_KINDS)
    assert backward.get("invented_drug", 0) == backward.get("unsupported_claim", 0) == 0
    assert results["total"]["either"] == results["total"]["all"] == sum(planted.values())
    for lang in LANGS:
        assert DRAFTS[lang].format(generative_ai.DRAFTS) in page_text(lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_figure_draws_in_each_language_with_the_engine_counts_in_its_alt_text(
    lang: str,
) -> None:
    figure = generative_ai.one_way_checks(lang)
    results = generative_ai.one_way_results()
    assert figure.svg.lstrip().startswith("<?xml") and "<svg" in figure.svg
    assert count(results["total"]["all"], lang) in figure.alt
    assert count(generative_ai.DRAFTS, lang) in figure.alt
    assert percent(0.0, lang, digits=0) in figure.alt and percent(1.0, lang, digits=0) in figure.alt
