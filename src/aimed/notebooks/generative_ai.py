"""Record, letter and audit tables of the graded exercise "Checking an AI-drafted letter".

The learner reads a synthetic record beside a drafted discharge letter, both made by the
engine of the sandbox page *AI-drafted letter check* (:mod:`aimed.engines.letter_check`), finds the
seeded errors, and works out error rates for a batch of drafts. These functions only lay a
case out in the learner's language (:func:`aimed.notebooks.helpers.set_language`), from its
case number, and check the form of an answer that is a list of numbers. What a graded answer
is (which sentences are wrong, the pooled rates, the decisions) is computed by the hidden
tests only, from :mod:`aimed.trainer.keys.generative_ai`: the learner's namespace never holds
a case object or a function that answers a question.

Rates follow the course (Asgari et al. 2025): the hallucination rate counts sentences of the
draft (a sentence the record does not support: changed or added); the omission rate counts
items of the source, here the record's items (the study counted transcript sentences; one
record item stands for one source sentence, as :func:`aimed.engines.letter_check.expected_errors`
does). A batch's rate is its total errors over its total sentences or items.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aimed.engines.letter_check import Case, generate_case, letter, record_view
from aimed.notebooks.helpers import NOT_GIVEN, current_language, form_check, named_answer
from aimed.texts.i18n import t

__all__ = [
    "DraftCounts",
    "Sheet",
    "batch_table",
    "check_number_list",
    "draft_counts",
    "show_letter",
    "show_record",
]

NS = "letter_tables"


def _text(key: str, **values: object) -> str:
    return t(f"{NS}.{key}", current_language(), **values)


# --- What the engine planted, counted as the course counts it ------------------------------


def _case(case: Case | int) -> Case:
    """A case, from itself or from its number (what the notebook's data cells hold)."""
    return case if isinstance(case, Case) else generate_case(int(case))


@dataclass(frozen=True)
class DraftCounts:
    """One draft's size and errors: the numerators and denominators of its two rates."""

    sentences: int  # sentences of the draft
    items: int  # items of the record (the source)
    hallucinated: int  # sentences of the draft the record does not support
    omitted: int  # items of the record no sentence states

    @property
    def hallucination_rate(self) -> float:
        """Hallucinated sentences over the draft's sentences."""
        return self.hallucinated / self.sentences

    @property
    def omission_rate(self) -> float:
        """Items left out over the record's items (the source, not the draft)."""
        return self.omitted / self.items


def draft_counts(case: Case) -> DraftCounts:
    """Count a case's sentences, record items and seeded errors of each family."""
    return DraftCounts(
        sentences=len(case.statements),
        items=len(case.record.facts()),
        hallucinated=len({e.sentence for e in case.errors if e.sentence is not None}),
        omitted=len(case.omitted),
    )


# --- Showing a case -----------------------------------------------------------------------------

_LEFT = ' style="text-align: left; vertical-align: top"'


def _cell(tag: str, text: object) -> str:
    """One table cell, its text escaped and left-aligned (Jupyter right-aligns by default)."""
    return f"<{tag}{_LEFT}>{html.escape(str(text))}</{tag}>"


@dataclass(frozen=True)
class Sheet:
    """A record or a letter as the learner reads it: HTML in Jupyter, plain text elsewhere.

    ``sections`` holds (heading, lines); a letter has one section without heading and its
    lines are numbered from 1, the numbers the questions ask for.
    """

    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    numbered: bool = False
    columns: tuple[str, str] = ("", "")  # a letter's column headings: number, sentence

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(line for _, lines in self.sections for line in lines)

    def _repr_html_(self) -> str:
        """HTML, which JupyterLab, nbconvert's pages and the trainer's guide all render."""
        parts = [f"<p><strong>{html.escape(self.title)}</strong></p>"]
        if self.numbered:
            head = _cell("th", self.columns[0]) + _cell("th", self.columns[1])
            rows = [
                f"<tr>{_cell('td', number)}{_cell('td', line)}</tr>"
                for number, line in enumerate(self.lines, start=1)
            ]
            parts.append(
                f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            )
        else:
            for heading, lines in self.sections:
                items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
                parts.append(f"<p><em>{html.escape(heading)}</em></p><ul>{items}</ul>")
        return "\n".join(parts)

    def __str__(self) -> str:
        out = [self.title]
        if self.numbered:
            out += [f"{i:>3}. {line}" for i, line in enumerate(self.lines, start=1)]
        else:
            for heading, lines in self.sections:
                out += [heading, *(f"  - {line}" for line in lines)]
        return "\n".join(out)

    __repr__ = __str__


def show_record(case: Case | int, draft: int | None = None) -> Sheet:
    """The synthetic record, section by section, with its number of items (the source)."""
    lang = current_language()
    case = _case(case)
    sections = tuple(
        (section.title, tuple(item.text for item in section.items))
        for section in record_view(case, lang)
        if section.items
    )
    items = len(case.record.facts())
    title = (
        _text("record.title", items=items)
        if draft is None
        else _text("record.title_draft", draft=draft, items=items)
    )
    return Sheet(title, sections)


def show_letter(case: Case | int, draft: int | None = None) -> Sheet:
    """The drafted letter, one numbered sentence per line, with its number of sentences."""
    sentences = letter(_case(case), current_language())
    title = (
        _text("letter.title", sentences=len(sentences))
        if draft is None
        else _text("letter.title_draft", draft=draft, sentences=len(sentences))
    )
    columns = (_text("letter.number"), _text("letter.sentence"))
    return Sheet(title, (("", sentences),), numbered=True, columns=columns)


def batch_table(drafts: Mapping[int, Case | int]) -> pd.DataFrame:
    """One row per draft of a checked batch: its sentences, its record's items, its errors.

    The counts are what a complete check both ways finds: the seeded errors of each case.
    """
    rows = []
    for number, case in drafts.items():
        counts = draft_counts(_case(case))
        rows.append(
            {
                _text("batch.draft"): int(number),
                _text("batch.sentences"): counts.sentences,
                _text("batch.items"): counts.items,
                _text("batch.hallucinated"): counts.hallucinated,
                _text("batch.omitted"): counts.omitted,
            }
        )
    return pd.DataFrame(rows).set_index(_text("batch.draft"))


# --- Checking the form of a list answer ----------------------------------------------------------


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _whole(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | np.integer):
        return True
    return isinstance(value, float) and math.isfinite(value) and value == int(value)


@form_check
def check_number_list(name: str, value: object = NOT_GIVEN, *, low: int, high: int) -> None:
    """Tell the learner what to fix unless ``value`` is a list of whole numbers from low to high.

    Like :func:`aimed.notebooks.helpers.check_number`, for each number of the list: a list
    (or numbers separated by commas), possibly empty; never a set, text or one bare number.
    """
    value = named_answer(name, value)
    if value is None or value is Ellipsis:
        raise AssertionError(t("exercises.check.missing", current_language(), name=name))
    if isinstance(value, set | frozenset):
        raise AssertionError(_text("check.braces", name=name))
    if _whole(value):
        raise AssertionError(_text("check.bare_number", name=name, given=_shown(value)))
    if not isinstance(value, list | tuple):
        raise AssertionError(_text("check.not_a_list", name=name, given=_shown(value)))
    for item in value:
        if not _whole(item):
            raise AssertionError(_text("check.not_whole", name=name, given=_shown(item)))
        if not low <= item <= high:
            raise AssertionError(
                _text("check.out_of_range", name=name, given=_shown(item), low=low, high=high)
            )
