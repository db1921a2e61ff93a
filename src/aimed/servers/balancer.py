"""Identical sandbox replicas behind nginx on one machine: the trial, a test and the benchmark.

nginx's configuration is the deployment's own (``deploy/nginx/aimed.conf``), filled in for
loopback, and run with ``deploy/nginx/trial.conf`` so that nothing is written outside a
temporary folder. Replicas are started the one way the sandbox is started
(``aimed.servers.sandbox.sandbox_command``), under ``/sandbox/``, with two of Streamlit's settings
that cost CPU on every run and buy a production server nothing (measured in deploy/README.md):
the file watcher (a new session walks every loaded module to watch its source) and the full
garbage collection after every script run (a pass over scikit-learn's, pandas' and Altair's
objects; Python's own collector still runs).

    python -m aimed.servers.balancer trial --replicas 2 --port 8080    # until Ctrl-C
    python -m aimed.servers.balancer trial --hub --release reading-performance-en   # root
    python -m aimed.servers.balancer config --site-dir /srv/aimed/site --server-name ai.example.org

nginx's templates are the repository's ``deploy/nginx/`` files: run it from a clone.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from aimed.servers.sandbox import free_port, sandbox_command, stop, wait_healthy

ROOT = Path(__file__).resolve().parents[3]  # the repository (src/aimed/servers/ here)
DEPLOY = ROOT / "deploy" / "nginx"
BASE_PATH = "sandbox"
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
# Settings every replica runs with (deploy/systemd/aimed-sandbox@.service says the same).
REPLICA_OPTIONS = [
    "--server.baseUrlPath",
    BASE_PATH,
    "--server.fileWatcherType",
    "none",
    "--runner.postScriptGC",
    "false",
]
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
# Where JupyterHub's proxy listens (deploy/jupyterhub/jupyterhub_config.py: bind_url).
HUB = "127.0.0.1:8000"


def replica_command(port: int) -> list[str]:
    """One sandbox replica on 127.0.0.1:``port``, under ``/sandbox/``, with its settings."""
    return sandbox_command("127.0.0.1", port) + REPLICA_OPTIONS


def streamlit_static() -> Path:
    """Streamlit's built front end in this environment (nginx serves its hashed files)."""
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def fill(template: Path, values: dict[str, str]) -> str:
    """The template with each ``@NAME@`` replaced; a placeholder left unfilled raises."""
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    body = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    missing = sorted(set(PLACEHOLDER.findall(body)))
    if missing:
        raise ValueError(f"{template.name}: placeholders left unfilled: {', '.join(missing)}")
    return text


def site_config(
    *,
    listen: str,
    site_dir: Path,
    ports: list[int],
    access_log: Path,
    server_name: str = "_",
    hub: str = HUB,
) -> str:
    """``deploy/nginx/aimed.conf`` for these replicas (and the hub's proxy at ``hub``)."""
    servers = "\n".join(f"    server 127.0.0.1:{port};" for port in ports)
    return fill(
        DEPLOY / "aimed.conf",
        {
            "LISTEN": listen,
            "SERVER_NAME": server_name,
            "SITE_DIR": str(site_dir),
            "STREAMLIT_STATIC": str(streamlit_static()),
            "SANDBOX_SERVERS": servers,
            "ACCESS_LOG": str(access_log),
            "HUB": hub,
        },
    )


@dataclass
class Balancer:
    """nginx and its replicas, running: where to reach them and which processes they are."""

    url: str  # the site
    prefix: Path  # nginx's folder: configuration, logs
    replicas: dict[int, subprocess.Popen] = field(default_factory=dict)  # port -> process
    nginx: subprocess.Popen | None = None

    @property
    def sandbox_url(self) -> str:
        return f"{self.url}{BASE_PATH}/"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def pids(self) -> list[int]:
        """Every server process: replicas and nginx (its workers are its children)."""
        found = [p.pid for p in self.replicas.values()]
        return found + ([self.nginx.pid] if self.nginx else [])


@contextlib.contextmanager
def running_replicas(
    count: int,
    output: IO | int = subprocess.DEVNULL,
    course_url: str | None = None,
    *,
    deployment: bool = True,
) -> Iterator[dict]:
    """``count`` healthy replicas on free loopback ports; stopped afterwards.

    ``course_url`` is where the sandbox's home page sends learners back to the course.
    ``deployment=False`` starts the sandbox as `make serve` does (at ``/``, watching files):
    the benchmark's point of comparison.
    """
    replicas: dict[int, subprocess.Popen] = {}
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    if course_url:
        env["AIMED_COURSE_URL"] = course_url
    try:
        for _ in range(count):
            port = free_port()
            command = replica_command(port) if deployment else sandbox_command("127.0.0.1", port)
            replicas[port] = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        base = f"/{BASE_PATH}" if deployment else ""
        for port, process in replicas.items():
            wait_healthy(f"http://127.0.0.1:{port}{base}/_stcore/health", process, 180)
        yield replicas
    finally:
        for process in replicas.values():
            stop(process)


@contextlib.contextmanager
def running_nginx(
    prefix: Path, site_dir: Path, ports: list[int], port: int, hub: str = HUB
) -> Iterator:
    """nginx on 127.0.0.1:``port`` in front of ``ports`` and ``hub``; stopped afterwards."""
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    (prefix / "aimed.conf").write_text(
        site_config(
            listen=f"127.0.0.1:{port}",
            site_dir=site_dir,
            ports=ports,
            access_log=prefix / "access.log",
            hub=hub,
        ),
        encoding="utf-8",
    )
    main = fill(DEPLOY / "trial.conf", {"PREFIX": str(prefix), "USER": getpass.getuser()})
    (prefix / "nginx.conf").write_text(main, encoding="utf-8")
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refused its configuration: {checked.stderr.strip()}")
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/{BASE_PATH}/_stcore/health", process, 30)
        yield process
    finally:
        stop(process)


