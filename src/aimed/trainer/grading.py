"""Autograde every submission of a course, in parallel, without one learner stopping the rest.

Each submission is first checked and repaired (``intake``), then graded by nbgrader in a
worker process (``workers``): the learner's cells run behind an operating-system boundary
(``boundary``, ``inside``) and the hidden checks run outside it, on the answers as plain
data (``checks``, ``execute``). Each worker grades into its own copy of the SQLite
gradebook and the parent copies the scores into the course's gradebook one submission at
a time, so the gradebook is the same as after a serial run (a test proves it). With a
server database (``AIMED_GRADEBOOK_URL``), workers write to it directly. A worker that
dies costs only the submission it was grading, which is graded once more, alone.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aimed.trainer.boundary import check_available
from aimed.trainer.cgroups import say_if_uncapped
from aimed.trainer.course import Assignment, Course, TrainerError, open_course
from aimed.trainer.execute import METADATA_KEY, RUN_SOURCES_ENV
from aimed.trainer.handgrades import after_regrade, before_regrade
from aimed.trainer.intake import check_submission
from aimed.trainer.metadata_check import sanitize_steps
from aimed.trainer.nbgrader_api import ensure_tools_on_path, last_line, make_api
from aimed.trainer.workers import Outcome, Pool

RESULTS_NAME = "autograde-results.json"
RUN_PREFIX = "aimed-grading-"  # + the grading process's id: a stale one can be told apart
DEFAULT_TIMEOUT = 30


@dataclass
class Submission:
    """One learner's graded assignment, as the trainer's summary shows it."""

    learner: str
    assignment: str
    status: str = "graded"  # graded | missing | unreadable | failed
    score: float = 0.0
    max_score: float = 0.0
    needs_manual_grade: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """The outcome of one autograde run."""

    submissions: list[Submission]
    workers: int

    @property
    def problems(self) -> list[Submission]:
        return [s for s in self.submissions if s.status != "graded" or s.notes]

    def score_of(self, learner: str, assignment: str) -> float:
        for sub in self.submissions:
            if (sub.learner, sub.assignment) == (learner, assignment):
                return sub.score
        raise KeyError((learner, assignment))


AUTOGRADE_STEPS = [
    "aimed.trainer.execute.BoundaryExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
]  # nbgrader's CheckCellMetadata already ran on the submission (sanitizing step)


def _overrides(timeout: int | None) -> dict[str, object]:
    """Grading settings that hold whatever the course's nbgrader_config.py says."""
    values: dict[str, object] = {
        "Autograde.sanitize_preprocessors": sanitize_steps(),
        "Autograde.autograde_preprocessors": AUTOGRADE_STEPS,
        "OverwriteCells.add_missing_cells": False,  # the intake puts deleted cells back, once
        "AssignLatePenalties.plugin_class": "aimed.trainer.deadlines.LatePenalty",  # the rule set
    }
    if timeout is not None:
        values["BoundaryExecute.timeout"] = timeout
    return values


def ensure_in_gradebook(course: Course, assignments: Iterable[str]) -> None:
    """Generate the release version of any assignment the gradebook does not know yet."""
    api = make_api(course)
    with api.gradebook as gb:
        known = {a.name for a in gb.assignments}
    for name in assignments:
        if name not in known:
            result = api.generate_assignment(name)
            if not result["success"]:
                raise TrainerError(f"cannot generate {name}: {last_line(result.get('error'))}")


# ------------------------------------------------------------------ gradebook copies


class _ScoreCopier:
    """Copies each submission's results from its worker's gradebook into the course's one.

    Called as each submission is done, while the workers grade the next ones, so the copy
    costs no wall-clock time of its own.
    """

    def __init__(self, main_db: str) -> None:
        from nbgrader.api import Gradebook

        self.target = Gradebook(main_db)
        self.sources: dict[str, Any] = {}  # nbgrader's Gradebook, untyped

    def copy(self, worker_db: str, job: tuple[str, str]) -> None:
        from nbgrader.api import Assignment, Comment, Grade, Gradebook, SubmittedAssignment

        if worker_db not in self.sources:
            self.sources[worker_db] = Gradebook(f"sqlite:///{worker_db}")
        source, target = self.sources[worker_db], self.target
        assignment, learner = job
        graded = (
            source.db.query(SubmittedAssignment.timestamp)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .filter(Assignment.name == assignment, SubmittedAssignment.student_id == learner)
            .one_or_none()
        )
        if graded is None:  # nbgrader failed before it recorded anything
            return
        target.update_or_create_student(learner)
        target.update_or_create_submission(assignment, learner, timestamp=graded.timestamp)
        grades = _cells(target, Grade, job)
        for key, grade in _cells(source, Grade, job).items():
            grades[key].auto_score = grade.auto_score
            grades[key].needs_manual_grade = grade.needs_manual_grade or (
                grades[key].manual_score is not None
            )
        comments = _cells(target, Comment, job)
        for key, comment in _cells(source, Comment, job).items():
            comments[key].auto_comment = comment.auto_comment
        target.db.commit()
        source.db.expire_all()  # the worker goes on writing: read afresh next time

    def close(self) -> None:
        for gradebook in (*self.sources.values(), self.target):
            gradebook.close()
        self.sources.clear()


