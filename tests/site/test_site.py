"""The course site: strict bilingual build, page parity, nothing loaded from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from aimed.course_manifest import load_manifest
from aimed.site.hooks.course_record import assessment_bank
from aimed.site.hooks.course_references import cited_keys, load_references

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"

HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)
QUIZ = re.compile(r"<quiz>")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def english_pages() -> list[Path]:
    return sorted(p for p in COURSE.rglob("*.md") if not p.name.endswith(".fr.md"))


def french_pages() -> list[Path]:
    return sorted(COURSE.rglob("*.fr.md"))


def twin(path: Path) -> Path:
    if path.name.endswith(".fr.md"):
        return path.with_name(path.name[: -len(".fr.md")] + ".md")
    return path.with_suffix(".fr.md")


def outline(path: Path) -> list[int]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return [len(m.group(1)) for m in HEADING.finditer(text)]


def test_course_has_pages() -> None:
    assert english_pages(), "course/ holds no page"


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: str(p.relative_to(COURSE)))
def test_every_english_page_has_its_french_twin(page: Path) -> None:
    assert twin(page).is_file(), f"{page.relative_to(ROOT)} has no French version"


@pytest.mark.parametrize("page", french_pages(), ids=lambda p: str(p.relative_to(COURSE)))
def test_every_french_page_has_its_english_twin(page: Path) -> None:
    assert twin(page).is_file(), f"{page.relative_to(ROOT)} has no English version"


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: str(p.relative_to(COURSE)))
def test_twins_have_the_same_outline_and_quizzes(page: Path) -> None:
    french = twin(page)
    if not french.is_file():
        pytest.fail(f"{page.relative_to(ROOT)} has no French version")
    assert outline(page) == outline(french), "heading structure differs between languages"
    english_quizzes = len(QUIZ.findall(page.read_text(encoding="utf-8")))
    french_quizzes = len(QUIZ.findall(french.read_text(encoding="utf-8")))
    assert english_quizzes == french_quizzes, "quiz question count differs between languages"


@pytest.mark.slow
def test_strict_build_serves_both_languages(built_site: Path) -> None:
    for page in english_pages():
        relative = page.relative_to(COURSE).with_suffix("")
        folder = relative.parent if relative.name == "index" else relative
        english_html = built_site / folder / "index.html"
        french_html = built_site / "fr" / folder / "index.html"
        assert english_html.is_file(), f"missing {english_html.relative_to(built_site)}"
        assert french_html.is_file(), f"missing {french_html.relative_to(built_site)}"
        assert '<html lang="en"' in english_html.read_text(encoding="utf-8")
        assert '<html lang="fr"' in french_html.read_text(encoding="utf-8")


EMBEDDED = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?"""
    r"""(?:src|href|data)\s*=\s*["'](?:https?:)?//(?!127\.0\.0\.1|localhost)[^"']*""",
    re.IGNORECASE,
)


