"""One control group per submission: the kernel caps its memory and its number of processes.

A per-process address-space limit does not bound a submission that starts several
processes; a control group does, whatever the learner's code does. Each submission's
processes are put in a group of their own (``Group``), made under the grader's own group,
with a memory cap (tmpfs files included) and a process cap; when the cap is reached the
kernel's out-of-memory killer stops a process of that group only, never another
submission's or the grader's. The group is removed once the submission ends.

Version 2 where the host has it with the memory and pids controllers delegated to us;
version 1 otherwise (``/sys/fs/cgroup/memory`` and ``/sys/fs/cgroup/pids``, writable by
root). Where neither can be made (a non-root trainer without delegation), ``host()``
says why and the grader falls back to fewer workers and the per-process limits.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "aimed-grading-"
FALLBACK_WORKERS = 2  # grading processes at most without a group per submission


@dataclass(frozen=True)
class Host:
    """Where this process may make submission groups: version 1 or 2 folders, or why not."""

    version: int  # 0: none can be made
    memory: Path | None = None  # parent folder of the memory groups (v1) or of all (v2)
    pids: Path | None = None
    why: str = ""


def _own_paths() -> dict[str, str]:
    """This process's group per controller ("" for version 2), from /proc/self/cgroup."""
    paths: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for name in controllers.split(","):
                paths[name] = path
    return paths


def _mounted(path: Path, kind: str) -> bool:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            before, _, after = line.partition(" - ")
            if before.split()[4] == str(path) and after.split()[0] == kind:
                return True
    return False


def _under(mount: Path, own: str) -> Path:
    """Our own group's folder under ``mount`` (its root when our path is not visible)."""
    folder = mount / own.lstrip("/")
    return folder if own and folder.is_dir() else mount


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _v2(own: dict[str, str]) -> Host | None:
    mount = next((p for p in (ROOT, ROOT / "unified") if _mounted(p, "cgroup2")), None)
    if mount is None:
        return None
    parent = _under(mount, own.get("", ""))
    try:
        available = (parent / "cgroup.controllers").read_text().split()
    except OSError:
        return None
    if not {"memory", "pids"} <= set(available):
        return None
    enabled = set((parent / "cgroup.subtree_control").read_text().split())
    if not {"memory", "pids"} <= enabled:
        try:  # refused (EBUSY) while processes sit in the parent itself
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
        except OSError as error:
            return Host(0, why=f"cgroup v2 controllers not delegated to {parent} ({error})")
    if not _writable(parent):
        return Host(0, why=f"{parent} is not writable by this account")
    return Host(2, parent, parent)


def _v1(own: dict[str, str]) -> Host | None:
    memory, pids = ROOT / "memory", ROOT / "pids"
    if not (_mounted(memory, "cgroup") and _mounted(pids, "cgroup")):
        return None
    memory, pids = _under(memory, own.get("memory", "")), _under(pids, own.get("pids", ""))
    if not (_writable(memory) and _writable(pids)):
        return Host(0, why="the cgroup v1 memory and pids folders are writable by root only")
    return Host(1, memory, pids)


_HOST: list[Host] = []


def host() -> Host:
    """Where submission groups go on this machine (looked up once per process)."""
    if not _HOST:
        own = _own_paths()
        found = _v2(own) if "" in own else None
        if found is None or not found.version:
            found = _v1(own) or found or Host(0, why="no cgroup memory and pids controllers")
        if found.version:
            try:  # a trial group, as a submission's would be
                Group(found, 64 * 1024 * 1024, 4).remove()
            except OSError as error:
                found = Host(0, why=f"a cgroup cannot be made here ({error})")
        _HOST.append(found)
    return _HOST[0]


def workers_allowed(asked: int) -> tuple[int, str]:
    """Grading processes to start, and a line for the trainer when the caps are missing."""
    found = host()
    if found.version:
        return asked, ""
    kept = min(asked, FALLBACK_WORKERS)
    return kept, (
        f"no memory cap per submission on this machine ({found.why}): grading with {kept} "
        "worker(s) and per-process limits only; run as root, or in a delegated cgroup, "
        "to cap each submission (exercises/README.md)"
    )


