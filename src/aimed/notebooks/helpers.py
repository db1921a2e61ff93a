"""Plumbing for the graded notebooks, so a physician answers with numbers and choices only.

The learner never writes an algorithm: these functions show tables, build the seeded
synthetic data a question needs, and check that an answer has the right *form* (a
number, a proportion rather than a percentage, one of the offered letters) with a
message in the learner's language. Whether an answer is *right* is decided by the
notebooks' hidden tests, never here, so nothing in this module gives an answer away.
"""

from __future__ import annotations

import functools
import html
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from types import FrameType

import numpy as np
import pandas as pd

from aimed.engines.bayes import natural_frequencies
from aimed.engines.chest_pain import Answer, assess, independence_check, next_questions
from aimed.texts import numbers
from aimed.texts.i18n import normalise_language, t
from aimed.validation import check_seed, check_share

__all__ = [
    "add_back_table",
    "check_choice",
    "check_number",
    "choice",
    "current_language",
    "differential_table",
    "findings_table",
    "form_check",
    "independence_table",
    "in_percent",
    "named_answer",
    "natural_frequency_table",
    "next_questions_table",
    "set_language",
    "synthetic_risk_scores",
    "table_text",
    "tell",
    "threshold_table",
]

_state = {"lang": "en"}


def set_language(lang: str) -> str:
    """Pick the language of every message and table of the notebook (``"en"`` or ``"fr"``)."""
    _state["lang"] = normalise_language(lang)
    _show_tables_in_language()
    return _state["lang"]


def current_language() -> str:
    """The language set by :func:`set_language` (English until then)."""
    return _state["lang"]


def _text(key: str, **values: object) -> str:
    return t(f"exercises.{key}", _state["lang"], **values)


def _shown(value: object) -> str:
    """A learner's value as they would recognise it, kept short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- Checking the form of an answer -----------------------------------------------------


def tell(message: str) -> None:
    """Show ``message`` under the cell, as a notice rather than an error (no traceback)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - the notebooks always run in IPython
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(message)
        return
    style = "border-left:4px solid #b3261e;padding:0.4em 0.8em;background:#fdecea;color:#3b0d0c"
    shown = f'<div role="alert" class="aimed-check" style="{style}">{html.escape(message)}</div>'
    display({"text/plain": message, "text/html": shown}, raw=True)


def form_check(check: Callable[..., None]) -> Callable[..., None]:
    """Make a form check tell the learner what to fix instead of raising.

    A failed check is a message in the learner's language: no traceback, and "Run All" goes
    on to the cells below. Whether an answer is *right* is decided by the hidden checks,
    which still fail the cell when grading.
    """

    @functools.wraps(check)
    def checked(*args: object, **kwargs: object) -> None:
        try:
            check(*args, **kwargs)
        except AssertionError as problem:
            tell(str(problem))

    return checked


NOT_GIVEN: object = object()  # a check called with the answer's name only
_OURS = "aimed.notebooks"  # the modules whose check functions look an answer up by name


def named_answer(name: str, value: object) -> object:
    """The learner's answer: ``value`` when given, else the notebook's variable ``name``.

    A check cell names the answer (``check_number("answer_q1", whole=True)``) rather than
    reading it, so an unanswered question gets a message instead of a ``NameError``.
    """
    if value is not NOT_GIVEN:
        return value
    # The namespace of the cell that called the check: the first frame outside these helpers
    # (the kernel's __main__ in a notebook, the grader's own namespace when it runs the cells).
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_OURS):
        frame = frame.f_back
    return None if frame is None else frame.f_globals.get(name)


