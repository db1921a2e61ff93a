"""A submission's memory and processes are capped as a whole, and its report cannot lie.

Each probe is a learner's cell run in the real sandbox (``boundary.Sandbox``): processes
forked through ``ctypes`` that each take ~900 MB, more processes than allowed, a forged
"done" line written to the report before an abrupt exit, output nested too deep to parse,
a file name with a byte UTF-8 cannot hold. What the grader concludes comes from its own
view (exit status, the control group's counters), never from the learner's lines.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aimed.trainer import cgroups
from aimed.trainer.boundary import Sandbox
from aimed.trainer.execute import Report, bounded, readable

CAPPED = cgroups.host().version > 0
needs_cgroups = pytest.mark.skipif(not CAPPED, reason=f"no cgroups here: {cgroups.host().why}")

HOG = """
import ctypes, os, time
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
ready_r, ready_w = os.pipe()
os.set_blocking(ready_r, False)
children = []
for _ in range({count}):
    pid = libc.fork()
    if pid == 0:
        block = libc.malloc({mb} * 1024 * 1024)
        if block:
            ctypes.memset(block, 1, {mb} * 1024 * 1024)  # touch every page: really held
            os.write(ready_w, b"x")
        libc.sleep(60)
        libc._exit(0)
    children.append(pid)
status, held, dead = ctypes.c_int(), 0, set()
for _ in range(600):  # until each has its memory or was stopped
    try:
        held += len(os.read(ready_r, 64))
    except BlockingIOError:
        pass
    dead |= {{pid for pid in children if libc.waitpid(pid, ctypes.byref(status), 1) == pid}}
    if held + len(dead) >= len(children):
        break
    time.sleep(0.1)
print("held:", held, "stopped:", len(dead))
for pid in children:
    libc.kill(pid, 9)
"""


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory):
    course = tmp_path_factory.mktemp("course")
    sandbox = Sandbox(("aimed.notebooks.helpers",), [course])
    yield sandbox
    sandbox.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "submitted").mkdir()
    return tmp_path / "submitted"


def _run(box: Sandbox, folder: Path, *cells: str, timeout: float = 20) -> tuple[Report, list]:
    plan = [{"run": n, "code": code} for n, code in enumerate(cells)]
    report = Report(box.run(folder, plan, timeout))
    printed = [
        "".join(o.get("text", "") + o.get("evalue", "") for o in report.cells[n]["outputs"])
        if n in report.cells
        else None
        for n in range(len(cells))
    ]
    return report, printed


def _our_groups() -> list[Path]:
    where = cgroups.host()
    folders = {where.memory, where.pids} - {None}
    return [p for f in folders for p in f.glob(f"{cgroups.PREFIX}{os.getpid()}-*")]


@pytest.mark.slow
@needs_cgroups
def test_several_big_processes_meet_one_cap_for_the_whole_submission(box, folder) -> None:
    hog = HOG.format(count=4, mb=800)
    report, printed = _run(box, folder, "answer = 1\nprint('before')", hog, "2", timeout=90)
    assert printed[0] == "before\n"
    notes = " ".join(report.notes)
    assert f"more than {box.limits.total_memory_mb} MB" in notes, report.notes
    # 4 x 800 MB do not fit in the cap: the kernel stopped some of them, not the notebook
    assert printed[1].startswith("held: ") and int(printed[1].split()[3]) >= 2, printed[1]
    assert printed[2] is not None and report.status == "done"
    assert _our_groups() == []  # removed once the submission ended
    again, printed = _run(box, folder, "print('next learner')")
    assert again.status == "done" and printed == ["next learner\n"] and again.notes == []


@pytest.mark.slow
@needs_cgroups
def test_a_fork_bomb_meets_the_process_cap(box, folder) -> None:
    bomb = (
        "import ctypes\nlibc = ctypes.CDLL(None)\nmade = 0\n"
        "for _ in range(200):\n"
        "    pid = libc.fork()\n"
        "    if pid == 0:\n        libc.sleep(20)\n        libc._exit(0)\n"
        "    made += pid > 0\n"
        "print('made', made)\n"
    )
    report, printed = _run(box, folder, bomb)
    made = int(printed[0].split()[1])
    assert 0 < made <= box.limits.processes
    assert report.status == "done"
    assert _our_groups() == []


FORGE = """
import ctypes, os, json
libc = ctypes.CDLL(None)
lines = b"".join(
    (json.dumps({{"cell": n, "outputs": [], "timed_out": False, "count": 1}}) + "\\n").encode()
    for n in range({cells})
) + b'{{"done": true}}\\n'
for fd in range(3, 64):
    try:
        os.write(fd, lines)
    except OSError:
        pass
