"""A physician alone opens a module's exercise from the course page, works, and starts again.

The exercises are released from a copy of the course, the exercise server started the way
`make serve` starts it (scripts/lab_server.py) over a fresh workspace, and the course site
built to point at it. In Chromium, with every request off this machine blocked and listed:
the module page's button opens the notebook in JupyterLab in the page's language, the setup
cell runs, an answer saved lands in the workspace, and the reset link puts the released
version back while keeping the learner's as a backup.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from typer.testing import CliRunner

from aimed.texts.i18n import t
from aimed.trainer.cli import app
from aimed.trainer.release import exercise_title
from aimed.trainer.synthetic import copy_course
from lab_server import running_lab
from static_server import serve_in_thread
from support import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = "reading-performance"
BUTTON = {"en": "Open the exercise", "fr": "Ouvrir l'exercice"}
RESET = {"en": "Start again from the released version", "fr": "Repartir de la version distribuée"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Released exercises, the exercise server over an empty workspace, and the site."""
    base = tmp_path_factory.mktemp("lab")
    course = copy_course(base / "course").root
    project = base / "project"  # the repository as the site build sees it, with the zips
    downloads = project / "build" / "downloads"
    released = CliRunner().invoke(
        app, ["release", EXERCISE, "--course", str(course), "--downloads", str(downloads)]
    )
    assert released.exit_code == 0, released.output
    for name in ("course", "site", "pyproject.toml"):
        (project / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")  # a copy: the hook's root is here
    workspace = base / "workspace"
    with (
        (base / "lab.log").open("w") as log,
        running_lab(workspace, course / "release", log) as url,
    ):
        built = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(base / "site")],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "AIMED_LAB_URL": url},
        )
        assert built.returncode == 0, built.stderr
        server, site = serve_in_thread(base / "site")
        try:
            yield {"url": url, "site": site, "workspace": workspace, "release": course / "release"}
        finally:
            server.shutdown()


def module_page(lab: dict, lang: str) -> str:
    return f"{lab['site']}{'' if lang == 'en' else '/' + lang}/modules/{EXERCISE}/"


def released_notebook(lab: dict, lang: str) -> Path:
    return lab["release"] / f"{EXERCISE}-{lang}" / f"{EXERCISE}.ipynb"


def open_from_the_module_page(page: Page, lab: dict, lang: str) -> None:
    page.goto(module_page(lab, lang))
    where = page.locator(".aimed-exercise__where")
    expect(where).to_contain_text(f"workspace/{EXERCISE}-{lang}/")
    page.get_by_role("link", name=BUTTON[lang], exact=True).click()
    notebook = f"{lab['url']}/lab/tree/{EXERCISE}-{lang}/{EXERCISE}.ipynb"
    expect(page).to_have_url(notebook, timeout=60_000)
    title = exercise_title(released_notebook(lab, lang))
    heading = shown_notebook(page).locator(".jp-MarkdownOutput h1", has_text=title)
    expect(heading).to_be_visible(timeout=60_000)


def shown_notebook(page: Page) -> Locator:
    """The notebook in front (JupyterLab keeps earlier ones open in hidden tabs)."""
    return page.locator(".jp-NotebookPanel:visible")


def run_setup_cell(page: Page, lab: dict, lang: str) -> None:
    """Shift+Enter on the setup cell once the notebook's kernel is up, as a learner would."""
    wait_for_kernel(page, lab["url"], f"{EXERCISE}-{lang}/{EXERCISE}.ipynb")
    setup = shown_notebook(page).locator(".jp-CodeCell", has_text="set_language").first
    setup.locator(".jp-InputArea-editor").click()
    expect(setup).to_have_class(re.compile(r"\bjp-mod-active\b"))
    page.keyboard.press("Shift+Enter")
    expect(setup.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[1\]"), timeout=90_000)
    # the helpers now speak the page's language (set_language's value), with no error or warning
    expect(setup.locator(".jp-OutputArea-output")).to_have_text(f"'{lang}'")
    expect(setup.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).to_have_count(0)


def wait_for_kernel(page: Page, url: str, path: str) -> None:
    """Until the notebook's kernel runs and the page is connected to it (90 s at most).

    JupyterLab ignores a cell run before its session has a kernel, so a learner's
    Shift+Enter in the first second would do nothing: the test waits as a learner would.
    """
    for _ in range(900):
        with urllib.request.urlopen(f"{url}/api/sessions") as response:
            sessions = json.load(response)
        kernel = next((s["kernel"] for s in sessions if s["path"] == path), None)
        if kernel and kernel["connections"] >= 1 and kernel["execution_state"] == "idle":
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no kernel connected to {path}")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_module_button_opens_the_exercise_ready_to_run(
    page: Page, lab: dict, offsite_requests: list[str], lang: str
) -> None:
    open_from_the_module_page(page, lab, lang)
    run_setup_cell(page, lab, lang)
    mine = lab["workspace"] / f"{EXERCISE}-{lang}" / f"{EXERCISE}.ipynb"
    assert mine.read_bytes() == released_notebook(lab, lang).read_bytes()
    assert offsite_requests == []


