"""The one way the exercise server is started: `aimed serve`, `aimed lab` and the browser tests.

JupyterLab with the ``aimed.lab`` extension, over a learner workspace of release copies
(``workspace/`` in the working folder by default, never the sources), with every request
JupyterLab would send off this machine turned off: no news feed, no update check, no
extension listing, the announcements plugin disabled (``src/aimed/lab/config``).

Login: the server always requires Jupyter's token, on loopback too: on a shared terminal
server every user shares 127.0.0.1, and a token-less server would run anyone's code as the
physician. The token is made at start, handed to the server in its environment (a command
line is readable by every user in ``ps``) and printed once in the address to open,
``/lab?token=...``: that visit leaves a login cookie, after which the course site's
"Open the exercise" links (``/aimed/open/<exercise>-<lang>``) work without it. On loopback
the server also refuses a Host that is not local (``allow_remote_access`` off, against DNS
rebinding); the XSRF check stays on for every change.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import aimed.lab
from aimed.servers.sandbox import free_port, stop, wait_healthy
from aimed.settings import JUPYTERLAB_OFFLINE, NBGRADER_TRAINER_TOOLS, without_nbgrader

CONFIG_DIR = Path(aimed.lab.__file__).parent / "config"  # labconfig/page_config.json


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lab_command(host: str, port: int, workspace: Path, release: Path) -> list[str]:
    """The command line that serves the exercises on ``host:port``.

    It holds no token: :func:`lab_environment` gives it, and the server refuses to start
    without one.
    """
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
        "--ServerApp.password=",
        # on loopback a foreign Host header is refused (DNS rebinding); elsewhere the token guards
        f"--ServerApp.allow_remote_access={not is_loopback(host)}",
        "--ServerApp.disable_check_xsrf=False",
        "--ServerApp.terminals_enabled=False",
        "--ServerApp.jpserver_extensions=aimed.lab=True",
        # nbgrader's trainer tools are installed beside: not here, nor its exchange's (no hub)
        *without_nbgrader(*NBGRADER_TRAINER_TOOLS, "validate_assignment", "assignment_list"),
        f"--AimedLab.release_dir={release}",
        *JUPYTERLAB_OFFLINE,
        f"--LabApp.user_settings_dir={state / 'user-settings'}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}",
        *(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []),  # CI runs as root
    ]


def login_token() -> str:
    """A fresh token for one run of the server (192 random bits)."""
    return secrets.token_urlsafe(24)


def lab_environment(token: str) -> dict[str, str]:
    """The environment the server runs in: its token, and our page config before the user's."""
    if len(token) < 16:
        raise ValueError("the exercise server never runs without a token (16 characters or more)")
    paths = [str(CONFIG_DIR), os.environ.get("JUPYTER_CONFIG_PATH", "")]
    return {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_CONFIG_PATH": os.pathsep.join(p for p in paths if p),
    }


def start_lab(
    host: str,
    port: int,
    workspace: Path,
    release: Path,
    token: str,
    output: IO | int | None = None,
) -> subprocess.Popen:
    """The server in its own process group (its kernels stop with it, see ``stop``)."""
    environment = lab_environment(token)
    workspace.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        lab_command(host, port, workspace, release),
        cwd=workspace,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
        start_new_session=True,
    )


@dataclass(frozen=True)
class Lab:
    """A running exercise server: where it is and the token that logs a browser in."""

    url: str
    token: str

    @property
    def login_url(self) -> str:
        """The address to open once: it leaves the browser a login cookie."""
        return f"{self.url}/lab?token={self.token}"

    def request(self, path: str, **kwargs) -> urllib.request.Request:
        """A request to ``path`` carrying the token, as a script of the learner's would."""
        request = urllib.request.Request(self.url + path, **kwargs)
        request.add_header("Authorization", f"token {self.token}")
        return request


@contextmanager
def running_lab(
    workspace: Path, release: Path, output: IO | int = subprocess.DEVNULL, port: int | None = None
) -> Iterator[Lab]:
    """A healthy exercise server on a free loopback port; yields it, stops it after."""
    port = port or free_port()
    token = login_token()
    process = start_lab("127.0.0.1", port, workspace, release, token, output=output)
    try:
        # /api answers without login (its version only): the server is up
        wait_healthy(f"http://127.0.0.1:{port}/api", process, 120)
        yield Lab(f"http://127.0.0.1:{port}", token)
    finally:
        stop(process)