@pytest.mark.slow
def test_built_site_embeds_nothing_from_another_host(built_site: Path) -> None:
    """Static check of every built page; the browser test checks what is actually requested.

    Links a reader may click (citations) are allowed; scripts, styles, fonts and images are not.
    """
    offenders = [
        f"{path.relative_to(built_site)}: {match.group(0)[:160]}"
        for path in built_site.rglob("*.html")
        for match in EMBEDDED.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "\n".join(offenders)


# ---------------------------------------------------------------- the pages of issue #6


class ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml; `!ENV [NAME, default]` gives its default."""


ConfigLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
NAV = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), ConfigLoader)["nav"]
# The course's map: its modules, the sandbox links of each (in page order), its exercise.
MANIFEST = load_manifest(COURSE / "course.toml")
MODULES = {module.slug: module for module in MANIFEST.modules}
# the nav's own pages, and the modules the plugin puts in place of `Modules: course.toml`
NAV_PAGES = [
    page
    for entry in NAV
    for page in (entry.values() if isinstance(entry, dict) else [entry])  # `- page.md` too
    if page != "course.toml"
]
NAV_PAGES += [module.page for module in MANIFEST.modules]
NAV_PAGES += [module.before for module in MANIFEST.modules if module.before]
SANDBOX_MARK = re.compile(r"^<!-- sandbox: (\S+)((?:\s+[a-z_]+=[\w-]+)*)\s*(?:\|.*)?-->$", re.M)
OBJECTIVES = {"en": "Learning objectives", "fr": "Objectifs d'apprentissage"}
KEY_POINTS = {"en": "Key points to remember", "fr": "À retenir"}
# A module's quiz is a short self-check: 3 to 6 questions. Module 10 closes the course and has
# the most sections (choosing, evaluating, trying, monitoring, reporting, a tool down or
# withdrawn, who does what), the last two with a question each: up to 8 there.
QUIZ_CAP = {"adopting-ai": 8}
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
QUIZ_BLOCK = re.compile(r"<quiz>(.*?)</quiz>", re.DOTALL)
ANSWER = re.compile(r"^[-*]\s*\[([xX ]?)\]\s*(.*)$")
FEEDBACK = re.compile(r"^\s*>")


def module_source(module: str, lang: str) -> Path:
    return COURSE / MODULES[module].page_in(lang)


def front_matter(path: Path) -> dict:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    return yaml.safe_load(match.group(1)) if match else {}


def quizzes(path: Path) -> list[dict]:
    """Each quiz of a page: its answers' correctness in order and its explanation text."""
    found = []
    for block in QUIZ_BLOCK.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        lines = [line.rstrip() for line in block.strip().splitlines()]
        answer_lines = [i for i, line in enumerate(lines) if ANSWER.match(line)]
        correct = [ANSWER.match(lines[i]).group(1).lower() == "x" for i in answer_lines]
        after = lines[answer_lines[-1] + 1 :] if answer_lines else []
        explanation = " ".join(line for line in after if line and not FEEDBACK.match(line))
        found.append({"correct": correct, "explanation": explanation.strip()})
    return found


def section(text: str, heading: str) -> str:
    """The body of a `## heading` section, up to the next heading of level 1 or 2."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


def module_params() -> list:
    return [pytest.param(m, lang, id=f"{m}-{lang}") for m in MODULES for lang in ("en", "fr")]


@pytest.mark.parametrize("page", NAV_PAGES)
def test_every_page_of_the_nav_is_written_in_both_languages(page: str) -> None:
    english = COURSE / page
    assert english.is_file(), f"course/{page} (in the nav) is not written"
    assert twin(english).is_file(), f"course/{page} has no French version"


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: str(p.relative_to(COURSE)))
def test_twin_quizzes_ask_the_same_questions_in_the_same_order(page: str) -> None:
    french = twin(page)
    if not french.is_file():
        pytest.fail(f"{page.relative_to(ROOT)} has no French version")
    english_quizzes, french_quizzes = quizzes(page), quizzes(french)
    assert len(english_quizzes) == len(french_quizzes)
    for number, (en, fr) in enumerate(zip(english_quizzes, french_quizzes, strict=True), 1):
        assert en["correct"] == fr["correct"], (
            f"question {number}: answers or right answers differ between languages"
        )


@pytest.mark.parametrize(("module", "lang"), module_params())
def test_module_page_has_every_feature(module: str, lang: str) -> None:
    path = module_source(module, lang)
    assert path.is_file(), f"{path.relative_to(ROOT)} is not written"
    text = path.read_text(encoding="utf-8")
    meta = front_matter(path)
    assert meta.get("module") == module
    assert isinstance(meta.get("reading_time"), int) and 5 <= meta["reading_time"] <= 90

    objectives = re.search(
        rf'^!!! abstract "{re.escape(OBJECTIVES[lang])}"\n((?:\n|    .*\n)+)', text, re.M
    )
    assert objectives, f'no `!!! abstract "{OBJECTIVES[lang]}"` block'
    bullets = re.findall(r"^    - ", objectives.group(1), re.M)
    assert 3 <= len(bullets) <= 5, f"{len(bullets)} learning objectives (3 to 5 expected)"

    links = [
        scenario + ("?" + "&".join(params.split()) if params else "")
        for scenario, params in SANDBOX_MARK.findall(text)
    ]
    assert links == [str(link) for link in MODULES[module].sandbox], "not course.toml's links"
    exercises = re.findall(r"^<!-- exercise: (\S+) -->$", text, re.M)
    exercise = MODULES[module].exercise
    assert exercises == ([exercise] if exercise else []), "not course.toml's exercise"

    questions = quizzes(path)
    cap = QUIZ_CAP.get(module, 6)
    assert 3 <= len(questions) <= cap, f"{len(questions)} quiz questions (3 to {cap} expected)"
    assert re.search(r"^## Quiz$", text, re.M)
    for number, question in enumerate(questions, 1):
        assert len(question["correct"]) >= 2 and any(question["correct"])
        assert len(question["explanation"]) >= 80, f"question {number} has no real explanation"

    key_points = section(text, KEY_POINTS[lang])
    assert len(re.findall(r"^- ", key_points, re.M)) >= 3, "no key points to remember"
    assert not re.search(r"reading time|temps de lecture", text, re.I), (
        "reading time is written in the prose: the hook renders it from the front matter"
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_orientation_has_front_matter(lang: str) -> None:
    path = COURSE / ("orientation.md" if lang == "en" else "orientation.fr.md")
    assert path.is_file(), "the orientation page is not written"
    meta = front_matter(path)
    assert meta.get("module") == "orientation" and isinstance(meta.get("reading_time"), int)


def all_citations() -> dict[str, list[str]]:
    return {
        str(path.relative_to(COURSE)): cited_keys(path.read_text(encoding="utf-8"))
        for path in sorted(COURSE.rglob("*.md"))
    }


def test_every_citation_resolves_to_a_reference() -> None:
    known = load_references(ROOT / "site" / "references")
    unknown = {
        page: sorted(set(keys) - set(known))
        for page, keys in all_citations().items()
        if set(keys) - set(known)
    }
    assert unknown == {}, f"citations of references that do not exist: {unknown}"


def test_every_reference_is_cited() -> None:
    cited = {key for keys in all_citations().values() for key in keys}
    never = sorted(set(load_references(ROOT / "site" / "references")) - cited)
    assert never == [], f"references never cited on any page: {never}"


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: str(p.relative_to(COURSE)))
def test_twins_cite_the_same_references(page: Path) -> None:
    french = twin(page)
    if not french.is_file():
        pytest.fail(f"{page.relative_to(ROOT)} has no French version")
    english_keys = set(cited_keys(page.read_text(encoding="utf-8")))
    french_keys = set(cited_keys(french.read_text(encoding="utf-8")))
    assert english_keys == french_keys, "the two languages do not cite the same sources"


@pytest.mark.slow
@pytest.mark.parametrize(("module", "lang"), module_params())
def test_built_module_page_shows_its_features(built_site: Path, module: str, lang: str) -> None:
    folder = built_site / ("" if lang == "en" else lang) / MODULES[module].page.removesuffix(".md")
    page = (folder / "index.html").read_text(encoding="utf-8")
    reading = {"en": "Estimated reading time:", "fr": "Temps de lecture estimé"}[lang]
    assert reading in page
    for link in MODULES[module].sandbox:
        query = "".join(f"&amp;{name}={value}" for name, value in link.params)
        assert f'href="http://127.0.0.1:8501/{link.scenario}?lang={lang}{query}"' in page
    assert f'class="aimed-read" data-module="{module}"' in page
    assert page.count('class="quiz"') == len(quizzes(module_source(module, lang)))
    exercise = MODULES[module].exercise
    assert ('data-exercise="' in page) == bool(exercise)
    if exercise:
        assert f'data-exercise="{exercise}"' in page
        # a download link exactly when the trainer command has built the zip
        name = f"{exercise}-{lang}.zip"
        built = (ROOT / "build" / "downloads" / name).is_file()
        assert (f"downloads/{name}" in page) == built
        assert (built_site / "downloads" / name).is_file() == built
    # every citation link lands on an anchor of the bibliography in the same language
    bibliography = (folder.parents[1] / "bibliography" / "index.html").read_text("utf-8")
    for key in re.findall(r'href="\.\./\.\./bibliography/#([\w-]+)"', page):
        assert f'id="{key}"' in bibliography, f"citation {key} lands on no entry"


ABBREVIATION = re.compile(r"^\*\[([^\]]+)\]:\s*(.+)$", re.MULTILINE)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_defines_its_abbreviations_in_its_language(built_site: Path, lang: str) -> None:
    """Hover definitions (<abbr title>) from includes/abbreviations.<lang>.md, never the other."""
    source = ROOT / "site" / "includes" / f"abbreviations.{lang}.md"
    definitions = dict(ABBREVIATION.findall(source.read_text(encoding="utf-8")))
    assert definitions, f"{source.relative_to(ROOT)} defines no abbreviation"
    for page in english_pages() if lang == "en" else french_pages():
        relative = page.relative_to(COURSE).as_posix().removesuffix(".fr.md").removesuffix(".md")
        folder = "" if relative == "index" else relative + "/"
        html = (built_site / ("fr/" if lang == "fr" else "") / folder / "index.html").read_text(
            encoding="utf-8"
        )
        shown = dict(
            (term, title)
            for title, term in re.findall(r'<abbr title="([^"]*)">([^<]+)</abbr>', html)
        )
        if relative.startswith("modules/") or relative in {"orientation", "glossary"}:
            assert shown, f"{page.relative_to(ROOT)}: no abbreviation has a hover definition"
        wrong = {term: title for term, title in shown.items() if definitions.get(term) != title}
        assert wrong == {}, f"{page.relative_to(ROOT)}: definitions from the other language?"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_final_assessment_draws_on_every_module(lang: str) -> None:
    path = COURSE / ("final-assessment.md" if lang == "en" else f"final-assessment.{lang}.md")
    questions = quizzes(path)  # every version of every situation of the bank
    situations = assessment_bank(path.read_text(encoding="utf-8"))  # one drawn per attempt
    assert 20 <= len(situations) <= 35, f"{len(situations)} situations (20 to 35 expected)"
    pass_mark = front_matter(path).get("pass_mark")
    assert isinstance(pass_mark, int) and len(situations) / 2 < pass_mark <= len(situations)
    sections = re.split(r"^## ", FENCE.sub("", path.read_text(encoding="utf-8")), flags=re.M)[1:]
    numbers = [int(re.match(r"Module (\d+)", s)[1]) for s in sections]
    assert numbers == [module.number for module in MANIFEST.modules]  # 1 to 10
    assert all(len(QUIZ.findall(s)) >= 2 for s in sections), "a module with fewer than 2 questions"
    for number, question in enumerate(questions, 1):
        assert question["correct"].count(True) == 1, f"question {number}: one right answer"
        assert len(question["explanation"]) >= 80, f"question {number} has no real explanation"
