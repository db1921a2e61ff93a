"""Graded notebooks for a cohort on JupyterHub (deploy/README.md, section 3).

- ``aimed.hub.run`` writes a hub's configuration (local accounts, nbgrader's exchange, the
  exercise extension in every learner's server) and starts and stops it on loopback: the
  tests (tests/hub/) use it; deploy/jupyterhub/ holds the production example.

Needs the ``hub`` extra (jupyterhub, jupyterhub-ltiauthenticator) and Node's
configurable-http-proxy (``make hub-proxy``).
"""
