"""One HTML feedback file per learner and exercise, safe to hand back.

nbgrader's feedback shows the hidden tests and, when one fails, a traceback quoting them;
it also loads MathJax from a CDN. Here hidden regions are cut from every test cell, a
failing test cell that held hidden tests shows a neutral sentence in the exercise's
language instead of its traceback, and every script, style sheet or image from another
host is removed from the page.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

from aimed.i18n import t
from aimed.trainer.course import Assignment, Course, TrainerError

BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
_OFF_HOST = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>.*?</script\s*>"
    r"|<script\b[^>]*type\s*=\s*[\"']text/x-mathjax-config[\"'][^>]*>.*?</script\s*>"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>"
    r"|<img\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>",
    re.IGNORECASE | re.DOTALL,
)


def split_hidden(source: str) -> tuple[str, str]:
    """``(visible part, hidden part)`` of a test cell's source."""
    visible: list[str] = []
    hidden: list[str] = []
    inside = False
    for line in source.splitlines():
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
    return "\n".join(visible).rstrip(), "\n".join(hidden)


class HideHiddenTests(NbGraderPreprocessor):
    """Cut hidden tests from test cells and replace what their failure would reveal."""

    def preprocess_cell(self, cell, resources, index):
        source = cell.get("source", "")
        if cell.cell_type != "code" or BEGIN_HIDDEN not in source:
            return cell, resources
        visible, hidden = split_hidden(source)
        cell.source = visible
        lang = Assignment(resources.get("nbgrader", {}).get("assignment", "x-en")).language
        first_hidden = next(
            n for n, line in enumerate(source.splitlines(), start=1) if BEGIN_HIDDEN in line
        )
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                line = _failing_line(output.get("traceback", []))
                evalue = str(output.get("evalue", "")).strip()
                if line is not None and line < first_hidden and evalue not in hidden:
                    message = f"{output.get('ename', 'Error')}: {evalue}"  # a visible check
                else:
                    message = t("trainer.hidden_check_failed", lang)
                kept.append({"output_type": "stream", "name": "stderr", "text": message + "\n"})
            elif not (output.get("output_type") == "stream" and hidden):
                kept.append(output)
        cell.outputs = kept
        return cell, resources


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _failing_line(traceback: list[str]) -> int | None:
    """The line of the test cell where the error was raised, from IPython's traceback."""
    for frame in traceback:
        plain = _ANSI.sub("", frame)
        if "Cell In[" in plain or "<ipython-input" in plain:
            found = re.search(r"-+>\s*(\d+)", plain)
            if found:
                return int(found.group(1))
    return None


def strip_off_host(page: str) -> str:
    """Remove every script, style sheet and image that would load from another host."""
    return _OFF_HOST.sub("", page)


def generate_feedback(
    course: Course, names: list[str] | None = None, learners: list[str] | None = None
) -> list[Path]:
    """Write ``feedback/<learner>/<assignment>/<exercise>.html`` for every autograded one."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from aimed.trainer.grading import make_api

    api = make_api(
        course,
        **{
            "GenerateFeedback.preprocessors": [
                GetGrades,
                HideHiddenTests,
                CSSHTMLHeaderPreprocessor,
            ]
        },
    )
    written: list[Path] = []
    for assignment in course.select(names):
        graded = sorted(
            p.parent.name for p in course.autograded.glob(f"*/{assignment.name}") if p.is_dir()
        )
        for learner in graded:
            if learners and learner not in learners:
                continue
            result = api.generate_feedback(assignment.name, learner, force=True)
            if not result["success"]:
                raise TrainerError(
                    f"no feedback for {learner} / {assignment.name}: see nbgrader's log"
                )
            for page in (course.feedback / learner / assignment.name).glob("*.html"):
                text = strip_off_host(page.read_text(encoding="utf-8"))
                text = re.sub(r"<html>", f'<html lang="{assignment.language}">', text, count=1)
                page.write_text(text, encoding="utf-8")
                written.append(page)
    return written
