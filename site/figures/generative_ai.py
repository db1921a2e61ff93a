"""Figures of module 6 (generative AI at work), drawn from the letter-check engine.

The sandbox's seeded drafts are checked one way only, as ``aimed.engines.letter_check.review``
does: each sentence of the letter against the record, or each record item against the
letter. The figure shows, by error kind, the share of planted errors each check catches.
Kind names are the sandbox's own texts.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from aimed.engines.letter_check import KINDS, generate_case, review, score
from aimed.site.figures.figure_base import BLUE, ORANGE, Figure, new_figure, percent_axis, to_svg
from aimed.texts.i18n import t
from aimed.texts.numbers import count, percent

DRAFTS = 500  # seeded drafts 0-499 of the sandbox page
DIRECTIONS = ("letter_to_record", "record_to_letter")

TEXTS = {
    "en": {
        "letter_to_record": "Each sentence of the letter checked against the record",
        "record_to_letter": "Each record item looked for in the letter",
        "axis": "Share of planted errors caught",
        "alt": (
            "Horizontal bar chart over {drafts} seeded drafts of the sandbox's letter check "
            "({errors} planted errors). Checking each sentence of the letter against the "
            "record caught: {forward}. Looking for each record item in the letter caught: "
            "{backward}. The two together caught {either} of the {errors}."
        ),
        "separator": "; ",
    },
    "fr": {
        "letter_to_record": "Chaque phrase du courrier vérifiée dans le dossier",
        "record_to_letter": "Chaque élément du dossier cherché dans le courrier",
        "axis": "Part des erreurs semées repérées",
        "alt": (
            "Diagramme en barres horizontales sur {drafts} brouillons à graine de la "
            "vérification de courrier du bac à sable ({errors} erreurs semées). Vérifier chaque "
            "phrase du courrier dans le dossier a repéré\u00a0: {forward}. Chercher chaque "
            "élément du dossier dans le courrier a repéré\u00a0: {backward}. Les deux ensemble en "
            "repèrent {either} sur {errors}."
        ),
        "separator": "\u00a0; ",
    },
}


@cache
def one_way_results(drafts: int = DRAFTS) -> dict[str, dict[str, int]]:
    """Per error kind: how many were planted, and how many each one-way check caught."""
    planted: Counter[str] = Counter()
    caught: dict[str, Counter[str]] = {direction: Counter() for direction in DIRECTIONS}
    both = 0
    for seed in range(drafts):
        case = generate_case(seed)
        scores = {d: score(case, review(case, d)) for d in DIRECTIONS}
        for index, error in enumerate(case.errors):
            planted[error.kind] += 1
            hits = [scores[d].outcomes[index].caught for d in DIRECTIONS]
            for direction, hit in zip(DIRECTIONS, hits, strict=True):
                caught[direction][error.kind] += hit
            both += any(hits)
    return {
        "planted": dict(planted),
        **{d: dict(caught[d]) for d in DIRECTIONS},
        "total": {"all": sum(planted.values()), "either": both},
    }


def one_way_checks(lang: str) -> Figure:
    """Share of each kind of planted error caught by each one-way check."""
    results = one_way_results()
    words = TEXTS[lang]
    kinds = [k for k in KINDS if results["planted"].get(k)]
    names = [t(f"letter_check.kinds.{k}.name", lang) for k in kinds]
    figure, axes = new_figure(6.6, 4.2)
    height = 0.38
    shares = {}
    for offset, (direction, colour) in zip(
        (-height / 2, height / 2), zip(DIRECTIONS, (BLUE, ORANGE), strict=True), strict=True
    ):
        shares[direction] = [results[direction].get(k, 0) / results["planted"][k] for k in kinds]
        positions = [i + offset for i in range(len(kinds))]
        axes.barh(positions, shares[direction], height=height, color=colour, label=words[direction])
        for y, share in zip(positions, shares[direction], strict=True):
            axes.text(share + 0.01, y, percent(share, lang, digits=0), va="center", fontsize=8)
    axes.set_yticks(range(len(kinds)), names)
    axes.invert_yaxis()
    axes.set_xlim(0, 1.12)
    axes.set_xlabel(words["axis"])
    percent_axis(axes.xaxis, lang)
    axes.legend(loc="upper center", bbox_to_anchor=(0.4, -0.16), ncol=1, frameon=False, fontsize=9)

    def listing(direction: str) -> str:
        return words["separator"].join(
            f"{name} {percent(share, lang, digits=0)}"
            for name, share in zip(names, shares[direction], strict=True)
        )

    alt = words["alt"].format(
        drafts=count(DRAFTS, lang),
        errors=count(results["total"]["all"], lang),
        either=count(results["total"]["either"], lang),
        forward=listing("letter_to_record"),
        backward=listing("record_to_letter"),
    )
    return Figure(to_svg(figure), alt)


FIGURES = {"one-way-checks": one_way_checks}
