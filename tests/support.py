"""Helpers shared by the test files: one page opener per surface, one way to wait.

Imported as ``from support import ...`` (the tests folder is on ``sys.path`` through its
conftest). Fixtures (servers, Chromium) are in ``conftest.py``; the Chromium waits are in
``aimed.servers.chromium``, shared with the benchmark, and re-exported here.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from streamlit.testing.v1 import AppTest

from aimed.sandbox import sandbox_ui
from aimed.servers.chromium import open_sandbox, wait_for_app_run  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from aimed.servers.lab import Lab


def open_page(page: str | Path, lang: str, timeout: float = 120) -> AppTest:
    """A sandbox page (file name in ``scenarios/`` or a path) run once in AppTest in ``lang``."""
    path = page if isinstance(page, Path) else sandbox_ui.PAGES_DIR / page
    app = AppTest.from_file(str(path), default_timeout=timeout)
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


ROOT = Path(__file__).resolve().parents[1]


def figure_module(stem: str):
    """``site/figures/<stem>.py`` as the package ``aimed.site.figures`` holds it."""
    import importlib

    return importlib.import_module(f"aimed.site.figures.{stem}")


def module_page_text(slug: str, lang: str) -> str:
    """A module page's source, wrapped lines joined (non-breaking spaces kept)."""
    import re

    name = f"{slug}.md" if lang == "en" else f"{slug}.fr.md"
    text = (ROOT / "course" / "modules" / name).read_text(encoding="utf-8")
    return re.sub(r"[ \n]+", " ", text)


def blocking_violations(page) -> list[str]:
    """Serious or critical axe-core findings on a Chromium page: what fails a page's test."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:5])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def shared_folder(tmp_path_factory) -> Path:
    """This run's temporary folder that every pytest-xdist worker sees (beside their own)."""
    import os

    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory, name: str, build) -> Path:
    """``build(folder)`` run once per test session, however many pytest-xdist workers run it.

    Each worker has its own session; the first to get here builds into a folder they all share
    (beside their own temporary folders), the others wait for it, then reuse it. Callers that
    change what was built work on a copy.
    """
    import fcntl
    import shutil

    shared = shared_folder(tmp_path_factory)
    folder, done = shared / name, shared / f"{name}.built"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


# A wide table on a phone (tests of the sandbox's and the record's tables): scroll its own scroll
# box to the right end, then report, for every row, where its first cell is and whether that
# cell is what the screen shows at its centre (a sticky label column stays on top).
TABLE_SCROLLED_RIGHT = """table => {
    let box = table.parentElement;
    while (box && !(box.scrollWidth > box.clientWidth
                    && /auto|scroll/.test(getComputedStyle(box).overflowX))) {
        box = box.parentElement;
    }
    if (box) box.scrollLeft = box.scrollWidth;
    const rows = [...table.querySelectorAll('tr')].map(row => {
        const cell = row.firstElementChild;
        window.scrollBy(0, cell.getBoundingClientRect().top - innerHeight / 2);  // page only
        const r = cell.getBoundingClientRect();
        const shown = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        const last = row.lastElementChild.getBoundingClientRect();
        return {text: cell.innerText.trim(), left: r.left, right: r.right,
                on_top: cell.contains(shown), last_right: last.right};
    });
    return {scrolls: Boolean(box), rows: rows,
            page_width: document.documentElement.scrollWidth};
}"""


def search_result_links(page, query: str) -> list[str]:
    """Type ``query`` in the site's search box once its index is loaded; every result's link."""
    from playwright.sync_api import expect

    meta = page.locator(".md-search-result__meta")
    box = page.locator("input.md-search__input")
    box.click()
    # "Initializing search" / "Initialisation de la recherche" until the index is loaded
    expect(meta).not_to_have_text(re.compile(r"^\s*Initiali[sz]", re.I), timeout=30_000)
    # Material searches on keyup, which fill() never sends: the last key alone is pressed, so
    # the one search made is the whole query's (results of a half-typed one cannot be read)
    box.fill(query[:-1])
    box.press_sequentially(query[-1])
    results = page.locator(".md-search-result__list .md-search-result__link")
    expect(results.first).to_be_visible(timeout=30_000)
    # the results shown are the query's own: their sections' links highlight its last word
    last = re.findall(r"\w+", query)[-1].lower()[:4]
    page.wait_for_function(
        """(word) => Array.from(
          document.querySelectorAll(".md-search-result__list .md-search-result__link"),
        ).some((link) => decodeURIComponent(link.href).toLowerCase().includes("h=" + word)
          || decodeURIComponent(link.href).toLowerCase().includes("+" + word))""",
        arg=last,
        timeout=30_000,
    )
    return results.evaluate_all("links => links.map(link => link.href)")


def told(capsys: pytest.CaptureFixture[str], check: Callable[[], None]) -> str:
    """What a notebook's form check tells the learner: it shows a message and raises nothing."""
    check()
    return capsys.readouterr().out


def wait_for_kernel(page: Page, server: Lab, path: str) -> None:
    """Until the notebook's kernel is idle and the page connected to it (90 s at most).

    JupyterLab ignores a cell run before its session has a kernel, so a learner's
    Shift+Enter in the first second would do nothing, and the page is only then done loading
    (in the exercise's language): the tests wait as a learner would.
    """
    for _ in range(900):
        with urllib.request.urlopen(server.request("/api/sessions")) as response:
            sessions = json.load(response)
        kernel = next((s["kernel"] for s in sessions if s["path"] == path), None)
        if kernel and kernel["connections"] >= 1 and kernel["execution_state"] == "idle":
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no kernel connected to {path}")


def requirement_closure(names: list[str]) -> set[str]:
    """The named distributions of this environment and every one they require, recursively,
    without extras: what ``pip install`` of them brings (names normalised)."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: set[str] = set()
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        found.add(name)
        for text in distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def linked_environment(env: Path, distributions: set[str] | None = None) -> Path:
    """A new virtual environment whose libraries are this environment's own, linked, not
    installed: nothing is downloaded (the suite needs no network) and pip still sees each one
    installed, with its version, so ``pip install --no-index`` of a wheel checks its
    requirements against them. ``distributions``: only these (with pip), else every library
    but ``aimed``. The links go in a folder beside ``env`` named by a ``.pth`` file, so
    ``aimed`` can only come from what is installed into ``env``. Returns its Python."""
    import sys
    import sysconfig
    import venv
    from importlib.metadata import distribution

    venv.EnvBuilder(with_pip=False, symlinks=True).create(env)
    ours = Path(sysconfig.get_path("purelib"))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    theirs = env / "lib" / version / "site-packages"
    if distributions is None:
        entries = {e.name for e in ours.iterdir() if "aimed" not in e.name.lower()}
        entries = {name for name in entries if not name.endswith(".pth")}
    else:
        entries = set()
        for name in distributions | {"pip"}:
            files = distribution(name).files
            assert files, f"{name} lists no files (no RECORD): it cannot be linked"
            entries |= {f.parts[0] for f in files if f.parts[0] != ".."}
    libraries = env.parent / f"{env.name}-libraries"
    libraries.mkdir()
    for name in sorted(entries):
        if (ours / name).exists():
            (libraries / name).symlink_to(ours / name)
    (theirs / "project-libraries.pth").write_text(f"{libraries}\n", encoding="utf-8")
    return env / "bin" / "python"
