"""MkDocs hook: the features every module page shares, rendered from markers and front matter.

- `[@key]` citations -> short links to the one bibliography (unknown key = build error);
  `<!-- bibliography -->` -> the full list with anchors.
- `<!-- sandbox: scenario [key=value ...] [| label] -->` -> a button opening the sandbox
  scenario in the page's language (``key=value`` pairs go into its URL, e.g. the variant);
  the label, in the page's language, replaces "Try it in the sandbox".
- `<!-- figure: name | caption -->` -> a figure drawn at build time by site/figures/ (see
  course_figures.py), its SVG written into the site, its alternative text in the language.
- `<!-- exercise: id -->` -> a "Graded exercise" block linking to `downloads/<id>-<lang>.zip`
  when the trainer command has built it; the zips are copied into the site after the build.
- Front matter `module` / `reading_time` -> reading time under the title and a "mark as read"
  control for assets/javascripts/progress.js; `<!-- progress -->` -> the progress table.
- Front matter `assessment` / `pass_mark` -> the final assessment's rules under the title and its
  "Submit my answers" block at the end (record.js); `<!-- record -->` -> the learner's record of
  completion (see course_record.py).
- site/includes/abbreviations.<lang>.md: hover definitions on every page of that language.
- Front matter `reviewed` -> "Last reviewed" under the title; a module's title numbered as in
  the nav; `<!-- link: sandbox | label -->` (or `repository`) -> a link (see course_pages.py).
- nav entries not yet written in both languages are left out (tests/test_site.py fails while
  one is missing, so a finished course never ships with a hole).
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from aimed.site.hooks.course_figures import FigureError, draw
from aimed.site.hooks.course_pages import expand_links, numbered_title, reviewed_line
from aimed.site.hooks.course_record import (
    CoursePage,
    assessment_block,
    assessment_rules,
    build_date,
    check_pass_mark,
    course_version,
    record_block,
)
from aimed.site.hooks.course_references import (
    CitationError,
    Reference,
    expand_citations,
    load_references,
    render_bibliography,
)

log = logging.getLogger("mkdocs.hooks.course_features")

# The project folder (where mkdocs.yml is; set from the config): site/ and build/ live there.
_root = Path.cwd()
SCENARIOS = (
    "test-result",
    "symptom-checker",
    "biased-data",
    "hospital-shift",
    "shortcut",
    "letter-check",
    "automation-bias",
)
LANGUAGES = ("en", "fr")
BIBLIOGRAPHY_PAGE = "bibliography.md"
RECORD_PAGE = "my-record.md"

SANDBOX_MARK = re.compile(
    r"^<!--\s*sandbox:\s*(\S+)((?:\s+[a-z_]+=[\w-]+)*)\s*(?:\|\s*(.*?))?\s*-->[ \t]*$", re.MULTILINE
)
FIGURE_MARK = re.compile(r"^<!--\s*figure:\s*([\w-]+)\s*(?:\|\s*(.*?))?\s*-->[ \t]*$", re.MULTILINE)
EXERCISE_MARK = re.compile(r"^<!--\s*exercise:\s*(\S+)\s*-->[ \t]*$", re.MULTILINE)
PROGRESS_MARK = re.compile(r"^<!--\s*progress\s*-->[ \t]*$", re.MULTILINE)
RECORD_MARK = re.compile(r"^<!--\s*record\s*-->[ \t]*$", re.MULTILINE)
BIBLIOGRAPHY_MARK = re.compile(r"^<!--\s*bibliography\s*-->[ \t]*$", re.MULTILINE)
TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
QUIZ = re.compile(r"<quiz>")
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
ABBREVIATION = re.compile(r"^\*\[([^\]]+)\]:[ \t]*(.+)$", re.MULTILINE)

TEXT = {
    "en": {
        "sandbox": "Try it in the sandbox",
        "exercise_title": "Graded exercise",
        "exercise_body": (
            "A notebook to work through in about 30 to 45 minutes, no programming needed: you "
            "type numbers, choices and short reflections, check your answers with the tests it "
            "contains, then hand it to your trainer, who grades it and returns written feedback."
        ),
        "exercise_link": "Download the exercise (zip)",
        "exercise_open": "Open the exercise",
        "exercise_where": (
            "It opens in JupyterLab on this computer (started with the course by "
            "<code>make serve</code>); your work is saved in the folder "
            "<code>workspace/{assignment}/</code> of the folder where you ran it."
        ),
        "exercise_reset": "Start again from the released version",
        "exercise_trainer": (
            "Your trainer distributes this exercise: ask them for the notebook "
            "(exercise “{exercise}”)."
        ),
        "reading_time": "Estimated reading time: {minutes} minutes",
        "mark_read": "I have read this module",
        "mark_read_help": "Kept in this browser only; nothing is sent anywhere.",
        "progress_caption": "Your progress, kept in this browser only",
        "progress_module": "Module",
        "progress_read": "Read",
        "progress_quiz": "Quiz",
        "progress_reset": "Reset my progress",
        "progress_nojs": "Progress tracking needs JavaScript; nothing is stored without it.",
        "progress_pending": "not started",
        "progress_dates": "Dates",
    },
    "fr": {
        "sandbox": "Essayer dans le bac à sable",
        "exercise_title": "Exercice noté",
        "exercise_body": (
            "Un notebook à traiter en 30 à 45 minutes environ, sans savoir programmer : vous "
            "saisissez des nombres, des choix et de courtes réflexions, vérifiez vos réponses "
            "avec les tests qu'il contient, puis le remettez à votre formateur, qui le note et "
            "vous renvoie un commentaire écrit."
        ),
        "exercise_link": "Télécharger l'exercice (zip)",
        "exercise_open": "Ouvrir l'exercice",
        "exercise_where": (
            "Il s'ouvre dans JupyterLab sur cet ordinateur (lancé avec le cours par "
            "<code>make serve</code>)\u202f; votre travail est enregistré dans le dossier "
            "<code>workspace/{assignment}/</code> du dossier où vous l'avez lancé."
        ),
        "exercise_reset": "Repartir de la version distribuée",
        "exercise_trainer": (
            "Cet exercice est distribué par votre formateur : demandez-lui le notebook "
            "(exercice « {exercise} »)."
        ),
        "reading_time": "Temps de lecture estimé\u202f: {minutes}\u00a0minutes",
        "mark_read": "J'ai lu ce module",
        "mark_read_help": "Conservé dans ce navigateur uniquement\u202f; rien n'est envoyé.",
        "progress_caption": "Votre progression, conservée dans ce navigateur uniquement",
        "progress_module": "Module",
        "progress_read": "Lu",
        "progress_quiz": "Quiz",
        "progress_reset": "Effacer ma progression",
        "progress_nojs": (
            "Le suivi de progression nécessite JavaScript\u202f; sans lui, rien n'est conservé."
        ),
        "progress_pending": "pas commencé",
        "progress_dates": "Dates",
    },
}

_references: dict[str, Reference] | None = None
_left_out: set[str] = set()  # sources of pages left out of the nav until both languages exist


# ---------------------------------------------------------------- helpers (pure, tested)


def page_language(src_uri: str) -> str:
    """Language of a source page under the static-i18n suffix layout."""
    return "fr" if src_uri.endswith(".fr.md") else "en"


def english_source(src_uri: str) -> str:
    """ "modules/x.fr.md" -> "modules/x.md" (the name nav and links use)."""
    return src_uri[: -len(".fr.md")] + ".md" if src_uri.endswith(".fr.md") else src_uri


def source_for(src_uri: str, lang: str) -> str:
    """The source file of a page in a language: "modules/x.md" + fr -> "modules/x.fr.md"."""
    base = english_source(src_uri)
    return base if lang == "en" else base[: -len(".md")] + f".{lang}.md"


def page_url(src_uri: str, lang: str) -> str:
    """Site URL (directory style, no leading slash) of a page in a language."""
    stem = english_source(src_uri)[: -len(".md")]
    folder = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return folder if lang == "en" else f"{lang}/{folder}"


def count_quizzes(text: str) -> int:
    return len(QUIZ.findall(FENCE.sub("", text)))


def sandbox_button(
    scenario: str,
    lang: str,
    sandbox_url: str,
    params: dict[str, str] | None = None,
    label: str | None = None,
) -> str:
    """The HTML of a "Try it in the sandbox" button; an unknown scenario is an error."""
    if scenario not in SCENARIOS:
        raise PluginError(f"unknown sandbox scenario '{scenario}' (known: {', '.join(SCENARIOS)})")
    query = urlencode({"lang": lang, **(params or {})})
    href = f"{sandbox_url.rstrip('/')}/{scenario}?{query}"
    text = html.escape(label) if label else TEXT[lang]["sandbox"]
    return (
        f'<p class="aimed-sandbox"><a class="md-button md-button--primary aimed-sandbox__button" '
        f'href="{html.escape(href)}" data-scenario="{scenario}">{text}</a></p>'
    )


def sandbox_params(text: str) -> dict[str, str]:
    """`` variant=proxy seed=2`` -> {"variant": "proxy", "seed": "2"}."""
    return dict(pair.split("=", 1) for pair in text.split())


def figure_block(name: str, lang: str, caption: str | None, site_dir: Path, page_url: str) -> str:
    """Draw figure ``name``, write its SVG into the site, and return the page's figure HTML."""
    try:
        figure = draw(name, lang)
    except FigureError as error:
        raise PluginError(str(error)) from error
    target = f"assets/figures/{name}.{lang}.svg"
    path = site_dir / target
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(figure.svg, encoding="utf-8")
    src = get_relative_url(target, page_url)
    caption_html = f'\n<figcaption markdown="span">{caption}</figcaption>' if caption else ""
    return (
        f'<figure class="aimed-figure" data-figure="{name}" markdown="1">\n'
        f'<img src="{html.escape(src)}" alt="{html.escape(figure.alt)}">{caption_html}\n'
        "</figure>"
    )


