"""`aimed serve`: the course site, the sandbox and the exercises together, stopped together.

Each server runs in its own process group, so stopping one stops what it started too (a
notebook's kernel, Streamlit's workers). Whatever ends the launcher (Ctrl-C, SIGTERM from a
service manager, SIGHUP from a closed terminal, one of the servers dying) stops all three
and frees their ports; a port already taken stops the start with the setting to change.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from aimed.servers.lab import Lab, lab_command, lab_environment, login_token
from aimed.servers.sandbox import sandbox_command, stop, wait_healthy
from aimed.settings import SettingError, Settings, option_or_variable

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(Exception):
    """The launcher was asked to stop (a signal)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _end_with_launcher() -> None:
    """In the child, on Linux: a SIGTERM when the launcher itself is killed (SIGKILL, OOM),
    the one way of ending it that its own clean-up cannot see."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def check_port_free(host: str, port: int, setting: str, what: str) -> None:
    """Stop before starting anything if ``port`` is taken, naming the setting to change."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        # as the servers bind: a connection of the last run closing (TIME_WAIT) is no obstacle
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise SettingError(f"cannot listen on {host}:{port} for {what}: {error}") from None
            raise SettingError(
                f"port {port} on {host} is taken ({what}): stop what uses it, or choose "
                f"another port with {option_or_variable(setting)}"
            ) from None


def browser_at_hand() -> bool:
    """A person at a desktop: a terminal, a display, and not a CI machine or a test."""
    if os.environ.get("CI") or os.environ.get("PYTEST_CURRENT_TEST") or not sys.stdout.isatty():
        return False
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def serve(
    settings: Settings,
    site_dir: Path,
    *,
    open_browser: bool = False,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] = lambda text: print(text, file=sys.stderr),
) -> int:
    """Run the three servers until asked to stop; the exit code (0 asked, 1 a server died)."""
    host, local = settings.host, settings.local_host
    ports = {
        "site_port": (settings.site_port, "the course site"),
        "sandbox_port": (settings.sandbox_port, "the sandbox"),
        "lab_port": (settings.lab_port, "the exercises"),
    }
    for setting, (port, what) in ports.items():
        check_port_free(host, port, setting, what)
    release = settings.release_dir
    if not release.is_dir():
        warn(f"No released exercises in {release}: run `aimed trainer release` first.")
    token = login_token()
    settings.workspace.mkdir(parents=True, exist_ok=True)
    static = [sys.executable, "-m", "aimed.servers.static", str(site_dir), str(settings.site_port)]
    starts = {
        "course site": (static + [host], None, None),
        "sandbox": (
            sandbox_command(host, settings.sandbox_port),
            None,
            {**os.environ, "AIMED_COURSE_URL": settings.course_url},
        ),
        "exercises": (
            lab_command(host, settings.lab_port, settings.workspace, release),
            settings.workspace,
            lab_environment(token),
        ),
    }
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}

    def asked_to_stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, asked_to_stop)
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, (command, cwd, env) in starts.items():
            processes[name] = subprocess.Popen(
                command, cwd=cwd, env=env, start_new_session=True, preexec_fn=_end_with_launcher
            )
        say("Starting: the sandbox loads its models first (a few seconds)…")
        wait_healthy(f"http://{local}:{settings.site_port}/", processes["course site"], 30)
        wait_healthy(f"http://{local}:{settings.lab_port}/api", processes["exercises"], 120)
        wait_healthy(
            f"http://{local}:{settings.sandbox_port}/_stcore/health", processes["sandbox"], 180
        )
        lab = Lab(f"http://{local}:{settings.lab_port}", token)
        say(f"Course site: http://{local}:{settings.site_port}/   (French: /fr/)")
        say(f"Sandbox:     http://{local}:{settings.sandbox_port}/   (French: ?lang=fr)")
        say(f"Exercises:   {lab.login_url}")
        say("             open this address once: it logs this browser in to the exercises")
        say(f"             your work is saved in {settings.workspace}")
        say("Ready. Press Ctrl-C to stop all three.")
        if open_browser:
            webbrowser.open(lab.login_url)
            webbrowser.open(f"http://{local}:{settings.site_port}/")
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        stopped = [name for name, p in processes.items() if p.poll() is not None]
        warn(f"{', '.join(stopped)} stopped; stopping the rest.")
        return 1
    except (RuntimeError, TimeoutError) as error:
        warn(f"A server did not start: {error}")
        return 1
    except (Stopped, KeyboardInterrupt):
        say("\nStopping.")
        return 0
    finally:
        for signum in STOP_SIGNALS:  # a second signal must not cut the clean-up short
            signal.signal(signum, signal.SIG_IGN)
        stop_all(list(processes.values()))
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop_all(processes: list[subprocess.Popen]) -> None:
    """Ask every server's process group to stop at once, then wait for each (killed at 10 s)."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        stop(process, group=True)