def _cells(gradebook: Any, model: Any, job: tuple[str, str]) -> dict[tuple[str, str], Any]:
    """One submission's grades (or comments) by notebook and cell name, in one query.

    nbgrader's objects would load each row's notebook and cell one query at a time.
    """
    from nbgrader.api import Assignment, BaseCell, Notebook, SubmittedAssignment, SubmittedNotebook

    assignment, learner = job
    rows = (
        gradebook.db.query(model, Notebook.name, BaseCell.name)
        .join(SubmittedNotebook, model.notebook_id == SubmittedNotebook.id)
        .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        .join(BaseCell, model.cell_id == BaseCell.id)
        .filter(Assignment.name == assignment, SubmittedAssignment.student_id == learner)
    )
    return {(notebook, cell): row for row, notebook, cell in rows}


# ------------------------------------------------------------------ parent side


def _notes_from_output(course: Course, sub: Submission, notebook: str) -> None:
    """The boundary's notes on this run (timeouts, a crash, refused answers), for the table."""
    path = course.autograded / sub.learner / sub.assignment / notebook
    if not path.is_file():
        return
    meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    for note in meta.get(METADATA_KEY, {}).get("notes", []):
        if note not in sub.notes:
            sub.notes.append(note)


def _record_zero(course: Course, jobs: list[tuple[str, str]]) -> None:
    """A missing or unreadable notebook scores 0 in the gradebook, as nbgrader does."""
    if not jobs:
        return
    api = make_api(course)
    with api.gradebook as gb:
        for assignment, learner in jobs:
            gb.update_or_create_student(learner)
            submission = gb.update_or_create_submission(assignment, learner)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
            gb.db.commit()


