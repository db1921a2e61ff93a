"""The trainer's tests: the course released once per run, the trainer's cohort graded once
per run, and a throwaway PostgreSQL server.

``released_course``: a copy of the course with every exercise released and zipped by
``aimed-trainer release``, made once for the whole run (every xdist worker reads the same);
a test that adds submissions or grades works on ``copy_released``.

``trainer_cohort``: the class of ``cohort.py`` collected, graded, hand-graded, given
feedback, exported and reported by ``aimed-trainer``, once per run; the export, attestation,
command and PostgreSQL tests read it.

The PostgreSQL server of the gradebook tests runs on loopback and is gone after the run.

Debian's PostgreSQL binaries (``apt-get install postgresql``: `.ci/run` and `make test` do it)
start a fresh cluster in a temporary folder on a free port. PostgreSQL refuses to run as
root, so as root the cluster belongs to the ``postgres`` user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from aimed.servers.sandbox import free_port
from support import built_once

SERVER_USER = "postgres"  # Debian's package creates it
ROLE = "aimed"  # the cluster's superuser: trust on loopback, nothing else listens


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries Debian installed (``initdb``, ``pg_ctl``)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


@dataclass(frozen=True)
class PostgresServer:
    """A running cluster: ``url(name)`` is the SQLAlchemy address of database ``name``."""

    port: int
    bin_dir: Path
    as_user: tuple[str, ...]

    def url(self, database: str) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def create_database(self, database: str) -> str:
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE, database)
        return self.url(database)

    def run(self, tool: str, *args: str) -> str:
        command = [*self.as_user, str(self.bin_dir / tool), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout


@pytest.fixture(scope="session")
def released_course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``root``: a course folder with all exercises released; ``downloads``: their zips.

    Read only: ``copy_released`` gives a test its own copy of the course folder.
    """
    from typer.testing import CliRunner

    from aimed.trainer.cli import app
    from aimed.trainer.synthetic import copy_course

    def build(folder: Path) -> None:
        root = copy_course(folder / "course").root
        command = ["release", "--course", str(root), "--downloads", str(folder / "downloads")]
        result = CliRunner().invoke(app, command, catch_exceptions=False)
        assert result.exit_code == 0, result.output

    folder = built_once(tmp_path_factory, "released-course", build)
    return {"root": folder / "course", "downloads": folder / "downloads"}


@pytest.fixture(scope="session")
def trainer_cohort(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The trainer's cohort (``cohort.py``) through the whole cycle on SQLite, once per run
    whatever the number of workers. Read only: a test that changes it works on a copy."""
    from cohort import cohort_at, trainer_cycle

    return cohort_at(built_once(tmp_path_factory, "trainer-cohort", trainer_cycle))


@pytest.fixture(scope="session")
def copy_released(released_course: dict[str, Path]) -> Callable[[Path], Path]:
    """Copy the released course folder to ``destination``; returns the copy's root."""

    def copy(destination: Path) -> Path:
        shutil.copytree(released_course["root"], destination, symlinks=True)
        return destination

    return copy


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A fresh PostgreSQL cluster on 127.0.0.1 for the whole session, stopped at the end."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None or not (bin_dir / "pg_ctl").is_file():
        pytest.skip(
            "PostgreSQL's server is not installed (`make servers` installs it, as `make test` does)"
        )
    as_user: tuple[str, ...] = ()
    folder = Path(tempfile.mkdtemp(prefix="aimed-postgres-"))
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as its user")
        shutil.chown(folder, SERVER_USER, SERVER_USER)
        as_user = ("runuser", "-u", SERVER_USER, "--")
    data, log = folder / "data", folder / "server.log"
    port = free_port()
    server = PostgresServer(port, bin_dir, as_user)
    server.run("initdb", "-D", str(data), "-U", ROLE, "-A", "trust", "-E", "UTF8", "--locale=C")
    # A throwaway cluster: durability off, so commits cost what they cost a real server's CPU.
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c full_page_writes=off"
    try:
        server.run("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        yield server
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def gradebook_database(postgres_server: PostgresServer) -> Callable[[str], str]:
    """Make an empty database on the session's server; returns its URL."""
    return postgres_server.create_database