def exercises() -> list[str]:
    """The course's exercises: one per ``exercises/source/<exercise>-en`` folder.

    Read beside these hooks (the repository), not beside the built configuration, so a
    site built from elsewhere (a test's fixture pages) knows the same exercises.
    """
    source = Path(__file__).resolve().parents[2] / "exercises" / "source"
    return sorted(p.name.removesuffix("-en") for p in source.glob("*-en") if p.is_dir())


def exercise_block(exercise: str, lang: str, zip_exists: bool, link: str, lab_url: str = "") -> str:
    """The "Graded exercise" admonition: a download link only when the zip was built.

    With ``lab_url`` (``extra.lab_url``, the exercise server of aimed.lab) and the exercise
    released, an "Open the exercise" button and a reset link come first, in this language.
    """
    known = exercises()
    if exercise not in known:
        raise PluginError(f"unknown exercise '{exercise}' (known: {', '.join(known)})")
    words = TEXT[lang]
    if zip_exists:
        action = (
            f'<a class="md-button aimed-exercise__download" href="{html.escape(link)}" '
            f"download>{words['exercise_link']}</a>"
        )
    else:
        action = words["exercise_trainer"].format(exercise=exercise)
    if zip_exists and lab_url:
        assignment = f"{exercise}-{lang}"
        lab = html.escape(lab_url.rstrip("/"))
        where = words["exercise_where"].format(assignment=assignment)
        action = (
            f'<a class="md-button md-button--primary aimed-exercise__open" '
            f'href="{lab}/aimed/open/{assignment}">{words["exercise_open"]}</a> {action}</p>\n'
            f'<p class="aimed-exercise__where">{where} '
            f'<a class="aimed-exercise__reset" href="{lab}/aimed/reset/{assignment}">'
            f"{words['exercise_reset']}</a>"
        )
    return (
        f'<div class="admonition example aimed-exercise" data-exercise="{exercise}">\n'
        f'<p class="admonition-title">{words["exercise_title"]}</p>\n'
        f"<p>{words['exercise_body']}</p>\n<p>{action}</p>\n</div>"
    )


