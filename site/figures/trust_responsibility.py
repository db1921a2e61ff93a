"""Figures of module 7 (trust, explanation and responsibility), from the automation-bias engine.

``reader-profiles`` runs the sandbox's own 20-case series with three simulated readers
(``aimed.engines.automation_bias.READER_PROFILES``: teaching assumptions, not measured clinicians).
``published-automation-bias`` draws the published error rates the sandbox's summary is
shown beside, from the engine's data file, so page and sandbox quote the same figures.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from aimed.engines.automation_bias import READER_PROFILES, Summary, published_figures, simulate
from aimed.site.figures.figure_base import (
    BLUE,
    GREY,
    VERMILION,
    Figure,
    new_figure,
    percent_axis,
    to_svg,
)
from aimed.texts.numbers import percent

RUNS = 300  # simulated series per profile (6,000 decisions): rates steady to about a point
SITUATIONS = ("alone", "ai_right", "ai_wrong")
COLOURS = {"alone": GREY, "ai_right": BLUE, "ai_wrong": VERMILION}
HATCHES = {"alone": "", "ai_right": "//", "ai_wrong": "xx"}

TEXTS: dict[str, dict[str, Any]] = {  # each page's words: strings, lists, tables
    "en": {
        "profiles": {
            "independent": "Checks the rule\n(follows 15% of disagreements)",
            "over_reliant": "Over-reliant\n(follows 85%)",
            "dismissive": "Dismissive\n(never follows)",
        },
        "situations": {
            "alone": "Alone",
            "ai_right": "With right advice",
            "ai_wrong": "With wrong advice",
        },
        "accuracy_axis": "Right answers (simulation)",
        "profiles_alt": (
            "Grouped bar chart of a simulation: three simulated readers, each right in 80% of "
            "cases when deciding alone, answer the sandbox's automation-bias series {runs} "
            "times. Share of right answers alone, with right advice and with wrong advice: "
            "reader who checks the rule {independent}; over-reliant reader {over_reliant}; "
            "dismissive reader {dismissive}."
        ),
        "error_axis": "Error rate",
        "measures": {"missed_problems": "False negatives", "false_alarms": "False positives"},
        "without_ai": "Without AI",
        "with_wrong_ai": "With the incorrect AI result",
        "published_alt": (
            "Bar chart of a published study: 6 radiologists read 90 chest radiographs without "
            "AI, then with a sham AI that was wrong on 12 of them. False negatives, on the 4 "
            "cases the AI wrongly cleared: {fn_without} without AI, {fn_with} with the AI "
            "result. False positives, on the 8 it wrongly flagged: {fp_without} without AI, "
            "{fp_with} with the AI result."
        ),
    },
    "fr": {
        "profiles": {
            "independent": "Vérifie la règle\n(suit 15\u00a0% des désaccords)",
            "over_reliant": "Trop confiant\n(suit 85\u00a0%)",
            "dismissive": "Méfiant\n(ne suit jamais)",
        },
        "situations": {
            "alone": "Seul",
            "ai_right": "Avec un conseil juste",
            "ai_wrong": "Avec un conseil erroné",
        },
        "accuracy_axis": "Bonnes réponses (simulation)",
        "profiles_alt": (
            "Diagramme en barres groupées d'une simulation\u00a0: trois lecteurs simulés, qui ont "
            "chacun raison dans 80\u00a0% des cas quand ils décident seuls, répondent {runs} fois "
            "à la série du test du biais d'automatisation du bac à sable. Part de bonnes "
            "réponses seul, avec un conseil juste et avec un conseil erroné\u00a0: lecteur "
            "qui vérifie la règle {independent}\u00a0; lecteur trop confiant "
            "{over_reliant}\u00a0; lecteur méfiant {dismissive}."
        ),
        "error_axis": "Taux d'erreur",
        "measures": {"missed_problems": "Faux négatifs", "false_alarms": "Faux positifs"},
        "without_ai": "Sans IA",
        "with_wrong_ai": "Avec le résultat erroné de l'IA",
        "published_alt": (
            "Diagramme en barres d'une étude publiée\u00a0: 6 radiologues ont lu 90 radiographies "
            "thoraciques sans IA, puis avec une IA fictive qui se trompait sur 12 d'entre "
            "elles. Faux négatifs, sur les 4 cas que l'IA déclarait à tort normaux\u00a0: "
            "{fn_without} sans IA, {fn_with} avec le résultat de l'IA. Faux positifs, sur les 8 "
            "qu'elle signalait à tort\u00a0: {fp_without} sans IA, {fp_with} avec le résultat "
            "de l'IA."
        ),
    },
}


@cache
def simulated(profile: str) -> Summary:
    """The pooled result of one simulated reader (the same in both languages)."""
    return simulate(profile, runs=RUNS, seed=0)


def reader_profiles(lang: str) -> Figure:
    """Accuracy alone, with right and with wrong advice, for three simulated readers."""
    words = TEXTS[lang]
    profiles = list(READER_PROFILES)
    figure, axes = new_figure(6.6, 3.8)
    width = 0.26
    xs = np.arange(len(profiles))
    for i, situation in enumerate(SITUATIONS):
        shares = [simulated(p).accuracy[situation].value for p in profiles]
        values = [np.nan if share is None else share for share in shares]  # no case: no bar
        bars = axes.bar(
            xs + (i - 1) * width,
            values,
            width,
            color=COLOURS[situation],
            hatch=HATCHES[situation],
            edgecolor="white",
            label=words["situations"][situation],
        )
        axes.bar_label(
            bars, labels=[percent(v, lang, digits=0) for v in values], fontsize=8, padding=2
        )
    axes.set_xticks(xs, [words["profiles"][p] for p in profiles], fontsize=9)
    axes.set_ylim(0, 1.08)
    axes.set_ylabel(words["accuracy_axis"])
    percent_axis(axes.yaxis, lang)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False, fontsize=9)

    def triple(profile: str) -> str:
        shares = [percent(simulated(profile).accuracy[s].value, lang, digits=0) for s in SITUATIONS]
        return ", ".join(shares)

    alt = words["profiles_alt"].format(runs=RUNS, **{p: triple(p) for p in profiles})
    return Figure(to_svg(figure), alt)


def published_automation_bias(lang: str) -> Figure:
    """Bernstein et al. 2023: error rates without AI and with the incorrect AI result."""
    words = TEXTS[lang]
    figures = {p.measure: p for p in published_figures()}
    measures = ("missed_problems", "false_alarms")
    figure, axes = new_figure(6.0, 3.4)
    width = 0.36
    xs = np.arange(len(measures))
    for i, (key, colour, hatch) in enumerate(
        (("without_ai", GREY, ""), ("with_wrong_ai", VERMILION, "xx"))
    ):
        values = [getattr(figures[m], key) for m in measures]
        bars = axes.bar(
            xs + (i - 0.5) * width,
            values,
            width,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            label=words[key],
        )
        axes.bar_label(bars, labels=[percent(v, lang, digits=1) for v in values], fontsize=9)
    axes.set_xticks(xs, [words["measures"][m] for m in measures])
    axes.set_ylim(0, 1.05)
    axes.set_ylabel(words["error_axis"])
    percent_axis(axes.yaxis, lang)
    axes.legend(loc="upper left", frameon=False, fontsize=9)
    fn, fp = figures["missed_problems"], figures["false_alarms"]
    alt = words["published_alt"].format(
        fn_without=percent(fn.without_ai, lang, digits=1),
        fn_with=percent(fn.with_wrong_ai, lang, digits=1),
        fp_without=percent(fp.without_ai, lang, digits=1),
        fp_with=percent(fp.with_wrong_ai, lang, digits=1),
    )
    return Figure(to_svg(figure), alt)


FIGURES = {
    "reader-profiles": reader_profiles,
    "published-automation-bias": published_automation_bias,
}
