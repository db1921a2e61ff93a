"""Answer keys of the exercise "Checking an AI-drafted letter": which sentences are wrong and
why, the batch's pooled rates, the send-or-redo decisions (see ``aimed.notebooks.generative_ai``
for what the learner sees, and how the course counts rates)."""

from __future__ import annotations

from collections.abc import Iterable

from aimed.engines.letter_check import Case, generate_case
from aimed.notebooks.generative_ai import draft_counts


def case(number: int | Case) -> Case:
    """The case a draft number of the notebook stands for."""
    return number if isinstance(number, Case) else generate_case(int(number))


def sentence_errors(draft: int | Case) -> dict[int, str]:
    """Each sentence carrying a seeded error, numbered from 1 as the learner reads it: its kind."""
    return {e.sentence + 1: e.kind for e in case(draft).errors if e.sentence is not None}


def wrong_sentences(draft: int | Case) -> list[int]:
    """Numbers (from 1) of the sentences the draft changed or added, in reading order."""
    return sorted(sentence_errors(draft))


def omitted(draft: int | Case) -> tuple[str, ...]:
    """The record items the draft leaves out."""
    return case(draft).omitted


def pooled_rates(drafts: Iterable[int | Case]) -> dict[str, float]:
    """A batch's two rates: all its errors of a family over all its sentences or items."""
    counts = [draft_counts(case(draft)) for draft in drafts]
    if not counts:
        raise ValueError("a batch needs at least one draft")
    return {
        "hallucination": sum(c.hallucinated for c in counts) / sum(c.sentences for c in counts),
        "omission": sum(c.omitted for c in counts) / sum(c.items for c in counts),
    }


def must_be_redone(draft: int | Case, hallucination_limit: float, omission_limit: float) -> bool:
    """The exercise's rule: a draft is redone when one of its rates is above its limit."""
    counts = draft_counts(case(draft))
    return counts.hallucination_rate > hallucination_limit or counts.omission_rate > omission_limit