def say_if_uncapped(asked: int) -> int:
    """``workers_allowed``, printing its line on stderr at the start of the run."""
    kept, line = workers_allowed(asked)
    if line:
        print(line, file=sys.stderr)
    return kept


_COUNT = itertools.count(1)
_HOMES: list[Path] = []


def send_home(pid: int) -> None:
    """Put a sandbox's warm parent back outside every submission group.

    Version 1: the grader's own groups. Version 2 keeps processes in leaves only, so a
    group of this run's, without caps, holds the warm parents (removed at exit).
    """
    where = host()
    assert where.memory and where.pids  # called only where groups can be made
    if where.version == 1:
        _write(where.memory / "cgroup.procs", pid)
        _write(where.pids / "cgroup.procs", pid)
        return
    if not _HOMES:
        home = where.memory / f"{PREFIX}{os.getpid()}-sandboxes"
        home.mkdir(mode=0o755, exist_ok=True)
        _HOMES.append(home)
        atexit.register(_remove_home, home)
    _write(_HOMES[0] / "cgroup.procs", pid)


class Group:
    """The control group of one submission (version 1: a memory and a pids folder)."""

    def __init__(self, where: Host, memory_bytes: int, processes: int) -> None:
        self.host = where
        assert where.memory and where.pids  # a Group is made only where groups can be
        name = f"{PREFIX}{os.getpid()}-{next(_COUNT)}"
        self.memory = where.memory / name
        self.pids = where.pids / name
        self.folders = [self.memory] if where.version == 2 else [self.memory, self.pids]
        for folder in self.folders:
            folder.mkdir(mode=0o755)
        try:
            if where.version == 2:
                _write(self.memory / "memory.max", memory_bytes)
                with contextlib.suppress(OSError):
                    _write(self.memory / "memory.swap.max", 0)
                _write(self.memory / "pids.max", processes)
            else:
                _write(self.memory / "memory.limit_in_bytes", memory_bytes)
                with contextlib.suppress(OSError):  # present only with swap accounting
                    _write(self.memory / "memory.memsw.limit_in_bytes", memory_bytes)
                _write(self.pids / "pids.max", processes)
        except OSError:
            self.remove()
            raise

    def add(self, pid: int) -> None:
        """Put ``pid`` in the group: what it starts from now on is counted here."""
        for folder in self.folders:
            _write(folder / "cgroup.procs", pid)

    def out_of_memory(self) -> bool:
        """Whether the kernel stopped a process of this group for memory."""
        name = "memory.events" if self.host.version == 2 else "memory.oom_control"
        with contextlib.suppress(OSError, ValueError):
            for line in (self.memory / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
        if self.host.version == 1:  # older kernels: the cap was hit at least once
            with contextlib.suppress(OSError, ValueError):
                return int((self.memory / "memory.failcnt").read_text()) > 0
        return False

    def peak_bytes(self) -> int | None:
        """The most memory the group held at once, where the kernel keeps it."""
        name = "memory.peak" if self.host.version == 2 else "memory.max_usage_in_bytes"
        with contextlib.suppress(OSError, ValueError):
            return int((self.memory / name).read_text())
        return None

    def remove(self) -> None:
        """Remove the group once its processes are gone (they die with their namespace)."""
        for folder in reversed(self.folders):
            started = time.monotonic()
            while folder.exists() and time.monotonic() - started < 30:
                try:
                    folder.rmdir()
                except FileNotFoundError:
                    break
                except OSError:  # busy: processes still ending
                    if time.monotonic() - started > 5:
                        self._kill_left(folder)
                    time.sleep(0.02)

    @staticmethod
    def _kill_left(folder: Path) -> None:
        import signal

        with contextlib.suppress(OSError, ValueError):
            for pid in (folder / "cgroup.procs").read_text().split():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGKILL)


def _remove_home(home: Path) -> None:
    with contextlib.suppress(OSError):
        home.rmdir()


def _write(path: Path, value: object) -> None:
    with open(path, "w") as handle:
        handle.write(f"{value}\n")
