"""A physician alone opens a module's exercise from the course page, works, and starts again.

The exercises are released from a copy of the course, the exercise server started the way
`aimed serve` starts it (aimed.servers.lab) over a fresh workspace, and the course site
built to point at it. In Chromium, with every request off this machine blocked and listed:
the browser logs in once with the address `aimed serve` prints (the server requires its
token, loopback included), then the module page's button opens the notebook in JupyterLab in
the page's language, the setup cell runs, an answer saved lands in the workspace, and the
reset link puts the released version back while keeping the learner's as a backup. Without
the token or its cookie, the server refuses everything but its version number.
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
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from typer.testing import CliRunner

from aimed.servers.lab import Lab, running_lab
from aimed.servers.static import serve_in_thread
from aimed.texts.i18n import t
from aimed.trainer.cli import app
from aimed.trainer.release import exercise_title
from aimed.trainer.synthetic import copy_course
from support import blocking_violations, wait_for_kernel

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
        running_lab(workspace, course / "release", log) as server,
    ):
        url = server.url
        built = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(base / "site")],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "AIMED_LAB_URL": url},
        )
        assert built.returncode == 0, built.stderr
        static, site = serve_in_thread(base / "site")
        try:
            yield {
                "url": url,
                "server": server,
                "site": site,
                "workspace": workspace,
                "release": course / "release",
            }
        finally:
            static.shutdown()


def log_in(page: Page, lab: dict) -> None:
    """Open the address `aimed serve` prints, once: the browser keeps a login cookie."""
    server: Lab = lab["server"]
    page.goto(server.login_url)
    expect(page).to_have_url(re.compile(re.escape(f"{server.url}/lab")), timeout=60_000)
    assert "token=" not in page.url, "JupyterLab drops the token from the address bar"


def module_page(lab: dict, lang: str) -> str:
    return f"{lab['site']}{'' if lang == 'en' else '/' + lang}/modules/{EXERCISE}/"


def released_notebook(lab: dict, lang: str) -> Path:
    return lab["release"] / f"{EXERCISE}-{lang}" / f"{EXERCISE}.ipynb"


def open_from_the_module_page(page: Page, lab: dict, lang: str) -> None:
    log_in(page, lab)
    page.goto(module_page(lab, lang))
    where = page.locator(".aimed-exercise__where")
    expect(where).to_contain_text(f"workspace/{EXERCISE}-{lang}/")
    page.get_by_role("link", name=BUTTON[lang], exact=True).click()
    notebook = f"{lab['url']}/lab/tree/{EXERCISE}-{lang}/{EXERCISE}.ipynb"
    expect(page).to_have_url(notebook, timeout=60_000)
    title = exercise_title(released_notebook(lab, lang))
    heading = shown_notebook(page).locator(".jp-MarkdownOutput h1", has_text=title)
    expect(heading).to_be_visible(timeout=60_000)
    # JupyterLab's own menus speak the exercise's language (its French language pack)
    menu = page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").first
    expect(menu).to_have_text({"en": "File", "fr": "Fichier"}[lang])


def shown_notebook(page: Page) -> Locator:
    """The notebook in front (JupyterLab keeps earlier ones open in hidden tabs)."""
    return page.locator(".jp-NotebookPanel:visible")


def run_setup_cell(page: Page, lab: dict, lang: str) -> None:
    """Shift+Enter on the setup cell once the notebook's kernel is up, as a learner would."""
    wait_for_kernel(page, lab["server"], f"{EXERCISE}-{lang}/{EXERCISE}.ipynb")
    setup = shown_notebook(page).locator(".jp-CodeCell", has_text="set_language").first
    setup.locator(".jp-InputArea-editor").click()
    expect(setup).to_have_class(re.compile(r"\bjp-mod-active\b"))
    page.keyboard.press("Shift+Enter")
    expect(setup.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[1\]"), timeout=90_000)
    # the helpers now speak the page's language (set_language's value), with no error or warning
    expect(setup.locator(".jp-OutputArea-output")).to_have_text(f"'{lang}'")
    expect(setup.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).to_have_count(0)


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
    answer = shown_notebook(page).locator(".jp-CodeCell", has_text="YOUR ANSWER HERE").first
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
    """A logged-in browser's reset without JupyterLab's XSRF token, a foreign Host, an unknown
    exercise."""
    url, browser = lab["url"], logged_in(lab["server"])
    backups_before = sorted(lab["workspace"].rglob("*.bak-*"))
    assert status(browser, f"{url}/aimed/reset/{EXERCISE}-en", method="POST")[0] == 403
    assert sorted(lab["workspace"].rglob("*.bak-*")) == backups_before, "nothing was reset"
    assert status(browser, f"{url}/aimed/open/{EXERCISE}-en", host="lab.example")[0] == 403
    code, body = status(browser, f"{url}/aimed/open/no-such-exercise-fr")
    assert code == 404 and t("lab.unknown_title", "fr") in body and "no-such" not in body
    code, body = status(browser, f"{url}/aimed/open/..%2F..%2Fetc-en")
    assert code == 404 and t("lab.unknown_title", "en") in body
    # JupyterLab's own calls home answer empty: no news feed, no update check
    for path, empty in (
        ("/lab/api/news", {"news": []}),
        ("/lab/api/update", {"notification": None}),
    ):
        with browser.open(url + path) as response:
            assert json.load(response) == empty


def test_without_the_token_or_its_cookie_nothing_is_served(lab: dict) -> None:
    """Another user of the same machine reaches 127.0.0.1 too: no token, no cookie, no code."""
    url, server = lab["url"], lab["server"]
    stranger = urllib.request.build_opener(NoRedirect)
    before = sorted(p.relative_to(lab["workspace"]) for p in lab["workspace"].rglob("*"))
    for path in (f"/aimed/open/{EXERCISE}-en", f"/aimed/open/{EXERCISE}-fr", "/lab", "/tree"):
        code, _ = status(stranger, url + path)
        assert code == 302, path  # to the login page, which asks for the token
    for path, method in (
        ("/api/contents", "GET"),
        ("/api/sessions", "GET"),
        ("/api/kernels", "POST"),
    ):
        assert status(stranger, url + path, method=method)[0] == 403, path
    code, _ = status(stranger, f"{url}/aimed/reset/{EXERCISE}-en", method="POST")
    assert code == 403
    # a wrong token is no better than none
    wrong = Lab(url, "x" * len(server.token)).request("/api/contents")
    assert status(stranger, wrong)[0] == 403
    after = sorted(p.relative_to(lab["workspace"]) for p in lab["workspace"].rglob("*"))
    assert after == before, "nothing was copied, reset or created"
    # the right token opens the same address
    assert status(stranger, server.request("/api/contents"))[0] == 200


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a redirect as the answer (a login page is a refusal, not a page served)."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[override]
        return None


def logged_in(server: Lab) -> urllib.request.OpenerDirector:
    """A client holding the login cookie, as a browser does after the printed address."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with browser.open(server.login_url) as response:
        assert response.status == 200
    return browser


def status(
    client: urllib.request.OpenerDirector,
    url: str | urllib.request.Request,
    method: str = "GET",
    host: str | None = None,
) -> tuple[int, str]:
    """Status and text of a request sent by ``client`` (with its cookies, no XSRF token)."""
    if isinstance(url, str):
        url = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if host:
        url.add_header("Host", host)
    try:
        with client.open(url) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
