"""Answer keys of the exercise "Trusting AI advice": a colleague's sheet scored, and the
service's pooled rates (the learner works them out from ``service_counts``)."""

from __future__ import annotations

from aimed.engines.automation_bias import Summary, make_series, published_figures, score
from aimed.notebooks.trust_responsibility import colleague_answers, service_summary

__all__ = ["published_figures", "service_summary", "sheet_summary"]


def sheet_summary(series_seed: int, answers_seed: int) -> Summary:
    """The engine's scoring of one colleague's answer sheet."""
    series = make_series(series_seed)
    return score(series, colleague_answers(series, answers_seed))
