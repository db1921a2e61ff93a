"""What a medical editor checked on the course pages, kept checked.

Each test guards a class of error found in review, not one sentence: prose copied from the
source articles, a wrong definition, a figure attributed to a source that does not report
it, a claim the engines contradict, French wording that misleads. Numbers the pages quote
from the sandbox are recomputed with the engines.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import seed_shingles as shingles  # scripts/seed_shingles.py, on pytest's path (pyproject.toml)
from aimed.engines.chest_pain import GUIDED_PATHS, default_evidence
from aimed.engines.group_metrics import auc, calibration
from aimed.texts.numbers import percent
from support import figure_module

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"

RUN = 8  # consecutive words: a shorter run is a common phrase, a longer one is copying
LANGS = ("en", "fr")


@cache
def figures(module: str) -> ModuleType:
    """site/figures/<module>.py, loaded once for this file."""
    return figure_module(module)


def page(name: str, lang: str) -> str:
    """A course page's source; ``name`` relative to course/, without the suffix."""
    suffix = ".md" if lang == "en" else ".fr.md"
    return (COURSE / f"{name}{suffix}").read_text(encoding="utf-8")


def plain(text: str) -> str:
    """Text with no-break spaces as spaces and lines joined, for phrase searches."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


def sentences_with(text: str, word: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", plain(text)) if word.lower() in s.lower()]


# --- Our own prose: nothing carried over from the source articles ----------------------


words, runs, digest = shingles.words, shingles.runs, shingles.digest
# The seed articles stay outside the repository; every clone holds them as salted hashes of
# their 8-word runs (scripts/seed_shingles.py), enough to find a copied run, not to read one.
SEED_DIGESTS = frozenset(shingles.read())
COURSE_PAGES = sorted(COURSE.rglob("*.md"))


def test_the_run_detector_catches_a_copied_sentence_whatever_its_punctuation() -> None:
    source = words("Seuls 7 % des professionnels déclarent avoir une confiance totale dans l’IA.")
    copied = words("« SEULS 7% des professionnels déclarent avoir une confiance totale »")
    reworded = words("La confiance totale est rare : 7 % des professionnels.")
    assert runs(source) & runs(copied)
    assert not runs(source) & runs(reworded)
    hashed = {digest(r) for r in runs(source)}  # the stored form finds the same copy
    assert hashed & {digest(r) for r in runs(copied)}
    assert not hashed & {digest(r) for r in runs(reworded)}


def test_the_hashed_seed_runs_are_those_of_the_seed_articles() -> None:
    """The stored digests have the script's form; whether they are still those of the articles
    (kept outside the repository) is `python scripts/seed_shingles.py --check`."""
    assert RUN == shingles.RUN
    assert len(SEED_DIGESTS) > 1000  # two articles of about a thousand words each
    assert all(re.fullmatch(f"[0-9a-f]{{{shingles.DIGITS}}}", d) for d in SEED_DIGESTS)


@pytest.mark.parametrize("path", COURSE_PAGES, ids=lambda p: str(p.relative_to(COURSE)))
def test_no_page_carries_eight_consecutive_words_of_a_seed_article(path: Path) -> None:
    shared = sorted(
        r for r in runs(words(path.read_text(encoding="utf-8"))) if digest(r) in SEED_DIGESTS
    )
    assert not shared, "copied from a source article: " + "; ".join(
        " ".join(run) for run in shared[:5]
    )


# --- Definitions ------------------------------------------------------------------------

AUC_RANGE = re.compile(
    r"(between|entre)\s+0[.,]5\b[^.;:]{0,60}?\b(and|et)\s+1\b|from\s+0[.,]5\s+to\s+1\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", COURSE_PAGES, ids=lambda p: str(p.relative_to(COURSE)))
def test_no_page_says_an_auc_starts_at_one_half(path: Path) -> None:
    """An AUC runs from 0 to 1; 0.5 is chance, below it the score ranks the wrong way."""
    found = AUC_RANGE.findall(plain(path.read_text(encoding="utf-8")))
    assert not found, "the AUC runs from 0 to 1 (0.5 is chance)"


@pytest.mark.parametrize("lang", LANGS)
def test_the_auc_is_defined_from_zero_to_one(lang: str) -> None:
    zero_to_one = {"en": "between 0 and 1", "fr": "entre 0 et 1"}[lang]
    for name in ("glossary", "modules/reading-performance"):
        assert zero_to_one in plain(page(name, lang)), name


@pytest.mark.parametrize("lang", LANGS)
def test_accuracy_measures_are_said_to_travel_imperfectly(lang: str) -> None:
    """Sensitivity, specificity and LRs change with case mix: the spectrum effect."""
    glossary = page("glossary", lang)
    assert "{#spectrum-effect}" in glossary
    for anchor in ("sensitivity", "likelihood-ratio"):
        entry = glossary.split("{#" + anchor + "}", 1)[1].split("\n### ", 1)[0]
        assert "#spectrum-effect" in entry, anchor
    module = page("modules/reading-performance", lang)
    assert "glossary.md#spectrum-effect" in module
    never = {"en": "the same idea, portable", "fr": "la même idée, transportable"}[lang]
    assert never not in module


DOUBLED_RISK = re.compile(
    r"\b(double (every|each|all)( the)? (predicted )?risks?|doublez (tous )?les risques)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", COURSE_PAGES, ids=lambda p: str(p.relative_to(COURSE)))
def test_no_page_doubles_risks_as_an_example(path: Path) -> None:
    """A doubled risk can pass 100%: halve the risks or double the odds instead."""
    for sentence in sentences_with(path.read_text(encoding="utf-8"), "doubl"):
        assert not DOUBLED_RISK.search(sentence) or re.search(
            r"odds|cote|cannot|ne peut pas", sentence
        ), sentence


# --- Sources say what the pages attribute to them ---------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_eddy_is_cited_from_the_paper_that_reports_him(lang: str) -> None:
    text = page("modules/reading-performance", lang)
    eddy = sentences_with(text, "Eddy")
    assert eddy, "the Eddy (1982) result is gone from Module 2"
    for sentence in eddy:
        assert "[@gigerenzer1995]" in sentence, sentence
        assert "7.8" in sentence or "7,8" in sentence, sentence
    assert "7.7" not in plain(text) and "7,7" not in plain(text)


@pytest.mark.parametrize("lang", LANGS)
def test_asgari_rates_keep_their_denominators_and_the_extrapolation_is_said(lang: str) -> None:
    text = plain(page("modules/what-ai-is", lang))
    paragraph = next(p for p in text.split("##") if "1.47" in p or "1,47" in p)
    transcripts = {"en": "transcripts", "fr": "transcriptions"}[lang]
    extrapolation = {"en": "our extrapolation", "fr": "notre extrapolation"}[lang]
    assert transcripts in paragraph and extrapolation in paragraph


@pytest.mark.parametrize("lang", LANGS)
def test_module_1_states_what_the_survey_and_the_device_status_say(lang: str) -> None:
    text = plain(page("modules/what-ai-is", lang))
    # The quiz names the drugs; so does the opening example.
    assert text.count("clarithromycin") >= 2 and text.count("simvastatin") >= 2
    assert "macrolide" not in text and ("CE-marked" in text or "marquage CE" in text)
    daily = {"en": "29% every day", "fr": "29 % tous les jours"}[lang]
    assert daily in text
    assert "widely, daily" not in text and "largement, quotidiennement" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_module_4_makes_no_claim_its_sources_do_not_make(lang: str) -> None:
    text = plain(page("modules/incomplete-input", lang))
    first = {"en": r"\bfirst (large )?randomi[sz]ed", "fr": r"premi[èe]re (grande )?[ée]tude"}
    assert not re.search(first[lang], text, re.IGNORECASE)
    # The woman after a caesarean is on a maternity ward, not a surgical one.
    ward = {"en": "maternity ward", "fr": "suites de couches"}[lang]
    caesarean = sentences_with(text, {"en": "caesarean", "fr": "césarienne"}[lang])
    assert caesarean and ward in caesarean[0]
    # Primary-care causes come from the study that reports them.
    chest_wall = sentences_with(text, "46.6" if lang == "en" else "46,6")
    assert chest_wall and "[@bosner2009]" in chest_wall[0]
    assert "musculoskeletal or digestive" not in text and "pariétales ou digestives" not in text
    # Swap and Nagurney pooled emergency-department patients.
    for sentence in sentences_with(text, "[@swap2005]"):
        if "2.4" in sentence or "2,4" in sentence:
            assert re.search(r"emergency|urgences", sentence), sentence


@pytest.mark.parametrize("lang", LANGS)
def test_module_4_quiz_says_a_no_to_exertion_barely_moves_the_probability(lang: str) -> None:
    text = page("modules/incomplete-input", lang)
    quiz = [q for q in text.split("<quiz>") if "2.4" in q or "2,4" in q][-1]
    explanation = plain(quiz.split("</quiz>")[0])
    assert "0.8" in explanation or "0,8" in explanation
    assert "whichever way" not in explanation and "dans un sens ou dans l'autre" not in explanation


@pytest.mark.parametrize("lang", LANGS)
def test_module_4_and_the_checker_give_the_same_ratios_for_radiation(lang: str) -> None:
    """The course names the pair the sandbox uses, and the table's stronger ratios."""
    row = default_evidence().ratios["acs", "radiation_arm"]
    text = plain(page("modules/incomplete-input", lang))
    shown = [f"{row.lr_pos:.2f}", f"{row.lr_neg:.2f}"]
    if lang == "fr":
        shown = [value.replace(".", ",") for value in shown]
    sentences = sentences_with(text, "[@mant2004]")
    assert any(all(value in s for value in shown) for s in sentences), shown
    assert "4.7" in text or "4,7" in text  # right arm (Swap and Nagurney)


