"""Figures of module 5 (when the world changes), drawn from the sandbox's own engines.

Each figure runs the sandbox scenario with its default settings (the guided "try this"
settings of ``aimed.engines.model_scenarios.TRY_THIS``), so what the page shows is what a learner
sees on the hospital-shift and shortcut pages. Labels come from the sandbox's texts.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.ticker import FuncFormatter

from aimed.engines.group_metrics import reliability_curve
from aimed.engines.model_scenarios import (
    SHORTCUT_FEATURE,
    TRY_THIS,
    ShiftRun,
    ShortcutRun,
    run_hospital_shift,
    run_shortcut,
)
from aimed.site.figures.figure_base import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    VERMILION,
    Figure,
    new_figure,
    percent_square,
    to_svg,
)
from aimed.texts.i18n import t
from aimed.texts.numbers import decimal, percent

MIN_BIN = 20  # as on the sandbox page: reliability points from fewer patients are not drawn
PLACES = ("internal", "external", "recalibrated")
STYLE = {"internal": (BLUE, "o"), "external": (VERMILION, "s"), "recalibrated": (GREEN, "^")}

TEXTS = {
    "en": {
        "calibration_alt": (
            "Calibration plot of the sandbox's synthetic sepsis model: observed rate against "
            "the predicted risk, by risk band, beside the diagonal of perfect calibration. At "
            "hospital A the points lie close to the diagonal (mean predicted risk {pred_a}, "
            "observed {obs_a}). At hospital B most points lie above it: the model predicts "
            "{pred_b} on average while {obs_b} of patients develop sepsis. After recalibration "
            "on {n_local} patients of hospital B, the points come back close to the diagonal, "
            "slightly below it (mean predicted {pred_r}, observed {obs_r})."
        ),
        "performance_title": "AUC of the sandbox's pneumonia model",
        "auc_axis": "AUC (0.5 = chance)",
        "performance_alt": (
            "Bar chart of the sandbox's synthetic pneumonia model. Seeing the marker: AUC "
            "{with_in} at the training hospital and {with_out} at the other hospital "
            "(accuracy {acc_with_in} and {acc_with_out}). Marker removed: AUC {without_in} at "
            "the training hospital and {without_out} at the other hospital (accuracy "
            "{acc_without_in} and {acc_without_out})."
        ),
        "importance_alt": (
            "Horizontal bar chart of permutation importances of the sandbox's synthetic "
            "pneumonia model that sees the marker, measured at its training hospital: "
            "{ranking}. The marker comes first, far ahead of every clinical sign."
        ),
        "separator": "; ",
    },
    "fr": {
        "calibration_alt": (
            "Courbe de calibration du modèle synthétique de sepsis du bac à sable\u00a0: taux "
            "observé en fonction du risque prédit, par tranche de risque, à côté de la diagonale "
            "de la calibration parfaite. À l'hôpital A, les points suivent la diagonale (risque "
            "prédit moyen {pred_a}, observé {obs_a}). À l'hôpital B, la plupart passent "
            "au-dessus\u00a0: le modèle prédit {pred_b} en moyenne alors que {obs_b} des "
            "patients font un sepsis. Après recalibration sur {n_local} patients de l'hôpital B, "
            "les points reviennent près de la diagonale, un peu en dessous (risque prédit moyen "
            "{pred_r}, observé {obs_r})."
        ),
        "performance_title": "AUC du modèle de pneumonie du bac à sable",
        "auc_axis": "AUC (0,5 = hasard)",
        "performance_alt": (
            "Diagramme en barres du modèle synthétique de pneumonie du bac à sable. Quand il "
            "voit le marqueur\u00a0: AUC de {with_in} à l'hôpital d'entraînement et de "
            "{with_out} dans l'autre hôpital (exactitude {acc_with_in} et {acc_with_out}). "
            "Marqueur retiré\u00a0: AUC de {without_in} à l'hôpital d'entraînement et de "
            "{without_out} dans l'autre hôpital (exactitude {acc_without_in} et "
            "{acc_without_out})."
        ),
        "importance_alt": (
            "Diagramme en barres horizontales des importances par permutation du modèle "
            "synthétique de pneumonie du bac à sable qui voit le marqueur, mesurées dans son "
            "hôpital d'entraînement\u00a0: {ranking}. Le marqueur arrive en tête, loin devant "
            "tous les signes cliniques."
        ),
        "separator": "\u00a0; ",
    },
}


@cache
def shift_run() -> ShiftRun:
    """The hospital-shift page's run with its guided settings (computed once per build)."""
    return run_hospital_shift(**TRY_THIS["hospital_shift"][0].settings)


@cache
def shortcut_runs() -> dict[bool, ShortcutRun]:
    """The shortcut page's two guided runs: with the marker (False) and without it (True)."""
    guided = TRY_THIS["shortcut"][0]
    return {
        bool(settings["remove_marker"]): run_shortcut(**settings)
        for settings in (guided.settings, guided.contrast)
    }


