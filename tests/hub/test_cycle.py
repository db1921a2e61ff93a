"""The trainer's cycle for a cohort on a real JupyterHub, through the hub and the learners' servers.

The trainer releases an English and a French exercise to nbgrader's exchange; two learners
(real accounts) sign in, fetch, answer (one fully, one partly) and submit through their own
server's Assignments API; the trainer collects, grades with the platform's boundary
(``aimed-trainer autograde``), writes feedback and returns it; each learner gets only their
own. Refusals: an exercise that was not released, work after the trainer's deadline, and a
hub restart in the middle of the cohort (work kept).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aimed.hub.run import (
    COURSE,
    HubError,
    assignment_action,
    assignments,
    ready_for_exchange,
    server_call,
    sign_in,
)
from aimed.trainer.synthetic import solutions, submission_for

pytestmark = pytest.mark.slow

EN, FR = "reading-performance-en", "bias-fr"
TRAINER = ("-c", "from aimed.trainer.cli import app; app()")


def _server(hub, user, token, method, path, body=None, form=False):
    return server_call(hub.url, user, token, method, path, body, form)


def _assignments(hub, user, token) -> dict[str, dict]:
    return assignments(hub.url, user, token)


def _action(hub, user, token, action, assignment) -> dict:
    return assignment_action(hub.url, user, token, action, assignment)


def _sign_in(hub, user: str, password: str) -> int:
    """PAM sign-in through the hub's login form; the status of the page it ends on."""
    return sign_in(hub.url, user, password)[0]


def _answer(hub, course, user, token, assignment, kind) -> str:
    """Fill the fetched notebook with ``kind``'s answers through the contents API."""
    item = _assignments(hub, user, token)[assignment]
    home = Path("~" + user).expanduser()
    (notebook,) = item["notebooks"]
    path = Path(notebook["path"])  # relative to the server's folder, the learner's home
    rel = (path.relative_to(home) if path.is_absolute() else path).as_posix()
    model = _server(hub, user, token, "GET", f"/api/contents/{rel}?content=1")
    stem = assignment.rsplit("-", 1)[0]
    answers = solutions(course / "source" / assignment / f"{stem}.ipynb")
    _, content = submission_for(kind, model["content"], answers)
    body = {"type": "notebook", "format": "json", "content": json.loads(content)}
    _server(hub, user, token, "PUT", f"/api/contents/{rel}", body)
    return rel


def _page(hub, user: str, token: str, path: str) -> tuple[int, str]:
    """A page of ``user``'s server as a browser gets it: its status and text."""
    page = urllib.request.Request(
        f"{hub.url}/user/{user}{path}", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(page, timeout=120) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def _lab_page_config(hub, user: str, token: str) -> dict:
    """The settings JupyterLab's page of ``user``'s server gives the browser."""
    status, html = _page(hub, user, token, "/lab")
    assert status == 200, html[:500]
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      html, re.S)  # fmt: skip
    assert found, html[:500]
    return json.loads(found.group(1))


def _cannot_read(hub, user: str, path: Path) -> bool:
    done = hub.run_as(user, "-c", f"open({str(path)!r}).read()", check=False)
    return done.returncode != 0 and "PermissionError" in done.stderr