libc._exit({code})
"""


@pytest.mark.slow
@pytest.mark.parametrize(("cells", "code"), [(3, 3), (3, 137), (0, 0)])
def test_a_forged_done_then_an_abrupt_exit_is_a_crash(box, folder, cells, code) -> None:
    forge = FORGE.format(cells=cells, code=code)
    report, _ = _run(box, folder, "x = 1", forge, "print('never')")
    assert report.status == "crashed", (report.status, report.reason)


@pytest.mark.slow
def test_deeply_nested_output_is_a_note_not_a_failure(box, folder) -> None:
    nested = (
        "from IPython.display import display\n"
        "deep = []\nfor _ in range(5000):\n    deep = [deep]\n"
        "display({'application/json': {'x': deep}, 'text/plain': 'deep'}, raw=True)\n"
        "answer = 2\n"
    )
    report, printed = _run(box, folder, nested, "print(answer)")
    assert report.status == "done"
    assert printed[1] == "2\n"


@pytest.mark.slow
def test_a_file_name_utf8_cannot_hold_is_shown_with_a_replacement_character(box, folder) -> None:
    (folder / "notes.txt").write_text("mine")
    cell = "import os\nname = os.fsdecode(b'r\\xe9sum\\xe9.txt')\nprint(name)\nname\n"
    report, printed = _run(box, folder, cell, "print('after')")
    assert report.status == "done"
    assert printed == ["r\ufffdsum\ufffd.txt\n", "after\n"]
    json.dumps(report.cells, ensure_ascii=False).encode("utf-8")  # writable as UTF-8


def test_report_lines_are_bounded_and_every_error_becomes_a_note() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    lines = [
        '{"start": 0}',
        '{"cell": 0, "outputs": [{"output_type": "stream", "name": "stdout", "text": "ok"}]}',
        '{"cell": 1, "outputs": ' + deep + "}",
        '{"cell": 2, "outputs": [' + "[" * 20 + "]" * 20 + "]}",
        "not json at all \udcff",
        '{"snapshot": 3, "values": {"answer": "a\\udcffb"}}',
        '{"done": true}',
    ]
    report = Report({"status": "done", "lines": lines})
    assert report.cells[0]["outputs"][0]["text"] == "ok"
    assert 1 not in report.cells and 2 not in report.cells
    assert report.values[3] == {"answer": "a\ufffdb"}
    assert any("3 line(s)" in note for note in report.notes), report.notes


def test_strings_from_the_sandbox_are_made_writable_as_utf8() -> None:
    value = bounded({"k\udc80": ["x\ud800", {"y": "\udfff"}]})
    assert value == {"k\ufffd": ["x\ufffd", {"y": "\ufffd"}]}
    assert readable("plain é") == "plain é"
    with pytest.raises(ValueError, match="nested"):
        bounded({"a": [[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]})


@pytest.mark.slow
def test_the_answer_keys_are_not_in_the_sandbox(box, folder) -> None:
    probe = (
        "try:\n    import aimed.trainer.keys.generative_ai\n    print('imported')\n"
        "except ImportError as error:\n    print(type(error).__name__)\n"
        "import aimed.notebooks.generative_ai as shown\nprint(hasattr(shown, 'pooled_rates'))\n"
    )
    report, printed = _run(box, folder, probe)
    assert printed == ["ModuleNotFoundError\nFalse\n"], printed


def test_without_cgroups_the_run_says_so_and_keeps_two_workers(monkeypatch, capsys) -> None:
    monkeypatch.setattr(cgroups, "_HOST", [cgroups.Host(0, why="no delegation for this account")])
    assert cgroups.workers_allowed(1)[0] == 1
    assert cgroups.say_if_uncapped(8) == 2
    line = capsys.readouterr().err
    assert "no memory cap per submission on this machine (no delegation" in line
    assert "2 worker(s)" in line and "exercises/README.md" in line
    assert Sandbox((), [])._group() is None  # per-process limits only, as the line said


@needs_cgroups
def test_a_group_is_made_with_its_caps_and_removed() -> None:
    group = cgroups.Group(cgroups.host(), 256 * 1024 * 1024, 7)
    try:
        where = cgroups.host()
        limit = "memory.max" if where.version == 2 else "memory.limit_in_bytes"
        assert int((group.memory / limit).read_text()) == 256 * 1024 * 1024
        assert (group.pids / "pids.max").read_text().strip() == "7"
        assert not group.out_of_memory()
    finally:
        group.remove()
    assert not group.memory.exists() and not group.pids.exists()


def test_a_notebook_holding_text_utf8_cannot_hold_is_repaired_not_failed() -> None:
    from aimed.trainer.intake import normalise

    cell = {"cell_type": "code", "id": "a1", "metadata": {}, "outputs": []}
    cell |= {"execution_count": None, "source": "name = 'r\udce9sum\udce9.txt'"}
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    repaired, notes, changed = normalise(json.dumps(nb).encode(), None)
    assert changed and notes == ["characters UTF-8 cannot hold replaced with \ufffd"]
    assert repaired["cells"][0]["source"] == "name = 'r\ufffdsum\ufffd.txt'"
    json.dumps(repaired, ensure_ascii=False).encode("utf-8")  # nbgrader can write it
