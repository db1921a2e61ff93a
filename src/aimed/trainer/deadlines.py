"""Due dates and late work: nbgrader's own due date per assignment, a penalty rule the
trainer chooses (none by default), and how late each submission came.

The due date lives in the gradebook (nbgrader's ``duedate``); a submission's time is its
``timestamp.txt`` (written at collection from the platform's export when the export says
when each file was saved). The rule lives in ``deadlines.json`` beside the gradebook:

- ``none``: late work is flagged, never penalised (the default);
- ``zero``: late work scores 0 (nbgrader's own rule);
- ``per-day:P``: P percent of the points earned, per day or part of a day late, at most all.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin

from aimed.trainer.course import Course, TrainerError

RULES_NAME = "deadlines.json"
_PER_DAY = re.compile(r"^per-day:(\d+(?:\.\d+)?)$")


def check_rule(rule: str) -> str:
    """``rule`` if it is one this module applies, else a one-line error."""
    match = _PER_DAY.match(rule)
    if rule in ("none", "zero") or (match and 0 < float(match[1]) <= 100):
        return rule
    raise TrainerError(
        f"late penalty {rule!r}: say none, zero, or per-day:P (P percent of the points earned "
        "per day late, 0 < P <= 100)"
    )


def parse_due(text: str) -> datetime:
    """A due date as a trainer types it: ``2026-12-01 18:00`` (UTC) or ISO with an offset."""
    try:
        due = datetime.fromisoformat(text.strip().replace(" UTC", "").replace("Z", "+00:00"))
    except ValueError:
        raise TrainerError(
            f"due date {text!r}: write it as 2026-12-01 18:00 (UTC) or with an offset "
            "(2026-12-01T18:00+01:00)"
        ) from None
    return due if due.tzinfo else due.replace(tzinfo=UTC)


def rules(course: Course) -> dict[str, str]:
    try:
        data = json.loads((course.root / RULES_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def set_deadline(course: Course, assignments: list[str], due: datetime, rule: str) -> None:
    """Record ``due`` in the gradebook and ``rule`` in ``deadlines.json`` for each assignment."""
    from aimed.trainer.grading import ensure_in_gradebook, make_api

    check_rule(rule)
    ensure_in_gradebook(course, assignments)
    naive = due.astimezone(UTC).replace(tzinfo=None)  # nbgrader keeps UTC without a zone
    with make_api(course).gradebook as gb:
        for name in assignments:
            gb.update_or_create_assignment(name, duedate=naive)
    kept = rules(course)
    kept.update(dict.fromkeys(assignments, rule))
    (course.root / RULES_NAME).write_text(json.dumps(kept, indent=1, sort_keys=True), "utf-8")


def penalty(rule: str, score: float, seconds_late: float) -> float:
    """Points taken off ``score`` for ``seconds_late`` under ``rule``."""
    if seconds_late <= 0 or rule == "none":
        return 0.0
    if rule == "zero":
        return score
    match = _PER_DAY.match(rule)
    if not match:
        return 0.0
    days = math.ceil(seconds_late / 86400)
    return round(min(score, score * float(match[1]) / 100 * days), 2)


def how_late(seconds: float) -> str:
    """``2 days 3 h late``, ``40 min late``."""
    minutes = math.ceil(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days > 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    return " ".join(parts or ["1 min"]) + " late"


def lateness(course: Course) -> dict[tuple[str, str], tuple[str, float, str]]:
    """``{(learner, assignment): (due date, seconds late, rule)}`` for every submission of an
    assignment that has a due date."""
    from aimed.trainer.grading import make_api

    chosen = rules(course)
    found: dict[tuple[str, str], tuple[str, float, str]] = {}
    with make_api(course).gradebook as gb:
        for assignment in gb.assignments:
            if assignment.duedate is None:
                continue
            due = assignment.duedate.strftime("%Y-%m-%d %H:%M UTC")
            rule = chosen.get(assignment.name, "none")
            for submission in assignment.submissions:
                seconds = float(submission.total_seconds_late or 0)
                found[(submission.student.id, assignment.name)] = (due, seconds, rule)
    return found


class LatePenalty(LateSubmissionPlugin):
    """nbgrader's late-penalty step with the rule the trainer set for the assignment."""

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float):
        from nbgrader.coursedir import CourseDirectory

        root = CourseDirectory(config=self.config).root
        assignment = getattr(self.parent, "assignment_id", "")
        rule = rules(Course(Path(root))).get(assignment, "none")
        return penalty(rule, score, total_seconds_late)
