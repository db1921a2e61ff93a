"""Charts and number formats shared by the three model pages (bias, hospital shift, shortcut).

Pages pass plain numbers from the ``aimed`` engines; this module only draws them, with the
Okabe-Ito palette (safe for colour-blind readers) and a distinct shape for each series.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from aimed.texts import numbers
from aimed.texts.i18n import t

COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down")
DIAGONAL_COLOUR = "#595959"


def list_separator(lang: str) -> str:
    """``; `` in English, `` ; `` in French (a space before the semicolon)."""
    return " ; " if lang == "fr" else "; "


def axis(lang: str, *, percent: bool = False, **settings: Any) -> alt.Axis:
    """An axis whose tick labels read as the page's language writes numbers.

    Vega-Lite formats ticks with d3's English locale (``0.5``, ``20%``) and a Streamlit chart
    cannot be given another; in French the labels are rewritten to ``0,5`` and ``20 %``.
    Tick values here stay below 1,000, so no thousands separator needs changing.
    """
    if percent:
        settings["format"] = "%"
    if lang == "fr":
        settings["labelExpr"] = "replace(replace(datum.label, '.', ','), '%', '\u00a0%')"
    return alt.Axis(**settings)


def reliability_chart(
    curves: pd.DataFrame, series_order: Sequence[str], ns: str, lang: str
) -> alt.LayerChart | alt.FacetChart:
    """Reliability curves (``series``, ``predicted``, ``observed`` as fractions) over the diagonal.

    Texts come from ``<ns>.chart.predicted_axis``, ``observed_axis`` and ``diagonal``.
    """
    data = curves.assign(
        predicted=curves["predicted"] * 100,
        observed=curves["observed"] * 100,
        predicted_text=[numbers.percent(v, lang) for v in curves["predicted"]],
        observed_text=[numbers.percent(v, lang) for v in curves["observed"]],
    )
    predicted_title = t(f"{ns}.chart.predicted_axis", lang)
    observed_title = t(f"{ns}.chart.observed_axis", lang)
    x = alt.X(
        "predicted:Q", title=predicted_title, scale=alt.Scale(domain=[0, 100]), axis=axis(lang)
    )
    y = alt.Y("observed:Q", title=observed_title, scale=alt.Scale(domain=[0, 100]), axis=axis(lang))
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
            alt.Tooltip("predicted_text:N", title=predicted_title),
            alt.Tooltip("observed_text:N", title=observed_title),
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
    label: str,
    lang: str,
    horizontal: bool = False,
) -> alt.LayerChart | alt.FacetChart:
    """One bar per category, each in its own colour, labelled with its value.

    ``label`` names a column of texts already written in the page language (``16,1 %``):
    the bar's label and its tooltip.
    """
    order = list(data[category])
    colours = alt.Scale(domain=order, range=[COLOURS[i % len(COLOURS)] for i in range(len(order))])
    cat = alt.Y if horizontal else alt.X
    num = alt.X if horizontal else alt.Y
    encoded: dict[str, Any] = {
        ("y" if horizontal else "x"): cat(
            f"{category}:N", title=category_title, sort=order, axis=alt.Axis(labelLimit=0)
        ),
        ("x" if horizontal else "y"): num(f"{value}:Q", title=value_title, axis=axis(lang)),
    }
    base = alt.Chart(data).encode(**encoded)
    bars = base.mark_bar().encode(
        color=alt.Color(f"{category}:N", scale=colours, legend=None),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip(f"{label}:N", title=value_title),
        ],
    )
    labels = base.mark_text(
        align="left" if horizontal else "center",
        baseline="middle" if horizontal else "bottom",
        dx=4 if horizontal else 0,
        dy=0 if horizontal else -4,
        color="#1a1a1a",
    ).encode(text=alt.Text(f"{label}:N"))
    return alt.layer(bars, labels).properties(title=title)
