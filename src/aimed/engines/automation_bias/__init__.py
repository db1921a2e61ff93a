"""The automation-bias test: short clinical decisions, alone and with an AI that is sometimes wrong.

Every case is a yes/no decision whose right answer is fixed by a documented rule or by the
project's own engines, so nobody has to trust the test's answer key:

- ``test_result``: a positive result read with its prevalence; the disease is "likely" when
  the positive predictive value (:func:`aimed.engines.bayes.predictive_values`) is above 50%;
- ``wells``: suspected pulmonary embolism, two-level Wells score (above 4: PE likely);
- ``marburg``: chest pain in general practice, Marburg Heart Score (3 or more: coronary
  disease not ruled out);
- ``chest_pain``: does the history raise or lower the probability of an acute coronary
  syndrome? (:func:`aimed.engines.chest_pain.assess`, published likelihood ratios).

Each answer is ``"problem"`` (the side that calls for action) or ``"clear"``. A series holds
20 cases: per family one decided alone, two with a right AI suggestion, one with a wrong
one and one where the AI says nothing (half the time over a problem it missed). The same
number of cases of each family in each condition, problems and no-problems balanced, the
order shuffled by the seed: the comparison between conditions is fair by construction. The
first two cases with an AI are right, as a tool earns trust before it errs.

Measures (:func:`score`): accuracy alone, with right advice, with wrong advice; the share of
wrong suggestions followed (commission errors); the share of problems missed when the AI
said nothing (omission errors); the same with and without the AI's explanation. Nothing is
stored: the page keeps a run in the browser session and the learner may export it.

Figures with their sources: ``data/automation_bias.toml``. Texts:
``locales/automation_bias.*.toml``.

The package's modules, in the order they build on each other: ``rules`` (families,
conditions, the rules file), ``series`` (drawing the cases of a series), ``scoring`` (a
reader's answers), ``readers`` (scripted and simulated answer sheets), ``export`` (the
learner's summary as a file), ``pairs`` (the course's two series for a before/after check:
disjoint, equally hard) and ``wording`` (a case in the reader's words, for every surface).
Import from the package: the names below are the API.
"""

from __future__ import annotations

from aimed.engines.automation_bias.export import to_csv, to_json
from aimed.engines.automation_bias.pairs import (
    CHECK_SEED,
    Difficulty,
    case_identity,
    difficulty,
    paired_series,
    shared_cases,
)
from aimed.engines.automation_bias.readers import (
    PATTERNS,
    READER_PROFILES,
    ReaderProfile,
    scripted_answers,
    simulate,
    simulated_answers,
)
from aimed.engines.automation_bias.rules import (
    ANSWERS,
    CLEAR,
    DATA_FILE,
    FAMILIES,
    PROBLEM,
    SERIES_LENGTH,
    Condition,
    Published,
    Rate,
    Rules,
    load_rules,
    published_figures,
    rules,
)
from aimed.engines.automation_bias.scoring import Summary, check_answer, score
from aimed.engines.automation_bias.series import Case, Fact, Series, make_series
from aimed.engines.automation_bias.wording import (
    case_stem,
    explanation_text,
    fact_text,
    option_text,
    rule_result,
)
from aimed.validation import MAX_SEED

__all__ = [
    "ANSWERS",
    "CHECK_SEED",
    "CLEAR",
    "DATA_FILE",
    "FAMILIES",
    "MAX_SEED",
    "PATTERNS",
    "PROBLEM",
    "READER_PROFILES",
    "SERIES_LENGTH",
    "Case",
    "Condition",
    "Difficulty",
    "Fact",
    "Published",
    "Rate",
    "ReaderProfile",
    "Rules",
    "Series",
    "Summary",
    "case_identity",
    "case_stem",
    "check_answer",
    "difficulty",
    "explanation_text",
    "fact_text",
    "load_rules",
    "make_series",
    "option_text",
    "paired_series",
    "published_figures",
    "rule_result",
    "rules",
    "score",
    "scripted_answers",
    "shared_cases",
    "simulate",
    "simulated_answers",
    "to_csv",
    "to_json",
]
