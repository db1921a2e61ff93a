"""Module 7 (trust, explanation and responsibility): its figures and published numbers come from
the automation-bias engine and its data file, so the page, its figures and the sandbox's summary
quote the same figures in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import support
from aimed.engines.automation_bias import READER_PROFILES, published_figures
from aimed.texts.numbers import percent

ROOT = Path(__file__).resolve().parents[2]
FIGURES_DIR = ROOT / "site" / "figures"
LANGS = ("en", "fr")


def figure_module():
    return support.figure_module("trust_responsibility")


def page_text(lang: str) -> str:
    return support.module_page_text("trust-responsibility", lang)


@pytest.fixture(scope="module")
def module():
    return figure_module()


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_quotes_the_published_figures_of_the_engine(lang: str) -> None:
    text = page_text(lang)
    for figure in published_figures():
        for value in (figure.without_ai, figure.with_wrong_ai):
            assert percent(value, lang, digits=1) in text, (figure.key, value)


@pytest.mark.parametrize("lang", LANGS)
def test_the_published_figure_draws_the_engines_numbers(module, lang: str) -> None:
    drawn = module.published_automation_bias(lang)
    assert drawn.svg.lstrip().startswith("<?xml")
    for figure in published_figures():
        for value in (figure.without_ai, figure.with_wrong_ai):
            label = percent(value, lang, digits=1)
            assert label in drawn.alt and label in drawn.svg


@pytest.mark.parametrize("lang", LANGS)
def test_the_simulation_is_labelled_and_shows_the_price_of_reliance(module, lang: str) -> None:
    drawn = module.reader_profiles(lang)
    assert {"en": "simulation", "fr": "simulation"}[lang] in drawn.alt.lower()
    reliant = module.simulated("over_reliant")
    independent = module.simulated("independent")
    dismissive = module.simulated("dismissive")
    assert reliant.accuracy["ai_wrong"].value < 0.3 < independent.accuracy["ai_wrong"].value
    assert reliant.accuracy["ai_right"].value > independent.accuracy["ai_right"].value
    assert abs(dismissive.accuracy["ai_right"].value - dismissive.accuracy["alone"].value) < 0.05
    for profile in READER_PROFILES:
        share = percent(module.simulated(profile).accuracy["ai_wrong"].value, lang, digits=0)
        assert share in drawn.alt
    caption = re.search(r"<!-- figure: reader-profiles \| (.*?) -->", page_text(lang)).group(1)
    assert caption.lower().startswith("simulation")
