"""Figures of module 8 (data protection and regulation): the AI Act's dates on one line.

The dates are kept here with the reference that gives them, so the chart, its alternative
text and the test that checks the page quote the same ones. The dates moved by the Digital
Omnibus (Regulation (EU) 2026/1744, in force since 27 July 2026) are drawn apart: only
secondary sources confirmed them at the review of 7 December 2026, so the page prints them
"as reported".
"""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any, NamedTuple

from babel.dates import format_date
from matplotlib.dates import DateFormatter, YearLocator, date2num

from aimed.site.figures.figure_base import BLUE, GREY, TEXT, VERMILION, Figure, new_figure, to_svg


class Milestone(NamedTuple):
    """A date of application, what starts that day, and the reference that says so."""

    when: date
    what: str  # key into TEXTS[lang]["milestones"]
    source: str  # citation key in site/references/
    reported: bool = False  # as amended by the Digital Omnibus, confirmed only as reported
    moved_from: date | None = None  # for a reported date: the published date it would replace


# Regulation (EU) 2024/1689, Art. 113, as published in the Official Journal (factsheet s. 6).
PUBLISHED = (
    Milestone(date(2024, 8, 1), "in_force", "euaiact2024-text"),
    Milestone(date(2025, 2, 2), "literacy", "euaiact2024-text"),
    Milestone(date(2025, 8, 2), "gpai", "euaiact2024-text"),
    Milestone(date(2026, 8, 2), "annex_iii", "euaiact2024-text"),
    Milestone(date(2027, 8, 2), "annex_i", "euaiact2024-text"),
)
# Digital Omnibus on AI, Regulation (EU) 2026/1744 (OJ of 24 July 2026), as reported.
REPORTED = (
    Milestone(date(2027, 12, 2), "annex_iii_omnibus", "omnibus2026", True, date(2026, 8, 2)),
    Milestone(date(2028, 8, 2), "annex_i_omnibus", "omnibus2026", True, date(2027, 8, 2)),
)
MILESTONES = PUBLISHED + REPORTED

TEXTS: dict[str, dict[str, Any]] = {  # each page's words: strings, lists, tables
    "en": {
        "published": "Regulation (EU) 2024/1689\nas first published",
        "reported": "As amended by\nRegulation (EU) 2026/1744\n(as reported)",
        "milestones": {
            "in_force": "entry into force",
            "literacy": "prohibitions; AI literacy (Art. 4)",
            "gpai": "general-purpose AI models",
            "annex_iii": "most rules, incl. high-risk uses of Annex III",
            "annex_i": "high-risk AI in Annex I products, incl. medical devices",
            "annex_iii_omnibus": "high-risk uses of Annex III",
            "annex_i_omnibus": "high-risk AI in Annex I products, incl. medical devices",
        },
        "alt": (
            "Timeline of the EU AI Act. As first published: {published}. The Digital Omnibus, "
            "Regulation (EU) 2026/1744, in force since 27 July 2026 as reported, moved two of "
            "these dates: {reported}."
        ),
        "moved": {
            "annex_iii_omnibus": "high-risk uses of Annex III from {when} instead of {before}",
            "annex_i_omnibus": (
                "high-risk AI in Annex I products, including medical devices, from {when} "
                "instead of {before}"
            ),
        },
        "separator": "; ",
    },
    "fr": {
        "published": "Règlement (UE) 2024/1689\ntel que publié en 2024",
        "reported": "Modifié par le\nrèglement (UE) 2026/1744\n(selon ce qui est rapporté)",
        "milestones": {
            "in_force": "entrée en vigueur",
            "literacy": "interdictions\u00a0; maîtrise de l'IA (art.\u00a04)",
            "gpai": "modèles d'IA à usage général",
            "annex_iii": "l'essentiel du texte, dont les usages à haut risque de l'annexe III",
            "annex_i": "IA à haut risque des produits de l'annexe I, dont les dispositifs médicaux",
            "annex_iii_omnibus": "usages à haut risque de l'annexe III",
            "annex_i_omnibus": (
                "IA à haut risque des produits de l'annexe I, dont les dispositifs médicaux"
            ),
        },
        "alt": (
            "Calendrier du règlement européen sur l'IA. Tel que publié en 2024\u00a0: "
            "{published}. L'omnibus numérique, règlement (UE) 2026/1744, en vigueur depuis le "
            "27 juillet 2026 selon ce qui est rapporté, a déplacé deux de ces dates\u00a0: "
            "{reported}."
        ),
        "moved": {
            "annex_iii_omnibus": (
                "les usages à haut risque de l'annexe III à partir du {when} au lieu du {before}"
            ),
            "annex_i_omnibus": (
                "l'IA à haut risque des produits de l'annexe I, dont les dispositifs médicaux, à "
                "partir du {when} au lieu du {before}"
            ),
        },
        "separator": "\u00a0; ",
    },
}


