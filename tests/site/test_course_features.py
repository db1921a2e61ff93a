"""The course site's plugin (site/plugin.py, hooks/course_features.py) on a small project.

Each test builds a throw-away copy of the real configuration around fixture pages and a fixture
manifest, so the rules are checked independently of the course content being written:
citations resolve or stop the build, sandbox buttons point at the right scenario in the page's
language, exercise blocks link to a zip only when it exists, the progress table lists the
modules, and the plugin's settings and manifest are checked before anything is built.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml

from aimed.site.hooks.course_record import (
    CoursePage,
    Situation,
    assessment_bank,
    assessment_rules,
    check_pass_mark,
    course_version,
    decode_key,
    encode_key,
    format_duration,
    hide_key,
    study_time,
)
from aimed.site.hooks.course_references import (
    CitationError,
    Reference,
    cited_keys,
    expand_citations,
    load_references,
    render_bibliography,
)

ROOT = Path(__file__).resolve().parents[2]

REFERENCES = """
[sjoding2020]
authors = "Sjoding MW, Dickson RP, Iwashyna TJ, Gay SE, Valley TS"
year = 2020
title = "Racial Bias in Pulse Oximetry Measurement"
source = "N Engl J Med 383(25):2477-8"
url = "https://doi.org/10.1056/NEJMc2029240"

[smith2021]
authors = "Smith AB, Jones C, et al."
year = 2021
title = "A two-author paper"
source = "BMJ 1:1"

[jones2022]
authors = "Jones C, Smith AB"
year = 2022
title = "A two-author paper."
source = "Lancet 2:2"

[who2023]
authors = "World Health Organization"
short = "WHO"
year = 2023
title = "Guidance on AI in health"
source = "WHO, Geneva"
"""

MODULE_EN = """---
module: reading-performance
reading_time: 25
---

# Reading a model's performance

!!! abstract "Learning objectives"

    - Read a sensitivity.

## Pulse oximetry

A low PPV does not mean a bad test. Occult hypoxaemia was missed more often in Black
patients [@sjoding2020], see also [@smith2021; @who2023]. Code such as `[@notakey]` is left alone.

<!-- sandbox: test-result -->

<!-- exercise: reading-performance -->

## Quiz

<quiz>
Which is right?
- [x] This one
- [ ] That one

This one, because of [@jones2022]; that one is wrong, and the PPV says why.
</quiz>

## Key points to remember

- Read the prevalence first.
"""

MODULE_FR = (
    MODULE_EN.replace("Reading a model's performance", "Lire la performance d'un modèle")
    .replace("Learning objectives", "Objectifs d'apprentissage")
    .replace("Key points to remember", "À retenir")
    .replace("PPV", "VPP")
)


# The fixture course's manifest: one module, the real exercises folder.
MANIFEST = f"""
exercises = "{ROOT / "exercises"}"

[[scenario]]
slug = "test-result"

[[scenario]]
slug = "biased-data"
variants = ["proxy"]

[[module]]
slug = "reading-performance"
page = "modules/reading-performance.md"
title = {{ en = "Reading a model's performance", fr = "Lire la performance d'un modèle" }}
sandbox = ["test-result"]
exercise = "reading-performance"
"""


class ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml; `!ENV [NAME, default]` gives its default."""


ConfigLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


