"""Shared fixtures: the built site, local servers, and Debian's Chromium for Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from aimed.static_server import serve_in_thread

ROOT = Path(__file__).resolve().parents[1]
APP_DIR = ROOT / "sandbox" / "app"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Page scripts import their UI helpers the way Streamlit runs them: from the app folder.
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium with its background traffic off (it cannot reach out here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual course site, built once per run with ``mkdocs build --strict``."""
    site_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on loopback by the same server as ``make serve``."""
    server, url = serve_in_thread(built_site)
    yield url
    server.shutdown()


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} not healthy after {timeout} s")


@contextmanager
def running_sandbox(log: Path) -> Iterator[str]:
    """The real Streamlit sandbox on a free loopback port, started as ``make serve`` does."""
    port = free_port()
    with log.open("w") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP_DIR / "streamlit_app.py"),
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One sandbox server shared by the session's browser tests."""
    with running_sandbox(tmp_path_factory.mktemp("sandbox") / "streamlit.log") as url:
        yield url


@pytest.fixture
def fresh_sandbox_url(tmp_path: Path) -> Iterator[str]:
    """A sandbox server nobody has visited yet (first-visit behaviour)."""
    with running_sandbox(tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture
def offsite_requests(page) -> list[str]:
    """Every request the page tries to send off this machine; each one is blocked and kept."""
    seen: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            seen.append(url)
            route.abort()

    page.context.route("**/*", handle)
    page.on(
        "websocket",
        lambda ws: (
            None if (urlsplit(ws.url).hostname or "") in LOCAL_HOSTS else seen.append(ws.url)
        ),
    )
    return seen
