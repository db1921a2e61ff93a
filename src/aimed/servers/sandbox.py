"""The one way the sandbox is started: `aimed serve`, `aimed sandbox`, the tests, the benchmark.

Usage statistics off, headless, loopback unless a host is given; the rest of Streamlit's
settings come from ``streamlit.toml`` beside this module, given as command-line flags so
they hold wherever the server is started from (a wheel has no ``.streamlit/`` folder).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import aimed.sandbox

APP_DIR = Path(aimed.sandbox.__file__).resolve().parent
APP = APP_DIR / "streamlit_app.py"
LAUNCH = APP_DIR / "launch.py"  # loads the engines before the server opens
CONFIG = Path(__file__).with_name("streamlit.toml")
# given by sandbox_command itself (its caller chooses the address and port)
SET_BY_COMMAND = {"server.address", "server.port", "server.headless", "browser.gatherUsageStats"}


def config_flags() -> list[str]:
    """``streamlit.toml`` as Streamlit's command-line flags (``--section.key value``)."""
    flags: list[str] = []
    for section, values in tomllib.loads(CONFIG.read_text(encoding="utf-8")).items():
        for key, value in values.items():
            if f"{section}.{key}" in SET_BY_COMMAND:
                continue
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{key}", text]
    return flags


def sandbox_command(host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    """The command line that serves the sandbox on ``host:port``."""
    return [
        sys.executable,
        str(LAUNCH),
        "run",
        str(APP),
        *config_flags(),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    """Poll ``url`` until it answers 200; the server dying or the time running out raises."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} not healthy after {timeout} s")


def stop(process: subprocess.Popen, group: bool | None = None) -> None:
    """Stop a server and, if it leads its own process group, everything it started.

    ``group=None`` finds out; a caller that started it with ``start_new_session=True`` says
    so, which holds even once the leader is gone and reaped.
    """
    group = _own_group(process) if group is None else group
    _signal(process, group, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        _signal(process, group, signal.SIGKILL)
        process.wait()
    if group:  # children that outlived their leader (a kernel, a worker)
        _signal(process, group, signal.SIGKILL)


def _own_group(process: subprocess.Popen) -> bool:
    """Whether the server was started in its own session (``start_new_session=True``)."""
    try:
        return os.getpgid(process.pid) == process.pid
    except ProcessLookupError:  # already gone and reaped
        return False


def _signal(process: subprocess.Popen, group: bool, signum: int) -> None:
    try:
        if group:
            os.killpg(process.pid, signum)
        elif process.poll() is None:
            process.send_signal(signum)
    except (ProcessLookupError, PermissionError):  # gone (its number may be someone else's)
        pass


@contextmanager
def running_sandbox(
    output: IO | int = subprocess.DEVNULL, port: int | None = None
) -> Iterator[str]:
    """A healthy sandbox on a free loopback port; yields its URL and stops it afterwards."""
    port = port or free_port()
    process = subprocess.Popen(
        sandbox_command("127.0.0.1", port),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
