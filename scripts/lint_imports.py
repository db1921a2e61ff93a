"""Check the dependency rules of pyproject.toml [tool.importlinter] on the whole `aimed` package.

`lint-imports` alone sees only src/aimed: its graph builder walks the folder of the root
package, and the surfaces that live in top-level folders (sandbox/ is aimed.sandbox, site/
is aimed.site, through [tool.setuptools.package-dir]) would be left out, together with any
import of them. This runs import-linter with a graph that holds them too: grimp's graph of
src/aimed, plus every module of the mapped folders and every import from or to them, read
from the source (imports inside functions and under TYPE_CHECKING included, as grimp does).

Usage: python scripts/lint_imports.py [lint-imports options]   (make lint runs it)
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import grimp
from importlinter import cli
from importlinter.adapters.building import GraphBuilder
from importlinter.application.app_config import settings

ROOT = Path(__file__).resolve().parents[1]


def mapped_packages(root_package: str) -> dict[str, Path]:
    """Subpackages of ``root_package`` that grimp does not walk into: those pyproject.toml maps
    to a folder of their own, and those of its package list with no ``__init__.py``."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        setuptools = tomllib.load(handle)["tool"]["setuptools"]
    mapping = setuptools.get("package-dir", {})
    found = {
        name: ROOT / folder
        for name, folder in mapping.items()
        if name.startswith(f"{root_package}.") and isinstance(folder, str)
    }
    base = ROOT / mapping.get("", ".")
    for name in setuptools.get("packages", []):
        folder = base.joinpath(*name.split("."))
        inside = any(name.startswith(f"{known}.") for known in found)
        namespace = folder.is_dir() and not (folder / "__init__.py").exists()
        if name.startswith(f"{root_package}.") and not inside and namespace:
            found[name] = folder
    return found


def modules_in(package: str, folder: Path) -> Iterator[tuple[str, Path]]:
    """Each module of a package folder (a package's own name for its __init__.py).

    A file whose name is not an identifier (a Streamlit page, ``scenarios/10_test_result.py``)
    is run, never imported; it is checked all the same, as ``page_10_test_result``.
    """
    for path in sorted(folder.rglob("*.py")):
        parts = list(path.relative_to(folder).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        named = [p if p.isidentifier() else "page_" + re.sub(r"\W", "_", p) for p in parts]
        yield ".".join((package, *named)), path


def imports_of(module: str, path: Path, is_package: bool) -> Iterator[tuple[str, int, str]]:
    """(imported name, line, line text) for every import statement of one file."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    here = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.rsplit(".", node.level - 1)[0] if node.level > 1 else here
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
        else:
            continue
        for name in names:
            yield name, node.lineno, lines[node.lineno - 1].strip()


def nearest(name: str, modules: set[str]) -> str | None:
    """The module ``name`` refers to: itself, or its closest ancestor in the graph."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


class MappedGraphBuilder(GraphBuilder):
    """grimp's graph of the root packages, plus their subpackages mapped to other folders."""

    def build(self, root_package_names, cache_dir, *args, **kwargs) -> grimp.ImportGraph:
        graph = super().build(root_package_names, cache_dir, *args, **kwargs)
        mapped: dict[str, tuple[Path, bool]] = {}
        for root in root_package_names:
            for package, folder in mapped_packages(root).items():
                graph.add_module(package)
                for module, path in modules_in(package, folder):
                    mapped[module] = (path, path.name == "__init__.py")
        for module in mapped:
            graph.add_module(module)
        modules = set(graph.modules)
        prefixes = tuple(f"{package}." for package in mapped) + tuple(mapped)
        sources = dict(mapped)
        for module in modules - set(mapped):  # imports grimp could not place: into the mapped
            spec = importlib.util.find_spec(module)
            if spec and spec.origin and spec.origin.endswith(".py"):
                sources[module] = (Path(spec.origin), spec.origin.endswith("__init__.py"))
        for module, (path, is_package) in sources.items():
            for name, line, text in imports_of(module, path, is_package):
                if module not in mapped and not name.startswith(prefixes):
                    continue  # grimp has it already
                target = nearest(name, modules)
                if target and target != module:
                    graph.add_import(
                        importer=module, imported=target, line_number=line, line_contents=text
                    )
        return graph


def main() -> int:
    settings.configure(GRAPH_BUILDER=MappedGraphBuilder())
    return cli.lint_imports(no_cache=True, no_logo=True, verbose="-v" in sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
