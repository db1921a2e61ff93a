"""Figures of module 1 (what AI in medicine is).

The barometer figures are survey results, not something an engine computes: they are kept
here once, with their source, and the page quotes the same numbers (a test checks that every
value drawn is also written on the page, in both languages).
"""

from __future__ import annotations

from aimed.site.figures.figure_base import (
    BLUE,
    GREEN,
    ORANGE,
    TEXT,
    Figure,
    new_figure,
    percent_axis,
    to_svg,
)
from aimed.texts.numbers import percent

# ACSEL, Baromètre IA & Data en santé 2025 (first edition), as reported by Cegedim Santé
# (site/references/modules-1-2.toml: acsel2025). Shares of all respondents of each sample.
ACSEL_2025: dict[str, float] = {
    "use": 0.90,
    "daily": 0.29,
    "weekly": 0.32,
    "well_trained": 0.37,
    "want_training": 0.93,
    "public_told": 0.84,
}
GROUPS = {
    "use": "use",
    "daily": "use",
    "weekly": "use",
    "well_trained": "training",
    "want_training": "training",
    "public_told": "public",
}
COLOURS = {"use": BLUE, "training": ORANGE, "public": GREEN}

TEXTS = {
    "en": {
        "use": "Professionals: use AI-based tools",
        "daily": "Professionals: use them every day",
        "weekly": "Professionals: use them every week",
        "well_trained": "Professionals: feel well trained in AI",
        "want_training": "Professionals: want more training",
        "public_told": "Public: want to be told when AI is used",
        "axis": "Share of respondents",
        "alt": (
            "Horizontal bar chart of the 2025 French barometer on AI and health data. Health "
            "professionals: {use} use AI-based tools in their practice, {daily} every day and "
            "{weekly} every week; {well_trained} feel well trained in AI and {want_training} "
            "want more training. French public: {public_told} want to be told when AI is used "
            "in their care."
        ),
    },
    "fr": {
        "use": "Professionnels : utilisent des outils d'IA",
        "daily": "Professionnels : s'en servent chaque jour",
        "weekly": "Professionnels : s'en servent chaque semaine",
        "well_trained": "Professionnels : se disent bien formés",
        "want_training": "Professionnels : veulent plus de formation",
        "public_told": "Public : veut savoir quand l'IA est employée",
        "axis": "Part des répondants",
        "alt": (
            "Diagramme en barres horizontales du baromètre français 2025 sur l'IA et les "
            "données de santé. Professionnels de santé\u00a0: {use} utilisent des outils "
            "fondés sur l'IA dans leur pratique, {daily} chaque jour et {weekly} chaque "
            "semaine\u00a0; {well_trained} se disent bien formés à l'IA et {want_training} "
            "veulent davantage de formation. Grand public\u00a0: {public_told} veulent savoir "
            "quand leur prise en charge fait appel à l'IA."
        ),
    },
}


def _label(text: str, lang: str) -> str:
    return text.replace(" : ", "\u00a0: ") if lang == "fr" else text


def acsel_adoption(lang: str) -> Figure:
    """Use, frequency, training and patients' expectations, one bar per survey figure."""
    words = TEXTS[lang]
    keys = list(ACSEL_2025)
    figure, axes = new_figure(6.4, 3.4)
    positions = list(range(len(keys)))[::-1]
    values = [ACSEL_2025[k] for k in keys]
    axes.barh(positions, values, color=[COLOURS[GROUPS[k]] for k in keys], height=0.65)
    for y, value in zip(positions, values, strict=True):
        axes.text(value + 0.01, y, percent(value, lang, digits=0), va="center", color=TEXT)
    axes.set_yticks(positions, [_label(words[k], lang) for k in keys])
    axes.set_xlim(0, 1.08)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    percent_axis(axes.xaxis, lang)
    axes.set_xlabel(words["axis"])
    alt = words["alt"].format(**{k: percent(v, lang, digits=0) for k, v in ACSEL_2025.items()})
    return Figure(to_svg(figure), alt)


FIGURES = {"acsel-adoption": acsel_adoption}
