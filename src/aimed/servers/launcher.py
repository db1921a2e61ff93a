"""Serve the built course site, the sandbox and the exercises together; one Ctrl-C stops all."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import typer

from lab_server import RELEASE, WORKSPACE, lab_command, lab_environment, login_token
from sandbox_server import sandbox_command, stop, wait_healthy

ROOT = Path(__file__).resolve().parent.parent


def main(
    host: str = typer.Option("127.0.0.1", help="Address the three servers bind to."),
    site_port: int = typer.Option(8000, min=1, max=65535, help="Port of the course site."),
    sandbox_port: int = typer.Option(8501, min=1, max=65535, help="Port of the sandbox."),
    lab_port: int = typer.Option(8888, min=1, max=65535, help="Port of the exercises."),
    site_dir: Path = typer.Option(Path("build/site"), help="Folder of the built course site."),
) -> None:
    site_dir = site_dir if site_dir.is_absolute() else ROOT / site_dir
    if not (site_dir / "index.html").is_file():
        raise typer.BadParameter(f"{site_dir} holds no built site: run `make site` first.")
    if len({site_port, sandbox_port, lab_port}) < 3:
        raise typer.BadParameter("the site, the sandbox and the exercises need three ports.")
    token = login_token(host)  # none on loopback; see scripts/lab_server.py
    WORKSPACE.mkdir(exist_ok=True)
    commands = {
        "course site": [
            sys.executable,
            str(ROOT / "scripts" / "static_server.py"),
            str(site_dir),
            str(site_port),
            host,
        ],
        "sandbox": sandbox_command(host, sandbox_port),
        "exercises": lab_command(host, lab_port, WORKSPACE, RELEASE, token),
    }
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    # The sandbox's link back to the course follows the site's address unless one is set.
    sandbox_env = {
        **os.environ,
        "AIMED_COURSE_URL": os.environ.get("AIMED_COURSE_URL", f"http://{local}:{site_port}"),
    }
    environments = {"exercises": lab_environment(), "sandbox": sandbox_env}
    processes = {
        name: subprocess.Popen(
            cmd, cwd=WORKSPACE if name == "exercises" else ROOT, env=environments.get(name)
        )
        for name, cmd in commands.items()
    }
    try:
        typer.echo("Starting: the sandbox loads its models first (a few seconds)…")
        wait_healthy(f"http://{local}:{sandbox_port}/_stcore/health", processes["sandbox"], 180)
        wait_healthy(f"http://{local}:{site_port}/", processes["course site"], 30)
        wait_healthy(f"http://{local}:{lab_port}/api", processes["exercises"], 120)
        typer.echo(f"Course site: http://{host}:{site_port}/   (French: /fr/)")
        typer.echo(f"Sandbox:     http://{host}:{sandbox_port}/   (French: ?lang=fr)")
        login = f"?token={token}   (log in once with this address)" if token else ""
        typer.echo(f"Exercises:   http://{host}:{lab_port}/lab{login}")
        typer.echo(f"             your work is saved in {WORKSPACE}")
        typer.echo("Ready. Press Ctrl-C to stop all three.")
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        stopped = [name for name, p in processes.items() if p.poll() is not None]
        typer.echo(f"{', '.join(stopped)} stopped; stopping the rest.", err=True)
        raise typer.Exit(1)
    except (RuntimeError, TimeoutError) as error:
        typer.echo(f"A server did not start: {error}", err=True)
        raise typer.Exit(1) from error
    except KeyboardInterrupt:
        typer.echo("\nStopping.")
    finally:
        for process in processes.values():
            if process.poll() is None:
                stop(process)


if __name__ == "__main__":
    typer.run(main)