@contextlib.contextmanager
def running_balancer(
    replicas: int,
    site_dir: Path,
    *,
    port: int | None = None,
    workdir: Path | None = None,
    output: IO | int = subprocess.DEVNULL,
    hub: str = HUB,
) -> Iterator[Balancer]:
    """``replicas`` sandboxes behind nginx, which also serves ``site_dir`` and passes /hub/
    and /user/ to JupyterHub's proxy at ``hub``; all on loopback."""
    if not Path(NGINX).is_file():
        raise FileNotFoundError(f"no nginx at {NGINX} (Debian: apt-get install nginx)")
    port = port or free_port()
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aimed-nginx-")))
        prefix, url = workdir / "nginx", f"http://127.0.0.1:{port}/"
        processes = stack.enter_context(running_replicas(replicas, output, url))
        nginx = stack.enter_context(
            running_nginx(prefix, Path(site_dir), list(processes), port, hub)
        )
        yield Balancer(url, prefix, processes, nginx)


def upstream_of(access_log: Path, marker: str) -> list[str]:
    """Replica addresses the access log names for requests whose line holds ``marker``."""
    if not access_log.is_file():
        return []
    lines = access_log.read_text(encoding="utf-8").splitlines()
    return [line.rsplit("upstream=", 1)[1].split()[0] for line in lines if marker in line]


def trial(
    replicas: int = 2,
    port: int = 8080,
    site_dir: Path = ROOT / "build" / "site",
    hub: bool = False,
    release: tuple[str, ...] = (),
    accounts_prefix: str = "trial",
) -> None:
    """Run until Ctrl-C: the trial of deploy/README.md; ``hub``: with JupyterHub behind the same
    nginx (aimed.hub.run.trial_cohort: local accounts, printed, removed at the end) and the
    exercises ``release`` released to its exchange."""
    if not (site_dir / "index.html").is_file():
        raise SystemExit(f"{site_dir} holds no built site: run `make site` first.")
    # Stopped by a signal (timeout, a service manager): stop the servers on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped."))
    with contextlib.ExitStack() as stack:
        address, watched = HUB, []
        accounts: dict[str, str] = {}
        if hub:
            from aimed.hub.run import HubError, trial_cohort

            print("Starting JupyterHub (accounts, exchange, released exercises)...", flush=True)
            try:
                cohort = trial_cohort(release, prefix=accounts_prefix)
                started, accounts = stack.enter_context(cohort)
            except HubError as error:  # not root, an account already there, no proxy...
                raise SystemExit(f"the hub did not start: {error}") from None
            address, watched = f"127.0.0.1:{started.port}", [started.process]
        balancer = stack.enter_context(running_balancer(replicas, site_dir, port=port, hub=address))
        print(f"Course site: {balancer.url}   (French: {balancer.url}fr/)")
        print(f"Sandbox:     {balancer.sandbox_url}   ({replicas} replicas)")
        if hub:
            print(f"Notebooks:   {balancer.url}hub/   (JupyterHub; these accounts go at the end)")
            for name, password in accounts.items():
                print(f"  account {name}  password {password}")
        print(f"Access log:  {balancer.access_log}")
        print("Ready. Press Ctrl-C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            servers = [*balancer.replicas.values(), *([balancer.nginx] if balancer.nginx else [])]
            servers += [p for p in watched if p is not None]
            while all(p.poll() is None for p in servers):
                time.sleep(1)
            raise SystemExit("a server stopped; stopping the rest.")


if __name__ == "__main__":
    import typer

    cli = typer.Typer(add_completion=False, help=__doc__.split("\n", 1)[0])

    @cli.command("trial")
    def trial_command(
        replicas: int = typer.Option(2, min=1, max=16, help="Identical sandbox replicas."),
        port: int = typer.Option(8080, min=1, max=65535, help="Port nginx listens on."),
        site_dir: Path = typer.Option(ROOT / "build" / "site", help="The built course site."),
        hub: bool = typer.Option(False, help="JupyterHub too, with trial accounts (root)."),
        release: list[str] = typer.Option(  # noqa: B008
            [], help="--hub: an exercise to release to the hub's exchange (repeat)."
        ),
        accounts_prefix: str = typer.Option("trial", help="--hub: <prefix>-trainer, ..."),
    ) -> None:
        """Start the replicas and nginx on loopback; Ctrl-C stops them."""
        if release and not hub:
            raise typer.BadParameter("--release needs --hub (exercises go to the hub's exchange)")
        site = site_dir if site_dir.is_absolute() else ROOT / site_dir
        trial(replicas, port, site, hub, tuple(release), accounts_prefix)

    @cli.command("config")
    def config_command(
        site_dir: Path = typer.Option(..., help="Where the built course site is served from."),
        port: list[int] = typer.Option([8501, 8502], help="A replica's port (repeat)."),  # noqa: B008
        listen: str = typer.Option("80", help="What nginx listens on (443 ssl, 80...)."),
        server_name: str = typer.Option("_", help="The host name learners type."),
        access_log: Path = typer.Option(Path("/var/log/nginx/aimed-access.log")),
        hub: str = typer.Option(HUB, help="JupyterHub's proxy, host:port."),
    ) -> None:
        """Print deploy/nginx/aimed.conf filled in, for /etc/nginx/sites-available/aimed."""
        print(
            site_config(
                listen=listen,
                site_dir=site_dir.resolve(),
                ports=port,
                access_log=access_log,
                server_name=server_name,
                hub=hub,
            ),
            end="",
        )

    cli()
