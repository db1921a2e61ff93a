"""The final assessment's bank as written: every situation in both languages, with the same
versions and the same key, so an attempt started in English is the same attempt in French.

assessment.js keeps an attempt by situation, version letter and option value (the option's
place in the source): a French version whose right answer sits elsewhere than the English
one would mark a right answer wrong after a language switch.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aimed.course_manifest import load_manifest
from aimed.site.hooks.course_record import Situation, assessment_bank

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
MANIFEST = load_manifest(COURSE / "course.toml")
SLUGS = [module.slug for module in MANIFEST.modules]
PAGES = {"en": COURSE / "final-assessment.md", "fr": COURSE / "final-assessment.fr.md"}
QUIZ = re.compile(r"^<quiz>\n(.*?)^</quiz>", re.M | re.S)
ANSWER = re.compile(r"^- \[([ xX])\] (.+)$", re.M)


def bank(lang: str) -> list[Situation]:
    return assessment_bank(PAGES[lang].read_text(encoding="utf-8"), SLUGS)


def versions(lang: str) -> list[str]:
    return QUIZ.findall(PAGES[lang].read_text(encoding="utf-8"))


def key(quiz: str) -> list[bool]:
    return [mark != " " for mark, _ in ANSWER.findall(quiz)]


def test_both_languages_have_the_same_situations_and_versions() -> None:
    english, french = bank("en"), bank("fr")
    assert english == french
    # at least three situations for each module, in the course's order, numbered 1, 2...
    counts = {m: sum(s.module == m for s in english) for m in SLUGS}
    assert min(counts.values()) >= 3, f"a module with fewer than three situations: {counts}"
    assert [s.id for s in english] == [f"{m}-{n + 1}" for m in SLUGS for n in range(counts[m])]


def test_each_situation_has_at_least_two_versions() -> None:
    thin = [s.id for s in bank("en") if len(s.versions) < 2]
    assert thin == [], f"one version only: {thin}"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_version_is_keyed_and_explained(lang: str) -> None:
    for number, quiz in enumerate(versions(lang), 1):
        assert key(quiz).count(True) == 1, f"{lang} version {number}: one right answer"
        assert len(key(quiz)) >= 3, f"{lang} version {number}: at least three options"
        explanation = quiz.split("\n\n", 1)[1] if "\n\n" in quiz else ""
        assert len(explanation) >= 80, f"{lang} version {number} has no real explanation"


def test_a_version_has_its_key_in_the_same_place_in_both_languages() -> None:
    english, french = versions("en"), versions("fr")
    assert len(english) == len(french)
    for number, (en, fr) in enumerate(zip(english, french, strict=True), 1):
        assert key(en) == key(fr), f"version {number}: the key moves between the languages"


def test_the_versions_of_a_situation_are_different_questions() -> None:
    texts = versions("en")
    for situation in bank("en"):
        stems = [texts[i].split("\n- [")[0].strip() for i in situation.versions]
        assert len(set(stems)) == len(stems), f"{situation.id}: two versions ask the same"
