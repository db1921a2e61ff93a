"""MkDocs hook: one search index per language, found with or without accents.

mkdocs-static-i18n builds French into ``fr/`` but leaves a single ``search/search_index.json``
at the site root holding both languages, so a French reader got English results and the
reverse. After the last language build this hook splits it: English docs stay at the root,
each other language's docs go to ``<lang>/search/search_index.json`` with locations relative
to ``<lang>/``, and that language's pages point Material's search (``__config.base``) there.

Every doc whose title or text changes when accents are taken off also gets a folded copy in
fields of its own (indexed, never displayed), so "sensibilite" finds "sensibilité". The quiz
plugin's progress sidebar, appended to every page's text, is left out of the index.

The ``<link rel="alternate" hreflang>`` lines in each page's head are dropped: Material fetches
``sitemap.xml`` under each of them (two failed requests per page, since they point at pages,
not at site roots) to steal language-switch clicks, while static-i18n's switcher already
links each page to its own translation.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
import unicodedata
from pathlib import Path
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.course_search")

INDEX = Path("search") / "search_index.json"
# Indexed like their originals (same boosts), never shown: results show title and text only.
FOLDED_FIELDS = {"title": "title_folded", "text": "text_folded"}
CONFIG_SCRIPT = re.compile(
    r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL
)
# mkdocs-quiz appends its progress sidebar (label, then "Answered: 0 / 0 (0%)"...) to every page's
# content, so the last section of each page was found by "correct" or "reset": it is cut off.
QUIZ_COUNTER = "0 / 0 (0%)"
QUIZ_SIDEBAR = re.compile(r"\s*[^<>]*<ul>\s*<li>[^<>]*\b0 / 0 \(0%\)\s*</li>.*\Z", re.DOTALL)
HEAD_ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def fold(text: str) -> str:
    """Text without accents: compatibility decomposition, combining marks dropped (each
    distinct character looked up once: the whole index is folded at each build)."""
    decomposed = unicodedata.normalize("NFKD", text)
    marks = {ord(c): None for c in set(decomposed) if unicodedata.combining(c)}
    return decomposed.translate(marks) if marks else decomposed


def without_quiz_sidebar(text: str) -> str:
    """The text without mkdocs-quiz's progress sidebar. The pattern is matched only from the
    text run before the ``<ul>`` that holds the sidebar's counter: matched from every
    position of a long text, it cost two seconds a build."""
    counter = text.find(QUIZ_COUNTER)
    if counter < 0:
        return text
    start = text.rfind("<ul>", 0, counter)
    start = max(text.rfind("<", 0, start), text.rfind(">", 0, start)) + 1 if start > 0 else 0
    return text[:start] + QUIZ_SIDEBAR.sub("", text[start:])


def with_folded_copies(doc: dict[str, Any]) -> dict[str, Any]:
    """The doc without the quiz sidebar, plus a folded title and text where folding changes them."""
    doc = dict(doc)
    if isinstance(doc.get("text"), str):
        doc["text"] = without_quiz_sidebar(doc["text"])
    for field, folded_field in FOLDED_FIELDS.items():
        value = doc.get(field)
        if isinstance(value, str) and fold(value) != value:
            doc[folded_field] = fold(value)
    return doc


def split_index(index: dict[str, Any], default: str, others: list[str]) -> dict[str, dict]:
    """Language -> its own index: docs of ``<lang>/`` with the prefix removed, the rest default."""
    fields = dict(index["config"].get("fields", {}))
    for field, folded_field in FOLDED_FIELDS.items():
        fields[folded_field] = dict(fields.get(field, {"boost": 1.0}))
    docs: dict[str, list[dict[str, Any]]] = {lang: [] for lang in [default, *others]}
    for doc in index["docs"]:
        location = str(doc.get("location", ""))
        lang = next((other for other in others if location.startswith(f"{other}/")), default)
        if lang != default:
            doc = {**doc, "location": location[len(lang) + 1 :]}
        docs[lang].append(with_folded_copies(doc))
    return {
        lang: {**index, "config": {**index["config"], "lang": [lang], "fields": fields}, "docs": d}
        for lang, d in docs.items()
    }


def language_search_base(page_html: str, lang: str) -> str:
    """The page with Material's ``__config.base`` moved to the language's folder ("../fr/")."""
    match = CONFIG_SCRIPT.search(page_html)
    if match is None:
        raise ValueError("no __config script: Material's base.html changed")
    config = json.loads(match.group(2))
    config["base"] = posixpath.join(config["base"], lang) + "/"
    script = str(htmlsafe_json_dumps(config, sort_keys=True))
    return page_html[: match.start(2)] + script + page_html[match.end(2) :]


def _i18n(config: Any) -> Any:
    return config["plugins"].get("i18n")


@event_priority(-110)  # after static-i18n's own post_page (-100)
def on_post_page(output: str, page: Any, config: Any) -> str:
    output = HEAD_ALTERNATE.sub("", output)
    i18n = _i18n(config)
    if i18n is None or getattr(i18n, "is_default_language_build", True):
        return output
    try:
        return language_search_base(output, i18n.current_language)
    except ValueError as error:
        log.warning("%s: search stays site-wide: %s", page.file.src_uri, error)
        return output


@event_priority(-110)  # after static-i18n (-100), which builds the other languages and the index
def on_post_build(config: Any) -> None:
    """Once, after the last language: split the merged index into one index per language."""
    i18n = _i18n(config)
    if i18n is not None and getattr(i18n, "building", False):
        return  # a language built from inside static-i18n's loop: the index is not final yet
    site = Path(config["site_dir"])
    path = site / INDEX
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    default = str(getattr(i18n, "default_language", "en")) if i18n is not None else "en"
    others = [
        str(lang) for lang in (getattr(i18n, "build_languages", None) or []) if lang != default
    ]
    for lang, part in split_index(index, default, others).items():
        target = site / (INDEX if lang == default else Path(lang) / INDEX)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(part, ensure_ascii=False), encoding="utf-8")
        log.info("search: %d entries in %s", len(part["docs"]), target.relative_to(site))
