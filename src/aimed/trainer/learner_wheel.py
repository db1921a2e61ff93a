"""The core package as a wheel for the exercise zips: engines, data and texts, nothing else.

A learner with Python alone installs it from the zip. It is written here rather than by a
build backend because it differs from the project's own wheel on purpose: the trainer's
command and the exercise server (``aimed.trainer``, ``aimed.lab``) are left out and only the
core's dependencies are declared (no extras), so ``pip install`` never pulls a surface's
libraries. It needs no backend and no network, and the same sources give the same bytes
(sorted entries, fixed timestamps), so the zips stay reproducible. Format: the wheel
specification (PEP 427), RECORD hashes (PEP 376), core metadata 2.1.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
import zipfile
from pathlib import Path

import aimed
from aimed.trainer.course import TrainerError

PACKAGE = "aimed"
# what a learner's notebook never needs: the trainer, the exercise server, the other servers,
# the `aimed` command with its settings, and (in an installed platform wheel) the sandbox, the
# site's machinery and the shipped course
LEFT_OUT = ("trainer", "lab", "servers", "cli.py", "settings.py", "sandbox", "site", "_course")
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
TAG = "py3-none-any"


def project_root() -> Path:
    """The source tree this ``aimed`` comes from (an editable install of the repository), or,
    installed from the platform's wheel, the course it ships with the project's pyproject.toml
    (the core's files are then the installed package's own: see :func:`package_dir`)."""
    root = Path(aimed.__file__).resolve().parents[2]
    shipped = Path(aimed.__file__).resolve().parent / "_course"
    if not (root / "pyproject.toml").is_file() or not (root / "src" / PACKAGE).is_dir():
        if (shipped / "pyproject.toml").is_file():
            return shipped
        raise TrainerError(
            f"aimed is installed from {Path(aimed.__file__).parent}, not from its source tree: "
            "release from a checkout of the course repository (make downloads)"
        )
    return root


def project_settings(root: Path) -> dict:
    """``[project]`` of pyproject.toml, with the core's package-data patterns added."""
    with (root / "pyproject.toml").open("rb") as handle:
        settings = tomllib.load(handle)
    project = settings["project"]
    project["package_data"] = settings["tool"]["setuptools"]["package-data"][PACKAGE]
    return project


def package_dir(root: Path) -> Path:
    """The core's files: ``src/aimed`` of a source tree, else the installed package."""
    source = root / "src" / PACKAGE
    return source if source.is_dir() else Path(aimed.__file__).resolve().parent


def core_files(root: Path) -> list[tuple[str, Path]]:
    """``(path in the wheel, file)`` of every module and data file of the core, sorted."""
    package = package_dir(root)
    found = {p for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    for pattern in project_settings(root)["package_data"]:
        found |= set(package.glob(pattern))
    files = [
        (f"{PACKAGE}/{path.relative_to(package).as_posix()}", path)
        for path in found
        if path.is_file() and path.relative_to(package).parts[0] not in LEFT_OUT
    ]
    return sorted(files)


def python_versions(requires: str) -> list[str]:
    """The minor versions a ``>=3.A,<3.B`` requirement allows, e.g. ``['3.11', '3.12']``."""
    low = re.search(r">=\s*3\.(\d+)", requires)
    high = re.search(r"<\s*3\.(\d+)", requires)
    if low is None or high is None:
        raise TrainerError(f"requires-python {requires!r} is not of the form >=3.A,<3.B")
    return [f"3.{minor}" for minor in range(int(low.group(1)), int(high.group(1)))]


def supported_pythons(root: Path | None = None) -> list[str]:
    """The Python versions a learner may install the wheel on, for the read-me."""
    return python_versions(project_settings(root or project_root())["requires-python"])


def metadata(root: Path) -> str:
    project = project_settings(root)
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"License: {project['license']['text']}",
        f"Requires-Python: {project['requires-python']}",
        *(f"Requires-Dist: {requirement}" for requirement in project["dependencies"]),
    ]
    return "\n".join(lines) + "\n"


def wheel_name(root: Path) -> str:
    project = project_settings(root)
    return f"{project['name']}-{project['version']}-{TAG}.whl"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_core_wheel(target_dir: Path, root: Path | None = None) -> Path:
    """Write ``aimed-<version>-py3-none-any.whl`` into ``target_dir``; return its path."""
    root = root or project_root()
    project = project_settings(root)
    info = f"{project['name']}-{project['version']}.dist-info"
    entries = [(name, path.read_bytes()) for name, path in core_files(root)]
    entries += [
        (f"{info}/METADATA", metadata(root).encode("utf-8")),
        (
            f"{info}/WHEEL",
            (
                "Wheel-Version: 1.0\nGenerator: aimed.trainer.learner_wheel\n"
                f"Root-Is-Purelib: true\nTag: {TAG}\n"
            ).encode(),
        ),
        (f"{info}/top_level.txt", f"{PACKAGE}\n".encode()),
    ]
    record = [_record_line(name, data) for name, data in entries] + [f"{info}/RECORD,,"]
    entries.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / wheel_name(root)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries:
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return target
