"""The operating-system boundary around learner code: a bubblewrap sandbox per grading process.

One sandbox is started per grading process and reused for every submission it grades
(``inside.py`` forks a fresh child in fresh namespaces for each). What the learner's code
sees: Python and its libraries read-only, a private copy of its own submission folder,
an empty ``/tmp``; no network, no gradebook, no ``source/``, ``release/`` or other
learner's folder, no home folder. Run as root, the sandbox drops to ``nobody``; run as
a trainer's own account, it uses that account inside user namespaces. Limits: address
space, CPU time, file size, number of processes, disk (tmpfs), wall-clock time.

See exercises/README.md, "What the boundary protects against, and what it does not".
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from aimed.trainer import cgroups
from aimed.trainer.course import TrainerError
from aimed.trainer.files import read_own, why_not_own
from aimed.trainer.inside import GRACE, receive, send

HOME = "/home/learner"
SPOOL = "/spool"
TEMP_ENV = "AIMED_GRADING_TMP"  # where sandboxes keep their spool (the run's own folder)
BASE_PRELOAD = ("numpy", "pandas", "IPython")
INSTALL_HINT = (
    "grading runs learner code in a bubblewrap sandbox: install it "
    "(Debian/Ubuntu: apt-get install bubblewrap) and make sure user namespaces are enabled"
)


class BoundaryError(TrainerError):
    """The sandbox cannot start on this machine."""


@dataclass(frozen=True)
class Limits:
    """What one submission may use (the trainers' documentation quotes these)."""

    memory_mb: int = 1024  # address space beyond what Python and its imports already use
    cpu_seconds: int = 600
    file_mb: int = 16  # largest file it may write
    disk_mb: int = 64  # its folder and /tmp, each (memory-backed)
    processes: int = 16  # processes and threads of its own
    total_memory_mb: int = 1536  # all its processes together, tmpfs files included (cgroup)
    wall_seconds: int = 900
    submission_mb: int = 20  # largest submission folder copied in


def bwrap_path() -> str | None:
    return shutil.which("bwrap") or ("/usr/bin/bwrap" if os.path.exists("/usr/bin/bwrap") else None)


_AVAILABLE: dict[str, str] = {}


def check_available() -> None:
    """Raise ``BoundaryError`` unless a sandbox like the grading one can start here."""
    if "ok" in _AVAILABLE:
        return
    path = bwrap_path()
    if path is None:
        raise BoundaryError(f"bwrap not found: {INSTALL_HINT}")
    args = [path, "--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc"]
    if os.geteuid() != 0:
        args.append("--unshare-user")
    for top in ("/bin", "/lib", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--ro-bind", "/usr", "/usr", "--dev", "/dev", "true"]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BoundaryError(f"bwrap cannot run ({error}): {INSTALL_HINT}") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
        raise BoundaryError(f"bwrap cannot make a sandbox here ({why}): {INSTALL_HINT}")
    trial = Sandbox((), [], warm=False)  # and the namespaces each submission enters
    try:
        trial.start()
    finally:
        trial.close()
    _AVAILABLE["ok"] = path


def _nobody() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def _read_only_paths(modules: tuple[str, ...]) -> list[str]:
    """Folders the sandbox needs to read: the system's libraries, Python, the packages."""
    import importlib.util

    paths = ["/usr", "/etc/ld.so.cache", sys.base_prefix, sys.prefix]
    for name in ("aimed", *modules):
        spec = importlib.util.find_spec(name.split(".")[0])
        if spec and spec.submodule_search_locations:
            paths.extend(spec.submodule_search_locations)
        elif spec and spec.origin:
            paths.append(spec.origin)
    kept: list[str] = []
    for path in sorted({os.path.realpath(p) for p in paths if os.path.exists(p)}, key=len):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


# Each submission gets an empty, private scratch folder (a tmpfs its child mounts): /tmp,
# unless Python or the packages live under /tmp (a clone there, as CI may make), which a
# tmpfs would hide; then /tmp stays read-only and the scratch folder is this one.
SCRATCH = "/scratch"


def code_under_tmp(modules: tuple[str, ...]) -> bool:
    """Whether Python or a package the sandbox reads lives under /tmp."""
    return any(p.startswith("/tmp/") for p in _read_only_paths(modules))


def scratch_folder(modules: tuple[str, ...]) -> str:
    return SCRATCH if code_under_tmp(modules) else "/tmp"


def _refuse_secrets(paths: list[str], secrets: list[Path]) -> None:
    """Never let a read-only bind expose a course folder (solutions, gradebook)."""
    for path in paths:
        for secret in secrets:
            secret_path = os.path.realpath(secret)
            if secret_path == path or secret_path.startswith(path.rstrip("/") + "/"):
                raise BoundaryError(
                    f"the grading sandbox would see {secret_path} through {path}: "
                    "keep the course folder outside Python's and the packages' folders"
                )


def bwrap_command(
    spool: Path, modules: tuple[str, ...], secrets: list[Path], as_root: bool
) -> list[str]:
    """The bubblewrap command line of one sandbox (see the module's docstring)."""
    binds = _read_only_paths(modules)
    _refuse_secrets(binds, secrets)
    args = [
        bwrap_path() or "bwrap",
        "--die-with-parent",
        "--new-session",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "grading",
    ]
    if not as_root:
        args.append("--unshare-user")
    # /tmp before the binds, which may lie under it (see SCRATCH).
    if code_under_tmp(modules):
        args += ["--perms", "0755", "--dir", "/tmp", "--perms", "1777", "--tmpfs", SCRATCH]
    else:
        args += ["--perms", "1777", "--tmpfs", "/tmp"]
    made: set[str] = {"/tmp"}
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            binds.append(top)
    for path in binds:
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            parent = "/" + "/".join(parts[:depth])
            if parent not in made and not any(parent == b for b in binds):
                made.add(parent)
                args += ["--perms", "0755", "--dir", parent]
        args += ["--ro-bind", path, path]
    # The answer keys the hidden checks use are not the learner's to import (keys/).
    keys = os.path.realpath(os.path.join(os.path.dirname(__file__), "keys"))
    if os.path.isdir(keys) and any(keys.startswith(b.rstrip("/") + "/") for b in binds):
        args += ["--tmpfs", keys]
    args += [
        "--dev",
        "/dev",
        # As root, the warm parent mounts a /proc each child can mount its own beside;
        # in user namespaces, bubblewrap's /proc, which each child hides with an empty one.
        *(["--dir", "/proc"] if as_root else ["--proc", "/proc"]),
        "--perms",
        "0755",
        "--dir",
        "/home",
        "--perms",
        "0700",
        "--dir",
        HOME,
        "--ro-bind",
        str(spool),
        SPOOL,
        "--chdir",
        "/tmp",
        "--clearenv",
    ]
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": HOME,
        "TMPDIR": scratch_folder(modules),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{scratch_folder(modules)}/matplotlib",
        "IPYTHONDIR": f"{scratch_folder(modules)}/ipython",
        "ARROW_DEFAULT_MEMORY_POOL": "system",  # jemalloc reserves more than the limit allows
    }
    for key, value in env.items():
        args += ["--setenv", key, value]
    args += ["--remount-ro", "/", sys.executable, "-m", "aimed.trainer.inside"]
    return args


class Sandbox:
    """A warm sandbox that runs one submission at a time (see ``inside.py``)."""

    def __init__(
        self,
        modules: tuple[str, ...],
        secrets: list[Path],
        limits: Limits | None = None,
        warm: bool = True,
        warm_code: tuple[str, ...] = (),
    ) -> None:
        self.modules = tuple(dict.fromkeys((*(BASE_PRELOAD if warm else ()), *modules)))
        self.warm_code = warm_code  # released set-up cells the warm parent runs once (inside.py)
        self.secrets = secrets
        self.limits = limits or Limits()
        self.process: subprocess.Popen | None = None
        self.folder: Path | None = None
        self.log: Path | None = None
        self.zygote: int | None = None  # the warm parent's process id, as the grader sees it

    # -- life cycle

    def start(self) -> None:
        if self.process is not None:
            return
        if bwrap_path() is None:
            raise BoundaryError(f"bwrap not found: {INSTALL_HINT}")
        base = os.environ.get(TEMP_ENV) or None
        self.folder = Path(tempfile.mkdtemp(prefix="sandbox-", dir=base))  # 0700: ours only
        spool = self.folder / "spool"
        spool.mkdir()
        os.chmod(spool, 0o755)  # seen through its bind mount only
        self.log = self.folder / "sandbox.log"
        as_root = os.geteuid() == 0
        command = bwrap_command(spool, self.modules, self.secrets, as_root)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                close_fds=True,
                start_new_session=True,
            )
        config = {
            "mount_proc": as_root,
            "user": list(_nobody()) if as_root else None,
            "preload": list(self.modules),
            "warm": list(self.warm_code),
            "trial": {"timeout": 10, "limits": asdict(self.limits), "home": HOME, "spool": SPOOL},
        }
        assert self.process.stdin and self.process.stdout  # both are pipes, opened above
        try:
            send(self.process.stdin.fileno(), config)
            ready = receive(self.process.stdout.fileno(), time.monotonic() + 120)
        except (OSError, TimeoutError, EOFError, ValueError):
            ready = None
        if not isinstance(ready, dict) or "ready" not in ready:
            why = ready.get("error") if isinstance(ready, dict) else None
            why = why or self._log_tail()
            self.close()
            raise BoundaryError(f"the grading sandbox did not start ({why}): {INSTALL_HINT}")
        self.zygote = _host_pid(self.process.pid, ready["ready"])

    def close(self) -> None:
        """Stop the sandbox and everything in it; remove its folder."""
        process, self.process = self.process, None
        self.zygote = None
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.kill()
            process.wait()
            for stream in filter(None, (process.stdin, process.stdout)):
                with contextlib.suppress(OSError):
                    stream.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _log_tail(self) -> str:
        if self.log is None:
            return "no log"
        try:
            lines = self.log.read_text("utf-8", "replace").strip().splitlines()
        except (OSError, AttributeError):
            return "no log"
        return lines[-1][:300] if lines else "no message"

    # -- one submission

    def _fill_spool(self, submission: Path) -> list[str]:
        """Copy the submission's regular files into the spool, readable by the sandbox."""
        assert self.folder is not None  # made when the sandbox started
        spool = self.folder / "spool"
        for child in spool.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        notes: list[str] = []
        budget = self.limits.submission_mb * 1024 * 1024
        if submission.is_symlink() or not submission.is_dir():
            return notes  # a link could point anywhere the grader may read
        for folder, dirs, files in os.walk(submission):
            relative = Path(folder).relative_to(submission)
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
            (spool / relative).mkdir(mode=0o755, exist_ok=True)
            os.chmod(spool / relative, 0o755)
            for name in files:
                path = Path(folder) / name
                info = path.lstat()
                if why_not_own(info):  # a link's target is never the learner's to give
                    if stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode):
                        notes.append(f"{relative / name} left out of the sandbox: a link")
                    continue
                if info.st_size > budget:
                    notes.append(f"{relative / name} left out of the sandbox: too large")
                    continue
                try:
                    data = read_own(path, submission, budget)  # checked again once open
                except OSError:
                    notes.append(f"{relative / name} left out of the sandbox: not its own file")
                    continue
                budget -= len(data)
                target = spool / relative / name
                target.write_bytes(data)
                os.chmod(target, 0o644)
        return notes

    def run(self, submission: Path, plan: list[dict], timeout: float) -> dict:
        """Run ``plan`` on a private copy of ``submission``; the child's report, untrusted."""
        if self.process is not None and self.process.poll() is not None:
            self.close()  # it ended since the last submission: start a fresh one
        self.start()
        notes = self._fill_spool(submission)
        job = {
            "plan": plan,
            "timeout": timeout,
            "limits": asdict(self.limits),
            "home": HOME,
            "spool": SPOOL,
            "scratch": scratch_folder(self.modules),
        }
        runs = sum(1 for step in plan if "run" in step)
        wall = min(self.limits.wall_seconds, timeout * (runs + 1) + GRACE) + 60
        group = self._group()
        assert self.process and self.process.stdin and self.process.stdout  # start() above
        assert self.zygote is not None  # start() above, or it raised
        try:
            if group is not None:
                group.add(self.zygote)  # the submission's processes are forked in it...
            send(self.process.stdin.fileno(), job)
            forked = receive(self.process.stdout.fileno(), time.monotonic() + 30)
            if group is not None:
                cgroups.send_home(self.zygote)  # ...the warm parent goes back out at once
            if forked != {"forked": True}:
                raise ValueError("no submission started")
            result = receive(self.process.stdout.fileno(), time.monotonic() + wall)
        except (OSError, TimeoutError, EOFError, ValueError):
            result = None
        finally:
            capped = group is not None and group.out_of_memory()
            peak = group.peak_bytes() if group is not None else None
        if not isinstance(result, dict):
            why = self._log_tail()
            self.close()  # the next submission gets a fresh sandbox
            reason = f"the grading sandbox stopped ({why})"
            lost: dict[str, object] = {"status": "lost", "reason": reason, "lines": []}
            result = lost
        if group is not None:
            group.remove()  # its processes died with the submission's namespaces
        result["notes"] = notes
        result["memory_cap"] = self.limits.total_memory_mb if capped else None
        result["peak_bytes"] = peak
        return result

    def _group(self) -> cgroups.Group | None:
        """A fresh control group for the next submission, where the host allows one."""
        where = cgroups.host()
        if not where.version:
            return None  # said at the start of the run (cgroups.say_if_uncapped)
        if self.zygote is None:
            raise BoundaryError("the grading sandbox's process cannot be found to cap it")
        memory = self.limits.total_memory_mb * 1024 * 1024
        return cgroups.Group(where, memory, self.limits.processes + 2)  # + its two keepers


def _host_pid(outer: int, inner: object) -> int | None:
    """The grader's id of the process ``inner`` is in the sandbox (a descendant of bwrap)."""
    queue = [outer]
    while queue:
        pid = queue.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("NSpid:") and line.split()[-1] == str(inner) and pid != outer:
                return pid
        queue.extend(int(child) for child in children)
    return None


_SANDBOXES: dict[tuple, Sandbox] = {}


def sandbox_for(
    modules: tuple[str, ...], secrets: list[Path], warm_code: tuple[str, ...] = ()
) -> Sandbox:
    """This process's sandbox for these preloaded modules and warm-up cells (started on
    first use)."""
    key = (tuple(sorted(modules)), tuple(sorted(str(s) for s in secrets)), warm_code)
    if key not in _SANDBOXES:
        _SANDBOXES[key] = Sandbox(key[0], secrets, warm_code=warm_code)
    return _SANDBOXES[key]


def close_all() -> None:
    while _SANDBOXES:
        _, sandbox = _SANDBOXES.popitem()
        sandbox.close()


atexit.register(close_all)
