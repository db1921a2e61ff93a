"""The sandbox learner code runs in, probed from inside with native code (``ctypes``).

The folder guard inside the sandbox answers Python's own calls; these probes go around it
on purpose, as a determined learner would, and meet the operating-system boundary.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from aimed.trainer import boundary
from aimed.trainer.boundary import BoundaryError, Sandbox, bwrap_command
from aimed.trainer.checks import NotPlainData, decode
from aimed.trainer.execute import Report
from aimed.trainer.inside import plain

LIBC = "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory):
    course = tmp_path_factory.mktemp("course")
    (course / "gradebook.db").write_text("secret")
    box = Sandbox(("aimed.notebooks.helpers",), [course])
    yield box, course
    box.close()


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    folder = tmp_path / "submitted"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    return folder


def box_modules(sandbox) -> tuple[str, ...]:
    box, _ = sandbox
    return box.modules


def run(sandbox, folder: Path, *cells: str, timeout: float = 10) -> tuple[Report, list[str]]:
    """Run ``cells``; the report, and what each cell printed."""
    box, _ = sandbox
    plan = [{"run": n, "code": code} for n, code in enumerate(cells)]
    report = Report(box.run(folder, plan, timeout))
    printed = [
        "".join(
            o.get("text", "") + o.get("evalue", "")
            for o in report.cells.get(n, {}).get("outputs", [])
        )
        for n in range(len(cells))
    ]
    return report, printed


@pytest.mark.slow
def test_learner_code_sees_only_a_private_copy_of_its_folder(sandbox, submission) -> None:
    _, course = sandbox
    probe = (
        "import os\n"
        f"print(os.path.exists({str(course)!r}), os.path.exists('/root/.bashrc'))\n"
        f"print(os.path.exists({str(submission)!r}), os.path.exists('/etc/passwd'))\n"
        "mounts = open('/proc/self/mountinfo').read().splitlines()\n"
        "print(sorted({line.split()[4] for line in mounts}))\n"
        "print(open('notes.txt').read(), os.getcwd())\n"
        "open('notes.txt', 'w').write('changed')\n"
    )
    report, printed = run(sandbox, submission, probe)
    assert report.status == "done", report.reason
    lines = printed[0].splitlines()
    assert lines[0] == "False False" and lines[1] == "False False"
    python = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)}
    seen = {m for m in eval(lines[2]) if not m.startswith(("/dev/", *python))}
    aimed = os.path.dirname(os.path.realpath(boundary.__file__))[: -len("/trainer")]
    expected = {"/", "/dev", "/proc", "/tmp", "/home/learner", "/spool", "/usr", aimed}
    expected.add(boundary.scratch_folder(box_modules(sandbox)))  # /scratch when code is in /tmp
    expected.add(f"{aimed}/trainer/keys")  # an empty folder over the answer keys
    assert seen - {"/etc/ld.so.cache"} <= expected
    assert lines[3].startswith("mine ")
    assert (submission / "notes.txt").read_text() == "mine"  # the copy changed, not the file


@pytest.mark.slow
def test_no_network_even_to_the_graders_own_loopback(sandbox, submission) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(5)
    port = server.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(_accept(server)))
    thread.start()
    probe = LIBC + (
        "import socket, struct\n"
        "fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)\n"
        f"address = struct.pack('=H', socket.AF_INET) + struct.pack('!H', {port})\n"
        "address += socket.inet_aton('127.0.0.1') + bytes(8)\n"
        "print(libc.connect(fd, address, len(address)), ctypes.get_errno())\n"
    )
    _, printed = run(sandbox, submission, probe)
    thread.join()
    server.close()
    result, errno = printed[0].split()
    assert result == "-1" and int(errno) > 0
    assert accepted == [None]


def _accept(server: socket.socket):
    try:
        return server.accept()
    except OSError:
        return None


@pytest.mark.slow
def test_learner_code_has_no_privilege_and_its_own_processes_only(sandbox, submission) -> None:
    probe = (
        "import os\n"
        "status = open('/proc/self/status').read()\n"
        "print(os.getpid(), [p for p in os.listdir('/proc') if p.isdigit()])\n"
        "wanted = ('CapEff', 'NoNewPrivs')\n"
        "print([l.split()[1] for l in status.splitlines() if l.startswith(wanted)])\n"
        "print(os.getuid())\n"
    )
    _, printed = run(sandbox, submission, probe)
    lines = printed[0].splitlines()
    assert lines[0] == "1 ['1']"
    assert lines[1] == "['0000000000000000', '1']"
    if os.geteuid() == 0:
        assert lines[2] == "65534"  # root grades as nobody


@pytest.mark.slow
def test_processes_memory_and_file_size_are_limited(sandbox, submission) -> None:
    forks = LIBC + (
        "children = 0\n"
        "for _ in range(200):\n"
        "    pid = libc.fork()\n"
        "    if pid == 0:\n"
        "        libc.sleep(60)\n"
        "        libc._exit(0)\n"
        "    children += pid > 0\n"
        "print(children)\n"
    )
    memory = "try:\n    block = bytearray(4 * 1024**3)\nexcept MemoryError:\n    print('refused')\n"
    big_file = (
        "try:\n    open('big.bin', 'wb').write(bytes(32 * 1024**2))\n"
        "except OSError as error:\n    print(error.strerror)\n"
    )
    report, printed = run(sandbox, submission, forks, memory, big_file)
    assert report.status == "done", report.reason
    assert 0 < int(printed[0]) < boundary.Limits().processes
    assert printed[1].strip() == "refused"
    assert printed[2].strip() == "File too large"


@pytest.mark.slow
def test_a_cell_that_refuses_to_stop_ends_the_run_and_the_next_one_is_fine(
    sandbox, submission
) -> None:
    stubborn = (
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n"
    )
    report, _ = run(sandbox, submission, "x = 1", stubborn, "print('never')", timeout=1)
    assert report.status == "killed" and "could not be interrupted" in report.reason
    assert 2 not in report.cells
    report, printed = run(sandbox, submission, "print(6 * 7)")
    assert report.status == "done" and printed == ["42\n"]


@pytest.mark.slow
def test_a_loop_is_interrupted_and_the_rest_runs(sandbox, submission) -> None:
    report, printed = run(sandbox, submission, "while True:\n    pass", "print('after')", timeout=1)
    assert report.status == "done"
    assert report.cells[0]["timed_out"] is True and printed[1] == "after\n"


class _Anything(float):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = float.__hash__


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (98, 98),
        (np.float64(0.25), 0.25),
        (np.int64(30), 30),
        ("B", "B"),
        ((0, 25), (0, 25)),
        ([1, "A", None], [1, "A", None]),
        ({"key": 1.5}, {"key": 1.5}),
        (True, True),
    ],
)
def test_plain_answers_cross_the_boundary_exactly(value: object, expected: object) -> None:
    back = decode(json.loads(json.dumps(plain(value))))
    assert back == expected and type(back) is type(expected)


@pytest.mark.parametrize(
    "value", [_Anything(0.5), type("Letter", (str,), {})("B"), np.arange(3), object(), [0] * 5000]
)
def test_anything_else_arrives_as_not_plain_data(value: object) -> None:
    back = decode(json.loads(json.dumps(plain(value))))
    assert isinstance(back, NotPlainData) and back != 0.5 and back != "B"


@pytest.mark.parametrize(
    "forged", [{"list": "x"}, {"a": 1, "b": 2}, {"tuple": {"x": 1}}, {"other": "<b>x y</b>"}]
)
def test_forged_reports_rebuild_as_not_plain_data(forged: object) -> None:
    back = decode(forged)
    assert isinstance(back, NotPlainData)
    assert re.fullmatch(r"[A-Za-z0-9_.]+", back.kind)


def test_the_sandbox_never_binds_a_folder_that_holds_the_course(tmp_path: Path) -> None:
    inside_python = Path(sys.prefix) / "course"
    with pytest.raises(BoundaryError, match="would see"):
        bwrap_command(tmp_path, (), [inside_python], as_root=os.geteuid() == 0)


def test_without_bwrap_grading_stops_with_one_line(tmp_path: Path, monkeypatch) -> None:
    from aimed.trainer.cli import app
    from aimed.trainer.synthetic import copy_course

    root = copy_course(tmp_path / "course").root
    (root / "submitted" / "someone" / "reading-performance-en").mkdir(parents=True)
    monkeypatch.setattr(boundary, "bwrap_path", lambda: None)
    monkeypatch.setattr(boundary, "_AVAILABLE", {})
    result = CliRunner().invoke(app, ["autograde", "--course", str(root), "--no-progress"])
    assert result.exit_code == 2
    assert "bwrap not found" in result.output and "apt-get install bubblewrap" in result.output
    assert "Traceback" not in result.output


def test_code_under_tmp_keeps_its_own_scratch_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clone under /tmp (as CI may make): /tmp stays visible read-only, scratch elsewhere."""
    monkeypatch.setattr(boundary, "_read_only_paths", lambda modules: ["/usr", "/tmp/clone/.venv"])
    command = boundary.bwrap_command(Path("/nowhere"), (), [], as_root=True)
    assert command.index("/tmp/clone/.venv") > command.index("/tmp")  # bound after /tmp exists
    assert command[command.index(boundary.SCRATCH) - 1 :][:2] == ["--tmpfs", boundary.SCRATCH]
    assert "--tmpfs" not in command[command.index("/tmp") - 1 : command.index("/tmp")]
    monkeypatch.setattr(boundary, "_read_only_paths", lambda modules: ["/usr", "/opt/venv"])
    assert boundary.scratch_folder(()) == "/tmp"


def test_a_model_trains_behind_the_folder_guard(tmp_path: Path) -> None:
    """A learner's cell trains a real model under the guard; other processes stay hidden."""
    script = (
        "from aimed.trainer import jail\n"
        f"jail.install({str(tmp_path)!r})\n"
        "from aimed.engines.model_scenarios import run_hospital_shift\n"
        "run = run_hospital_shift(n=500, recalibration_n=100, threshold=0.2, seed=0)\n"
        "print(round(run.at_b.performance.auc, 3))\n"
        "try:\n"
        "    open('/proc/1/maps').close()\n"
        "except PermissionError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('the guard showed another process memory map')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert 0.5 < float(result.stdout.strip()) < 1
