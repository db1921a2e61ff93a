"""Acute chest pain: a symptom checker that shows what incomplete input does to it.

Each condition is scored on its own: its pre-test probability in the setting (primary
care or emergency department) times the likelihood ratios of the findings, in odds form
(:func:`aimed.engines.bayes.post_test_probability`). The probabilities are NOT forced to add up
to 100%: a patient can have two conditions, or none of those listed.

Every figure lives in ``data/chest_pain.toml`` with its source; :func:`load_evidence`
refuses a row without one (:class:`EvidenceError`, naming the row). Each row also says how
far the project checked it (``status``: ``STATUSES``) and may carry its source in French
(``source_fr``); :meth:`Evidence.figures_behind` lists the rows behind one result, so a page
can mark the results that rest on a teaching approximation or an unchecked figure. A finding is
``present`` (LR+), ``absent`` (LR-) or ``unasked`` (1); a finding with no published ratio
for a condition counts as 1 and is reported as "no evidence".

Stable API (the graded exercises build on it; add, do not rename): ``Answer``,
``EvidenceError``, ``Evidence``, ``load_evidence``, ``default_evidence``, ``assess``,
``Assessment``, ``ConditionResult``, ``next_questions``, ``Suggestion``,
``independence_check``, ``IndependenceGap``, ``compare``, ``Change``, ``GUIDED_PATHS``,
``GuidedPath``. Texts for names: ``symptom_checker.conditions.<key>``,
``symptom_checker.findings.<key>``, ``symptom_checker.settings.<key>``.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType

from aimed.engines.bayes import post_test_probability
from aimed.validation import InputError

__all__ = [
    "DATA_FILE",
    "GUIDED_PATHS",
    "Answer",
    "Assessment",
    "Change",
    "Condition",
    "ConditionResult",
    "Evidence",
    "EvidenceError",
    "Finding",
    "STATUSES",
    "UNCHECKED_STATUSES",
    "GuidedPath",
    "IndependenceGap",
    "Pretest",
    "Ratio",
    "Suggestion",
    "assess",
    "compare",
    "default_evidence",
    "independence_check",
    "load_evidence",
    "next_questions",
]

DATA_FILE = Path(__file__).parents[1] / "data" / "chest_pain.toml"
# How far each figure was checked: in the primary source (the paper or its own abstract),
# only in a secondary source, not at all (recalled), or no published figure (approximation).
STATUSES = ("primary", "secondary", "recalled", "approximation")
UNCHECKED_STATUSES = frozenset({"recalled", "approximation"})


class Answer(StrEnum):
    """What is known about one finding: present (LR+), absent (LR-), not asked (1)."""

    PRESENT = "present"
    ABSENT = "absent"
    UNASKED = "unasked"


class EvidenceError(ValueError):
    """A row of the evidence file that cannot be used; the message names the row."""


# --- The evidence file --------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    key: str
    dangerous: bool
    weight: float


@dataclass(frozen=True)
class Finding:
    key: str
    group: str
    important: bool


@dataclass(frozen=True)
class Pretest:
    condition: str
    setting: str
    probability: float
    source: str
    status: str
    source_fr: str = ""

    def source_in(self, lang: str) -> str:
        """The source in the reader's language (French when the row has one)."""
        return self.source_fr if lang == "fr" and self.source_fr else self.source


@dataclass(frozen=True)
class Ratio:
    """LR+ and LR- of one finding for one condition; None where the source gives none."""

    condition: str
    finding: str
    lr_pos: float | None
    lr_neg: float | None
    source: str
    status: str
    source_fr: str = ""

    def source_in(self, lang: str) -> str:
        """The source in the reader's language (French when the row has one)."""
        return self.source_fr if lang == "fr" and self.source_fr else self.source

    def for_answer(self, answer: Answer) -> float | None:
        if answer is Answer.PRESENT:
            return self.lr_pos
        if answer is Answer.ABSENT:
            return self.lr_neg
        return None


