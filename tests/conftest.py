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
from support import built_once

ROOT = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# The suite runs on two pytest-xdist workers (`-n 2 --dist loadgroup`, pyproject.toml). Tests
# of one file stay on one worker, so a module's fixtures are made once; these groups keep
# tests of several files together on one worker:
# - learner code behind bubblewrap: the hostile cohort checks that no sandbox process is left
#   anywhere on the machine, so no other grading may run beside it (PostgreSQL's cycle too);
# - the site built to link to this run's sandbox server, made once for its two files.
GROUPS = {
    "grading": [
        "tests/trainer/test_boundary.py",
        "tests/trainer/test_caps_and_report.py",
        "tests/trainer/test_every_exercise_graded.py",
        "tests/trainer/test_exports.py",
        "tests/trainer/test_intake.py",
        "tests/trainer/test_links.py",
        "tests/trainer/test_postgres.py",
        "tests/trainer/test_trainer_cli.py",
        "tests/trainer/test_trainer_cycle.py",
        "tests/trainer/test_trainer_hostile.py",
        "tests/trainer/test_trainer_safety.py",
        "tests/trainer/test_workers.py",
    ],
    "site-with-sandbox": [
        "tests/site/test_module_links_browser.py",
        "tests/site/test_site_browser.py",
    ],
}
GROUP_OF = {path: group for group, paths in GROUPS.items() for path in paths}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--bench",
        action="store_true",
        help="also run the benchmark's own test (tests/test_bench.py, marker bench)",
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the benchmark's test out unless ``--bench``; give every test its xdist group."""
    if not config.getoption("--bench"):
        bench = [item for item in items if item.get_closest_marker("bench")]
        if bench:
            config.hook.pytest_deselected(items=bench)
            items[:] = [item for item in items if not item.get_closest_marker("bench")]
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            path = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(GROUP_OF.get(path, path)))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium with its background traffic off (it cannot reach out here)."""
    return {**browser_type_launch_args, **launch_args()}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual course site, built once per run with ``mkdocs build --strict``.

    One build whatever the number of xdist workers; tests only read it.
    """

    def build(site_dir: Path) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"

    return built_once(tmp_path_factory, "site", build)


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
