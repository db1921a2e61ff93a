"""Figures of module 9 (the patient relationship): adherence, informing patients, the GP's week.

Every number is kept here once, with the reference that reports it and, where the source
gives only a rough share ("1 in 2", "fewer than 1 in 5"), the wording the page must keep;
the charts, their alternative text and the test that checks the pages all read them here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from aimed.site.figures.figure_base import (
    BLUE,
    GREY,
    ORANGE,
    SKY,
    TEXT,
    VERMILION,
    Figure,
    new_figure,
    percent_axis,
    to_svg,
)
from aimed.texts.numbers import percent, plain


class Share(NamedTuple):
    """A proportion reported by a source: a value, or a range ``low``-``high``."""

    what: str  # key into TEXTS[lang]
    low: float
    high: float
    source: str  # citation key in site/references/
    wording: str = ""  # key into TEXTS[lang]["wording"] when the source gives no exact figure
    upper_bound: bool = False  # the source says "fewer than": the bar is a ceiling


# ACSEL barometer 2025: the public's wish, and what professionals say they do (as reported).
INFORMING = (
    Share("want_told", 0.84, 0.84, "acsel2025"),
    Share("say_tell", 0.5, 0.5, "buzzesante2025", wording="one_in_two"),
    Share("explain", 0.2, 0.2, "buzzesante2025", wording="fewer_one_in_five", upper_bound=True),
)
# WHO 2003, Adherence to long-term therapies: adherence to long-term treatment.
ADHERENCE = (
    Share("chronic", 0.50, 0.50, "who2003"),
    Share("hypertension", 0.51, 0.51, "who2003"),
    Share("depression", 0.40, 0.70, "who2003"),
    Share("asthma", 0.28, 0.28, "who2003"),
    Share("hiv", 0.37, 0.83, "who2003"),
)
# DREES 2019: an ordinary working week of a French GP in private practice, in hours.
GP_WEEK_SOURCE = "drees2019"
GP_WEEK = (("patients", 44.5), ("management", 5.5), ("knowledge", 2.0), ("other", 2.0))
GP_WEEK_TOTAL = 54.0

TEXTS: dict[str, dict[str, Any]] = {  # each page's words: strings, lists, tables
    "en": {
        "want_told": "French public: want to be told\nwhen AI is used in their care",
        "say_tell": "Health professionals: say\nthey tell their patients",
        "explain": "Health professionals: tell them\nin an explanatory way",
        "wording": {"one_in_two": "1 in 2", "fewer_one_in_five": "fewer than 1 in 5"},
        "informing_alt": (
            "Bar chart from the 2025 ACSEL barometer: {want_told} of the French public want to "
            "be told when AI is used in their care; {say_tell} health professionals say they "
            "tell their patients, and {explain} do so in an explanatory way."
        ),
        "alt_wording": {"one_in_two": "1 in 2", "fewer_one_in_five": "fewer than 1 in 5"},
        "chronic": "Chronic diseases, average\n(developed countries)",
        "hypertension": "Hypertension (United States)",
        "depression": "Depression",
        "asthma": "Asthma, preventive treatment",
        "hiv": "HIV, antiretrovirals",
        "adherence_axis": "Patients taking their treatment as prescribed",
        "adherence_alt": (
            "Bar chart of adherence to long-term treatment reported by the WHO in 2003: {items}."
        ),
        "range": "{low} to {high}",
        "patients": "with patients (incl. home visits)",
        "management": "management and coordination",
        "knowledge": "updating medical knowledge",
        "other": "work outside private practice",
        "hours": "{value} h",
        "week_axis": "Hours in an ordinary working week ({total} h)",
        "week_alt": (
            "Stacked bar of the {total}-hour working week of French GPs in private practice "
            "(DREES, 2019): {items}. Management and coordination take about {share} of the week."
        ),
    },
    "fr": {
        "want_told": "Grand public : veut être informé\nquand l'IA sert à sa prise en charge",
        "say_tell": "Professionnels de santé : disent\nen informer leurs patients",
        "explain": "Professionnels de santé : les\ninforment de manière pédagogique",
        "wording": {"one_in_two": "1 sur 2", "fewer_one_in_five": "moins d'un sur cinq"},
        "informing_alt": (
            "Diagramme en barres tiré du baromètre ACSEL 2025\u00a0: {want_told} des Français "
            "veulent être informés quand l'IA est utilisée dans leur prise en charge\u00a0; "
            "{say_tell} déclare en informer ses patients, et {explain} le fait de manière "
            "pédagogique."
        ),
        "alt_wording": {
            "one_in_two": "un professionnel de santé sur deux",
            "fewer_one_in_five": "moins d'un sur cinq",
        },
        "chronic": "Maladies chroniques, moyenne\n(pays développés)",
        "hypertension": "Hypertension (États-Unis)",
        "depression": "Dépression",
        "asthma": "Asthme, traitement de fond",
        "hiv": "VIH, antirétroviraux",
        "adherence_axis": "Patients qui prennent leur traitement comme prescrit",
        "adherence_alt": (
            "Diagramme en barres de l'observance des traitements au long cours rapportée par "
            "l'OMS en 2003\u00a0: {items}."
        ),
        "range": "de {low} à {high}",
        "patients": "auprès des patients (visites comprises)",
        "management": "gestion et coordination",
        "knowledge": "actualisation des connaissances",
        "other": "autres activités non libérales",
        "hours": "{value}\u00a0h",
        "week_axis": "Heures d'une semaine ordinaire de travail ({total}\u00a0h)",
        "week_alt": (
            "Barre empilée de la semaine de travail de {total}\u00a0heures des médecins "
            "généralistes libéraux (DREES, 2019)\u00a0: {items}. La gestion et la coordination "
            "en occupent environ {share}."
        ),
    },
}


def shown(share: Share, lang: str) -> str:
    """What the page may print for a share: the source's wording, a range, or a percentage."""
    words = TEXTS[lang]
    if share.wording:
        return words["wording"][share.wording]
    if share.low != share.high:
        return words["range"].format(
            low=percent(share.low, lang, 0), high=percent(share.high, lang, 0)
        )
    return percent(share.low, lang, 0)