def write_project(
    folder: Path,
    *,
    module_en: str = MODULE_EN,
    module_fr: str = MODULE_FR,
    references: str = REFERENCES,
    zips: tuple[str, ...] = (),
    manifest: str = MANIFEST,
    aimed: dict | None = None,
) -> Path:
    """A copy of the real mkdocs.yml around fixture pages; returns the config file.

    ``aimed``: settings of the aimed plugin that replace the real configuration's.
    """
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), ConfigLoader)
    config["theme"]["custom_dir"] = str(ROOT / "site" / "overrides")
    config["site_dir"] = str(folder / "out")
    config["nav"] = [
        {"Home": "index.md"},
        {"Modules": "course.toml"},
        {"Bibliography": "bibliography.md"},
        {"Not written yet": "glossary.md"},
    ]
    if aimed is not None:
        plugin = next(p for p in config["plugins"] if isinstance(p, dict) and "aimed" in p)
        plugin["aimed"] = {**(plugin["aimed"] or {}), **aimed}
    docs = folder / "course"
    (docs / "modules").mkdir(parents=True)
    (docs / "course.toml").write_text(manifest, encoding="utf-8")
    (docs / "assets").symlink_to(ROOT / "course" / "assets")
    (docs / "index.md").write_text("# Home\n\n<!-- progress -->\n", encoding="utf-8")
    (docs / "index.fr.md").write_text("# Accueil\n\n<!-- progress -->\n", encoding="utf-8")
    for name in ("bibliography.md", "bibliography.fr.md"):
        (docs / name).write_text((ROOT / "course" / name).read_text("utf-8"), encoding="utf-8")
    (docs / "modules" / "reading-performance.md").write_text(module_en, encoding="utf-8")
    (docs / "modules" / "reading-performance.fr.md").write_text(module_fr, encoding="utf-8")
    (folder / "site" / "references").mkdir(parents=True)
    (folder / "site" / "references" / "test.toml").write_text(references, encoding="utf-8")
    (folder / "site" / "includes").mkdir(parents=True)
    (folder / "site" / "includes" / "abbreviations.en.md").write_text(
        "*[PPV]: Positive predictive value\n", encoding="utf-8"
    )
    (folder / "site" / "includes" / "abbreviations.fr.md").write_text(
        "*[VPP]: Valeur prédictive positive\n", encoding="utf-8"
    )
    downloads = folder / "build" / "downloads"
    downloads.mkdir(parents=True)
    for name in zips:
        with zipfile.ZipFile(downloads / name, "w") as archive:
            archive.writestr("exercise.ipynb", "{}")
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def build(config: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **environ},
    )


def html(folder: Path, page: str) -> str:
    return (folder / "out" / page / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- citation rules (no build)


def load_references_from(text: str) -> dict[str, Reference]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "a.toml").write_text(text, encoding="utf-8")
        return load_references(Path(folder))


def test_short_labels_follow_the_number_of_authors() -> None:
    refs = load_references_from(REFERENCES)
    assert refs["sjoding2020"].label("en") == "Sjoding et al., 2020"
    assert refs["smith2021"].label("en") == "Smith et al., 2021"
    assert refs["jones2022"].label("en") == "Jones and Smith, 2022"
    assert refs["jones2022"].label("fr") == "Jones et Smith, 2022"
    assert refs["who2023"].label("fr") == "WHO, 2023"
    assert Reference("k", "Bösner S, et al.", 2010, "t", "s").label("fr") == "Bösner et al., 2010"
    survey = Reference("k", "ACSEL (L'association numérique); fieldwork by X", 2025, "t", "s")
    assert survey.label("en") == "ACSEL, 2025"


def test_citations_become_links_to_the_bibliography_anchor() -> None:
    refs = load_references_from(REFERENCES)
    out = expand_citations("SpO2 [@sjoding2020; @who2023].", refs, "en", "../bibliography.md")
    assert out == (
        "SpO2 ([Sjoding et al., 2020](../bibliography.md#sjoding2020); "
        "[WHO, 2023](../bibliography.md#who2023))."
    )


def test_unknown_citation_is_an_error_naming_the_key() -> None:
    refs = load_references_from(REFERENCES)
    with pytest.raises(CitationError, match="nosuchkey"):
        expand_citations("text\n\nfigure [@nosuchkey]", refs, "en", "bibliography.md")


def test_code_is_never_read_as_a_citation() -> None:
    text = "Write `[@key]` inline.\n\n```\n[@other]\n```\n\nReal [@smith2021]."
    assert cited_keys(text) == ["smith2021"]


def test_a_key_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(REFERENCES, encoding="utf-8")
    (tmp_path / "b.toml").write_text(REFERENCES.split("[smith2021]")[0], encoding="utf-8")
    with pytest.raises(CitationError, match="sjoding2020.*a.toml and b.toml"):
        load_references(tmp_path)


def test_an_entry_missing_a_field_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[x2020]\nauthors = "X Y"\nyear = 2020\n', encoding="utf-8")
    with pytest.raises(CitationError, match="lacks title, source"):
        load_references(tmp_path)


