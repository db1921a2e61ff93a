"""``aimed``: the platform's one command.

    aimed serve                  # course site, sandbox and exercises on this machine (make serve)
    aimed sandbox                # the sandbox alone
    aimed lab                    # the exercise server alone
    aimed site build             # the course site's HTML (make site)
    aimed site scorm             # one SCORM 1.2 package per language, for an LMS (make scorm)
    aimed trainer release        # the trainer's commands (also installed as `aimed-trainer`)

Settings (ports, addresses, folders) come from the options, else from the ``AIMED_*``
variables, else from the defaults of :mod:`aimed.settings`; a malformed one stops the
command with a one-line message naming it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from aimed.settings import SettingError, Settings, read

app = typer.Typer(
    help="Train physicians on what AI can and cannot do in medicine: serve the course site, "
    "the sandbox and the graded exercises, build the site, run the trainer's tools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # docstrings wrap as paragraphs
)
site_app = typer.Typer(
    help="The course site (MkDocs).", no_args_is_help=True, rich_markup_mode="markdown"
)
app.add_typer(site_app, name="site")

try:
    from aimed.trainer.cli import app as trainer_app
except ImportError as missing:  # the trainer's extra is not installed
    _missing = str(missing)
    trainer_app = typer.Typer(help="The trainer's tools (needs `pip install 'aimed[trainer]'`).")

    @trainer_app.callback(invoke_without_command=True)
    def _no_trainer() -> None:
        _fail(f"the trainer's tools are not installed ({_missing}): pip install 'aimed[trainer]'")


app.add_typer(
    trainer_app,
    name="trainer",
    help="Release, collect, autograde and report on the graded exercises (= aimed-trainer).",
)

Host = Annotated[
    str | None,
    typer.Option(help="Address to listen on (AIMED_HOST; default 127.0.0.1, loopback only)."),
]
SitePort = Annotated[
    int | None,
    typer.Option(min=1, max=65535, help="Port of the course site (AIMED_SITE_PORT; default 8000)."),
]
SandboxPort = Annotated[
    int | None,
    typer.Option(min=1, max=65535, help="Port of the sandbox (AIMED_SANDBOX_PORT; default 8501)."),
]
LabPort = Annotated[
    int | None,
    typer.Option(
        min=1, max=65535, help="Port of the exercise server (AIMED_LAB_PORT; default 8888)."
    ),
]
CourseRoot = Annotated[
    Path | None,
    typer.Option(
        "--course",
        help="Course folder holding mkdocs.yml, course/ and exercises/release/ "
        "(AIMED_COURSE_ROOT; default: the repository you are in, else the course shipped "
        "with this package).",
        show_default=False,
    ),
]
SiteDir = Annotated[
    Path | None,
    typer.Option(help="Folder of the built site (AIMED_SITE_DIR; default build/site from here)."),
]
Workspace = Annotated[
    Path | None,
    typer.Option(
        help="Where the learner's copies of the exercises are kept "
        "(AIMED_WORKSPACE; default workspace/ from here)."
    ),
]


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def _settings(**options: object) -> Settings:
    try:
        return read(options)
    except SettingError as error:
        _fail(str(error))
        raise  # unreachable: _fail exits


@app.command()
def serve(
    host: Host = None,
    site_port: SitePort = None,
    sandbox_port: SandboxPort = None,
    lab_port: LabPort = None,
    course: CourseRoot = None,
    site_dir: SiteDir = None,
    workspace: Workspace = None,
    build: Annotated[
        bool | None,
        typer.Option(
            "--build/--no-build",
            help="Build the site first (default: only when the site folder holds none).",
            show_default=False,
        ),
    ] = None,
    open_browser: Annotated[
        bool | None,
        typer.Option(
            "--open/--no-open",
            help="Open the addresses in a browser (default: when a desktop is at hand).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the course site, the sandbox and the exercises on this machine (what `make serve`
    starts), on 127.0.0.1 unless --host says otherwise. Prints the address that logs a
    browser in to the exercises once. Ctrl-C, SIGTERM or SIGHUP stops all three."""
    from aimed.servers.launcher import browser_at_hand
    from aimed.servers.launcher import serve as run

    settings = _settings(
        host=host,
        site_port=site_port,
        sandbox_port=sandbox_port,
        lab_port=lab_port,
        course_root=course,
        site_dir=site_dir,
        workspace=workspace,
    )
    if build or (build is None and not (settings.site_dir / "index.html").is_file()):
        _build(settings)
    elif not (settings.site_dir / "index.html").is_file():
        _fail(f"{settings.site_dir} holds no built site: run `aimed site build` or drop --no-build")
    try:
        code = run(
            settings,
            settings.site_dir,
            open_browser=browser_at_hand() if open_browser is None else open_browser,
            say=typer.echo,
            warn=lambda text: typer.echo(text, err=True),
        )
    except SettingError as error:
        _fail(str(error))
    raise typer.Exit(code)


