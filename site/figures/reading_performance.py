"""Figures of module 2 (reading a model's performance)."""

from __future__ import annotations

from aimed.bayes import natural_frequencies
from aimed.numbers import count
from figure_base import BLUE, GREY, ORANGE, Figure, new_figure, to_svg

TEXTS = {
    "en": {
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


FIGURES = {"mammography-icon-array": mammography_icon_array}
