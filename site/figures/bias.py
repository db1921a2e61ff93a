"""Figures of module 3 (bias), drawn from the biased-data scenario's own engine.

Every number comes from ``aimed.engines.model_scenarios.run_biased_data`` with the sandbox page's
default settings (10,000 synthetic patients to train, 10,000 others to test, seed 0, a
logistic model, threshold 50%), so a learner who opens the sandbox sees the same values.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
from matplotlib.ticker import MultipleLocator

from aimed.engines.group_metrics import auc, calibration
from aimed.engines.model_scenarios import BiasRun, run_biased_data
from aimed.site.figures.figure_base import (
    BLUE,
    GREY,
    ORANGE,
    VERMILION,
    Figure,
    new_figure,
    percent_axis,
    to_svg,
)
from aimed.texts.numbers import count, decimal, percent

SEED = 0
THRESHOLD = 0.5
TRAINING_SHARES = (0.05, 0.10, 0.20, 0.30, 0.50)  # group B's share of the training set

TEXTS = {
    "en": {
        "group_a": "Group A",
        "group_b": "Group B",
        "fair": "Oximeter reads\nboth groups alike",
        "biased": "Oximeter over-reads\nmore in group B",
        "missed_axis": "Hypoxaemia missed (false-negative rate)",
        "device_alt": (
            "Bar chart of the share of hypoxaemic patients a model misses, by group, in the "
            "sandbox's synthetic cohort. When the oximeter reads both groups alike, the model "
            "misses {fair_a} of group A and {fair_b} of group B. When it over-reads more in "
            "group B, as Sjoding et al. found for Black patients, it misses {biased_a} of "
            "group A and {biased_b} of group B, while its overall AUC stays at {auc_biased} "
            "(against {auc_fair} without the bias)."
        ),
        "truly": "Among patients\ntruly in high need",
        "cost": "Among patients flagged,\nmodel trained on cost",
        "need": "Among patients flagged,\nmodel trained on need",
        "share_axis": "Share who belong to group B",
        "proxy_alt": (
            "Bar chart, synthetic cohort of {n} patients in which group B is {share_all} of "
            "patients. Group B makes up {truly} of the patients truly in high need, but only "
            "{cost} of those a model trained on future cost flags for extra care; a model "
            "trained on health need flags a share of {need}."
        ),
        "training_axis": "Group B's share of the training set",
        "sensitivity_axis": "Sensitivity (cases found)",
        "representation_alt": (
            "Line chart of the model's sensitivity in each group, tested on patients half in "
            "group A and half in group B, as group B's share of the training set rises: "
            "{points}."
        ),
        "point": "at {share} of training, group A {a} and group B {b}",
    },
    "fr": {
        "group_a": "Groupe A",
        "group_b": "Groupe B",
        "fair": "Même erreur de l'oxymètre\ndans les deux groupes",
        "biased": "Oxymètre qui surestime\nplus dans le groupe B",
        "missed_axis": "Hypoxémies manquées (taux de faux négatifs)",
        "device_alt": (
            "Diagramme en barres de la part des patients hypoxémiques manqués par un modèle, "
            "par groupe, dans la cohorte synthétique du bac à sable. Quand l'oxymètre mesure "
            "les deux groupes de la même façon, le modèle manque {fair_a} du groupe A et "
            "{fair_b} du groupe B. Quand il surestime davantage dans le groupe B, comme "
            "Sjoding et al. l'ont observé chez les patients noirs, il manque {biased_a} du "
            "groupe A et {biased_b} du groupe B, alors que son AUC globale reste de "
            "{auc_biased} (contre {auc_fair} sans le biais)."
        ),
        "truly": "Parmi les patients\nréellement à besoin élevé",
        "cost": "Parmi les patients signalés,\nmodèle entraîné sur le coût",
        "need": "Parmi les patients signalés,\nmodèle entraîné sur le besoin",
        "share_axis": "Part des patients du groupe B",
        "proxy_alt": (
            "Diagramme en barres, cohorte synthétique de {n} patients dont {share_all} "
            "appartiennent au groupe B. Le groupe B représente {truly} des patients réellement "
            "à besoin élevé, mais seulement {cost} de ceux qu'un modèle entraîné sur le coût "
            "futur signale pour un suivi renforcé ; un modèle entraîné sur le besoin de santé "
            "en signale une part de {need}."
        ),
        "training_axis": "Part du groupe B dans les données d'entraînement",
        "sensitivity_axis": "Sensibilité (cas détectés)",
        "representation_alt": (
            "Courbes de la sensibilité du modèle dans chaque groupe, testé sur des patients "
            "pour moitié du groupe A et pour moitié du groupe B, à mesure que la part du "
            "groupe B dans les données d'entraînement augmente : {points}."
        ),
        "point": "à {share} de l'entraînement, groupe A {a} et groupe B {b}",
    },
}


# ---------------------------------------------------------------- numbers (engine runs)


@cache
def _run(bias: str, bias_on: bool = True, share_b: float = 0.5) -> BiasRun:
    return run_biased_data(bias, bias_on=bias_on, share_b=share_b, threshold=THRESHOLD, seed=SEED)


class DeviceAudit(NamedTuple):
    """What a subgroup audit of the oximetry model shows, with and without the device bias."""

    auc: dict[bool, float]  # overall AUC, keyed by bias on
    group_auc: dict[str, float]  # per group, bias on
    missed: dict[bool, dict[str, float]]  # false-negative rate per group, keyed by bias on
    observed: dict[str, float]  # share hypoxaemic per group, bias on
    predicted: dict[str, float]  # mean predicted risk per group, bias on


@cache
def device_audit() -> DeviceAudit:
    """Overall AUC, per-group AUC, misses and calibration of the pulse-oximetry model."""
    missed, overall = {}, {}
    for bias_on in (True, False):
        evaluation = _run("device", bias_on).evaluation
        overall[bias_on] = evaluation.performance.auc
        missed[bias_on] = {
            g: float(evaluation.by_group.loc[g, "false_negative_rate"]) for g in ("A", "B")
        }
    evaluation = _run("device", True).evaluation
    y, risk, groups = evaluation.test.y_true, evaluation.risk, evaluation.test.groups
    group_auc, observed, predicted = {}, {}, {}
    for g in ("A", "B"):
        mask = groups == g
        group_auc[g] = auc(y[mask], risk[mask])
        fit = calibration(y[mask], risk[mask])
        observed[g], predicted[g] = fit.observed_rate, fit.mean_risk
    return DeviceAudit(overall, group_auc, missed, observed, predicted)


class ProxyShares(NamedTuple):
    """Group B's share of the whole cohort, of those truly in need, and of those flagged."""

    n: int
    overall: float
    truly: float
    flagged_cost: float
    flagged_need: float
    sensitivity: dict[str, dict[str, float]]  # label -> group -> share of high-need flagged


