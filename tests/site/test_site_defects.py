"""What a physician's review of the built site found, each checked where it could come back.

Search per language and without accents, the about page's publishing facts and every module's
review date, what the exercises' own checks really do, links between the course and the
sandbox, headings that match the menu, and the smaller defects (quiz tally, permalinks,
sitemap requests). Browser-only behaviour is in test_search_browser.py.
"""

from __future__ import annotations

import html
import json
import os
import re
import tomllib
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from babel.dates import format_date

from aimed.engines.bayes import predictive_values
from aimed.notebooks.helpers import check_choice, check_number
from aimed.site.hooks.course_pages import expand_links, numbered_title, reviewed_line
from aimed.site.hooks.course_search import fold, split_index
from aimed.texts.i18n import LOCALES_DIR
from support import open_page, told

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"

CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.DOTALL)


def html_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def page_text(site: Path, url: str) -> str:
    """The words of a page's article as a reader sees them (tags off, one space between)."""
    article = html_of(site, url).split("<article", 1)[1].split("</article>", 1)[0]
    article = re.sub(r"<(script|style)\b.*?</\1>", "", "<article" + article, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", article)).split())


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


def test_index_leaves_out_the_quiz_sidebar() -> None:
    text = (
        "<p>Last paragraph.</p>      Quiz Progress    <ul> <li>            Answered: 0 / 0 (0%)"
        "          </li> <li> </li> <li>            Correct: 0 / 0 (0%)      Reset    </li> </ul>"
        "    Answered: 0 / 0          Correct: 0 / 0          Reset"
    )
    index = {"config": {"lang": ["en"]}, "docs": [{"location": "x/", "title": "X", "text": text}]}
    assert split_index(index, "en", [])["en"]["docs"][0]["text"] == "<p>Last paragraph.</p>"
    # Text that only quotes the counter, or has no sidebar, is left whole.
    for kept in (
        "<p>Answered: 0 / 0 (0%) is what a new reader sees.</p>",
        "<ul><li>one</li></ul> Answered: 0 / 0 (0%)",
        "<p>" + "no tag in a long run of text " * 2000 + "</p>",
    ):
        index["docs"][0]["text"] = kept
        assert split_index(index, "en", [])["en"]["docs"][0]["text"] == kept
    # An earlier list of the page is kept; the sidebar's goes.
    index["docs"][0]["text"] = "<ul><li>a</li></ul>" + text
    assert split_index(index, "en", [])["en"]["docs"][0]["text"] == (
        "<ul><li>a</li></ul><p>Last paragraph.</p>"
    )


@pytest.mark.slow
def test_each_language_searches_its_own_index(built_site: Path) -> None:
    english, french = search_index(built_site), search_index(built_site, "fr")
    sidebar = [d["location"] for d in english["docs"] + french["docs"] if "0 / 0" in d["text"]]
    assert sidebar == [], "the quiz plugin's sidebar is indexed as page text"
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
    for page in sorted(built_site.rglob("index.html")):
        text = page.read_text(encoding="utf-8")
        head = text.split("</head>", 1)[0]
        assert not re.search(r'<link rel="alternate"[^>]*hreflang', head), page


# ---------------------------------------------------------------- 2. about page, review dates

MODULE_PAGES = sorted((COURSE / "modules").glob("*.md"))
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
REVIEWED_LINE = re.compile(r'<p class="aimed-reviewed">(.*?)</p>')


def front_matter(path: Path) -> dict:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    return yaml.safe_load(match.group(1)) if match else {}


def built_url(source: Path) -> str:
    """``course/modules/bias.fr.md`` -> ``fr/modules/bias/``."""
    relative = source.relative_to(COURSE).as_posix()
    french = relative.endswith(".fr.md")
    stem = relative.removesuffix(".fr.md" if french else ".md")
    return ("fr/" if french else "") + stem + "/"


@pytest.mark.parametrize("page", MODULE_PAGES, ids=lambda p: p.name)
def test_every_module_page_states_its_review_date(page: Path) -> None:
    reviewed = front_matter(page).get("reviewed")
    assert isinstance(reviewed, date), f"{page.name}: front matter needs 'reviewed: YYYY-MM-DD'"
    assert date(2026, 1, 1) <= reviewed <= date.today(), f"{page.name}: reviewed {reviewed}?"


@pytest.mark.slow
@pytest.mark.parametrize("page", MODULE_PAGES, ids=lambda p: p.name)
def test_every_built_module_page_shows_its_review_date(built_site: Path, page: Path) -> None:
    lang = "fr" if page.name.endswith(".fr.md") else "en"
    shown = REVIEWED_LINE.findall(html_of(built_site, built_url(page)))
    locale = "fr_FR" if lang == "fr" else "en_GB"
    day = format_date(front_matter(page)["reviewed"], "long", locale=locale)
    label = "Dernière relecture\u202f:" if lang == "fr" else "Last reviewed:"
    assert shown == [f"{label} {day}"], f"{page.name}: review date under the title: {shown}"


def test_review_dates_are_written_as_each_language_writes_dates() -> None:
    assert reviewed_line("2026-11-29", "en") == (
        '<p class="aimed-reviewed">Last reviewed: 29 November 2026</p>'
    )
    assert "29 novembre 2026" in reviewed_line(date(2026, 11, 29), "fr")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        reviewed_line("29/11/2026", "en")


ABOUT = {
    "en": [
        "AI-in-medicine course maintainers",
        "MIT licence",
        'href="https://creativecommons.org/licenses/by/4.0/"',
        "the text of these pages and the figures on them",
        "Conflicts of interest",
        "no commercial interest",
        "no link with any vendor",
        "receives no funding",
        "opening an issue",
    ],
    "fr": [
        "responsables du cours sur l'IA en médecine",
        "licence MIT",
        'href="https://creativecommons.org/licenses/by/4.0/deed.fr"',
        "le texte de ces pages et les figures qu'elles contiennent",
        "Liens d'intérêts",
        "aucun intérêt",
        "aucun lien avec les fournisseurs",
        "aucun financement",
        "ouvrant un ticket",
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_about_page_says_who_publishes_under_which_terms(built_site: Path, lang: str) -> None:
    url = "about/" if lang == "en" else "fr/about/"
    page, text = html_of(built_site, url), page_text(built_site, url)
    missing = [words for words in ABOUT[lang] if words not in (page if "href" in words else text)]
    assert missing == [], f"about page ({lang}) lacks: {missing}"
    assert REVIEWED_LINE.search(page), "the about page shows no review date"
    assert not re.search(r"\w@\w", text), "an e-mail address: the repository is the contact"


def test_repository_link_is_a_link_only_when_its_address_is_known() -> None:
    text = "Open an issue in <!-- link: repository | the project's repository -->."
    assert expand_links(text, "en", {}) == "Open an issue in the project's repository."
    linked = expand_links(text, "en", {"repository_url": "https://example.org/aimed"})
    assert """href="https://example.org/aimed">the project's repository</a>""" in linked
    with pytest.raises(ValueError, match="unknown link"):
        expand_links("<!-- link: elsewhere | x -->", "en", {})


# ---------------------------------------------------------------- 3. what the exercise checks do


def test_visible_checks_pass_a_wrong_answer_of_the_right_form(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What the course says of them: they look at an answer's form, never at its value."""
    check_number("answer_q2", 0.5, proportion=True)  # a wrong predictive value: no complaint
    check_number("answer_q1", 999, whole=True, low=0, high=1000)
    check_choice("answer_q5", "D", ["A", "B", "C", "D"])
    # a percentage where a proportion goes: a message, and no exception that would stop Run All
    assert "percentage" in told(capsys, lambda: check_number("answer_q2", 9.2, proportion=True))


SAYS_FORM_ONLY = {
    "en": ("form", "whether it is right", "trainer's grading decides"),
    "fr": ("forme", "juste", "correction de votre formateur"),
}
SAYS_VALUE = {
    "en": re.compile(r"whether your (numeric )?answers are right"),
    "fr": re.compile(r"si vos réponses (chiffrées )?sont justes"),
}


def orientation_checks_paragraph(lang: str) -> str:
    source = COURSE / ("orientation.md" if lang == "en" else "orientation.fr.md")
    paragraphs = source.read_text(encoding="utf-8").split("\n\n")
    word = "checks" if lang == "en" else "vérifications"
    found = [" ".join(p.split()) for p in paragraphs if "notebook" in p and word in p]
    assert found, f"orientation ({lang}) says nothing of the notebooks' checks"
    return found[0]


def zip_readme(lang: str) -> str:
    path = LOCALES_DIR / f"trainer.{lang}.toml"
    return " ".join(tomllib.loads(path.read_text(encoding="utf-8"))["zip_readme"].split())


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("where", ["orientation", "zip read-me"])
def test_course_and_zip_say_the_checks_look_at_the_form_only(where: str, lang: str) -> None:
    text = orientation_checks_paragraph(lang) if where == "orientation" else zip_readme(lang)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    missing = [words for words in SAYS_FORM_ONLY[lang] if words not in text]
    assert missing == [], f"{where} ({lang}) does not say what the checks do: {missing}"
    assert not SAYS_VALUE[lang].search(text), f"{where} ({lang}) says they check the value"


# ---------------------------------------------------------------- 4. course <-> sandbox

SANDBOX_LINK = re.compile(r'<a class="aimed-link" data-link="sandbox" href="([^"]+)">([^<]+)</a>')


@pytest.mark.slow
@pytest.mark.parametrize(("url", "lang"), [("", "en"), ("fr/", "fr")])
def test_course_home_links_to_the_sandbox_in_its_language(
    built_site: Path, url: str, lang: str
) -> None:
    sandbox = os.environ.get("AIMED_SANDBOX_URL", "http://127.0.0.1:8501").rstrip("/")
    links = SANDBOX_LINK.findall(html_of(built_site, url))
    assert [href for href, _ in links] == [html.escape(f"{sandbox}/?lang={lang}")], links


@pytest.mark.parametrize(("lang", "page"), [("en", "/"), ("fr", "/fr/")])
def test_sandbox_home_links_back_to_the_course(
    monkeypatch: pytest.MonkeyPatch, lang: str, page: str
) -> None:
    monkeypatch.delenv("AIMED_COURSE_URL", raising=False)
    assert f"](http://127.0.0.1:8000{page})" in open_page("00_home.py", lang).info[0].value
    monkeypatch.setenv("AIMED_COURSE_URL", "https://course.example.org/aimed/")
    shown = open_page("00_home.py", lang).info[0].value
    assert f"](https://course.example.org/aimed{page})" in shown


# ---------------------------------------------------------------- 5. headings, wording

H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)
ACTIVE_NAV = re.compile(
    r'class="md-nav__link md-nav__link--active"[^>]*>\s*<span class="md-ellipsis">(.*?)</span>',
    re.DOTALL,
)


def words_of(fragment: str) -> str:
    text = re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", "", fragment, flags=re.DOTALL)
    return " ".join(html.unescape(text).split())


@pytest.mark.slow
@pytest.mark.parametrize("page", MODULE_PAGES, ids=lambda p: p.name)
def test_module_heading_is_the_menu_entry(built_site: Path, page: Path) -> None:
    built = html_of(built_site, built_url(page))
    heading, menu = H1.search(built), ACTIVE_NAV.search(built)
    assert heading and menu, f"{page.name}: no heading or no active menu entry"
    assert words_of(heading.group(1)) == words_of(menu.group(1))
    assert re.match(r"Module \d+\s*:", words_of(heading.group(1))), "heading without its number"


def test_numbered_title_takes_the_number_from_the_menu() -> None:
    page = "---\nmodule: bias\n---\n\n# Bias\n\nText.\n"
    assert "# Module 3: Bias\n" in numbered_title(page, "Module 3: Bias")
    french = numbered_title("# Les biais\n", "Module 3\u00a0: Les biais")
    assert french == "# Module 3\u00a0: Les biais\n"
    assert numbered_title("# Biases\n", "Module 3: Bias") == "# Biases\n"  # left for the test
    assert numbered_title("# Glossary\n", "Glossary") == "# Glossary\n"


def test_mammography_sentence_gives_the_right_answer_and_who_chose_it() -> None:
    """160 gynaecologists: the right answer was about 1 in 10; 21% of them chose it."""
    right = predictive_values(0.90, 0.91, 0.01).ppv
    assert round(right * 100) == 9
    sentences = {
        "reading-performance.md": (
            "The right answer was about 1 in 10 (9%); only 21% of them chose it"
        ),
        "reading-performance.fr.md": (
            "La bonne réponse était environ 1 sur 10 (9\u00a0%)\u00a0; seuls 21\u00a0% d'entre eux "
            "l'ont choisie"
        ),
    }
    for name, sentence in sentences.items():
        text = re.sub(r"[ \n]+", " ", (COURSE / "modules" / name).read_text(encoding="utf-8"))
        assert sentence in text, f"{name}: the mammography result is not stated as reviewed"


def test_a_template_is_compiled_once_for_every_language_built() -> None:
    """Each language's build has its own template environment; the plugin's bytecode cache
    lets the second reuse what the first compiled, and never a template that changed."""
    from jinja2 import DictLoader, Environment

    from aimed.site.plugin import InProcessTemplates

    compiled: list[str] = []

    class Counting(Environment):
        def compile(self, source, *args, **kwargs):
            compiled.append(source)
            return super().compile(source, *args, **kwargs)

    kept = InProcessTemplates()
    for source in ("{{ x }} one", "{{ x }} one", "{{ x }} two"):
        env = Counting(loader=DictLoader({"t.html": source}), bytecode_cache=kept)
        assert env.get_template("t.html").render(x=1) == "1 " + source.split()[-1]
    assert compiled == ["{{ x }} one", "{{ x }} two"]