def hospital_shift_calibration(lang: str) -> Figure:
    """Reliability curves at hospital A, at B, and at B after local recalibration."""
    run = shift_run()
    evaluations = dict(zip(PLACES, (run.at_a, run.at_b, run.at_b_recalibrated), strict=True))
    figure, axes = new_figure(5.6, 4.6)
    axes.plot(
        [0, 1],
        [0, 1],
        linestyle="--",
        color=GREY,
        linewidth=1.2,
        label=t("hospital_shift.chart.diagonal", lang),
    )
    for place, evaluation in evaluations.items():
        curve = reliability_curve(evaluation.test.y_true, evaluation.risk, n_bins=10)
        curve = curve.loc[curve["n"] >= MIN_BIN]
        colour, marker = STYLE[place]
        axes.plot(
            curve["predicted"],
            curve["observed"],
            color=colour,
            marker=marker,
            linewidth=2,
            label=t(f"hospital_shift.sites.{place}", lang),
        )
    percent_square(
        axes,
        lang,
        t("hospital_shift.chart.predicted_axis", lang),
        t("hospital_shift.chart.observed_axis", lang),
    )
    axes.legend(loc="upper left", frameon=False, fontsize=9)
    a, b, r = (evaluations[p].performance.calibration for p in PLACES)
    alt = TEXTS[lang]["calibration_alt"].format(
        pred_a=percent(a.mean_risk, lang),
        obs_a=percent(a.observed_rate, lang),
        pred_b=percent(b.mean_risk, lang),
        obs_b=percent(b.observed_rate, lang),
        pred_r=percent(r.mean_risk, lang),
        obs_r=percent(r.observed_rate, lang),
        n_local=len(run.local_sample),
    )
    return Figure(to_svg(figure), alt)


def shortcut_performance(lang: str) -> Figure:
    """AUC at the training hospital and elsewhere, with the marker and without it."""
    runs = shortcut_runs()
    variants = {"with_shortcut": runs[False], "without_shortcut": runs[True]}
    sites = ("internal", "external")
    colours = {"internal": BLUE, "external": ORANGE}
    figure, axes = new_figure(6.4, 3.6)
    width = 0.36
    for offset, site in zip((-width / 2, width / 2), sites, strict=True):
        values = [getattr(run, site).performance.auc for run in variants.values()]
        bars = axes.bar(
            np.arange(len(variants)) + offset,
            values,
            width,
            color=colours[site],
            label=t(f"shortcut.sites.{site}", lang),
        )
        axes.bar_label(bars, labels=[decimal(v, lang) for v in values], padding=3, fontsize=10)
    axes.set_xticks(np.arange(len(variants)))
    axes.set_xticklabels([t(f"shortcut.variants.{v}", lang) for v in variants])
    axes.set_ylim(0.5, 1.0)
    axes.set_yticks([0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    axes.set_yticklabels([decimal(v, lang, 1) for v in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)])
    axes.set_ylabel(TEXTS[lang]["auc_axis"])
    axes.set_title(TEXTS[lang]["performance_title"], fontsize=11)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    with_, without = (variants[v] for v in variants)
    alt = TEXTS[lang]["performance_alt"].format(
        with_in=decimal(with_.internal.performance.auc, lang),
        with_out=decimal(with_.external.performance.auc, lang),
        without_in=decimal(without.internal.performance.auc, lang),
        without_out=decimal(without.external.performance.auc, lang),
        acc_with_in=percent(with_.internal.performance.accuracy, lang),
        acc_with_out=percent(with_.external.performance.accuracy, lang),
        acc_without_in=percent(without.internal.performance.accuracy, lang),
        acc_without_out=percent(without.external.performance.accuracy, lang),
    )
    return Figure(to_svg(figure), alt)


def shortcut_importances(lang: str) -> Figure:
    """Permutation importances of the model that sees the marker: the marker comes first."""
    table = shortcut_runs()[False].importances
    names = [t(f"cohorts.features.{f}", lang) for f in table["feature"]]
    colours = [VERMILION if f == SHORTCUT_FEATURE else BLUE for f in table["feature"]]
    figure, axes = new_figure(6.4, 3.2)
    positions = np.arange(len(table))[::-1]
    values = table["importance"].clip(lower=0.0)  # a tiny negative drop is noise: none at all
    axes.barh(positions, values, color=colours, xerr=table["std"], ecolor=GREY)
    axes.set_yticks(positions)
    axes.set_yticklabels(names)
    for y, value in zip(positions, values, strict=True):
        axes.text(value + 0.004, y, decimal(value, lang, 3), va="center", fontsize=9)
    axes.set_xlim(0, float(values.max()) * 1.2)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: decimal(v, lang)))
    axes.set_xlabel(t("shortcut.chart.importance_axis", lang))
    ranking = TEXTS[lang]["separator"].join(
        f"{name} {decimal(value, lang, 3)}" for name, value in zip(names, values, strict=True)
    )
    alt = TEXTS[lang]["importance_alt"].format(ranking=ranking)
    return Figure(to_svg(figure), alt)


FIGURES = {
    "hospital-shift-calibration": hospital_shift_calibration,
    "shortcut-performance": shortcut_performance,
    "shortcut-importances": shortcut_importances,
}
