"""The "shortcut learning" page, driven as a learner would in Streamlit's AppTest.

With the marker the model must shine at home and fail elsewhere, and rank the marker first;
without it, home and away must come close together.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from aimed.engines.model_scenarios import SHORTCUT_FEATURE, run_shortcut
from aimed.texts.i18n import LANGUAGES, t
from support import open_page

PAGE = "50_shortcut.py"
NS = "shortcut"


def rate(text: str) -> float:
    """``90.3%`` or ``90,3 %`` as the fraction 0.903."""
    return float(text.replace("\u00a0", "").rstrip("%").replace(",", ".")) / 100


def metric(app: AppTest, key: str, lang: str) -> str:
    label = t(f"{NS}.metric.{key}", lang)
    return next(m.value for m in app.metric if m.label == label)


def accuracies(app: AppTest, lang: str) -> dict[tuple[str, str], float]:
    """The comparison table's accuracy by (variant, site)."""
    frame: pd.DataFrame = app.table[0].value
    site_names = {t(f"{NS}.sites.{s}", lang): s for s in ("internal", "external")}
    variant_names = {
        t(f"{NS}.variants.{v}", lang): v for v in ("with_shortcut", "without_shortcut")
    }
    return {
        (variant_names[variant], site_names[row[t(f"{NS}.columns.site", lang)]]): rate(
            row[t(f"{NS}.columns.accuracy", lang)]
        )
        for variant, row in frame.iterrows()
    }


def texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_marker_gives_excellent_internal_accuracy_and_fails_elsewhere(lang: str) -> None:
    app = open_page(PAGE, lang)
    app.button(key=f"{NS}_try_shortcut").click().run()
    assert not app.exception
    assert app.toggle(key=f"{NS}_use_shortcut").value is True
    internal = rate(metric(app, "internal_accuracy", lang))
    external = rate(metric(app, "external_accuracy", lang))
    assert internal >= 0.85
    assert internal - external >= 0.15
    run = run_shortcut(remove_marker=False, threshold=0.5)
    assert internal == pytest.approx(run.internal.performance.accuracy, abs=0.0005)
    # The model's own importances rank the marker first, and the page says so.
    assert run.importances["feature"].iloc[0] == SHORTCUT_FEATURE
    marker = t(f"cohorts.features.{SHORTCUT_FEATURE}", lang)
    assert t(f"{NS}.verdict.shortcut_first", lang, feature=marker) in texts(app.warning)
    opacity = t("cohorts.features.opacity", lang)
    summary = next(m for m in texts(app.markdown) if marker in m and opacity in m)
    assert summary.index(marker) < summary.index(opacity)
    assert any(t(f"{NS}.try_shortcut.why", lang) in text for text in texts(app.info))
    assert len(app.get("vega_lite_chart")) == 1
    assert "Zech" in t(f"{NS}.explain.text", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_removing_the_marker_trades_home_accuracy_for_accuracy_elsewhere(lang: str) -> None:
    app = open_page(PAGE, lang)
    with_marker = accuracies(app, lang)
    app.button(key=f"{NS}_try_remove").click().run()
    assert not app.exception
    assert app.toggle(key=f"{NS}_use_shortcut").value is False
    internal = rate(metric(app, "internal_accuracy", lang))
    external = rate(metric(app, "external_accuracy", lang))
    assert abs(internal - external) < 0.03
    table = accuracies(app, lang)
    assert table == with_marker  # the table always compares both models
    assert table["without_shortcut", "external"] - table["with_shortcut", "external"] >= 0.08
    assert table["with_shortcut", "internal"] > table["without_shortcut", "internal"]
    infos = texts(app.info)
    top = t("cohorts.features.opacity", lang)
    assert t(f"{NS}.verdict.clinical_first", lang, feature=top) in infos
    holds = t(
        f"{NS}.verdict.holds",
        lang,
        internal=metric(app, "internal_accuracy", lang),
        external=metric(app, "external_accuracy", lang),
    )
    assert holds in infos
    assert t(f"{NS}.try_remove.done", lang) in texts(app.success)


# A threshold of 0% or 100% and a cohort under the engine's minimum can no longer be entered:
# the refusals are tested in test_number_ranges.py.


def test_guided_path_recovers_from_bad_settings_and_a_change_ends_it() -> None:
    app = open_page(PAGE, "en")
    app.number_input(key=f"{NS}_n").set_value(150).run()
    assert app.error
    app.button(key=f"{NS}_try_shortcut").click().run()
    assert not app.exception and not app.error
    assert app.number_input(key=f"{NS}_n").value == 10_000
    assert t(f"{NS}.try_shortcut.done", "en") in texts(app.success)
    app.toggle(key=f"{NS}_use_shortcut").set_value(False).run()
    assert not app.success  # the page no longer claims to show the guided path
