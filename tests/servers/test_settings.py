"""Settings are read in one place; a malformed one stops the command and names itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aimed.settings import SettingError, read


def course(tmp_path: Path) -> Path:
    (tmp_path / "course").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    return tmp_path


def test_defaults_are_loopback_and_the_documented_ports(tmp_path: Path) -> None:
    settings = read(environ={}, cwd=course(tmp_path))
    assert (settings.host, settings.site_port, settings.sandbox_port, settings.lab_port) == (
        "127.0.0.1",
        8000,
        8501,
        8888,
    )
    assert settings.sandbox_url == "http://127.0.0.1:8501"
    assert settings.lab_url == "http://127.0.0.1:8888"
    assert settings.course_url == "http://127.0.0.1:8000"
    assert settings.course_root == tmp_path.resolve()
    assert settings.site_dir == tmp_path / "build" / "site"
    assert settings.workspace == tmp_path / "workspace"


def test_the_course_is_found_from_a_subfolder_and_links_follow_the_ports(tmp_path: Path) -> None:
    below = course(tmp_path) / "course"
    environ = {"AIMED_HOST": "0.0.0.0", "AIMED_SANDBOX_PORT": "9501"}
    settings = read({"lab_port": 9888}, environ=environ, cwd=below)
    assert settings.course() == tmp_path.resolve()
    # bound to every address, the links a browser on this machine follows stay on loopback
    assert settings.sandbox_url == "http://127.0.0.1:9501"
    assert settings.lab_url == "http://127.0.0.1:9888"
    assert settings.site_environment()["AIMED_LAB_URL"] == "http://127.0.0.1:9888"
    # an option wins over the variable of the same setting
    assert read({"sandbox_port": 9502}, environ=environ, cwd=below).sandbox_port == 9502


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"AIMED_SITE_PORT": "eighty"}, "AIMED_SITE_PORT='eighty': a port is a whole number"),
        ({"AIMED_SANDBOX_PORT": "70000"}, "AIMED_SANDBOX_PORT='70000'"),
        ({"AIMED_LAB_PORT": "-1"}, "AIMED_LAB_PORT='-1'"),
        ({"AIMED_LAB_PORT": "8000"}, "need three different ports"),
        ({"AIMED_HOST": "http://x"}, "AIMED_HOST='http://x': give an address"),
        (
            {"AIMED_SANDBOX_URL": "127.0.0.1:8501"},
            "AIMED_SANDBOX_URL='127.0.0.1:8501': give",
        ),
        ({"AIMED_LAB_URL": "ftp://h/"}, "AIMED_LAB_URL='ftp://h/'"),
        ({"AIMED_COURSE_URL": "http://h:port"}, "AIMED_COURSE_URL='http://h:port': the port"),
        ({"AIMED_COURSE_ROOT": "/no/such/course"}, "AIMED_COURSE_ROOT='/no/such/course': no such"),
        ({"AIMED_SITE_DIR": " "}, "AIMED_SITE_DIR is empty"),
    ],
)
def test_a_malformed_value_names_the_setting(
    tmp_path: Path, environ: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingError) as refused:
        read(environ=environ, cwd=course(tmp_path))
    assert named in str(refused.value)


def test_a_folder_that_is_no_course_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="not a course .it needs mkdocs.yml and course/"):
        read(environ={"AIMED_COURSE_ROOT": str(tmp_path)}, cwd=tmp_path)
    # an empty lab URL is allowed: the site then offers the download only
    assert read(environ={"AIMED_LAB_URL": ""}, cwd=course(tmp_path)).lab_url == ""


@pytest.mark.parametrize(
    ("command", "environ", "message"),
    [
        (["serve"], {"AIMED_SANDBOX_PORT": "x"}, "AIMED_SANDBOX_PORT='x'"),
        (["sandbox"], {"AIMED_HOST": "a b"}, "AIMED_HOST='a b'"),
        (["lab", "--course", "/no/such"], {}, "--course='/no/such': no such folder"),
        (["site", "build"], {"AIMED_LAB_URL": "localhost:8888"}, "AIMED_LAB_URL="),
    ],
)
def test_the_command_stops_with_one_line_naming_the_setting(
    tmp_path: Path, command: list[str], environ: dict[str, str], message: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIMED_")} | environ
    done = subprocess.run(
        [sys.executable, "-m", "aimed.cli", *command],
        cwd=course(tmp_path),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: ") and message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["serve"], ["course site, the sandbox and the exercises", "8000", "8501", "8888"]),
        (["sandbox"], ["sandbox alone", "127.0.0.1:8501", "AIMED_SANDBOX_PORT"]),
        (["lab"], ["exercises alone", "127.0.0.1:8888", "token", "AIMED_LAB_PORT"]),
        (["site", "build"], ["MkDocs", "build/site", "AIMED_SITE_DIR"]),
        (["trainer"], ["release", "autograde", "guide"]),
    ],
)
def test_help_says_what_each_command_does_and_its_defaults(
    command: list[str], says: list[str]
) -> None:
    from typer.testing import CliRunner

    from aimed.cli import app

    shown = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    for words in says:
        assert words in text, (command, words)
