"""Debian's Chromium for Playwright, and how to know a Streamlit page has finished its run.

One place for the browser tests (``tests/conftest.py``, ``tests/support.py``) and the
benchmark (``scripts/bench.py``): they launch Chromium the same way and wait on the same
signal, so what the tests check and what the benchmark times is the same page state.
The benchmark times the browser a reader has (``CHROMIUM``); the tests drive Chromium's
headless shell (``HEADLESS_SHELL``, Debian's ``chromium-headless-shell``, what Playwright
itself runs headless): the same Blink and V8 without the desktop browser around them, about
a third less CPU per page on a two-core machine.
It lives beside the servers it drives so both import it by its package path; it imports no
browser library itself (the caller hands it Playwright's page).
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HEADLESS_SHELL = os.environ.get("CHROMIUM_HEADLESS_SHELL", "/usr/bin/chromium-headless-shell")
# Background traffic off: it cannot reach out here, and it would add noise to timings.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCRIPT_STATE = "data-test-script-state"
IDLE_APP = f"[data-testid='stApp'][{SCRIPT_STATE}='notRunning']"
# Streamlit shows a skeleton while a widget's code is still loading after the run ended.
NO_SKELETON = "() => document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0"


def launch_args(executable: str = CHROMIUM) -> dict:
    """Keyword arguments of ``chromium.launch`` for Debian's Chromium (or its headless shell)."""
    return {"executable_path": executable, "args": list(CHROMIUM_ARGS)}


def wait_for_app_run(page, timeout: float = 60_000) -> None:
    """Wait, in Chromium, until Streamlit has finished running the script (no fixed sleep)."""
    page.wait_for_selector(IDLE_APP, timeout=timeout)
    page.wait_for_function(NO_SKELETON, timeout=timeout)


def open_sandbox(page, url: str, timeout: float = 60_000) -> None:
    """Go to a sandbox URL in Chromium and wait for its first run to finish."""
    page.goto(url)
    wait_for_app_run(page, timeout)