def reading_time_line(minutes: str, lang: str) -> str:
    if not minutes.isdigit() or int(minutes) <= 0:
        raise PluginError(f"reading_time must be a positive number of minutes, not '{minutes}'")
    text = TEXT[lang]["reading_time"].format(minutes=int(minutes))
    return f'<p class="aimed-reading-time">{text}</p>'


def read_control(module: str, lang: str) -> str:
    words = TEXT[lang]
    return (
        f'<div class="aimed-read" data-module="{html.escape(module)}" hidden>\n'
        f'<label><input type="checkbox" class="aimed-read__box"> {words["mark_read"]}</label>\n'
        f'<p class="aimed-read__help">{words["mark_read_help"]}</p>\n</div>'
    )


def insert_after_title(markdown: str, block: str) -> str:
    match = TITLE.search(markdown)
    if not match:
        return f"{block}\n\n{markdown}"
    return f"{markdown[: match.end()]}\n\n{block}\n{markdown[match.end() :]}"


def nav_titles(nav: Any) -> dict[str, str]:
    """Source path (English name) -> nav title, in nav order."""
    found: dict[str, str] = {}

    def walk(item: Any, title: str) -> None:
        if isinstance(item, str) and item.endswith(".md"):
            found[item] = title
        elif isinstance(item, dict):
            for key, value in item.items():
                walk(value, key)
        elif isinstance(item, list):
            for value in item:
                walk(value, title)

    walk(nav or [], "")
    return found


