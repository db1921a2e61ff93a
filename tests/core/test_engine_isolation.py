"""The engines import without Streamlit, so notebooks and tests share them with the sandbox."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
sys.modules["streamlit"] = None  # any `import streamlit` now raises ImportError
import aimed
names = [m.name for m in pkgutil.walk_packages(aimed.__path__, "aimed.")]
for name in names:
    importlib.import_module(name)
assert "streamlit" not in [m for m in sys.modules if sys.modules[m] is not None]
print(len(names) + 1)
"""


def test_scenario_package_imports_with_streamlit_blocked() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 2
