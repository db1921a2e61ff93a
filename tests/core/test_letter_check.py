"""The AI-drafted letter check: seeded cases, planted errors, scoring and one-way checks."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import pytest

from aimed.engines.letter_check import (
    GUIDED_PATHS,
    KINDS,
    MARK_CHOICES,
    MAX_SEED,
    OMISSION_KINDS,
    PUBLISHED_RATES,
    SCENARIOS,
    SENTENCE_KINDS,
    Case,
    Marking,
    check_added_sentence,
    error_detail,
    expected_errors,
    faithful_statements,
    generate_case,
    letter,
    load_catalogue,
    record_items,
    record_view,
    review,
    score,
    sentence,
)
from aimed.texts.guard import check_free_text
from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import InputError

NS = "letter_check"
SEEDS = range(150)


def contains(text: str, part: str) -> bool:
    """``part`` in ``text`` as whole words, case ignored (``1 April`` is not in ``11 April``)."""
    pattern = rf"(?<!\w){re.escape(part.casefold())}(?!\w)"
    return re.search(pattern, text.casefold()) is not None


def record_text(case: Case, lang: str) -> str:
    return "\n".join(record_items(case.record, lang).values())


def all_kinds_case(seed: int, scenario: str) -> Case:
    return generate_case(seed, scenario=scenario, kinds=KINDS)


# --- Cases ---------------------------------------------------------------------------------


def test_there_are_at_least_eight_cases_each_written_in_both_languages() -> None:
    assert len(SCENARIOS) >= 8
    for scenario in SCENARIOS:
        case = all_kinds_case(1, scenario)
        assert case.record.scenario == scenario
        english, french = letter(case, "en"), letter(case, "fr")
        assert len(english) == len(french) == len(case.statements) >= 12
        for text in english + french:
            assert text.strip() and "{" not in text and "}" not in text
        assert english != french


def test_every_word_of_the_catalogue_exists_in_both_languages() -> None:
    """Every drug, finding answer, claim and side can be written in English and French."""
    catalogue = load_catalogue()
    for lang in LANGUAGES:
        for drug in catalogue.drugs:
            assert t(f"{NS}.drugs.{drug}", lang)
        for key, info in catalogue.scenarios.items():
            for part in ("reason", "diagnosis", "left", "right", "confirmed_by", "course"):
                assert t(f"{NS}.scenarios.{key}.{part}", lang)
            for finding, _ in info.findings:
                for answer in ("letter_present", "letter_absent", "record_present"):
                    assert t(f"{NS}.findings.{finding}.{answer}", lang)
        for claim in catalogue.claims:
            assert t(f"{NS}.claims.{claim}.letter", lang)
        for kind in KINDS:
            assert len(t(f"{NS}.kinds.{kind}.explain", lang)) > 80


def test_the_same_seed_gives_the_same_case() -> None:
    for seed in (0, 1, 42, MAX_SEED):
        assert generate_case(seed) == generate_case(seed)
        assert letter(generate_case(seed), "fr") == letter(generate_case(seed), "fr")


def test_different_seeds_give_different_drafts() -> None:
    letters = {letter(generate_case(seed), "en") for seed in SEEDS}
    assert len(letters) == len(SEEDS)
    # The seed varies the stay, the errors and where they sit, not only the wording.
    scenarios = Counter(generate_case(seed).record.scenario for seed in SEEDS)
    assert set(scenarios) == set(SCENARIOS)
    kinds = Counter(e.kind for seed in SEEDS for e in generate_case(seed).errors)
    assert set(kinds) == set(KINDS)
    positions = {e.sentence for seed in SEEDS for e in generate_case(seed).errors}
    assert len(positions) >= 10


def test_each_drawn_draft_has_three_to_five_errors_one_of_them_an_omission() -> None:
    for seed in SEEDS:
        case = generate_case(seed)
        kinds = [e.kind for e in case.errors]
        assert 3 <= len(kinds) <= 5 and len(set(kinds)) == len(kinds)
        assert any(kind in OMISSION_KINDS for kind in kinds)


def test_generated_text_passes_the_identifier_guard() -> None:
    """No synthetic letter or record looks like a real identifier (dates carry no year)."""
    for seed in range(40):
        case = generate_case(seed)
        for lang in LANGUAGES:
            for text in letter(case, lang) + tuple(record_items(case.record, lang).values()):
                check_free_text(text)


# --- Planted errors ------------------------------------------------------------------------


def faithful_sentence(case: Case, fact: str, lang: str) -> str:
    return sentence(next(s for s in faithful_statements(case.record) if fact in s.facts), lang)


def check_omission(case: Case, fact: str, lang: str) -> None:
    """The record holds the item; no sentence of the letter states it."""
    sentences = letter(case, lang)
    assert all(fact not in statement.facts for statement in case.statements)
    assert faithful_sentence(case, fact, lang) not in sentences
    kind, _, key = fact.partition(":")
    if kind == "allergy":
        assert not contains("\n".join(sentences), t(f"{NS}.allergens.{key}", lang))
    else:
        drug = t(f"{NS}.drugs.{key}", lang)
        for statement, text in zip(case.statements, sentences, strict=True):
            assert not (statement.template.startswith("med_") and contains(text, drug))


def check_written_error(case: Case, index: int, lang: str) -> None:
    """The error's words are in its sentence, and the record does not say them."""
    error = next(e for e in case.errors if e.sentence == index)
    said = letter(case, lang)[index]
    items = record_items(case.record, lang)
    detail = error_detail(case, error, lang)
    words = re.sub(r"^(a|an|un|une|la|le)\s+", "", detail.letter_says or "")
    assert words and contains(said, words), (said, detail)
    if error.fact is None:
        # An invented drug or a claim: nothing in the record names it.
        assert not contains(record_text(case, lang), words), (words, record_text(case, lang))
        if error.kind == "invented_drug":
            drug = dict(case.statements[index].values)["drug"]
            assert drug not in {m.drug for m in case.record.medications}
        return
    # A changed sentence: the record says something else about the same item.
    assert detail.record_says and contains(items[error.fact], detail.record_says)
    assert detail.letter_says != detail.record_says
    if error.kind == "negation_flip":
        assert not contains(record_text(case, lang), said)
    else:
        assert not contains(items[error.fact], detail.letter_says)
    assert said != faithful_sentence(case, error.fact, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_seeded_error_is_in_the_letter_and_absent_from_the_record(lang: str) -> None:
    cases = [generate_case(seed) for seed in SEEDS]
    cases += [all_kinds_case(seed, scenario) for seed in (3, 4) for scenario in SCENARIOS]
    checked = Counter()
    for case in cases:
        for error in case.errors:
            checked[error.kind] += 1
            if error.sentence is None:
                assert (
                    error_detail(case, error, lang).record_says
                    == (record_items(case.record, lang)[error.fact])
                )
                check_omission(case, error.fact, lang)
            else:
                check_written_error(case, error.sentence, lang)
    assert set(checked) == set(KINDS)


def test_a_faithful_draft_holds_every_record_item_and_nothing_else() -> None:
    for seed in range(30):
        case = generate_case(seed, kinds=())
        assert case.errors == ()
        stated = {fact for s in case.statements for fact in s.facts}
        assert stated == set(case.record.facts())
        for direction in ("letter_to_record", "record_to_letter"):
            assert review(case, direction) == Marking({}, frozenset())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_record_view_shows_every_item_once_in_sections(lang: str) -> None:
    case = all_kinds_case(5, "stroke")
    sections = record_view(case, lang)
    shown = [item.fact for section in sections for item in section.items]
    assert shown == list(case.record.facts())
    assert all(section.title and section.items for section in sections)


def test_french_dates_write_the_first_of_the_month_as_1er() -> None:
    case = next(c for c in (generate_case(s) for s in range(2000)) if c.record.discharged.day == 1)
    assert contains(record_text(case, "fr"), "1er")
    assert not contains(record_text(case, "en"), "1er")


# --- Scoring -------------------------------------------------------------------------------


def perfect_marking(case: Case) -> Marking:
    flagged = {e.sentence: e.kind for e in case.errors if e.sentence is not None}
    return Marking(flagged, frozenset(case.omitted))


def test_all_right_marks_catch_every_error_without_false_alarms() -> None:
    for seed in SEEDS:
        case = generate_case(seed)
        result = score(case, perfect_marking(case), seconds=75.0)
        assert (result.caught, result.missed, result.false_alarms) == (len(case.errors), 0, 0)
        assert result.kinds_named == len(case.errors)
        assert result.seconds == 75.0


def test_no_marks_miss_every_error() -> None:
    for seed in SEEDS:
        case = generate_case(seed)
        result = score(case, Marking())
        assert (result.caught, result.missed, result.false_alarms) == (0, len(case.errors), 0)
        assert result.seconds is None


def test_flagging_every_sentence_catches_what_is_written_and_raises_false_alarms() -> None:
    for seed in SEEDS:
        case = generate_case(seed)
        everything = {i: "other" for i in range(len(case.statements))}
        result = score(case, Marking(everything, frozenset(case.record.facts())))
        written = sum(e.sentence is not None for e in case.errors)
        assert result.caught == len(case.errors)  # every sentence and every item picked
        assert result.kinds_named == len(case.omitted)  # "other" never names a kind
        assert result.false_alarms == (len(case.statements) - written) + (
            len(case.record.facts()) - len(case.omitted)
        )


def test_random_marks_are_scored_like_an_independent_count() -> None:
    rng = np.random.default_rng(2025)
    for seed in SEEDS:
        case = generate_case(seed)
        n = len(case.statements)
        flagged = {
            int(i): str(rng.choice(MARK_CHOICES[1:])) for i in np.flatnonzero(rng.random(n) < 0.3)
        }
        facts = case.record.facts()
        missing = frozenset(f for f in facts if rng.random() < 0.2)
        result = score(case, Marking(flagged, missing), seconds=12)
        wrong = {e.sentence: e.kind for e in case.errors if e.sentence is not None}
        caught = sum(i in flagged for i in wrong) + len(missing & set(case.omitted))
        named = sum(flagged.get(i) == kind for i, kind in wrong.items())
        named += len(missing & set(case.omitted))
        alarms = len(set(flagged) - set(wrong)) + len(missing - set(case.omitted))
        assert (result.caught, result.missed) == (caught, len(case.errors) - caught)
        assert (result.false_alarms, result.kinds_named) == (alarms, named)
        by_family = result.by_family()
        assert sum(c for c, _ in by_family.values()) == caught
        assert sum(total for _, total in by_family.values()) == len(case.errors)


def test_an_item_stated_wrongly_is_not_missing() -> None:
    case = generate_case(9, scenario="pneumonia", kinds=("wrong_dose",))
    (error,) = case.errors
    result = score(case, Marking({}, frozenset({error.fact})))
    assert result.caught == 0 and result.false_alarm_items == (error.fact,)


# --- Checks in one direction ---------------------------------------------------------------


def test_each_one_way_check_misses_what_the_other_finds() -> None:
    for seed in SEEDS:
        case = generate_case(seed)
        forward = score(case, review(case, "letter_to_record"))
        backward = score(case, review(case, "record_to_letter"))
        assert forward.false_alarms == backward.false_alarms == 0
        for f, b in zip(forward.outcomes, backward.outcomes, strict=True):
            kind = f.error.kind
            # Reading the letter finds what is written, never what is missing.
            assert f.caught == (kind not in OMISSION_KINDS)
            # Reading the record finds what is missing or changed, never what was added.
            assert b.caught == (kind not in ("invented_drug", "unsupported_claim"))
            # Comparing with the record also names the kind rightly.
            assert f.kind_named == f.caught and b.kind_named == b.caught


def test_guided_paths_catch_the_invention_or_the_omission_not_both() -> None:
    letter_first, record_first = GUIDED_PATHS["letter_first"], GUIDED_PATHS["record_first"]
    assert letter_first.case() == record_first.case()
    kinds = {o.error.kind: o.caught for o in letter_first.score().outcomes}
    assert kinds == {"invented_drug": True, "omitted_allergy": False}
    kinds = {o.error.kind: o.caught for o in record_first.score().outcomes}
    assert kinds == {"invented_drug": False, "omitted_allergy": True}
    # The guided draft is short and its omitted allergy matters to a prescriber.
    case = letter_first.case()
    assert len(case.statements) <= 14
    assert case.omitted[0].startswith("allergy:") and len(case.record.allergies) == 1


# --- The reader's sentence -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Allergy: NSAIDs (asthma attack)."),
        ("en", "Avoid ibuprofen: asthma."),
        ("fr", "Allergie aux AINS (crise d'asthme)."),
        ("fr", "Pas d'anti-inflammatoires : asthme."),
    ],
)
def test_the_added_sentence_is_recognised_when_it_names_the_omission(lang: str, text: str) -> None:
    case = GUIDED_PATHS["letter_first"].case()
    assert check_added_sentence(case, text, lang).named == case.omitted


