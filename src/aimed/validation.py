"""The one exception for input a user can fix, worded in their language.

Engines raise it with a text key; the sandbox shows ``message(lang)``, a notebook
or the CLI shows the English ``str()``. Nothing is lost: callers keep the input.
"""

from __future__ import annotations

from aimed.texts.i18n import t


class InputError(ValueError):
    """Bad input from a person (a slider, a text box, a CLI argument), not a bug."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(t(key, "en", **values))

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.values)
