"""The "Before you paste" engine: seeded notes, what a learner's ticks leave, and k."""

from __future__ import annotations

import re

import numpy as np
import pytest

from aimed.engines.before_you_paste import (
    CLINICAL,
    DIRECT,
    GUIDED_PATHS,
    KINDS,
    MAX_SEED,
    QUASI,
    SCENARIOS,
    SMALL_GROUP,
    TOWN_SIZES,
    generate_note,
    note_lines,
    population,
    score,
    shrinking,
)
from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import InputError

NS = "before_you_paste"


def text(note, lang: str) -> str:
    return "\n".join(" ".join(part for _, part in line) for line in note_lines(note, lang))


def test_a_seed_always_gives_the_same_note_and_region() -> None:
    first, again = generate_note(12), generate_note(12)
    assert first == again
    assert text(first, "en") == text(again, "en")
    assert score(first, []).steps == score(again, []).steps
    assert text(generate_note(13), "en") != text(first, "en")


@pytest.mark.parametrize("seed", [0, 1, 7, 250, MAX_SEED])
def test_every_note_holds_every_kind_in_both_languages(seed: int) -> None:
    note = generate_note(seed)
    assert {s.kind for s in note.spans} == set(KINDS)
    assert sum(s.kind in CLINICAL for s in note.spans) == 4
    for lang in LANGUAGES:
        lines = note_lines(note, lang)
        assert [s for line in lines for s, _ in line] == list(note.spans)
        assert all(part.strip() for line in lines for _, part in line)
    p = note.patient
    said = text(note, "en")
    assert f"{p.age}-year-old" in said and p.birth.strftime("%d/%m/%Y") in said
    assert f"{p.age}\u00a0ans" in text(note, "fr")


def test_the_numbers_on_a_note_are_clearly_fake() -> None:
    for seed in range(40):
        note = generate_note(seed)
        english, french = text(note, "en"), text(note, "fr")
        assert re.search(r"NHS no\. 999 \d{3} \d{4}", english)
        assert re.search(r"tel\. 07700 900\d{3}\b", english)
        nir = re.search(r"NIR ([12]) (\d\d) (\d\d) \d\d \d{3} \d{3} (\d\d)", french)
        assert nir and nir.group(4) == "00"  # a real NIR key runs from 01 to 97
        assert nir.group(2) == f"{note.patient.birth.year % 100:02d}"
        assert re.search(r"hospital no\. 99\d{6}", english)


def test_one_note_in_five_or_so_is_over_89_and_ages_match_birth_dates() -> None:
    notes = [generate_note(seed) for seed in range(200)]
    old = sum(n.patient.age >= 90 for n in notes)
    assert 20 <= old <= 60
    for note in notes:
        p = note.patient
        had_birthday = (p.admitted.month, p.admitted.day) >= (p.birth.month, p.birth.day)
        assert p.admitted.year - p.birth.year - (not had_birthday) == p.age
        assert p.admitted.year == 2026 and p.admitted.month <= 11
    assert {n.scenario for n in notes} == set(SCENARIOS)


def test_the_region_is_the_stated_size_and_holds_the_patient() -> None:
    note = generate_note(3)
    people = population(note)
    assert len(people) == sum(TOWN_SIZES)
    assert np.bincount(people.town).tolist() == list(TOWN_SIZES)
    # nothing kept but the sex: about half the region; a rare condition: a handful
    steps = shrinking(note, [])
    assert [s.what for s in steps] == ["region", "sex"]
    assert 0.45 < steps[-1].people / len(people) < 0.55
    condition = int((people.condition == note.patient.condition).sum())
    assert 1 <= condition < 5 / 10_000 * len(people) * 2


def test_removing_only_the_name_leaves_every_other_identifier_and_names_the_patient() -> None:
    note = generate_note(GUIDED_PATHS["name_only"].seed)
    result = score(note, GUIDED_PATHS["name_only"].removed())
    assert result.named and result.k == 1 and result.status == "personal"
    assert set(result.direct_left) == set(DIRECT) - {"name"}
    assert result.missed_by_kind() == {kind: 1 for kind in DIRECT + QUASI if kind != "name"}
    assert result.lost == ()


def test_removing_the_direct_identifiers_leaves_one_person_in_the_region() -> None:
    path = GUIDED_PATHS["direct_only"]
    result = score(path.note(), path.removed())
    assert not result.named and not result.direct_left
    assert result.k == 1 and result.verdict == "identified" and result.status == "pseudonymised"
    assert result.kept_quasi == ("town", "exact_age", "occupation", "rare_condition", "exact_date")
    people = [s.people for s in result.steps]
    assert people == sorted(people, reverse=True)  # each detail keeps fewer people


def test_removing_everything_loses_the_clinical_content() -> None:
    path = GUIDED_PATHS["everything"]
    note = path.note()
    result = score(note, path.removed())
    assert result.missed == () and len(result.lost) == 4
    assert result.k > 50_000 and result.status == "not_singled_out"


def test_the_right_ticks_miss_nothing_lose_nothing_and_leave_a_crowd() -> None:
    path = GUIDED_PATHS["right"]
    result = score(path.note(), path.removed())
    assert result.missed == () and result.lost == ()
    assert result.k >= SMALL_GROUP and result.verdict == "crowd"


def test_k_counts_exactly_the_people_sharing_what_is_left() -> None:
    note = generate_note(21)
    people, p = population(note), note.patient
    keep_town_age = [s.id for s in note.spans if s.kind not in ("town", "exact_age", "clinical")]
    result = score(note, keep_town_age)
    expected = (
        (people.town == p.town) & (people.age == p.age) & (people.female == (p.sex == "female"))
    ).sum()
    assert result.kept_quasi == ("town", "exact_age") and result.k == expected >= 1
    # a date of birth is a quasi-identifier too: it narrows the group further
    with_birth = score(note, [i for i in keep_town_age if note.span(i).kind != "birth_date"])
    assert with_birth.direct_left == ("birth_date",) and not with_birth.named
    assert with_birth.k <= result.k


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, 2.5, "3", None, True])
def test_a_bad_note_number_is_refused_with_the_box_name(seed: object) -> None:
    with pytest.raises(InputError) as error:
        generate_note(seed)
    assert t(f"{NS}.seed_label", "fr") in error.value.message("fr")


@pytest.mark.parametrize(
    ("removed", "key"),
    [("s1", "removed"), (5, "removed"), (["s99"], "span"), ([3], "span"), ([None], "span")],
)
def test_bad_ticks_are_refused_clearly(removed: object, key: str) -> None:
    with pytest.raises(InputError) as error:
        score(generate_note(1), removed)
    assert error.value.key == f"{NS}.errors.{key}"
    for lang in LANGUAGES:
        assert error.value.message(lang)


def test_an_unknown_scenario_or_language_is_refused() -> None:
    with pytest.raises(InputError, match="Unknown scenario"):
        generate_note(1, scenario="dermatology")
    assert generate_note(1, scenario="fall").scenario == "fall"
    with pytest.raises(InputError, match="Unknown language"):
        note_lines(generate_note(1), "de")


def test_the_locale_lists_hold_as_many_names_in_both_languages() -> None:
    for name in ("given_female", "given_male", "surnames", "streets", "towns", "occupations"):
        en = t(f"{NS}.lists.{name}", "en").split("|")
        fr = t(f"{NS}.lists.{name}", "fr").split("|")
        assert len(en) == len(fr) and all(en) and all(fr), name
    assert len(t(f"{NS}.lists.towns", "en").split("|")) == len(TOWN_SIZES)
