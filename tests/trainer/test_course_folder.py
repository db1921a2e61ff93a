"""The trainer's command finds its course from where the trainer works, not from the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimed.trainer.course import CONFIG_NAME, default_course_dir

ROOT = Path(__file__).resolve().parents[2]


def test_found_from_the_repository_and_below(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIMED_COURSE", raising=False)
    assert default_course_dir(ROOT) == ROOT / "exercises"
    assert default_course_dir(ROOT / "course" / "modules") == ROOT / "exercises"
    assert default_course_dir(ROOT / "exercises" / "source") == ROOT / "exercises"


def test_a_course_folder_is_its_own_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIMED_COURSE", raising=False)
    (tmp_path / CONFIG_NAME).write_text("c = get_config()\n", encoding="utf-8")
    (tmp_path / "submitted").mkdir()
    assert default_course_dir(tmp_path / "submitted") == tmp_path


def test_the_environment_names_the_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMED_COURSE", str(tmp_path))
    assert default_course_dir(ROOT) == tmp_path.resolve()


def test_elsewhere_it_is_exercises_under_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never a folder inside site-packages: a missing course is reported where one would be."""
    monkeypatch.delenv("AIMED_COURSE", raising=False)
    assert default_course_dir(tmp_path) == tmp_path / "exercises"
