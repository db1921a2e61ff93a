"""Modules 8 and 9: figures drawn from their cited numbers, and pages that quote the same ones.

The numbers live once, in site/figures/data_regulation.py and patient_relationship.py, with
their citation keys. These tests check that every figure draws in both languages with its
numbers in the alternative text, that the pages print the same numbers and cite the same
sources, and that figures the factsheet allows only "as reported" never appear without
their attribution.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.dates import format_date

from aimed.site.hooks.course_references import cited_keys
from aimed.texts.numbers import percent
from support import figure_module

ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = ROOT / "course" / "modules"

LANGS = ("en", "fr")


regulation = figure_module("data_regulation")
patient = figure_module("patient_relationship")


def page(module: str, lang: str) -> str:
    suffix = ".md" if lang == "en" else f".{lang}.md"
    return (MODULES_DIR / f"{module}{suffix}").read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    """Units a reader takes in at once: each quiz whole (question, answers, explanation), and
    each paragraph of the rest."""
    quizzes = re.findall(r"<quiz>.*?</quiz>", text, re.S)
    rest = re.sub(r"<quiz>.*?</quiz>", "\n\n", text, flags=re.S)
    return quizzes + [block for block in re.split(r"\n\s*\n", rest) if block.strip()]


def plain_spaces(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def flat(text: str) -> str:
    """One line, single spaces: a phrase is found whatever the line breaks of the source."""
    return " ".join(plain_spaces(text).split())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("module", "name"),
    [(regulation, n) for n in regulation.FIGURES] + [(patient, n) for n in patient.FIGURES],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_figure_draws_an_svg_with_alternative_text(module, name: str, lang: str) -> None:
    figure = module.FIGURES[name](lang)
    assert figure.svg.lstrip().startswith(("<?xml", "<svg"))
    assert len(figure.alt) > 80


@pytest.mark.parametrize("lang", LANGS)
def test_timeline_alt_text_gives_every_date_in_the_language(lang: str) -> None:
    alt = regulation.ai_act_timeline(lang).alt
    for milestone in regulation.MILESTONES:
        assert regulation.day(milestone.when, lang) in alt
    assert ("reported" if lang == "en" else "rapporté") in alt
    assert "2026/1744" in alt and "awaiting" not in alt and "attente" not in alt


@pytest.mark.parametrize("lang", LANGS)
def test_regulation_page_gives_the_figure_dates_and_cites_their_sources(lang: str) -> None:
    text = flat(page("data-regulation", lang))
    keys = set(cited_keys(text))
    for milestone in regulation.MILESTONES:
        written = format_date(milestone.when, "d MMMM y", locale=lang)
        if lang == "fr" and milestone.when.day == 1:
            written = "1er" + written[1:]
        assert written in text, milestone
        assert milestone.source in keys, milestone


@pytest.mark.parametrize("lang", LANGS)
def test_digital_omnibus_is_never_mentioned_without_its_reported_status(lang: str) -> None:
    """The factsheet allows the Omnibus only with its date and "as reported"."""
    status = re.compile(r"reported|rapport|annonc", re.I)
    for block in paragraphs(page("data-regulation", lang)):
        if re.search(r"omnibus", block, re.I):
            assert status.search(block), block[:200]
            assert "2026" in block or "2025" in block, block[:200]


@pytest.mark.parametrize("lang", LANGS)
def test_patient_page_prints_the_charted_numbers_and_cites_their_sources(lang: str) -> None:
    text = flat(page("patient-relationship", lang))
    keys = set(cited_keys(text))
    for share in patient.ADHERENCE + patient.INFORMING:
        assert share.source in keys, share
        if not share.wording:
            assert plain_spaces(patient.shown(share, lang)) in text, share
    wording = {
        "en": ["only 1 practitioner in 2", "fewer than 1 in 5", "explanatory way"],
        "fr": ["seul 1 praticien sur 2", "moins d'un sur cinq", "manière pédagogique"],
    }[lang]
    for phrase in wording:
        assert phrase in text, phrase
    assert patient.GP_WEEK_SOURCE in keys
    for _, hours in patient.GP_WEEK:
        shown = f"{int(hours)} h 30" if hours % 1 else f"{int(hours)} hours"
        if lang == "fr" and not hours % 1:
            shown = f"{int(hours)} heures"
        assert shown in text, hours
    share = percent(dict(patient.GP_WEEK)["management"] / patient.GP_WEEK_TOTAL, lang, 0)
    assert plain_spaces(share) in text


@pytest.mark.parametrize("lang", LANGS)
def test_medaviz_ifop_figures_never_appear_without_their_attribution(lang: str) -> None:
    """92% and 82% are unverified in the primary source: printed only as reported by Medaviz."""
    text = plain_spaces(page("patient-relationship", lang))
    assert "medaviz2026" in cited_keys(text)
    for block in paragraphs(text):
        items = [block] if block.startswith("<quiz>") else re.split(r"\n(?=- )", block)
        for item in items:  # a quiz whole, each bullet of a list on its own
            if re.search(r"\b(92|82) ?%", item):
                assert "Medaviz" in item, item[:200]


@pytest.mark.parametrize("lang", LANGS)
def test_informing_chart_keeps_the_sources_wording(lang: str) -> None:
    alt = patient.informing_gap(lang).alt
    assert percent(0.84, lang, 0) in alt
    for share in patient.INFORMING:
        if share.wording:
            assert patient.TEXTS[lang]["alt_wording"][share.wording] in alt
    # a ceiling is drawn as a ceiling: never printed as an exact percentage
    assert percent(0.2, lang, 0) not in alt
