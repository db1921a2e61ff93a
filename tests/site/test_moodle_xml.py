"""Quizzes into Moodle: the Moodle XML files read back against the course's pages.

Every question, option, key and feedback of every file is compared with the page it came
from (read here with a parser of its own, citations as the bibliography labels them); the
structure is checked against Moodle's documented format as its importer reads it
(question/format/xml/format.php: categories, text formats, grades it accepts, ID numbers).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aimed.course_manifest import load_manifest
from aimed.site import moodle
from aimed.site.hooks.course_record import assessment_bank
from aimed.site.hooks.course_references import load_references
from aimed.site.quizzes import QuizPage

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
MANIFEST = load_manifest(COURSE / "course.toml")
REFERENCES = load_references(ROOT / "site" / "references")
QUIZ = re.compile(r"^<quiz>\n(.*?)^</quiz>", re.M | re.S)
ANSWER = re.compile(r"^- \[([ xX])\] (.*)$")
# question_bank::fraction_options_full(), as percentages, and their opposites
GRADES = {"100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333"}
GRADES |= {"30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0"}
GRADES |= {f"-{g}" for g in GRADES if g != "0"}
FORMATS = {"html", "moodle_auto_format", "plain_text", "markdown", "wiki_like"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    """What a learner reads of an HTML fragment, whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return plain("".join(parser.parts))


def plain(text: str) -> str:
    return " ".join(text.replace("“", '"').replace("”", '"').split())


def labelled(text: str, lang: str) -> str:
    """``[@a; @b]`` as the bibliography labels them: ``(A et al., 2020; B, 2019)``."""

    def label(match: re.Match[str]) -> str:
        keys = re.findall(r"@([\w-]+)", match.group(0))
        return "(" + "; ".join(REFERENCES[k].label(lang) for k in keys) + ")"

    return re.sub(r"\[(@[\w-]+(?:\s*;\s*@[\w-]+)*)\]", label, text)


def source_quizzes(path: Path, lang: str) -> list[dict]:
    """Each quiz of a page as written: question, options with their key, explanation."""
    found = []
    for block in QUIZ.findall(path.read_text(encoding="utf-8")):
        lines = block.splitlines()
        first = next(i for i, line in enumerate(lines) if ANSWER.match(line))
        options, rest = [], first
        while rest < len(lines) and (ANSWER.match(lines[rest]) or not lines[rest].strip()):
            if match := ANSWER.match(lines[rest]):
                options.append((match.group(2), match.group(1) != " "))
            rest += 1
        found.append(
            {
                "question": plain(labelled("\n".join(lines[:first]), lang)),
                "options": [(plain(labelled(t, lang)), key) for t, key in options],
                "explanation": plain(labelled("\n".join(lines[rest:]), lang)),
            }
        )
    return found


def text(element: ET.Element, tag: str) -> str:
    found = element.find(f"{tag}/text")
    assert found is not None, f"<{tag}> has no <text>"
    return found.text or ""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("moodle")
    moodle.export(out, COURSE)
    return out


def pages() -> list[tuple[str, str, Path]]:
    found = []
    for path in sorted(COURSE.rglob("*.md")):
        if "<quiz>" in path.read_text(encoding="utf-8"):
            lang = "fr" if path.name.endswith(".fr.md") else "en"
            found.append((path.name.removesuffix(".md").removesuffix(".fr"), lang, path))
    return found


def test_every_page_with_a_quiz_has_a_file_per_language(exported: Path) -> None:
    expected = {f"{lang}/{name}.xml" for name, lang, _ in pages()}
    written = {p.relative_to(exported).as_posix() for p in exported.rglob("*.xml")}
    assert written == expected
    assert {"en/final-assessment.xml", "fr/final-assessment.xml", "fr/bias.xml"} <= written
    assert len(expected) == 2 * (len(MANIFEST.modules) + 1)


@pytest.mark.parametrize(("name", "lang", "source"), pages(), ids=lambda v: str(v))
def test_each_question_reads_back_as_the_page_wrote_it(exported, name, lang, source) -> None:
    root = ET.parse(exported / lang / f"{name}.xml").getroot()
    assert root.tag == "quiz"
    questions = [q for q in root.findall("question") if q.get("type") == "multichoice"]
    expected = source_quizzes(source, lang)
    assert len(questions) == len(expected) > 0
    for n, (question, page) in enumerate(zip(questions, expected, strict=True), 1):
        where = f"{lang}/{name} Q{n}"
        assert question.find("questiontext").get("format") == "html"
        assert text_of(text(question, "questiontext")) == page["question"], where
        assert text_of(text(question, "generalfeedback")) == page["explanation"], where
        assert "[@" not in ET.tostring(question, encoding="unicode"), where
        answers = question.findall("answer")
        got = [(text_of(a.findtext("text") or ""), a.get("fraction") == "100") for a in answers]
        assert got == page["options"], where
        for answer, (_, right) in zip(answers, page["options"], strict=True):
            feedback = text_of(text(answer, "feedback"))
            assert feedback == plain(moodle.RIGHT[lang] if right else moodle.WRONG[lang]), where
            assert answer.get("fraction") == ("100" if right else "0"), where
        assert question.findtext("idnumber") == f"aimed-{name}-{lang}-q{n}"
        assert question.findtext("single") == "true"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_one_category_per_module(exported: Path, lang: str) -> None:
    for module in MANIFEST.modules:
        root = ET.parse(exported / lang / f"{module.slug}.xml").getroot()
        categories = [q for q in root.findall("question") if q.get("type") == "category"]
        assert len(categories) == 1 and root.find("question") is categories[0]
        path = categories[0].findtext("category/text")
        assert path == (
            f"$course$/top/{moodle.ROOT_CATEGORY[lang]}/"
            + moodle.MODULE[lang].format(n=module.number, title=module.titles[lang])
        )
        assert categories[0].findtext("idnumber") == f"aimed-{lang}-{module.slug}"