@pytest.mark.parametrize("lang", LANGS)
def test_article_4_is_given_with_its_date_and_its_2026_wording(lang: str) -> None:
    """Article 4 as amended by Regulation (EU) 2026/1744 (OJ of 24 July 2026), as reported."""
    text = plain(page("orientation", lang))
    paragraph = next(p for p in text.split("##") if "@euaiact2024" in p)
    assert {"en": "2 February 2025", "fr": "2 février 2025"}[lang] in paragraph
    assert "[@omnibus2026]" in paragraph
    assert "2026/1744" in paragraph
    assert {"en": "27 July 2026", "fr": "27 juillet 2026"}[lang] in paragraph
    assert {"en": "support the development of AI literacy", "fr": "soutenir le développement"}[
        lang
    ] in paragraph
    assert {"en": "as reported", "fr": "selon ce qui est rapporté"}[lang] in paragraph


# --- Issue 25, medicine and law: each correction kept --------------------------------------

PENDING_OMNIBUS = re.compile(
    r"awaiting publication|not yet published|en attente de publication|pas encore publi"
    r"|would move|would turn|déplacerait|transformerait",
    re.IGNORECASE,
)
LEGAL_PAGES = [
    "orientation",
    "my-record",
    "final-assessment",
    "glossary",
    "modules/data-regulation",
    "modules/trust-responsibility",
    "modules/adopting-ai",
]


