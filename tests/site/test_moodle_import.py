"""Quizzes into Moodle, through Moodle's own importer.

Each Moodle XML file the course writes (both languages, every quiz and the final assessment's
bank) is read by Moodle's ``qformat_xml::readquestions`` (question/format/xml/format.php, run
from a Moodle source tree under PHP), and what it built is compared with the course's pages:
category paths and ID numbers, question names, texts, options, grades and feedback. A file we
break on purpose makes Moodle report an error.

Moodle is on none of the package registries this project installs from, and the repository
carries none of Moodle's (GPL) source: the test runs where ``AIMED_MOODLE_DIR`` names a Moodle
checkout or a Moodle site's code folder (``make moodle-check MOODLE_DIR=...``), and is left out
of the run elsewhere (marker ``moodle``, tests/conftest.py). tests/moodle/README.md says what
runs and what stands in for the rest of a Moodle site.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_moodle_xml import COURSE, MANIFEST, pages, plain, source_quizzes, text_of

from aimed.site import moodle
from aimed.site.hooks.course_record import assessment_bank

MOODLE_DIR = os.environ.get("AIMED_MOODLE_DIR", "")
pytestmark = pytest.mark.moodle

IMPORT = Path(__file__).resolve().parents[1] / "moodle" / "import.php"
HTML = "1"  # FORMAT_HTML


def moodle_import(*files: Path) -> dict:
    """What Moodle's importer built from each file, with the errors it reported."""
    php = shutil.which("php")
    assert php, "php is missing: apt-get install php-cli php-xml"
    done = subprocess.run(
        [php, str(IMPORT), MOODLE_DIR, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("moodle")
    moodle.export(out, COURSE)
    return out


@pytest.fixture(scope="module")
def imported(exported: Path) -> dict:
    """Moodle's reading of every file, keyed "<lang>/<page>"."""
    files = sorted(exported.rglob("*.xml"))
    report = moodle_import(*files)
    assert report["moodle"], "no $release in the tree's version.php"
    return {
        path.relative_to(exported).with_suffix("").as_posix(): report["files"][str(path)]
        for path in files
    }


def test_moodle_imports_every_file_without_a_word(imported: dict) -> None:
    assert len(imported) == 2 * (len(MANIFEST.modules) + 1)
    for name, result in imported.items():
        assert result["errors"] == [] and result["importerrors"] == 0, name
        assert result["debugging"] == result["warnings"] == [] and result["printed"] == "", name


@pytest.mark.parametrize(("name", "lang", "source"), pages(), ids=lambda v: str(v))
def test_moodle_builds_each_question_as_the_page_wrote_it(imported, name, lang, source) -> None:
    questions = [q for q in imported[f"{lang}/{name}"]["questions"] if q["qtype"] != "category"]
    expected = source_quizzes(source, lang)
    assert len(questions) == len(expected) > 0
    module = next((m for m in MANIFEST.modules if m.slug == name), None)
    label = module.titles[lang] if module else moodle.FINAL[lang]
    right_words, partly_words, wrong_words = moodle.COMBINED[lang]
    for n, (question, page) in enumerate(zip(questions, expected, strict=True), 1):
        where = f"{lang}/{name} Q{n}"
        assert question["qtype"] == "multichoice", where
        assert question["idnumber"] == f"aimed-{name}-{lang}-q{n}", where
        assert question["name"].startswith(f"{label} · Q{n}"), where
        assert question["questiontext"]["format"] == HTML, where
        assert text_of(question["questiontext"]["text"]) == page["question"], where
        assert question["generalfeedback"]["format"] == HTML, where
        assert text_of(question["generalfeedback"]["text"]) == page["explanation"], where
        answers = question["answers"]
        got = [(text_of(a["text"]["text"]), a["fraction"] == 1) for a in answers]
        assert got == page["options"], where
        for answer, (_, right) in zip(answers, page["options"], strict=True):
            assert answer["fraction"] == (1 if right else 0), where
            assert answer["text"]["format"] == answer["feedback"]["format"] == HTML, where
            said = moodle.RIGHT[lang] if right else moodle.WRONG[lang]
            assert text_of(answer["feedback"]["text"]) == plain(said), where
        # What qtype_multichoice checks when it saves: two options or more, and for a
        # one-answer question an option worth the whole mark.
        assert len([a for a in answers if a["text"]["text"].strip()]) >= 2, where
        assert question["single"] == 1 and max(a["fraction"] for a in answers) == 1, where
        assert question["shuffleanswers"] == 1 and question["answernumbering"] == "abc", where
        assert question["defaultmark"] == 1 and question["penalty"] == pytest.approx(1 / 3), where
        assert text_of(question["correctfeedback"]["text"]) == right_words, where
        assert text_of(question["partiallycorrectfeedback"]["text"]) == partly_words, where
        assert text_of(question["incorrectfeedback"]["text"]) == wrong_words, where


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_moodle_files_each_question_in_its_category(imported: dict, lang: str) -> None:
    """One category per module; the final assessment's situations, each holding its versions,
    under Final assessment/Module N: title/Situation k, as Moodle splits the path."""
    root = ["$course$", "top", moodle.ROOT_CATEGORY[lang]]
    for module in MANIFEST.modules:
        title = moodle.MODULE[lang].format(n=module.number, title=module.titles[lang])
        built = imported[f"{lang}/{module.slug}"]["questions"]
        assert built[0]["qtype"] == "category" and built[0]["path"] == [*root, title]
        assert built[0]["idnumber"] == f"aimed-{lang}-{module.slug}"
        assert [q["qtype"] for q in built[1:]] == ["multichoice"] * (len(built) - 1)
        assert all(q["category"] == [*root, title] for q in built[1:])

    source = COURSE / ("final-assessment.md" if lang == "en" else "final-assessment.fr.md")
    bank = assessment_bank(source.read_text(encoding="utf-8"), [m.slug for m in MANIFEST.modules])
    page = source_quizzes(source, lang)
    expected = {}
    for situation in bank:
        module = MANIFEST.module(situation.module)
        path = (
            *root,
            moodle.FINAL[lang],
            moodle.MODULE[lang].format(n=module.number, title=module.titles[lang]),
            moodle.SITUATION[lang].format(k=situation.id.rsplit("-", 1)[1]),
        )
        idnumber = f"aimed-{lang}-final-assessment-{situation.id}"
        expected[path] = (idnumber, [page[i]["question"] for i in situation.versions])
    held: dict[tuple, tuple] = {}
    for built in imported[f"{lang}/final-assessment"]["questions"]:
        if built["qtype"] == "category":
            held[tuple(built["path"])] = (built["idnumber"], [])
        else:
            held[tuple(built["category"])][1].append(text_of(built["questiontext"]["text"]))
    assert held == expected
    assert len(held) == len(bank) >= 3 * len(MANIFEST.modules)


def test_a_broken_file_makes_moodle_report_an_error(exported: Path, tmp_path: Path) -> None:
    good = (exported / "en" / "bias.xml").read_text(encoding="utf-8")
    broken = {
        "tag": good.replace("</questiontext>", "</questiontxt>", 1),
        "grade": good.replace('fraction="100"', 'fraction="97"', 1),
        "type": good.replace('type="multichoice"', 'type="multichoise"', 1),
        "name": good.replace("<name>", "<label>", 1).replace("</name>", "</label>", 1),
        "root": good.replace("<quiz>", "<questions>").replace("</quiz>", "</questions>"),
    }
    for what, text in broken.items():
        (tmp_path / f"{what}.xml").write_text(text, encoding="utf-8")
    report = moodle_import(*(tmp_path / f"{what}.xml" for what in broken))["files"]
    errors = {what: report[str(tmp_path / f"{what}.xml")]["errors"] for what in broken}
    assert errors["tag"] == [
        "Error parsing XML: Mismatched tag at line 20, char 19",
        "There are no questions in the import file",
    ]
    assert len(errors["grade"]) == 1
    assert errors["grade"][0].startswith("Grades (0.97) do not match grade options")
    assert errors["type"] == ["Question type multichoise is not supported by XML import"]
    assert errors["name"] == ["Missing question name in XML file"]
    assert errors["root"] == ["There are no questions in the import file"]