@pytest.mark.parametrize(("name", "lang", "source"), pages(), ids=lambda v: str(v))
def test_questions_and_categories_are_named_after_the_page_heading(exported, name, lang, source):
    """The bank shows the page's title, never a comment of its front matter (the final
    assessment's names once read "Left out of the site search...")."""
    raw = source.read_text(encoding="utf-8")
    body = raw.split("\n---\n", 1)[1] if raw.startswith("---\n") else raw
    heading = next(line[2:].strip() for line in body.splitlines() if line.startswith("# "))
    module = next((m for m in MANIFEST.modules if m.slug == name), None)
    label = module.titles[lang] if module else heading
    root = ET.parse(exported / lang / f"{name}.xml").getroot()
    for question in root.findall("question"):
        if question.get("type") == "category":
            assert text_of(text(question, "info")) == heading
        else:
            assert (question.findtext("name/text") or "").startswith(f"{label} · Q")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_situation_of_the_final_assessment_is_a_category_moodle_can_draw_from(
    exported: Path, lang: str
) -> None:
    """Final assessment/Module N: title/Situation k, holding every version of the situation:
    a Moodle quiz draws one random question from each category."""
    source = COURSE / ("final-assessment.md" if lang == "en" else "final-assessment.fr.md")
    bank = assessment_bank(
        source.read_text(encoding="utf-8"), [module.slug for module in MANIFEST.modules]
    )
    final = ET.parse(exported / lang / "final-assessment.xml").getroot()
    current, held, ids = None, {}, {}
    for question in final.findall("question"):
        if question.get("type") == "category":
            current = question.findtext("category/text")
            ids[current] = question.findtext("idnumber")
        else:
            held.setdefault(current, []).append(text_of(text(question, "questiontext")))
    expected = {}
    for situation in bank:
        module = MANIFEST.module(situation.module)
        k = situation.id.rsplit("-", 1)[1]
        path = (
            f"$course$/top/{moodle.ROOT_CATEGORY[lang]}/{moodle.FINAL[lang]}/"
            + moodle.MODULE[lang].format(n=module.number, title=module.titles[lang])
            + "/"
            + moodle.SITUATION[lang].format(k=k)
        )
        expected[path] = [source_quizzes(source, lang)[i]["question"] for i in situation.versions]
        assert ids[path] == f"aimed-{lang}-final-assessment-{situation.id}"
    assert held == expected
    assert len(held) == len(bank) >= 3 * len(MANIFEST.modules)  # three or more per module


def test_the_structure_is_what_moodle_s_importer_reads(exported: Path) -> None:
    idnumbers: list[str] = []
    for path in sorted(exported.rglob("*.xml")):
        raw = path.read_bytes()
        assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
        root = ET.fromstring(raw)
        assert root.tag == "quiz" and root.find("question").get("type") == "category"
        assert b"http" not in raw and b"src=" not in raw, f"{path} points to another host"
        for question in root.findall("question"):
            assert question.get("type") in {"category", "multichoice"}
            idnumber = question.findtext("idnumber") or ""
            assert 0 < len(idnumber) <= 100 and re.fullmatch(r"[a-z0-9-]+", idnumber)
            idnumbers.append(idnumber)
            for element in question.iter():
                if element.get("format") is not None:
                    assert element.get("format") in FORMATS
            if question.get("type") == "category":
                continue
            name = question.findtext("name/text") or ""
            assert 0 < len(name) <= 255
            assert question.findtext("defaultgrade") == "1"
            assert float(question.findtext("penalty")) == pytest.approx(0.3333333)
            fractions = [a.get("fraction") for a in question.findall("answer")]
            assert set(fractions) <= GRADES and fractions.count("100") == 1
            for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
                assert text_of(text(question, tag))
    assert len(idnumbers) == len(set(idnumbers)), "an ID number is used twice"


def test_an_export_made_again_names_every_question_the_same(exported, tmp_path) -> None:
    again = moodle.export(tmp_path, COURSE)
    for path in again:
        first = (exported / path.relative_to(tmp_path)).read_bytes()
        assert path.read_bytes() == first


def test_markup_in_a_quiz_is_escaped_and_reads_back_as_written(tmp_path) -> None:
    page = tmp_path / "odd.md"
    page.write_text(
        '# Odd\n\n<quiz>\nIs 3 < 5 & 7 > 2 when a value reads ]]> or "quoted" [@sjoding2020]?\n'
        "- [x] Yes, <b>always</b> & ever\n- [ ] No: 1 < 0\n\nBecause 5 > 3 & <i>so</i>.\n"
        "</quiz>\n",
        encoding="utf-8",
    )
    tree = moodle.page_xml(QuizPage("odd", "en", page), MANIFEST)
    raw = ET.tostring(tree.getroot(), encoding="unicode")
    root = ET.fromstring(raw)  # the document stays well-formed XML
    question = root.find("question[@type='multichoice']")
    label = REFERENCES["sjoding2020"].label("en")
    assert text_of(text(question, "questiontext")) == (
        f'Is 3 < 5 & 7 > 2 when a value reads ]]> or "quoted" ({label})?'
    )
    answers = [text_of(a.findtext("text")) for a in question.findall("answer")]
    assert answers == ["Yes, always & ever", "No: 1 < 0"]
    assert "<b>always</b>" in question.find("answer").findtext("text")
    assert text_of(text(question, "generalfeedback")) == "Because 5 > 3 & so."
    assert root.find("question[@type='category']").findtext("category/text") == (
        f"$course$/top/{moodle.ROOT_CATEGORY['en']}/Odd"
    )
