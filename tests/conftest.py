"""Shared fixtures: the built site, local servers, and Debian's Chromium for Playwright."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from aimed.servers.chromium import HEADLESS_SHELL, launch_args
from aimed.servers.sandbox import running_sandbox
from aimed.servers.static import serve_in_thread
from support import built_once, shared_folder

ROOT = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# The suite runs on three pytest-xdist workers (`-n 3`, pyproject.toml: on two cores a third
# worker runs while the others wait for a server or a browser). The tests of one file go
# to one worker, so a module's fixtures are made once, and so do the files of a group:
# "site-with-sandbox", the site built to link to this run's sandbox server, made once.
# Grading runs may go side by side: each learner's code is capped in its own control group,
# and the hostile cohort counts as left behind only processes of its own run.
SITE_WITH_SANDBOX = {"tests/site/test_module_links_browser.py", "tests/site/test_site_browser.py"}


def xdist_group_of(path: str) -> str:
    """The pytest-xdist group of a test file (its path relative to the repository)."""
    return "site-with-sandbox" if path in SITE_WITH_SANDBOX else path


# The longest files (measured in CI), handed out first so that no worker ends with one alone;
# the others follow in collection order (``--no-loadscope-reorder``: xdist would otherwise put
# the files with most tests first, whatever their length).
LONGEST_FIRST = (
    "tests/site/test_accessibility.py",
    # next: files that wait for no site build while the first builds it
    "tests/hub/test_cycle.py",
    "tests/servers/test_wheel.py",
    "tests/trainer/test_trainer_hostile.py",
    "tests/site/test_record_browser.py",
    "tests/test_lint.py",
    "tests/trainer/test_selfcheck.py",
    "tests/trainer/test_exercises.py",
    "tests/site/test_lab_browser.py",
    "tests/trainer/test_trainer_cycle.py",
    "tests/sandbox/test_symptom_checker_page.py",
    "tests/site/test_selfcheck_browser.py",
    "tests/site/test_assessment_browser.py",
    "tests/sandbox/test_sandbox_browser.py",
    "tests/trainer/test_postgres.py",
    "tests/site/test_module_links_browser.py",
    "tests/sandbox/test_model_pages_browser.py",
    "tests/site/test_scorm_browser.py",
    "tests/site/test_bias_check_browser.py",
    "tests/servers/test_launcher.py",
    "tests/trainer/test_zip_alone.py",
    "tests/trainer/test_trainer_cli.py",
    "tests/hub/test_lti.py",
    "tests/site/test_course_features.py",
    "tests/trainer/test_trainer_guide.py",
    "tests/sandbox/test_letter_check_page.py",
    "tests/site/test_print_browser.py",
    "tests/sandbox/test_before_you_paste_page.py",
    "tests/sandbox/test_automation_bias_page.py",
    "tests/trainer/test_attest.py",
    "tests/trainer/test_workers.py",
    "tests/hub/test_front_door.py",
    # the longest of the fast tier (-m "not slow and not browser") after these
    "tests/sandbox/test_biased_data_page.py",
    "tests/sandbox/test_number_ranges.py",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--bench",
        action="store_true",
        help="also run the benchmark's own test (tests/test_bench.py, marker bench)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the benchmark's test unless ``--bench``, and Moodle's own importer unless
    ``AIMED_MOODLE_DIR`` names a Moodle tree (no registry this project uses holds Moodle)."""
    left_out = set()
    if not config.getoption("--bench"):
        left_out.add("bench")
    if not os.environ.get("AIMED_MOODLE_DIR"):
        left_out.add("moodle")
    out = [item for item in items if any(item.get_closest_marker(m) for m in left_out)]
    if out:
        config.hook.pytest_deselected(items=out)
        items[:] = [item for item in items if item not in out]
    first = {path: rank for rank, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: first.get(item.nodeid.split("::")[0], len(first)))


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Give each worker whole files and whole groups (``xdist_group_of``), largest first.

    pytest-xdist's own ``loadgroup`` marks are lost under pytest 9 (it renames a test by
    a private attribute pytest no longer reads), so the grouping is done here.
    """
    from xdist.scheduler import LoadScopeScheduling

    class FileGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group_of(nodeid.split("::")[0])

    return FileGroupScheduling(config, log)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium headless shell with its background traffic off (it cannot
    reach out here)."""
    return {**browser_type_launch_args, **launch_args(HEADLESS_SHELL)}


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Each new AppTest has Streamlit read the metadata of every installed package in search
    of custom components (about a third of a second; the sandbox uses none, and what is
    installed does not change during a run): read once per run."""
    from streamlit.components.v2 import manifest_scanner

    scan = functools.cache(manifest_scanner.scan_component_manifests)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", scan)
        yield


@pytest.fixture(scope="session", autouse=True)
def figure_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The run's site builds draw each figure once: the first keeps what it drew in a folder
    every worker shares (``AIMED_FIGURE_CACHE``), the others read it back. The wheel's test
    builds without it (its environment has no AIMED_* variable)."""
    folder = shared_folder(tmp_path_factory) / "figure-cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIMED_FIGURE_CACHE", str(folder))
        yield folder


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


@pytest.fixture(autouse=True)
def notebooks_in_english() -> Iterator[None]:
    """Each test starts with the notebook helpers in English, whatever a test before it on
    this worker left (``set_language`` is module state, as in a learner's kernel)."""
    from aimed.notebooks.helpers import set_language

    set_language("en")
    yield
    set_language("en")
