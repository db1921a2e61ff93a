"""nbgrader's settings for every account on the JupyterHub machine (an example).

Copy to /etc/jupyter/nbgrader_config.py. The course folder's own nbgrader_config.py
(exercises/) adds the course's settings for the grading account: its gradebook
(AIMED_GRADEBOOK_URL), header notebook and the grading sandbox.
"""

c = get_config()  # noqa: F821  (injected by nbgrader)

# One course on this hub: the Assignments tab of every learner lists its exercises.
c.CourseDirectory.course_id = "ai-in-medicine"
# nbgrader's exchange, a folder every account can write to (chmod ugo+rw, deploy/README.md).
c.Exchange.root = "/usr/local/share/nbgrader/exchange"
# Trainers are the members of JupyterHub's formgrade-ai-in-medicine group.
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
