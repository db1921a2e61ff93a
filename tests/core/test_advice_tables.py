"""Tables of the exercise "Deciding with an AI's advice": they follow the automation-bias engine.

Rates are recounted here case by case from the definitions (a commission error follows a
wrong suggestion; an omission error misses a problem the AI did not flag), then compared
with the engine's own scoring and with what the tables show.
"""

from __future__ import annotations

import pytest

from aimed.engines.automation_bias import (
    CLEAR,
    Condition,
    make_series,
    published_figures,
    score,
    scripted_answers,
)
from aimed.notebooks import helpers as helpers
from aimed.notebooks import trust_responsibility as tables

SEEDS = tables.SERVICE_SERIES


@pytest.fixture
def french() -> object:
    helpers.set_language("fr")
    yield
    helpers.set_language("en")


def decisions(seed: int = tables.ANSWERS_SEED) -> list:
    pairs = []
    for s, sheet in tables.service_answers(SEEDS, seed).items():
        pairs += [(c, sheet[c.number]) for c in make_series(s).cases]
    return pairs


def test_a_seed_gives_the_same_sheets_and_another_seed_other_ones() -> None:
    assert tables.service_answers(SEEDS) == tables.service_answers(SEEDS)
    assert tables.service_answers(SEEDS) != tables.service_answers(SEEDS, seed=1)
    alone = tables.colleague_answers(make_series(7))
    assert alone == tables.service_answers(SEEDS)[7], "a sheet is rebuilt alone, the same"
    assert set(alone.values()) <= {"problem", "clear"} and len(alone) == 20


def test_pooled_rates_are_the_definitions_counted_case_by_case() -> None:
    pairs = decisions()
    summary = tables.service_summary(SEEDS)
    wrong = [(c, a) for c, a in pairs if c.condition is Condition.AI_WRONG]
    missed = [(c, a) for c, a in pairs if c.condition is Condition.AI_SILENT and c.problem]
    assert summary.commission.total == len(wrong) == 40
    assert summary.commission.hits == sum(a == c.suggestion for c, a in wrong)
    assert summary.omission.total == len(missed) == 20
    assert summary.omission.hits == sum(a == CLEAR for _, a in missed)
    for condition in Condition:
        chosen = [(c, a) for c, a in pairs if c.condition is condition]
        rate = summary.accuracy[condition.value]
        assert (rate.hits, rate.total) == (sum(a == c.answer for c, a in chosen), len(chosen))
    assert summary.total == summary.answered == 200


def test_pool_adds_counts_rather_than_averaging_rates() -> None:
    sheets = tables.service_answers(SEEDS)
    parts = [score(make_series(s), sheets[s]) for s in SEEDS]
    pooled = tables.pool(parts)
    assert pooled.commission.hits == sum(p.commission.hits for p in parts)
    assert pooled.explanation["commission_with"].total == 20
    assert pooled.ai_accuracy.total == sum(p.ai_accuracy.total for p in parts)
    assert tables.pool(parts[:1]) == parts[0]
    with pytest.raises(ValueError):
        tables.pool([])


def test_counts_table_reconciles_with_the_engine() -> None:
    counts = tables.service_counts(SEEDS)
    summary = tables.service_summary(SEEDS)
    decided, right, followed = (counts.iloc[:, i] for i in range(3))
    alone, r_x, r_p, w_x, w_p, s_prob, s_clear, total = counts.index
    assert (right[alone], decided[alone]) == (summary.accuracy["alone"].hits, 40)
    assert right[r_x] + right[r_p] == summary.accuracy["ai_right"].hits
    assert right[w_x] + right[w_p] == summary.accuracy["ai_wrong"].hits
    assert followed[w_x] + followed[w_p] == summary.commission.hits
    assert (followed[w_x], decided[w_x]) == (
        summary.explanation["commission_with"].hits,
        summary.explanation["commission_with"].total,
    )
    assert followed[w_p] == summary.explanation["commission_without"].hits
    assert decided[s_prob] - right[s_prob] == summary.omission.hits
    assert right[s_prob] + right[s_clear] == summary.accuracy["ai_silent"].hits
    assert decided[total] == 200 and right[total] == summary.accuracy["overall"].hits
    assert followed[alone] == followed[s_prob] == "–", "no suggestion, nothing to follow"


