"""The learner's workspace and the module page's exercise block, without a server.

Opening copies the released notebook once and never overwrites the learner's work;
resetting puts the release back and keeps the learner's version as a dated backup; names
outside the assignment pattern are refused before any path is built from them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from aimed.lab.workspace import UnknownExercise, Workspace, language_of
from aimed.servers.lab import lab_command, lab_environment, login_token
from aimed.settings import JUPYTERLAB_OFFLINE
from aimed.site.hooks.course_features import exercise_block

RELEASED = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    release = tmp_path / "release" / "reading-performance-fr"
    release.mkdir(parents=True)
    (release / "reading-performance.ipynb").write_bytes(RELEASED)
    return Workspace(tmp_path / "release", tmp_path / "workspace")


def test_opening_copies_the_release_once_and_keeps_the_learners_work(workspace: Workspace) -> None:
    mine = workspace.open("reading-performance-fr")
    assert mine == workspace.root / "reading-performance-fr" / "reading-performance.ipynb"
    assert mine.read_bytes() == RELEASED
    mine.write_text("my answers", encoding="utf-8")
    assert workspace.open("reading-performance-fr").read_text("utf-8") == "my answers"
    assert workspace.relative(mine) == "reading-performance-fr/reading-performance.ipynb"


def test_reset_restores_the_release_and_keeps_each_previous_version(workspace: Workspace) -> None:
    assert workspace.reset("reading-performance-fr") is None  # never opened: nothing to keep
    mine = workspace.notebook("reading-performance-fr")
    at = datetime(2026, 3, 14, 9, 26, 53)
    mine.write_text("first try", encoding="utf-8")
    first = workspace.reset("reading-performance-fr", now=at)
    mine.write_text("second try", encoding="utf-8")
    second = workspace.reset("reading-performance-fr", now=at)
    assert mine.read_bytes() == RELEASED
    assert first.name == "reading-performance.bak-2026-03-14-092653.ipynb"
    assert second.name == "reading-performance.bak-2026-03-14-092653-2.ipynb"
    assert first.read_text("utf-8") == "first try" and second.read_text("utf-8") == "second try"


@pytest.mark.parametrize(
    "name",
    ["", "reading-performance", "reading-performance-de", "../release/reading-performance-fr",
     "..-fr", "Reading-performance-fr", "incomplete-input-fr", "a/b-fr", "x" * 80 + "-en"],
)  # fmt: skip
def test_names_that_are_not_released_exercises_are_refused(workspace: Workspace, name: str) -> None:
    for action in (workspace.open, workspace.reset):
        with pytest.raises(UnknownExercise):
            action(name)
    assert not workspace.root.exists(), "nothing written for a refused name"


def test_the_language_comes_from_the_name() -> None:
    assert language_of("reading-performance-fr") == "fr"
    assert language_of("reading-performance-en") == "en"
    assert language_of("<script>-fr/../x") == "en"


def test_the_exercise_block_opens_and_resets_in_the_pages_language() -> None:
    french = exercise_block(
        "reading-performance", "fr", True, "../../downloads/x.zip", "http://127.0.0.1:9999/"
    )
    assert 'href="http://127.0.0.1:9999/aimed/open/reading-performance-fr">Ouvrir' in french
    assert 'href="http://127.0.0.1:9999/aimed/reset/reading-performance-fr">Repartir' in french
    assert "<code>workspace/reading-performance-fr/</code>" in french
    assert 'href="../../downloads/x.zip" download>' in french
    english = exercise_block("reading-performance", "en", True, "x.zip", "http://h:1")
    assert ">Open the exercise</a>" in english and "/aimed/reset/reading-performance-en" in english
    # no exercise server configured, or the exercise not released: no button to a dead end
    assert "/aimed/" not in exercise_block("reading-performance", "en", True, "x.zip", "")
    assert "/aimed/" not in exercise_block("reading-performance", "en", False, "x.zip", "http://h")


def test_the_server_never_runs_without_a_token_on_any_address(tmp_path: Path) -> None:
    """Loopback included: on a shared terminal server every user shares 127.0.0.1."""
    tokens = {login_token() for _ in range(5)}
    assert len(tokens) == 5 and all(len(token) >= 32 for token in tokens)
    for token in ("", "short"):
        with pytest.raises(ValueError, match="never runs without a token"):
            lab_environment(token)
    token = login_token()
    assert lab_environment(token)["JUPYTER_TOKEN"] == token
    for host in ("127.0.0.1", "::1", "0.0.0.0"):
        command = lab_command(host, 8888, tmp_path, tmp_path)
        # the token is never on the command line: every user of the machine can read those
        assert not any(token in arg or "token=" in arg.lower() for arg in command), command
    assert "--ServerApp.allow_remote_access=True" in lab_command(
        "0.0.0.0", 8888, tmp_path, tmp_path
    )
    command = lab_command("127.0.0.1", 8888, tmp_path, tmp_path)
    for setting in (
        "--ServerApp.password=",
        "--ServerApp.allow_remote_access=False",
        "--ServerApp.disable_check_xsrf=False",
        *JUPYTERLAB_OFFLINE,
    ):
        assert setting in command
