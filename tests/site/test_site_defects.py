"""What a physician's review of the built site found, each checked where it could come back.

Search per language and without accents, the about page's publishing facts and every module's
review date, what the exercises' own checks really do, links between the course and the
sandbox, headings that match the menu, and the smaller defects (quiz tally, permalinks,
sitemap requests). Browser-only behaviour is in test_search_browser.py.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
sys.path.insert(0, str(ROOT / "site" / "hooks"))

from course_search import fold, split_index  # noqa: E402

CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.DOTALL)


def html_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def search_base(site: Path, url: str) -> str:
    """Where Material's search looks for its index, from a page at ``url`` (a site path)."""
    match = CONFIG.search(html_of(site, url))
    assert match, f"{url}: no __config script"
    base = json.loads(match.group(1))["base"]
    return urljoin(f"http://site/{url}", base).removeprefix("http://site/")


def search_index(site: Path, folder: str = "") -> dict:
    path = site / folder / "search" / "search_index.json"
    assert path.is_file(), f"no {path.relative_to(site)}"
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- 1. search


def test_fold_takes_accents_off_and_keeps_letters() -> None:
    assert fold("Sensibilité, spécificité\u202f; prévalence à 1\u00a0%") == (
        "Sensibilite, specificite ; prevalence a 1 %"
    )
    assert fold("Cœur") == "Cœur"  # a ligature letter, not an accent


def test_split_index_gives_each_language_its_own_docs() -> None:
    index = {
        "config": {"lang": ["en", "fr"], "fields": {"title": {"boost": 1000.0}}},
        "docs": [
            {"location": "", "title": "Home", "text": "sensitivity"},
            {"location": "fr/", "title": "Accueil", "text": "sensibilité"},
            {"location": "fr/modules/x/#a", "title": "Prévalence", "text": "b"},
        ],
    }
    parts = split_index(index, "en", ["fr"])
    assert [d["location"] for d in parts["en"]["docs"]] == [""]
    assert [d["location"] for d in parts["fr"]["docs"]] == ["", "modules/x/#a"]
    assert parts["fr"]["config"]["lang"] == ["fr"]
    assert parts["fr"]["docs"][0]["text_folded"] == "sensibilite"
    assert parts["fr"]["docs"][1]["title_folded"] == "Prevalence"
    assert "text_folded" not in parts["en"]["docs"][0]  # nothing to fold: no copy
    assert parts["fr"]["config"]["fields"]["title_folded"] == {"boost": 1000.0}


@pytest.mark.slow
def test_each_language_searches_its_own_index(built_site: Path) -> None:
    english, french = search_index(built_site), search_index(built_site, "fr")
    assert english["config"]["lang"] == ["en"] and french["config"]["lang"] == ["fr"]
    assert not [d for d in english["docs"] if d["location"].startswith("fr/")]
    assert not [d for d in french["docs"] if d["location"].startswith("fr/")]
    assert "modules/reading-performance/" in {d["location"] for d in french["docs"]}
    assert search_base(built_site, "fr/modules/reading-performance/") == "fr/"
    assert search_base(built_site, "fr/") == "fr/"
    assert search_base(built_site, "modules/reading-performance/") == ""


@pytest.mark.slow
def test_french_index_finds_words_typed_without_accents(built_site: Path) -> None:
    french = search_index(built_site, "fr")
    fields = french["config"]["fields"]
    assert {"title_folded", "text_folded"} <= fields.keys()
    accented = [d for d in french["docs"] if fold(d["text"]) != d["text"]]
    assert accented, "no French text with an accent: the index is not the French one"
    for doc in accented:
        assert doc.get("text_folded") == fold(doc["text"]), doc["location"]
    page = [d for d in french["docs"] if d["location"].startswith("modules/reading-performance/")]
    assert any("sensibilite" in d.get("text_folded", "").lower() for d in page)


@pytest.mark.slow
def test_no_page_points_material_at_a_missing_sitemap(built_site: Path) -> None:
    """Material fetches <href>/sitemap.xml for each head alternate link: none is left."""
    for html in sorted(built_site.rglob("index.html")):
        text = html.read_text(encoding="utf-8")
        head = text.split("</head>", 1)[0]
        assert not re.search(r'<link rel="alternate"[^>]*hreflang', head), html
