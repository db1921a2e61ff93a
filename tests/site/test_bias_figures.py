"""Module 3 (bias): its figures and the teaching-model numbers in its prose come from the engine.

The page quotes what the sandbox's biased-data model does with its default settings; if the
engine changes, these tests say which sentence of which language has gone stale.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from aimed.engines.cohorts import ACCESS_FACTOR_B, OBERMEYER_SHARE_B
from aimed.engines.group_metrics import auc
from aimed.engines.model_scenarios import run_biased_data
from aimed.site.figures import bias as bias_figures
from aimed.texts.numbers import decimal, percent

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "fr")


def figure_module():
    """site/figures/bias.py, as the build's figure registry imports it."""
    return bias_figures


def page_text(lang: str) -> str:
    name = "bias.md" if lang == "en" else "bias.fr.md"
    text = (ROOT / "course" / "modules" / name).read_text(encoding="utf-8")
    return re.sub(r"[ \n]+", " ", text)  # joins wrapped lines; keeps non-breaking spaces


def pct(value: float, lang: str) -> str:
    return percent(value, lang, 0)


def missed(bias_on: bool) -> dict[str, float]:
    table = run_biased_data("device", bias_on=bias_on).by_group
    return {g: float(table.loc[g, "false_negative_rate"]) for g in ("A", "B")}


@pytest.fixture(scope="module")
def figures() -> dict:
    return {
        (name, lang): draw(lang) for name, draw in figure_module().FIGURES.items() for lang in LANGS
    }


def test_every_figure_is_an_svg_with_alternative_text_in_both_languages(figures: dict) -> None:
    for (name, lang), figure in figures.items():
        assert figure.svg.lstrip().startswith("<?xml") and "<svg" in figure.svg, name
        assert len(figure.alt) > 80, f"{name} ({lang}) has no real alternative text"
    for name in {name for name, _ in figures}:
        assert figures[(name, "en")].alt != figures[(name, "fr")].alt, f"{name}: one language"


@pytest.mark.parametrize("lang", LANGS)
def test_device_figure_states_the_engine_rates(figures: dict, lang: str) -> None:
    alt = figures[("bias-device-missed", lang)].alt
    for bias_on in (True, False):
        for group, rate in missed(bias_on).items():
            assert pct(rate, lang) in alt, (bias_on, group)
    overall = run_biased_data("device").evaluation.performance.auc
    assert decimal(overall, lang) in alt


@pytest.mark.parametrize("lang", LANGS)
def test_proxy_figure_states_group_b_shares(figures: dict, lang: str) -> None:
    alt = figures[("bias-proxy-flagged", lang)].alt
    cost = run_biased_data("proxy", bias_on=True).evaluation
    need = run_biased_data("proxy", bias_on=False).evaluation
    is_b = cost.test.groups == "B"
    truly = np.mean(is_b[cost.test.y_true == 1])
    flagged_cost = np.mean(is_b[cost.predicted == 1])
    flagged_need = np.mean((need.test.groups == "B")[need.predicted == 1])
    assert flagged_cost < truly - 0.03  # the cost label under-selects group B
    for share in (truly, flagged_cost, flagged_need):
        assert pct(share, lang) in alt


@pytest.mark.parametrize("lang", LANGS)
def test_page_quotes_the_teaching_model_as_the_engine_runs_it(lang: str) -> None:
    text = page_text(lang)
    quoted = {}
    rare = run_biased_data("representation", share_b=0.05).by_group
    balanced = run_biased_data("representation", share_b=0.5).by_group
    for label, table in (("rare", rare), ("balanced", balanced)):
        for g in ("A", "B"):
            quoted[f"{label} sensitivity {g}"] = pct(table.loc[g, "sensitivity"], lang)
    for bias_on in (True, False):
        for g, rate in missed(bias_on).items():
            quoted[f"missed {g} bias {bias_on}"] = pct(rate, lang)
    device = run_biased_data("device").evaluation
    quoted["overall AUC, bias on"] = decimal(device.performance.auc, lang)
    quoted["overall AUC, bias off"] = decimal(
        run_biased_data("device", bias_on=False).evaluation.performance.auc, lang
    )
    y, risk, groups = device.test.y_true, device.risk, device.test.groups
    for g in ("A", "B"):
        mask = groups == g
        quoted[f"AUC {g}"] = decimal(auc(y[mask], risk[mask]), lang)
        # one decimal, as the exercise's calibration table shows them (0.115 -> 11.5%)
        quoted[f"predicted {g}"] = percent(risk[mask].mean(), lang, 1)
        quoted[f"observed {g}"] = percent(y[mask].mean(), lang, 1)
    cost = run_biased_data("proxy").by_group
    for g in ("A", "B"):
        quoted[f"cost-trained sensitivity {g}"] = pct(cost.loc[g, "sensitivity"], lang)
    quoted["group B share"] = pct(OBERMEYER_SHARE_B, lang)
    missing = {what: shown for what, shown in quoted.items() if shown not in text}
    assert missing == {}, f"numbers the {lang} page no longer quotes correctly: {missing}"
    # "three quarters of group A's spending" is the generator's access factor
    assert ACCESS_FACTOR_B == 0.75
