"""The chest-pain evidence file and the symptom-checker engine."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest

from aimed.engines.bayes import post_test_probability
from aimed.engines.chest_pain import (
    DATA_FILE,
    GUIDED_PATHS,
    Answer,
    EvidenceError,
    assess,
    compare,
    default_evidence,
    independence_check,
    load_evidence,
    next_questions,
)
from aimed.texts.i18n import LANGUAGES, t
from aimed.validation import InputError

DANGEROUS = {"acs", "pe", "aortic_dissection", "pneumothorax"}
REQUIRED = DANGEROUS | {"pneumonia", "pericarditis", "gord", "chest_wall", "anxiety"}


# --- The data file ---------------------------------------------------------------------


def test_every_row_of_the_data_file_has_a_source() -> None:
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    rows = data["pretest"] + data["ratio"]
    assert len(rows) > 40
    for row in rows:
        assert len(row["source"].strip()) > 20, row
        assert row["status"] in {"primary", "secondary", "recalled", "approximation"}
        if row["status"] == "approximation":
            assert row["source"].startswith("Approximation")
        else:
            # a published figure names its year
            assert any(str(year) in row["source"] for year in range(1990, 2026)), row


def test_the_shipped_evidence_covers_the_issue() -> None:
    evidence = default_evidence()
    assert set(evidence.settings) == {"primary_care", "emergency"}
    assert set(evidence.conditions) >= REQUIRED
    assert {k for k, c in evidence.conditions.items() if c.dangerous} == DANGEROUS
    # Sweating and nausea share a mechanism.
    assert evidence.findings["sweating"].group == evidence.findings["nausea"].group


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_condition_finding_and_setting_has_a_name(lang: str) -> None:
    evidence = default_evidence()
    for key in evidence.conditions:
        assert t(f"symptom_checker.conditions.{key}", lang)
    for key, finding in evidence.findings.items():
        assert t(f"symptom_checker.findings.{key}", lang)
        assert t(f"symptom_checker.groups.{finding.group}", lang)
    for key in evidence.settings:
        assert t(f"symptom_checker.settings.{key}", lang)


GOOD_HEAD = """
[[setting]]
key = "emergency"
[[condition]]
key = "acs"
dangerous = true
weight = 3.0
[[finding]]
key = "sweating"
group = "autonomic"
"""
GOOD_PRETEST = """
[[pretest]]
condition = "acs"
setting = "emergency"
probability = 0.1
status = "secondary"
source = "Fanaroff AC, et al. JAMA 2015"
"""
GOOD_RATIO = """
[[ratio]]
condition = "acs"
finding = "sweating"
lr_pos = 2.06
lr_neg = 0.65
status = "secondary"
source = "Mant J, et al. Health Technol Assess 2004"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "evidence.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_good_file_loads(tmp_path: Path) -> None:
    evidence = load_evidence(write(tmp_path, GOOD_HEAD + GOOD_PRETEST + GOOD_RATIO))
    result = assess({"sweating": "present"}, "emergency", evidence)
    assert result.probability("acs") == pytest.approx(post_test_probability(0.1, [2.06]))


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD_PRETEST.replace('source = "Fanaroff AC, et al. JAMA 2015"', ""), "no source"),
        (GOOD_PRETEST.replace('"Fanaroff AC, et al. JAMA 2015"', '"  "'), "no source"),
        (GOOD_PRETEST.replace("0.1", "0.0"), "strictly between 0 and 1"),
        (GOOD_PRETEST.replace("0.1", "1.0"), "strictly between 0 and 1"),
        (GOOD_PRETEST.replace("0.1", "1.5"), "strictly between 0 and 1"),
        (GOOD_PRETEST.replace("0.1", '"ten per cent"'), "strictly between 0 and 1"),
        (GOOD_PRETEST.replace('"emergency"', '"icu"'), "unknown setting"),
        (GOOD_PRETEST.replace('"secondary"', '"guess"'), "'status'"),
        (GOOD_PRETEST.replace('"secondary"', '"approximation"'), "Approximation"),
    ],
)
def test_bad_pretest_rows_are_refused_and_named(tmp_path: Path, broken: str, message: str) -> None:
    with pytest.raises(EvidenceError, match=message) as caught:
        load_evidence(write(tmp_path, GOOD_HEAD + broken + GOOD_RATIO))
    assert "[[pretest]] row 1 (acs / " in str(caught.value)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD_RATIO.replace('source = "Mant J, et al. Health Technol Assess 2004"', ""), "source"),
        (GOOD_RATIO.replace("2.06", "0"), "lr_pos must be a positive number"),
        (GOOD_RATIO.replace("2.06", "-2.06"), "lr_pos must be a positive number"),
        (GOOD_RATIO.replace("0.65", "-1"), "lr_neg must be a positive number"),
        (GOOD_RATIO.replace("0.65", "nan"), "lr_neg must be a positive number"),
        (GOOD_RATIO.replace("0.65", "inf"), "lr_neg must be a positive number"),
        (GOOD_RATIO.replace("lr_pos = 2.06\nlr_neg = 0.65\n", ""), "neither lr_pos nor lr_neg"),
        (GOOD_RATIO.replace('"sweating"', '"elephant"'), "unknown finding"),
    ],
)
def test_bad_ratio_rows_are_refused_and_named(tmp_path: Path, broken: str, message: str) -> None:
    with pytest.raises(EvidenceError, match=message) as caught:
        load_evidence(write(tmp_path, GOOD_HEAD + GOOD_PRETEST + broken))
    assert "[[ratio]] row 1 (acs / " in str(caught.value)


