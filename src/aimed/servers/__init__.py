"""Starting the platform's servers: the one way each is started, by ``aimed serve``, the
``aimed`` subcommands, the tests and the benchmark.

``launcher`` runs all three together and stops them together; ``sandbox`` (Streamlit),
``lab`` (JupyterLab with ``aimed.lab``, always behind a token) and ``static`` (the built
course site) start one each; ``balancer`` and ``load_test`` put replicas behind nginx and
simulate learners; ``chromium`` is the browser the tests and the benchmark drive. Settings
come from :mod:`aimed.settings`.
"""
