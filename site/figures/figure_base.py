"""What every course figure shares: the palette, the size, and a reproducible SVG.

A figure module (``site/figures/<module>.py``) defines ``FIGURES = {name: draw}`` where
``draw(lang) -> Figure`` computes its numbers with the ``aimed`` engines and lays them out
with matplotlib. Pages place it with ``<!-- figure: name -->``; the hook writes the SVG
into the built site and gives it the alternative text.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from aimed.site.figures import Figure  # noqa: E402, F401  (the figure modules import it from here)
from aimed.texts.numbers import percent  # noqa: E402

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREEN, PINK, YELLOW, SKY, VERMILION = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#F0E442",
    "#56B4E9",
    "#D55E00",
)
GREY = "#595959"
TEXT = "#1a1a1a"

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: readable, searchable, no embedded font
        "svg.hashsalt": "aimed",  # the same ids at every build
        "font.family": "sans-serif",
        "font.size": 11,
        "axes.edgecolor": GREY,
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def new_figure(width: float = 6.4, height: float = 3.6) -> tuple[MplFigure, Axes]:
    """A figure with one set of axes, sized in inches for a module page's text column."""
    figure, axes = plt.subplots(figsize=(width, height), layout="constrained")
    return figure, axes


def percent_axis(axis, lang: str, digits: int = 0) -> None:
    """Tick labels of a 0-1 axis as percentages in the page's language."""
    axis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, digits=digits)))


def percent_square(axes, lang: str, xlabel: str, ylabel: str, top: float = 1.0) -> None:
    """A square 0-1 plot (ROC, calibration) with percentage ticks and its axis labels."""
    axes.set_xlim(0, 1)
    axes.set_ylim(0, top)
    axes.set_aspect("equal")
    percent_axis(axes.xaxis, lang)
    percent_axis(axes.yaxis, lang)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)


def to_svg(figure: MplFigure) -> str:
    """The figure as SVG text, without a date or random ids, so builds are reproducible."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    return buffer.getvalue()