def test_missing_pretest_duplicates_and_bad_toml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no \\[\\[pretest\\]\\] rows"):
        load_evidence(write(tmp_path, GOOD_HEAD + GOOD_RATIO))
    with pytest.raises(EvidenceError, match="duplicate ratio"):
        load_evidence(write(tmp_path, GOOD_HEAD + GOOD_PRETEST + GOOD_RATIO + GOOD_RATIO))
    with pytest.raises(EvidenceError, match="not valid TOML"):
        load_evidence(write(tmp_path, GOOD_HEAD + "[[ratio]\n"))


# --- Scoring -----------------------------------------------------------------------------


def test_each_condition_is_scored_on_its_own_odds() -> None:
    answers = {"sweating": Answer.PRESENT, "pleuritic": "absent", "fever": "unasked"}
    result = assess(answers, "emergency")
    acs = next(r for r in result.results if r.condition == "acs")
    assert acs.pre_test == 0.10
    odds = 0.10 / 0.90 * 2.06 * 1.17
    assert acs.post_test == pytest.approx(odds / (1 + odds))
    assert set(result.answers) == {"sweating", "pleuritic"}  # unasked is left out
    # Probabilities are not normalised: their sum is not 100%.
    assert not math.isclose(result.total, 1.0, abs_tol=0.01)


def test_a_finding_without_evidence_counts_as_one_and_is_reported() -> None:
    before = assess({}, "primary_care")
    after = assess({"haemoptysis": "present"}, "primary_care")
    gord = next(r for r in after.results if r.condition == "gord")
    assert gord.no_evidence == ("haemoptysis",)
    assert gord.post_test == before.probability("gord")
    pe = next(r for r in after.results if r.condition == "pe")
    assert pe.used == (("haemoptysis", Answer.PRESENT, 1.62),)
    # West 2007 gives no LR- for haemoptysis: absent counts as 1, shown as no evidence.
    absent = assess({"haemoptysis": "absent"}, "primary_care")
    pe_absent = next(r for r in absent.results if r.condition == "pe")
    assert pe_absent.no_evidence == ("haemoptysis",)
    assert pe_absent.post_test == before.probability("pe")


