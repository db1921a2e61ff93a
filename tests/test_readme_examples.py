"""Every Python example in README.md runs as written (the README is the API's first page).

Examples of one ``##`` section run in order in one namespace, since later ones reuse
earlier results (``ev``, ``model``). The example that grades a whole synthetic cohort is
left to tests/test_trainer_hostile.py, which grades the same cohort and checks its scores.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^(\s*)```python\n(.*?)^\s*```", re.MULTILINE | re.DOTALL)
LEFT_TO_OTHER_TESTS = "autograde_all("


def _sections() -> dict[str, list[tuple[int, str]]]:
    text = README.read_text(encoding="utf-8")
    sections: dict[str, list[tuple[int, str]]] = {}
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        heading = re.findall(r"^## (.+)$", text[: match.start()], re.MULTILINE)[-1]
        indent = len(match.group(1).replace("\n", ""))
        code = "\n".join(x[indent:] for x in match.group(2).splitlines())
        sections.setdefault(heading, []).append((line, code))
    return sections


SECTIONS = _sections()


def test_readme_has_examples_for_every_engine_section() -> None:
    engine_sections = [name for name in SECTIONS if name.startswith("Sandbox engines")]
    assert len(engine_sections) == 2
    assert sum(len(blocks) for blocks in SECTIONS.values()) >= 20


@pytest.mark.parametrize("section", list(SECTIONS))
def test_readme_examples_of_a_section_run(section: str) -> None:
    namespace: dict[str, object] = {"__name__": "readme_example"}
    for line, code in SECTIONS[section]:
        if LEFT_TO_OTHER_TESTS in code:
            continue
        exec(compile(code, f"README.md:{line}", "exec"), namespace)
