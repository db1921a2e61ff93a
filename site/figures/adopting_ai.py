"""Figures of module 10 (bringing AI into a practice).

Both are teaching illustrations with their inputs stated on the page: the same tool at the
vendor's prevalence and at the learner's, and a monthly audit of a sepsis model whose patients
change under it (the sandbox's hospital-shift teaching model).
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from aimed.engines.bayes import natural_frequencies
from aimed.engines.model_scenarios import run_hospital_shift
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
from aimed.texts.numbers import count, percent

# The illustrative tool: inputs stated in the figure's caption and in the page's text.
SENSITIVITY, SPECIFICITY = 0.90, 0.90
STUDY_PREVALENCE, PRACTICE_PREVALENCE = 0.20, 0.02
PATIENTS = 1000

# The monthly audit: 12 months of 500 patients, patients like site B's from month 7.
MONTHS, PER_MONTH, CHANGE_MONTH = 12, 500, 7

TEXTS = {
    "en": {
        "study": "Vendor's study\n(prevalence {prev})",
        "practice": "Your practice\n(prevalence {prev})",
        "true": "true alerts",
        "false": "false alerts",
        "xlabel": "alerts per {n} patients",
        "total": "{n} alerts, PPV {ppv}",
        "ppv_alt": (
            "Bar chart, per {n} patients, of a tool with {sens} sensitivity and {spec} "
            "specificity. In the vendor's study, at {prev_s} prevalence: {tp_s} true and {fp_s} "
            "false alerts, a PPV of {ppv_s}. In your practice, at {prev_p} prevalence: {tp_p} true "
            "and {fp_p} false alerts, a PPV of {ppv_p}."
        ),
        "month": "month",
        "observed": "observed sepsis rate",
        "predicted": "mean predicted risk",
        "alerts": "alerts per 100 patients",
        "change": "case mix changes",
        "rate": "share of patients",
        "drift_alt": (
            "Two-panel line chart of a monthly audit of a sepsis model (teaching model, "
            "{n} patients a month). Months 1 to 6: observed sepsis rate {obs_a} on average, mean "
            "predicted risk {pred_a}, {alerts_a} alerts per 100 patients. From month 7, when the "
            "patients change: observed rate {obs_b}, mean predicted risk only {pred_b}, and "
            "{alerts_b} alerts per 100 patients."
        ),
    },
    "fr": {
        "study": "Étude de l'éditeur\n(prévalence {prev})",
        "practice": "Votre pratique\n(prévalence {prev})",
        "true": "vraies alertes",
        "false": "fausses alertes",
        "xlabel": "alertes pour {n} patients",
        "total": "{n} alertes, VPP {ppv}",
        "ppv_alt": (
            "Diagramme en barres, pour {n} patients, d'un outil de sensibilité {sens} et de "
            "spécificité {spec}. Dans l'étude de l'éditeur, à une prévalence de {prev_s} : {tp_s} "
            "vraies et {fp_s} fausses alertes, une VPP de {ppv_s}. Dans votre pratique, à une "
            "prévalence de {prev_p} : {tp_p} vraies et {fp_p} fausses alertes, une VPP de {ppv_p}."
        ),
        "month": "mois",
        "observed": "taux de sepsis observé",
        "predicted": "risque prédit moyen",
        "alerts": "alertes pour 100 patients",
        "change": "la patientèle change",
        "rate": "part des patients",
        "drift_alt": (
            "Graphique en deux parties d'un audit mensuel d'un modèle de sepsis (modèle "
            "pédagogique, {n} patients par mois). Mois 1 à 6 : taux de sepsis observé de {obs_a} "
            "en moyenne, risque prédit moyen de {pred_a}, {alerts_a} alertes pour 100 patients. À "
            "partir du mois 7, quand les patients changent : taux observé de {obs_b}, risque "
            "prédit moyen de {pred_b} seulement, et {alerts_b} alertes pour 100 patients."
        ),
    },
}


def _typeset(text: str, lang: str) -> str:
    """French text gets its no-break space before a colon or a semicolon."""
    if lang != "fr":
        return text
    return text.replace(" :", "\u00a0:").replace(" ;", "\u00a0;")


def ppv_your_setting(lang: str) -> Figure:
    """True and false alerts per 1,000 patients at the study's and at the practice's prevalence."""
    words = TEXTS[lang]
    study = natural_frequencies(SENSITIVITY, SPECIFICITY, STUDY_PREVALENCE, PATIENTS)
    practice = natural_frequencies(SENSITIVITY, SPECIFICITY, PRACTICE_PREVALENCE, PATIENTS)
    rows = [
        (words["practice"].format(prev=percent(PRACTICE_PREVALENCE, lang, 0)), practice),
        (words["study"].format(prev=percent(STUDY_PREVALENCE, lang, 0)), study),
    ]
    figure, axes = new_figure(6.4, 2.9)
    labels = [label for label, _ in rows]
    true_alerts = [c.true_positives for _, c in rows]
    false_alerts = [c.false_positives for _, c in rows]
    axes.barh(labels, true_alerts, color=BLUE, label=words["true"], height=0.55)
    axes.barh(
        labels, false_alerts, left=true_alerts, color=ORANGE, label=words["false"], height=0.55
    )
    for y, (_, c) in enumerate(rows):
        ppv = c.true_positives / c.positives
        text = words["total"].format(n=count(c.positives, lang), ppv=percent(ppv, lang, 0))
        axes.text(c.positives + 4, y, text, va="center", fontsize=10, color="#1a1a1a")
    axes.set_xlim(0, max(c.positives for _, c in rows) * 1.6)
    axes.set_xlabel(words["xlabel"].format(n=count(PATIENTS, lang)))
    axes.xaxis.set_major_formatter(lambda v, _: count(int(v), lang))
    axes.legend(loc="lower right", frameon=False, fontsize=9)
    alt = words["ppv_alt"].format(
        n=count(PATIENTS, lang),
        sens=percent(SENSITIVITY, lang, 0),
        spec=percent(SPECIFICITY, lang, 0),
        prev_s=percent(STUDY_PREVALENCE, lang, 0),
        tp_s=count(study.true_positives, lang),
        fp_s=count(study.false_positives, lang),
        ppv_s=percent(study.true_positives / study.positives, lang, 0),
        prev_p=percent(PRACTICE_PREVALENCE, lang, 0),
        tp_p=count(practice.true_positives, lang),
        fp_p=count(practice.false_positives, lang),
        ppv_p=percent(practice.true_positives / practice.positives, lang, 0),
    )
    return Figure(to_svg(figure), _typeset(alt, lang))


class MonthlyAudit(NamedTuple):
    """What a local audit counts each month: outcomes, predicted risk and alerts.

    A NamedTuple, not a dataclass: the hook loads figure modules without registering them.
    """

    observed: np.ndarray  # share of the month's patients with sepsis
    predicted: np.ndarray  # mean risk the model gave them
    alerts_per_100: np.ndarray  # share flagged at the model's threshold, per 100


def monthly_audit(seed: int = 0) -> MonthlyAudit:
    """A model trained at site A, audited monthly; from CHANGE_MONTH its patients are like B's.

    Each month takes the next PER_MONTH patients of the engine's test set (site A's before the
    change, site B's after), so months never share a patient.
    """
    run = run_hospital_shift(seed=seed)
    observed, predicted, alerts = [], [], []
    for month in range(1, MONTHS + 1):
        before = month < CHANGE_MONTH
        evaluation = run.at_a if before else run.at_b
        start = (month - (1 if before else CHANGE_MONTH)) * PER_MONTH
        rows = slice(start, start + PER_MONTH)
        observed.append(float(np.mean(evaluation.test.y_true[rows])))
        predicted.append(float(np.mean(evaluation.risk[rows])))
        alerts.append(100.0 * float(np.mean(evaluation.predicted[rows])))
    return MonthlyAudit(np.array(observed), np.array(predicted), np.array(alerts))


def monitoring_drift(lang: str) -> Figure:
    """Observed against predicted sepsis rate, and alerts per 100, month by month."""
    words = TEXTS[lang]
    audit = monthly_audit()
    months = np.arange(1, MONTHS + 1)
    figure, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(6.4, 4.6), layout="constrained", height_ratios=(3, 2)
    )
    top.plot(months, audit.observed, marker="o", color=VERMILION, label=words["observed"])
    top.plot(months, audit.predicted, marker="s", color=BLUE, label=words["predicted"])
    top.set_ylim(0, max(audit.observed.max(), audit.predicted.max()) * 1.3)
    top.set_ylabel(words["rate"])
    percent_axis(top.yaxis, lang)
    top.legend(loc="upper left", frameon=False, fontsize=9)
    bottom.bar(months, audit.alerts_per_100, color=GREY, width=0.6)
    bottom.set_ylabel(words["alerts"], fontsize=9)
    bottom.set_xlabel(words["month"])
    bottom.set_xticks(months)
    bottom.yaxis.set_major_formatter(lambda v, _: count(int(v), lang))
    for axes in (top, bottom):
        axes.axvline(CHANGE_MONTH - 0.5, color=GREY, linestyle="--", linewidth=1)
    top.text(CHANGE_MONTH - 0.4, top.get_ylim()[1] * 0.95, words["change"], va="top", fontsize=9)
    before, after = slice(0, CHANGE_MONTH - 1), slice(CHANGE_MONTH - 1, MONTHS)
    alt = words["drift_alt"].format(
        n=count(PER_MONTH, lang),
        obs_a=percent(audit.observed[before].mean(), lang, 0),
        pred_a=percent(audit.predicted[before].mean(), lang, 0),
        alerts_a=count(round(audit.alerts_per_100[before].mean()), lang),
        obs_b=percent(audit.observed[after].mean(), lang, 0),
        pred_b=percent(audit.predicted[after].mean(), lang, 0),
        alerts_b=count(round(audit.alerts_per_100[after].mean()), lang),
    )
    return Figure(to_svg(figure), _typeset(alt, lang))


FIGURES = {"ppv-your-setting": ppv_your_setting, "monitoring-drift": monitoring_drift}
