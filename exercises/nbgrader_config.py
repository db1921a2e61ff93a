"""nbgrader settings for the course; every trainer command reads this file.

The gradebook is a SQLite file beside this one unless AIMED_GRADEBOOK_URL names
another database (PostgreSQL on a shared JupyterHub, for instance).
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

c = get_config()  # noqa: F821  (injected by nbgrader)

c.CourseDirectory.root = str(HERE)
c.CourseDirectory.course_id = "ai-in-medicine"
c.CourseDirectory.db_url = os.environ.get(
    "AIMED_GRADEBOOK_URL", f"sqlite:///{HERE / 'gradebook.db'}"
)

# Every assignment opens with the same header notebook.
c.IncludeHeaderFooter.header = str(HERE / "source" / "header.ipynb")

# What a learner sees where a solution was removed.
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A submission that loops forever is interrupted and still graded.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# Outputs are collected when the last cell ends: kill the kernel rather than wait for a
# graceful shutdown (about 0.3 s per notebook, a third of the grading budget).
c.Execute.shutdown_kernel = "immediate"

# Grading kernels run with a guard that keeps learner code inside its submission folder
# (aimed/trainer/jail.py); a deleted test cell is put back before grading.
c.Execute.extra_arguments = [
    "--HistoryManager.hist_file=:memory:",
    "--IPKernelApp.log_level=ERROR",
    "--IPKernelApp.exec_lines=['import aimed.trainer.jail as _jail; _jail.install(); del _jail']",
]
c.OverwriteCells.add_missing_cells = True

# Feedback never shows hidden tests or what their failure would reveal (aimed/trainer/feedback.py).
# `aimed-trainer feedback` also removes every script that would load from the web (MathJax).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "aimed.trainer.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
