"""The one way the sandbox is started: `make serve`, the browser tests and the benchmark.

Usage statistics off, headless, loopback unless a host is given; the rest of Streamlit's
settings come from `.streamlit/config.toml`.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "sandbox" / "streamlit_app.py"
LAUNCH = ROOT / "sandbox" / "launch.py"  # loads the engines before the server opens


def sandbox_command(host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    """The command line that serves the sandbox on ``host:port``."""
    return [
        sys.executable,
        str(LAUNCH),
        "run",
        str(APP),
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


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_sandbox(
    output: IO | int = subprocess.DEVNULL, port: int | None = None
) -> Iterator[str]:
    """A healthy sandbox on a free loopback port; yields its URL and stops it afterwards."""
    port = port or free_port()
    process = subprocess.Popen(
        sandbox_command("127.0.0.1", port), cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