@app.command()
def sandbox(
    host: Host = None,
    port: SandboxPort = None,
    base_url_path: Annotated[
        str, typer.Option(help="Serve under this path, e.g. 'sandbox' behind nginx.")
    ] = "",
) -> None:
    """Serve the sandbox alone (Streamlit), on 127.0.0.1:8501 unless told otherwise; its
    home page links back to AIMED_COURSE_URL (default http://127.0.0.1:8000)."""
    from aimed.servers.sandbox import sandbox_command

    settings = _settings(host=host, sandbox_port=port)
    command = sandbox_command(settings.host, settings.sandbox_port)
    if base_url_path.strip("/"):
        command += ["--server.baseUrlPath", base_url_path.strip("/")]
    typer.echo(f"Sandbox: http://{settings.local_host}:{settings.sandbox_port}/")
    environment = {**os.environ, "AIMED_COURSE_URL": settings.course_url}
    sys.stdout.flush()
    os.execve(command[0], command, environment)  # signals reach Streamlit itself


@app.command()
def lab(
    host: Host = None,
    port: LabPort = None,
    course: CourseRoot = None,
    workspace: Workspace = None,
) -> None:
    """Serve the exercises alone (JupyterLab with the course's extension), on
    127.0.0.1:8888 unless told otherwise, always behind a token: open the address it prints
    once to log the browser in."""
    from aimed.servers.lab import Lab, lab_command, lab_environment, login_token

    settings = _settings(host=host, lab_port=port, course_root=course, workspace=workspace)
    release = settings.release_dir
    if not release.is_dir():
        _fail(f"no released exercises in {release}: run `aimed trainer release` first")
    token = login_token()
    command = lab_command(settings.host, settings.lab_port, settings.workspace, release)
    settings.workspace.mkdir(parents=True, exist_ok=True)
    login = Lab(f"http://{settings.local_host}:{settings.lab_port}", token).login_url
    typer.echo(f"Exercises: {login}\n           open this address once: it logs you in")
    sys.stdout.flush()
    os.chdir(settings.workspace)
    os.execve(command[0], command, lab_environment(token))


@site_app.command("build")
def site_build(
    course: CourseRoot = None,
    site_dir: SiteDir = None,
    sandbox_port: SandboxPort = None,
    lab_port: LabPort = None,
) -> None:
    """Build the course site's HTML with MkDocs (strict) into build/site, its sandbox and
    exercise links pointing at AIMED_SANDBOX_URL and AIMED_LAB_URL (default: this machine's
    ports)."""
    settings = _settings(
        course_root=course, site_dir=site_dir, sandbox_port=sandbox_port, lab_port=lab_port
    )
    _build(settings)


@site_app.command("scorm")
def site_scorm(
    out: Annotated[
        Path, typer.Option(help="Folder of the packages (default build/scorm from here).")
    ] = Path("build/scorm"),
    course: CourseRoot = None,
    sandbox_port: SandboxPort = None,
    lab_port: LabPort = None,
) -> None:
    """One SCORM 1.2 package of the course per language, for Moodle or any SCORM 1.2 LMS
    (what `make scorm` does), its sandbox and exercise links pointing at AIMED_SANDBOX_URL and
    AIMED_LAB_URL (default: this machine's ports)."""
    from aimed.site.scorm import ScormError, build

    settings = _settings(course_root=course, sandbox_port=sandbox_port, lab_port=lab_port)
    try:
        for path in build(out, settings.course(), settings.site_environment()):
            typer.echo(path)
    except (SettingError, ScormError) as error:
        _fail(str(error))


def _build(settings: Settings) -> None:
    from aimed.servers.static import SiteBuildError, build_site

    try:
        course = settings.course()
        typer.echo(f"Building the course site from {course} into {settings.site_dir}…")
        build_site(course, settings.site_dir, settings.site_environment())
    except (SettingError, SiteBuildError) as error:
        _fail(str(error))


if __name__ == "__main__":
    app()
