"""The trainer's side of the graded exercises: release, collect, grade, feedback, reports, guide.

Every step works on an nbgrader course folder (``exercises/`` in this repository, or any
copy of it) and is reachable from the ``aimed-trainer`` command (``cli.py``).
"""
