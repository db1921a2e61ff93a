"""The lay-text reader: patients' words in English and French, negation, what was missed."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimed.engines.chest_pain import GUIDED_PATHS, Answer, EvidenceError, assess, default_evidence
from aimed.texts.lay_text import load_phrasebook, read_lay_text
from aimed.validation import InputError


def answers(text: str) -> dict[str, str]:
    return {k: v.value for k, v in read_lay_text(text).answers.items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no fever", {"fever": "absent"}),
        ("pas de fièvre", {"fever": "absent"}),
        ("I don't have a cough", {"cough": "absent"}),
        ("je n'ai pas de toux", {"cough": "absent"}),
        ("sans essoufflement", {"sudden_dyspnoea": "absent"}),
        ("je ne tousse pas", {"cough": "absent"}),
        ("I have a fever", {"fever": "present"}),
        ("j'ai de la fievre", {"fever": "present"}),  # accents optional
        ("I’m not sweating", {"sweating": "absent"}),  # curly apostrophe
        ("Ni fièvre ni toux", {"fever": "absent", "cough": "absent"}),
        ("The pain does not go to my arm", {"radiation_arm": "absent"}),
        # A negative word inside the phrase itself is not a negation.
        ("je n'arrive pas à respirer", {"sudden_dyspnoea": "present"}),
        ("I can't breathe", {"sudden_dyspnoea": "present"}),
    ],
)
def test_negation_in_both_languages(text: str, expected: dict[str, str]) -> None:
    assert answers(text) == expected


def test_negation_stops_at_the_end_of_the_clause() -> None:
    text = "Crushing pain going down my left arm, no fever but I feel sick and sweaty"
    assert answers(text) == {
        "pressure_pain": "present",
        "radiation_arm": "present",
        "fever": "absent",
        "nausea": "present",
        "sweating": "present",
    }
    french = "Douleur en étau dans le bras gauche, pas de fièvre mais je transpire et je tousse"
    assert answers(french) == {
        "pressure_pain": "present",
        "radiation_arm": "present",
        "fever": "absent",
        "sweating": "present",
        "cough": "present",
    }


def test_understood_phrases_are_quoted_as_typed() -> None:
    reading = read_lay_text("J'ai une Douleur En Étau et je TRANSPIRE")
    assert [(u.finding, u.phrase) for u in reading.understood] == [
        ("pressure_pain", "En Étau"),
        ("sweating", "TRANSPIRE"),
    ]


def test_a_later_mention_wins() -> None:
    assert answers("No fever yesterday. Now I have a fever.") == {"fever": "present"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_guided_lay_wording_is_missed_and_reported(lang: str) -> None:
    text = GUIDED_PATHS["lay_wording"].lay_text[lang]
    reading = read_lay_text(text)
    # Sweating is read; the elephant (pressure pain in the patient's words) is not.
    assert reading.answers == {"sweating": Answer.PRESENT}
    assert len(reading.not_understood) == 1
    assert {"en": "elephant", "fr": "éléphant"}[lang] in reading.not_understood[0]
    assert "pressure_pain" in reading.never_mentioned
    # The checker therefore scores the patient as if pressure pain had not been asked.
    said = assess(reading.answers, "emergency")
    meant = assess({**reading.answers, "pressure_pain": "present"}, "emergency")
    assert said.probability("acs") < meant.probability("acs")


def test_never_mentioned_lists_the_important_findings_left_out() -> None:
    reading = read_lay_text("I have a sharp pain when I breathe in")
    important = {k for k, f in default_evidence().findings.items() if f.important}
    assert set(reading.never_mentioned) == important - {"pleuritic"}
    assert "sweating" in reading.never_mentioned and "sharp" not in reading.never_mentioned


def test_greetings_are_not_reported_as_not_understood() -> None:
    reading = read_lay_text("Hello doctor. Bonjour docteur, merci. My chest is on fire today")
    assert reading.understood == ()
    assert reading.not_understood == ("My chest is on fire today",)


@pytest.mark.parametrize("text", ["", "   \n "])
def test_empty_text_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError) as caught:
        read_lay_text(text)
    assert caught.value.key == "lay_text.errors.empty"


def test_identifiers_are_refused_before_reading() -> None:
    with pytest.raises(InputError) as caught:
        read_lay_text("M. Dupont transpire, pas de fièvre")
    assert caught.value.key == "guard.errors.title_name"
    with pytest.raises(InputError) as caught:
        read_lay_text("sweating " * 300)
    assert caught.value.key == "guard.errors.too_long"


def test_phrase_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text('[findings.elephant]\nen = ["elephant"]\nfr = ["éléphant"]\n', "utf-8")
    with pytest.raises(EvidenceError, match="elephant"):
        load_phrasebook(path)
    path.write_text('[findings.cough]\nen = ["cough"]\n', "utf-8")
    with pytest.raises(EvidenceError, match="'fr'"):
        load_phrasebook(path)
    # The shipped file maps every finding of the checker.
    assert set(load_phrasebook().findings) == set(default_evidence().findings)
