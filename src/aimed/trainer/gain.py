"""The cohort's gain per module, from the results files learners return.

A learner downloads their results from the record page ("Download my results for my trainer",
course/assets/javascripts/record.js): the placement check and the last final attempt, each
with its score per module, and the automation-bias check's two attempts. The trainer puts the
files in a folder; :func:`read_records` reads every ``*.json`` there, refusing each malformed
one with the reason (a learner's file is untrusted input) and each older file of a learner who
returned several (same name, same first attempt), and :func:`gain_table` gives, per
module, the learners with both results, their mean share right before and after, and the mean
change; the automation-bias check gives two rows, commission and omission errors (a negative
change is fewer errors). :func:`write_gain` writes it as CSV, made safe for spreadsheets as
every export of the trainer's command is.

What it cannot show: a few questions per module and a few cases per attempt, learners who chose
to return their file, and no group who did not take the course.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from aimed.trainer.export import spreadsheet_table

FORMAT, VERSION = "aimed-record", 1
MAX_BYTES = 1_000_000
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BIAS_MEASURES = ("commission", "omission")
BIAS_ROW = "automation-bias-{measure}"
CAVEAT = (
    "What this cannot show: one question per module before and a few after, four wrong "
    "suggestions and two silences per automation-bias attempt, only the learners who returned "
    "their file, and no group who did not take the course: a change may be chance or practice "
    "as much as the course."
)


class RecordError(ValueError):
    """A returned file that is not a learner's results file, with the reason."""


@dataclass(frozen=True)
class LearnerResults:
    """One returned file: per module (right, asked) before and after; per automation-bias
    measure (errors, cases) before and after."""

    source: str
    placement: dict[str, tuple[int, int]] = field(default_factory=dict)
    final: dict[str, tuple[int, int]] = field(default_factory=dict)
    bias: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    learner: tuple[str, str] | None = None  # the name and the date of the first attempt
    exported: str = ""


@dataclass(frozen=True)
class GainRow:
    """A module (or an automation-bias measure): learners with both results, mean percentages
    before and after, and the mean change in percentage points."""

    module: str
    learners: int
    before: float | None
    after: float | None
    change: float | None


def _pair(value: object, where: str) -> tuple[int, int]:
    """``[hits, total]``: whole numbers, 0 <= hits <= total, total at least 1."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
        or not 0 <= value[0] <= value[1]
        or value[1] < 1
        or value[1] > 1000
    ):
        raise RecordError(
            f"{where} must be [right, out of], two whole numbers, not {value!r}"[:160]
        )
    return value[0], value[1]


def _modules(attempt: object, where: str) -> dict[str, tuple[int, int]]:
    if attempt is None:
        return {}
    if not isinstance(attempt, dict) or not isinstance(attempt.get("modules"), dict):
        raise RecordError(f"'{where}' must hold the score of each module ('modules')")
    found = {}
    for module, pair in attempt["modules"].items():
        if not isinstance(module, str) or not SLUG.match(module) or len(module) > 80:
            raise RecordError(
                f"'{where}' names a module that is not a module name: {module!r}"[:160]
            )
        found[module] = _pair(pair, f"'{where}', module {module}")
    return found


def parse_record(data: object) -> LearnerResults:
    """A results file's content, checked field by field (``source`` is set by the reader)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RecordError("not a results file from the course's record page (no 'format')")
    if data.get("version") != VERSION:
        raise RecordError(f"results file version {data.get('version')!r}, expected {VERSION}")
    bias: dict[str, dict[str, tuple[int, int]]] = {}
    given = data.get("automation_bias", {})
    if not isinstance(given, dict):
        raise RecordError("'automation_bias' must hold the attempts 'before' and 'after'")
    for stage, attempt in given.items():
        if stage not in ("before", "after") or not isinstance(attempt, dict):
            raise RecordError(f"'automation_bias' holds an unknown attempt {repr(stage)[:40]}")
        bias[stage] = {
            measure: _pair(attempt.get(measure), f"automation_bias {stage} {measure}")
            for measure in BIAS_MEASURES
        }
    return LearnerResults(
        source="",
        placement=_modules(data.get("placement"), "placement"),
        final=_modules(data.get("final"), "final"),
        bias=bias,
        learner=_learner(data),
        exported=_text(data.get("exported")),
    )


