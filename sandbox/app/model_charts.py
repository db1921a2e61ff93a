"""Charts and number formats shared by the three model pages (bias, hospital shift, shortcut).

Pages pass plain numbers from the ``aimed`` engines; this module only draws them, with the
Okabe-Ito palette (safe for colour-blind readers) and a distinct shape for each series.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from aimed.i18n import t

COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down")
DIAGONAL_COLOUR = "#595959"


def list_separator(lang: str) -> str:
    """``; `` in English, `` ; `` in French (a space before the semicolon)."""
    return " ; " if lang == "fr" else "; "


def reliability_chart(
    curves: pd.DataFrame, series_order: Sequence[str], ns: str, lang: str
) -> alt.LayerChart:
    """Reliability curves (``series``, ``predicted``, ``observed`` as fractions) over the diagonal.

    Texts come from ``<ns>.chart.predicted_axis``, ``observed_axis`` and ``diagonal``.
    """
    data = curves.assign(predicted=curves["predicted"] * 100, observed=curves["observed"] * 100)
    predicted_title = t(f"{ns}.chart.predicted_axis", lang)
    observed_title = t(f"{ns}.chart.observed_axis", lang)
    x = alt.X("predicted:Q", title=predicted_title, scale=alt.Scale(domain=[0, 100]))
    y = alt.Y("observed:Q", title=observed_title, scale=alt.Scale(domain=[0, 100]))
    colours = alt.Scale(domain=list(series_order), range=list(COLOURS[: len(series_order)]))
    shapes = alt.Scale(domain=list(series_order), range=list(SHAPES[: len(series_order)]))
    legend = alt.Legend(title=None, orient="bottom", labelLimit=0)
    diagonal = (
        alt.Chart(pd.DataFrame({"predicted": [0, 100], "observed": [0, 100]}))
        .mark_line(strokeDash=[6, 4], color=DIAGONAL_COLOUR)
        .encode(x=x, y=y, tooltip=alt.value(t(f"{ns}.chart.diagonal", lang)))
    )
    base = alt.Chart(data).encode(
        x=x,
        y=y,
        color=alt.Color("series:N", scale=colours, legend=legend),
        tooltip=[
            alt.Tooltip("series:N", title=" "),
            alt.Tooltip("predicted:Q", title=predicted_title, format=".1f"),
            alt.Tooltip("observed:Q", title=observed_title, format=".1f"),
        ],
    )
    lines = base.mark_line(strokeWidth=2)
    points = base.mark_point(filled=True, size=80, opacity=1).encode(
        shape=alt.Shape("series:N", scale=shapes, legend=legend)
    )
    return alt.layer(diagonal, lines, points).properties(height=360)


def bar_chart(
    data: pd.DataFrame,
    *,
    category: str,
    value: str,
    category_title: str,
    value_title: str,
    title: str,
    horizontal: bool = False,
    value_format: str = ".1f",
    label: str | None = None,
) -> alt.LayerChart:
    """One bar per category, each in its own colour, labelled with its value.

    ``label`` names a column of texts already written in the page language (``16,1 %``);
    without it the bars carry the value in ``value_format``.
    """
    order = list(data[category])
    colours = alt.Scale(domain=order, range=[COLOURS[i % len(COLOURS)] for i in range(len(order))])
    cat = alt.Y if horizontal else alt.X
    num = alt.X if horizontal else alt.Y
    encoded = {
        ("y" if horizontal else "x"): cat(
            f"{category}:N", title=category_title, sort=order, axis=alt.Axis(labelLimit=0)
        ),
        ("x" if horizontal else "y"): num(f"{value}:Q", title=value_title),
    }
    base = alt.Chart(data).encode(**encoded)
    bars = base.mark_bar().encode(
        color=alt.Color(f"{category}:N", scale=colours, legend=None),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
        ],
    )
    labels = base.mark_text(
        align="left" if horizontal else "center",
        baseline="middle" if horizontal else "bottom",
        dx=4 if horizontal else 0,
        dy=0 if horizontal else -4,
        color="#1a1a1a",
    ).encode(text=alt.Text(f"{label}:N") if label else alt.Text(f"{value}:Q", format=value_format))
    return alt.layer(bars, labels).properties(title=title)