@dataclass(frozen=True)
class Evidence:
    """Everything the checker knows, validated; look-ups by key."""

    settings: tuple[str, ...]
    conditions: Mapping[str, Condition]
    findings: Mapping[str, Finding]
    pretests: Mapping[tuple[str, str], Pretest]
    ratios: Mapping[tuple[str, str], Ratio]
    path: Path

    def ratio(self, condition: str, finding: str, answer: Answer) -> float | None:
        """The likelihood ratio an answer contributes, or None for "no evidence"."""
        row = self.ratios.get((condition, finding))
        return None if row is None else row.for_answer(answer)

    def figures_behind(self, result: ConditionResult, setting: str) -> tuple[Pretest | Ratio, ...]:
        """The pre-test probability and every ratio that one condition's result used."""
        used = (self.ratios[result.condition, finding] for finding, _, _ in result.used)
        return (self.pretests[result.condition, setting], *used)

    def groups(self) -> dict[str, tuple[str, ...]]:
        """Findings by shared mechanism, in file order."""
        out: dict[str, list[str]] = {}
        for finding in self.findings.values():
            out.setdefault(finding.group, []).append(finding.key)
        return {group: tuple(keys) for group, keys in out.items()}


def _where(path: Path, table: str, index: int, row: Mapping[str, object]) -> str:
    names = [str(row[k]) for k in ("key", "condition", "setting", "finding") if k in row]
    label = " / ".join(names) if names else "?"
    return f"{path.name}: [[{table}]] row {index + 1} ({label})"


def _text(row: Mapping[str, object], name: str, where: str) -> str:
    value = row.get(name)
    if not isinstance(value, str) or not value.strip():
        raise EvidenceError(f"{where}: '{name}' is missing or empty")
    return value.strip()


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def _sourced(row: Mapping[str, object], where: str) -> tuple[str, str, str]:
    """``(source, status, source_fr)``; ``source_fr`` is "" when the row has none."""
    source = row.get("source")
    if not isinstance(source, str) or not source.strip():
        raise EvidenceError(f"{where}: no source; every figure must cite where it comes from")
    status = row.get("status")
    if status not in STATUSES:
        raise EvidenceError(f"{where}: 'status' must be one of {STATUSES}, got {status!r}")
    source_fr = row.get("source_fr", "")
    if not isinstance(source_fr, str) or ("source_fr" in row and not source_fr.strip()):
        raise EvidenceError(f"{where}: 'source_fr', when given, must be a non-empty text")
    for text in (source, source_fr) if source_fr else (source,):
        if status == "approximation" and not text.lower().startswith("approximation"):
            raise EvidenceError(f"{where}: an approximation's source must say 'Approximation ...'")
    return source.strip(), str(status), source_fr.strip()


def _rows(data: Mapping[str, object], table: str, path: Path) -> list[Mapping[str, object]]:
    rows = data.get(table, [])
    if not isinstance(rows, list) or not rows:
        raise EvidenceError(f"{path.name}: no [[{table}]] rows")
    return rows