def nav_translations(config: Any) -> dict[str, str]:
    """The nav titles of the language being built (static-i18n's nav_translations)."""
    i18n = config["plugins"].get("i18n")
    language = getattr(i18n, "current_language_config", None) if i18n else None
    return dict(getattr(language, "nav_translations", None) or {})


def course_pages(
    docs: Path, nav: Any, lang: str, from_url: str, translations: dict[str, str] | None = None
) -> list[CoursePage]:
    """Nav pages with a `module` or an `assessment` front matter, linked from `from_url`."""
    pages = []
    for src, nav_title in nav_titles(nav).items():
        own = docs / source_for(src, lang)
        if not own.is_file() or source_for(src, lang) in _left_out:
            continue
        text = own.read_text(encoding="utf-8")
        meta = get_data(text)[1]
        kind = "module" if "module" in meta else "assessment" if "assessment" in meta else None
        if kind is None:
            continue
        title_match = TITLE.search(text)
        title = (translations or {}).get(nav_title, nav_title)
        if not title:
            title = title_match.group(1).strip() if title_match else str(meta[kind])
        body = FENCE.sub("", text)
        reading, pass_mark = meta.get("reading_time"), meta.get("pass_mark")
        pages.append(
            CoursePage(
                src=src,
                title=title,
                slug=str(meta[kind]),
                kind=kind,
                link=get_relative_url(page_url(src, lang), from_url),
                hrefs=" ".join(
                    get_relative_url(page_url(src, other), from_url) for other in LANGUAGES
                ),
                quizzes=count_quizzes(text),
                reading_time=reading if type(reading) is int else 0,
                sandboxes=len(SANDBOX_MARK.findall(body)),
                exercises=len(EXERCISE_MARK.findall(body)),
                pass_mark=pass_mark if type(pass_mark) is int else 0,
            )
        )
    return pages


