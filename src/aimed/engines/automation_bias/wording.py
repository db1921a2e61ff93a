"""A case in the reader's words: its stem, facts, options, the AI's explanation and the rule's
result, from ``locales/automation_bias.*.toml``. Plain text (the locale's ``**bold**`` kept):
the site's check pages lay it out as HTML, the sandbox page as Markdown.
"""

from __future__ import annotations

from typing import cast

from aimed.engines.automation_bias.rules import NS, rules
from aimed.engines.automation_bias.series import Case, Fact
from aimed.engines.chest_pain import default_evidence
from aimed.texts import numbers
from aimed.texts.i18n import t


def _pct(value: float | None, lang: str) -> str:
    return numbers.percent(value, lang, digits=1, least=0)


def list_separator(lang: str) -> str:
    """``; `` in English, `` ; `` in French."""
    return " ; " if lang == "fr" else "; "


def option_text(case: Case, answer: str, lang: str) -> str:
    """The option ``"problem"`` or ``"clear"`` as the case's question words it."""
    return t(f"{NS}.families.{case.family}.{answer}", lang)


def fact_text(case: Case, fact: Fact, lang: str) -> str:
    family, values = case.family, fact.values
    if family == "test_result":
        value = cast(float, values["value"])  # a test-result fact holds its share
        return t(f"{NS}.facts.test_result.{fact.key}", lang, value=_pct(value, lang))
    if family == "chest_pain":
        name = t(f"symptom_checker.findings.{fact.key}", lang)
        return t(
            f"{NS}.facts.chest_pain.{'present' if fact.present else 'absent'}", lang, finding=name
        )
    if family == "marburg" and fact.key == "age_sex":
        return t(f"{NS}.facts.marburg.age_sex.{values['sex']}", lang, age=values["age"])
    state = "present" if fact.present else "absent"
    return t(f"{NS}.facts.{family}.{fact.key}.{state}", lang, **dict(values))


def case_stem(case: Case, lang: str) -> str:
    """The sentence before the facts, agreed with the patient's sex or naming the setting."""
    family = f"{NS}.families.{case.family}"
    if case.setting:
        name = t(f"symptom_checker.settings.{case.setting}", lang)
        return t(f"{family}.stem", lang, setting=name[:1].lower() + name[1:])
    sex = next((str(f.values["sex"]) for f in case.facts if "sex" in f.values), None)
    return t(f"{family}.stem_{sex}", lang) if sex else t(f"{family}.stem", lang)


def explanation_text(case: Case, lang: str) -> str:
    """ "What the AI weighed most: …" for an explained suggestion, else ``""``."""
    if not case.explained:
        return ""
    shown = [fact_text(case, case.fact(key), lang) for key in case.explanation]
    return t(f"{NS}.page.ai_weighed", lang, facts=list_separator(lang).join(shown))


def rule_result(case: Case, lang: str) -> str:
    """What the rule gives for this case, in words: the number behind the right answer."""
    key = f"{NS}.families.{case.family}.measure"
    if case.family == "test_result":
        return t(key, lang, ppv=_pct(case.measure, lang))
    if case.family == "chest_pain":
        return t(key, lang, before=_pct(case.baseline, lang), after=_pct(case.measure, lang))
    return t(key, lang, score=numbers.plain(case.measure, lang))


def rules_card(lang: str) -> tuple[str, list[str]]:
    """The rules behind the right answers, as a heading and Markdown blocks (lists included),
    every figure from the rules file and the chest-pain evidence."""
    card = f"{NS}.rules_card"
    wells = "\n".join(
        "- "
        + t(
            f"{card}.wells_item",
            lang,
            item=t(f"{NS}.wells_items.{key}", lang),
            points=numbers.plain(points, lang),
        )
        for key, points in rules().points("wells").items()
    )
    marburg = "\n".join(
        f"- {t(f'{card}.marburg_item', lang, item=t(f'{NS}.marburg_items.{k}', lang))}"
        for k in rules().points("marburg")
    )
    evidence = default_evidence()
    table = rules().families["chest_pain"]
    condition = str(table["condition"])
    pretest = {
        s: _pct(evidence.pretests[condition, s].probability, lang) for s in evidence.settings
    }
    items = []
    for finding in table["findings"]:
        row = evidence.ratios[condition, finding]
        items.append(
            "- "
            + t(
                f"{card}.chest_pain_item",
                lang,
                finding=t(f"symptom_checker.findings.{finding}", lang),
                lr_pos=numbers.significant(row.lr_pos, lang),
                lr_neg=numbers.significant(row.lr_neg, lang),
            )
        )
    sources = " — ".join(rules().source(f) for f in ("wells", "marburg", "chest_pain"))
    return t(f"{card}.heading", lang), [
        t(f"{card}.test_result", lang),
        f"{t(f'{card}.wells', lang)}\n\n{wells}",
        f"{t(f'{card}.marburg', lang)}\n\n{marburg}",
        f"{t(f'{card}.chest_pain', lang, **pretest)}\n\n" + "\n".join(items),
        t(f"{card}.sources", lang, sources=sources),
    ]
