"""Figures of module 2 (reading a model's performance).

The icon array counts 1,000 women with ``aimed.engines.bayes``; the ROC and calibration figures use
the sandbox's synthetic sepsis model at hospital A (the hospital-shift page's guided run), so
what the page shows is what a learner can reproduce there.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from sklearn.metrics import roc_curve

from aimed.engines.bayes import natural_frequencies
from aimed.engines.group_metrics import SitePerformance, auc, reliability_curve, site_performance
from aimed.engines.model_scenarios import TRY_THIS, run_hospital_shift
from aimed.engines.models import Evaluation
from aimed.site.figures.figure_base import (
    BLUE,
    GREY,
    ORANGE,
    TEXT,
    VERMILION,
    Figure,
    new_figure,
    percent_square,
    to_svg,
)
from aimed.texts.numbers import count, decimal, percent

# Alert thresholds marked on the ROC curve (the sandbox's default is 20%).
THRESHOLDS = (0.05, 0.10, 0.20)
MIN_BIN = 20  # as on the sandbox page: reliability points from fewer patients are not drawn

TEXTS = {
    "en": {
        "roc_axis_x": "1 − specificity (false-alarm rate)",
        "roc_axis_y": "Sensitivity",
        "roc_curve": "Synthetic sepsis model (AUC {auc})",
        "chance": "No better than chance (AUC 0.5)",
        "point": (
            "alert above {threshold}: sensitivity {sens}, specificity {spec}, "
            "{alerts} alerts per 100"
        ),
        "roc_alt": (
            "ROC curve of the sandbox's synthetic sepsis model at hospital A, {n} simulated "
            "admissions, {prevalence} with sepsis: AUC {auc}, well above the diagonal of chance. "
            "Three alert thresholds are marked: {points}."
        ),
        "cal_axis_x": "Predicted risk",
        "cal_axis_y": "Observed rate of sepsis",
        "diagonal": "Perfect calibration",
        "as_is": "Risks as predicted (AUC {auc})",
        "halved": "Same risks halved (AUC {auc})",
        "cal_alt": (
            "Calibration plot of the sandbox's synthetic sepsis model at hospital A: observed "
            "rate of sepsis against predicted risk, by risk band. With its risks as predicted, "
            "the points lie close to the diagonal (mean predicted risk {mean}, observed "
            "{observed}). "
            "With every risk halved, the points lie well above the diagonal (mean predicted "
            "{mean_halved}): the ranking is unchanged and the AUC is {auc} in both cases."
        ),
        "separator": "; ",
        "false": "false alarm",
        "true": "has the disease, test positive",
        "missed": "has the disease, test negative",
        "alt": (
            "Icon array of 1,000 women screened at 1% prevalence with a test of 90% sensitivity "
            "and 91% specificity: {tp} true positives, {fn} missed, {fp} false alarms; of "
            "{pos} positive results, only {tp} are true."
        ),
    },
    "fr": {
        "roc_axis_x": "1 − spécificité (taux de fausses alertes)",
        "roc_axis_y": "Sensibilité",
        "roc_curve": "Modèle synthétique de sepsis (AUC {auc})",
        "chance": "Pas mieux que le hasard (AUC 0,5)",
        "point": (
            "alerte au-dessus de {threshold}\u00a0: sensibilité {sens}, spécificité {spec}, "
            "{alerts} alertes pour 100"
        ),
        "roc_alt": (
            "Courbe ROC du modèle synthétique de sepsis du bac à sable à l'hôpital A, {n} "
            "hospitalisations simulées, dont {prevalence} avec sepsis\u00a0: AUC de {auc}, bien "
            "au-dessus de la diagonale du hasard. Trois seuils d'alerte sont indiqués\u00a0: "
            "{points}."
        ),
        "cal_axis_x": "Risque prédit",
        "cal_axis_y": "Taux de sepsis observé",
        "diagonal": "Calibration parfaite",
        "as_is": "Risques tels que prédits (AUC {auc})",
        "halved": "Mêmes risques divisés par deux (AUC {auc})",
        "cal_alt": (
            "Courbe de calibration du modèle synthétique de sepsis du bac à sable à l'hôpital "
            "A\u00a0: taux de sepsis observé en fonction du risque prédit, par tranche de risque. "
            "Avec ses risques tels que prédits, les points restent proches de la diagonale "
            "(risque prédit "
            "moyen {mean}, observé {observed}). Avec tous les risques divisés par deux, les "
            "points passent nettement au-dessus de la diagonale (risque prédit moyen "
            "{mean_halved})\u00a0: l'ordre des patients est inchangé et l'AUC vaut {auc} dans "
            "les deux cas."
        ),
        "separator": "\u00a0; ",
        "false": "fausse alerte",
        "true": "malade, test positif",
        "missed": "malade, test négatif",
        "alt": (
            "Matrice de 1 000 pictogrammes : femmes dépistées à une prévalence de 1 % avec un "
            "test de sensibilité 90 % et de spécificité 91 % : {tp} vrais positifs, {fn} "
            "manqué, {fp} fausses alertes ; sur {pos} résultats positifs, {tp} seulement sont "
            "vrais."
        ),
    },
}


def mammography_icon_array(lang: str) -> Figure:
    """1,000 women, coloured by what the test says (Gigerenzer et al. 2007's figures)."""
    counts = natural_frequencies(0.90, 0.91, 0.01)
    words = TEXTS[lang]
    kinds = (
        ["true"] * counts.true_positives
        + ["missed"] * counts.false_negatives
        + ["false"] * counts.false_positives
        + ["other"] * counts.true_negatives
    )
    colours = {"true": BLUE, "missed": GREY, "false": ORANGE, "other": "#DDDDDD"}
    figure, axes = new_figure(6.4, 3.4)
    xs = [i % 50 for i in range(len(kinds))]
    ys = [19 - i // 50 for i in range(len(kinds))]
    axes.scatter(xs, ys, c=[colours[k] for k in kinds], s=18, marker="s", linewidths=0)
    axes.set_axis_off()
    for kind in ("true", "missed", "false"):
        n = kinds.count(kind)
        axes.scatter([], [], c=colours[kind], marker="s", label=f"{words[kind]} ({n})")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, 0), ncol=3, frameon=False, fontsize=9)
    alt = words["alt"].format(
        tp=counts.true_positives,
        fn=counts.false_negatives,
        fp=counts.false_positives,
        pos=count(counts.positives, lang),
    )
    return Figure(to_svg(figure), alt)


