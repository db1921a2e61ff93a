"""Graded notebooks for a cohort on JupyterHub (deploy/README.md, section 3).

- ``aimed.hub.run`` writes a hub's configuration (local accounts, nbgrader's exchange, the
  exercise extension in every learner's server) and starts and stops it on loopback: the
  tests (tests/hub/) use it; deploy/jupyterhub/ holds the production example.

Needs the ``hub`` extra (jupyterhub, jupyterhub-ltiauthenticator) and Node's
configurable-http-proxy (``make hub-proxy``).
"""

from aimed.settings import JUPYTERLAB_OFFLINE, NBGRADER_TRAINER_TOOLS, without_nbgrader

# What every learner's server on a hub runs with (deploy/jupyterhub/jupyterhub_config.py and
# aimed.hub.run): a JupyterLab that asks no other host, and none of nbgrader's trainer tools
# (the formgrader, the course list), which trainers reach in their grading service.
LEARNER_SERVER_ARGS = (*JUPYTERLAB_OFFLINE, *without_nbgrader(*NBGRADER_TRAINER_TOOLS))
