"""Stopping a hub leaves nothing of it running, even a server that will not end.

A learner's server was seen stuck at exit (waiting on a thread) while the hub that was to
kill it was itself killed for taking too long: the server kept its port, and the restarted
hub, which remembered it, waited two minutes for it before letting its learner back in.
Here a stand-in for the hub (a real process tree, no JupyterHub needed) starts a "server"
in its own session, as JupyterHub's LocalProcessSpawner does, that ignores every polite
signal, and a "kernel" under it; the hub itself ends on SIGTERM without stopping them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from aimed.hub.run import Hub, children

HUB = textwrap.dedent(
    """
    import signal, subprocess, sys, time
    stuck = "import signal, subprocess, sys, time\\n" \\
        "for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):\\n" \\
        "    signal.signal(s, signal.SIG_IGN)\\n" \\
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\\n" \\
        "time.sleep(600)\\n"
    subprocess.Popen([sys.executable, "-c", stuck], start_new_session=True)
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    time.sleep(600)
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_server_that_ignores_the_hub_is_killed_with_its_kernel(tmp_path):
    hub = Hub(tmp_path, learners=[], trainer="nobody", exchange=tmp_path)
    hub.process = subprocess.Popen(
        [sys.executable, "-c", HUB], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert hub.process.stdout is not None and hub.process.stdout.readline() == "ready\n"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        servers = children(hub.process.pid)
        kernels = [kernel for server in servers for kernel in children(server)]
        if servers and kernels:
            break
        time.sleep(0.1)
    assert servers and kernels, "the stand-in hub did not start its server and kernel"

    hub.stop(timeout=10)

    assert hub.process.poll() is not None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(map(_alive, servers + kernels)):
        time.sleep(0.1)
    assert not [pid for pid in servers + kernels if _alive(pid)]
