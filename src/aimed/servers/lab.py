"""The one way the exercise server is started: `make serve` and the browser tests.

JupyterLab with the ``aimed.lab`` extension, over a learner workspace of release copies
(``workspace/`` at the repository root by default, never the sources), with every request
JupyterLab would send off this machine turned off: no news feed, no update check, no
extension listing, the announcements plugin disabled (``src/aimed/lab/config``).

Login: the course site is built before the server starts, so its links cannot carry a token
made at start. On loopback (the learner's own machine) the server runs without a token,
refuses requests whose Host is not local (``allow_remote_access`` off, against DNS
rebinding) and keeps the XSRF check on every change. Bound to any other address it makes a
token at start and prints the address to log in with once; it never runs token-less there.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import aimed.lab
from sandbox_server import free_port, stop, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = ROOT / "workspace"
RELEASE = ROOT / "exercises" / "release"
CONFIG_DIR = Path(aimed.lab.__file__).parent / "config"  # labconfig/page_config.json
NBGRADER_EXTENSIONS = tuple(
    f"nbgrader.server_extensions.{name}"
    for name in ("formgrader", "validate_assignment", "assignment_list", "course_list")
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lab_command(
    host: str = "127.0.0.1",
    port: int = 8888,
    workspace: Path = WORKSPACE,
    release: Path = RELEASE,
    token: str = "",
) -> list[str]:
    """The command line that serves the exercises on ``host:port``.

    ``token`` must be given (see :func:`login_token`) unless ``host`` is loopback.
    """
    if not token and not is_loopback(host):
        raise ValueError(f"the exercise server needs a token on {host}: it is not loopback")
    state = workspace / ".jupyterlab"  # JupyterLab's own settings, not the learner's home
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={workspace}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.password=",
        # on loopback a foreign Host header is refused (DNS rebinding); elsewhere the token guards
        f"--ServerApp.allow_remote_access={not is_loopback(host)}",
        "--ServerApp.disable_check_xsrf=False",
        "--ServerApp.terminals_enabled=False",
        "--ServerApp.jpserver_extensions=aimed.lab=True",
        # nbgrader's trainer tools (formgrader, course list) are installed beside: not here
        *(f"--ServerApp.jpserver_extensions={name}=False" for name in NBGRADER_EXTENSIONS),
        f"--AimedLab.release_dir={release}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={state / 'user-settings'}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}",
        *(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []),  # CI runs as root
    ]


def login_token(host: str) -> str:
    """No token on loopback; a fresh one for any other address."""
    return "" if is_loopback(host) else secrets.token_urlsafe(24)


def lab_environment() -> dict[str, str]:
    """The environment the server runs in: our page config read before the user's."""
    paths = [str(CONFIG_DIR), os.environ.get("JUPYTER_CONFIG_PATH", "")]
    return {**os.environ, "JUPYTER_CONFIG_PATH": os.pathsep.join(p for p in paths if p)}


def start_lab(
    host: str,
    port: int,
    workspace: Path = WORKSPACE,
    release: Path = RELEASE,
    token: str = "",
    output: IO | int | None = None,
) -> subprocess.Popen:
    workspace.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        lab_command(host, port, workspace, release, token),
        cwd=workspace,
        env=lab_environment(),
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
    )


@contextmanager
def running_lab(
    workspace: Path, release: Path, output: IO | int = subprocess.DEVNULL, port: int | None = None
) -> Iterator[str]:
    """A healthy exercise server on a free loopback port; yields its URL, stops it after."""
    port = port or free_port()
    process = start_lab("127.0.0.1", port, workspace, release, output=output)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/api", process, 120)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
