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

Version 2 lets a group give its children controllers only while no process sits in the
group itself, and a delegated group (``systemd-run --scope -p Delegate=yes``) holds the
grader: the grader first moves itself into a leaf of its own. Its workers then inherit
its choice (``INHERITED``) rather than look again from inside that leaf. The selection
(``find_host``) reads the two kernel files as text, so it is tested on both versions'
formats; these machines have version 1 only, so version 2 runs for real elsewhere only.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import itertools
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "aimed-grading-"
FALLBACK_WORKERS = 2  # grading processes at most without a group per submission
INHERITED = "AIMED_GRADING_CGROUPS"  # the grader's choice for its workers, one a line


@dataclass(frozen=True)
class Host:
    """Where this process may make submission groups: version 1 or 2 folders, or why not."""

    version: int  # 0: none can be made
    memory: Path | None = None  # parent folder of the memory groups (v1) or of all (v2)
    pids: Path | None = None
    why: str = ""


def own_paths(cgroup: str) -> dict[str, str]:
    """A process's group per controller ("" for version 2), from its /proc/<pid>/cgroup."""
    paths: dict[str, str] = {}
    for line in cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            for name in parts[1].split(","):
                paths[name] = parts[2]
    return paths


def mounts(mountinfo: str) -> set[tuple[str, str]]:
    """``(mount point, file system type)`` of each line of a /proc/<pid>/mountinfo."""
    found = set()
    for line in mountinfo.splitlines():
        before, _, after = line.partition(" - ")
        fields, kind = before.split(), after.split()
        if len(fields) > 4 and kind:
            found.add((fields[4], kind[0]))
    return found


def _under(mount: Path, own: str) -> Path:
    """Our own group's folder under ``mount`` (its root when our path is not visible)."""
    folder = mount / own.lstrip("/")
    return folder if own and folder.is_dir() else mount


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _v2(own: dict[str, str], mounted: set[tuple[str, str]], root: Path) -> Host | None:
    mount = next((p for p in (root, root / "unified") if (str(p), "cgroup2") in mounted), None)
    if mount is None:
        return None
    parent = _under(mount, own.get("", ""))
    try:
        available = (parent / "cgroup.controllers").read_text().split()
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
    except OSError:
        return None
    if not {"memory", "pids"} <= set(available):
        return None
    if not _writable(parent):
        return Host(0, why=f"{parent} is not writable by this account")
    if not {"memory", "pids"} <= enabled:
        try:
            _enable(parent)
        except OSError as error:
            return Host(0, why=f"cgroup v2 controllers not delegated to {parent} ({error})")
    return Host(2, parent, parent)


def _enable(parent: Path) -> None:
    """Give ``parent``'s children the memory and pids controllers (version 2).

    Refused (EBUSY) while a process sits in ``parent`` itself: when that is this grader,
    it moves into a leaf of its own (its sandboxes' home) and asks again; another
    process there (a login shell) keeps it refused, and the run says so.
    """
    try:
        _write(parent / "cgroup.subtree_control", "+memory +pids")
    except OSError as error:
        if error.errno != errno.EBUSY:
            raise
        _write(_home(parent) / "cgroup.procs", os.getpid())
        _write(parent / "cgroup.subtree_control", "+memory +pids")


def _v1(own: dict[str, str], mounted: set[tuple[str, str]], root: Path) -> Host | None:
    memory, pids = root / "memory", root / "pids"
    if not ((str(memory), "cgroup") in mounted and (str(pids), "cgroup") in mounted):
        return None
    memory, pids = _under(memory, own.get("memory", "")), _under(pids, own.get("pids", ""))
    if not (_writable(memory) and _writable(pids)):
        return Host(0, why="the cgroup v1 memory and pids folders are writable by root only")
    return Host(1, memory, pids)


def find_host(cgroup: str, mountinfo: str, root: Path = ROOT) -> Host:
    """Where submission groups can go, from a process's /proc/<pid>/cgroup and mountinfo.

    Version 2 when this process is in a version 2 group whose memory and pids controllers
    it may give its children; version 1 otherwise; else ``Host(0)`` and why.
    """
    own, mounted = own_paths(cgroup), mounts(mountinfo)
    found = _v2(own, mounted, root) if "" in own else None
    if found is None or not found.version:
        found = (
            _v1(own, mounted, root) or found or Host(0, why="no cgroup memory and pids controllers")
        )
    return found


def _inherited() -> Host | None:
    """The grading process's choice, in one of its workers (``INHERITED``)."""
    parts = os.environ.get(INHERITED, "").split("\n")
    if len(parts) != 3 or parts[0] not in ("1", "2"):
        return None
    memory, pids = Path(parts[1]), Path(parts[2])
    return Host(int(parts[0]), memory, pids) if memory.is_dir() and pids.is_dir() else None


_HOST: list[Host] = []


def host() -> Host:
    """Where submission groups go on this machine (looked up once per process)."""
    if not _HOST:
        found = _inherited()
        if found is None:
            texts = []
            for name in ("cgroup", "mountinfo"):
                try:
                    texts.append(Path(f"/proc/self/{name}").read_text())
                except OSError:
                    texts.append("")
            found = find_host(texts[0], texts[1])
        if found.version:
            try:  # a trial group, as a submission's would be
                Group(found, 64 * 1024 * 1024, 4).remove()
            except OSError as error:
                found = Host(0, why=f"a cgroup cannot be made here ({error})")
        if found.version:  # the workers, started after, use the same parent groups
            os.environ[INHERITED] = f"{found.version}\n{found.memory}\n{found.pids}"
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
    _write(_home(where.memory) / "cgroup.procs", pid)


def _home(parent: Path) -> Path:
    """This process's group without caps under ``parent`` (version 2), made once."""
    if not _HOMES:
        home = parent / f"{PREFIX}{os.getpid()}-sandboxes"
        home.mkdir(mode=0o755, exist_ok=True)
        _HOMES.append(home)
        atexit.register(_remove_home, home)
    return _HOMES[0]


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
