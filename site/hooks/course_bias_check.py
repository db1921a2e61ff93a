"""The automation-bias check, taken twice on the site: before module 7 and at the end.

`<!-- bias-check: before -->` (or `after`) on a page -> the 20 cases of one series of the
course's pair (aimed.engines.automation_bias.paired_series: no case in common, equally hard),
drawn at build time by the core engine and laid out here; assets/javascripts/bias-check.js
takes the answers, tallies commission and omission errors as the engine's ``score`` does, and
keeps the result in this browser for the record (record.js). The cases' conditions and right
answers go masked into ``data-key`` (course_record.encode_key): a static page cannot hide them
from someone who reads its source, and the page says so.
"""

from __future__ import annotations

import html
import re
from functools import cache

from markupsafe import Markup

from aimed.engines.automation_bias import (
    CHECK_SEED,
    CLEAR,
    PROBLEM,
    Case,
    Condition,
    Series,
    case_stem,
    explanation_text,
    fact_text,
    option_text,
    paired_series,
    rule_result,
)
from aimed.engines.automation_bias.wording import rules_card
from aimed.site.hooks.course_record import encode_key
from aimed.site.hooks.fragments import render, trusted
from aimed.texts.i18n import t

STAGES = ("before", "after")
MARK = re.compile(r"^<!--\s*bias-check:\s*(\S+)\s*-->[ \t]*$", re.MULTILINE)
BOLD = re.compile(r"\*\*(.+?)\*\*")
NS = "automation_bias"

TEXT = {
    "en": {
        "nojs": "The check needs JavaScript to record your answers; nothing is stored without it.",
        "case": "Case {number} of {total}: {title}",
        "submit": "See my result",
        "unanswered": "Answer every case first: {count} still without an answer (the first: ",
        "result_title": "Your result",
        "commission": "Wrong AI suggestions you followed (commission errors)",
        "omission": "Problems you missed when the AI said nothing (omission errors)",
        "correct": "Right answers, all cases",
        "of": "{hits} of {total}",
        "other_missing": "Take the other attempt too: your record then shows the difference.",
        "difference": "Change since your first attempt: commission errors {commission}, "
        "omission errors {omission} (a negative number is fewer errors).",
        "right_answer": "Right answer: {answer} ({rule}).",
        "your_answer": "Your answer: {answer}.",
        "record_link": "See it on my record of completion",
    },
    "fr": {
        "nojs": (
            "Le test a besoin de JavaScript pour enregistrer vos réponses\u202f; sans lui, rien "
            "n'est conservé."
        ),
        "case": "Cas {number} sur {total}\u00a0: {title}",
        "submit": "Voir mon résultat",
        "unanswered": (
            "Répondez d'abord à chaque cas\u00a0: {count} encore sans réponse (le premier\u00a0: "
        ),
        "result_title": "Votre résultat",
        "commission": "Suggestions erronées de l'IA que vous avez suivies (erreurs de commission)",
        "omission": ("Problèmes manqués quand l'IA ne signalait rien (erreurs d'omission)"),
        "correct": "Bonnes réponses, tous cas confondus",
        "of": "{hits} sur {total}",
        "other_missing": (
            "Passez aussi l'autre tentative\u00a0: votre attestation montrera alors l'écart."
        ),
        "difference": (
            "Écart depuis votre première tentative\u00a0: erreurs de commission {commission}, "
            "erreurs d'omission {omission} (un nombre négatif signifie moins d'erreurs)."
        ),
        "right_answer": "Bonne réponse\u00a0: {answer} ({rule}).",
        "your_answer": "Votre réponse\u00a0: {answer}.",
        "record_link": "La voir sur mon attestation de formation",
    },
}


def with_bold(text: str) -> Markup:
    """A locale text as HTML: escaped, its ``**bold**`` as <strong>."""
    return Markup(BOLD.sub(r"<strong>\1</strong>", html.escape(text, quote=False)))


@cache
def course_pair() -> dict[str, Series]:
    """Drawn once per build (the search for the second series takes about half a second)."""
    before, after = paired_series(CHECK_SEED)
    return {"before": before, "after": after}


def _case(case: Case, stage: str, total: int, lang: str) -> dict[str, object]:
    family = f"{NS}.families.{case.family}"
    if case.condition is Condition.ALONE:
        ai = ""
    elif case.suggestion is None:
        ai = with_bold(t(f"{NS}.page.ai_silent", lang))
    else:
        ai = with_bold(
            t(f"{NS}.page.ai_suggests", lang, answer=option_text(case, case.suggestion, lang))
        )
    return {
        "number": case.number,
        "id": f"bias-{stage}-{case.number}",
        "legend": TEXT[lang]["case"].format(
            number=case.number, total=total, title=t(f"{family}.title", lang)
        ),
        "stem": case_stem(case, lang),
        "facts": [fact_text(case, fact, lang) for fact in case.facts],
        "alone": case.condition is Condition.ALONE,
        "alone_text": t(f"{NS}.page.alone", lang),
        "ai": ai,
        "why": explanation_text(case, lang),
        "question": t(f"{family}.question", lang),
        "options": [(answer, option_text(case, answer, lang)) for answer in (CLEAR, PROBLEM)],
    }


def case_key(series: Series, lang: str) -> dict[int, list[str]]:
    """Per case: condition, right answer, the AI's suggestion ("" if none), the right option
    and the rule's result in words (shown after the learner's result)."""
    return {
        case.number: [
            case.condition.value,
            case.answer,
            case.suggestion or "",
            option_text(case, case.answer, lang),
            rule_result(case, lang),
        ]
        for case in series.cases
    }


def check_block(stage: str, lang: str, record_link: str) -> str:
    """The page's cases, the rules card and the result region bias-check.js drives."""
    if stage not in STAGES:
        raise ValueError(f"bias-check: '{stage}' is not one of {', '.join(STAGES)}")
    series = course_pair()[stage]
    total = len(series.cases)
    heading, blocks = rules_card(lang)
    return render(
        "bias-check",
        words=trusted(TEXT[lang]),
        stage=stage,
        series=series.seed,
        key=encode_key(case_key(series, lang)),
        record=record_link,
        cases=[_case(case, stage, total, lang) for case in series.cases],
        rules_heading=heading,
        rules=Markup("\n\n".join(blocks)),
    )
