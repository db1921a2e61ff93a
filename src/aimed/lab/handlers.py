"""Addresses the module pages link to: open an exercise, start it again from its release.

Both need the server's login like any JupyterLab page (none on loopback, see
``aimed.servers.lab``). Resetting changes files, so it is a POST behind JupyterLab's
XSRF check: a link from another site can show the confirmation page, never reset.
"""

from __future__ import annotations

import html
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_escape, url_path_join
from markupsafe import Markup
from tornado import web
from tornado.ioloop import IOLoop
from traitlets import Unicode
from traitlets.config import Configurable

from aimed.lab import interface_language
from aimed.lab.checker import Checker
from aimed.lab.workspace import UnknownExercise, Workspace, language_of
from aimed.settings import SettingError, self_check
from aimed.texts.i18n import t
from aimed.texts.markup import environment
from aimed.texts.numbers import counted

ROUTE = r"/aimed/(open|reset)/([^/]+)"
CHECK_ROUTE = r"/aimed/check/([^/]+)"
STATES = ("right", "not_yet", "not_answered")
STYLE = (
    "body{font:1rem/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}"
    "main{max-width:40rem;margin:3rem auto;padding:0 1rem}"
    "button,a.button{font:inherit;display:inline-block;margin:.5rem 1rem .5rem 0;"
    "padding:.5rem 1rem;border:2px solid #3949ab;border-radius:.2rem;color:#fff;"
    "background:#3949ab;text-decoration:none;cursor:pointer}"
    "a.secondary{color:#283593;background:#fff}code{font-size:.95em}"
    "ol.aimed-check{list-style:none;padding:0}ol.aimed-check li{border-left:.4rem solid #757575;"
    "padding:.4rem .8rem;margin:.6rem 0;background:#f5f5f5}"
    "ol.aimed-check li.right{border-color:#2e7d32}ol.aimed-check li.not_yet{border-color:#b3261e}"
    "ol.aimed-check li.not_answered{border-color:#8a6d00}.state{font-weight:700}"
)


class AimedLab(Configurable):
    """Settings of the extension, given on the command line by aimed.servers.lab."""

    release_dir = Unicode("", help="Folder of the released exercises (nbgrader's release/).").tag(
        config=True
    )
    source_dir = Unicode(
        "",
        help="Folder of the source notebooks, whose checks 'Check my answers' runs (default: "
        "source/ beside release_dir, if there is one). Every account that runs this server "
        "can read it: give it only for practice, never for a graded release.",
    ).tag(config=True)


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
                notebook = self.workspace.open(assignment)
                folder = interface_language.settings_dir(self.serverapp)
                if folder is not None:  # the lab page loads in the exercise's language
                    interface_language.choose(folder, language_of(assignment))
                self.redirect(self.lab_address(notebook))
                warm(self.settings, assignment)
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


class CheckHandler(ExerciseHandler):
    """``GET /aimed/check/<a>``: the learner's saved notebook checked, per question.

    It only reads the notebook: nothing is changed, handed in or recorded (see
    ``aimed.trainer.selfcheck``, which runs in a worker process of its own).
    """

    @web.authenticated
    async def get(self, assignment: str) -> None:
        try:
            mine = self.workspace.notebook(assignment)
        except UnknownExercise:
            self.unknown(assignment)
            return
        lang = language_of(assignment)
        values: dict[str, Any] = {
            "back": self.address("open", assignment),
            "back_label": t("lab.check_back", lang),
            "again": self.address("check", assignment),
            "again_label": t("lab.check_again", lang),
        }
        source = source_of(self.settings, assignment)
        if not self.settings["aimed_self_check"]:
            reason = "off"
        elif source is None:
            reason = "no_source"
        elif not mine.is_file():
            reason = "not_opened"
        else:
            request = {"source": str(source), "notebook": str(mine)}
            request["release"] = str(self.workspace.released(assignment))
            checker: Checker = self.settings["aimed_checker"]
            reply = await IOLoop.current().run_in_executor(None, checker.ask, request)
            reason = str(reply.get("unavailable", "")) or "failed"
            if "result" in reply:
                self.results(assignment, mine, reply["result"], values)
                return
        if reason == "not_opened":
            values["back_label"] = t("lab.open_exercise", lang)
        key = {"too_large": "unreadable"}.get(reason, reason)
        if key not in ("off", "no_source", "no_sandbox", "unreadable", "not_opened"):
            key = "failed"
        self.page(
            "check",
            lang,
            t("lab.check_title", lang),
            said=t(f"lab.check_{key}", lang),
            questions=[],
            **values,
        )

    def results(self, assignment: str, mine: Path, result: dict, values: dict) -> None:
        lang = language_of(assignment)
        questions = []
        for question in result["questions"]:
            state = question["state"] if question["state"] in STATES else "not_yet"
            questions.append(
                {
                    "label": t("lab.check_question", lang, number=question["number"]),
                    "part": question["part"],
                    "state": state,
                    "state_label": t(f"lab.check_{state}", lang),
                    "hint": question["hint"],
                }
            )
        counts = {s: sum(1 for q in questions if q["state"] == s) for s in STATES}
        saved = datetime.fromtimestamp(os.stat(mine).st_mtime).strftime("%H:%M:%S")
        written = ", ".join(result.get("written", []))
        self.page(
            "check",
            lang,
            t("lab.check_title", lang),
            said=t("lab.check_intro", lang, notebook=f"\x00{mine.name}\x01", saved=saved),
            save_first=t("lab.check_save_first", lang),
            summary=t(
                "lab.check_summary",
                lang,
                questions=counted("lab.questions", len(questions), lang),
                **counts,
            ),
            questions=questions,
            notice=result.get("notice", ""),
            written=t("lab.check_written", lang, numbers=written) if written else "",
            **values,
        )