def progress_table(
    docs: Path, nav: Any, lang: str, home_url: str, translations: dict[str, str] | None = None
) -> str:
    """The home-page table progress.js fills: one row per module page, then the assessment."""
    words = TEXT[lang]
    rows = []
    for page in course_pages(docs, nav, lang, home_url, translations):
        if page.kind == "assessment":
            row = (
                f'<tr data-assessment="{html.escape(page.slug)}" data-pages="{page.hrefs}" '
                f'data-quizzes="{page.quizzes}" data-pass="{page.pass_mark}">'
            )
            read = "—"
        else:
            row = (
                f'<tr data-module="{html.escape(page.slug)}" data-pages="{page.hrefs}" '
                f'data-quizzes="{page.quizzes}">'
            )
            read = words["progress_pending"]
        rows.append(
            f'{row}<th scope="row"><a href="{page.link}">{html.escape(page.title)}</a></th>'
            f'<td class="aimed-progress__read">{read}</td>'
            '<td class="aimed-progress__quiz">'
            f"{'—' if page.quizzes == 0 else words['progress_pending']}</td>"
            '<td class="aimed-progress__dates"></td></tr>'
        )
    return (
        '<div class="aimed-progress" data-lang="' + lang + '">\n'
        f'<p class="aimed-progress__nojs">{words["progress_nojs"]}</p>\n'
        f'<div class="md-typeset__table"><table hidden><caption>{words["progress_caption"]}'
        f'</caption><thead><tr><th scope="col">{words["progress_module"]}</th>'
        f'<th scope="col">{words["progress_read"]}</th>'
        f'<th scope="col">{words["progress_quiz"]}</th>'
        f'<th scope="col">{words["progress_dates"]}</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div>\n"
        f'<p><button type="button" class="md-button aimed-progress__reset" hidden>'
        f"{words['progress_reset']}</button></p>\n</div>"
    )


def abbreviations(lang: str) -> dict[str, str]:
    """`*[AUC]: Area under the ROC curve` lines of site/includes/abbreviations.<lang>.md."""
    path = _root / "site" / "includes" / f"abbreviations.{lang}.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return {term.strip(): title.strip() for term, title in ABBREVIATION.findall(text)}


def references() -> dict[str, Reference]:
    global _references
    if _references is None:
        try:
            _references = load_references(_root / "site" / "references")
        except CitationError as error:
            raise PluginError(f"site/references/: {error}") from error
    return _references


# ---------------------------------------------------------------- MkDocs events


@event_priority(100)
def on_config(config: Any) -> Any:
    """Skip nav entries not yet written in every language (content is written in parallel)."""
    global _references, _root
    _references = None  # re-read on every build (mkdocs serve)
    _left_out.clear()
    if config.get("config_file_path"):
        _root = Path(config["config_file_path"]).resolve().parent
    docs = Path(config["docs_dir"])

    def keep(item: Any) -> Any:
        if isinstance(item, str):
            missing = [
                source_for(item, lang)
                for lang in LANGUAGES
                if item.endswith(".md") and not (docs / source_for(item, lang)).is_file()
            ]
            if missing:
                log.info("nav: %s not written yet: left out until both languages exist", missing)
                _left_out.update(source_for(item, lang) for lang in LANGUAGES)
                return None
            return item
        if isinstance(item, dict):
            kept = {key: keep(value) for key, value in item.items()}
            kept = {key: value for key, value in kept.items() if value not in (None, [])}
            return kept or None
        if isinstance(item, list):
            return [value for value in (keep(entry) for entry in item) if value is not None]
        return item

    if config.get("nav"):
        config["nav"] = keep(config["nav"])
    return config


@event_priority(100)
def on_files(files: Any, config: Any) -> Any:
    """Drop the half-written pages left out of the nav, so strict builds pass meanwhile."""
    for src in sorted(_left_out):
        file = files.get_file_from_path(src)
        if file is not None:
            files.remove(file)
    return files


