"""Serve the built course site and the sandbox together; one Ctrl-C stops both."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import typer

from sandbox_server import sandbox_command, stop, wait_healthy

ROOT = Path(__file__).resolve().parent.parent


def main(
    host: str = typer.Option("127.0.0.1", help="Address both servers bind to."),
    site_port: int = typer.Option(8000, min=1, max=65535, help="Port of the course site."),
    sandbox_port: int = typer.Option(8501, min=1, max=65535, help="Port of the sandbox."),
    site_dir: Path = typer.Option(Path("build/site"), help="Folder of the built course site."),
) -> None:
    site_dir = site_dir if site_dir.is_absolute() else ROOT / site_dir
    if not (site_dir / "index.html").is_file():
        raise typer.BadParameter(f"{site_dir} holds no built site: run `make site` first.")
    if site_port == sandbox_port:
        raise typer.BadParameter("the site and the sandbox need two different ports.")
    commands = {
        "course site": [
            sys.executable,
            str(ROOT / "scripts" / "static_server.py"),
            str(site_dir),
            str(site_port),
            host,
        ],
        "sandbox": sandbox_command(host, sandbox_port),
    }
    processes = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in commands.items()}
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    try:
        typer.echo("Starting: the sandbox loads its models first (a few seconds)…")
        wait_healthy(f"http://{local}:{sandbox_port}/_stcore/health", processes["sandbox"], 180)
        wait_healthy(f"http://{local}:{site_port}/", processes["course site"], 30)
        typer.echo(f"Course site: http://{host}:{site_port}/   (French: /fr/)")
        typer.echo(f"Sandbox:     http://{host}:{sandbox_port}/   (French: ?lang=fr)")
        typer.echo("Ready. Press Ctrl-C to stop both.")
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