def test_answer_sheet_shows_one_colleague_as_the_engine_scores_them() -> None:
    sheet = tables.answer_sheet(7)
    series = make_series(7)
    summary = score(series, tables.colleague_answers(series))
    assert list(sheet.index) == list(range(1, 21))
    wrong = sheet[sheet["What the AI showed"] == "AI suggestion, wrong"]
    assert (wrong["Followed the AI"] == "yes").sum() == summary.commission.hits
    silent = sheet[
        (sheet["What the AI showed"] == "AI said nothing") & (sheet["Right answer"] == "Problem")
    ]
    assert (silent["Correct"] == "no").sum() == summary.omission.hits
    assert (sheet["Correct"] == "yes").sum() == summary.accuracy["overall"].hits
    assert (sheet["Explanation shown"] == "yes").sum() == sum(c.explained for c in series.cases)


def test_the_shown_sheet_holds_each_kind_of_error_the_exercise_asks_about() -> None:
    """Colleague 7: wrong advice followed, a problem missed under a silent AI, and distractors."""
    series = make_series(7)
    sheet = tables.colleague_answers(series)
    summary = score(series, sheet)
    assert 0 < summary.commission.hits < summary.commission.total
    assert 0 < summary.omission.hits < summary.omission.total
    assert summary.missed_problems["alone"].hits >= 1, "a miss alone, which is not an omission"


def test_both_languages_give_the_same_tables(french: None) -> None:
    french_tables = [
        tables.answer_sheet(7),
        tables.service_counts(SEEDS),
        tables.published_comparison(SEEDS),
    ]
    assert "Suggestion erronée, avec explication" in french_tables[1].index
    assert french_tables[0].iloc[:, -2].isin(["oui", "non"]).all()
    helpers.set_language("en")
    english_tables = [
        tables.answer_sheet(7),
        tables.service_counts(SEEDS),
        tables.published_comparison(SEEDS),
    ]
    for en, fr in zip(english_tables, french_tables, strict=True):
        assert en.shape == fr.shape
        assert list(en.columns) != list(fr.columns), "labels are translated"
    assert english_tables[1].to_numpy().tolist() == french_tables[1].to_numpy().tolist()


def test_published_comparison_shows_the_engine_figures_beside_the_service() -> None:
    table = tables.published_comparison(SEEDS)
    summary = tables.service_summary(SEEDS)
    study = {p.measure: p for p in published_figures()}
    missed = table.loc["Problems missed"]
    assert missed.iloc[0] == round(summary.missed_problems["alone"].value, 3)
    assert missed.iloc[1] == round(summary.missed_problems["with_wrong_ai"].value, 3)
    assert (
        (missed.iloc[2], missed.iloc[3])
        == (0.027, 0.330)
        == (
            study["missed_problems"].without_ai,
            study["missed_problems"].with_wrong_ai,
        )
    )
    alarms = table.loc["False alarms"]
    assert alarms.iloc[1] == round(summary.false_alarms["with_wrong_ai"].value, 3)


def test_habits_drive_the_answers_as_documented() -> None:
    series = make_series(3)
    perfect = tables.Habits(skill=1, reliance=0, reliance_explained=0, complacency=0)
    assert tables.colleague_answers(series, habits=perfect) == scripted_answers(series, "ignore")
    follower = tables.Habits(skill=1, reliance=1, reliance_explained=1, complacency=1)
    assert tables.colleague_answers(series, habits=follower) == scripted_answers(series, "follow")
    many = range(100, 300)
    summary = tables.pool(
        score(make_series(s), tables.colleague_answers(make_series(s))) for s in many
    )
    with_x, without = (
        summary.explanation[k].value for k in ("commission_with", "commission_without")
    )
    assert with_x > without, "an explanation makes the simulated colleague follow more"
    with pytest.raises(ValueError):
        tables.Habits(skill=1.5)
