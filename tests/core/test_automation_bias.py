"""The automation-bias engine: fair series, right answers that follow their rules, honest rates.

Each right answer is recomputed here from the published rule (Wells points, the Marburg
criteria, Bayes' theorem, the likelihood ratios), not read back from the engine.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from types import MappingProxyType

import numpy as np
import pytest

from aimed.engines.automation_bias import (
    CLEAR,
    MAX_SEED,
    PROBLEM,
    SERIES_LENGTH,
    Case,
    Condition,
    Fact,
    Series,
    load_rules,
    make_series,
    published_figures,
    rules,
    score,
    scripted_answers,
    simulate,
    to_csv,
    to_json,
)
from aimed.engines.chest_pain import Answer, assess, default_evidence
from aimed.validation import InputError

SEEDS = range(30)
# Wells PS, et al. Thromb Haemost 2000 / Ann Intern Med 2001: points per criterion.
WELLS_POINTS = {
    "dvt_signs": 3.0,
    "pe_most_likely": 3.0,
    "heart_rate": 1.5,
    "immobilisation": 1.5,
    "previous_vte": 1.5,
    "haemoptysis": 1.0,
    "cancer": 1.0,
}
MARBURG_ITEMS = {"age_sex", "vascular_disease", "assumes_cardiac", "exercise", "not_palpation"}


def present(case: Case) -> set[str]:
    return {f.key for f in case.facts if f.present}


# --- The series -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_cases_in_the_same_order() -> None:
    assert make_series(7) == make_series(7)
    assert make_series(7).cases != make_series(8).cases


def test_a_series_is_about_twenty_cases_numbered_in_order() -> None:
    series = make_series(3)
    assert len(series.cases) == SERIES_LENGTH == 20
    assert [c.number for c in series.cases] == list(range(1, 21))


@pytest.mark.parametrize("seed", SEEDS)
def test_every_condition_gets_the_same_mix_of_decisions(seed: int) -> None:
    series = make_series(seed)
    by_condition = Counter(c.condition for c in series.cases)
    assert by_condition == {
        Condition.ALONE: 4,
        Condition.AI_RIGHT: 8,
        Condition.AI_WRONG: 4,
        Condition.AI_SILENT: 4,
    }
    families = Counter((c.condition, c.family) for c in series.cases)
    for (condition, _), n in families.items():
        assert n == by_condition[condition] // 4  # each family equally in each condition
    # Problems and no-problems balanced in every condition; the AI missed two problems.
    for condition in Condition:
        cases = series.with_condition(condition)
        assert sum(c.problem for c in cases) == len(cases) // 2
    # The explanation beside half the right suggestions and half the wrong ones.
    assert sum(c.explained for c in series.with_condition(Condition.AI_RIGHT)) == 4
    assert sum(c.explained for c in series.with_condition(Condition.AI_WRONG)) == 2
    assert not any(c.explained for c in series.cases if c.suggestion is None)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_ai_is_right_first_then_sometimes_wrong(seed: int) -> None:
    series = make_series(seed)
    shown = [c for c in series.cases if c.shows_ai]
    assert [c.condition for c in shown[:2]] == [Condition.AI_RIGHT, Condition.AI_RIGHT]
    for case in series.cases:
        if case.condition is Condition.AI_RIGHT:
            assert case.suggestion == case.answer
        elif case.condition is Condition.AI_WRONG:
            assert case.suggestion not in (None, case.answer)
        else:
            assert case.suggestion is None
    assert series.ai_accuracy.hits == 10 and series.ai_accuracy.total == 16


def test_the_order_is_shuffled_by_the_seed() -> None:
    orders = {tuple(c.condition for c in make_series(seed).cases) for seed in SEEDS}
    assert len(orders) > 20


# --- Right answers follow their rules -----------------------------------------------------------


def all_cases(family: str) -> list[Case]:
    return [c for seed in SEEDS for c in make_series(seed).cases if c.family == family]


def test_test_result_answers_follow_bayes_theorem() -> None:
    for case in all_cases("test_result"):
        sens, spec, prev = (
            case.fact(k).values["value"] for k in ("sensitivity", "specificity", "prevalence")
        )
        ppv = sens * prev / (sens * prev + (1 - spec) * (1 - prev))
        assert case.measure == pytest.approx(ppv)
        assert case.answer == (PROBLEM if ppv > 0.5 else CLEAR)
        assert 0.05 - 1e-9 <= ppv <= 0.95 + 1e-9  # never obvious at a glance
        assert not 1 / 3 + 1e-9 < ppv < 2 / 3 - 1e-9  # never a coin toss


def test_wells_answers_follow_the_two_level_score() -> None:
    for case in all_cases("wells"):
        assert {f.key for f in case.facts} == set(WELLS_POINTS)
        total = sum(WELLS_POINTS[k] for k in present(case))
        assert case.measure == total
        assert case.answer == (PROBLEM if total > 4 else CLEAR)
        assert total not in (4.0, 4.5)
        rate = case.fact("heart_rate").values["rate"]
        assert (rate > 100) == case.fact("heart_rate").present


def test_marburg_answers_follow_the_score_and_the_age_rule() -> None:
    for case in all_cases("marburg"):
        assert {f.key for f in case.facts} == MARBURG_ITEMS
        total = len(present(case))
        assert case.measure == total and 1 <= total <= 4
        assert case.answer == (PROBLEM if total >= 3 else CLEAR)
        age_sex = case.fact("age_sex")
        limit = 65 if age_sex.values["sex"] == "woman" else 55
        assert (age_sex.values["age"] >= limit) == age_sex.present


def test_chest_pain_answers_follow_the_likelihood_ratios() -> None:
    evidence = default_evidence()
    for case in all_cases("chest_pain"):
        product = 1.0
        for fact in case.facts:
            row = evidence.ratios["acs", fact.key]
            product *= row.lr_pos if fact.present else row.lr_neg
        assert case.answer == (PROBLEM if product > 1 else CLEAR)
        assert 1.5 <= max(product, 1 / product) <= 6 + 1e-9
        answers = {f.key: Answer.PRESENT if f.present else Answer.ABSENT for f in case.facts}
        after = assess(answers, case.setting).probability("acs")
        assert case.measure == pytest.approx(after)
        assert case.baseline == evidence.pretests["acs", case.setting].probability


def test_cases_of_a_family_are_equally_hard_in_every_condition() -> None:
    """Every case lies within its family's margins, whatever the condition it was given."""
    windows = {
        "test_result": (math.log(2), math.log(19)),
        "wells": (0.75, 3.75),
        "marburg": (0.5, 1.5),
        "chest_pain": (math.log(1.5), math.log(6)),
    }
    for seed in SEEDS:
        for case in make_series(seed).cases:
            low, high = windows[case.family]
            assert low - 1e-3 <= case.margin <= high + 1e-3


