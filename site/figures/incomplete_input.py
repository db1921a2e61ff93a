"""Figures of module 4 (incomplete and imprecise input), drawn from the symptom checker.

Every probability comes from ``aimed.engines.chest_pain.assess`` with the sandbox's own evidence
file, so the page shows what a learner gets by ticking the same findings on the sandbox's
symptom-checker page.
"""

from __future__ import annotations

from aimed.engines.chest_pain import Answer, assess
from aimed.site.figures.figure_base import (
    BLUE,
    ORANGE,
    TEXT,
    Figure,
    new_figure,
    percent_axis,
    to_svg,
)
from aimed.texts.i18n import t
from aimed.texts.numbers import percent

# One patient's findings, in the order a history might bring them out; the last one, pain
# reproduced by pressing on the chest, points away from an acute coronary syndrome.
STEPS: tuple[str, ...] = ("pressure_pain", "sweating", "exertional", "radiation_arm", "palpation")
SETTINGS: tuple[str, ...] = ("emergency", "primary_care")
STYLE = {"emergency": (ORANGE, "s"), "primary_care": (BLUE, "o")}

TEXTS = {
    "en": {
        "start": "No finding",
        "pressure_pain": "+ pressure pain",
        "sweating": "+ sweating",
        "exertional": "+ on exertion",
        "radiation_arm": "+ radiating",
        "palpation": "+ reproduced by pressing",
        "axis": "Probability of an acute\ncoronary syndrome",
        "alt": (
            "Line chart from the sandbox's symptom checker: probability of an acute coronary "
            "syndrome as one patient's findings are added one at a time (pressure pain, "
            "sweating, pain on exertion, radiating pain, then pain reproduced by pressing on "
            "the chest). Emergency department: {emergency}. General practice: {primary_care}."
        ),
    },
    "fr": {
        "start": "Aucun signe",
        "pressure_pain": "+ pression",
        "sweating": "+ sueurs",
        "exertional": "+ à l'effort",
        "radiation_arm": "+ irradiation",
        "palpation": "+ reproduite à la pression",
        "axis": "Probabilité d'un syndrome\ncoronarien aigu",
        "alt": (
            "Graphique en lignes tiré du vérificateur de symptômes du bac à sable\u00a0: "
            "probabilité d'un syndrome coronarien aigu quand les signes d'un même patient sont "
            "ajoutés un à un (douleur à type de pression, sueurs, douleur d'effort, "
            "irradiation, puis douleur reproduite en appuyant sur le thorax). Urgences\u00a0: "
            "{emergency}. Médecine générale\u00a0: {primary_care}."
        ),
    },
}


def acs_path(setting: str) -> list[float]:
    """ACS probability before any finding, then after each finding of ``STEPS`` is added."""
    answers: dict[str, Answer] = {}
    path = [assess(answers, setting).probability("acs")]
    for finding in STEPS:
        answers[finding] = Answer.PRESENT
        path.append(assess(answers, setting).probability("acs"))
    return path


def acs_findings_added(lang: str) -> Figure:
    """The same findings, added one by one, from two settings' pre-test probabilities."""
    words = TEXTS[lang]
    labels = [words["start"], *(words[f] for f in STEPS)]
    figure, axes = new_figure(6.4, 4.0)
    described = {}
    for setting in SETTINGS:
        path = acs_path(setting)
        colour, marker = STYLE[setting]
        xs = list(range(len(path)))
        axes.plot(
            xs,
            path,
            color=colour,
            marker=marker,
            linewidth=2,
            label=t(f"symptom_checker.settings.{setting}", lang),
        )
        for x, value in zip(xs, path, strict=True):
            axes.annotate(
                percent(value, lang, digits=0),
                (x, value),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=9,
                color=TEXT,
            )
        described[setting] = " → ".join(percent(v, lang, digits=0) for v in path)
    axes.set_xticks(range(len(labels)), labels, rotation=25, ha="right")
    axes.set_ylim(0, max(acs_path("emergency")) + 0.12)
    percent_axis(axes.yaxis, lang)
    axes.set_ylabel(words["axis"])
    axes.legend(loc="upper left", frameon=False, fontsize=9)
    return Figure(to_svg(figure), words["alt"].format(**described))


FIGURES = {"acs-findings-added": acs_findings_added}
