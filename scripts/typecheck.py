"""Type-check the whole `aimed` package with mypy (pyproject.toml [tool.mypy]); make lint runs it.

mypy finds a package by its folders, and this one is spread over three: src/aimed, plus
sandbox/ and site/, mapped in as aimed.sandbox and aimed.site by [tool.setuptools.package-dir]
(an editable install maps them with an import hook that mypy does not run). So mypy reads the
package through build/typecheck/aimed, a folder of links to the real ones, and its messages are
given back with the real paths (sandbox/sandbox_ui.py, not build/typecheck/aimed/sandbox/...).

Usage: python scripts/typecheck.py [mypy options]
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tomllib
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[1]
LINKS = ROOT / "build" / "typecheck"


def package_folders() -> dict[str, Path]:
    """Each folder of the package, by its place in the package (``""`` for the root)."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        mapping = tomllib.load(handle)["tool"]["setuptools"]["package-dir"]
    folders = {"": ROOT / mapping[""] / "aimed"}
    for name, folder in mapping.items():
        if name.startswith("aimed.") and isinstance(folder, str):
            folders[name.removeprefix("aimed.").replace(".", "/")] = ROOT / folder
    return folders


def link_package() -> dict[Path, Path]:
    """Build build/typecheck/aimed; return each link's path and the folder it stands for."""
    folders = package_folders()
    package = LINKS / "aimed"
    package.mkdir(parents=True, exist_ok=True)
    wanted: dict[Path, Path] = {}
    for entry in folders[""].iterdir():
        if entry.name != "__pycache__":
            wanted[package / entry.name] = entry
    for place, folder in folders.items():
        if place:
            wanted[package / place] = folder
    for link in package.iterdir():
        if link not in wanted:
            link.unlink()  # a module removed or renamed since the last run
    for link, target in wanted.items():
        if link.is_symlink() and link.resolve() == target.resolve():
            continue
        if link.is_symlink():
            link.unlink()
        link.symlink_to(target)
    return wanted


def real_paths(text: str, links: dict[Path, Path]) -> str:
    """mypy's messages with the linked paths written as the project's own."""
    for link, target in sorted(links.items(), key=lambda item: -len(str(item[0]))):
        shown = os.path.relpath(link, ROOT)
        text = text.replace(shown + "/", os.path.relpath(target, ROOT) + "/")
        text = text.replace(shown + ":", os.path.relpath(target, ROOT) + ":")
    return text


def main(argv: list[str]) -> int:
    links = link_package()
    os.chdir(ROOT)
    os.environ["MYPYPATH"] = os.path.relpath(LINKS, ROOT)
    # one cache per configuration: mypy's cache can keep a module's old "ignore_errors" result
    # after the module leaves that list
    with (ROOT / "pyproject.toml").open("rb") as handle:
        settings = json.dumps(tomllib.load(handle)["tool"]["mypy"], sort_keys=True) + str(argv)
    cache = f"build/mypy_cache/{hashlib.sha256(settings.encode()).hexdigest()[:12]}"
    stdout, stderr, status = api.run(
        ["--config-file", "pyproject.toml", "--cache-dir", cache, "-p", "aimed"] + argv
    )
    sys.stdout.write(real_paths(stdout, links))
    sys.stderr.write(real_paths(stderr, links))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