def test_an_explanation_shows_what_pushes_towards_the_suggestion() -> None:
    for seed in SEEDS:
        for case in make_series(seed).cases:
            if not case.explained:
                continue
            sign = 1 if case.suggestion == PROBLEM else -1
            weights = [sign * case.fact(key).weight for key in case.explanation]
            best = max(sign * f.weight for f in case.facts)
            assert weights[0] == pytest.approx(best)
            if best > 0:
                assert all(w > 0 for w in weights)


# --- Scores -----------------------------------------------------------------------------------


def test_a_reader_who_follows_the_ai_is_misled_every_time_it_errs() -> None:
    series = make_series(11)
    result = score(series, scripted_answers(series, "follow"))
    assert result.complete
    assert result.accuracy["alone"].value == 1.0
    assert result.accuracy["ai_right"].value == 1.0
    assert result.accuracy["ai_wrong"].value == 0.0
    assert (result.commission.hits, result.commission.total) == (4, 4)
    assert (result.omission.hits, result.omission.total) == (2, 2)
    assert result.accuracy["ai_silent"].value == 0.5  # the AI's silence was right twice
    assert result.missed_problems["alone"].value == 0.0
    assert result.missed_problems["with_wrong_ai"].value == 1.0
    assert result.false_alarms["with_wrong_ai"].value == 1.0
    assert result.explanation["commission_with"].total == 2
    assert result.accuracy["overall"].hits == 14


def test_a_reader_who_applies_the_rules_is_never_misled() -> None:
    series = make_series(11)
    result = score(series, scripted_answers(series, "ignore"))
    assert all(rate.value == 1.0 for rate in result.accuracy.values())
    assert result.commission.value == 0.0 and result.omission.value == 0.0


def test_random_answers_are_scored_as_counted_by_hand() -> None:
    series = make_series(5)
    answers = scripted_answers(series, "random", seed=3)
    assert answers == scripted_answers(series, "random", seed=3)
    result = score(series, answers)
    for condition in Condition:
        cases = series.with_condition(condition)
        right = sum(answers[c.number] == c.answer for c in cases)
        assert (result.accuracy[condition.value].hits, result.accuracy[condition.value].total) == (
            right,
            len(cases),
        )
    wrong = series.with_condition(Condition.AI_WRONG)
    assert result.commission.hits == sum(answers[c.number] == c.suggestion for c in wrong)
    missed = [c for c in series.with_condition(Condition.AI_SILENT) if c.problem]
    assert result.omission.hits == sum(answers[c.number] == CLEAR for c in missed)


