"""ruff is part of the suite, so style drift fails the same way a bug does."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"]
)
def test_ruff_is_clean_on_every_python_file(command: list[str]) -> None:
    """Every Python file the project owns: core, sandbox, site hooks, scripts, tests."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Dependency rules (pyproject.toml [tool.importlinter], scripts/lint_imports.py) ---------


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lint_imports.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_the_dependency_rules_hold() -> None:
    """The core imports no surface, surfaces not each other, engines no notebook, no cycle."""
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "BROKEN" not in result.stdout


def test_the_checked_graph_holds_the_surfaces_mapped_from_top_level_folders() -> None:
    """sandbox/ and site/ are in the graph, pages included, with their imports of the core."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from lint_imports import MappedGraphBuilder
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    graph = MappedGraphBuilder().build(["aimed"], None)
    page = "aimed.sandbox.scenarios.page_60_letter_check"
    assert {"aimed.sandbox.sandbox_ui", "aimed.site.figures", page} <= set(graph.modules)
    assert "aimed.engines.letter_check" in graph.find_modules_directly_imported_by(page)
    assert "aimed.texts.i18n" in graph.find_modules_directly_imported_by("aimed.sandbox.sandbox_ui")


def test_a_core_module_importing_a_surface_breaks_the_rules(tmp_path: Path) -> None:
    """The check can fail: the same contracts on a graph where an engine imports a page helper."""
    script = tmp_path / "broken.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'scripts')!r})\n"
        "import lint_imports\n"
        "class Broken(lint_imports.MappedGraphBuilder):\n"
        "    def build(self, *args, **kwargs):\n"
        "        graph = super().build(*args, **kwargs)\n"
        "        graph.add_import(\n"
        "            importer='aimed.engines.bayes', imported='aimed.sandbox.sandbox_ui'\n"
        "        )\n"
        "        return graph\n"
        "lint_imports.MappedGraphBuilder = Broken\n"
        "sys.exit(lint_imports.main())\n"
    )
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "imports no surface BROKEN" in " ".join(result.stdout.split())
    assert "aimed.engines.bayes -> aimed.sandbox.sandbox_ui" in result.stdout


# --- Types (pyproject.toml [tool.mypy], scripts/typecheck.py) --------------------------------

CORE = ("aimed.engines", "aimed.texts", "aimed.notebooks", "aimed.validation")


@pytest.mark.slow
def test_the_package_type_checks() -> None:
    """mypy on src/aimed, sandbox/ and site/ together, as `make lint` runs it."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "typecheck.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_the_core_is_never_excused_from_type_checking() -> None:
    """Modules still excused (ignore_errors) are surfaces, listed by name; never the core."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        overrides = tomllib.load(handle)["tool"]["mypy"]["overrides"]
    excused = [m for o in overrides if o.get("ignore_errors") for m in o["module"]]
    assert not [m for m in excused if m.startswith(CORE)]


def test_no_library_left_out_of_type_checking_is_imported_by_the_package() -> None:
    """Libraries mypy skips (follow_imports = "skip") are reached only through others'
    signatures: an import of one in the package would go unchecked, so none may appear."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        overrides = tomllib.load(handle)["tool"]["mypy"]["overrides"]
    skipped = {
        m.removesuffix(".*")
        for o in overrides
        if o.get("follow_imports") == "skip"
        for m in o["module"]
    }
    assert skipped, "the list this test guards"
    pattern = re.compile(rf"^\s*(?:import|from)\s+({'|'.join(map(re.escape, skipped))})\b", re.M)
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for folder in (ROOT / "src" / "aimed", ROOT / "sandbox", ROOT / "site")
        for path in folder.rglob("*.py")
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_every_type_ignore_names_its_error_and_says_why() -> None:
    """`# type: ignore[code]  # reason`: a bare ignore would hide any error on the line."""
    folders = [ROOT / "src" / "aimed", ROOT / "sandbox", ROOT / "site"]
    bare = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in folders
        for path in folder.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "# type: ignore" in line and not re.search(r"# type: ignore\[[\w, -]+\]\s+#\s*\S", line)
    ]
    assert not bare, "\n".join(bare)


def test_no_module_imports_a_private_name_from_another() -> None:
    """A name shared between modules is public (no leading underscore): `bayes._Given` was
    imported by three modules before it became `aimed.validation.Given`."""
    folders = [ROOT / "src" / "aimed", ROOT / "sandbox", ROOT / "site", ROOT / "tests"]
    private = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}.{alias.name}"
        for folder in folders
        for path in folder.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aimed")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert not private, "\n".join(private)