def test_the_added_sentence_names_nothing_when_it_misses_the_point() -> None:
    case = GUIDED_PATHS["letter_first"].case()
    result = check_added_sentence(case, "Chest X-ray in six weeks.", "en")
    assert result.named == () and result.not_named == case.omitted
    accents = generate_case(3, scenario="cellulitis", kinds=("omitted_medication",))
    (fact,) = accents.omitted
    name = t(f"{NS}.drugs.{fact.split(':')[1]}", "fr")
    plain = name.replace("é", "e").upper()
    assert check_added_sentence(accents, f"Ajouter {plain}.", "fr").named == (fact,)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Allergy to NSAIDs, patient born 12/03/1950.", "date_of_birth"),
        ("Mr Dupont is allergic to NSAIDs.", "title_name"),
        ("NSAIDs allergy, NIR 1 84 12 76 451 089 46.", "nir"),
        ("Call 06 12 34 56 78 about the NSAIDs allergy.", "phone"),
    ],
)
def test_an_identifier_in_the_added_sentence_is_refused_and_not_echoed(
    text: str, kind: str
) -> None:
    case = GUIDED_PATHS["letter_first"].case()
    with pytest.raises(InputError) as error:
        check_added_sentence(case, text, "en")
    assert error.value.key == f"guard.errors.{kind}"
    for lang in LANGUAGES:
        message = error.value.message(lang)
        assert "Dupont" not in message and "1950" not in message and "56 78" not in message


