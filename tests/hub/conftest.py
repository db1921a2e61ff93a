"""A real JupyterHub on loopback, with real local accounts: two learners and a trainer.

The accounts are created for the module (root only: PAM sign-in and per-account servers
need them) and removed after, with their homes; nothing of theirs may still run then.
"""

from __future__ import annotations

import os
import shutil

import pytest

from aimed.hub.run import PROXY, add_accounts, remove_accounts, running_cohort

pytestmark = pytest.mark.slow

needs = []
if os.geteuid() != 0:
    needs.append("root (local accounts for the learners)")
if not PROXY.exists():
    needs.append("JupyterHub's proxy (make hub-proxy)")
if shutil.which("useradd") is None:
    needs.append("useradd")


@pytest.fixture(scope="module")
def accounts():
    """``{role: account}``: learner1, learner2 and trainer, with passwords, removed after."""
    if needs:
        pytest.skip("needs " + ", ".join(needs))
    tag = f"{os.getpid() % 100000:05d}"
    names = {role: f"aimed{role[0]}{role[-1]}{tag}" for role in ("learner1", "learner2", "trainer")}
    add_accounts(list(names.values()))
    yield names
    left = remove_accounts(list(names.values()))
    assert not left, f"processes left running: {left}"


@pytest.fixture(scope="module")
def cohort_hub(accounts):
    """The hub, the exchange and the trainer's course folder (in the trainer's home)."""
    learners = [accounts["learner1"], accounts["learner2"]]
    with running_cohort(accounts["trainer"], learners) as (hub, course):
        yield hub, course
