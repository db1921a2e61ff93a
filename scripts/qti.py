"""Every quiz of the course as QTI packages, for Canvas, Blackboard and other QTI platforms.

One package per page with quizzes and per language, in both QTI 1.2 (Canvas, Blackboard)
and QTI 2.1, written by mkdocs-quiz's own exporter: ``build/qti/<version>/<page>-<lang>.zip``.
The quizzes are read by aimed.site.quizzes (citations as plain labels, stable identifiers
``<page>-<lang>-q<n>``), as for Moodle XML (aimed.site.moodle, ``make moodle``), which is
what Moodle's core import reads.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs_quiz.qti import QTIExporter, QTIVersion

from aimed.site.quizzes import collection
from aimed.site.quizzes import quiz_pages as _quiz_pages

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"

VERSIONS = {"1.2": QTIVersion.V1_2, "2.1": QTIVersion.V2_1}


def quiz_pages():
    """(page name, language, source) of every course page of this checkout that holds a quiz."""
    return _quiz_pages(COURSE)


def export(out_dir: Path) -> list[Path]:
    """Write every package; returns their paths."""
    written = []
    for page in quiz_pages():
        quizzes, _ = collection(page)
        for version, qti in VERSIONS.items():
            target = out_dir / version / f"{page.name}-{page.lang}.zip"
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(QTIExporter.create(quizzes, qti).export_to_zip(target))
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "qti"
    packages = export(out)
    print(f"{len(packages)} QTI packages in {out}")