@form_check
def check_number(
    name: str,
    value: object = NOT_GIVEN,
    *,
    low: float | None = None,
    high: float | None = None,
    whole: bool = False,
    proportion: bool = False,
) -> None:
    """Tell the learner what to fix unless ``value`` is a number of the expected form.

    ``proportion=True`` expects a value from 0 to 1 and recognises a percentage typed
    by mistake (9.2 for 0.092); ``whole=True`` expects a count of people. A French
    decimal comma (``0,092``, which Python reads as two numbers) gets its own hint.
    """
    value = named_answer(name, value)
    if value is None or value is Ellipsis:
        raise AssertionError(_text("check.missing", name=name))
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        raise AssertionError(_text("check.decimal_comma", name=name, a=value[0], b=value[1]))
    if isinstance(value, str):
        raise AssertionError(_text("check.quoted_number", name=name, given=_shown(value)))
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise AssertionError(_text("check.not_a_number", name=name, given=_shown(value)))
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise AssertionError(_text("check.not_a_number", name=name, given=_shown(value)))
    if proportion:
        if 1 < number <= 100:
            raise AssertionError(_text("check.percentage", name=name, given=_shown(value)))
        low = 0.0 if low is None else max(low, 0.0)
        high = 1.0 if high is None else min(high, 1.0)
    if whole and number != int(number):
        raise AssertionError(_text("check.not_whole", name=name, given=_shown(value)))
    if (low is not None and number < low) or (high is not None and number > high):
        raise AssertionError(
            _text("check.out_of_range", name=name, given=_shown(value), low=low, high=high)
        )


def choice(value: object) -> str:
    """A choice as one upper-case letter: ``" b "`` and ``"B"`` are the same answer."""
    return str(value).strip().strip(").").upper() if isinstance(value, str) else ""


@form_check
def check_choice(name: str, value: object = NOT_GIVEN, options: Sequence[str] = ()) -> None:
    """Tell the learner what to fix unless ``value`` is one of the offered letters."""
    value = named_answer(name, value)
    letters = ", ".join(f'"{option}"' for option in options)
    if value is None or value is Ellipsis:
        raise AssertionError(_text("check.missing", name=name))
    if not isinstance(value, str) or choice(value) not in options:
        raise AssertionError(
            _text("check.not_a_choice", name=name, given=_shown(value), options=letters)
        )


# --- Tables a learner reads ---------------------------------------------------------------

_PERCENT = "aimed.percent"  # DataFrame.attrs keys: the columns and rows that hold proportions
_PERCENT_ROWS = "aimed.percent_rows"


def in_percent(frame: pd.DataFrame, *columns: str, rows: Sequence[str] = ()) -> pd.DataFrame:
    """Mark ``columns`` (or, in a table of measures, ``rows``) as proportions, which the
    notebook shows as percentages.

    The values stay proportions (what answers are written in and checks compare); only
    what the learner reads changes: ``0.751`` shows as ``75.1%`` or ``75,1 %``.
    """
    frame.attrs[_PERCENT] = [*frame.attrs.get(_PERCENT, []), *columns]
    frame.attrs[_PERCENT_ROWS] = [*frame.attrs.get(_PERCENT_ROWS, []), *rows]
    return frame


def _cell(value: object, lang: str, percent: bool) -> str:
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        return str(value)
    if isinstance(value, int | np.integer):
        return numbers.count(int(value), lang)
    if math.isnan(value):
        return numbers.UNDEFINED
    if percent:
        return numbers.percent(float(value), lang, digits=2, least=1)
    return numbers.plain(float(value), lang)


