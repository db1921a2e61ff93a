"""The production example (deploy/jupyterhub/) gives learners' servers what the tested hub does."""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config

from aimed.hub import LEARNER_SERVER_ARGS

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub" / "jupyterhub_config.py"


def test_the_deploy_example_gives_learners_the_tested_server_settings() -> None:
    config = Config()
    exec(compile(EXAMPLE.read_text("utf-8"), str(EXAMPLE), "exec"), {"get_config": lambda: config})
    assert config.Spawner.args == list(LEARNER_SERVER_ARGS)
    assert config.Spawner.default_url == "/lab"
