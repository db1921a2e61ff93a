"""`aimed serve` stops everything it started, however it is stopped, and says what to change.

Each test starts the real command as a subprocess, on free loopback ports, over a small
built site and an empty release, and waits until it says it is ready. Stopping it with
Ctrl-C (SIGINT), SIGTERM (a service manager) or SIGHUP (a closed terminal), or one of its
servers dying, must leave no process of any of the three servers' process groups alive and
every port free for the next start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from aimed.servers.sandbox import free_port

AIMED = [sys.executable, "-m", "aimed.cli"]


def small_course(base: Path) -> tuple[Path, Path]:
    """A course folder (mkdocs.yml, course/, an empty release) and a built two-page site."""
    course, site = base / "course", base / "site"
    (course / "course").mkdir(parents=True)
    (course / "exercises" / "release").mkdir(parents=True)
    (course / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Course</title>", encoding="utf-8")
    (site / "404.html").write_text("<!doctype html><title>Not found</title>", encoding="utf-8")
    return course, site


class Launch:
    """``aimed serve`` running in a subprocess, its output collected as it comes."""

    def __init__(self, tmp_path: Path, ports: dict[str, int]) -> None:
        course, site = small_course(tmp_path)
        self.ports = ports
        command = [*AIMED, "serve", "--course", str(course), "--site-dir", str(site)]
        command += ["--no-build", "--no-open", "--workspace", str(tmp_path / "workspace")]
        for name, port in ports.items():
            command += [f"--{name}-port", str(port)]
        self.process = subprocess.Popen(
            command,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while "Ready." not in self.output:
            assert self.process.poll() is None, f"aimed serve ended early:\n{self.output}"
            assert time.monotonic() < deadline, f"not ready after {timeout} s:\n{self.output}"
            time.sleep(0.2)

    def server_groups(self) -> list[int]:
        """The process groups of the servers: each server leads its own."""
        return [pid for pid, ppid in processes() if ppid == self.process.pid]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process on the machine, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found.append((int(entry.name), int(fields[1])))
    return found


def group_members(groups: list[int]) -> list[int]:
    """Living (not zombie) processes in any of ``groups``."""
    alive = []
    for pid, _ in processes():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) in groups:
            alive.append(pid)
    return alive


def port_is_free(port: int) -> bool:
    """Free for the next start: no listener (connections closing in TIME_WAIT do not count,
    as for the servers themselves, which all bind with SO_REUSEADDR)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def three_ports() -> dict[str, int]:
    ports: set[int] = set()
    while len(ports) < 3:
        ports.add(free_port())
    return dict(zip(("site", "sandbox", "lab"), sorted(ports), strict=True))


@pytest.fixture
def launch(tmp_path: Path):
    started: list[Launch] = []

    def start() -> Launch:
        started.append(Launch(tmp_path, three_ports()))
        return started[-1]

    yield start
    for running in started:
        running.close()


def assert_all_gone(running: Launch, groups: list[int]) -> None:
    assert len(groups) == 3, f"three servers, each leading its group: {groups}"
    assert group_members(groups) == [], "a server or one of its children outlived the launcher"
    for name, port in running.ports.items():
        assert port_is_free(port), f"the {name} port {port} is still held"


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=str)
def test_a_signal_to_the_launcher_stops_all_three_servers(launch, signum: int) -> None:
    running = launch()
    running.wait_ready()
    groups = running.server_groups()
    assert len(groups) == 3 and group_members(groups), running.output
    running.process.send_signal(signum)
    assert running.process.wait(timeout=60) == 0, running.output
    assert "Stopping." in running.output
    assert_all_gone(running, groups)


@pytest.mark.slow
def test_one_server_dying_stops_the_other_two(launch) -> None:
    running = launch()
    running.wait_ready()
    groups = running.server_groups()
    static = next(pid for pid in groups if b"aimed.servers.static" in cmdline(pid))
    os.kill(static, signal.SIGKILL)
    assert running.process.wait(timeout=60) == 1, running.output
    assert "course site stopped; stopping the rest." in running.output
    assert_all_gone(running, groups)


@pytest.mark.slow
def test_a_killed_launcher_still_leaves_no_server(launch) -> None:
    """SIGKILL (or the OOM killer) allows no clean-up: each server is told by the kernel."""
    running = launch()
    running.wait_ready()
    groups = running.server_groups()
    running.process.kill()
    running.process.wait()
    deadline = time.monotonic() + 60
    while group_members(groups) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert_all_gone(running, groups)


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.parametrize("which", ["site", "sandbox", "lab"])
def test_a_taken_port_names_the_setting_to_change(tmp_path: Path, which: str) -> None:
    course, site = small_course(tmp_path)
    ports = three_ports()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports[which]))
        taken.listen()
        command = [*AIMED, "serve", "--course", str(course), "--site-dir", str(site)]
        command += ["--no-build", "--no-open", "--workspace", str(tmp_path / "workspace")]
        for name, port in ports.items():
            command += [f"--{name}-port", str(port)]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    variable = f"AIMED_{which.upper()}_PORT"
    assert f"port {ports[which]} on 127.0.0.1 is taken" in done.stderr
    assert f"--{which}-port or {variable}" in done.stderr
    assert "Starting" not in done.stdout, "nothing is started on a taken port"
    assert not (tmp_path / "workspace").exists()