def load_evidence(path: Path | str = DATA_FILE) -> Evidence:
    """Read and validate an evidence file; any unusable row raises EvidenceError."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise EvidenceError(f"{path.name}: not valid TOML ({error})") from None

    settings: list[str] = []
    for i, row in enumerate(_rows(data, "setting", path)):
        key = _text(row, "key", _where(path, "setting", i, row))
        if key in settings:
            raise EvidenceError(f"{_where(path, 'setting', i, row)}: duplicate setting")
        settings.append(key)

    conditions: dict[str, Condition] = {}
    for i, row in enumerate(_rows(data, "condition", path)):
        where = _where(path, "condition", i, row)
        key = _text(row, "key", where)
        weight = _number(row.get("weight", 1.0))
        if weight is None or weight <= 0:
            raise EvidenceError(f"{where}: 'weight' must be a positive number")
        if key in conditions:
            raise EvidenceError(f"{where}: duplicate condition")
        conditions[key] = Condition(key, bool(row.get("dangerous", False)), weight)

    findings: dict[str, Finding] = {}
    for i, row in enumerate(_rows(data, "finding", path)):
        where = _where(path, "finding", i, row)
        key = _text(row, "key", where)
        if key in findings:
            raise EvidenceError(f"{where}: duplicate finding")
        findings[key] = Finding(key, _text(row, "group", where), bool(row.get("important")))

    pretests: dict[tuple[str, str], Pretest] = {}
    for i, row in enumerate(_rows(data, "pretest", path)):
        where = _where(path, "pretest", i, row)
        condition, setting = _text(row, "condition", where), _text(row, "setting", where)
        if condition not in conditions:
            raise EvidenceError(f"{where}: unknown condition {condition!r}")
        if setting not in settings:
            raise EvidenceError(f"{where}: unknown setting {setting!r}")
        probability = _number(row.get("probability"))
        if probability is None or not 0 < probability < 1:
            raise EvidenceError(
                f"{where}: probability must be a number strictly between 0 and 1, "
                f"got {row.get('probability')!r}"
            )
        source, status, source_fr = _sourced(row, where)
        if (condition, setting) in pretests:
            raise EvidenceError(f"{where}: duplicate pre-test probability")
        pretests[condition, setting] = Pretest(
            condition, setting, probability, source, status, source_fr
        )
    missing = [(c, s) for c in conditions for s in settings if (c, s) not in pretests]
    if missing:
        raise EvidenceError(f"{path.name}: no pre-test probability for {missing}")

    ratios: dict[tuple[str, str], Ratio] = {}
    for i, row in enumerate(_rows(data, "ratio", path)):
        where = _where(path, "ratio", i, row)
        condition, finding = _text(row, "condition", where), _text(row, "finding", where)
        if condition not in conditions:
            raise EvidenceError(f"{where}: unknown condition {condition!r}")
        if finding not in findings:
            raise EvidenceError(f"{where}: unknown finding {finding!r}")
        values: dict[str, float | None] = {}
        for name in ("lr_pos", "lr_neg"):
            if name not in row:
                values[name] = None
                continue
            number = _number(row[name])
            if number is None or number <= 0:
                raise EvidenceError(f"{where}: {name} must be a positive number, got {row[name]!r}")
            values[name] = number
        if values["lr_pos"] is None and values["lr_neg"] is None:
            raise EvidenceError(f"{where}: neither lr_pos nor lr_neg is given")
        source, status, source_fr = _sourced(row, where)
        if (condition, finding) in ratios:
            raise EvidenceError(f"{where}: duplicate ratio")
        ratios[condition, finding] = Ratio(
            condition, finding, values["lr_pos"], values["lr_neg"], source, status, source_fr
        )

    return Evidence(
        settings=tuple(settings),
        conditions=MappingProxyType(conditions),
        findings=MappingProxyType(findings),
        pretests=MappingProxyType(pretests),
        ratios=MappingProxyType(ratios),
        path=path,
    )


@cache
def default_evidence() -> Evidence:
    """The shipped evidence file, read once."""
    return load_evidence(DATA_FILE)


# --- Scoring ------------------------------------------------------------------------------


def _answer(value: object, finding: str) -> Answer:
    try:
        return Answer(value.value if isinstance(value, Answer) else str(value).strip().lower())
    except ValueError:
        raise InputError(
            "symptom_checker.errors.bad_answer", finding=finding, answer=str(value)
        ) from None


def _clean(answers: Mapping[str, object], setting: str, evidence: Evidence) -> dict[str, Answer]:
    """Validated answers, without the unasked ones; bad keys or values are InputErrors."""
    if setting not in evidence.settings:
        raise InputError("symptom_checker.errors.unknown_setting", setting=str(setting))
    clean: dict[str, Answer] = {}
    for finding, value in answers.items():
        if finding not in evidence.findings:
            raise InputError("symptom_checker.errors.unknown_finding", finding=str(finding))
        answer = _answer(value, finding)
        if answer is not Answer.UNASKED:
            clean[finding] = answer
    return clean


@dataclass(frozen=True)
class ConditionResult:
    """One condition scored on its own.

    ``used`` lists (finding, answer, ratio) for each answer with evidence;
    ``no_evidence`` the answered findings with no published ratio for this condition.
    """

    condition: str
    dangerous: bool
    pre_test: float
    post_test: float
    used: tuple[tuple[str, Answer, float], ...]
    no_evidence: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    """All conditions for one set of answers in one setting, most probable first."""

    setting: str
    answers: Mapping[str, Answer]
    results: tuple[ConditionResult, ...]

    @property
    def ranking(self) -> tuple[str, ...]:
        return tuple(r.condition for r in self.results)

    @property
    def leading(self) -> str:
        """The most probable condition (ties: the dangerous one, then file order)."""
        return self.results[0].condition

    @property
    def leading_dangerous(self) -> str:
        return next(r.condition for r in self.results if r.dangerous)

    def probability(self, condition: str) -> float:
        return next(r.post_test for r in self.results if r.condition == condition)

    @property
    def total(self) -> float:
        """Sum of all probabilities: rarely 100%, as each condition is scored alone."""
        return sum(r.post_test for r in self.results)


def _score(
    condition: Condition, answers: Mapping[str, Answer], setting: str, evidence: Evidence
) -> ConditionResult:
    used, no_evidence = [], []
    for finding, answer in answers.items():
        ratio = evidence.ratio(condition.key, finding, answer)
        if ratio is None:
            no_evidence.append(finding)
        else:
            used.append((finding, answer, ratio))
    pre = evidence.pretests[condition.key, setting].probability
    post = post_test_probability(pre, [r for _, _, r in used])
    return ConditionResult(
        condition.key, condition.dangerous, pre, post, tuple(used), tuple(no_evidence)
    )


def assess(
    answers: Mapping[str, Answer | str], setting: str, evidence: Evidence | None = None
) -> Assessment:
    """Score every condition for these answers in this setting.

    ``answers`` maps finding keys to ``Answer`` (or "present"/"absent"/"unasked");
    a finding left out is unasked. Unknown keys or values raise InputError.
    """
    evidence = evidence or default_evidence()
    clean = _clean(answers, setting, evidence)
    order = {key: i for i, key in enumerate(evidence.conditions)}
    results = sorted(
        (_score(c, clean, setting, evidence) for c in evidence.conditions.values()),
        key=lambda r: (-r.post_test, not r.dangerous, order[r.condition]),
    )
    return Assessment(setting, MappingProxyType(clean), tuple(results))


# --- What to ask next ---------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """An unasked finding and how far its answer would move the weighted probabilities.

    ``score`` = sum over conditions of weight x mean(|change if present|, |change if
    absent|), in probability points (0.1 = 10 points); ``moves_most`` is the condition
    whose probability moves most.
    """

    finding: str
    score: float
    moves_most: str
    if_present: float
    if_absent: float


def next_questions(
    answers: Mapping[str, Answer | str],
    setting: str,
    evidence: Evidence | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Unasked findings ranked by how much their answer would move what matters most.

    Dangerous conditions (ACS, PE, aortic dissection, pneumothorax) weigh 3 times more
    (``weight`` in the data file). Both answers are treated as equally likely: the
    checker does not know how common each finding is, only its ratios.
    """
    evidence = evidence or default_evidence()
    now = assess(answers, setting, evidence)
    out = []
    for finding in evidence.findings:
        if finding in now.answers:
            continue
        present = assess({**now.answers, finding: Answer.PRESENT}, setting, evidence)
        absent = assess({**now.answers, finding: Answer.ABSENT}, setting, evidence)
        score, best, best_move = 0.0, "", -1.0
        for condition in evidence.conditions.values():
            p0 = now.probability(condition.key)
            move = (
                abs(present.probability(condition.key) - p0)
                + abs(absent.probability(condition.key) - p0)
            ) / 2
            score += condition.weight * move
            if condition.weight * move > best_move:
                best, best_move = condition.key, condition.weight * move
        if score > 0:
            out.append(
                Suggestion(
                    finding,
                    score,
                    best,
                    present.probability(best),
                    absent.probability(best),
                )
            )
    out.sort(key=lambda s: -s.score)
    return out[:limit] if limit is not None else out


