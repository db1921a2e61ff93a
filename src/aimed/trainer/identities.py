"""Stable learner ids, kept in ``learners.csv``: the same learner keeps one id, nobody else gets it.

How an id is found for a submission (in this order):

1. the platform's participant number already seen (Moodle ``Full Name_123_...``, Canvas
   ``name_123_456_...``), or the exact name already seen for a submission without a number;
2. otherwise the exact name of exactly one known learner who has no other number in this
   same assignment: Moodle numbers its participants per assignment, so one person has a new
   number in each assignment (a blind-marking "Participant" is never matched by name);
3. otherwise a new id from the name (``Éloïse Durand`` + 17 -> ``eloise-durand-17``), with
   ``-2``, ``-3``... when that id is already someone's.

Names are compared exactly (Unicode NFC, outer spaces trimmed): ``Alice  Martin`` with two
spaces is not ``Alice Martin``. A name that differs from another learner's only by spaces,
case, accents or one character is reported to the trainer, never merged silently.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from aimed.trainer.course import LEARNER_ID, Course, TrainerError

REGISTRY_NAME = "learners.csv"
COLUMNS = ("learner", "name", "platform", "participant", "assignment")
MAX_ID = 64


@dataclass(frozen=True)
class Person:
    """Who a platform's export says handed in a submission."""

    name: str
    platform: str = ""  # moodle | canvas | "" (a folder or file named after the learner)
    participant: str = ""  # the platform's number for this learner, "" when none

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", without_bidi(self.name))

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the learner in the registry: the number, else the exact name."""
        return (self.platform, self.participant) if self.participant else ("", exact(self.name))


@dataclass
class Row:
    learner: str
    name: str
    platform: str = ""
    participant: str = ""
    assignment: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.participant) if self.participant else ("", exact(self.name))


@dataclass(frozen=True)
class Resolved:
    """The id given to one person in a collection, and what the trainer should know."""

    person: Person
    learner: str
    notes: tuple[str, ...] = ()


# Bidirectional controls reorder what a name shows (``U+202E`` makes "exe.txt" read "txt.exe"):
# never part of a name, so they are dropped from every identity.
BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")


def without_bidi(text: str) -> str:
    """``text`` without bidirectional control characters."""
    return text.translate(BIDI_CONTROLS)


def spreadsheet_safe(value: object) -> object:
    """A cell a spreadsheet shows as text rather than runs: text starting with ``= + - @``,
    a tab or a carriage return gets a leading apostrophe (numbers and a lone "-" stay)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if value == "-" or _NUMBER.match(value):
        return value
    return "'" + value


def unsafe_undone(value: str) -> str:
    """Read back a cell written by :func:`spreadsheet_safe`."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def exact(name: str) -> str:
    """A name as typed, in one Unicode form (a zip from a Mac spells accents apart)."""
    return without_bidi(unicodedata.normalize("NFC", name)).strip()


def folded(name: str) -> str:
    """A name without case, accents or repeated spaces: only for spotting near-duplicates."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def slug(name: str) -> str:
    """A folder-safe id from a name: ascii, lower case, hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def anonymous(name: str) -> bool:
    """Moodle's blind marking names every learner "Participant" (after a group name)."""
    return folded(name).endswith("participant")


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one character added, removed or replaced turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def near_duplicates(a: str, b: str) -> bool:
    """Names a trainer should look at twice: the same but for spaces, case, accents or one
    character (``Alice  Martin``, ``alice martin``, ``Alicé Martin``, ``Alice Martim``)."""
    if exact(a) == exact(b):
        return True
    fa, fb = folded(a), folded(b)
    if fa.replace(" ", "") == fb.replace(" ", ""):
        return True
    return min(len(fa), len(fb)) >= 5 and _one_edit_apart(fa, fb)


