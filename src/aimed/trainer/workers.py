"""Grading processes the run outlives: one dying costs its own submission, nobody else's.

Each worker process grades one submission at a time with nbgrader, into its own copy of
the SQLite gradebook (or straight into a server database), behind its own sandbox
(``boundary.py``). The parent hands out submissions, watches each worker, and when one
dies or hangs it records that submission as failed, starts a fresh worker and goes on.
Every temporary file lives in the run's folder, which the caller removes at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerProcess
from pathlib import Path

from aimed.trainer.boundary import TEMP_ENV, close_all
from aimed.trainer.course import Course

Job = tuple[str, str]  # (assignment, learner)
JOB_SECONDS = 1800  # a worker silent this long on one submission is stopped


@dataclass
class Outcome:
    """How one submission's grading went, as far as the run is concerned."""

    ok: bool
    error: str = ""
    database: str | None = None  # the worker gradebook holding its scores


@dataclass
class _Worker:
    process: ForkServerProcess
    connection: Connection
    database: str | None
    job: Job | None = None
    started: float = 0.0
    done: list[Job] = field(default_factory=list)


def _grading_status(course: Course, job: Job) -> str:
    """What the boundary wrote about this run in the autograded notebook (``lost``...)."""
    assignment, learner = job
    folder = course.autograded / learner / assignment
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError):
            continue
        status = meta.get("aimed_grading", {}).get("status")
        if status == "lost":
            return "lost"
    return "ok"


def _fast_sqlite() -> None:
    """Skip the disk syncs of this process's SQLite files: a worker's gradebook is a copy.

    Were the machine to stop mid-run, the copy is lost and the run is done again; the
    course's own gradebook is written by the parent, with SQLite's usual care.
    """
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _pragmas(connection, record) -> None:
        if type(connection).__module__.startswith("sqlite3"):
            cursor = connection.cursor()
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
            cursor.close()


def _serve(root: str, database: str | None, overrides: dict, run_dir: str, connection) -> None:
    """A worker: grade each job it is sent until it is sent None."""
    os.environ[TEMP_ENV] = run_dir
    if database:
        _fast_sqlite()
    from aimed.trainer.nbgrader_api import last_line, log_and_error, make_api

    course = Course(Path(root))
    if database:
        overrides = {**overrides, "CourseDirectory.db_url": f"sqlite:///{database}"}
    api = make_api(course, **overrides)
    while True:
        job = connection.recv()
        if job is None:
            close_all()  # multiprocessing skips atexit: stop the sandbox and reap it here
            return
        try:
            result = api.autograde(job[0], job[1], force=True, create=True)
            if not result["success"]:
                answer = (False, last_line(log_and_error(result)))
            elif _grading_status(course, job) == "lost":
                answer = (False, "the grading sandbox stopped before the notebook ended")
            else:
                answer = (True, "")
        except Exception as error:  # nbgrader itself failed on this submission
            answer = (False, f"{type(error).__name__}: {error}")
        connection.send((job, *answer))


PRELOAD = ("aimed.trainer.workers", "aimed.trainer.execute", "nbgrader.apps", "sqlalchemy")


def _as_started_now(environ: dict[str, str], serve: Callable, args: tuple) -> None:
    """Run ``serve(*args)`` with the environment the run has now (the fork server's is that
    of its own start)."""
    os.environ.clear()
    os.environ.update(environ)
    serve(*args)


class Pool:
    """``workers`` grading processes for one run (use as a context manager)."""

    def __init__(
        self,
        course: Course,
        workers: int,
        overrides: dict,
        run_dir: Path,
        template: Path | None,
        serve: Callable = _serve,  # what a worker runs (a test passes one that dies)
    ) -> None:
        self.serve = serve
        self.course = course
        self.size = max(1, workers)
        self.overrides = overrides
        self.run_dir = run_dir
        self.template = template
        # Workers are forked from one server process that has the grader's modules imported
        # (started once per process and kept: later runs fork at once); each worker then
        # takes this process's environment and folder as they are now, as a new one would.
        self.context = get_context("forkserver")
        self.context.set_forkserver_preload(list(PRELOAD))
        self.workers: list[_Worker] = []
        self.databases: dict[str, list[Job]] = {}
        self._count = 0

    def _start(self) -> _Worker:
        self._count += 1
        database = None
        if self.template is not None:
            database = str(self.run_dir / f"worker-{self._count}.db")
            shutil.copyfile(self.template, database)
            self.databases[database] = []
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_as_started_now,
            args=(
                dict(os.environ),
                self.serve,
                (str(self.course.root), database, self.overrides, str(self.run_dir), child),
            ),
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent, database)
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        self.workers.remove(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.connection.close()

    def run(
        self, jobs: list[Job], done: Callable[[Job, Outcome], None] | None = None
    ) -> dict[Job, Outcome]:
        """Grade ``jobs``; every one gets an outcome, whatever happens to the workers."""
        outcomes: dict[Job, Outcome] = {}
        pending = deque(jobs)
        while len(self.workers) < min(self.size, len(jobs)):
            self._start()
        finished: list[Job] = []
        while pending or any(w.job for w in self.workers):
            for worker in self.workers:
                if worker.job is None and pending:
                    worker.job, worker.started = pending.popleft(), time.monotonic()
                    worker.connection.send(worker.job)
            for job in finished:  # after the idle workers have their next job
                if done is not None:
                    done(job, outcomes[job])
            busy = [w for w in self.workers if w.job]
            wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=5)
            finished = [ended for w in busy if (ended := self._check(w, outcomes)) is not None]
        for job in finished:
            if done is not None:
                done(job, outcomes[job])
        return outcomes

    def _check(self, worker: _Worker, outcomes: dict[Job, Outcome]) -> Job | None:
        job = worker.job
        assert job is not None  # only a busy worker is checked
        try:
            if worker.connection.poll():
                _, ok, error = worker.connection.recv()
                outcomes[job] = Outcome(ok, error, worker.database)
                if worker.database:
                    self.databases[worker.database].append(job)
                worker.job = None
                return job
        except (EOFError, OSError):
            pass
        if worker.process.is_alive() and time.monotonic() - worker.started < JOB_SECONDS:
            return None
        if worker.process.is_alive():
            why = f"grading took longer than {JOB_SECONDS // 60} minutes and was stopped"
        else:
            why = f"the grading process stopped (exit code {worker.process.exitcode})"
        outcomes[job] = Outcome(False, why, None)
        self._retire(worker)
        if len(self.workers) < self.size:
            self._start()
        return job

    def close(self) -> None:
        for worker in list(self.workers):
            with contextlib.suppress(OSError, ValueError):
                worker.connection.send(None)
        deadline = time.monotonic() + 30
        for worker in list(self.workers):
            worker.process.join(max(0.1, deadline - time.monotonic()))
            self._retire(worker)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