def case(
    number: int, condition: Condition, problem: bool, suggestion=None, explained=False
) -> Case:
    fact = Fact("sensitivity", None, MappingProxyType({"value": 0.9}), 1.0)
    return Case(
        number=number,
        family="test_result",
        facts=(fact,),
        problem=problem,
        measure=0.9 if problem else 0.1,
        baseline=0.1,
        margin=1.0,
        condition=condition,
        suggestion=suggestion,
        explanation=("sensitivity",) if explained else (),
    )


def test_commission_and_omission_rates_of_a_small_scripted_run() -> None:
    """Seven cases and their answers, every rate counted by hand."""
    series = Series(
        seed=0,
        cases=(
            case(1, Condition.ALONE, True),
            case(2, Condition.AI_RIGHT, False, CLEAR),
            case(3, Condition.AI_WRONG, True, CLEAR, explained=True),  # false reassurance
            case(4, Condition.AI_WRONG, False, PROBLEM),  # false alarm
            case(5, Condition.AI_SILENT, True),  # the AI missed a problem
            case(6, Condition.AI_SILENT, True),  # again
            case(7, Condition.AI_SILENT, False),  # nothing to flag
        ),
    )
    answers = {1: PROBLEM, 2: CLEAR, 3: CLEAR, 4: CLEAR, 5: CLEAR, 6: PROBLEM, 7: CLEAR}
    result = score(series, answers)
    # Followed the wrong suggestion in case 3, not in case 4: 1 of 2.
    assert (result.commission.hits, result.commission.total) == (1, 2)
    assert result.explanation["commission_with"] == result.commission.__class__(1, 1)
    assert result.explanation["commission_without"].value == 0.0
    # Missed the problem in case 5, caught it in case 6: 1 of 2.
    assert (result.omission.hits, result.omission.total) == (1, 2)
    assert result.accuracy["alone"].value == 1.0
    assert result.accuracy["ai_wrong"].value == 0.5
    assert result.accuracy["ai_silent"].hits == 2
    # Missed problems with a wrong or silent AI: cases 3 and 5 of 3, 5 and 6.
    assert (
        result.missed_problems["with_wrong_ai"].hits,
        result.missed_problems["with_wrong_ai"].total,
    ) == (2, 3)
    assert result.false_alarms["with_wrong_ai"].value == 0.0
    assert result.accuracy["overall"].hits == 5
    assert series.ai_accuracy.hits == 2 and series.ai_accuracy.total == 6


def test_unanswered_cases_are_left_out_not_counted_wrong() -> None:
    series = make_series(2)
    first = series.cases[0]
    result = score(series, {first.number: first.answer, 2: None})
    assert result.answered == 1 and not result.complete
    assert result.accuracy["overall"].value == 1.0
    assert result.commission.value is None or first.condition is Condition.AI_WRONG


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, "12", 3.5, True, None])
def test_a_bad_series_number_is_refused_in_the_readers_language(seed) -> None:
    with pytest.raises(InputError) as error:
        make_series(seed)
    assert "1" in error.value.message("fr") and "série" in error.value.message("fr")


def test_bad_answers_and_case_numbers_are_refused() -> None:
    series = make_series(0)
    with pytest.raises(InputError, match="problem"):
        score(series, {1: "maybe"})
    with pytest.raises(InputError, match="21"):
        score(series, {21: PROBLEM})
    with pytest.raises(InputError):
        scripted_answers(series, "obey")
    with pytest.raises(InputError):
        simulate("reckless")
    with pytest.raises(InputError):
        simulate("independent", runs=0)


