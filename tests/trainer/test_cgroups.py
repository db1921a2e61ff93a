"""Which control groups a grading run uses, read from the kernel's two files on each kind of host.

``cgroups.find_host`` decides from a process's ``/proc/<pid>/cgroup`` and ``mountinfo`` and
the control-group folders under a root. These machines are hybrid (version 1 holds the memory
and pids controllers; the version 2 hierarchy has only ``hugetlb``, and no private mount can
give it more while version 1 holds them), so a version 2 host's grading is never run here: its
selection is checked on a folder tree laid out as the kernel lays it out, with the files as a
version 2 host writes them. The version 1 caps themselves run for real in
``test_caps_and_report.py`` and the hostile cohort.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from aimed.trainer import cgroups

# Captured on this machine (a Firecracker VM, kernel 6.18, systemd's hybrid layout), as root.
HYBRID_CGROUP = """\
9:name=systemd:/
8:pids:/
7:blkio:/
6:freezer:/
5:devices:/
4:memory:/process_api/ad4c2dc51bcc6474c6074a6f7005cb84
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
"""
HYBRID_MOUNTINFO = """\
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
# A version 2 host as systemd (since v247, Debian 12, Ubuntu 22.04 and later) sets it up: one
# unified hierarchy on /sys/fs/cgroup, the grader started by
# `systemd-run --scope -p Delegate=yes aimed-trainer autograde` in a scope of its own.
V2_CGROUP = "0::/system.slice/run-r3c1f.scope\n"
V2_MOUNTINFO = """\
28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 \
rw,nsdelegate,memory_recursiveprot
36 24 0:31 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:10 - pstore pstore rw
"""
SCOPE = "system.slice/run-r3c1f.scope"


def _moved(text: str, root: Path) -> str:
    """The captured text with /sys/fs/cgroup moved to ``root`` (a folder of the test's)."""
    return text.replace("/sys/fs/cgroup", str(root))


def _group(folder: Path, controllers: str, enabled: str = "", procs: str = "") -> Path:
    """A version 2 group's folder with the files the selection reads."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cgroup.controllers").write_text(controllers + "\n")
    (folder / "cgroup.subtree_control").write_text(enabled + "\n")
    (folder / "cgroup.procs").write_text(procs)
    return folder


@pytest.fixture
def kernel_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Writes to the tree follow version 2's rule: a group holding a process cannot give
    its children controllers (EBUSY), and writing a pid to ``cgroup.procs`` moves it."""
    monkeypatch.setattr(cgroups, "_HOMES", [])

    def write(path: Path, value: object) -> None:
        if path.name == "cgroup.subtree_control":
            if (path.parent / "cgroup.procs").read_text().split():
                raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(path))
            path.write_text(" ".join(w.lstrip("+") for w in str(value).split()) + "\n")
        elif path.name == "cgroup.procs":
            for procs in tmp_path.rglob("cgroup.procs"):
                procs.write_text(
                    "".join(f"{p}\n" for p in procs.read_text().split() if p != str(value))
                )
            path.write_text(f"{value}\n")
        else:
            path.write_text(f"{value}\n")

    monkeypatch.setattr(cgroups, "_write", write)


def test_the_two_files_are_read_as_the_kernel_writes_them() -> None:
    assert cgroups.own_paths(HYBRID_CGROUP) == {
        "name=systemd": "/",
        "pids": "/",
        "blkio": "/",
        "freezer": "/",
        "devices": "/",
        "memory": "/process_api/ad4c2dc51bcc6474c6074a6f7005cb84",
        "cpuset": "/",
        "cpuacct": "/",
        "cpu": "/",
        "": "/",
    }
    assert cgroups.own_paths(V2_CGROUP) == {"": f"/{SCOPE}"}
    assert cgroups.own_paths("garbage\n\n") == {}
    assert ("/sys/fs/cgroup", "cgroup2") in cgroups.mounts(V2_MOUNTINFO)  # after shared:9
    assert ("/sys/fs/cgroup/unified", "cgroup2") in cgroups.mounts(HYBRID_MOUNTINFO)
    assert ("/sys/fs/cgroup/memory", "cgroup") in cgroups.mounts(HYBRID_MOUNTINFO)
    assert cgroups.mounts("27 1 254:0 /\nnot a line - \n") == set()


