"""JupyterLab's menus in the exercise's language: a French notebook opens in a French lab.

JupyterLab takes its display language from one user setting (the translation extension's
``locale``), read when the page loads; the French strings come from the language pack
``jupyterlab-language-pack-fr-FR`` (the ``lab`` extra). Opening an exercise sets that
setting, so the lab page the learner is sent to loads in the exercise's language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import json5

SETTING = Path("@jupyterlab") / "translation-extension" / "plugin.jupyterlab-settings"
LOCALES = {"en": "en", "fr": "fr_FR"}


def settings_dir(serverapp: Any) -> Path | None:
    """The running JupyterLab's user-settings folder (None without JupyterLab)."""
    apps = serverapp.extension_manager.extension_apps.get("jupyterlab", set())
    for app in apps:
        folder = getattr(app, "user_settings_dir", "")
        if folder:
            return Path(folder)
    return None


def choose(folder: Path, lang: str) -> None:
    """Make ``lang`` JupyterLab's display language in the settings kept in ``folder``."""
    path = folder / SETTING
    try:
        settings = json5.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except ValueError:  # a hand-edited file JupyterLab could not read either: start again
        settings = {}
    if not isinstance(settings, dict):
        settings = {}
    locale = LOCALES.get(lang, "en")
    if settings.get("locale") == locale:
        return
    settings["locale"] = locale
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