@cache
def proxy_shares() -> ProxyShares:
    """Whom the cost-trained and the need-trained models flag, against who is truly in need."""
    flagged, sensitivity = {}, {}
    for label, bias_on in (("cost", True), ("need", False)):
        evaluation = _run("proxy", bias_on).evaluation
        is_b = evaluation.test.groups == "B"
        flagged[label] = float(np.mean(is_b[evaluation.predicted == 1]))
        sensitivity[label] = {
            g: float(evaluation.by_group.loc[g, "sensitivity"]) for g in ("A", "B")
        }
    test = _run("proxy", True).evaluation.test
    is_b = test.groups == "B"
    return ProxyShares(
        n=len(test),
        overall=float(np.mean(is_b)),
        truly=float(np.mean(is_b[test.y_true == 1])),
        flagged_cost=flagged["cost"],
        flagged_need=flagged["need"],
        sensitivity=sensitivity,
    )


@cache
def representation_curve() -> dict[float, dict[str, float]]:
    """Sensitivity per group on a balanced test set, for each share of group B in training."""
    return {
        share: {
            g: float(_run("representation", True, share).by_group.loc[g, "sensitivity"])
            for g in ("A", "B")
        }
        for share in TRAINING_SHARES
    }


# ---------------------------------------------------------------- figures


def _bar_labels(axes, bars, values: list[float], lang: str) -> None:
    for bar, value in zip(bars, values, strict=True):
        axes.annotate(
            percent(value, lang, 0),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=10,
        )