def test_an_empty_sentence_is_refused() -> None:
    with pytest.raises(InputError) as error:
        check_added_sentence(generate_case(1), "   ", "fr")
    assert error.value.key == f"{NS}.errors.empty_text"


# --- Published rates -----------------------------------------------------------------------


def test_published_rates_are_those_of_asgari_2025() -> None:
    assert PUBLISHED_RATES["hallucination"].rate == 0.0147
    assert PUBLISHED_RATES["hallucination"].major_share == 0.44
    assert PUBLISHED_RATES["omission"].rate == 0.0345
    assert PUBLISHED_RATES["omission"].major_share == 0.17
    expected = expected_errors(15, 20)
    assert expected["hallucination"] == pytest.approx(15 * 0.0147)
    assert expected["omission"] == pytest.approx(20 * 0.0345)
    # The seeded drafts are far denser in errors than real ones (said on the page).
    for seed in range(20):
        case = generate_case(seed)
        rates = expected_errors(len(case.statements), len(case.record.facts()))
        assert len(case.errors) > 2 * sum(rates.values())


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, 1.5, True, "3", None])
def test_a_bad_seed_is_refused_with_a_message_in_both_languages(seed: object) -> None:
    with pytest.raises(InputError) as error:
        generate_case(seed)
    assert error.value.key == "common.errors.seed"
    assert f"{MAX_SEED:,}".replace(",", "") in error.value.message("fr").replace("\u202f", "")


