"""The course-site hook (hooks/course_features.py) on a small temporary project.

Each test builds a throw-away copy of the real configuration around fixture pages, so the rules
are checked independently of the course content being written: citations resolve or stop the
build, sandbox buttons point at the right scenario in the page's language, exercise blocks link
to a zip only when it exists, and the progress table lists the modules.
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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site" / "hooks"))

from course_references import (  # noqa: E402
    CitationError,
    Reference,
    cited_keys,
    expand_citations,
    load_references,
    render_bibliography,
)

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
) -> Path:
    """A copy of the real mkdocs.yml around fixture pages; returns the config file."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), ConfigLoader)
    config["theme"]["custom_dir"] = str(ROOT / "site" / "overrides")
    config["hooks"] = [str(ROOT / "site" / "hooks" / "course_features.py")]
    config["site_dir"] = str(folder / "out")
    config["nav"] = [
        {"Home": "index.md"},
        {"Module 2: Reading a model's performance": "modules/reading-performance.md"},
        {"Bibliography": "bibliography.md"},
        {"Not written yet": "modules/incomplete-input.md"},
    ]
    docs = folder / "course"
    (docs / "modules").mkdir(parents=True)
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


def build(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
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


@pytest.mark.slow
def test_module_page_gets_every_feature(tmp_path: Path) -> None:
    result = build(write_project(tmp_path, zips=("reading-performance-fr.zip",)))
    assert result.returncode == 0, result.stderr
    assert "modules/incomplete-input.fr.md'] not written yet: left out" in result.stderr

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
def test_home_page_progress_table_lists_modules_in_both_languages(tmp_path: Path) -> None:
    assert build(write_project(tmp_path)).returncode == 0
    english, french = html(tmp_path, ""), html(tmp_path, "fr")
    row = re.search(r'<tr data-module="reading-performance"[^>]*>', english)
    assert row is not None
    assert 'data-pages="modules/reading-performance/ fr/modules/reading-performance/"' in row[0]
    assert 'data-quizzes="1"' in row[0]
    assert 'data-pages="../modules/reading-performance/ modules/reading-performance/"' in french
    # titles as in the navigation of each language
    assert ">Module 2: Reading a model&#x27;s performance</a>" in english
    assert ">Module 2\u00a0: Lire la performance d&#x27;un modèle</a>" in french
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
def test_link_to_a_missing_anchor_fails_the_strict_build(tmp_path: Path) -> None:
    config = write_project(
        tmp_path, module_en=MODULE_EN + "\nSee [the glossary](../bibliography.md#nowhere).\n"
    )
    result = build(config)
    assert result.returncode != 0
    assert "nowhere" in result.stderr
