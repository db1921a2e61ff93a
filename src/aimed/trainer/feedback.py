"""One HTML feedback file per learner and exercise, safe to hand back.

No line of a hidden test or of a solution (code or model answer) reaches a feedback page,
whatever produced it: the test cell's hidden region, a learner's output, a line the
learner typed, printed or displayed, a markdown cell, an error message. ``FeedbackScrubber``
(set in ``nbgrader_config.py``) does it on the notebook: hidden regions are cut, outputs
are reduced to plain text and checked images, and every line holding a secret line is
replaced by a neutral sentence in the exercise's language. ``generate_feedback`` then
checks the finished page once more, as a reader would see it (tags removed, entities
decoded, spaces collapsed): a page that still holds a secret line is replaced by a page
of scores only. A page over ``MAX_PAGE_BYTES`` is made again with fewer outputs, with a
note. Only the HTML is written: nothing else from the submission folder is copied, and
every script, style sheet or image from another host is removed.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import shutil
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from aimed.texts.i18n import t
from aimed.trainer.checks import Exercise, load_exercise, normalise, split_hidden
from aimed.trainer.course import Assignment, Course, TrainerError

__all__ = [
    "MAX_PAGE_BYTES",
    "FeedbackScrubber",
    "HideHiddenTests",
    "generate_feedback",
    "leaked_lines",
    "split_hidden",
    "strip_off_host",
]

MAX_PAGE_BYTES = 1_000_000  # a feedback page over this is made again with fewer outputs
FIRST_BUDGET = 200_000  # characters of learner text (sources and outputs) on a page
SMALL_BUDGET = 20_000
MAX_OUTPUT = 20_000  # characters of one output
MAX_IMAGES = 300_000  # characters of base64 images on a page
_OFF_HOST = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>.*?</script\s*>"
    r"|<script\b[^>]*type\s*=\s*[\"']text/x-mathjax-config[\"'][^>]*>.*?</script\s*>"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>"
    r"|<img\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>",
    re.IGNORECASE | re.DOTALL,
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")


def _holds_secret(text: str, secrets: tuple[str, ...]) -> bool:
    flat = normalise(text)
    return any(secret in flat for secret in secrets)


def leaked_lines(text: str, secrets: tuple[str, ...]) -> list[str]:
    """The secret lines a text holds, read as a person would (tags out, entities decoded)."""
    plain = normalise(html.unescape(re.sub(r"<[^>]*>", " ", text)))
    plain_joined = normalise(html.unescape(re.sub(r"<[^>]*>", "", text)))
    raw = normalise(text)
    return [s for s in secrets if s in plain or s in plain_joined or s in raw]


class FeedbackScrubber(NbGraderPreprocessor):
    """Cut hidden tests, reduce outputs to safe text, and hide every secret line."""

    budget = Integer(FIRST_BUDGET, help="Characters of learner text kept on the page.").tag(
        config=True
    )

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources.get("nbgrader", {})
        assignment = Assignment(info.get("assignment", "x-en"))
        self.language = assignment.language
        self.exercise = _exercise(self.config, info)
        self.secrets = self.exercise.secrets if self.exercise else ()
        self.left = int(self.budget)
        self.images = MAX_IMAGES
        self.trimmed = False
        self.hidden_line = t("trainer.line_hidden", self.language)
        self.hidden_secrets = _hidden_test_lines(self.exercise, self.secrets)
        self.answered = False
        nb.cells = [clean for cell in nb.cells if (clean := self._cell(cell)) is not None]
        if self.trimmed:
            note = t("trainer.feedback_trimmed", self.language)
            nb.cells.insert(
                0,
                NotebookNode(
                    id="aimed-trimmed", cell_type="markdown", source=f"*{note}*", metadata={}
                ),
            )
        nb.metadata = NotebookNode(
            {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
        )
        nb.metadata["aimed_feedback"] = self._page_words(info)
        return nb, resources

    def _page_words(self, info: dict) -> dict:
        """The page's own words, in its language, for the feedback template."""
        lang = self.language
        score, max_score = info.get("score"), info.get("max_score")
        words = {
            "language": lang,
            "title": str(info.get("notebook") or ""),
            "score_line": (
                t(
                    "trainer.feedback_score",
                    lang,
                    score=_num(score, lang),
                    max_score=_num(max_score, lang),
                )
                if isinstance(max_score, (int, float))
                else ""
            ),
            "your_answer": t("trainer.feedback_your_answer", lang),
            "comment": t("trainer.feedback_comment", lang),
            "late_line": "",
        }
        penalty = info.get("late_penalty")
        if isinstance(penalty, (int, float)) and penalty > 0:
            words["late_line"] = t("trainer.feedback_late", lang, penalty=_num(penalty, lang))
        return words

    # -- text

    def _text(self, text: str, limit: int) -> str:
        """Learner text with secret lines replaced, within the page's budget."""
        lines = []
        for line in text.splitlines(keepends=True):
            if _holds_secret(line, self.secrets):
                end = "\n" if line.endswith("\n") else ""
                lines.append(self.hidden_line + end)
            else:
                lines.append(line)
        clean = "".join(lines)
        keep = max(0, min(limit, self.left))
        if len(clean) > keep:
            clean = clean[:keep].rstrip() + f"\n[… {t('trainer.output_trimmed', self.language)}]"
            self.trimmed = True
        self.left -= len(clean)
        return clean

    def _source(self, cell: NotebookNode, source: str, own: bool = False) -> str:
        """A cell's text; ``own``: the learner's answer, where only hidden-check lines are
        hidden (their own lines stay, model-answer lines included: they wrote them)."""
        if own:
            kept, self.secrets = self.secrets, self.hidden_secrets
            try:
                text = self._text(source, MAX_OUTPUT)
            finally:
                self.secrets = kept
        else:
            text = self._text(source, MAX_OUTPUT)
        if cell.cell_type == "code":  # a sentence in a code cell reads as a comment
            text = text.replace(self.hidden_line, f"# {self.hidden_line}")
        return text

    def _result(self, info: dict, outputs: list) -> NotebookNode:
        """A check, as one plain sentence: right, not right (with the visible hint), or
        not answered."""
        lang = self.language
        score, points = info.get("score"), info.get("points")
        if not self.answered:
            outcome, sentence = "blank", t("trainer.feedback_blank", lang)
        elif (
            isinstance(score, (int, float))
            and isinstance(points, (int, float))
            and (score >= points)
        ):
            outcome, sentence = "right", t("trainer.feedback_right", lang)
        else:
            hints = [
                str(o.get("evalue") or "").strip()
                for o in outputs
                if isinstance(o, dict) and o.get("output_type") == "error"
            ]
            hint = self._text(next((h for h in hints if h), ""), 400).strip()
            outcome = "wrong"
            sentence = (
                t("trainer.feedback_wrong", lang, hint=hint)
                if hint
                else t("trainer.feedback_wrong_plain", lang)
            )
        points = self._points(info)
        return NotebookNode(
            cell_type="markdown",
            source=f"{sentence} ({points})" if points else sentence,
            metadata=NotebookNode(aimed=NotebookNode(kind="result", outcome=outcome)),
        )

    def _points(self, info: dict) -> str:
        lang = self.language
        score, points = info.get("score"), info.get("points")
        if not isinstance(points, (int, float)) or not info.get("grade"):
            return ""
        if score is None:
            return t("trainer.feedback_points_pending", lang, max_score=_num(points, lang))
        key = "trainer.feedback_points_one" if points == 1 else "trainer.feedback_points"
        return t(key, lang, score=_num(score, lang), max_score=_num(points, lang))

    # -- cells

    def _cell(self, cell: NotebookNode) -> NotebookNode | None:
        if cell.get("metadata", {}).get("aimed_rubric"):
            return None  # the rubric shown beside the answer in the formgrader: trainers only
        info = cell.get("metadata", {}).get("nbgrader")
        metadata = {"nbgrader": info} if isinstance(info, dict) else {}
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        info = info if isinstance(info, dict) else {}
        grade_id = info.get("grade_id")
        is_test = bool(self.exercise and grade_id in self.exercise.tests)
        if is_test or "HIDDEN TESTS" in source:
            source = split_hidden(source)[0]
        kind = cell.get("cell_type") if cell.get("cell_type") in ("code", "markdown") else "raw"
        if is_test or (info.get("grade") and not info.get("solution") and kind == "code"):
            result = self._result(info, cell.get("outputs", []))
            result.id = cell["id"] if isinstance(cell.get("id"), str) else f"result-{grade_id}"
            return result
        answer = bool(info.get("solution"))
        if kind == "code" and not answer and info.get("locked"):
            return None  # the exercise's own setup and helper calls: nothing of the learner's
        if answer:
            self.answered = not any(stub in source for stub in _STUBS) and bool(source.strip())
            metadata["aimed"] = {
                "kind": "answer",
                "points": self._points(info),
                "comment": self._text(str(info.get("comment") or ""), 4000),
            }
        clean = NotebookNode(cell_type=kind, metadata=NotebookNode(metadata))
        if isinstance(cell.get("id"), str):
            clean.id = cell["id"]
        own = answer or (kind == "code" and not info.get("locked"))
        clean.source = self._source(NotebookNode(cell_type=kind), source, own=own)
        if kind != "code":
            if kind == "raw":
                clean.cell_type = "markdown"  # raw cells would reach the page unescaped
                clean.source = "```\n" + clean.source.replace("`", "'") + "\n```"
            return clean
        clean.execution_count = None
        clean.outputs = []
        for output in cell.get("outputs", []):
            kept = self._output(output, is_test)
            if kept is not None:
                clean.outputs.append(kept)
        return clean

    def _stream(self, text: str, name: str = "stdout") -> NotebookNode | None:
        text = self._text(_ANSI.sub("", text), MAX_OUTPUT)
        return NotebookNode(output_type="stream", name=name, text=text) if text else None

    def _output(self, output: dict, is_test: bool) -> NotebookNode | None:
        kind = output.get("output_type")
        if kind == "stream":
            name = "stderr" if output.get("name") == "stderr" else "stdout"
            return self._stream(_joined(output.get("text")), name)
        if kind == "error":  # one plain sentence, never a traceback
            error = f"{output.get('ename')}: {output.get('evalue')}"
            if is_test:  # written by the grader: the visible check's message or a sentence
                return self._stream(f"{error}\n", "stderr")
            sentence = t("trainer.feedback_code_error", self.language, error=error)
            return self._stream(sentence + "\n", "stderr")
        if kind in ("execute_result", "display_data") and not is_test:
            data = output.get("data", {})
            png = _joined(data.get("image/png"))
            if png and _BASE64.match(png) and len(png) <= self.images and _is_png(png):
                self.images -= len(png)
                return NotebookNode(
                    output_type="display_data",
                    data=NotebookNode({"image/png": png}),
                    metadata=NotebookNode(),
                )
            plain = _joined(data.get("text/plain"))
            return self._stream(plain + "\n") if plain else None
        return None


