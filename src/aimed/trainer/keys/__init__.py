"""Answer keys: what the hidden checks compute a graded answer from, never the learner.

The exercises' hidden tests import these modules; the learner's namespace (the locked
setup cells and ``aimed.notebooks``) holds the data and the display helpers only. The
learner's wheel leaves ``aimed.trainer`` out, and the grading sandbox hides this folder.
"""