@cache
def sepsis_model_at_a() -> Evaluation:
    """The hospital-shift page's guided run, judged on new patients of its own hospital."""
    return run_hospital_shift(**TRY_THIS["hospital_shift"][0].settings).at_a


def operating_points() -> dict[float, SitePerformance]:
    """Sensitivity, specificity and alert burden of the sepsis model at each threshold."""
    model = sepsis_model_at_a()
    return {cut: site_performance(model.test.y_true, model.risk, cut) for cut in THRESHOLDS}


def roc_operating_points(lang: str) -> Figure:
    """The ROC curve of the sandbox's sepsis model, with the thresholds one could choose."""
    words = TEXTS[lang]
    model = sepsis_model_at_a()
    y, risk = model.test.y_true, model.risk
    area = decimal(auc(y, risk), lang)
    false_alarms, sensitivity, _ = roc_curve(y, risk)
    figure, axes = new_figure(5.6, 4.8)
    axes.plot([0, 1], [0, 1], linestyle="--", color=GREY, linewidth=1.2, label=words["chance"])
    axes.plot(
        false_alarms,
        sensitivity,
        color=BLUE,
        linewidth=2,
        label=words["roc_curve"].format(auc=area),
    )
    described = []
    for (cut, perf), marker in zip(operating_points().items(), ("o", "s", "^"), strict=True):
        text = words["point"].format(
            threshold=percent(cut, lang, digits=0),
            sens=percent(perf.sensitivity, lang, digits=0),
            spec=percent(perf.specificity, lang, digits=0),
            alerts=decimal(perf.alerts_per_100, lang, digits=0),
        )
        described.append(text)
        axes.plot(
            1 - perf.specificity,
            perf.sensitivity,
            marker=marker,
            color=VERMILION,
            markersize=8,
            linestyle="none",
            label=text,
        )
    percent_square(axes, lang, words["roc_axis_x"], words["roc_axis_y"], top=1.01)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, fontsize=8.5)
    alt = words["roc_alt"].format(
        n=count(len(y), lang),
        prevalence=percent(float(np.mean(y)), lang),
        auc=area,
        points=words["separator"].join(described),
    )
    return Figure(to_svg(figure), alt)


def calibration_halved(lang: str) -> Figure:
    """Reliability curves of the same risks as predicted and halved: same AUC, not calibrated."""
    words = TEXTS[lang]
    model = sepsis_model_at_a()
    y, risk = model.test.y_true, model.risk
    figure, axes = new_figure(5.6, 4.6)
    axes.plot([0, 1], [0, 1], linestyle="--", color=GREY, linewidth=1.2, label=words["diagonal"])
    for key, values, colour, marker in (
        ("as_is", risk, BLUE, "o"),
        ("halved", risk / 2, ORANGE, "s"),
    ):
        curve = reliability_curve(y, values, n_bins=10)
        curve = curve.loc[curve["n"] >= MIN_BIN]
        axes.plot(
            curve["predicted"],
            curve["observed"],
            color=colour,
            marker=marker,
            linewidth=2,
            label=words[key].format(auc=decimal(auc(y, values), lang)),
        )
    percent_square(axes, lang, words["cal_axis_x"], words["cal_axis_y"])
    axes.legend(loc="upper left", frameon=False, fontsize=9)
    axes.tick_params(colors=TEXT)
    alt = words["cal_alt"].format(
        mean=percent(float(np.mean(risk)), lang),
        observed=percent(float(np.mean(y)), lang),
        mean_halved=percent(float(np.mean(risk / 2)), lang),
        auc=decimal(auc(y, risk), lang),
    )
    return Figure(to_svg(figure), alt)


FIGURES = {
    "mammography-icon-array": mammography_icon_array,
    "roc-operating-points": roc_operating_points,
    "calibration-halved": calibration_halved,
}
