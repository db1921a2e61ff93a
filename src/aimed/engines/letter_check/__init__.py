"""The AI-drafted letter check: a synthetic record, a drafted discharge letter with seeded
errors, and the score of a reader who looks for them.

Why simulated. No language model is downloaded or called: a real one would need a large
download or a remote service (and so send text away), and its errors could not be counted
with certainty. Here a seeded generator writes the letter from the record, sentence by
sentence, and plants errors of known kinds, so every error is known and a reader's
marks can be scored exactly. The drafts hold far more errors than published rates
(:data:`PUBLISHED_RATES`) so that each one has something to find.

How a case is built (:func:`generate_case`), all from ``numpy.random.default_rng(seed)``:

1. the seed picks one of the :data:`SCENARIOS` (kinds of hospital stay, in
   ``data/letter_check.toml``) unless one is named, then draws the patient's age and sex,
   the dates of the stay, one to three long-term problems (each with its drug and dose),
   one or two allergies, the results (value and date), the answer of each investigation
   and the drugs started in hospital;
2. the faithful letter states each fact of the record in one sentence
   (:class:`Statement`);
3. three to five error kinds are drawn (always one omission), unless ``kinds`` is given,
   and applied to distinct facts: a sentence changed (wrong dose or unit, wrong side,
   wrong number or date, negation flipped), a sentence added (invented drug, claim with
   no basis in the record) or a sentence removed (omitted allergy, omitted medication).

Words are in ``locales/letter_check.{en,fr}.toml``: a case is language-neutral, and
:func:`letter` and :func:`record_view` write it in either language, so both languages hold
the same cases and the same errors.

A reader's marks (:class:`Marking`: a kind for each flagged sentence, and the record
items they think the letter left out) are scored by :func:`score`. :func:`review` marks a
letter the way a reader who checks in one direction only would: every sentence of the
letter against the record, or every item of the record against the letter; it compares
statements with the record and never reads the seeded labels.

Stable API (add, do not rename): ``KINDS``, ``SENTENCE_KINDS``, ``OMISSION_KINDS``,
``MARK_CHOICES``, ``SCENARIOS``, ``PUBLISHED_RATES``, ``GUIDED_PATHS``, ``Case``,
``Record``, ``Statement``, ``SeededError``, ``Marking``, ``Score``, ``Outcome``,
``generate_case``, ``letter``, ``record_view``, ``error_detail``, ``score``, ``review``,
``check_added_sentence``, ``expected_errors``.

The package's modules, in the order they build on each other: ``catalogue`` (error kinds,
published rates, the stays of the data file), ``cases`` (drawing a record and its draft),
``rendering`` (the letter and the record in a language), ``scoring`` (a reader's marks,
the sentence they add) and ``reader`` (the one-way reader and the guided paths). Import
from the package: the names below are the API; the modules may change.
"""

from __future__ import annotations

from aimed.engines.letter_check.cases import (
    Allergy,
    Case,
    Medication,
    Record,
    Result,
    SeededError,
    Statement,
    faithful_statements,
    generate_case,
)
from aimed.engines.letter_check.catalogue import (
    DATA_FILE,
    KINDS,
    MARK_CHOICES,
    OMISSION_KINDS,
    PUBLISHED_RATES,
    SCENARIOS,
    SENTENCE_KINDS,
    PublishedRate,
    expected_errors,
    load_catalogue,
)
from aimed.engines.letter_check.reader import GUIDED_PATHS, GuidedPath, review
from aimed.engines.letter_check.rendering import (
    ErrorDetail,
    RecordItem,
    RecordSection,
    error_detail,
    letter,
    record_items,
    record_view,
    sentence,
)
from aimed.engines.letter_check.scoring import (
    AddedCheck,
    Marking,
    Outcome,
    Score,
    check_added_sentence,
    score,
)
from aimed.validation import MAX_SEED

__all__ = [
    "DATA_FILE",
    "GUIDED_PATHS",
    "KINDS",
    "MARK_CHOICES",
    "MAX_SEED",
    "OMISSION_KINDS",
    "PUBLISHED_RATES",
    "SCENARIOS",
    "SENTENCE_KINDS",
    "AddedCheck",
    "Allergy",
    "Case",
    "ErrorDetail",
    "GuidedPath",
    "Marking",
    "Medication",
    "Outcome",
    "PublishedRate",
    "Record",
    "RecordItem",
    "RecordSection",
    "Result",
    "Score",
    "SeededError",
    "Statement",
    "check_added_sentence",
    "error_detail",
    "expected_errors",
    "faithful_statements",
    "generate_case",
    "letter",
    "load_catalogue",
    "record_items",
    "record_view",
    "review",
    "score",
    "sentence",
]
