"""Sizing the graded notebooks on JupyterHub: `make bench BENCH_ARGS='--only hub'`.

For each cohort size (1, 5 and 10 learners by default) a fresh hub on loopback, started as
the tests start it (aimed.hub.run: local accounts, PAM, one server per account, nbgrader's
exchange), with that many learners and a trainer who released one exercise. Every learner
of the cohort signs in at the same moment, as a class does at the start of a session, and
is timed from the sign-in form to a notebook whose kernel has run a line of code (what
JupyterLab waits for before a learner can work). Then the memory each learner's server and
kernel hold, each learner fetches, answers and submits, and the trainer's collect (nbgrader
through the exchange) and autograde (the platform's grading boundary) of the cohort are
timed. Root only (accounts); the accounts are removed afterwards.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from aimed.hub.run import (
    PROXY,
    Hub,
    HubError,
    add_accounts,
    assignment_action,
    assignments,
    remove_accounts,
    run_in_kernel,
    running_cohort,
    server_call,
    sign_in,
)
from aimed.servers.load_test import memory_mb
from aimed.trainer.synthetic import solutions, submission_for

EXERCISE = "reading-performance-en"
TRAINER = ("-c", "from aimed.trainer.cli import app; app()")


class Report(Protocol):
    skipped: dict[str, str]

    def add(self, *args: object, **kwargs: object) -> None: ...


def _pids_of(user: str) -> list[int]:
    done = subprocess.run(["pgrep", "-u", user], capture_output=True, text=True)
    return [int(pid) for pid in done.stdout.split()]


def login_to_kernel(hub: Hub, user: str) -> dict[str, float]:
    """One learner from the sign-in form to a kernel that ran code: seconds at each step."""
    start = time.perf_counter()
    status, _ = sign_in(hub.url, user, f"pw-{user}")
    if status != 200:
        raise HubError(f"{user} could not sign in: {status}")
    signed = time.perf_counter()
    hub.start_server(user, timeout=300)  # asked by the sign-in's spawn page: waits for it
    ready = time.perf_counter()
    token = hub.user_token(user)
    body = {"path": "first.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}}
    session = server_call(hub.url, user, token, "POST", "/api/sessions", body)
    printed = run_in_kernel(hub.url, user, token, session["kernel"]["id"], "print(6 * 7)")
    if printed != "42\n":
        raise HubError(f"{user}'s kernel printed {printed!r}")
    done = time.perf_counter()
    return {"sign-in": signed - start, "server": ready - start, "kernel": done - start}


def fetch_answer_submit(hub: Hub, course: Path, user: str) -> None:
    """What a learner does next in the Assignments tab: fetch, answer everything, submit."""
    token = hub.user_token(user)
    assignment_action(hub.url, user, token, "fetch", EXERCISE)
    (notebook,) = assignments(hub.url, user, token)[EXERCISE]["notebooks"]
    path, home = Path(notebook["path"]), Path("~" + user).expanduser()
    rel = (path.relative_to(home) if path.is_absolute() else path).as_posix()
    model = server_call(hub.url, user, token, "GET", f"/api/contents/{rel}?content=1")
    answers = solutions(course / "source" / EXERCISE / "reading-performance.ipynb")
    made = submission_for("correct", model["content"], answers)
    assert made is not None
    filled = {"type": "notebook", "format": "json", "content": json.loads(made[1])}
    server_call(hub.url, user, token, "PUT", f"/api/contents/{rel}", filled)
    if not assignment_action(hub.url, user, token, "submit", EXERCISE)["success"]:
        raise HubError(f"{user}'s submission failed")


def cohort(report: Report, size: int, tag: str) -> None:
    learners = [f"aimb{size:02d}l{n:02d}{tag}" for n in range(size)]
    trainer = f"aimb{size:02d}t{tag}"
    add_accounts([*learners, trainer])
    try:
        with running_cohort(trainer, learners, prefix="aimed-bench-hub-") as (hub, course):
            hub.run_as(trainer, *TRAINER, "release", EXERCISE, "--course", str(course),
                       "--downloads", str(course / "downloads"))  # fmt: skip
            hub.run_as(trainer, "-m", "nbgrader", "release_assignment", EXERCISE, cwd=course)
            # every learner of the cohort signs in at once
            with ThreadPoolExecutor(size) as pool:
                steps = list(pool.map(lambda user: login_to_kernel(hub, user), learners))
            per_learner = [memory_mb(_pids_of(user)) for user in learners]
            assert hub.process is not None
            hub_mb = memory_mb([hub.process.pid]) - sum(per_learner)  # hub and proxy
            with ThreadPoolExecutor(size) as pool:
                list(pool.map(lambda user: fetch_answer_submit(hub, course, user), learners))
            with ThreadPoolExecutor(size) as pool:  # the work is in the exchange now
                list(pool.map(hub.stop_server, learners))
            start = time.perf_counter()
            hub.run_as(trainer, "-m", "nbgrader", "collect", EXERCISE, cwd=course)
            collected = time.perf_counter()
            # as tests/hub/test_cycle.py: the suite's own Python runs the grading boundary
            graded = subprocess.run(
                [sys.executable, *TRAINER, "autograde", "--no-progress", "--course", str(course)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            end = time.perf_counter()
            if f"{size} submission" not in graded.stdout:
                raise HubError(f"autograde of {size} learners said: {graded.stdout[-800:]}")
    finally:
        left = remove_accounts([*learners, trainer])
    if left:
        raise HubError(f"processes left running: {left}")

    kernel = [s["kernel"] for s in steps]
    where = f"{size} learner(s) signing in at once"
    report.add("hub", f"{where}: sign-in to kernel ready, median", statistics.median(kernel), "s")
    report.add("hub", f"{where}: sign-in to kernel ready, slowest", max(kernel), "s")
    slowest = max(s["server"] for s in steps)
    report.add("hub", f"{where}: sign-in to server ready, slowest", slowest, "s")
    report.add("hub", f"{where}: memory per learner (server + kernel)",
               statistics.mean(per_learner), "MB")  # fmt: skip
    report.add("hub", f"{where}: hub and proxy memory", hub_mb, "MB")
    report.add("hub", f"{where}: trainer's collect", collected - start, "s")
    report.add("hub", f"{where}: trainer's autograde", end - collected, "s")


def bench_hub(report: Report, sizes: list[int], workdir: Path) -> None:
    """One fresh hub per cohort size (``workdir`` unused: the accounts need a public folder)."""
    if os.geteuid() != 0:
        report.skipped["hub"] = "needs root (a local account per learner)"
        return
    if not PROXY.exists():
        report.skipped["hub"] = f"no proxy at {PROXY} (make hub-proxy)"
        return
    tag = f"{os.getpid() % 100000:05d}"
    for size in sizes:
        print(f"  hub: {size} learner(s)")
        cohort(report, size, tag)