def _text(value: object, limit: int = 200) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _learner(data: dict) -> tuple[str, str] | None:
    """Who a file is from, as far as it says: the name typed on the record page and the date
    of the learner's first attempt (the placement check, else the first automation-bias
    check), which one browser keeps from file to file. None where there is no date."""
    first = data.get("placement") or (data.get("automation_bias") or {}).get("before") or {}
    date = _text(first.get("date")) if isinstance(first, dict) else ""
    if not date:
        return None
    return " ".join(_text(data.get("name")).casefold().split()), date


def read_records(folder: Path) -> tuple[list[LearnerResults], list[tuple[str, str]]]:
    """Every ``*.json`` in ``folder`` (not below it): the readable files, and for each other
    one its name and why it was left out."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RecordError(f"{folder} is not a folder of returned results files")
    records, problems = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            if not path.is_file():
                raise RecordError("not a file")
            if path.stat().st_size > MAX_BYTES:
                raise RecordError(f"larger than {MAX_BYTES // 1000} kB: not a results file")
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                raise RecordError("not text in UTF-8: not a results file") from None
            except json.JSONDecodeError as error:
                raise RecordError(f"not valid JSON (line {error.lineno})") from None
            except RecursionError:
                raise RecordError("nested too deeply: not a results file") from None
            record = parse_record(data)
        except (RecordError, OSError) as error:
            problems.append((path.name, str(error)))
            continue
        records.append(dataclasses.replace(record, source=path.name))
    return _one_per_learner(records, problems)


def _one_per_learner(
    records: list[LearnerResults], problems: list[tuple[str, str]]
) -> tuple[list[LearnerResults], list[tuple[str, str]]]:
    """A learner who returned several files counts once, with the one exported last."""
    latest: dict[tuple[str, str], LearnerResults] = {}
    for record in records:
        if record.learner is None:
            continue
        kept = latest.get(record.learner)
        if kept is None or (record.exported, record.source) > (kept.exported, kept.source):
            latest[record.learner] = record
    kept_files = {r.source for r in latest.values()}
    for record in records:
        if record.learner is not None and record.source not in kept_files:
            newer = latest[record.learner].source
            problems.append(
                (
                    record.source,
                    f"the same learner's results again (same name and first "
                    f"attempt): the later file, {newer}, counts",
                )
            )
    counted = [r for r in records if r.learner is None or r.source in kept_files]
    return counted, sorted(problems)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _row(name: str, pairs: list[tuple[tuple[int, int], tuple[int, int]]]) -> GainRow:
    before = [100 * b[0] / b[1] for b, _ in pairs]
    after = [100 * a[0] / a[1] for _, a in pairs]
    change = [a - b for b, a in zip(before, after, strict=True)]
    return GainRow(name, len(pairs), _mean(before), _mean(after), _mean(change))


def gain_table(records: list[LearnerResults]) -> list[GainRow]:
    """Per module, in the order the files name them, then the automation-bias measures: only
    learners with both a before and an after result for that row count."""
    modules: list[str] = []
    for record in records:
        for module in [*record.placement, *record.final]:
            if module not in modules:
                modules.append(module)
    rows = [
        _row(
            module,
            [
                (r.placement[module], r.final[module])
                for r in records
                if module in r.placement and module in r.final
            ],
        )
        for module in modules
    ]
    for measure in BIAS_MEASURES:
        rows.append(
            _row(
                BIAS_ROW.format(measure=measure),
                [
                    (r.bias["before"][measure], r.bias["after"][measure])
                    for r in records
                    if "before" in r.bias and "after" in r.bias
                ],
            )
        )
    return rows


def gain_frame(rows: list[GainRow]) -> pd.DataFrame:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return pd.DataFrame(
        [
            {
                "module": row.module,
                "learners": row.learners,
                "before_percent": rounded(row.before),
                "after_percent": rounded(row.after),
                "change_points": rounded(row.change),
            }
            for row in rows
        ]
    )


def write_gain(rows: list[GainRow], path: Path) -> Path:
    """The table as CSV, every text cell safe in a spreadsheet (aimed.trainer.export)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    spreadsheet_table(gain_frame(rows)).to_csv(path, index=False, na_rep="")
    return path
