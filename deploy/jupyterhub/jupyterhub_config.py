"""JupyterHub for the course's graded notebooks, with nbgrader's exchange (an example).

Learners log in, fetch an exercise from the Assignments tab, work in their own JupyterLab
and submit; trainers grade in a shared grading server (a JupyterHub service running as the
account ``grader-ai-in-medicine``, whose course folder is this repository's ``exercises/``
copied there). Grades go to the PostgreSQL gradebook named by ``AIMED_GRADEBOOK_URL``.
deploy/README.md gives the commands; JupyterHub's own documentation covers the rest
(authentication with the institution's accounts, TLS, spawners).

Copy to /etc/jupyterhub/jupyterhub_config.py and adapt the user lists.
"""

c = get_config()  # noqa: F821  (injected by JupyterHub)

COURSE = "ai-in-medicine"  # nbgrader's course id: exercises/nbgrader_config.py says the same
GRADER = f"grader-{COURSE}"  # the system account that owns the course folder
GRADEBOOK_URL = "postgresql:///aimed_gradebook?host=/var/run/postgresql"  # peer auth, no password

# Behind nginx or on its own: JupyterHub listens on loopback, a proxy in front adds TLS.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"

# System accounts (PAM) for a trial; an institution plugs in its single sign-on instead
# (oauthenticator, ldapauthenticator). Learners need a system account each: nbgrader's
# exchange is a shared folder, and its permissions are per user.
c.Authenticator.allowed_users = {"trainer1", "learner1", "learner2"}
c.Authenticator.admin_users = {"trainer1"}

# Trainers: a group whose name starts with "formgrade-" (nbgrader looks for it), allowed to
# reach the grading service.
c.JupyterHub.load_groups = {f"formgrade-{COURSE}": {"users": ["trainer1"]}}
c.JupyterHub.load_roles = [
    {
        "name": f"formgrade-{COURSE}",
        "groups": [f"formgrade-{COURSE}"],
        "scopes": [
            f"access:services!service={COURSE}",
            "list:services",
            f"read:services!service={COURSE}",
        ],
    },
    {"name": "server", "scopes": ["inherit"]},  # nbgrader's course list asks the hub
]

# The shared grading server: the formgrader and `aimed-trainer` run here, as GRADER.
c.JupyterHub.services = [
    {
        "name": COURSE,
        "url": "http://127.0.0.1:9999",
        "command": ["jupyterhub-singleuser", "--ServerApp.root_dir", f"/home/{GRADER}"],
        "user": GRADER,
        "cwd": f"/home/{GRADER}/{COURSE}",
        "environment": {
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "AIMED_GRADEBOOK_URL": GRADEBOOK_URL,
            "AIMED_COURSE": f"/home/{GRADER}/{COURSE}",
        },
    }
]

# Learners' servers: one process per learner on this machine, with a JupyterLab that asks no
# other host and without nbgrader's trainer tools (aimed.hub.LEARNER_SERVER_ARGS).
from aimed.hub import LEARNER_SERVER_ARGS  # noqa: E402

c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.args = list(LEARNER_SERVER_ARGS)
