"""Every quiz of the course in Moodle XML, the format Moodle's core question import reads.

One file per page and language, ``build/moodle/<lang>/<page>.xml``: a module's quiz goes into
the category "Module N: title" under the course's category; the final assessment's questions
into "Final assessment/Module N: title/Situation k", one category per situation of its bank
holding every version of it, so that a Moodle quiz can draw one random question from each.
Each question carries the course's explanation as general feedback, a feedback on each option,
citations as plain labels, and a stable name and ID number (``aimed-<page>-<lang>-q<n>``, as in
the QTI packages).

Moodle's import always adds the questions it reads: it never replaces a question, and it
drops an ID number that is already used in the category (question/format.php). The stable ID
number is how a trainer finds the old copy of a question in the bank (the guide says how to
replace a version).
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
from mkdocs_quiz.qti.models import Quiz

from aimed.course_manifest import Manifest, load_manifest
from aimed.site.quizzes import QuizPage, collection, quiz_pages, situations

ROOT_CATEGORY = {
    "en": "AI in medicine, for physicians",
    "fr": "L'IA en médecine, pour les médecins",
}
FINAL = {"en": "Final assessment", "fr": "Évaluation finale"}
SITUATION = {"en": "Situation {k}", "fr": "Situation {k}"}
VERSION = {"en": "version {letter}", "fr": "version {letter}"}
MODULE = {"en": "Module {n}: {title}", "fr": "Module {n}\u00a0: {title}"}
RIGHT = {"en": "Correct.", "fr": "Bonne réponse."}
WRONG = {
    "en": "Not the best answer: see the explanation.",
    "fr": "Ce n'est pas la meilleure réponse\u00a0: voir l'explication.",
}
COMBINED = {
    "en": ("Your answer is correct.", "Your answer is partly correct.", "Your answer is wrong."),
    "fr": (
        "Votre réponse est correcte.",
        "Votre réponse est partiellement correcte.",
        "Votre réponse est incorrecte.",
    ),
}
# The grades (as a percentage) Moodle's import accepts for an option (question_bank::
# fraction_options_full); any other value stops the import.
GRADES = [100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20]
GRADES += [16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0]


def html(text: str, inline: bool = False) -> str:
    """Markdown as the HTML Moodle shows; an option's text without its paragraph."""
    rendered = markdown.markdown(text, output_format="html")
    if inline:
        rendered = re.sub(r"^<p>(.*)</p>$", r"\1", rendered.strip(), flags=re.S)
    return rendered


def grade(share: float) -> str:
    """A share of the mark (1/3, -1/2...) as the nearest grade Moodle accepts."""
    nearest = min(GRADES, key=lambda g: abs(g - abs(share) * 100))
    return f"{-nearest if share < 0 else nearest:g}"


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def category_path(*names: str) -> str:
    """Moodle's path of a category; a slash inside a name is written twice."""
    return "/".join(["$course$", "top", *(name.replace("/", "//") for name in names)])


def _category(quiz: ET.Element, path: str, idnumber: str, info: str) -> None:
    element = ET.SubElement(quiz, "question", {"type": "category"})
    _text(element, "category", path, None)
    _text(element, "info", info)
    ET.SubElement(element, "idnumber").text = idnumber


def _question(parent: ET.Element, quiz: Quiz, name: str, lang: str) -> None:
    element = ET.SubElement(parent, "question", {"type": "multichoice"})
    _text(element, "name", name, None)
    _text(element, "questiontext", html(quiz.question))
    _text(element, "generalfeedback", html(quiz.content or ""))
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0.3333333"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = f"aimed-{quiz.identifier}"
    right = [a for a in quiz.answers if a.is_correct]
    wrong = [a for a in quiz.answers if not a.is_correct]
    ET.SubElement(element, "single").text = "true" if len(right) == 1 else "false"
    ET.SubElement(element, "shuffleanswers").text = "true"
    ET.SubElement(element, "answernumbering").text = "abc"
    ET.SubElement(element, "showstandardinstruction").text = "0"
    for tag, words in zip(
        ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"),
        COMBINED[lang],
        strict=True,
    ):
        _text(element, tag, f"<p>{words}</p>")
    if len(right) > 1:
        ET.SubElement(element, "shownumcorrect")
    for answer in quiz.answers:
        if answer.is_correct:
            share = 1 / len(right)
        else:
            share = 0.0 if len(right) == 1 else -1 / max(len(wrong), 1)
        option = ET.SubElement(element, "answer", {"fraction": grade(share), "format": "html"})
        ET.SubElement(option, "text").text = html(answer.text, inline=True)
        feedback = answer.feedback or (RIGHT if answer.is_correct else WRONG)[lang]
        _text(option, "feedback", html(feedback))


def page_xml(page: QuizPage, manifest: Manifest) -> ET.ElementTree:
    """One page's quizzes as a Moodle XML document, with their categories."""
    quizzes, sections = collection(page)
    banked = situations(page)
    root_name = ROOT_CATEGORY[page.lang]
    lang = page.lang
    quiz = ET.Element("quiz")
    module = next((m for m in manifest.modules if m.slug == page.name), None)
    current = None
    for n, (item, section, where) in enumerate(
        zip(quizzes.quizzes, sections, banked, strict=True), 1
    ):
        version = ""
        if module is not None:
            title = MODULE[lang].format(n=module.number, title=module.titles[lang])
            path, idnumber = category_path(root_name, title), f"aimed-{lang}-{module.slug}"
        elif where is not None:
            situation, letter = where
            of = manifest.module(situation.rsplit("-", 1)[0])
            title = MODULE[lang].format(n=of.number, title=of.titles[lang])
            k = situation.rsplit("-", 1)[1]
            path = category_path(root_name, FINAL[lang], title, SITUATION[lang].format(k=k))
            idnumber = f"aimed-{lang}-{page.name}-{situation}"
            version = " · " + VERSION[lang].format(letter=letter)
        elif page.name == "final-assessment" and section:
            path = category_path(root_name, FINAL[lang], section)
            idnumber = f"aimed-{lang}-{page.name}-{_slug(section)}"
        else:
            path, idnumber = category_path(root_name, quizzes.title), f"aimed-{lang}-{page.name}"
        if path != current:
            _category(quiz, path, idnumber, f"<p>{quizzes.title}</p>")
            current = path
        label = module.titles[lang] if module is not None else quizzes.title
        _question(quiz, item, f"{label} · Q{n}{version}", lang)
    ET.indent(quiz)
    return ET.ElementTree(quiz)


def _slug(title: str) -> str:
    """A section's title as the ID number's tail: "Module 3: Bias" -> "module-3"."""
    numbered = re.match(r"Module\s+(\d+)", title)
    if numbered:
        return f"module-{numbered.group(1)}"
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def export(out_dir: Path, course: Path | None = None) -> list[Path]:
    """Write build/moodle/<lang>/<page>.xml for every page with a quiz; returns the paths."""
    manifest = load_manifest(course / "course.toml") if course else load_manifest()
    written = []
    for page in quiz_pages(manifest.course_dir):
        target = out_dir / page.lang / f"{page.name}.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        page_xml(page, manifest).write(target, encoding="UTF-8", xml_declaration=True)
        written.append(target)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build") / "moodle"
    files = export(out)
    print(f"{len(files)} Moodle XML files in {out}")
