"""Numbers inside the charts read as the page's language writes them.

Vega-Lite formats with d3's English locale and Streamlit gives no way to change it, so in
French a chart must not let d3 write a number the reader sees: tooltips and bar labels
carry texts from ``aimed.texts.numbers`` and tick labels are rewritten (``0,5``, ``20 %``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from aimed.sandbox import model_charts
from support import open_page

PAGES = {
    "20_symptom_checker.py": None,
    "30_biased_data.py": None,
    "40_hospital_shift.py": "hospital_shift_try_move",
    "50_shortcut.py": None,
}


def specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def formatted(node: object) -> Iterator[dict]:
    """Every object of a spec that asks d3 to write a number (a ``format``)."""
    if isinstance(node, dict):
        if "format" in node:
            yield node
        for value in node.values():
            yield from formatted(value)
    elif isinstance(node, list):
        for value in node:
            yield from formatted(value)


@pytest.mark.parametrize(("page", "guide"), list(PAGES.items()))
def test_french_charts_leave_no_number_to_d3(page: str, guide: str | None) -> None:
    app = open_page(page, "fr")
    if guide:
        app.button(key=guide).click().run()
    charts = specs(app)
    assert charts
    for spec in charts:
        for node in formatted(spec):
            # Only an axis may format, and then its labels are rewritten for French.
            assert "labelExpr" in node, node


def test_french_tick_labels_use_a_decimal_comma_and_a_spaced_percent() -> None:
    expr = model_charts.axis("fr", percent=True).to_dict()["labelExpr"]
    assert "','" in expr and "\u00a0%" in expr
    assert "labelExpr" not in model_charts.axis("en", percent=True).to_dict()