def test_no_answers_give_the_pre_test_probabilities() -> None:
    result = assess({}, "emergency")
    assert result.probability("acs") == pytest.approx(0.10)
    assert result.leading == "chest_wall"


@pytest.mark.parametrize(
    ("answers", "setting", "key"),
    [
        ({"sweating": "maybe"}, "emergency", "symptom_checker.errors.bad_answer"),
        ({"elephant": "present"}, "emergency", "symptom_checker.errors.unknown_finding"),
        ({}, "icu", "symptom_checker.errors.unknown_setting"),
    ],
)
def test_bad_answers_are_input_errors_in_both_languages(
    answers: dict, setting: str, key: str
) -> None:
    with pytest.raises(InputError) as caught:
        assess(answers, setting)
    assert caught.value.key == key
    assert caught.value.message("en") != caught.value.message("fr")


def test_what_to_ask_next_favours_dangerous_conditions() -> None:
    suggestions = next_questions({}, "emergency")
    assert len(suggestions) == len(default_evidence().findings)
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    # Once asked, a finding leaves the list.
    answered = next_questions({"palpation": "present"}, "emergency")
    assert "palpation" not in [s.finding for s in answered]
    # Tearing pain moves only aortic dissection (3x weight); cough moves pneumonia and
    # chest-wall pain (1x). With dangerous conditions weighted higher, the dangerous
    # finding's move counts triple.
    top = next_questions({}, "emergency", limit=3)
    assert len(top) == 3
    assert any(default_evidence().conditions[s.moves_most].dangerous for s in top)


def test_independence_check_shows_double_counting() -> None:
    path = GUIDED_PATHS["double_counting"]
    gaps = independence_check(path.answers, path.setting)
    acs = next(g for g in gaps if g.condition == "acs")
    assert set(acs.shared_groups) == {"autonomic", "ischaemic_pain"}
    # Strongest per group: sweating 2.06, pressure 1.44, exertion 2.4.
    assert acs.grouped == pytest.approx(post_test_probability(0.036, [2.06, 1.44, 2.4]))
    assert acs.independent == pytest.approx(
        post_test_probability(0.036, [1.44, 1.43, 2.06, 1.88, 2.4])
    )
    assert acs.excess >= path.margin
    # Conditions with no shared group are not listed.
    assert [g.condition for g in gaps] == ["acs"]


def test_compare_names_what_changed() -> None:
    before = assess({"sweating": "present"}, "emergency")
    after = assess({"sweating": "absent", "palpation": "present"}, "emergency")
    change = compare(before, after)
    assert change.answers_changed == (
        ("sweating", Answer.PRESENT, Answer.ABSENT),
        ("palpation", Answer.UNASKED, Answer.PRESENT),
    )
    assert not change.setting_changed
    assert change.moves[0][0] in {"acs", "chest_wall"}


# --- Guided paths: each reproduces its failure ------------------------------------------


def test_guided_path_missing_finding_flips_the_leading_diagnosis() -> None:
    path = GUIDED_PATHS["missing_finding"]
    before, after = path.before(), path.after()
    assert before.leading == "acs"
    assert after.leading == "chest_wall"
    change = compare(before, after)
    assert change.leading_changed
    assert change.answers_changed == (("palpation", Answer.UNASKED, Answer.PRESENT),)


def test_guided_path_double_counting_is_overconfident() -> None:
    path = GUIDED_PATHS["double_counting"]
    gap = next(g for g in independence_check(path.answers, path.setting) if g.condition == "acs")
    assert path.margin == 0.10
    assert gap.independent - gap.grouped > 0.10
    assert gap.independent > 0.40 and gap.grouped < 0.25


def test_guided_path_wrong_setting_changes_the_ranking() -> None:
    path = GUIDED_PATHS["wrong_setting"]
    emergency, primary = path.before(), path.after()
    assert (emergency.setting, primary.setting) == ("emergency", "primary_care")
    assert emergency.answers == primary.answers
    assert emergency.leading == "acs"
    assert primary.leading == "chest_wall"
    assert emergency.ranking != primary.ranking
    assert emergency.probability("acs") > 2 * primary.probability("acs")