# --- Correlated findings ------------------------------------------------------------------


@dataclass(frozen=True)
class IndependenceGap:
    """One condition: all ratios multiplied vs only the strongest of each group.

    ``shared_groups`` are the groups where more than one answered finding had a ratio;
    there the independent product counts one mechanism more than once.
    """

    condition: str
    independent: float
    grouped: float
    shared_groups: tuple[str, ...]

    @property
    def excess(self) -> float:
        """How much more certain (in probability) the independent product looks."""
        return self.independent - self.grouped


def independence_check(
    answers: Mapping[str, Answer | str], setting: str, evidence: Evidence | None = None
) -> list[IndependenceGap]:
    """For each condition, the posterior if correlated findings counted once.

    Within a group (e.g. sweating and nausea: autonomic), only the ratio furthest from 1
    (largest |log LR|) is kept: a crude lower bound on what the group adds, against the
    independent product's upper bound. Conditions with no shared group are left out.
    """
    evidence = evidence or default_evidence()
    now = assess(answers, setting, evidence)
    group_of = {k: f.group for k, f in evidence.findings.items()}
    gaps = []
    for result in now.results:
        by_group: dict[str, list[float]] = {}
        for finding, _, ratio in result.used:
            by_group.setdefault(group_of[finding], []).append(ratio)
        shared = tuple(g for g, ratios in by_group.items() if len(ratios) > 1)
        if not shared:
            continue
        strongest = [max(ratios, key=lambda r: abs(math.log(r))) for ratios in by_group.values()]
        grouped = post_test_probability(result.pre_test, strongest)
        gaps.append(IndependenceGap(result.condition, result.post_test, grouped, shared))
    gaps.sort(key=lambda g: -abs(g.excess))
    return gaps


