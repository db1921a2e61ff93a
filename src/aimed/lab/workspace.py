"""The learner's workspace: copies of released exercises the learner works in, never the sources.

``<workspace>/<assignment>/<exercise>.ipynb`` is the learner's own notebook. It is copied from
the release folder (nbgrader's ``release/``) the first time the exercise is opened and never
overwritten after that; resetting puts the released version back and first renames the
learner's notebook to ``<exercise>.bak-<date>-<time>.ipynb`` in the same folder, so nothing
typed is lost and the backup still opens as a notebook.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aimed.texts.i18n import LANGUAGES

ASSIGNMENT = re.compile(r"^([a-z0-9][a-z0-9-]{0,62})-(" + "|".join(LANGUAGES) + r")$")


class UnknownExercise(LookupError):
    """No released exercise of that name (a mistyped address, or `make downloads` not run)."""


def language_of(assignment: str) -> str:
    """The language an assignment name ends with (``en`` for anything unrecognised)."""
    match = ASSIGNMENT.match(assignment)
    return match.group(2) if match else LANGUAGES[0]


@dataclass(frozen=True)
class Workspace:
    """Released exercises in ``release``; the learner's copies under ``root``."""

    release: Path
    root: Path

    def released(self, assignment: str) -> Path:
        """The released notebook of ``assignment``; a name outside the pattern is refused."""
        match = ASSIGNMENT.match(assignment)
        if match is None:
            raise UnknownExercise(assignment)
        notebook = self.release / assignment / f"{match.group(1)}.ipynb"
        if not notebook.is_file():
            raise UnknownExercise(assignment)
        return notebook

    def notebook(self, assignment: str) -> Path:
        """Where the learner's copy of ``assignment`` is (or will be) kept."""
        return self.root / assignment / self.released(assignment).name

    def relative(self, path: Path) -> str:
        """``path`` as JupyterLab names it: relative to the workspace, with slashes."""
        return path.relative_to(self.root).as_posix()

    def open(self, assignment: str) -> Path:
        """The learner's notebook, copied from the release the first time; never overwritten."""
        released, mine = self.released(assignment), self.notebook(assignment)
        if not mine.exists():
            mine.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(released, mine)
        return mine

    def reset(self, assignment: str, now: datetime | None = None) -> Path | None:
        """Put the released version back; return the backup of the learner's notebook, if any."""
        released, mine = self.released(assignment), self.notebook(assignment)
        backup = None
        if mine.exists():
            stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
            backup = mine.with_name(f"{mine.stem}.bak-{stamp}{mine.suffix}")
            extra = 1
            while backup.exists():  # two resets in the same second keep both backups
                extra += 1
                backup = mine.with_name(f"{mine.stem}.bak-{stamp}-{extra}{mine.suffix}")
            mine.rename(backup)
        mine.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(released, mine)
        return backup