def test_a_hybrid_host_like_this_one_uses_version_1(tmp_path: Path) -> None:
    own = tmp_path / "memory" / "process_api" / "ad4c2dc51bcc6474c6074a6f7005cb84"
    own.mkdir(parents=True)
    (tmp_path / "pids").mkdir()
    _group(tmp_path / "unified", "hugetlb")  # version 2 without memory and pids
    found = cgroups.find_host(HYBRID_CGROUP, _moved(HYBRID_MOUNTINFO, tmp_path), tmp_path)
    assert found == cgroups.Host(1, own, tmp_path / "pids")


def test_a_version_2_host_with_its_controllers_uses_version_2(tmp_path: Path, kernel_rule) -> None:
    _group(tmp_path, "cpuset cpu io memory hugetlb pids rdma misc", "cpu memory pids")
    scope = _group(tmp_path / SCOPE, "cpu memory pids")
    found = cgroups.find_host(V2_CGROUP, _moved(V2_MOUNTINFO, tmp_path), tmp_path)
    assert found == cgroups.Host(2, scope, scope)
    assert (scope / "cgroup.subtree_control").read_text().split() == ["memory", "pids"]


def test_a_grader_alone_in_its_group_moves_into_a_leaf_first(tmp_path: Path, kernel_rule) -> None:
    scope = _group(tmp_path / SCOPE, "cpu memory pids", procs=f"{os.getpid()}\n")
    found = cgroups.find_host(V2_CGROUP, _moved(V2_MOUNTINFO, tmp_path), tmp_path)
    assert found == cgroups.Host(2, scope, scope)
    home = scope / f"{cgroups.PREFIX}{os.getpid()}-sandboxes"
    assert (home / "cgroup.procs").read_text().split() == [str(os.getpid())]
    assert (scope / "cgroup.procs").read_text() == ""
    assert (scope / "cgroup.subtree_control").read_text().split() == ["memory", "pids"]


def test_a_group_shared_with_a_login_shell_falls_back_and_says_why(
    tmp_path: Path, kernel_rule
) -> None:
    scope = _group(tmp_path / SCOPE, "cpu memory pids", procs=f"1234\n{os.getpid()}\n")
    found = cgroups.find_host(V2_CGROUP, _moved(V2_MOUNTINFO, tmp_path), tmp_path)
    assert found.version == 0
    assert found.why.startswith(f"cgroup v2 controllers not delegated to {scope}")
    assert "busy" in found.why.lower()


def test_version_2_without_memory_or_pids_and_no_version_1_says_why(tmp_path: Path) -> None:
    _group(tmp_path / SCOPE, "cpu io")  # a user session: only cpu and io delegated
    found = cgroups.find_host(V2_CGROUP, _moved(V2_MOUNTINFO, tmp_path), tmp_path)
    assert found == cgroups.Host(0, why="no cgroup memory and pids controllers")


def test_no_cgroup_file_system_at_all_says_why(tmp_path: Path) -> None:
    found = cgroups.find_host("", "", tmp_path)  # a container that hides /proc and /sys
    assert found.version == 0 and found.why


def test_a_worker_takes_the_graders_choice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cgroups.INHERITED, f"2\n{tmp_path}\n{tmp_path}")
    assert cgroups._inherited() == cgroups.Host(2, tmp_path, tmp_path)
    monkeypatch.setenv(cgroups.INHERITED, f"2\n{tmp_path / 'gone'}\n{tmp_path}")
    assert cgroups._inherited() is None  # a stale value: the worker looks for itself
    monkeypatch.setenv(cgroups.INHERITED, "nonsense")
    assert cgroups._inherited() is None