def test_bibliography_lists_every_entry_with_its_anchor() -> None:
    listing = render_bibliography(load_references_from(REFERENCES), "en")
    assert listing.count("{: #") == 4
    assert "Smith AB, Jones C, et al.. " not in listing and "paper.." not in listing
    assert "{: #sjoding2020 .aimed-reference }" in listing
    assert "<https://doi.org/10.1056/NEJMc2029240>" in listing
    assert "Dickson RP, Iwashyna TJ, Gay SE, Valley TS. Racial Bias" in listing
    # sorted by first author: Jones, Sjoding, Smith, World Health Organization
    order = [listing.index(f"#{key}") for key in ("jones2022", "sjoding2020", "smith2021")]
    assert order == sorted(order) and order[-1] < listing.index("#who2023")


# ---------------------------------------------------------------- whole builds


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The fixture project built once for the tests that only read it: (folder, stderr)."""
    folder = tmp_path_factory.mktemp("fixture-site")
    result = build(write_project(folder, zips=("reading-performance-fr.zip",)))
    assert result.returncode == 0, result.stderr
    return folder, result.stderr


@pytest.mark.slow
def test_module_page_gets_every_feature(fixture_site: tuple[Path, str]) -> None:
    tmp_path, stderr = fixture_site
    assert "glossary.fr.md'] not written yet: left out" in stderr

    english = html(tmp_path, "modules/reading-performance")
    french = html(tmp_path, "fr/modules/reading-performance")
    assert "Estimated reading time: 25 minutes" in english
    assert "Temps de lecture estimé" in french and "25\u00a0minutes" in french
    assert 'href="http://127.0.0.1:8501/test-result?lang=en"' in english
    assert 'href="http://127.0.0.1:8501/test-result?lang=fr"' in french
    assert ">Try it in the sandbox<" in english
    assert ">Essayer dans le bac à sable<" in french
    # citations: short labels linked to the bibliography of the same language
    assert '<a href="../../bibliography/#sjoding2020">Sjoding et al., 2020</a>' in english
    assert '<a href="../../bibliography/#sjoding2020">Sjoding et al., 2020</a>' in french
    assert "<code>[@notakey]</code>" in english
    # a citation in a quiz explanation is expanded too
    quiz = english[english.index('class="quiz"') :]
    assert "Jones and Smith, 2022</a>" in quiz
    # the exercise: French zip built -> link; English zip missing -> trainer, no link
    assert 'href="../../../downloads/reading-performance-fr.zip"' in french
    assert "downloads/reading-performance-en.zip" not in english
    assert "Your trainer distributes this exercise" in english
    assert (tmp_path / "out" / "downloads" / "reading-performance-fr.zip").is_file()
    # mark-as-read control and abbreviations per language
    assert 'class="aimed-read" data-module="reading-performance"' in english
    assert "I have read this module" in english and "J'ai lu ce module" in french
    assert '<abbr title="Positive predictive value">PPV</abbr>' in english
    assert '<abbr title="Valeur prédictive positive">VPP</abbr>' in french
    assert "Positive predictive value" not in french
    assert '<abbr title="Positive predictive value">PPV</abbr> says why' in quiz
    bibliography = html(tmp_path, "fr/bibliography")
    for key in ("sjoding2020", "smith2021", "who2023", "jones2022"):
        assert f'id="{key}"' in bibliography


@pytest.mark.slow
def test_home_page_progress_table_lists_modules_in_both_languages(
    fixture_site: tuple[Path, str],
) -> None:
    english, french = html(fixture_site[0], ""), html(fixture_site[0], "fr")
    row = re.search(r'<tr data-module="reading-performance"[^>]*>', english)
    assert row is not None
    assert 'data-pages="modules/reading-performance/ fr/modules/reading-performance/"' in row[0]
    assert 'data-quizzes="1"' in row[0]
    assert 'data-pages="../modules/reading-performance/ modules/reading-performance/"' in french
    # titles as in the navigation of each language
    # the module's title and number come from the manifest, in each language
    assert ">Module 1: Reading a model&#x27;s performance</a>" in english
    assert ">Module 1\u00a0: Lire la performance d&#x27;un modèle</a>" in french
    assert ">Reset my progress<" in english and ">Effacer ma progression<" in french


@pytest.mark.slow
def test_unknown_citation_fails_the_build(tmp_path: Path) -> None:
    config = write_project(tmp_path, module_fr=MODULE_FR.replace("@who2023", "@who2032"))
    result = build(config)
    assert result.returncode != 0
    assert "reading-performance.fr.md" in result.stderr and "who2032" in result.stderr


@pytest.mark.slow
def test_unknown_sandbox_scenario_fails_the_build(tmp_path: Path) -> None:
    config = write_project(
        tmp_path, module_en=MODULE_EN.replace("sandbox: test-result", "sandbox: test-results")
    )
    result = build(config)
    assert result.returncode != 0
    assert "unknown sandbox scenario 'test-results'" in result.stderr


@pytest.mark.slow
def test_a_variant_the_manifest_does_not_list_fails_the_build(tmp_path: Path) -> None:
    config = write_project(
        tmp_path,
        module_en=MODULE_EN.replace(
            "<!-- sandbox: test-result -->", "<!-- sandbox: biased-data variant=racial -->"
        ),
    )
    result = build(config)
    assert result.returncode != 0
    assert "reading-performance.md: sandbox scenario 'biased-data' has no variant 'racial'" in (
        result.stderr
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("setting", "value"),
    [("sandbox_url", "127.0.0.1:8501"), ("lab_url", "localhost/lab"), ("sandbox_url", "")],
)
def test_a_url_without_its_scheme_is_refused_before_the_build(
    tmp_path: Path, setting: str, value: str
) -> None:
    result = build(write_project(tmp_path, aimed={setting: value}))
    assert result.returncode != 0
    assert f"Plugin 'aimed' option '{setting}'" in result.stderr
    assert "is not a web address: write it with its scheme and host" in result.stderr
    variable = {"sandbox_url": "AIMED_SANDBOX_URL", "lab_url": "AIMED_LAB_URL"}[setting]
    assert variable in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_urls_come_from_the_platform_settings_at_build_time(tmp_path: Path) -> None:
    """Unset in mkdocs.yml: AIMED_SANDBOX_URL and AIMED_LAB_URL, checked like every setting."""
    config = write_project(tmp_path, zips=("reading-performance-en.zip",))
    result = build(config, AIMED_SANDBOX_URL="127.0.0.1:8501")
    assert result.returncode != 0
    assert "AIMED_SANDBOX_URL='127.0.0.1:8501': give a full address with its scheme" in (
        result.stderr
    )
    lab = "http://127.0.0.1:9999"
    result = build(config, AIMED_SANDBOX_URL="http://10.0.0.2:8600", AIMED_LAB_URL=lab)
    assert result.returncode == 0, result.stderr
    english = html(tmp_path, "modules/reading-performance")
    assert 'href="http://10.0.0.2:8600/test-result?lang=en"' in english
    assert f'href="{lab}/aimed/open/reading-performance-en"' in english


@pytest.mark.slow
def test_the_plugin_takes_its_urls_from_its_settings(tmp_path: Path) -> None:
    aimed = {"sandbox_url": "https://sandbox.example.org/", "lab_url": ""}
    result = build(write_project(tmp_path, zips=("reading-performance-en.zip",), aimed=aimed))
    assert result.returncode == 0, result.stderr
    english = html(tmp_path, "modules/reading-performance")
    assert 'href="https://sandbox.example.org/test-result?lang=en"' in english
    assert "downloads/reading-performance-en.zip" in english and "/aimed/open/" not in english
    assert not (tmp_path / "out" / "course.toml").exists(), "the manifest is not published"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("manifest", "nav", "said"),
    [
        (
            MANIFEST.replace("modules/reading-performance.md", "modules/reading.md"),
            None,
            "unknown page modules/reading.md",
        ),
        (
            MANIFEST.replace('exercise = "reading-performance"', 'exercise = "reading"'),
            None,
            "exercise 'reading': its folder is missing",
        ),
        (
            MANIFEST.replace('slug = "reading-performance"', 'slug = "performance"'),
            None,
            "`module: reading-performance` is not `module: performance`",
        ),
        (
            MANIFEST,
            [{"Home": "index.md"}, {"Bias": "modules/bias.md"}],
            "modules/bias.md is not a module of",
        ),
        (MANIFEST, [{"Home": "index.md"}], "the modules listed (none) are not those of"),
    ],
)
def test_a_manifest_the_course_does_not_follow_fails_the_build(
    tmp_path: Path, manifest: str, nav: list | None, said: str
) -> None:
    config = write_project(tmp_path, manifest=manifest)
    if nav is not None:
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
        settings["nav"] = nav
        config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    result = build(config)
    assert result.returncode != 0
    assert said in result.stderr


@pytest.mark.slow
def test_a_module_written_in_one_language_only_is_left_out_of_both(tmp_path: Path) -> None:
    manifest = MANIFEST + MANIFEST[MANIFEST.index("[[module]]") :].replace(
        "reading-performance", "incomplete-input"
    ).replace('exercise = "incomplete-input"', "")
    config = write_project(tmp_path, manifest=manifest)
    (tmp_path / "course" / "modules" / "incomplete-input.md").write_text(
        MODULE_EN.replace("module: reading-performance", "module: incomplete-input"), "utf-8"
    )
    result = build(config)
    assert result.returncode == 0, result.stderr
    assert "modules/incomplete-input.fr.md'] not written yet: left out" in result.stderr
    assert not (tmp_path / "out" / "modules" / "incomplete-input").exists()
    assert ">Module 1: Reading a model&#x27;s performance</a>" in html(tmp_path, "")


@pytest.mark.slow
def test_link_to_a_missing_anchor_fails_the_strict_build(tmp_path: Path) -> None:
    config = write_project(
        tmp_path, module_en=MODULE_EN + "\nSee [the glossary](../bibliography.md#nowhere).\n"
    )
    result = build(config)
    assert result.returncode != 0
    assert "nowhere" in result.stderr


# ---------------------------------------------------------------- final assessment and record

ASSESSMENT_EN = """---
assessment: final
pass_mark: 2
quiz:
  auto_submit: false
