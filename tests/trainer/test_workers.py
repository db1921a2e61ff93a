"""The pool of grading processes: one that dies or hangs costs its own submission only."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from aimed.trainer import workers
from aimed.trainer.course import Course
from aimed.trainer.workers import Pool


def serve_or_die(root, database, overrides, run_dir, connection) -> None:
    """A stand-in worker: grades instantly, dies on learner 'dies', hangs on 'hangs'."""
    while True:
        job = connection.recv()
        if job is None:
            return
        if job[1] == "dies":
            os._exit(9)
        if job[1] == "hangs":
            time.sleep(3600)
        connection.send((job, True, ""))


@pytest.mark.slow
def test_a_worker_that_dies_or_hangs_costs_only_its_own_submission(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(workers, "JOB_SECONDS", 15)  # room for a slow worker start
    jobs = [("a", "dies"), ("a", "hangs")] + [("a", f"learner-{n}") for n in range(8)]
    finished = []
    with Pool(Course(tmp_path), 2, {}, tmp_path, None, serve=serve_or_die) as pool:
        outcomes = pool.run(jobs, lambda job, outcome: finished.append(job))
        alive = [w.process for w in pool.workers]
    assert sorted(finished) == sorted(jobs)
    assert outcomes[("a", "dies")].ok is False
    assert "stopped (exit code 9)" in outcomes[("a", "dies")].error
    assert outcomes[("a", "hangs")].ok is False
    assert "longer than" in outcomes[("a", "hangs")].error
    assert all(outcomes[("a", f"learner-{n}")].ok for n in range(8))
    assert len(alive) == 2 and not any(p.is_alive() for p in alive)
