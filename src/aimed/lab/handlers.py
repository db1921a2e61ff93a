"""Addresses the module pages link to: open an exercise, start it again from its release.

Both need the server's login like any JupyterLab page (none on loopback, see
``aimed.servers.lab``). Resetting changes files, so it is a POST behind JupyterLab's
XSRF check: a link from another site can show the confirmation page, never reset.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_escape, url_path_join
from markupsafe import Markup
from tornado import web
from traitlets import Unicode
from traitlets.config import Configurable

from aimed.lab.workspace import UnknownExercise, Workspace, language_of
from aimed.texts.i18n import t
from aimed.texts.markup import environment

ROUTE = r"/aimed/(open|reset)/([^/]+)"
STYLE = (
    "body{font:1rem/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}"
    "main{max-width:40rem;margin:3rem auto;padding:0 1rem}"
    "button,a.button{font:inherit;display:inline-block;margin:.5rem 1rem .5rem 0;"
    "padding:.5rem 1rem;border:2px solid #3949ab;border-radius:.2rem;color:#fff;"
    "background:#3949ab;text-decoration:none;cursor:pointer}"
    "a.secondary{color:#283593;background:#fff}code{font-size:.95em}"
)


class AimedLab(Configurable):
    """Settings of the extension, given on the command line by aimed.servers.lab."""

    release_dir = Unicode("", help="Folder of the released exercises (nbgrader's release/).").tag(
        config=True
    )


class ExerciseHandler(JupyterHandler):
    """``GET /aimed/open/<a>`` opens; ``GET /aimed/reset/<a>`` asks; ``POST`` resets."""

    @property
    def workspace(self) -> Workspace:
        return self.settings["aimed_workspace"]

    def page(self, template: str, lang: str, title: str, status: int = 200, **values: Any) -> None:
        """``templates/<template>.html.j2``, a page of ``templates/page.html.j2``."""
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        page = TEMPLATES.get_template(f"{template}.html.j2")
        self.finish(page.render(lang=lang, title=title, style=Markup(STYLE), **values))

    def unknown(self, assignment: str) -> None:
        lang = language_of(assignment)
        body = t("lab.unknown_body", lang)
        self.page("unknown", lang, t("lab.unknown_title", lang), status=404, body=body)

    def address(self, action: str, assignment: str) -> str:
        return url_path_join(self.base_url, "aimed", action, url_escape(assignment))

    def lab_address(self, notebook: Path) -> str:
        return url_path_join(
            self.base_url, "lab", "tree", url_escape(self.workspace.relative(notebook))
        )

    @web.authenticated
    def get(self, action: str, assignment: str) -> None:
        try:
            if action == "open":
                self.redirect(self.lab_address(self.workspace.open(assignment)))
            else:
                self.confirm(assignment)
        except UnknownExercise:
            self.unknown(assignment)

    @web.authenticated
    def post(self, action: str, assignment: str) -> None:
        if action != "reset":
            raise web.HTTPError(405)
        try:
            backup = self.workspace.reset(assignment)
        except UnknownExercise:
            self.unknown(assignment)
            return
        lang = language_of(assignment)
        mine = self.workspace.notebook(assignment)
        if backup is None:
            said = t("lab.done_nothing", lang)
        else:
            said = t(
                "lab.done_backup",
                lang,
                backup=f"\x00{backup.name}\x01",
                folder=f"\x00{backup.parent}\x01",
            )
        self.page(
            "done",
            lang,
            t("lab.done_title", lang),
            said=said,
            lab=self.lab_address(mine),
            open_label=t("lab.open_exercise", lang),
        )

    def confirm(self, assignment: str) -> None:
        mine = self.workspace.notebook(assignment)
        lang = language_of(assignment)
        said = t(
            "lab.reset_body",
            lang,
            notebook=f"\x00{mine.name}\x01",
            pattern=f"\x00{mine.stem}.bak-…{mine.suffix}\x01",
            folder=f"\x00{mine.parent}\x01",
        )
        self.page(
            "confirm",
            lang,
            t("lab.reset_title", lang),
            said=said,
            reset=self.address("reset", assignment),
            xsrf=Markup(self.xsrf_form_html()),
            button=t("lab.reset_button", lang),
            keep=self.address("open", assignment),
            keep_label=t("lab.keep_working", lang),
        )


def code(text: str) -> Markup:
    """Escape ``text``; the parts marked ``\\x00…\\x01`` (file and folder names) become code."""
    escaped = html.escape(text)
    return Markup(escaped.replace("\x00", "<code>").replace("\x01", "</code>"))


TEMPLATES = environment("aimed.lab")
TEMPLATES.filters["code"] = code


def load(serverapp: Any) -> None:
    """Register the handlers on the running server, over its root folder as the workspace."""
    settings = AimedLab(parent=serverapp)
    if not settings.release_dir:
        raise ValueError(
            "AimedLab.release_dir is not set: start the lab with `aimed lab` or `aimed serve`"
        )
    workspace = Workspace(Path(settings.release_dir).resolve(), Path(serverapp.root_dir).resolve())
    web_app = serverapp.web_app
    web_app.settings["aimed_workspace"] = workspace
    route = url_path_join(web_app.settings["base_url"], ROUTE)
    web_app.add_handlers(".*$", [(route, ExerciseHandler)])
    log = serverapp.log
    log.info("aimed.lab: exercises from %s, work in %s", workspace.release, workspace.root)