def device_missed_by_group(lang: str) -> Figure:
    """False-negative rate per group, the oximeter's bias off and on."""
    audit, words = device_audit(), TEXTS[lang]
    figure, axes = new_figure(6.4, 3.4)
    settings = (False, True)
    positions = np.arange(len(settings))
    height = 0.36
    for offset, group, colour in ((-height / 2, "A", BLUE), (height / 2, "B", ORANGE)):
        values = [audit.missed[on][group] for on in settings]
        bars = axes.barh(
            positions + offset, values, height, color=colour, label=words[f"group_{group.lower()}"]
        )
        _bar_labels(axes, bars, values, lang)
    axes.set_yticks(positions, [words["fair"], words["biased"]])
    axes.invert_yaxis()
    axes.set_xlim(0, 0.75)
    axes.xaxis.set_major_locator(MultipleLocator(0.1))
    percent_axis(axes.xaxis, lang)
    axes.set_xlabel(words["missed_axis"])
    axes.legend(loc="center right", frameon=False)
    pct = lambda v: percent(v, lang, 0)  # noqa: E731
    alt = words["device_alt"].format(
        fair_a=pct(audit.missed[False]["A"]),
        fair_b=pct(audit.missed[False]["B"]),
        biased_a=pct(audit.missed[True]["A"]),
        biased_b=pct(audit.missed[True]["B"]),
        auc_biased=decimal(audit.auc[True], lang),
        auc_fair=decimal(audit.auc[False], lang),
    )
    return Figure(to_svg(figure), alt)


def proxy_share_of_group_b(lang: str) -> Figure:
    """Group B's share among the truly high-need and among those each model flags."""
    shares, words = proxy_shares(), TEXTS[lang]
    figure, axes = new_figure(6.4, 3.2)
    values = [shares.truly, shares.flagged_cost, shares.flagged_need]
    bars = axes.barh(range(3), values, 0.55, color=[GREY, VERMILION, BLUE])
    _bar_labels(axes, bars, values, lang)
    axes.set_yticks(range(3), [words["truly"], words["cost"], words["need"]])
    axes.invert_yaxis()
    axes.set_xlim(0, 0.2)
    axes.xaxis.set_major_locator(MultipleLocator(0.05))
    percent_axis(axes.xaxis, lang)
    axes.set_xlabel(words["share_axis"])
    pct = lambda v: percent(v, lang, 0)  # noqa: E731
    alt = words["proxy_alt"].format(
        n=count(shares.n, lang),
        share_all=pct(shares.overall),
        truly=pct(shares.truly),
        cost=pct(shares.flagged_cost),
        need=pct(shares.flagged_need),
    )
    return Figure(to_svg(figure), alt)


def representation_sensitivity(lang: str) -> Figure:
    """Sensitivity in groups A and B as group B's share of the training set rises."""
    curve, words = representation_curve(), TEXTS[lang]
    figure, axes = new_figure(6.4, 3.4)
    shares = list(curve)
    for group, colour, marker in (("A", BLUE, "o"), ("B", ORANGE, "s")):
        axes.plot(
            shares,
            [curve[s][group] for s in shares],
            color=colour,
            marker=marker,
            label=words[f"group_{group.lower()}"],
        )
    axes.set_xticks(shares)
    percent_axis(axes.xaxis, lang)
    percent_axis(axes.yaxis, lang)
    axes.set_ylim(0, 0.7)
    axes.set_xlabel(words["training_axis"])
    axes.set_ylabel(words["sensitivity_axis"])
    axes.legend(loc="lower right", frameon=False)
    pct = lambda v: percent(v, lang, 0)  # noqa: E731
    points = (", " if lang == "en" else " ; ").join(
        words["point"].format(share=pct(s), a=pct(curve[s]["A"]), b=pct(curve[s]["B"]))
        for s in shares
    )
    alt = words["representation_alt"].format(points=points)
    return Figure(to_svg(figure), alt)


FIGURES = {
    "bias-representation-sensitivity": representation_sensitivity,
    "bias-device-missed": device_missed_by_group,
    "bias-proxy-flagged": proxy_share_of_group_b,
}
