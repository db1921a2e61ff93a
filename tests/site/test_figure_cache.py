"""The figure cache (``AIMED_FIGURE_CACHE``): a later build reads what an earlier one drew with
the same code, and never a figure drawn by other code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aimed.settings import SettingError, figure_cache
from aimed.site.hooks import course_figures

NAME = "ai-act-timeline"  # drawn from dates alone: quick


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """``draw`` with nothing remembered in this process, the cache in ``tmp_path``."""
    monkeypatch.setenv("AIMED_FIGURE_CACHE", str(tmp_path / "cache"))
    course_figures.draw.cache_clear()
    yield tmp_path / "cache"
    course_figures.draw.cache_clear()


def test_a_figure_drawn_once_is_read_back_by_the_next_build(fresh: Path, monkeypatch) -> None:
    name = NAME
    drawn = course_figures.draw(name, "fr")
    (kept,) = fresh.glob(f"{name}.fr.*.json")
    assert course_figures.code_digest() in kept.name
    assert json.loads(kept.read_text("utf-8")) == {"svg": drawn.svg, "alt": drawn.alt}

    # the next build process: nothing drawn in memory, and drawing would fail
    course_figures.draw.cache_clear()
    monkeypatch.setattr(course_figures, "registry", lambda: {})
    again = course_figures.draw(name, "fr")
    assert (again.svg, again.alt) == (drawn.svg, drawn.alt)
    # another language is another figure: not in the cache, so it must be drawn
    with pytest.raises(course_figures.FigureError, match="unknown figure"):
        course_figures.draw(name, "en")


def test_a_figure_kept_under_another_digest_is_not_read(fresh: Path) -> None:
    name = NAME
    fresh.mkdir()
    stale = fresh / f"{name}.en.{'0' * 20}.json"
    stale.write_text(json.dumps({"svg": "<svg>stale</svg>", "alt": "stale"}), encoding="utf-8")
    assert "stale" not in course_figures.draw(name, "en").svg


def test_without_the_setting_nothing_is_kept(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AIMED_FIGURE_CACHE", raising=False)
    assert figure_cache() is None
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(SettingError, match="AIMED_FIGURE_CACHE=.*give a folder"):
        figure_cache({"AIMED_FIGURE_CACHE": str(tmp_path / "a-file")})


def test_reading_a_figure_back_imports_no_drawing_library(fresh: Path) -> None:
    """A build whose figures are all in the cache never loads matplotlib (a second a build)."""
    import subprocess
    import sys

    course_figures.draw(NAME, "en")
    code = (
        "import sys\n"
        "from aimed.site.hooks import course_figures\n"
        f"figure = course_figures.draw({NAME!r}, 'en')\n"
        "assert figure.svg.startswith('<?xml') or '<svg' in figure.svg\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
