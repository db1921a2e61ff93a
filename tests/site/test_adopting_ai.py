"""Module 10: the page quotes what its figures compute, and the checklist is one page in print and
the same list in its plain-text download."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aimed.engines.bayes import natural_frequencies, predictive_values
from aimed.site.figures import adopting_ai
from aimed.texts.numbers import count, percent

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"

LANGS = ("en", "fr")
PAGE = {"en": "modules/adopting-ai.md", "fr": "modules/adopting-ai.fr.md"}
CHECKLIST = {"en": "templates/ai-tool-checklist.md", "fr": "templates/ai-tool-checklist.fr.md"}
ABOUT = {"en": "about {}", "fr": "environ {}"}
ITEM = re.compile(r"^- ☐ (.+)$", re.MULTILINE)


def page_text(lang: str) -> str:
    return (COURSE / PAGE[lang]).read_text(encoding="utf-8")


def download(lang: str) -> Path:
    return COURSE / "assets" / "downloads" / f"ai-tool-checklist.{lang}.txt"


@pytest.mark.parametrize("lang", LANGS)
def test_ppv_figure_and_page_give_the_predictive_value_at_both_prevalences(lang: str) -> None:
    figure = adopting_ai.ppv_your_setting(lang)
    text = page_text(lang)
    for prevalence in (adopting_ai.STUDY_PREVALENCE, adopting_ai.PRACTICE_PREVALENCE):
        ppv = predictive_values(adopting_ai.SENSITIVITY, adopting_ai.SPECIFICITY, prevalence).ppv
        counts = natural_frequencies(
            adopting_ai.SENSITIVITY, adopting_ai.SPECIFICITY, prevalence, adopting_ai.PATIENTS
        )
        assert percent(ppv, lang, 0) in figure.alt
        assert percent(ppv, lang, 0) in text, f"the page does not quote the PPV {ppv:.3f}"
        assert f"{count(counts.positives, lang)} alert" in text
    assert "<svg" in figure.svg and figure.alt


def test_monthly_audit_shows_the_drift_the_page_describes() -> None:
    audit = adopting_ai.monthly_audit()
    change = adopting_ai.CHANGE_MONTH - 1
    before = slice(0, change)
    after = slice(change, adopting_ai.MONTHS)
    # calibrated before the change, risk underestimated and alerts doubled after it
    assert abs(audit.observed[before].mean() - audit.predicted[before].mean()) < 0.02
    assert audit.observed[after].mean() - audit.predicted[after].mean() > 0.05
    assert audit.alerts_per_100[after].mean() > 1.5 * audit.alerts_per_100[before].mean()
    for lang in LANGS:
        text = page_text(lang)
        for value in (
            audit.observed[before].mean(),
            audit.observed[after].mean(),
            audit.predicted[after].mean(),
        ):
            assert ABOUT[lang].format(percent(value, lang, 0)) in text
        alerts = [round(audit.alerts_per_100[part].mean()) for part in (before, after)]
        assert ABOUT[lang].format(alerts[0]) in text and ABOUT[lang].format(alerts[1]) in text
        assert adopting_ai.monitoring_drift(lang).alt


@pytest.mark.parametrize("lang", LANGS)
def test_plain_text_checklist_holds_every_item_of_the_printable_page(lang: str) -> None:
    page = (COURSE / CHECKLIST[lang]).read_text(encoding="utf-8")
    items = [item.replace("**", "") for item in ITEM.findall(page)]
    lines = download(lang).read_text(encoding="utf-8").splitlines()
    assert items and [line[4:] for line in lines if line.startswith("[ ] ")] == items
    for heading in re.findall(r"^## (.+)$", page, re.MULTILINE):
        assert heading.upper() in lines


def test_checklist_has_the_same_items_in_both_languages() -> None:
    pages = [(COURSE / CHECKLIST[lang]).read_text(encoding="utf-8") for lang in LANGS]
    english, french = (ITEM.findall(page) for page in pages)
    assert len(english) == len(french) >= 20


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_checklist_prints_on_one_page_and_offers_its_text_version(
    page, site_url: str, lang: str
) -> None:
    prefix = "" if lang == "en" else "/fr"
    page.goto(f"{site_url}{prefix}/modules/adopting-ai/")
    page.locator('a[href$="templates/ai-tool-checklist/"]').first.click()
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        sheets = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        assert sheets == 1, f"the {lang} checklist prints on {sheets} {paper} pages"
    link = page.locator("a[download]").first
    assert link.get_attribute("download") == f"ai-tool-checklist-{lang}.txt"
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.ok
    assert response.text() == download(lang).read_text(encoding="utf-8")
