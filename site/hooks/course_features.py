"""The features every module page shares, rendered from markers, front matter and the manifest.

Called by the site's MkDocs plugin (site/plugin.py, `- aimed` in mkdocs.yml), which gives it
the course manifest (course/course.toml, read by aimed.course_manifest) and the URLs.

- The manifest's modules, in order, take the nav's `- Modules: course.toml` entry, each titled
  "Module N: Title" in every language, a module's `before` page just above it; a nav listing
  module pages other than the manifest's stops the build.
- `[@key]` citations -> short links to the one bibliography (unknown key = build error);
  `<!-- bibliography -->` -> the full list with anchors.
- `<!-- sandbox: scenario [key=value ...] [| label] -->` -> a button opening the sandbox
  scenario in the page's language (``key=value`` pairs go into its URL, e.g. the variant);
  the label, in the page's language, replaces "Try it in the sandbox". The scenario and its
  variant must be the manifest's.
- `<!-- figure: name | caption -->` -> a figure drawn at build time by site/figures/ (see
  course_figures.py), its SVG written into the site, its alternative text in the language.
- `<!-- exercise: id -->` -> a "Graded exercise" block linking to `downloads/<id>-<lang>.zip`
  when the trainer command has built it (an exercise of the manifest); the zips are copied
  into the site after the build.
- Front matter `module` / `reading_time` -> reading time under the title and a "mark as read"
  control for assets/javascripts/progress.js; `<!-- progress -->` -> the progress table.
- Front matter `assessment` / `pass_mark` -> the final assessment's rules under the title and its
  "Submit my answers" block at the end (assessment.js), with its bank from the
  `<!-- situation: module-n -->` markers and its key taken out of the options' attributes;
  `<!-- record -->` -> the learner's record of completion (see course_record.py);
  `<!-- placement -->` -> the invitation to the placement check drawn from that bank;
  `<!-- bias-check: before -->` (or `after`) -> the automation-bias check's cases, one series
  of the course's before/after pair (course_bias_check.py).
- site/includes/abbreviations.<lang>.md: hover definitions on every page of that language.
- Front matter `reviewed` -> "Last reviewed" under the title; a module's title numbered as in
  the nav; `<!-- link: sandbox | label -->` (or `repository`) -> a link (see course_pages.py).
- nav entries not yet written in both languages are left out (tests/test_site.py fails while
  one is missing, so a finished course never ships with a hole).

The HTML comes from the templates of site/templates/ (fragments.py).
"""

from __future__ import annotations

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

from aimed.course_manifest import Manifest, ManifestError, Module, load_manifest
from aimed.site.hooks.course_bias_check import MARK as BIAS_CHECK_MARK
from aimed.site.hooks.course_bias_check import check_block
from aimed.site.hooks.course_figures import FigureError, draw
from aimed.site.hooks.course_pages import expand_links, numbered_title, reviewed_line
from aimed.site.hooks.course_record import (
    CoursePage,
    assessment_bank,
    assessment_block,
    assessment_rules,
    build_date,
    check_pass_mark,
    course_version,
    hide_key,
    placement_block,
    record_block,
)
from aimed.site.hooks.course_references import (
    CitationError,
    Reference,
    expand_citations,
    load_references,
    render_bibliography,
)
from aimed.site.hooks.fragments import render, trusted
from aimed.texts.i18n import LANGUAGES

log = logging.getLogger("mkdocs.hooks.course_features")

# The project folder (where mkdocs.yml is; set from the config): site/ and build/ live there.
_root = Path.cwd()
BIBLIOGRAPHY_PAGE = "bibliography.md"
RECORD_PAGE = "my-record.md"

