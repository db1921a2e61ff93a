"""Quizzes into a learning platform: QTI packages from mkdocs-quiz's own exporter.

Every package parses, each item's correct answers are the page's, and both languages have
the same items.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from test_site import quizzes

ROOT = Path(__file__).resolve().parents[2]
QTI21 = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
QTI12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@pytest.fixture(scope="module")
def exporter():
    import qti  # scripts/qti.py, on pytest's path (pyproject.toml)

    return qti


@pytest.fixture(scope="module")
def packages(exporter, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qti")
    exporter.export(out)
    return out


def correct_21(package: Path) -> list[list[int]]:
    """For each item, the positions (1-based) of its correct answers, in QTI 2.1."""
    found = []
    with zipfile.ZipFile(package) as archive:
        ET.fromstring(archive.read("imsmanifest.xml"))
        items = sorted(
            (n for n in archive.namelist() if n.startswith("items/")),
            key=lambda n: int(n.rsplit("-q", 1)[1].removesuffix(".xml")),
        )
        for name in items:
            root = ET.fromstring(archive.read(name))
            values = [v.text for v in root.iter(f"{QTI21}value") if v.text and "-a" in v.text]
            found.append(sorted(int(v.rsplit("-a", 1)[1]) for v in values))
    return found


def correct_12(package: Path) -> list[list[int]]:
    found = []
    with zipfile.ZipFile(package) as archive:
        items = sorted(
            (n for n in archive.namelist() if n.startswith("items/")),
            key=lambda n: int(n.rsplit("-q", 1)[1].removesuffix(".xml")),
        )
        for name in items:
            root = ET.fromstring(archive.read(name))
            values = {v.text for v in root.iter(f"{QTI12}varequal")}
            found.append(sorted(int(v.rsplit("-a", 1)[1]) for v in values))
    return found


def test_every_page_with_a_quiz_has_a_package_per_language_and_version(exporter, packages) -> None:
    pages = exporter.quiz_pages()
    assert pages, "no quiz found in the course"
    for name, lang, _ in pages:
        for version in ("1.2", "2.1"):
            assert (packages / version / f"{name}-{lang}.zip").is_file()
    assert {"final-assessment", "reading-performance"} <= {name for name, _, _ in pages}


def test_each_item_has_the_page_s_correct_answers(exporter, packages) -> None:
    for name, lang, source in exporter.quiz_pages():
        expected = [
            [n for n, right in enumerate(q["correct"], 1) if right] for q in quizzes(source)
        ]
        assert correct_21(packages / "2.1" / f"{name}-{lang}.zip") == expected, (name, lang)
        assert correct_12(packages / "1.2" / f"{name}-{lang}.zip") == expected, (name, lang)


def test_both_languages_have_as_many_items(exporter, packages) -> None:
    counts = Counter()
    for name, lang, _ in exporter.quiz_pages():
        counts[lang] += len(correct_21(packages / "2.1" / f"{name}-{lang}.zip"))
    assert counts["en"] == counts["fr"] > 0


def test_citations_become_plain_labels(packages) -> None:
    with zipfile.ZipFile(packages / "2.1" / "reading-performance-en.zip") as archive:
        text = " ".join(archive.read(n).decode() for n in archive.namelist())
    assert "[@" not in text and "bibliography" not in text
