"""Plain-Python engines behind the sandbox, the notebooks and the tests.

Nothing in this package imports Streamlit: the pages in ``sandbox/`` only lay
out widgets over these functions, so a notebook or a test gets the same numbers.
"""

__version__ = "0.1.0"