def _replaced(milestone: Milestone) -> date:
    """The published date a reported one would replace (every reported date names one)."""
    if milestone.moved_from is None:
        raise ValueError(f"{milestone.what}: a reported date must name the date it replaces")
    return milestone.moved_from


def day(when: date, lang: str) -> str:
    """A date as a reader of the language writes it: 2 Feb 2025 / 2 févr. 2025, 1er août."""
    shown = format_date(when, "d MMM y", locale=lang)
    if lang == "fr" and when.day == 1:
        shown = "1er" + shown[1:]
    return shown


def ai_act_timeline(lang: str) -> Figure:
    """The AI Act's application dates, with the reported Omnibus changes on a second line."""
    words = TEXTS[lang]
    figure, axes = new_figure(7.2, 4.6)
    start, end = date(2024, 5, 1), date(2029, 3, 1)
    for y in (1.0, 0.0):
        axes.plot(date2num([start, end]), [y, y], color=GREY, linewidth=1, zorder=1)

    for index, milestone in enumerate(PUBLISHED):
        axes.scatter([date2num(milestone.when)], [1.0], s=60, color=BLUE, zorder=3)
        height = 1.0 + (0.28 if index % 2 == 0 else 0.66)
        axes.plot(
            [date2num(milestone.when)] * 2, [1.0, height], color=BLUE, linewidth=0.8, zorder=2
        )
        label = textwrap.fill(words["milestones"][milestone.what], 24)
        axes.text(
            date2num(milestone.when),
            height + 0.03,
            f"{day(milestone.when, lang)}\n{label}",
            ha="center",
            va="bottom",
            fontsize=7.5,
            color=TEXT,
        )

    for index, milestone in enumerate(REPORTED):
        axes.scatter(
            [date2num(milestone.when)],
            [0.0],
            s=60,
            facecolors="white",
            edgecolors=VERMILION,
            zorder=3,
        )
        axes.annotate(
            "",
            xy=(date2num(milestone.when), 0.06),
            xytext=(date2num(_replaced(milestone)), 0.94),
            arrowprops={"arrowstyle": "->", "color": VERMILION, "linestyle": "--", "lw": 1},
        )
        label = textwrap.fill(words["milestones"][milestone.what], 24)
        depth = -0.12 if index % 2 == 0 else -0.5
        axes.plot(
            [date2num(milestone.when)] * 2, [0.0, depth + 0.02], color=VERMILION, linewidth=0.8
        )
        axes.text(
            date2num(milestone.when),
            depth,
            f"{day(milestone.when, lang)}\n{label}",
            ha="center",
            va="top",
            fontsize=7.5,
            color=TEXT,
        )

    axes.set_yticks([1.0, 0.0], [words["published"], words["reported"]], fontsize=8)
    axes.set_ylim(-1.05, 2.3)
    axes.set_xlim(date2num(start), date2num(end))
    axes.xaxis.set_major_locator(YearLocator())
    axes.xaxis.set_major_formatter(DateFormatter("%Y"))
    axes.tick_params(axis="x", labelsize=9)
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)

    published = ". ".join(f"{day(m.when, lang)}, {words['milestones'][m.what]}" for m in PUBLISHED)
    reported = words["separator"].join(
        words["moved"][m.what].format(when=day(m.when, lang), before=day(_replaced(m), lang))
        for m in REPORTED
    )
    return Figure(to_svg(figure), words["alt"].format(published=published, reported=reported))


FIGURES = {"ai-act-timeline": ai_act_timeline}