@dataclass
class Registry:
    """``learners.csv``: one row per name or number a learner was collected under."""

    rows: list[Row] = field(default_factory=list)

    @classmethod
    def load(cls, course: Course) -> Registry:
        path = course.root / REGISTRY_NAME
        if not path.is_file():
            return cls()
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [
                Row(**{c: unsafe_undone(without_bidi(line.get(c) or "").strip()) for c in COLUMNS})
                for line in csv.DictReader(handle)
                if (line.get("learner") or "").strip()
            ]
        for n, row in enumerate(rows, start=2):  # an id is a folder name: keep it one
            if not LEARNER_ID.match(row.learner):
                raise TrainerError(
                    f"{path.name}, line {n}: {row.learner!r} is not a learner id "
                    "(lower-case letters, digits, '-' and '_', at most 64)"
                )
        return cls(rows)

    def save(self, course: Course) -> Path:
        path = course.root / REGISTRY_NAME
        rows = sorted(self.rows, key=lambda r: (r.learner, r.platform, r.participant, r.name))
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows([[spreadsheet_safe(getattr(r, c)) for c in COLUMNS] for r in rows])
        return path

    def ids(self) -> set[str]:
        return {r.learner for r in self.rows}

    def names(self) -> dict[str, str]:
        """``{learner: name}``: the first name each learner was collected under."""
        found: dict[str, str] = {}
        for row in self.rows:
            found.setdefault(row.learner, row.name)
        return found

    def resolve(
        self, people: list[Person], assignment: str, taken: set[str] | frozenset[str] = frozenset()
    ) -> list[Resolved]:
        """Give each person of one collection an id; record new ones. ``taken``: ids in use
        elsewhere (folders in ``submitted/``) that must not be handed out again."""
        given: set[str] = set()
        resolved: list[Resolved] = []

        # Names written the usual way first: in a first collection holding both "Alice Martin"
        # and "Alice  Martin", the plain id goes to the plainly written name.
        def order(p: Person) -> tuple:
            return (p.platform, p.participant, " ".join(p.name.split()) != p.name, exact(p.name))

        for person in sorted(people, key=order):
            notes: list[str] = []
            same_key = [r for r in self.rows if r.key == person.key]
            row = next((r for r in same_key if r.learner not in given), None)
            learner = row.learner if row else None
            if same_key and not row:
                notes.append(f"a second submission under the name {person.name!r}: kept apart")
            if row and person.participant and exact(row.name) != exact(person.name):
                notes.append(f"name changed on the platform: {row.name!r} -> {person.name!r}")
                row.name = person.name
            if learner is None and not same_key:
                learner = self._by_name(person, assignment, given)
                if learner:
                    notes.append(
                        f"same name as learner {learner} collected before: same learner "
                        f"(new {person.platform} number {person.participant})"
                        if person.participant
                        else f"same name as learner {learner} collected before: same learner"
                    )
            new = learner is None
            if new:
                learner = self._new_id(person, given | set(taken))
            assert learner is not None  # found above, or just given a new id
            if row is None:
                self.rows.append(
                    Row(learner, person.name, person.platform, person.participant, assignment)
                )
            given.add(learner)
            if new:
                notes += self._look_alikes(person, learner)
            resolved.append(Resolved(person, learner, tuple(notes)))
        return resolved

    def _by_name(self, person: Person, assignment: str, given: set[str]) -> str | None:
        if anonymous(person.name):
            return None
        owners = {r.learner for r in self.rows if exact(r.name) == exact(person.name)} - given
        if len(owners) != 1:
            return None
        (learner,) = owners
        clash = any(
            r.learner == learner
            and r.assignment == assignment
            and r.platform == person.platform
            and r.participant != person.participant
            for r in self.rows
        )
        return None if clash else learner

    def _new_id(self, person: Person, taken: set[str]) -> str:
        suffix = f"-{person.participant}" if person.participant else ""
        base = (slug(person.name)[: MAX_ID - len(suffix) - 4].strip("-") or "learner") + suffix
        used = self.ids() | taken
        learner, n = base, 1
        while learner in used:
            n += 1
            learner = f"{base}-{n}"
        return learner

    def _look_alikes(self, person: Person, learner: str) -> list[str]:
        if anonymous(person.name):
            return []
        seen: dict[str, str] = {}
        for row in self.rows:
            other = row.learner != learner and row.learner not in seen
            if other and near_duplicates(person.name, row.name):
                seen[row.learner] = row.name
        return [
            f"name close to {name!r} ({other}): one person? see 'Same learner under two ids' "
            "in exercises/README.md"
            for other, name in sorted(seen.items())
        ]

    def look_alikes(self) -> list[tuple[str, str, str, str]]:
        """Every pair of learners whose names are near-duplicates: ``(id, name, id, name)``."""
        names: dict[str, set[str]] = {}
        for row in self.rows:
            if not anonymous(row.name):
                names.setdefault(row.learner, set()).add(row.name)
        pairs = []
        ids = sorted(names)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                match = next(
                    (
                        (x, y)
                        for x in sorted(names[a])
                        for y in sorted(names[b])
                        if near_duplicates(x, y)
                    ),
                    None,
                )
                if match:
                    pairs.append((a, match[0], b, match[1]))
        return pairs