HideHiddenTests = FeedbackScrubber  # the name earlier course settings used
_STUBS = ("YOUR ANSWER HERE", "raise NotImplementedError")  # what a release leaves (and older ones)
TEMPLATES = Path(__file__).parent / "templates"  # holds feedback/, the page's template


def _num(value: object, lang: str) -> str:
    from aimed.texts.numbers import plain

    return plain(float(value), lang) if isinstance(value, (int, float)) else ""


def _hidden_test_lines(exercise: Exercise | None, secrets: tuple[str, ...]) -> tuple[str, ...]:
    """The secret lines that come from hidden checks (never shown, even typed by the
    learner); the others are model-answer lines, which a learner who wrote them sees."""
    if exercise is None:
        return ()
    hidden = normalise("\n".join(test.hidden for test in exercise.tests.values()))
    return tuple(secret for secret in secrets if secret in hidden)


def own_lines(notebook: dict) -> list[str]:
    """The normalised lines a learner wrote in the answer cells of ``notebook``."""
    lines: list[str] = []
    for cell in notebook.get("cells", []):
        info = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if isinstance(info, dict) and info.get("solution"):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            lines += [normalise(line) for line in text.splitlines() if line.strip()]
    return lines


def _joined(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def _is_png(data: str) -> bool:
    try:
        return base64.b64decode(data[:64] + "=" * (-len(data[:64]) % 4))[:8] == b"\x89PNG\r\n\x1a\n"
    except (binascii.Error, ValueError):
        return False


def _exercise(config, info: dict) -> Exercise | None:
    """The source notebook's hidden tests and solutions (None if there is no source)."""
    if not info.get("assignment") or not info.get("notebook"):
        return None
    coursedir = CourseDirectory(config=config)
    folder = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"]))
    path = folder / f"{info['notebook']}.ipynb"
    return load_exercise(path) if path.is_file() else None


def strip_off_host(page: str) -> str:
    """Remove every script, style sheet and image that would load from another host."""
    return _OFF_HOST.sub("", page)


def _scores_only_page(course: Course, assignment: Assignment, learner: str, notebook: str) -> str:
    """A page that cannot leak: the learner's points per question, nothing they wrote."""
    from nbgrader.api import Gradebook, MissingEntry

    lang = assignment.language
    rows = []
    try:
        with Gradebook(course.db_url()) as gb:
            found = gb.find_submission_notebook(notebook, assignment.name, learner)
            for grade in sorted(found.grades, key=lambda g: g.name):
                score = "" if grade.score is None else f"{grade.score:g}"
                rows.append(
                    f"<tr><td>{html.escape(grade.name)}</td>"
                    f"<td>{score} / {grade.max_score:g}</td></tr>"
                )
    except MissingEntry:
        pass
    note = html.escape(t("trainer.feedback_withheld", lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(notebook)}</title></head><body><h1>{html.escape(notebook)}</h1>"
        f"<p>{note}</p><table>{''.join(rows)}</table></body></html>\n"
    )


def generate_feedback(
    course: Course, names: list[str] | None = None, learners: list[str] | None = None
) -> list[Path]:
    """Write ``feedback/<learner>/<assignment>/<exercise>.html`` for every autograded one."""
    from aimed.trainer.grading import make_api

    def api_with(budget: int):
        return make_api(
            course,
            **{
                "GenerateFeedback.preprocessors": [
                    "nbgrader.preprocessors.GetGrades",
                    "aimed.trainer.feedback.FeedbackScrubber",
                    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
                ],
                "FeedbackScrubber.budget": budget,
                "HTMLExporter.sanitize_html": True,
                # The page for a physician: answers, points and plain sentences, no prompts.
                "HTMLExporter.extra_template_basedirs": [str(TEMPLATES)],
                # Only the notebook's page: no other file of the submission is copied.
                "CourseDirectory.ignore": ["*", ".*"],
            },
        )

    api = api_with(FIRST_BUDGET)
    small = None
    written: list[Path] = []
    for assignment in course.select(names):
        graded = sorted(
            p.parent.name for p in course.autograded.glob(f"*/{assignment.name}") if p.is_dir()
        )
        source = course.source / assignment.name / assignment.notebook
        exercise = load_exercise(source) if source.is_file() else None
        secrets = exercise.secrets if exercise else ()
        hidden = _hidden_test_lines(exercise, secrets)
        notebook = assignment.notebook.removesuffix(".ipynb")
        for learner in graded:
            if learners and learner not in learners:
                continue
            folder = course.feedback / learner / assignment.name
            result = api.generate_feedback(assignment.name, learner, force=True)
            pages = sorted(folder.glob("*.html"))
            if result["success"] and any(p.stat().st_size > MAX_PAGE_BYTES for p in pages):
                small = small or api_with(SMALL_BUDGET)
                result = small.generate_feedback(assignment.name, learner, force=True)
                pages = sorted(folder.glob("*.html"))
            if not result["success"]:
                raise TrainerError(
                    f"no feedback for {learner} / {assignment.name}: see nbgrader's log"
                )
            _keep_only(folder, pages)
            # A model-answer line the learner wrote in an answer cell is theirs to see.
            mine = own_lines(_notebook(course.autograded / learner / assignment.name, notebook))
            not_theirs = tuple(
                secret
                for secret in secrets
                if secret in hidden or not any(secret in line for line in mine)
            )
            for page in pages:
                text = strip_off_host(page.read_text(encoding="utf-8"))
                text = re.sub(r"<html>", f'<html lang="{assignment.language}">', text, count=1)
                if leaked_lines(text, not_theirs) or len(text.encode()) > MAX_PAGE_BYTES:
                    text = _scores_only_page(course, assignment, learner, notebook)
                page.write_text(text, encoding="utf-8")
                written.append(page)
    return written


def _notebook(folder: Path, name: str) -> dict:
    """The notebook ``name`` in ``folder`` as JSON ({} when it cannot be read)."""
    import json

    try:
        data = json.loads((folder / f"{name}.ipynb").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _keep_only(folder: Path, pages: list[Path]) -> None:
    """Remove from a feedback folder anything that is not one of its pages."""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child in pages:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
