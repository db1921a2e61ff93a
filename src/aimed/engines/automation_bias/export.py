"""The learner's own summary as a file they keep (JSON or CSV), in their language."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping

from aimed.engines.automation_bias.rules import NS
from aimed.engines.automation_bias.scoring import Summary, answered_pairs, score
from aimed.engines.automation_bias.series import Series
from aimed.texts.i18n import t

# --- Export: the learner's own summary, as a file they keep -----------------------------------


def _rows(series: Series, answers: Mapping[int, object]) -> list[dict[str, object]]:
    given = {case.number: answer for case, answer in answered_pairs(series, answers)}
    rows = []
    for case in series.cases:
        answer = given.get(case.number)
        rows.append(
            {
                "case": case.number,
                "family": case.family,
                "condition": case.condition.value,
                "ai_suggestion": case.suggestion or "",
                "ai_explanation_shown": case.explained,
                "your_answer": answer or "",
                "right_answer": case.answer,
                "correct": "" if answer is None else answer == case.answer,
                "followed_ai": ""
                if answer is None or case.suggestion is None
                else answer == case.suggestion,
            }
        )
    return rows


def _rates(summary: Summary) -> dict[str, float | None]:
    flat = {f"accuracy_{k}": r.value for k, r in summary.accuracy.items()}
    flat["commission_rate"] = summary.commission.value
    flat["omission_rate"] = summary.omission.value
    for group, rates in (
        ("missed_problems", summary.missed_problems),
        ("false_alarms", summary.false_alarms),
        ("explanation", summary.explanation),
    ):
        flat.update({f"{group}_{k}": r.value for k, r in rates.items()})
    return flat


def to_json(series: Series, answers: Mapping[int, object], lang: str = "en") -> str:
    """Your summary and answers as JSON: a personal record, labelled as your own result."""
    summary = score(series, answers)
    record = {
        "label": t(f"{NS}.export.label", lang),
        "series_seed": series.seed,
        "answered": summary.answered,
        "total": summary.total,
        "your_result": _rates(summary),
        "cases": _rows(series, answers),
    }
    return json.dumps(record, ensure_ascii=False, indent=2)


def to_csv(series: Series, answers: Mapping[int, object], lang: str = "en") -> str:
    """Your answers case by case, then your rates, as CSV (one table a spreadsheet opens)."""
    summary = score(series, answers)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([t(f"{NS}.export.label", lang)])
    rows = _rows(series, answers)
    writer.writerow(list(rows[0]))
    writer.writerows([list(row.values()) for row in rows])
    writer.writerow([])
    writer.writerow(["measure", "your_result"])
    for name, value in _rates(summary).items():
        writer.writerow([name, "" if value is None else f"{value:.4f}"])
    return buffer.getvalue()