def test_work_is_saved_in_the_workspace_and_reset_keeps_it(
    page: Page, lab: dict, offsite_requests: list[str]
) -> None:
    lang = "fr"
    open_from_the_module_page(page, lab, lang)
    answer = shown_notebook(page).locator(".jp-CodeCell", has_text="NotImplementedError").first
    answer.locator(".jp-InputArea-editor").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("answer_q1 = 98")
    page.keyboard.press("ControlOrMeta+s")
    mine = lab["workspace"] / f"{EXERCISE}-{lang}" / f"{EXERCISE}.ipynb"
    for _ in range(300):  # until JupyterLab has written the file (30 s at most)
        if "answer_q1 = 98" in cell_sources(mine):
            break
        page.wait_for_timeout(100)
    assert "answer_q1 = 98" in cell_sources(mine), "the saved answer is in the workspace"

    page.goto(module_page(lab, lang))
    assert blocking_violations(page) == [], "the exercise block"
    page.get_by_role("link", name=RESET[lang], exact=True).click()
    expect(page.locator("h1")).to_have_text(t("lab.reset_title", lang))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert blocking_violations(page) == [], "the confirmation page"
    assert "answer_q1 = 98" in cell_sources(mine), "asking must not change anything"
    page.get_by_role("button", name=RESET[lang]).click()
    expect(page.locator("h1")).to_have_text(t("lab.done_title", lang))
    backups = sorted(mine.parent.glob(f"{EXERCISE}.bak-*.ipynb"))
    assert len(backups) == 1
    expect(page.locator("main")).to_contain_text(backups[0].name)
    assert blocking_violations(page) == [], "the page after the reset"
    assert "answer_q1 = 98" in cell_sources(backups[0])
    assert mine.read_bytes() == released_notebook(lab, lang).read_bytes()
    page.get_by_role("link", name=BUTTON[lang]).click()
    expect(page).to_have_url(re.compile(re.escape(f"/lab/tree/{EXERCISE}-{lang}/")))
    assert offsite_requests == []


def cell_sources(notebook: Path) -> str:
    """Every cell's source; empty while JupyterLab is still writing the file."""
    try:
        cells = json.loads(notebook.read_text("utf-8"))["cells"]
    except json.JSONDecodeError:
        return ""
    return "\n".join("".join(cell["source"]) for cell in cells)


def test_the_server_refuses_what_a_learner_never_sends(lab: dict) -> None:
    """A reset without JupyterLab's XSRF token, a foreign Host, an unknown exercise."""
    url = lab["url"]
    backups_before = sorted(lab["workspace"].rglob("*.bak-*"))
    assert status(f"{url}/aimed/reset/{EXERCISE}-en", method="POST")[0] == 403
    assert sorted(lab["workspace"].rglob("*.bak-*")) == backups_before, "nothing was reset"
    assert status(f"{url}/aimed/open/{EXERCISE}-en", host="lab.example")[0] == 403
    code, body = status(f"{url}/aimed/open/no-such-exercise-fr")
    assert code == 404 and t("lab.unknown_title", "fr") in body and "no-such" not in body
    code, body = status(f"{url}/aimed/open/..%2F..%2Fetc-en")
    assert code == 404 and t("lab.unknown_title", "en") in body
    # JupyterLab's own calls home answer empty: no news feed, no update check
    for path, empty in (
        ("/lab/api/news", {"news": []}),
        ("/lab/api/update", {"notification": None}),
    ):
        with urllib.request.urlopen(url + path) as response:
            assert json.load(response) == empty


def status(url: str, method: str = "GET", host: str | None = None) -> tuple[int, str]:
    """Status and text of a request sent as a script would, without a browser's cookies."""
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
