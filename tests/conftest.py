"""Shared fixtures: the built site, local servers, and Debian's Chromium for Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from aimed.servers.chromium import launch_args
from aimed.servers.sandbox import running_sandbox
from aimed.servers.static import serve_in_thread

ROOT = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium with its background traffic off (it cannot reach out here)."""
    return {**browser_type_launch_args, **launch_args()}


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


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One sandbox server shared by the session's browser tests."""
    log = tmp_path_factory.mktemp("sandbox") / "streamlit.log"
    with log.open("w") as handle, running_sandbox(handle) as url:
        yield url


@pytest.fixture(scope="session")
def site_with_sandbox(tmp_path_factory: pytest.TempPathFactory, sandbox_url: str) -> Iterator[str]:
    """The course site built to link to the real sandbox started for this test run."""
    site_dir = tmp_path_factory.mktemp("site-with-sandbox")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "AIMED_SANDBOX_URL": sandbox_url},
    )
    assert result.returncode == 0, result.stderr
    server, url = serve_in_thread(site_dir)
    yield url
    server.shutdown()


@pytest.fixture
def fresh_sandbox_url(tmp_path: Path) -> Iterator[str]:
    """A sandbox server nobody has visited yet (first-visit behaviour)."""
    with (tmp_path / "streamlit.log").open("w") as handle, running_sandbox(handle) as url:
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