def inline(label: str) -> str:
    """A chart label inside a sentence: one line, lower-case start unless an acronym (HIV)."""
    label = label.replace("\n", " ")
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def informing_gap(lang: str) -> Figure:
    """Patients who want to be told, beside professionals who tell them (ACSEL 2025)."""
    words = TEXTS[lang]
    figure, axes = new_figure(6.4, 2.9)
    rows = list(reversed(INFORMING))
    for y, share in enumerate(rows):
        colour = BLUE if share.what == "want_told" else VERMILION
        axes.barh(
            y,
            share.high,
            color="white" if share.upper_bound else colour,
            edgecolor=colour,
            hatch="///" if share.upper_bound else None,
            height=0.6,
        )
        axes.text(share.high + 0.015, y, shown(share, lang), va="center", fontsize=10, color=TEXT)
    axes.set_yticks(range(len(rows)), [words[s.what] for s in rows], fontsize=9)
    axes.set_xlim(0, 1)
    percent_axis(axes.xaxis, lang)
    axes.tick_params(axis="y", length=0)
    alt = words["informing_alt"].format(
        **{
            s.what: words["alt_wording"][s.wording] if s.wording else shown(s, lang)
            for s in INFORMING
        }
    )
    return Figure(to_svg(figure), alt)


def adherence_who(lang: str) -> Figure:
    """Adherence to long-term treatment by condition; ranges drawn as ranges (WHO 2003)."""
    words = TEXTS[lang]
    figure, axes = new_figure(6.4, 3.2)
    rows = list(reversed(ADHERENCE))
    for y, share in enumerate(rows):
        if share.low == share.high:
            axes.barh(y, share.low, color=BLUE, height=0.6)
        else:
            axes.barh(y, share.low, color=BLUE, height=0.6)
            axes.barh(
                y,
                share.high - share.low,
                left=share.low,
                color=SKY,
                edgecolor=BLUE,
                hatch="..",
                height=0.6,
            )
        axes.text(share.high + 0.015, y, shown(share, lang), va="center", fontsize=10, color=TEXT)
    axes.set_yticks(range(len(rows)), [words[s.what] for s in rows], fontsize=9)
    axes.set_xlim(0, 1)
    axes.axvline(0.5, color=GREY, linewidth=0.8, linestyle=":")
    percent_axis(axes.xaxis, lang)
    axes.set_xlabel(words["adherence_axis"], fontsize=9)
    axes.tick_params(axis="y", length=0)
    separator = "; " if lang == "en" else "\u00a0; "
    alt = words["adherence_alt"].format(
        items=separator.join(f"{inline(words[s.what])}, {shown(s, lang)}" for s in ADHERENCE)
    )
    return Figure(to_svg(figure), alt)


def gp_working_week(lang: str) -> Figure:
    """One stacked bar: where the 54 hours of a French GP's week go (DREES 2019)."""
    words = TEXTS[lang]
    colours = {"patients": BLUE, "management": VERMILION, "knowledge": ORANGE, "other": GREY}
    figure, axes = new_figure(6.4, 2.6)
    left = 0.0
    for part, hours in GP_WEEK:
        amount = words["hours"].format(value=plain(hours, lang))
        axes.barh(
            0, hours, left=left, color=colours[part], height=0.5, label=f"{words[part]} ({amount})"
        )
        if hours >= 5:
            axes.text(
                left + hours / 2,
                0,
                words["hours"].format(value=plain(hours, lang)),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if part == "patients" else "black",
            )
        left += hours
    total = plain(GP_WEEK_TOTAL, lang)
    axes.set_xlim(0, GP_WEEK_TOTAL)
    axes.set_yticks([])
    axes.spines["left"].set_visible(False)
    axes.set_xlabel(words["week_axis"].format(total=total), fontsize=9)
    figure.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=8.5)
    items = ", ".join(
        f"{words['hours'].format(value=plain(hours, lang))} {words[part]}"
        for part, hours in GP_WEEK
    )
    share = percent(dict(GP_WEEK)["management"] / GP_WEEK_TOTAL, lang, 0)
    alt = words["week_alt"].format(total=total, items=items, share=share)
    return Figure(to_svg(figure), alt)


FIGURES = {
    "informing-gap": informing_gap,
    "adherence-who": adherence_who,
    "gp-working-week": gp_working_week,
}