---

# Final assessment

<quiz>
One?
- [x] Yes
- [ ] No

Because one is one, and the explanation of each option is long enough to be read here.
</quiz>

<quiz>
Two?
- [ ] No
- [x] Yes

Because two is two, and the explanation of each option is long enough to be read here.
</quiz>

<quiz>
Three?
- [x] Yes
- [ ] No

Because three is three, and the explanation of each option is long enough to be read here.
</quiz>
"""


def page(kind: str, quizzes: int, **fields: int) -> CoursePage:
    return CoursePage("x.md", "X", "x", kind, "x/", "x/ fr/x/", quizzes, **fields)


def test_study_time_adds_the_stated_allowances_to_the_reading_times() -> None:
    pages = [
        page("module", 0, reading_time=7),  # orientation: no quiz, no sandbox
        page("module", 5, reading_time=20, sandboxes=1),
        page("module", 6, reading_time=30, sandboxes=1, exercises=1),
        page("assessment", 30, pass_mark=24),
    ]
    time = study_time(pages)
    assert (time.reading, time.pages, time.quizzes, time.sandboxes, time.exercises) == (
        57,
        3,
        2,
        2,
        1,
    )
    assert time.questions == 30
    # 57 + 2 quizzes x 5 + 2 scenarios x 15 + 1 exercise x 45 + 30 questions x 1
    assert time.total == 57 + 10 + 30 + 45 + 30
    assert format_duration(time.total, "en") == "2 h 52 min"
    assert format_duration(time.total, "fr") == "2\u00a0h\u00a052"
    assert format_duration(120, "en") == "2 h" and format_duration(125, "fr") == "2\u00a0h\u00a005"


def test_a_pass_mark_is_a_whole_number_of_the_questions() -> None:
    assert check_pass_mark(24, 30) == 24
    for bad in (0, 31, "24", 24.0, True, None):
        with pytest.raises(ValueError, match="pass_mark"):
            check_pass_mark(bad, 30)
    with pytest.raises(ValueError, match="needs <quiz> questions"):
        check_pass_mark(1, 0)


def test_the_pass_mark_is_stated_before_any_answer_in_both_languages() -> None:
    english = assessment_rules(30, 24, "en", "../my-record/")
    french = assessment_rules(30, 24, "fr", "../my-record/")
    assert "at least 24 correct answers out of 30 (80%)" in english
    assert "au moins 24\u00a0bonnes réponses sur 30 (80\u00a0%)" in french
    assert "Submit my answers" in english and "Valider mes réponses" in french
    assert 'href="../my-record/"' in english and 'href="../my-record/"' in french


def test_the_course_version_comes_from_pyproject(tmp_path: Path) -> None:
    import tomllib

    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "2.3.4"\n', encoding="utf-8")
    assert course_version(tmp_path) == "2.3.4"
    assert (
        course_version(ROOT)
        == tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    )


def add_assessment_and_record(config: Path, assessment: str = ASSESSMENT_EN) -> None:
    """The fixture project, plus a final assessment and a record page in both languages."""
    docs = config.parent / "course"
    (docs / "final-assessment.md").write_text(assessment, encoding="utf-8")
    (docs / "final-assessment.fr.md").write_text(
        assessment.replace("# Final assessment", "# Évaluation finale"), encoding="utf-8"
    )
    (docs / "my-record.md").write_text("# My record\n\n<!-- record -->\n", encoding="utf-8")
    (docs / "my-record.fr.md").write_text(
        "# Mon attestation\n\n<!-- record -->\n", encoding="utf-8"
    )
    settings = yaml.load(config.read_text(encoding="utf-8"), ConfigLoader)
    settings["nav"][2:2] = [
        {"Final assessment": "final-assessment.md"},
        {"My record": "my-record.md"},
    ]
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


@pytest.mark.slow
def test_assessment_and_record_pages_are_built_from_the_course(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    add_assessment_and_record(config)
    result = build(config)
    assert result.returncode == 0, result.stderr

    english = html(tmp_path, "final-assessment")
    french = html(tmp_path, "fr/final-assessment")
    # the rules under the title, before the first question; the submit block after the last
    assert english.index("at least 2 correct answers out of 3 (67%)") < english.index('id="quiz-0"')
    assert english.index('id="quiz-2"') < english.index(">Submit my answers</button>")
    assert 'data-assessment="final" data-questions="3" data-pass="2"' in english
    # the key is not in the options' attributes, and the page says a static page cannot hide it
    assert "data-correct" not in re.sub(r"<script.*?</script>", "", english, flags=re.S)
    assert re.search(r'data-key="[A-Za-z0-9+/=]+"', english)
    assert "cannot hide its answer key" in english and "ne peut pas cacher son corrigé" in french
    assert "au moins 2\u00a0bonnes réponses sur 3 (67\u00a0%)" in french
    assert ">Valider mes réponses</button>" in french
    # no per-question auto-submit: answers are submitted together
    assert 'data-auto-submit="true"' not in english

    # the home page's progress table ends with the assessment, with its own pass mark
    home = html(tmp_path, "")
    row = re.search(r'<tr data-assessment="final"[^>]*>', home)
    assert row is not None and 'data-quizzes="3" data-pass="2"' in row[0]
    assert home.index('data-module="reading-performance"') < home.index('data-assessment="final"')
    assert ">Dates</th>" in home

    record = html(tmp_path, "my-record")
    record_fr = html(tmp_path, "fr/my-record")
    assert '<tr data-module="reading-performance"' in record
    assert 'data-assessment="final"' in record and 'data-pass="2"' in record
    assert f"version {course_version(tmp_path)}, built on " in record
    assert "L&#x27;IA en médecine, pour les médecins, version" in record_fr
    # 25 min of reading + 1 quiz x 5 + 1 sandbox x 15 + 1 exercise x 45 + 3 questions x 1
    assert 'data-minutes="93"' in record and ">1 h 33 min<" in record
    assert "25 minutes of reading" in record and "= 93 minutes." in record
    assert ">1\u00a0h\u00a033<" in record_fr
    assert "This record is self-declared" in record and "attestation est déclarative" in record_fr
    assert 'for="aimed-record-name"' in record and ">Print or save as PDF<" in record


def banked(*markers: str) -> str:
    """An assessment page whose quizzes carry these markers ("" for none)."""
    quizzes = [
        (f"<!-- situation: {m} -->\n" if m else "") + f"<quiz>\nQ{n}?\n- [x] Yes\n- [ ] No\n</quiz>"
        for n, m in enumerate(markers)
    ]
    return "# Final\n\n" + "\n\n".join(quizzes) + "\n"


def test_the_bank_groups_consecutive_versions_of_a_situation() -> None:
    modules = ["bias", "reading-performance"]
    text = banked("bias-1", "bias-1", "bias-2", "reading-performance-1", "reading-performance-1")
    assert assessment_bank(text, modules) == [
        Situation("bias-1", "bias", (0, 1)),
        Situation("bias-2", "bias", (2,)),
        Situation("reading-performance-1", "reading-performance", (3, 4)),
    ]
    # a page without markers: each question is its own situation
    assert assessment_bank(banked("", "")) == [Situation("q1", "", (0,)), Situation("q2", "", (1,))]
    # a quiz inside a code fence is no question
    fenced = text + "\n```\n<!-- situation: bias-3 -->\n<quiz>\n```\n"
    assert len(assessment_bank(fenced, modules)) == 3


@pytest.mark.parametrize(
    ("markers", "message"),
    [
        (("bias-1", ""), "question 2 has no"),
        (("bias-1", "bias-2", "bias-1"), "must follow each other"),
        (("bias-2",), "expected bias-1"),
        (("lungs-1",), "no module 'lungs'"),
        (("Bias one",), "is not <module-slug>-<number>"),
    ],
)
def test_a_wrong_bank_marker_is_refused_with_its_reason(markers: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        assessment_bank(banked(*markers), ["bias"])
    with pytest.raises(ValueError, match="not followed by a <quiz>"):
        assessment_bank(banked("bias-1") + "\n<!-- situation: bias-2 -->\n", ["bias"])


def test_the_key_leaves_the_options_for_a_masked_attribute() -> None:
    """Pins mkdocs-quiz 1.7.1's option markup: a change there fails here, not in a browser."""
    html = (
        '<div class="aimed-assessment" data-key="" hidden></div>'
        '<input type="radio" name="answer" value="0" id="quiz-0-0" >'
        '<input type="radio" name="answer" value="1" id="quiz-0-1" data-correct="true">'
        '<input type="checkbox" name="answer" value="2" id="quiz-7-2" data-correct="true">'
    )
    hidden = hide_key(html)
    assert "data-correct" not in hidden
    encoded = re.search(r'data-key="([^"]+)"', hidden)[1]
    assert decode_key(encoded) == {0: ["1"], 7: ["2"]}
    assert '"1"' not in encoded and "quiz" not in encoded
    assert decode_key(encode_key({3: ["0", "2"]})) == {3: ["0", "2"]}
    with pytest.raises(ValueError, match="does not know"):
        hide_key('<input data-correct="true" type="radio" name="answer" value="0">')


@pytest.mark.slow
def test_an_assessment_without_a_valid_pass_mark_fails_the_build(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    add_assessment_and_record(config, ASSESSMENT_EN.replace("pass_mark: 2", "pass_mark: 4"))
    result = build(config)
    assert result.returncode != 0
    assert (
        "final-assessment" in result.stderr
        and "pass_mark 4 is not between 1 and 3" in result.stderr
    )


def test_the_automation_bias_check_comes_before_module_7_and_at_the_end() -> None:
    """course.toml's `before` puts the first check just above module 7 in the menu; the
    second closes the modules in mkdocs.yml, before the final assessment."""
    from aimed.course_manifest import load_manifest
    from aimed.site.hooks.course_features import nav_titles, with_modules

    manifest = load_manifest(ROOT / "course" / "course.toml")
    nav = [{"Home": "index.md"}, {"Modules": "course.toml"}, "automation-bias-after.md"]
    pages = list(nav_titles(with_modules(nav, manifest, ROOT / "course")))
    seventh = manifest.modules[6].page
    assert pages[pages.index(seventh) - 1] == "automation-bias-before.md"
    assert pages[-1] == "automation-bias-after.md"
    menu = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert menu.index("- automation-bias-after.md") < menu.index("- Final assessment:")
