"""One host name for the whole platform, as a person trying it starts it: the trial
(``deploy/trial.sh --hub``, that is ``python -m aimed.servers.balancer trial --hub``) puts the
deployment's nginx (deploy/nginx/aimed.conf) in front of the course site, a sandbox replica
and JupyterHub, with trial accounts it prints.

Through nginx only: the site's pages, the sandbox, the hub's sign-in with a printed account,
and a learner's own notebook server down to a kernel that answers over its WebSocket, which
is what JupyterLab needs of a proxy. Then SIGTERM, as a service manager or a terminal
closing sends it: nothing the trial started still runs, and its accounts are gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from aimed.hub.run import PROXY, HubError, free_port, request, run_in_kernel, sign_in

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _running(pid: int) -> bool:
    """Whether the process is alive (not gone, not a zombie waiting for its parent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _descendants(pid: int) -> list[int]:
    table = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True)
    children: dict[int, list[int]] = {}
    for line in table.stdout.splitlines():
        child, parent = map(int, line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


@pytest.fixture(scope="module")
def trial(built_site: Path):
    """The trial with the hub, until its "Ready." line: (address, {account: password},
    nginx's access log, the process)."""
    if os.geteuid() != 0 or not PROXY.exists():
        pytest.skip("needs root (trial accounts) and JupyterHub's proxy (make hub-proxy)")
    prefix = f"door{os.getpid() % 100000:05d}"
    process = subprocess.Popen(
        [sys.executable, "-m", "aimed.servers.balancer", "trial", "--hub", "--replicas", "1",
         "--port", str(free_port()), "--site-dir", str(built_site), "--accounts-prefix", prefix],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    printed = []
    for line in process.stdout:
        printed.append(line)
        if line.startswith("Ready.") or process.poll() is not None:
            break
    text = "".join(printed)
    assert "Ready." in text, text
    url = re.search(r"Course site: (\S+)", text)[1]
    accounts = dict(re.findall(r"account (\S+)  password (\S+)", text))
    log = Path(re.search(r"Access log: +(\S+)", text)[1])
    yield url, accounts, log, process
    if process.poll() is None:  # the test stopped early: stop the trial all the same
        process.send_signal(signal.SIGTERM)
        process.wait(120)


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"token {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_site_sandbox_and_hub_behind_one_host_name_stopped_by_sigterm(trial) -> None:
    base, accounts, log, process = trial
    learner = next(name for name in accounts if name.endswith("-learner1"))
    assert {name.rsplit("-", 1)[1] for name in accounts} == {"trainer", "learner1", "learner2"}

    # the course site, from nginx's disk, in both languages
    status, page = _get(base)
    assert status == 200 and '<html lang="en"' in page
    status, page = _get(f"{base}fr/")
    assert status == 200 and '<html lang="fr"' in page
    # the sandbox replica
    assert _get(f"{base}sandbox/_stcore/health") == (200, "ok")

    # the hub's sign-in page and a learner's PAM sign-in with the printed password, through
    # nginx (cookies, XSRF); signing in starts the learner's server
    status, landed = sign_in(base.rstrip("/"), learner, accounts[learner])
    assert status == 200
    assert landed.startswith(base), "nginx's address stays the learner's address"
    assert sign_in(base.rstrip("/"), learner, "not-the-password")[0] == 403

    # the learner's own server, then a kernel that runs code over its WebSocket through nginx
    auth = {"auth": {"username": learner, "password": accounts[learner]}, "note": "test"}
    token = request("POST", f"{base}hub/api/users/{learner}/tokens", None, auth)["token"]
    with contextlib.suppress(HubError):  # already asked by the sign-in's spawn page
        request("POST", f"{base}hub/api/users/{learner}/server", token)
    deadline = time.monotonic() + 120
    while (
        not request("GET", f"{base}hub/api/users/{learner}", token)["servers"]
        .get("", {})
        .get("ready")
    ):
        assert time.monotonic() < deadline, "the learner's server did not start"
        time.sleep(0.5)
    status, body = _get(f"{base}user/{learner}/api/status", token)
    assert status == 200 and "started" in json.loads(body)
    kernel = request("POST", f"{base}user/{learner}/api/kernels", token, {"name": "python3"})
    assert run_in_kernel(base, learner, token, kernel["id"], "print(6 * 7)") == "42\n"
    # every request above went through nginx
    logged = log.read_text(encoding="utf-8")
    assert f"/user/{learner}/api/kernels" in logged and "/hub/login" in logged
    started = _descendants(process.pid)
    assert len(started) >= 5  # replica, nginx and its workers, hub, proxy, server, kernel

    # SIGTERM: the trial stops the servers, the hub (its proxy, the learner's server and
    # kernel) and removes its accounts
    process.send_signal(signal.SIGTERM)
    assert process.wait(120) != 0  # "stopped."
    # a process ended but not yet reaped by init is a zombie: over, only its entry is left
    deadline = time.monotonic() + 15
    while (still := [pid for pid in started if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not still, f"still running after SIGTERM: {still}"
    for name in accounts:
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
