"""A real JupyterHub on loopback, with real local accounts: two learners and a trainer.

The accounts are created for the module (root only: PAM sign-in and per-account servers
need them) and removed after, with their homes; nothing of theirs may still run then.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from aimed.hub.run import COURSE, PROXY, Hub, exchange_folder
from aimed.trainer.synthetic import copy_course

pytestmark = pytest.mark.slow

needs = []
if os.geteuid() != 0:
    needs.append("root (local accounts for the learners)")
if not PROXY.exists():
    needs.append("JupyterHub's proxy (make hub-proxy)")
if shutil.which("useradd") is None:
    needs.append("useradd")


def _processes_of(user: str) -> list[str]:
    done = subprocess.run(["pgrep", "-a", "-u", user], capture_output=True, text=True)
    return done.stdout.splitlines()


@pytest.fixture(scope="module")
def accounts():
    """``{role: account}``: learner1, learner2 and trainer, with passwords, removed after."""
    if needs:
        pytest.skip("needs " + ", ".join(needs))
    tag = f"{os.getpid() % 100000:05d}"
    names = {role: f"aimed{role[0]}{role[-1]}{tag}" for role in ("learner1", "learner2", "trainer")}
    for name in names.values():
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        os.chmod(Path("/home") / name, 0o700)
        subprocess.run(["chpasswd"], input=f"{name}:pw-{name}\n", text=True, check=True)
    yield names
    left = {name: _processes_of(name) for name in names.values()}
    for name in names.values():
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)
        time.sleep(0.2)
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)
    assert not any(left.values()), f"processes left running: {left}"


@pytest.fixture(scope="module")
def cohort_hub(accounts):
    """The hub, the exchange and the trainer's course folder (in the trainer's home)."""
    # pytest's own temporary folders are private to root: the accounts could not reach them
    base = Path(tempfile.mkdtemp(prefix="aimed-hub-"))
    os.chmod(base, 0o755)
    exchange = exchange_folder(base / "exchange")
    trainer = accounts["trainer"]
    course = Path("/home") / trainer / COURSE
    copy_course(course)
    subprocess.run(["chown", "-R", f"{trainer}:{trainer}", str(course)], check=True)
    hub = Hub(
        base / "hub",
        learners=[accounts["learner1"], accounts["learner2"]],
        trainer=trainer,
        exchange=exchange,
    )
    hub.start()
    proxy_pids = _children(hub.process.pid)
    yield hub, course
    hub.stop()
    assert hub.process.poll() is not None
    still = [pid for pid in proxy_pids if Path(f"/proc/{pid}").exists()]
    shutil.rmtree(base, ignore_errors=True)
    assert not still, f"the hub's proxy or servers still run: {still}"


def _children(pid: int) -> list[int]:
    done = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in done.stdout.split()]
