"""Helpers shared by the test files: one page opener per surface, one way to wait.

Imported as ``from support import ...`` (the tests folder is on ``sys.path`` through its
conftest). Fixtures (servers, Chromium) are in ``conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import sandbox_ui

IDLE_APP = "[data-testid='stApp'][data-test-script-state='notRunning']"


def open_page(page: str | Path, lang: str, timeout: float = 120) -> AppTest:
    """A sandbox page (file name in ``scenarios/`` or a path) run once in AppTest in ``lang``."""
    path = page if isinstance(page, Path) else sandbox_ui.PAGES_DIR / page
    app = AppTest.from_file(str(path), default_timeout=timeout)
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def wait_for_app_run(page, timeout: float = 60_000) -> None:
    """Wait, in Chromium, until Streamlit has finished running the script (no fixed sleep)."""
    page.wait_for_selector(IDLE_APP, timeout=timeout)
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
        timeout=timeout,
    )


def open_sandbox(page, url: str, timeout: float = 60_000) -> None:
    """Go to a sandbox URL in Chromium and wait for its first run to finish."""
    page.goto(url)
    wait_for_app_run(page, timeout)
