"""nbgrader settings for the course; every trainer command reads this file.

The gradebook is a SQLite file beside this one unless AIMED_GRADEBOOK_URL names
another database (PostgreSQL on a shared JupyterHub, for instance).
"""

import os
from pathlib import Path

from aimed.trainer.grading import AUTOGRADE_STEPS

HERE = Path(__file__).resolve().parent

c = get_config()  # noqa: F821  (injected by nbgrader)

c.CourseDirectory.root = str(HERE)
c.CourseDirectory.course_id = "ai-in-medicine"
c.CourseDirectory.db_url = os.environ.get(
    "AIMED_GRADEBOOK_URL", f"sqlite:///{HERE / 'gradebook.db'}"
)

# Every assignment opens with the same header notebook.
c.IncludeHeaderFooter.header = str(HERE / "source" / "header.ipynb")

# What a learner sees where a solution was removed: a comment, not nbgrader's default
# `raise NotImplementedError()`, so "Run All" on a half-done notebook runs every cell (an
# unanswered question gets its check's message; the hidden checks still score it 0).
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Learner code runs behind an operating-system boundary (bubblewrap: its own namespaces,
# no network, a private copy of its folder, resource limits), and the hidden checks run
# outside it, on the answers as plain data (aimed/trainer/execute.py, boundary.py,
# checks.py). This step stands where nbgrader's Execute stood; the rest is nbgrader's.
c.Autograde.autograde_preprocessors = AUTOGRADE_STEPS  # the list `aimed-trainer` enforces
# A cell that loops forever is interrupted after this many seconds; the rest still runs.
c.BoundaryExecute.timeout = 30
# Deleted cells are put back once, by the intake before grading (aimed/trainer/intake.py),
# with a note for the trainer; nbgrader's own add_missing_cells stays off.

# Feedback never shows a hidden test, a solution or a line that matches one, and keeps
# outputs to plain text (aimed/trainer/feedback.py). `aimed-trainer feedback` also checks
# each finished page once more, copies nothing but the page, and removes every script
# that would load from the web (MathJax).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "aimed.trainer.feedback.FeedbackScrubber",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.HTMLExporter.sanitize_html = True