def table_text(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """``frame`` as the learner reads it: every number written as their language writes it.

    French ``75,1 %``, ``10 000``, ``0,82``; English ``75.1%``, ``10,000``, ``0.82``.
    """
    lang = lang or _state["lang"]
    percent = set(frame.attrs.get(_PERCENT, []))
    rows = set(frame.attrs.get(_PERCENT_ROWS, []))
    shown = pd.DataFrame(
        {
            column: [
                _cell(v, lang, column in percent or row in rows)
                for row, v in zip(frame.index, frame[column], strict=True)
            ]
            for column in frame.columns
        },
        index=pd.Index([_cell(v, lang, False) for v in frame.index], name=frame.index.name),
    )
    shown.columns = frame.columns
    return shown


def _show_tables_in_language() -> None:
    """Have IPython display every table of the notebook through :func:`table_text`."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the notebooks always run in IPython
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, lambda frame: table_text(frame).to_html())
    formatters["text/plain"].for_type(
        pd.DataFrame, lambda frame, printer, cycle: printer.text(table_text(frame).to_string())
    )


def natural_frequency_table(
    sensitivity: float, specificity: float, prevalence: float, n: int = 1000
) -> pd.DataFrame:
    """The 2x2 table of ``n`` people tested, in whole people, with totals.

    Counts come from :func:`aimed.engines.bayes.natural_frequencies`, the same arithmetic as the
    sandbox's icon array, so the notebook and the page never disagree.
    """
    counts = natural_frequencies(sensitivity, specificity, prevalence, n)
    rows = [_text("table.ill"), _text("table.not_ill"), _text("table.total")]
    return pd.DataFrame(
        {
            _text("table.positive"): [
                counts.true_positives,
                counts.false_positives,
                counts.positives,
            ],
            _text("table.negative"): [
                counts.false_negatives,
                counts.true_negatives,
                counts.negatives,
            ],
            _text("table.total"): [counts.sick, counts.healthy, counts.n],
        },
        index=pd.Index(rows, name=_text("table.people", n=n)),
    )


def synthetic_risk_scores(
    n: int = 2000, prevalence: float = 0.10, separation: float = 1.6, seed: int = 2026
) -> pd.DataFrame:
    """A seeded synthetic cohort scored by a made-up risk model (0 to 100), never real patients.

    ``round(n * prevalence)`` patients have the condition. The model's hidden score is
    normal with mean ``separation`` for them and 0 for the others (standard deviation 1);
    it is shown as ``100 / (1 + exp(-(x - separation / 2) * 1.5))``, a 0-100 score.
    Columns: ``score`` (whole number) and ``ill`` (bool).
    """
    rng = np.random.default_rng(check_seed(seed))
    sick = round(n * check_share(prevalence, ends=False))
    hidden = np.concatenate([rng.normal(separation, 1.0, sick), rng.normal(0.0, 1.0, n - sick)])
    score = np.rint(100 / (1 + np.exp(-(hidden - separation / 2) * 1.5))).astype(int)
    ill = np.concatenate([np.ones(sick, dtype=bool), np.zeros(n - sick, dtype=bool)])
    order = rng.permutation(n)
    return pd.DataFrame({"score": score[order], "ill": ill[order]})


def threshold_table(cohort: pd.DataFrame, thresholds: Sequence[int]) -> pd.DataFrame:
    """For each alert threshold (alert when score >= threshold): what the alerts are worth.

    Columns: sensitivity and specificity (proportions), alerts and true alerts per
    1,000 patients (whole numbers), and the share of alerts that are true (PPV).
    """
    ill = cohort["ill"].to_numpy(dtype=bool)
    score = cohort["score"].to_numpy()
    per_thousand = 1000 / len(cohort)
    rows = []
    for threshold in thresholds:
        alert = score >= threshold
        true_alerts = int(np.sum(alert & ill))
        alerts = int(np.sum(alert))
        rows.append(
            {
                _text("table.threshold"): int(threshold),
                _text("table.sensitivity"): round(true_alerts / ill.sum(), 3),
                _text("table.specificity"): round(float(np.sum(~alert & ~ill) / (~ill).sum()), 3),
                _text("table.alerts"): round(alerts * per_thousand),
                _text("table.true_alerts"): round(true_alerts * per_thousand),
                _text("table.ppv"): round(true_alerts / alerts, 3) if alerts else float("nan"),
            }
        )
    frame = pd.DataFrame(rows).set_index(_text("table.threshold"))
    shares = ("sensitivity", "specificity", "ppv")
    return in_percent(frame, *(_text(f"table.{share}") for share in shares))


# --- The symptom checker, read as tables (aimed.engines.chest_pain does the scoring) --------------


def _name(kind: str, key: str) -> str:
    """A condition, finding, answer or setting named in the learner's language."""
    return t(f"symptom_checker.{kind}.{key}", _state["lang"])


def findings_table(answers: Mapping[str, Answer | str]) -> pd.DataFrame:
    """What the checker was told: each finding in words, with its answer."""
    return pd.DataFrame(
        {_text("table.answer"): [_name("answers", Answer(str(v))) for v in answers.values()]},
        index=pd.Index([_name("findings", k) for k in answers], name=_text("table.finding")),
    )


def differential_table(
    answers: Mapping[str, Answer | str], setting: str, top: int = 5
) -> pd.DataFrame:
    """The checker's differential, most probable first: before and after the findings.

    Probabilities are proportions rounded to 3 decimals; each condition is scored on
    its own (:func:`aimed.engines.chest_pain.assess`), so they need not add up to 1.
    """
    result = assess(answers, setting)
    rows = [
        {
            _text("table.condition"): _name("conditions", r.condition),
            _text("table.dangerous"): _text("table.yes") if r.dangerous else "",
            _text("table.pre_test"): round(r.pre_test, 3),
            _text("table.post_test"): round(r.post_test, 3),
        }
        for r in result.results[:top]
    ]
    frame = pd.DataFrame(rows)
    frame.index = pd.RangeIndex(1, len(rows) + 1, name=_text("table.rank"))
    return in_percent(frame, _text("table.pre_test"), _text("table.post_test"))


def add_back_table(
    partial: Mapping[str, Answer | str],
    full: Mapping[str, Answer | str],
    setting: str,
    watch: str = "acs",
) -> pd.DataFrame:
    """Each finding of ``full`` missing from ``partial``, added back alone: what leads then?

    One row per missing finding: its answer, the leading condition once it is known,
    and the probability of the ``watch`` condition. The first row is the partial input
    as it stands, for comparison.
    """
    now = assess(partial, setting)
    rows = [
        {
            _text("table.finding"): _text("table.as_entered"),
            _text("table.answer"): "",
            _text("table.leading"): _name("conditions", now.leading),
            _text("table.probability_of", condition=_name("conditions", watch)): round(
                now.probability(watch), 3
            ),
        }
    ]
    for finding, answer in full.items():
        if finding in partial:
            continue
        after = assess({**partial, finding: answer}, setting)
        rows.append(
            {
                _text("table.finding"): _name("findings", finding),
                _text("table.answer"): _name("answers", Answer(str(answer))),
                _text("table.leading"): _name("conditions", after.leading),
                _text("table.probability_of", condition=_name("conditions", watch)): round(
                    after.probability(watch), 3
                ),
            }
        )
    probability = _text("table.probability_of", condition=_name("conditions", watch))
    return in_percent(pd.DataFrame(rows), probability)


def next_questions_table(
    answers: Mapping[str, Answer | str], setting: str, limit: int = 5
) -> pd.DataFrame:
    """The checker's "ask this next" list (:func:`aimed.engines.chest_pain.next_questions`)."""
    rows = [
        {
            _text("table.finding"): _name("findings", s.finding),
            _text("table.moves_most"): _name("conditions", s.moves_most),
            _text("table.if_present"): round(s.if_present, 3),
            _text("table.if_absent"): round(s.if_absent, 3),
        }
        for s in next_questions(answers, setting, limit=limit)
    ]
    frame = pd.DataFrame(rows)
    frame.index = pd.RangeIndex(1, len(rows) + 1, name=_text("table.rank"))
    return in_percent(frame, _text("table.if_present"), _text("table.if_absent"))


def independence_table(answers: Mapping[str, Answer | str], setting: str) -> pd.DataFrame:
    """Per condition: findings multiplied as independent vs related findings counted once."""
    rows = [
        {
            _text("table.condition"): _name("conditions", gap.condition),
            _text("table.independent"): round(gap.independent, 3),
            _text("table.grouped"): round(gap.grouped, 3),
        }
        for gap in independence_check(answers, setting)
    ]
    frame = pd.DataFrame(rows)
    return in_percent(frame, _text("table.independent"), _text("table.grouped"))