@pytest.mark.parametrize("name", LEGAL_PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_no_page_says_the_amended_ai_act_is_still_pending(name: str, lang: str) -> None:
    """The Digital Omnibus was published (OJ of 24 July 2026): no page waits for it."""
    found = PENDING_OMNIBUS.search(plain(page(name, lang)))
    assert found is None, found


@pytest.mark.parametrize("path", COURSE_PAGES, ids=lambda p: str(p.relative_to(COURSE)))
def test_no_course_page_says_awaiting_publication(path: Path) -> None:
    text = plain(path.read_text(encoding="utf-8"))
    found = re.search(
        r"awaiting publication|not yet published|en attente de publication|pas encore publi",
        text,
        re.IGNORECASE,
    )
    assert found is None, found


def test_the_omnibus_reference_is_the_regulation_with_its_journal_and_status() -> None:
    import tomllib

    entry = tomllib.loads((ROOT / "site" / "references" / "module-8-9.toml").read_text())[
        "omnibus2026"
    ]
    assert "2026/1744" in entry["title"] and "24 July 2026" in entry["source"]
    assert "27 July 2026" in entry["source"] and "as reported" in entry["source"]
    assert "awaited" not in entry["source"] and "awaiting" not in entry["source"]


@pytest.mark.parametrize("lang", LANGS)
def test_module_8_gives_the_amended_article_4_and_high_risk_dates(lang: str) -> None:
    text = plain(page("modules/data-regulation", lang))
    for words_ in {
        "en": [
            "take measures to support the development of AI literacy",
            "2 December 2027",
            "2 August 2028",
            "guarantee a given level of AI literacy for any individual",
        ],
        "fr": [
            "prendre des mesures pour soutenir le développement de la maîtrise de l'IA",
            "2 décembre 2027",
            "2 août 2028",
            "garantir un niveau donné de maîtrise",
        ],
    }[lang]:
        assert words_ in text, words_
    # The quiz's right answer is the amended duty, not the 2024 one.
    quiz = next(q for q in text.split("<quiz>")[1:] if "Article 4" in q or "L'article 4" in q)
    right = quiz.split("- [x] ")[1].split(" - [")[0]
    assert {"en": "support the development", "fr": "soutenir le développement"}[lang] in right


@pytest.mark.parametrize("lang", LANGS)
def test_article_6_class_rule_is_said_to_hold_in_practice_with_its_condition(lang: str) -> None:
    """Class IIa to III is a rule of thumb: the AI must be the device or its safety component."""
    text = plain(page("modules/data-regulation", lang))
    paragraph = next(p for p in text.split("###") if "6(1)" in p or "article 6," in p)
    assert {"en": "In practice", "fr": "En pratique"}[lang] in paragraph
    assert {"en": "safety component", "fr": "composant de sécurité"}[lang] in paragraph
    assert {"en": "two conditions", "fr": "deux conditions"}[lang] in paragraph


@pytest.mark.parametrize("lang", LANGS)
def test_final_assessment_module_2_question_does_not_double_every_risk(lang: str) -> None:
    text = plain(page("final-assessment", lang))
    module_2 = text.split("## Module 2")[1].split("## Module 3")[0]
    doubled = re.compile(
        r"doubles?,? (by mistake, )?every risk|double par erreur chaque risque", re.IGNORECASE
    )
    assert not doubled.search(module_2)
    assert {"en": "halves, by mistake, every risk", "fr": "divise par erreur par deux"}[
        lang
    ] in module_2


@pytest.mark.parametrize("lang", LANGS)
def test_lyell_found_no_effect_of_complexity_or_interruptions(lang: str) -> None:
    text = plain(page("modules/trust-responsibility", lang))
    sentences = " ".join(sentences_with(text, "[@lyell2017]"))
    assert {
        "en": "no significant effect",
        "fr": "pas d'effet significatif",
    }[lang] in sentences
    assert "according to task complexity" not in text and "selon la complexité" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_bernstein_rates_state_their_denominator(lang: str) -> None:
    """The error rates concern the 12 cases where the sham AI was wrong, not all 90."""
    text = plain(page("modules/trust-responsibility", lang))
    bullet = next(s for s in text.split("- **") if "33" in s and "[@bernstein2023]" in s)
    assert {"en": "On those 12 cases", "fr": "Sur ces 12 cas"}[lang] in bullet
    assert {"en": "4 false negatives and 8 false positives", "fr": "4 faux négatifs et 8 faux"}[
        lang
    ] in bullet
    locale = ROOT / "src" / "aimed" / "texts" / "locales" / f"automation_bias.{lang}.toml"
    assert {"en": "measured on those 12 cases", "fr": "mesurés sur ces 12 cas"}[lang] in (
        locale.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("lang", LANGS)
def test_complacency_is_not_said_to_make_both_errors(lang: str) -> None:
    text = plain(page("modules/trust-responsibility", lang))
    assert "Both produce two kinds of error" not in text
    assert "Les deux entraînent deux sortes d'erreurs" not in text
    assert len(sentences_with(text, "[@parasuraman2010]")) >= 2


@pytest.mark.parametrize("lang", LANGS)
def test_product_liability_directive_gives_its_date_and_france_status(lang: str) -> None:
    text = plain(page("modules/trust-responsibility", lang))
    assert {
        "en": "placed on the market or put into service after 9 December 2026",
        "fr": "mis sur le marché ou mis en service après le 9 décembre 2026",
    }[lang] in text
    assert {"en": "7 December 2026", "fr": "7 décembre 2026"}[lang] in text


@pytest.mark.parametrize("lang", LANGS)
def test_module_6_attributes_the_first_trial_claim_and_calls_leung_an_editorial(lang: str) -> None:
    text = plain(page("modules/generative-ai", lang))
    assert "The first randomised trial" not in text and "Le premier essai" not in text
    assert {"en": "according to its authors", "fr": "selon ses auteurs"}[lang] in text
    for sentence in sentences_with(text, "[@leung2025]"):
        assert re.search(r"editorial|éditorial", sentence, re.IGNORECASE), sentence
        assert not re.search(r"\b(reviews|revues)\b", sentence), sentence


@pytest.mark.parametrize("lang", LANGS)
def test_module_9_says_the_medaviz_article_cites_a_survey_we_could_not_consult(lang: str) -> None:
    text = plain(page("modules/patient-relationship", lang))
    assert "does not say which survey" not in text and "ne précise pas de quelle" not in text
    assert {"en": "could not consult", "fr": "pas pu consulter"}[lang] in text


def test_group_b_predicted_risk_is_one_value_on_the_page_in_the_engine_and_exercise() -> None:
    from aimed.engines.model_scenarios import run_biased_data

    device = run_biased_data("device", bias_on=True, n=10_000, seed=0).evaluation
    in_b = device.test.groups.astype(str) == "B"
    mean_b = float(device.risk[in_b].mean())
    for lang in LANGS:
        shown = percent(mean_b, lang, 1)
        text = page("modules/bias", lang)
        assert shown in text, shown
        assert percent(mean_b, lang, 0) + " " not in plain(text).replace(shown, "")
        notebook = ROOT / "exercises" / "source" / f"bias-{lang}" / "bias.ipynb"
        assert f"/ {round(mean_b, 3)}" in notebook.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_world_changes_exercise_does_not_give_michigan_a_mean_age(lang: str) -> None:
    import json

    path = ROOT / "exercises" / "source" / f"world-changes-{lang}" / "world-changes.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    prose = plain(" ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"))
    assert "Wong et al. 2021" in prose
    # the age belongs to the exercise's hospital A, in a sentence of its own
    assert re.search(r"Wong et al\. 2021\)[^.]*\b58\b", prose) is None


@pytest.mark.parametrize("name", ["orientation", "about"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_sandbox_is_said_to_use_teaching_approximations(name: str, lang: str) -> None:
    words_ = {"en": "teaching approximation", "fr": "approximations pédagogiques"}[lang]
    assert words_ in plain(page(name, lang))


FRENCH_TO_AVOID = {
    "perdre en précision": "précision is the PPV in this course",
    "en précision": "précision is the PPV in this course",
    "la précision se transpose": "précision is the PPV in this course",
    "scorer": "anglicism",
    "poolé": "anglicism: données regroupées",
    "soins personnels": "self-care: se soigner seul, autosoins",
}


@pytest.mark.parametrize(
    "path", sorted(COURSE.rglob("*.fr.md")), ids=lambda p: str(p.relative_to(COURSE))
)
def test_french_pages_avoid_misleading_wording(path: Path) -> None:
    text = plain(path.read_text(encoding="utf-8")).lower()
    found = {phrase: why for phrase, why in FRENCH_TO_AVOID.items() if phrase in text}
    assert not found, found


# --- Figures: drawn from the engines, quoted by the pages -------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_module_1_quotes_every_survey_figure_it_draws(lang: str) -> None:
    module = figures("what_ai_is")
    ACSEL_2025, acsel_adoption = module.ACSEL_2025, module.acsel_adoption
    text = page("modules/what-ai-is", lang)
    assert "<!-- figure: acsel-adoption |" in text and "[@acsel2025]" in text
    figure = acsel_adoption(lang)
    for value in ACSEL_2025.values():
        shown = percent(value, lang, digits=0)
        assert shown in text, f"{shown} is drawn but not on the page"
        assert shown in figure.alt


def test_module_2_roc_figure_marks_the_engine_operating_points() -> None:
    module = figures("reading_performance")
    model = module.sepsis_model_at_a()
    points = module.operating_points()
    THRESHOLDS = module.THRESHOLDS
    assert list(points) == list(THRESHOLDS)
    # A lower threshold catches more patients and raises more alerts.
    sens = [points[cut].sensitivity for cut in THRESHOLDS]
    alerts = [points[cut].alerts_per_100 for cut in THRESHOLDS]
    assert sens == sorted(sens, reverse=True) and alerts == sorted(alerts, reverse=True)
    for lang in LANGS:
        alt = module.roc_operating_points(lang).alt
        assert percent(points[0.10].sensitivity, lang, digits=0) in alt
        n = f"{len(model.risk):,}".replace(",", "," if lang == "en" else "\u00a0")
        text = page("modules/reading-performance", lang)
        caption = next(line for line in text.splitlines() if "figure: roc-operating-points" in line)
        assert n in caption, "the caption states the number of simulated admissions"


def test_module_2_calibration_figure_halves_risks_without_changing_the_auc() -> None:
    module = figures("reading_performance")
    model = module.sepsis_model_at_a()
    y, risk = model.test.y_true, model.risk
    assert auc(y, risk / 2) == pytest.approx(auc(y, risk))
    as_is, halved = calibration(y, risk), calibration(y, risk / 2)
    assert abs(as_is.observed_expected - 1) < 0.15
    assert halved.observed_expected > 1.8  # twice as many events as predicted
    assert float(np.max(risk / 2)) <= 0.5
    for lang in LANGS:
        assert percent(float(np.mean(risk / 2)), lang) in module.calibration_halved(lang).alt


@pytest.mark.parametrize("lang", LANGS)
def test_module_4_quotes_the_checker_for_a_tender_chest(lang: str) -> None:
    """A chest that hurts when pressed lowers the probability of ACS; it does not rule it out."""
    module = figures("incomplete_input")
    path = module.acs_path("emergency")
    assert path[-1] < path[-2] and path[-1] > 0.05
    text = plain(page("modules/incomplete-input", lang))
    for value in path[-2:]:
        assert plain(percent(value, lang, digits=0)) in text
    assert percent(path[-1], lang, digits=0) in module.acs_findings_added(lang).alt
    # The guided path of the sandbox tells the same story.
    after = GUIDED_PATHS["missing_finding"].after()
    assert after.leading != "acs" and after.probability("acs") > 0.05
