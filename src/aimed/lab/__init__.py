"""The exercise server: JupyterLab on the learner's own machine, opened from a module page.

A Jupyter server extension, enabled by ``aimed.servers.lab`` (``aimed serve``, ``aimed lab``),
adds three addresses:

- ``/aimed/open/<assignment>`` copies the released notebook into the learner's workspace the
  first time, then opens it in JupyterLab (the learner's copy is never overwritten);
- ``/aimed/reset/<assignment>`` asks first, then puts the released version back and keeps
  the learner's own as a dated backup beside it;
- ``/aimed/check/<assignment>`` ("Check my answers") checks the learner's saved notebook as
  grading does and says, per question, right / not yet / not answered, with a hint; it only
  reads the notebook (``checker.py``; ``AIMED_SELF_CHECK=off`` turns it off).

The core never imports this package; it needs the ``lab`` extra (jupyter_server, jupyterlab).
"""

from __future__ import annotations

from typing import Any


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "aimed.lab"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from aimed.lab.handlers import load

    load(serverapp)