SANDBOX_MARK = re.compile(
    r"^<!--\s*sandbox:\s*(\S+)((?:\s+[a-z_]+=[\w-]+)*)\s*(?:\|\s*(.*?))?\s*-->[ \t]*$", re.MULTILINE
)
FIGURE_MARK = re.compile(r"^<!--\s*figure:\s*([\w-]+)\s*(?:\|\s*(.*?))?\s*-->[ \t]*$", re.MULTILINE)
EXERCISE_MARK = re.compile(r"^<!--\s*exercise:\s*(\S+)\s*-->[ \t]*$", re.MULTILINE)
PROGRESS_MARK = re.compile(r"^<!--\s*progress\s*-->[ \t]*$", re.MULTILINE)
RECORD_MARK = re.compile(r"^<!--\s*record\s*-->[ \t]*$", re.MULTILINE)
PLACEMENT_MARK = re.compile(r"^<!--\s*placement\s*-->[ \t]*$", re.MULTILINE)
ASSESSMENT_PAGE = "final-assessment.md"
BIBLIOGRAPHY_MARK = re.compile(r"^<!--\s*bibliography\s*-->[ \t]*$", re.MULTILINE)
TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
QUIZ = re.compile(r"<quiz>")
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
ABBREVIATION = re.compile(r"^\*\[([^\]]+)\]:[ \t]*(.+)$", re.MULTILINE)

# A module's menu entry: its number in the manifest's order, then its title.
MODULE_TITLE = {"en": "Module {number}: {title}", "fr": "Module {number}\u00a0: {title}"}

