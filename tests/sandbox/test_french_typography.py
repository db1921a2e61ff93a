"""French texts follow French typography, so no page or message reads as a translation.

Over every string of ``src/aimed/texts/locales/*.fr.toml``: quotation marks are « » with
no-break spaces inside, never "..." or “...”; no capital letter right after " : " (except
acronyms and the few proper nouns listed here); and a number followed by its noun either
goes through a plural-aware text (``aimed.texts.numbers.counted``: « 0 patient », « 1,5 point »)
or is listed here with the reason it can never be below 2.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from aimed.texts import numbers
from aimed.texts.i18n import LOCALES_DIR

NO_BREAK = "\u00a0\u202f"
SPACE = f"[ {NO_BREAK}]"
# Straight double quotes that are Python syntax the learner types, not quotation marks.
CODE_QUOTES = {"exercises.check.not_a_choice"}
# Capitalised words allowed right after a colon: genus names and titles that keep their capital.
PROPER_AFTER_COLON = {"Streptococcus", "Escherichia", "Staphylococcus"}
# Words ending in -s/-x after a number that are not plural nouns needing agreement.
NOT_COUNTED = {
    "des", "dans", "sans", "aux", "alors", "ailleurs", "après", "plus", "moins", "sous",
    "vers", "chez", "très", "pas", "puis", "depuis", "mais", "jamais", "toujours", "parmi",
    "cas", "fois", "mois", "pouls", "poids", "temps", "avant", "sur",
}  # fmt: skip
# (text key, placeholder): a count that can never be below 2, so its plural noun is right.
ALWAYS_PLURAL = {
    # feedback.py says feedback_points_one when a check is worth 1 point
    ("trainer.feedback_points", "max_score"),
    # cohort and test-set sizes: the engines refuse fewer than cohorts.MIN_PATIENTS (200)
    ("common.training", "n"),
    ("biased_data.results_intro", "n"),
    ("hospital_shift.results_intro", "n"),
    ("hospital_shift.at_home", "n"),
    # recalibration samples: at least models.MIN_RECALIBRATION_SAMPLE (50)
    ("hospital_shift.results_intro_recalibrated", "n_local"),
    ("hospital_shift.verdict.recalibration", "n_local"),
    ("cohorts.errors.recalibration_n", "minimum"),
    # the engines' minimums: cohorts.MIN_GROUP_SIZE (20), models.MIN_TRAINING_CASES (5)
    ("cohorts.errors.empty_group", "minimum"),
    ("cohorts.errors.recalibration_one_class", "minimum"),
    # percentages, not counts (« 12 % manqués »)
    ("biased_data.gap.small", "rate_a"),
    ("letter_check.rates.hallucination.short", "major"),
    ("letter_check.rates.omission.short", "major"),
    # the evidence table's 51 figures; the test-result page's population of 1,000
    ("symptom_checker.page.basis_legend", "total"),
    ("test_result.frequencies", "n"),
    # reliability bins are shown from 20 patients (MIN_BIN)
    ("biased_data.chart.calibration_summary", "minimum"),
    ("hospital_shift.chart.summary", "minimum"),
    # high need: cohorts.HIGH_NEED_CONDITIONS (4) chronic conditions
    ("biased_data.cohort.proxy", "conditions"),
    # a text refused for length is longer than guard.MAX_CHARS
    ("guard.errors.too_long", "length"),
    # natural frequencies are shown on populations of 1,000 (and the exercise tables' sizes)
    ("exercises.table.people", "n"),
    # adults' ages; letters of several sentences drawn from records of several items
    ("hospital_shift.cohort.text", "age_a"),
    ("hospital_shift.cohort.text", "age_b"),
    ("automation_bias.facts.marburg.age_sex.woman", "age"),
    ("automation_bias.facts.marburg.age_sex.man", "age"),
    ("letter_check.letter.admission_female", "age"),
    ("letter_check.letter.admission_male", "age"),
    ("letter_check.record.patient_female", "age"),
    ("letter_check.record.patient_male", "age"),
    ("letter_check.draft_caption", "sentences"),
    ("letter_check.draft_caption", "items"),
    ("letter_check.guided_caption", "sentences"),
    ("letter_check.guided_caption", "items"),
    ("letter_check.expected", "sentences"),
    ("letter_check.expected", "items"),
    ("letter_check.errors.sentence", "n"),
    ("letter_tables.record.title", "items"),
    ("letter_tables.record.title_draft", "items"),
    ("letter_tables.letter.title", "sentences"),
    ("letter_tables.letter.title_draft", "sentences"),
    # a series of the automation-bias exercise has several decisions
    ("automation_bias.page.done_intro", "total"),
    # before you paste: notes' patients are 28 or older; the region's sizes are fixed (290 and
    # more people); the small-group line is before_you_paste.SMALL_GROUP (10)
    ("before_you_paste.note.exact_age_female", "age"),
    ("before_you_paste.note.exact_age_male", "age"),
    ("before_you_paste.population_caveat", "people"),
    ("before_you_paste.population_caveat", "largest"),
    ("before_you_paste.small_line", "small"),
}
# Files another task owns, still to be corrected; strict, so the entry goes once they are.
PENDING: dict[str, str] = {}


def strings(path: Path) -> Iterator[tuple[str, str]]:
    """(``namespace.key``, text) for every string of one locale file."""

    def walk(prefix: str, table: Mapping[str, object]) -> Iterator[tuple[str, str]]:
        for key, value in table.items():
            if isinstance(value, Mapping):
                yield from walk(f"{prefix}.{key}", value)
            elif isinstance(value, str):
                yield f"{prefix}.{key}", value

    with path.open("rb") as handle:
        yield from walk(path.name.removesuffix(".fr.toml"), tomllib.load(handle))


def problems(key: str, text: str) -> list[str]:
    """What a French typographer would correct in one text."""
    found = []
    if key not in CODE_QUOTES and re.search('["“”]', text):
        found.append("English or straight quotation marks: use « »")
    if re.search(f"«[^{NO_BREAK}]|[^{NO_BREAK}]»", text):
        found.append("« » need a no-break space inside")
    for match in re.finditer(rf"{SPACE}:{SPACE}+(?:\*\*)?([A-ZÀ-Ý][\w'-]*)", text):
        word = match.group(1)
        acronym = sum(c.isupper() or c.isdigit() for c in word) >= 2
        if not acronym and word not in PROPER_AFTER_COLON:
            found.append(f"capital after a colon: {word!r}")
    if not key.endswith((".other", ".many")):
        for match in re.finditer(rf"\{{(\w+)(?::[^}}]*)?\}}{SPACE}+([a-zà-ÿ]+[sx])\b", text):
            name, noun = match.groups()
            if noun not in NOT_COUNTED and (key, name) not in ALWAYS_PLURAL:
                found.append(
                    f"{{{name}}} {noun}: use aimed.texts.numbers.counted (0 and 1 are singular)"
                )
    return found


FILES = sorted(LOCALES_DIR.glob("*.fr.toml"))
# Files still written with plain spaces before : ; ? ! %, owned by other tasks (or quoted
# verbatim by their tests); strict, so each entry goes once its file is corrected.
PLAIN_SPACED: set[str] = set()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=PENDING[p.name]))
        if p.name in PENDING
        else p
        for p in FILES
    ],
    ids=[p.name for p in FILES],
)
def test_french_texts_follow_french_typography(path: Path) -> None:
    found = {key: p for key, text in strings(path) if (p := problems(key, text))}
    assert not found, found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Saisissez "A"', ["English or straight quotation marks: use « »"]),
        ("le bouton « Lancer »", ["« » need a no-break space inside"]),
        ("Résultat : Le modèle", ["capital after a colon: 'Le'"]),
        ("Résultat\u00a0: AUC 0,8", []),
        (
            "{count} patients",
            ["{count} patients: use aimed.texts.numbers.counted (0 and 1 are singular)"],
        ),
        ("{count} des patients", []),
    ],
)
def test_the_checks_catch_what_they_describe(text: str, expected: list[str]) -> None:
    assert problems("example.key", text) == expected


def test_counted_nouns_agree_as_french_and_english_do() -> None:
    assert numbers.counted("common.units.patients", 0, "fr") == "0\u00a0patient"
    assert numbers.counted("common.units.patients", 0, "en") == "0 patients"
    assert numbers.counted("common.units.points", 1.75, "fr", "1,75") == "1,75\u00a0point"
    assert numbers.counted("common.units.patients", 2, "fr") == "2\u00a0patients"
    assert numbers.counted("common.units.patients", 1, "en") == "1 patient"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="plain spaces, see above"))
        if p.name in PLAIN_SPACED
        else p
        for p in FILES
    ],
    ids=[p.name for p in FILES],
)
def test_high_punctuation_keeps_to_its_word(path: Path) -> None:
    """A no-break space before : ; ? ! and %, so a phone never starts a line with them."""
    plain = {
        key: re.findall(r"\S [:;?!%]", text)
        for key, text in strings(path)
        if re.search(r"\S [:;?!%](?=[\s\"*)]|$)", text)
    }
    assert not plain, plain


def test_glossary_lines_put_no_capital_after_their_colon() -> None:
    """The pages compose « **Terme** : définition »; the definition then starts in lowercase."""
    from aimed.sandbox import sandbox_ui
    from aimed.texts.i18n import catalogue

    keys = {k.split(".")[2] for k in catalogue("fr") if k.startswith("common.glossary.")}
    assert keys
    for key in sorted(keys):
        assert problems(f"common.glossary.{key}", sandbox_ui.term(key, "fr")) == []