def test_bad_scenarios_and_kinds_are_refused() -> None:
    with pytest.raises(InputError, match="no scenario"):
        generate_case(1, scenario="appendicitis")
    with pytest.raises(InputError, match="no error kind"):
        generate_case(1, kinds=("typo",))
    with pytest.raises(InputError, match="only once"):
        generate_case(1, kinds=("wrong_side", "wrong_side"))


def test_bad_marks_are_refused() -> None:
    case = generate_case(2)
    n = len(case.statements)
    for flagged, missing, key in (
        ({n: "other"}, (), "sentence"),
        ({-1: "other"}, (), "sentence"),
        ({"1": "other"}, (), "sentence"),
        ({0: "ok"}, (), "choice"),
        ({0: "typo"}, (), "choice"),
        ({}, ("med:nothing",), "item"),
    ):
        with pytest.raises(InputError) as error:
            score(case, Marking(flagged, frozenset(missing)))
        assert error.value.key == f"{NS}.errors.{key}"
    for seconds in (-1, math.nan, math.inf, "10", True):
        with pytest.raises(InputError) as error:
            score(case, Marking(), seconds=seconds)
        assert error.value.key == f"{NS}.errors.seconds"
    with pytest.raises(InputError):
        review(case, "sideways")
    with pytest.raises(InputError):
        letter(case, "de")
    with pytest.raises(InputError):
        expected_errors(-3, 4)


def test_every_mark_choice_has_a_label_in_both_languages() -> None:
    assert MARK_CHOICES[0] == "ok" and MARK_CHOICES[-1] == "other"
    assert set(MARK_CHOICES[1:-1]) == set(SENTENCE_KINDS)
    for lang in LANGUAGES:
        assert t(f"{NS}.choices.ok", lang) and t(f"{NS}.choices.other", lang)