def test_a_rules_file_without_sources_is_refused(tmp_path) -> None:
    text = rules().path.read_text(encoding="utf-8")
    broken = tmp_path / "rules.toml"
    broken.write_text(
        text.replace("[marburg]\n", "[marburg]\nsource = ''\n", 1).replace(
            'source = "Bösner', 'note = "Bösner', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="source"):
        load_rules(broken)


def test_published_figures_are_sourced_rates() -> None:
    figures = {p.measure: p for p in published_figures()}
    assert set(figures) == {"missed_problems", "false_alarms"}
    assert figures["missed_problems"].without_ai == 0.027
    assert figures["missed_problems"].with_wrong_ai == 0.330
    assert figures["false_alarms"].without_ai == 0.514
    assert figures["false_alarms"].with_wrong_ai == 0.860
    assert all("Bernstein" in p.source and p.status == "checked" for p in figures.values())


# --- Export -----------------------------------------------------------------------------------


def test_the_json_export_is_your_result_with_every_case() -> None:
    series = make_series(4)
    answers = scripted_answers(series, "follow")
    record = json.loads(to_json(series, answers, "fr"))
    assert "votre propre résultat" in record["label"].lower()
    assert "pas un résultat d'étude" in record["label"]
    assert record["series_seed"] == 4 and record["answered"] == 20
    assert record["your_result"]["commission_rate"] == 1.0
    assert record["your_result"]["omission_rate"] == 1.0
    assert len(record["cases"]) == 20
    assert all(row["followed_ai"] is True for row in record["cases"] if row["ai_suggestion"])


def test_the_csv_export_opens_as_a_table() -> None:
    series = make_series(4)
    answers = scripted_answers(series, "ignore")
    rows = list(csv.reader(io.StringIO(to_csv(series, answers))))
    assert "not a study result" in rows[0][0]
    header = rows[1]
    cases = rows[2:22]
    assert header[:3] == ["case", "family", "condition"]
    assert all(row[header.index("correct")] == "True" for row in cases)
    measures = dict(row for row in rows[23:] if len(row) == 2)
    assert measures["commission_rate"] == "0.0000"


# --- Simulated readers -------------------------------------------------------------------------


def test_simulated_readers_show_the_price_of_reliance() -> None:
    independent = simulate("independent", runs=40)
    reliant = simulate("over_reliant", runs=40)
    dismissive = simulate("dismissive", runs=40)
    assert reliant.accuracy["ai_right"].value > independent.accuracy["ai_right"].value + 0.1
    assert reliant.accuracy["ai_wrong"].value < independent.accuracy["ai_wrong"].value - 0.3
    assert reliant.commission.value > 0.75 and reliant.omission.value > 0.7
    # Dismissing a right tool costs its benefit: no better with right advice than alone.
    assert abs(dismissive.accuracy["ai_right"].value - dismissive.accuracy["alone"].value) < 0.08
    assert reliant.accuracy["alone"].total == 40 * 4
    assert simulate("independent", runs=5, seed=9) == simulate("independent", runs=5, seed=9)


def test_simulation_rates_are_consistent_with_the_profile() -> None:
    """With reliance r and skill s, a wrong suggestion is followed with chance (1 - s) + s r."""
    result = simulate("over_reliant", runs=150, seed=1)
    expected = (1 - 0.8) + 0.8 * 0.85
    assert result.commission.value == pytest.approx(expected, abs=0.05)
    assert np.isclose(result.accuracy["alone"].value, 0.8, atol=0.05)


# --- The course's before/after pair (automation_bias.pairs) -------------------------------


def test_course_pair_is_disjoint_and_equally_hard():
    """The two series the course offers (before module 7, at the end): no case of the first
    comes back in the second, the plan is the same and the margins sit alike in their bands."""
    from aimed.engines.automation_bias import (
        CHECK_SEED,
        case_identity,
        difficulty,
        paired_series,
        shared_cases,
    )
    from aimed.engines.automation_bias.pairs import TOLERANCE

    before, after = paired_series(CHECK_SEED)
    assert before.seed == CHECK_SEED and after.seed != before.seed
    assert shared_cases(before, after) == []
    assert not {case_identity(c) for c in before.cases} & {case_identity(c) for c in after.cases}
    hard, other = difficulty(before), difficulty(after)
    assert dict(hard.plan) == dict(other.plan)
    assert hard.gap(other) <= TOLERANCE
    for family in hard.family:
        assert abs(hard.family[family] - other.family[family]) <= TOLERANCE
    # the denominators of the two error rates are the same on both attempts
    for series in (before, after):
        summary = score(series, {c.number: c.answer for c in series.cases})
        assert (summary.commission.total, summary.omission.total) == (4, 2)


def test_pair_refuses_what_it_cannot_match():
    """A series against itself shares every case; an impossible tolerance is said, not looped."""
    from aimed.engines.automation_bias import paired_series, shared_cases

    series = make_series(5)
    assert shared_cases(series, series) == list(range(1, SERIES_LENGTH + 1))
    with pytest.raises(ValueError, match="no series within -1.0 of series 5 in 40 seeds"):
        paired_series(5, tolerance=-1.0, search=40)  # the default search: 2,000 seeds
    with pytest.raises(InputError):
        paired_series(MAX_SEED + 1)


def test_case_wording_in_both_languages():
    """Every case of the pair reads in English and French, its options and the rule's result."""
    from aimed.engines.automation_bias import (
        CHECK_SEED,
        case_stem,
        explanation_text,
        fact_text,
        option_text,
        paired_series,
        rule_result,
    )

    for series in paired_series(CHECK_SEED):
        for case in series.cases:
            for lang in ("en", "fr"):
                assert case_stem(case, lang)
                assert all(fact_text(case, fact, lang) for fact in case.facts)
                assert option_text(case, PROBLEM, lang) != option_text(case, CLEAR, lang)
                assert bool(explanation_text(case, lang)) == case.explained
                assert rule_result(case, lang)