def test_a_cohort_on_the_hub(accounts, cohort_hub):
    hub, course = cohort_hub
    one, two, trainer = accounts["learner1"], accounts["learner2"], accounts["trainer"]

    # The trainer releases one exercise per language into the exchange.
    hub.run_as(trainer, *TRAINER, "release", EN, FR, "--course", str(course),
               "--downloads", str(course / "downloads"))  # fmt: skip
    for assignment in (EN, FR):
        hub.run_as(trainer, "-m", "nbgrader", "release_assignment", assignment, cwd=course)

    # Learners sign in with their accounts; a wrong password stays at the door.
    assert _sign_in(hub, one, f"pw-{one}") == 200
    assert _sign_in(hub, two, "not-the-password") == 403

    tokens = {}
    for user in (one, two):
        hub.start_server(user)
        tokens[user] = hub.user_token(user)
        # the learner's JupyterLab asks no other host: no news feed, and an extension manager
        # that lists what is installed instead of searching PyPI
        config = _lab_page_config(hub, user, tokens[user])
        assert config["news"] == {"disabled": True}
        assert config["extensionManager"]["name"] == "read-only"
        assert config["extensionManager"]["can_install"] is False
        listed = _assignments(hub, user, tokens[user])
        assert {EN, FR} <= set(listed)
        assert listed[EN]["status"] == "released"
        # an exercise the trainer did not release cannot be fetched (nbgrader's API answers
        # with the list, where it is absent), nor opened by the exercise extension
        home = Path("~" + user).expanduser()
        after = _action(hub, user, tokens[user], "fetch", "world-changes-en")
        assert "world-changes-en" not in {a["assignment_id"] for a in after["value"]}
        assert not list(home.rglob("world-changes*"))
        with pytest.raises(HubError, match="404"):
            _server(hub, user, tokens[user], "GET", "/aimed/open/world-changes-en")
        for assignment in (EN, FR):
            _action(hub, user, tokens[user], "fetch", assignment)
            assert _assignments(hub, user, tokens[user])[assignment]["status"] == "fetched"

    # The exercise extension opens what the trainer released, in the learner's own folder.
    opened = _server(hub, one, tokens[one], "GET", "/api/contents/reading-performance-en")
    assert opened["type"] == "directory"

    # Learner one answers everything and submits; learner two answers half, then the hub
    # restarts in the middle of the cohort.
    for assignment in (EN, FR):
        answered = _answer(hub, course, one, tokens[one], assignment, "correct")
        assert _action(hub, one, tokens[one], "submit", assignment)["success"]
        # JupyterLab's "Save and Export Notebook As" HTML works (nbconvert finds its templates)
        status, html = _page(hub, one, tokens[one], f"/nbconvert/html/{answered}?download=true")
        assert status == 200 and "<html" in html[:2000].lower(), (status, html[-3000:])
    # nbgrader's trainer tools are not in a learner's server
    assert _page(hub, one, tokens[one], "/formgrader")[0] == 404
    saved = _answer(hub, course, two, tokens[two], EN, "partial")
    before = _server(hub, two, tokens[two], "GET", f"/api/contents/{saved}?content=1")
    hub.stop()
    hub.start()
    hub.start_server(two)
    hub.start_server(one)
    after = _server(hub, two, tokens[two], "GET", f"/api/contents/{saved}?content=1")
    assert after["content"]["cells"] == before["content"]["cells"]
    assert _action(hub, two, tokens[two], "submit", EN)["success"]

    # The trainer sets the French exercise's deadline now, zero for late work: learner two
    # submits it after.
    due = datetime.now(UTC).replace(microsecond=0).isoformat()
    hub.run_as(trainer, *TRAINER, "deadline", FR, "--due", due, "--late-penalty", "zero",
               "--course", str(course))  # fmt: skip
    _answer(hub, course, two, tokens[two], FR, "correct")
    assert _action(hub, two, tokens[two], "submit", FR)["success"]

    # No learner finds another's submission in the exchange (nbgrader's inbound folder takes
    # files but cannot be listed, and each submission's folder ends with a random part),
    # nor reads the trainer's source.
    inbound = hub.exchange / COURSE / "inbound"
    theirs = next(p for p in inbound.iterdir() if p.name.startswith(f"{one}+"))
    assert len(theirs.name.rsplit("+", 1)[1]) >= 12
    listing = hub.run_as(two, "-c", f"import os; os.listdir({str(inbound)!r})", check=False)
    assert "PermissionError" in listing.stderr
    assert _cannot_read(hub, two, course / "source" / EN / "reading-performance.ipynb")

    # Collect, grade behind the boundary, feedback back to each learner.
    for assignment in (EN, FR):
        hub.run_as(trainer, "-m", "nbgrader", "collect", assignment, cwd=course)
    # The grading boundary runs with the suite's own Python: on these machines it lives in
    # root's private pyenv, which bubblewrap's view of the learner environment cannot reach
    # (a hub installed as deploy/README.md says runs this as the grading account).
    graded = subprocess.run(
        [sys.executable, *TRAINER, "autograde", "--workers", "1", "--no-progress",
         "--course", str(course)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    subprocess.run(["chown", "-R", f"{trainer}:{trainer}", str(course)], check=True)
    assert "4 submissions" in graded.stdout, graded.stdout
    hub.run_as(trainer, *TRAINER, "export", "--course", str(course))
    rows = list(csv.DictReader((course / "reports" / "grades-by-exercise.csv").open()))
    score = {(r["learner"], r["assignment"]): r for r in rows}
    # full answers earn every automatic point; free-text answers wait for the trainer
    assert float(score[(one, EN)]["score"]) > float(score[(two, EN)]["score"]) > 0
    assert float(score[(one, FR)]["score"]) > 0
    assert not score[(one, FR)]["late"]
    assert score[(two, FR)]["late"] and float(score[(two, FR)]["score"]) == 0

    subprocess.run([sys.executable, *TRAINER, "feedback", "--course", str(course)], check=True)
    assert ready_for_exchange(course) == 4
    subprocess.run(["chown", "-R", f"{trainer}:{trainer}", str(course)], check=True)
    for assignment in (EN, FR):
        hub.run_as(trainer, "-m", "nbgrader", "release_feedback", assignment, cwd=course)
    pages = {}
    for user in (one, two):
        for assignment in (EN, FR):
            _action(hub, user, tokens[user], "fetch_feedback", assignment)
        home = Path("~" + user).expanduser()
        pages[user] = sorted(home.rglob("feedback/*/*.html"))
        assert len(pages[user]) == 2, pages[user]
    own = pages[one][0]
    assert _cannot_read(hub, two, own)
    assert one not in " ".join(p.read_text() for p in pages[two])

    for user in (one, two):
        hub.stop_server(user)
    done = subprocess.run(["pgrep", "-u", one], capture_output=True)
    assert done.returncode == 1, "learner one's server still runs"
