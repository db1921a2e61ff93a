"""A guard run inside the grading sandbox: a friendly early message, not the boundary.

The boundary is the sandbox (``boundary.py``): learner code cannot see or reach anything
outside its private copy whatever it does. Inside it, before the learner's first cell,
``inside.py`` calls ``install()``; from then on, a Python audit hook refuses, with
``PermissionError``:

- writing, deleting, renaming or listing anything outside the notebook's folder;
- reading files outside that folder and Python's own libraries;
- starting programs (``os.system``, ``subprocess``) and opening network connections.

The refused call fails like any other exception in that cell, so the rest of the notebook
is graded as usual, and the message (``MARKER``) lets the autograder flag the learner for
the trainer. Native code (``ctypes``) goes around it: that is what the sandbox is for.
"""

from __future__ import annotations

import os
import sys
import sysconfig

MARKER = "aimed-trainer: outside the submission folder"

_PATH_EVENTS = {
    "os.remove": 0,
    "os.rmdir": 0,
    "os.mkdir": 0,
    "os.rename": (0, 1),
    "os.replace": (0, 1),
    "os.chmod": 0,
    "os.chown": 0,
    "os.link": (0, 1),
    "os.symlink": (0, 1),
    "os.truncate": 0,
    "os.utime": 0,
    "shutil.rmtree": 0,
    "shutil.copyfile": (0, 1),
    "shutil.move": (0, 1),
}
_LISTING_EVENTS = {"os.listdir", "os.scandir", "glob.glob"}
_FORBIDDEN_EVENTS = {
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "os.kill",
    "os.killpg",
    "subprocess.Popen",
    "pty.spawn",
    "socket.connect",
    "urllib.Request",
}


def _roots_to_read(home: str) -> tuple[str, ...]:
    """Folders code may read from: its own, Python's libraries, and harmless system data."""
    roots = {home}
    for value in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix):
        roots.add(value)
    for key in ("stdlib", "platstdlib", "purelib", "platlib", "data"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(path)
    roots.update(p for p in sys.path if p and os.path.isabs(p))
    import aimed  # an editable install finds it through an import hook, not sys.path

    roots.update(os.path.dirname(p) for p in aimed.__path__)
    roots.update(
        {
            "/usr/share/zoneinfo",
            "/usr/lib/python3",
            "/usr/share/fonts",
            "/dev/null",
            "/dev/urandom",
            "/proc",  # the kernel lists its own children when it stops (secrets refused below)
            "/sys/fs/cgroup",
            "/sys/devices/system/cpu",
        }
    )
    if home and "MPLCONFIGDIR" in os.environ:
        roots.add(os.environ["MPLCONFIGDIR"])
    return tuple(sorted(os.path.realpath(r) for r in roots))


_PROC_SECRETS = ("/environ", "/cmdline", "/mem", "/maps", "/fd")


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    if path == f"/proc/{os.getpid()}/maps":
        return True  # its own libraries: threadpoolctl reads them to limit threads
    if path.startswith("/proc/") and any(s in path for s in _PROC_SECRETS):
        return False
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def install(home: str | None = None) -> None:
    """Confine this process to ``home`` (default: the current folder) from now on."""
    home = os.path.realpath(home or os.getcwd())
    writable = (home,)
    readable = _roots_to_read(home)

    def resolve(value: object) -> str | None:
        if isinstance(value, int) or value is None:
            return None  # a file descriptor already open
        if not isinstance(value, str | bytes | os.PathLike):
            return None  # not a path: nothing to resolve
        try:
            return os.path.realpath(os.fsdecode(value))
        except (TypeError, ValueError):
            return None

    def refuse(event: str, detail: object) -> None:
        raise PermissionError(f"{MARKER}: {event} {detail!s}")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path = resolve(args[0])
            if path is None:
                return
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            writing = any(c in mode for c in "wax+") or flags & (
                os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
            )
            if not _inside(path, writable if writing else readable):
                refuse("open", args[0])
        elif event in _PATH_EVENTS:
            positions = _PATH_EVENTS[event]
            for position in positions if isinstance(positions, tuple) else (positions,):
                if position < len(args):
                    path = resolve(args[position])
                    if path is not None and not _inside(path, writable):
                        refuse(event, args[position])
        elif event in _LISTING_EVENTS:
            path = resolve(args[0] if args and args[0] not in ("", None) else ".")
            if path is not None and not _inside(path, readable):
                refuse(event, args[0] if args else "")
        elif event in _FORBIDDEN_EVENTS:
            refuse(event, args[0] if args else "")

    sys.addaudithook(hook)
