"""The identifiable-data guard: identifiers refused in both languages, clinical text let through."""

from __future__ import annotations

import pytest

from aimed.texts.guard import MAX_CHARS, check_free_text, find_identifiers, nir_key
from aimed.validation import InputError


def kinds(text: str) -> list[str]:
    return [found.kind for found in find_identifiers(text)]


def nir(first13: str, key: int) -> str:
    """A NIR written with the usual spaces: 1 85 05 78 006 084 91."""
    d = first13
    return f"{d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:10]} {d[10:13]} {key:02d}"


# --- NIR -------------------------------------------------------------------------------


def test_nir_key_follows_the_formula() -> None:
    assert nir_key("2550814168025") == 97 - 2550814168025 % 97 == 38
    # Corsica: 2A counts as 19, 2B as 18.
    assert nir_key("269052A123456") == 97 - 2690519123456 % 97
    assert nir_key("269052B123456") == 97 - 2690518123456 % 97


def test_a_literal_known_valid_synthetic_nir_is_found() -> None:
    # The worked example of the INSEE number often used in documentation (key 38).
    assert kinds("Numéro de sécu 2 55 08 14 168 025 38, douleur thoracique") == ["nir"]
    assert kinds("NIR 255081416802538") == ["nir"]


@pytest.mark.parametrize(
    "first13", ["1850578006084", "2990175123001", "1700699999999", "269052A123456", "178022B045012"]
)
def test_valid_nirs_are_found_with_or_without_spaces(first13: str) -> None:
    key = nir_key(first13)
    spaced = nir(first13, key)
    assert kinds(f"patient {spaced} chest pain") == ["nir"]
    assert kinds(f"{first13}{key:02d}") == ["nir"]
    with pytest.raises(InputError) as caught:
        check_free_text(f"Mon numéro : {spaced}")
    assert caught.value.key == "guard.errors.nir"
    assert "sécurité sociale" in caught.value.message("fr")
    assert "social security" in caught.value.message("en")
    assert spaced not in caught.value.message("en")  # the identifier is never echoed


@pytest.mark.parametrize("first13", ["1850578006084", "2550814168025", "269052A123456"])
def test_a_wrong_key_is_not_reported_as_a_nir(first13: str) -> None:
    wrong = (nir_key(first13) % 97) + 1
    text = nir(first13, wrong)
    assert "nir" not in kinds(text)
    if first13[5:7].isdigit():
        # still a long digit run: refused, but as a long number (see the guard's docstring)
        assert kinds(text) == ["long_number"]


# --- Other identifiers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Rappelez-moi au 06 12 34 56 78", "phone"),
        ("tél. 01.23.45.67.89", "phone"),
        ("joignable au +33 6 12 34 56 78", "phone"),
        ("call 0033 612345678 after 6", "phone"),
        ("call me on +44 20 7946 0958", "phone"),
        ("my number is (555) 123-4567", "phone"),
        ("phone 555-123-4567", "phone"),
        ("mobile 07700 900123", "phone"),
        ("London 020 7946 0958", "phone"),
        ("cell 555 123 4567", "phone"),
        ("portable 06.12.34.56.78", "phone"),
        ("appelez le 0612345678", "phone"),
        ("write to jean.dupont@example.fr", "email"),
        ("email: j_smith+nhs@hospital.nhs.uk", "email"),
        ("born 12/03/1970, chest pain", "date_of_birth"),
        ("DOB: 1970-03-12", "date_of_birth"),
        ("date of birth March 12, 1970", "date_of_birth"),
        ("née le 1er janvier 1960", "date_of_birth"),
        ("né le 12 mars 1970", "date_of_birth"),
        ("date de naissance : 05/11/1948", "date_of_birth"),
        ("vu aux urgences le 12/03/2024", "full_date"),
        ("admitted 3 June 2025 with pain", "full_date"),
        ("PA 135/85 le 12/03/2024", "full_date"),
        ("on 3/4/25 I had pain", "full_date"),
        ("M. Dupont a mal à la poitrine", "title_name"),
        ("Mme Martin, 54 ans", "title_name"),
        ("Mlle Durand se plaint", "title_name"),
        ("adressé par le Dr Lefèvre", "title_name"),
        ("vu par le Pr Bernard", "title_name"),
        ("Mr Smith has chest pain", "title_name"),
        ("Mrs. Jones is sweating", "title_name"),
        ("Ms Patel, 61", "title_name"),
        ("Miss Taylor feels sick", "title_name"),
        ("madame Dupont a mal", "title_name"),
        ("mme dupont transpire", "title_name"),
        ("vue par le docteur martin hier", "title_name"),
        ("Dr House says it is lupus", "title_name"),
        ("Jean Dupont, 54 ans, douleur", "person_name"),
        ("DUPONT Jean, douleur thoracique", "person_name"),
        ("Jean DUPONT se plaint", "person_name"),
        ("Jean-Pierre Martin a mal au bras", "person_name"),
        ("Marie-Ève Tremblay, 61 ans", "person_name"),
        ("John Smith has chest pain", "person_name"),
        ("seen with Fatima Benali today", "person_name"),
        ("Mohamed El-Amrani, douleur", "person_name"),
        ("IPP 123456", "hospital_number"),
        ("IPP : 80012345", "hospital_number"),
        ("MRN: 9876543", "hospital_number"),
        ("NIP 4455667", "hospital_number"),
        ("patient no. 12345", "hospital_number"),
        ("patient n° 778899", "hospital_number"),
        ("patient number 445566", "hospital_number"),
        ("numéro 12345678901234", "long_number"),
    ],
)
def test_identifiers_are_found_and_refused_by_kind(text: str, kind: str) -> None:
    assert kinds(text) == [kind]
    with pytest.raises(InputError) as caught:
        check_free_text(text)
    assert caught.value.key == f"guard.errors.{kind}"
    assert caught.value.message("en") != caught.value.message("fr")