# --- What changed between two runs ----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The difference between two assessments, for "what changed after your edit"."""

    leading_before: str
    leading_after: str
    setting_before: str
    setting_after: str
    answers_changed: tuple[tuple[str, Answer, Answer], ...]
    moves: tuple[tuple[str, float, float], ...] = field(default=())

    @property
    def leading_changed(self) -> bool:
        return self.leading_before != self.leading_after

    @property
    def setting_changed(self) -> bool:
        return self.setting_before != self.setting_after


def compare(before: Assessment, after: Assessment) -> Change:
    """What the user changed (answers, setting) and what it did to the ranking.

    ``moves`` lists (condition, before, after) by size of the change, largest first.
    """
    keys = list(dict.fromkeys([*before.answers, *after.answers]))
    changed = tuple(
        (k, before.answers.get(k, Answer.UNASKED), after.answers.get(k, Answer.UNASKED))
        for k in keys
        if before.answers.get(k, Answer.UNASKED) != after.answers.get(k, Answer.UNASKED)
    )
    moves = sorted(
        ((c, before.probability(c), after.probability(c)) for c in before.ranking),
        key=lambda m: -abs(m[2] - m[1]),
    )
    return Change(
        before.leading,
        after.leading,
        before.setting,
        after.setting,
        changed,
        tuple(m for m in moves if m[1] != m[2]),
    )


# --- Guided "try this" paths -------------------------------------------------------------


@dataclass(frozen=True)
class GuidedPath:
    """A reproducible failure: a first state, then the one thing that changes.

    ``after_answers``/``after_setting`` default to the first state's; ``lay_text`` (per
    language) is what the patient types in the lay-wording path; ``margin`` is the
    smallest excess certainty the double-counting path must show.
    """

    key: str
    setting: str
    answers: Mapping[str, Answer]
    after_answers: Mapping[str, Answer] | None = None
    after_setting: str | None = None
    lay_text: Mapping[str, str] | None = None
    margin: float | None = None

    def before(self, evidence: Evidence | None = None) -> Assessment:
        return assess(self.answers, self.setting, evidence)

    def after(self, evidence: Evidence | None = None) -> Assessment:
        answers = self.answers if self.after_answers is None else self.after_answers
        return assess(answers, self.after_setting or self.setting, evidence)


def _answers(present: Iterable[str] = (), absent: Iterable[str] = ()) -> Mapping[str, Answer]:
    out = {k: Answer.PRESENT for k in present} | {k: Answer.ABSENT for k in absent}
    return MappingProxyType(out)


GUIDED_PATHS: Mapping[str, GuidedPath] = MappingProxyType(
    {
        path.key: path
        for path in (
            # (1) Pressure pain and sweating: ACS leads. Nobody asked whether pressing on
            # the chest reproduces the pain; once answered, chest-wall pain leads.
            GuidedPath(
                key="missing_finding",
                setting="emergency",
                answers=_answers(present=["pressure_pain", "sweating"]),
                after_answers=_answers(present=["pressure_pain", "sweating", "palpation"]),
            ),
            # (2) The patient's own words for pressure pain are not in the phrase list.
            GuidedPath(
                key="lay_wording",
                setting="emergency",
                answers=_answers(),
                lay_text=MappingProxyType(
                    {
                        "en": "It feels like an elephant sitting on my chest. I am sweating.",
                        "fr": "J'ai comme un éléphant assis sur la poitrine. Je transpire.",
                    }
                ),
            ),
            # (3) Five findings, two pairs of which share a mechanism, multiplied as if
            # independent.
            GuidedPath(
                key="double_counting",
                setting="primary_care",
                answers=_answers(
                    present=["pressure_pain", "radiation_arm", "sweating", "nausea", "exertional"]
                ),
                margin=0.10,
            ),
            # (4) The same findings with the emergency department's prevalences, then the
            # GP's: ACS leads in one, chest-wall pain in the other.
            GuidedPath(
                key="wrong_setting",
                setting="emergency",
                answers=_answers(present=["pressure_pain", "sweating", "exertional"]),
                after_setting="primary_care",
            ),
        )
    }
)
