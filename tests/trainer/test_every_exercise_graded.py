"""Every exercise, in both languages, through the trainer's own grader: exact scores.

A synthetic cohort (``aimed.trainer.synthetic``: no real learner) of a learner who answers
everything as the solutions do, one who answers the first half, and one who answers nothing,
graded behind the sandbox by ``autograde_all`` as ``aimed-trainer autograde`` does. The
stock-nbgrader round trip (one exercise per language) is in ``test_exercises.py``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from aimed.course_manifest import load_manifest
from aimed.trainer.course import open_course
from aimed.trainer.export import question_grades
from aimed.trainer.grading import autograde_all
from aimed.trainer.synthetic import FAIR_KINDS, autograded_answers, build_cohort

pytestmark = pytest.mark.slow


def test_each_exercise_gets_exact_scores_from_our_grader(tmp_path: Path) -> None:
    root = tmp_path / "course"
    cohort = build_cohort(root, learners=len(FAIR_KINDS), seed=0, kinds=FAIR_KINDS)
    autograde_all(root, workers=2, progress=False)
    course = open_course(root)
    scores: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    best: dict[str, dict[str, float]] = defaultdict(dict)
    for grade in question_grades(course):
        if grade.kind == "auto":
            scores[grade.learner, grade.assignment][grade.question] = grade.score
            best[grade.assignment][grade.question] = grade.max_score
    assignments = [a.name for a in course.assignments()]
    exercises = load_manifest(Path(__file__).parents[2] / "course" / "course.toml").exercises
    assert sorted(assignments) == sorted(f"{e}-{lang}" for e in exercises for lang in ("en", "fr"))
    for assignment in assignments:
        release = course.release / assignment / f"{assignment.rsplit('-', 1)[0]}.ipynb"
        answers = autograded_answers(json.loads(release.read_text(encoding="utf-8")))
        first_half = {a.replace("answer_", "test_") for a in answers[: len(answers) // 2]}
        points = best[assignment]
        assert set(points) == {a.replace("answer_", "test_") for a in answers}, assignment
        for learner, kind in cohort.items():
            got = scores[learner, assignment]
            expected = {
                "correct": points,
                "partial": {q: (p if q in first_half else 0.0) for q, p in points.items()},
                "blank": dict.fromkeys(points, 0.0),
            }[kind]
            assert got == expected, f"{assignment}, {kind} learner"