def _read_scores(course: Course, jobs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
    from nbgrader.api import MissingEntry

    api = make_api(course)
    scores: dict[tuple[str, str], tuple] = {}
    with api.gradebook as gb:
        for assignment, learner in jobs:
            try:
                sub = gb.find_submission(assignment, learner)
            except MissingEntry:  # grading failed before it started
                continue
            scores[(assignment, learner)] = (
                float(sub.score),
                float(sub.max_score),
                bool(sub.needs_manual_grade),
            )
    return scores


def autograde_all(
    course_dir: Course | Path | str | None = None,
    workers: int = 2,
    progress: bool = True,
    *,
    assignments: list[str] | None = None,
    learners: list[str] | None = None,
    timeout: int | None = None,
) -> Summary:
    """Check, repair and autograde every submission in ``submitted/``; never stop on one.

    ``workers`` processes grade in parallel (1 = in this process). ``timeout`` is the
    per-cell limit in seconds (default: the course's ``Execute.timeout``).
    """
    course = open_course(course_dir)
    chosen = course.select(assignments)
    people = learners or course.learners()
    unknown = sorted(set(people) - set(course.learners()))
    if unknown:
        raise TrainerError(f"no submission folder for: {', '.join(unknown)}")
    if not people:
        raise TrainerError(f"no submissions in {course.submitted}: run 'aimed-trainer collect'")
    ensure_tools_on_path()
    check_available()  # never grade without the boundary
    workers = say_if_uncapped(workers)  # no cgroups here: fewer workers, and it says so
    by_name = {a.name: a for a in chosen}
    jobs = [
        (a.name, learner)
        for learner in people
        for a in chosen
        if (course.submitted / learner / a.name).is_dir()
    ]
    ensure_in_gradebook(course, sorted({a for a, _ in jobs}))
    subs: dict[tuple[str, str], Submission] = {}
    for assignment, learner in jobs:
        intake = check_submission(course, by_name[assignment], learner)
        status = "graded" if intake.status == "ok" else intake.status
        subs[(assignment, learner)] = Submission(learner, assignment, status, notes=intake.notes)
    hand_graded = before_regrade(course, jobs)  # kept unless the written answer changed
    unusable = [job for job, sub in subs.items() if sub.status != "graded"]
    _record_zero(course, unusable)
    to_grade = [job for job in jobs if job not in unusable]

    overrides = _overrides(timeout)
    failures: dict[tuple[str, str], str] = {}
    bar = _progress(len(to_grade)) if progress and to_grade else None
    try:
        _remove_stale_run_folders()
        with (
            tempfile.TemporaryDirectory(prefix=f"{RUN_PREFIX}{os.getpid()}-") as run_dir,
            _run_exercises(course, [by_name[a] for a in sorted({a for a, _ in to_grade})]),
        ):
            outcomes = _grade(course, to_grade, workers, overrides, Path(run_dir), bar)
            # A submission whose grading failed is graded once more, alone: a worker can
            # die for reasons that are not the learner's (memory taken by another one).
            again = sorted(job for job, outcome in outcomes.items() if not outcome.ok)
            if again:
                outcomes.update(_grade(course, again, 1, overrides, Path(run_dir), None))
    finally:
        if bar is not None:
            bar.stop()
    failures = {job: o.error for job, o in outcomes.items() if not o.ok}
    _record_zero(course, [job for job in failures if job not in _read_scores(course, [job])])

    for job, notes in after_regrade(course, jobs, hand_graded).items():
        subs[job].notes.extend(notes)
    scores = _read_scores(course, jobs)
    for job, sub in subs.items():
        if job in failures:
            sub.status = "failed"
            sub.notes.append(f"could not be graded: {failures[job]}")
        if job in scores:
            sub.score, sub.max_score, sub.needs_manual_grade = scores[job]
        if sub.status == "graded":
            _notes_from_output(course, sub, by_name[job[0]].notebook)
    summary = Summary(sorted(subs.values(), key=lambda s: (s.learner, s.assignment)), workers)
    save_results(course, summary)
    return summary


@contextmanager
def _run_exercises(course: Course, assignments: list[Assignment]) -> Iterator[None]:
    """Name every exercise of the run to its workers (one warm sandbox each, see
    ``execute.RUN_SOURCES_ENV``)."""
    sources = [str(course.source / a.name / a.notebook) for a in assignments]
    saved = os.environ.get(RUN_SOURCES_ENV)
    os.environ[RUN_SOURCES_ENV] = os.pathsep.join(sources)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(RUN_SOURCES_ENV, None)
        else:
            os.environ[RUN_SOURCES_ENV] = saved


def _remove_stale_run_folders() -> None:
    """Remove the temporary folder of an earlier run whose process was killed mid-way."""
    for folder in Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*-*"):
        pid = folder.name.removeprefix(RUN_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or Path(f"/proc/{pid}").exists():
            continue  # a run still going (or a folder that is not ours)
        shutil.rmtree(folder, ignore_errors=True)


def _grade(
    course: Course,
    jobs: list[tuple[str, str]],
    workers: int,
    overrides: dict,
    run_dir: Path,
    bar,
) -> dict[tuple[str, str], Outcome]:
    """Grade ``jobs`` in worker processes, copying each one's scores into the gradebook."""
    template = course.gradebook if course.uses_sqlite() else None
    copier = _ScoreCopier(course.db_url()) if template else None

    def done(job: tuple[str, str], outcome: Outcome) -> None:
        if copier is not None and outcome.database:
            copier.copy(outcome.database, job)  # failures too, as a serial run records them
        _advance(bar, job)

    try:
        with Pool(course, workers, overrides, run_dir, template) as pool:
            outcomes = pool.run(jobs, done)
    finally:
        if copier is not None:
            copier.close()
    for database in pool.databases:
        Path(database).unlink(missing_ok=True)
    return outcomes


def _progress(total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("Autograding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    bar.add_task("", total=total)
    bar.start()
    return bar


def _advance(bar, job: tuple[str, str]) -> None:
    if bar is not None:
        bar.update(bar.task_ids[0], advance=1, description=f"{job[1]} / {job[0]}")


def save_results(course: Course, summary: Summary) -> Path:
    """Keep the run's statuses and notes beside the gradebook, merged with earlier runs."""
    path = course.root / RESULTS_NAME
    kept = load_results(course)
    for sub in summary.submissions:
        kept[(sub.learner, sub.assignment)] = sub
    rows = [asdict(s) for s in sorted(kept.values(), key=lambda s: (s.learner, s.assignment))]
    path.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def load_results(course: Course) -> dict[tuple[str, str], Submission]:
    path = course.root / RESULTS_NAME
    if not path.is_file():
        return {}
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {(r["learner"], r["assignment"]): Submission(**r) for r in rows}