def test_spans_point_at_the_identifier() -> None:
    text = "Mr Smith, call 06 12 34 56 78"
    found = find_identifiers(text)
    assert [text[a:b] for a, b in (f.span for f in found)] == ["Mr Smith", "06 12 34 56 78"]


@pytest.mark.parametrize(
    "text",
    [
        "pain for 2 days, 38.5 fever, BP 120/80, age 54",
        "douleur depuis 2 jours, fièvre à 38,5, TA 120/80, 54 ans",
        "HR 110 bpm, SpO2 94%, troponin 0.04 at 14:30, RR 22",
        "FC 110/min, SpO2 94 %, troponine 0,04 à 14 h 30",
        "I am 54, born in 1970, pain since March 3",
        "né en 1970, douleur depuis le 3 mars",
        "My chest hurts when I breathe in, no fever, 2 pillows at night",
        "Je transpire, j'ai mal au bras gauche depuis 20 min",
        "Le médecin m'a dit que c'était le cœur",
        "The doctor said it might be my heart. Nobody knows why.",
        "ECG: ST elevation 2 mm in V2-V4, QRS 90 ms",
        "weight 82 kg, height 1.78 m, 3 to 4 episodes a day",
        "troponine 14 ng/L à H0 puis 52 à H3, ECG 12 dérivations, QTc 440 ms",
        "pain 8/10 since 10 pm, took 1000 mg at 10:30 and 500 at 14:00",
        "douleur 7/10 depuis le 3/11, score HEART 3, Wells 4.5",
        "le patient n° 3 de la liste",
        "signe de Murphy positif, score de Wells à 4",
        "maladie de Crohn connue, syndrome de Tietze évoqué",
        "Parkinson disease; Levine sign present",
        "le docteur m'a dit que c'était le cœur",
        "madame présente une douleur en étau",
        "the doctor said it might be angina",
        "Pain started at rest. Sweating since noon",
        "Douleur Thoracique depuis ce matin",
        "ECG Normal, troponine négative",
        "May-Thurner syndrome was ruled out",
        "QRS 90 ms in V2, height 1.78 m. Pain on effort",
        "",
    ],
)
def test_clinical_text_is_not_refused(text: str) -> None:
    assert find_identifiers(text) == []
    assert check_free_text(text) == text


def test_long_text_is_capped_with_a_clear_message() -> None:
    assert check_free_text("a" * MAX_CHARS) == "a" * MAX_CHARS
    with pytest.raises(InputError) as caught:
        check_free_text("chest pain. " * 200)
    assert caught.value.key == "guard.errors.too_long"
    assert str(MAX_CHARS) in caught.value.message("en")
    assert "2400" in caught.value.message("fr")


def test_non_text_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        check_free_text(None)  # type: ignore[arg-type]
    assert caught.value.key == "guard.errors.not_text"


def test_given_names_file_is_generated_from_faker() -> None:
    """``data/first_names.txt`` is what ``scripts/first_names.py`` makes from Faker's lists."""
    import importlib.util
    from pathlib import Path

    from aimed.texts.guard import GIVEN_NAMES_FILE, given_names

    script = Path(__file__).resolve().parents[2] / "scripts" / "first_names.py"
    spec = importlib.util.spec_from_file_location("first_names", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert GIVEN_NAMES_FILE.read_text(encoding="utf-8") == module.render()
    assert {"Jean", "Marie", "John", "Fatima", "Mohamed"} <= given_names()
    assert not {"Will", "May", "Rose", "Grace"} & given_names()
