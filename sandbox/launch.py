"""Start the sandbox with its engines already loaded, so the first visitor does not wait.

Streamlit runs every page in this process: importing scikit-learn, pandas and Altair and
reading the evidence files here, before the server opens, turns the first page from several
seconds into the time of a rerun. Usage is Streamlit's own: ``python launch.py run app.py
[options]`` (``aimed.servers.sandbox`` builds the command).
"""

from __future__ import annotations

import sys


def warm() -> None:
    import altair  # noqa: F401
    import pandas  # noqa: F401
    import sklearn.ensemble  # noqa: F401
    import sklearn.inspection  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    import aimed.engines.models  # noqa: F401
    from aimed.engines.chest_pain import default_evidence
    from aimed.engines.model_scenarios import warm_shortcut
    from aimed.texts.guard import check_free_text
    from aimed.texts.lay_text import read_lay_text

    default_evidence()
    check_free_text("warm-up")
    read_lay_text("chest pain")
    warm_shortcut()  # the one page whose opening settings train for more than a second


if __name__ == "__main__":
    warm()
    from streamlit.web.cli import main

    sys.argv[0] = "streamlit"
    sys.exit(main())