@event_priority(100)
def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Runs before mkdocs-quiz, so citations inside quiz explanations are expanded too."""
    src = page.file.src_uri
    lang = page_language(src)
    where = f"{src}: "
    try:
        bib_link = posixpath.relpath(BIBLIOGRAPHY_PAGE, posixpath.dirname(src) or ".")
        markdown = expand_citations(markdown, references(), lang, bib_link)
    except CitationError as error:
        raise PluginError(where + str(error)) from error

    if BIBLIOGRAPHY_MARK.search(markdown):
        listing = render_bibliography(references(), lang)
        markdown = BIBLIOGRAPHY_MARK.sub(lambda _: listing, markdown)

    sandbox_url = str(config["extra"].get("sandbox_url", "http://127.0.0.1:8501"))
    try:
        markdown = SANDBOX_MARK.sub(
            lambda m: sandbox_button(
                m.group(1), lang, sandbox_url, sandbox_params(m.group(2)), m.group(3)
            ),
            markdown,
        )
        site_dir = Path(config["site_dir"])
        markdown = FIGURE_MARK.sub(
            lambda m: figure_block(m.group(1), lang, m.group(2), site_dir, page.url), markdown
        )

        def exercise(match: re.Match[str]) -> str:
            name = f"{match.group(1)}-{lang}.zip"
            built = _root / "build" / "downloads" / name
            link = get_relative_url(f"downloads/{name}", page.url)
            lab_url = str(config["extra"].get("lab_url") or "")
            return exercise_block(match.group(1), lang, built.is_file(), link, lab_url)

        markdown = EXERCISE_MARK.sub(exercise, markdown)
    except PluginError as error:
        raise PluginError(where + str(error)) from error

    meta = page.meta or {}
    try:  # course_pages.py: links to the sandbox or repository, review date, numbered title
        markdown = expand_links(markdown, lang, config["extra"])
        reviewed = [reviewed_line(meta["reviewed"], lang)] if "reviewed" in meta else []
    except ValueError as error:
        raise PluginError(where + str(error)) from error
    if "module" in meta:
        markdown = numbered_title(markdown, page.title)
        blocks = []
        if "reading_time" in meta:
            try:
                blocks.append(reading_time_line(str(meta["reading_time"]), lang))
            except PluginError as error:
                raise PluginError(where + str(error)) from error
        blocks += reviewed
        if blocks:
            markdown = insert_after_title(markdown, "\n".join(blocks))
        markdown = f"{markdown.rstrip()}\n\n{read_control(str(meta['module']), lang)}\n"
    elif reviewed:
        markdown = insert_after_title(markdown, reviewed[0])

    if "assessment" in meta:
        questions = count_quizzes(markdown)
        try:
            pass_mark = check_pass_mark(meta.get("pass_mark"), questions)
        except ValueError as error:
            raise PluginError(where + str(error)) from error
        record = get_relative_url(page_url(RECORD_PAGE, lang), page.url)
        rules = assessment_rules(questions, pass_mark, lang, record)
        markdown = insert_after_title(markdown, rules)
        block = assessment_block(str(meta["assessment"]), questions, pass_mark, lang, record)
        markdown = f"{markdown.rstrip()}\n\n{block}\n"

    if RECORD_MARK.search(markdown):
        pages = course_pages(
            Path(config["docs_dir"]), config["nav"], lang, page.url, nav_translations(config)
        )
        sheet = record_block(
            pages,
            lang,
            site_name=str(config["site_name"]),
            version=course_version(_root),
            built=build_date(),
        )
        markdown = RECORD_MARK.sub(lambda _: sheet, markdown)

    if PROGRESS_MARK.search(markdown):
        table = progress_table(
            Path(config["docs_dir"]), config["nav"], lang, page.url, nav_translations(config)
        )
        markdown = PROGRESS_MARK.sub(lambda _: table, markdown)

    # Hover definitions: given to the abbr extension as its glossary for this page, so the
    # quiz fragments mkdocs-quiz converts separately get them too (not only the page body).
    config["mdx_configs"]["abbr"] = {"glossary": abbreviations(lang)}
    return markdown


def on_post_build(config: Any) -> None:
    """Copy the exercise zips built by the trainer command into the site."""
    source = _root / "build" / "downloads"
    zips = sorted(source.glob("*.zip")) if source.is_dir() else []
    if not zips:
        return
    i18n = config["plugins"].get("i18n")
    if i18n is not None and not getattr(i18n, "is_default_language_build", True):
        return  # static-i18n builds French into <site>/fr: the zips go to the site root once
    target = Path(config["site_dir"]) / "downloads"
    target.mkdir(parents=True, exist_ok=True)
    for path in zips:
        shutil.copy2(path, target / path.name)