def test_guided_path_lay_wording_has_text_in_both_languages() -> None:
    path = GUIDED_PATHS["lay_wording"]
    assert path.lay_text is not None and set(path.lay_text) == set(LANGUAGES)
    assert "elephant" in path.lay_text["en"] and "éléphant" in path.lay_text["fr"]


# --- What each figure rests on, in both languages ----------------------------------------


def shipped_rows() -> list:
    evidence = default_evidence()
    return [*evidence.pretests.values(), *evidence.ratios.values()]


def test_every_figure_has_its_source_in_french() -> None:
    for row in shipped_rows():
        assert row.source_in("en") == row.source
        assert row.source_fr and row.source_in("fr") == row.source_fr != row.source, row
        if row.status == "approximation":
            assert row.source_fr.startswith("Approximation"), row


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('source_fr = "  "\n', "source_fr"),
        ("source_fr = 3\n", "source_fr"),
    ],
)
def test_a_bad_french_source_is_refused(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(EvidenceError, match=message):
        load_evidence(write(tmp_path, GOOD_HEAD + GOOD_PRETEST + extra + GOOD_RATIO))


def test_an_approximation_says_so_in_french_too(tmp_path: Path) -> None:
    pretest = GOOD_PRETEST.replace('"secondary"', '"approximation"').replace(
        '"Fanaroff AC, et al. JAMA 2015"', '"Approximation based on Fanaroff AC, et al. 2015"'
    )
    with pytest.raises(EvidenceError, match="Approximation"):
        load_evidence(
            write(tmp_path, GOOD_HEAD + pretest + 'source_fr = "D\'après Fanaroff"\n' + GOOD_RATIO)
        )


def test_status_labels_tell_where_the_figure_was_checked() -> None:
    """A figure seen only in a guideline's table or a copy is not called primary, and so on."""
    second_hand = ("as reproduced", "as reported", "as tabulated", "copy of the article")
    for row in shipped_rows():
        source = row.source.lower()
        if row.status == "primary":
            assert not any(words in source for words in (*second_hand, "not checked")), row
        elif row.status == "secondary":
            assert any(words in source for words in second_hand), row
        elif row.status == "recalled":
            assert "not checked" in source, row
    statuses = {row.status for row in shipped_rows()}
    assert statuses == {"primary", "secondary", "recalled", "approximation"}
    for status in statuses:
        for lang in LANGUAGES:
            assert t(f"symptom_checker.page.status_{status}", lang)


def test_figures_behind_a_result_are_its_pretest_and_the_ratios_it_used() -> None:
    evidence = default_evidence()
    result = assess({"sweating": "present", "haemoptysis": "present"}, "emergency")
    for condition in result.results:
        rows = evidence.figures_behind(condition, "emergency")
        assert rows[0] is evidence.pretests[condition.condition, "emergency"]
        assert [(r.condition, r.finding) for r in rows[1:]] == [
            (condition.condition, finding) for finding, _, _ in condition.used
        ]
    pe = next(r for r in result.results if r.condition == "pe")
    assert [r.status for r in evidence.figures_behind(pe, "emergency")] == [
        "approximation",
        "primary",
    ]


def test_the_radiation_pair_is_any_radiation_and_says_what_it_leaves_out() -> None:
    """Module 4 tells learners the checker uses NICE's any-radiation pair; so does the data."""
    row = default_evidence().ratios["acs", "radiation_arm"]
    assert (row.lr_pos, row.lr_neg) == (1.43, 0.80)
    assert "any radiation" in row.source and "4.7" in row.source
    for lang in LANGUAGES:
        assert "," in t("symptom_checker.findings.radiation_arm", lang)  # more than the arm