def source_of(settings: dict, assignment: str) -> Path | None:
    """The source notebook of ``assignment``, if this server has the course's sources."""
    folder: Path | None = settings.get("aimed_sources")
    if folder is None:
        return None
    try:
        released = settings["aimed_workspace"].released(assignment)
    except UnknownExercise:
        return None
    source = folder / assignment / released.name
    return source if source.is_file() else None


def warm(settings: dict, assignment: str) -> None:
    """Start the checking worker's sandbox in the background when an exercise is opened."""
    source = source_of(settings, assignment)
    if settings.get("aimed_self_check") and source is not None:
        checker: Checker = settings["aimed_checker"]
        IOLoop.current().run_in_executor(None, checker.ask, {"warm": str(source)})


WARM_WAIT = 60.0  # seconds the server waits for a warm checker before it starts answering


def warm_all(settings: dict, log: Any) -> None:
    """Warm the checking worker for every released exercise before the server answers.

    The server's first answer comes only once the worker has started, imported what the
    checks import and started its sandbox, so that the first check is no slower than the
    next. Past ``WARM_WAIT`` seconds (a busy machine) the server starts anyway; the
    warm-up goes on, and a check asked for meanwhile waits for it.
    """
    release: Path = settings["aimed_workspace"].release
    names = sorted(p.name for p in release.iterdir()) if release.is_dir() else []
    sources = [str(s) for s in (source_of(settings, name) for name in names) if s is not None]
    if not sources:
        return
    began = time.monotonic()
    checker: Checker = settings["aimed_checker"]
    reply = checker.warm_up(sources, WARM_WAIT)
    if reply == {"warm": True}:
        log.info("aimed.lab: checking is warm (%.1f s)", time.monotonic() - began)
    elif reply is None:
        log.warning("aimed.lab: checking is not warm after %.0f s; it goes on warming", WARM_WAIT)
    else:
        log.warning("aimed.lab: checking could not warm up (%s)", reply.get("unavailable"))


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
    log = serverapp.log
    sources = Path(settings.source_dir or workspace.release.parent / "source").resolve()
    try:
        checking = self_check()
    except SettingError as error:  # a graded release must not open by mistake: off
        log.error("aimed.lab: %s; checking is off", error)
        checking = False
    web_app = serverapp.web_app
    web_app.settings["aimed_workspace"] = workspace
    web_app.settings["aimed_sources"] = sources if sources.is_dir() else None
    web_app.settings["aimed_self_check"] = checking
    web_app.settings["aimed_checker"] = Checker()
    base = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, ROUTE), ExerciseHandler),
            (url_path_join(base, CHECK_ROUTE), CheckHandler),
        ],
    )
    log.info("aimed.lab: exercises from %s, work in %s", workspace.release, workspace.root)
    if checking and sources.is_dir():
        log.info("aimed.lab: 'Check my answers' runs the checks of %s", sources)
        warm_all(web_app.settings, log)
    else:
        log.info("aimed.lab: 'Check my answers' is %s", "off" if not checking else "without checks")
