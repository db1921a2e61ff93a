"""The benchmark's sandbox-latency surface, in its quickest mode, against the test sandbox.

Speed is measured by ``make bench``, never asserted here: this checks that the surface runs
in Chromium, times every sandbox page and reports each one with numbers against the budget.
It is the benchmark's own test, left out of the default run (tests/conftest.py); run it with
``.venv/bin/python -m pytest --bench -m bench``.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aimed.sandbox import sandbox_ui
from aimed.texts.i18n import t

pytestmark = [pytest.mark.bench, pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SECONDS = r"\d+\.\d\d s"
UNTIMED = {"page open", "start to ready", "first visit after start"}  # not interactions


def test_latency_surface_reports_every_page_with_numbers(sandbox_url: str, tmp_path: Path) -> None:
    out, waits = tmp_path / "bench.json", tmp_path / "latency.csv"
    command = [sys.executable, "scripts/bench.py", "--only", "sandbox-latency", "--moves", "2"]
    command += ["--cold", "home", "--url", sandbox_url, "--out", str(out)]
    command += ["--latency-csv", str(waits)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=540)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    names = [
        t(f"{sandbox_ui.page_namespace(p)}.nav_title", "en") for p in sandbox_ui.discovered_pages()
    ]
    assert len(names) >= 8
    lines = done.stdout.splitlines()
    for name in names:
        row = rf"^{re.escape(name)}\s+2 \(.+\)\s+{SECONDS}\s+{SECONDS}\s+p95 under 1 s\s+(yes|NO)$"
        assert [line for line in lines if re.match(row, line)], (name, done.stdout[-3000:])
    first = rf"^Home\s+first visit after start\s+{SECONDS}\s+under 3 s\s+(yes|NO)$"
    assert [line for line in lines if re.match(first, line)], done.stdout[-3000:]

    figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
    latency = {f["name"]: f for f in figures if f["surface"] == "sandbox-latency"}
    for name in names:
        p95 = latency[f"{name}: p95"]
        assert p95["value"] > 0 and p95["budget"] == 1.0 and p95["within_budget"] in (True, False)
    assert latency["first page after start: Home"]["budget"] == 3.0

    with waits.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for name in names:
        timed = [r for r in rows if r["page"] == name and r["what"] not in UNTIMED]
        assert len(timed) == 2 and all(float(r["seconds"]) > 0 for r in timed), name