TEXT = {
    "en": {
        "sandbox": "Try it in the sandbox",
        "exercise_title": "Graded exercise",
        "exercise_body": (
            "A notebook to work through in about 30 to 45 minutes, no programming needed: you "
            "type numbers, choices and short reflections; on the course's exercise server, "
            "“Check my answers” says question by question what is right and what to revisit "
            "(with the downloaded zip, your trainer checks them). Then hand it to your trainer, "
            "who grades it and returns written feedback."
        ),
        "exercise_link": "Download the exercise (zip)",
        "exercise_open": "Open the exercise",
        "exercise_check": "Check my answers",
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
            "Un notebook à traiter en 30 à 45 minutes environ, sans savoir programmer\u00a0: vous "
            "saisissez des nombres, des choix et de courtes réflexions\u202f; sur le serveur "
            "d'exercices du cours, «\u00a0Vérifier mes réponses\u00a0» indique question par "
            "question ce qui est juste et ce qu'il faut revoir (avec le zip téléchargé, votre "
            "formateur les "
            "vérifie). Vous le remettez ensuite à votre formateur, qui le note et vous renvoie "
            "un commentaire écrit."
        ),
        "exercise_link": "Télécharger l'exercice (zip)",
        "exercise_open": "Ouvrir l'exercice",
        "exercise_check": "Vérifier mes réponses",
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
_directory_urls = True  # mkdocs.yml's use_directory_urls (the SCORM build sets it false)


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
    """Site URL (no leading slash) of a page in a language, in the build's URL style."""
    stem = english_source(src_uri)[: -len(".md")]
    if not _directory_urls:
        return f"{stem}.html" if lang == "en" else f"{lang}/{stem}.html"
    folder = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return folder if lang == "en" else f"{lang}/{folder}"


def count_quizzes(text: str) -> int:
    return len(QUIZ.findall(FENCE.sub("", text)))


def count_questions(text: str, kind: str = "module") -> int:
    """A page's questions: its quizzes, or on an assessment its situations (one version each
    per attempt). A malformed bank counts its quizzes here; the page's own build says why."""
    if kind != "assessment":
        return count_quizzes(text)
    try:
        return len(assessment_bank(text))
    except ValueError:
        return count_quizzes(text)


def sandbox_button(
    scenario: str,
    lang: str,
    sandbox_url: str,
    manifest: Manifest,
    params: dict[str, str] | None = None,
    label: str | None = None,
) -> str:
    """The HTML of a "Try it in the sandbox" button; a scenario or variant the manifest lacks
    is an error."""
    try:
        manifest.sandbox_link(scenario, params or {})
    except ManifestError as error:
        raise PluginError(str(error)) from error
    query = urlencode({"lang": lang, **(params or {})})
    href = f"{sandbox_url.rstrip('/')}/{scenario}?{query}"
    return render(
        "sandbox-button", words=trusted(TEXT[lang]), href=href, scenario=scenario, label=label
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
    return render("figure", name=name, src=src, alt=figure.alt, caption=caption)


def exercise_block(
    exercise: str,
    lang: str,
    zip_exists: bool,
    link: str,
    lab_url: str = "",
    known: list[str] | None = None,
) -> str:
    """The "Graded exercise" admonition: a download link only when the zip was built.

    ``known``: the manifest's exercises (default: the manifest found from the working folder).
    With ``lab_url`` (the exercise server of aimed.lab) and the exercise released, an "Open the
    exercise" button and a reset link come first, in this language.
    """
    known = load_manifest().exercises if known is None else known
    if exercise not in known:
        raise PluginError(f"unknown exercise '{exercise}' (known: {', '.join(known)})")
    return render(
        "exercise",
        words=trusted(TEXT[lang]),
        exercise=exercise,
        zip_exists=zip_exists,
        link=link,
        lab=lab_url.rstrip("/"),
        assignment=f"{exercise}-{lang}",
    )


def reading_time_line(minutes: str, lang: str) -> str:
    if not minutes.isdigit() or int(minutes) <= 0:
        raise PluginError(f"reading_time must be a positive number of minutes, not '{minutes}'")
    return render("reading-time", words=trusted(TEXT[lang]), minutes=int(minutes))


def read_control(module: str, lang: str) -> str:
    return render("read-control", words=trusted(TEXT[lang]), module=module)


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
                quizzes=count_questions(text, kind),
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
    pages = course_pages(docs, nav, lang, home_url, translations)
    return render("progress", words=trusted(TEXT[lang]), lang=lang, pages=pages)


def module_title(module: Module, lang: str) -> str:
    """ "Module 3: Bias", "Module 3 : Les biais": the module's menu entry in a language."""
    return MODULE_TITLE[lang].format(number=module.number, title=module.titles[lang])


def with_modules(nav: Any, manifest: Manifest, docs: Path) -> Any:
    """The nav with its ``Modules: course.toml`` entry replaced by the manifest's modules.

    Whatever the nav, its module pages must then be the manifest's, in its order: a module
    missing from the nav, or a page under modules/ that is not one, stops the build. A module
    not yet written in every language may be missing (it is left out of the build).
    """
    name = manifest.path.name
    entries: list[Any] = []
    for module in manifest.modules:  # a module's `before` page first, titled by its heading
        entries += [module.before] if module.before else []
        entries.append({module_title(module, "en"): module.page})
    expanded = []
    for item in nav or []:
        if (isinstance(item, dict) and list(item.values()) == [name]) or item == name:
            expanded.extend(entries)
        else:
            expanded.append(item)

    def written(page: str) -> bool:
        return all((docs / source_for(page, lang)).is_file() for lang in LANGUAGES)

    listed = [page for page in nav_titles(expanded) if manifest.module_of_page(page)]
    listed = [page for page in listed if written(page)]
    stray = [page for page in nav_titles(expanded) if page.startswith("modules/")]
    stray = [page for page in stray if not manifest.module_of_page(page)]
    if stray:
        raise PluginError(
            f"nav: {', '.join(stray)} is not a module of {manifest.path} (add it there)"
        )
    expected = [module.page for module in manifest.modules if written(module.page)]
    if listed != expected:
        raise PluginError(
            f"nav: the modules listed ({', '.join(listed) or 'none'}) are not those of "
            f"{manifest.path}, in its order; write `- Modules: {name}` in the nav instead"
        )
    return expanded


def add_module_translations(config: Any, manifest: Manifest) -> None:
    """Give static-i18n each module's menu entry in the other languages."""
    i18n = config["plugins"].get("i18n")
    for language in getattr(getattr(i18n, "config", None), "languages", None) or []:
        lang = str(language.locale)
        if lang == LANGUAGES[0] or lang not in LANGUAGES:
            continue
        translations = dict(language.nav_translations or {})
        for module in manifest.modules:
            translations[module_title(module, LANGUAGES[0])] = module_title(module, lang)
        language.nav_translations = translations


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
def on_config(config: Any, manifest: Manifest) -> Any:
    """The manifest's modules in the nav; entries not yet written in every language skipped
    (content is written in parallel)."""
    global _references, _root, _directory_urls
    _references = None  # re-read on every build (mkdocs serve)
    _directory_urls = bool(config.get("use_directory_urls", True))
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
        config["nav"] = keep(with_modules(config["nav"], manifest, docs))
        add_module_translations(config, manifest)
    return config


@event_priority(100)
def on_files(files: Any, config: Any, manifest: Manifest) -> Any:
    """Drop the half-written pages left out of the nav, so strict builds pass meanwhile, and
    the manifest when it sits among the pages."""
    docs = Path(config["docs_dir"]).resolve()
    if manifest.path.parent == docs:
        file = files.get_file_from_path(manifest.path.name)
        if file is not None:
            files.remove(file)
    for src in sorted(_left_out):
        file = files.get_file_from_path(src)
        if file is not None:
            files.remove(file)
    return files


@event_priority(100)
def on_page_markdown(
    markdown: str, page: Any, config: Any, files: Any, *, manifest: Manifest, urls: dict[str, str]
) -> str:
    """Runs before mkdocs-quiz, so citations inside quiz explanations are expanded too.

    ``urls``: ``sandbox_url``, ``lab_url`` and ``repository_url`` from the plugin's settings.
    """
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

    try:
        markdown = SANDBOX_MARK.sub(
            lambda m: sandbox_button(
                m.group(1),
                lang,
                urls["sandbox_url"],
                manifest,
                sandbox_params(m.group(2)),
                m.group(3),
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
            return exercise_block(
                match.group(1), lang, built.is_file(), link, urls["lab_url"], manifest.exercises
            )

        markdown = EXERCISE_MARK.sub(exercise, markdown)
    except PluginError as error:
        raise PluginError(where + str(error)) from error

    meta = page.meta or {}
    try:  # course_pages.py: links to the sandbox or repository, review date, numbered title
        markdown = expand_links(markdown, lang, urls)
        reviewed = [reviewed_line(meta["reviewed"], lang)] if "reviewed" in meta else []
    except ValueError as error:
        raise PluginError(where + str(error)) from error
    module = manifest.module_of_page(src)
    if module is not None and meta.get("module") != module.slug:
        raise PluginError(
            f"{where}front matter `module: {meta.get('module')}` is not `module: {module.slug}`, "
            f"its name in {manifest.path.name}"
        )
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
        try:
            bank = assessment_bank(markdown, [module.slug for module in manifest.modules])
            questions = len(bank)
            pass_mark = check_pass_mark(meta.get("pass_mark"), questions)
        except ValueError as error:
            raise PluginError(where + str(error)) from error
        record = get_relative_url(page_url(RECORD_PAGE, lang), page.url)
        rules = assessment_rules(questions, pass_mark, lang, record)
        markdown = insert_after_title(markdown, rules)
        revisit = {
            module.slug: {
                "title": module_title(module, lang),
                "href": get_relative_url(page_url(module.page, lang), page.url),
            }
            for module in manifest.modules
            if any(situation.module == module.slug for situation in bank)
        }
        block = assessment_block(
            str(meta["assessment"]),
            questions,
            pass_mark,
            lang,
            record,
            bank=bank,
            modules=revisit,
            version=course_version(_root),
            built=build_date(),
        )
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

    if PLACEMENT_MARK.search(markdown):
        link = get_relative_url(page_url(ASSESSMENT_PAGE, lang), page.url)
        invitation = placement_block(lang, link)
        markdown = PLACEMENT_MARK.sub(lambda _: invitation, markdown)

    if BIAS_CHECK_MARK.search(markdown):  # the automation-bias check (course_bias_check.py)
        record = get_relative_url(page_url(RECORD_PAGE, lang), page.url)
        try:
            markdown = BIAS_CHECK_MARK.sub(
                lambda m: check_block(m.group(1), lang, record), markdown
            )
        except ValueError as error:
            raise PluginError(where + str(error)) from error

    if PROGRESS_MARK.search(markdown):
        table = progress_table(
            Path(config["docs_dir"]), config["nav"], lang, page.url, nav_translations(config)
        )
        markdown = PROGRESS_MARK.sub(lambda _: table, markdown)

    # Hover definitions: given to the abbr extension as its glossary for this page, so the
    # quiz fragments mkdocs-quiz converts separately get them too (not only the page body).
    config["mdx_configs"]["abbr"] = {"glossary": abbreviations(lang)}
    return markdown


def on_page_content(html: str, page: Any) -> str:
    """After mkdocs-quiz: an assessment page's key leaves its options' attributes (see
    course_record.hide_key)."""
    if "assessment" not in (page.meta or {}):
        return html
    try:
        return hide_key(html)
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from error


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
