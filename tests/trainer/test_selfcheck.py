"""Check my answers: a learner's saved notebook checked as grading checks it, and never changed.

Real release, real sandbox (bubblewrap), real hidden checks: a learner with some answers
right, some wrong and some blank gets exactly that per question, with hints in the
notebook's language that name its part and the module, and never an expected value, a
check's line or a traceback; the file is byte for byte the same after. Every exercise of the
manifest: the model answers are all right, the release as handed out is all unanswered.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import urllib.request
from pathlib import Path

import pytest

from aimed.course_manifest import load_manifest
from aimed.lab.checker import Checker
from aimed.settings import SettingError, self_check
from aimed.trainer.checks import load_exercise
from aimed.trainer.selfcheck import (
    NOT_ANSWERED,
    NOT_YET,
    RIGHT,
    CheckUnavailable,
    check_notebook,
)
from aimed.trainer.synthetic import autograded_answers, solutions

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = load_manifest(ROOT / "course" / "course.toml").exercises


def paths(course: Path, assignment: str) -> tuple[Path, Path]:
    """The source and the released notebook of ``assignment``."""
    name = assignment.rsplit("-", 1)[0]
    return (
        course / "source" / assignment / f"{name}.ipynb",
        course / "release" / assignment / f"{name}.ipynb",
    )


def wrong(answer: str, grade_id: str) -> str:
    """The model answer, then changed: another letter, or another number."""
    return (
        f"{answer}\n{grade_id} = ('A' if str({grade_id}).strip().upper() != 'A' else 'B') "
        f"if isinstance({grade_id}, str) else {grade_id} * 0.5 + 3"
    )


def learner_notebook(
    course: Path, assignment: str, folder: Path, right: int, mistaken: int, none: bool = False
) -> tuple[Path, list[str]]:
    """A learner's saved notebook: ``right`` answers right, ``mistaken`` wrong, the rest blank
    (the release's stub), or ``None`` when ``none``. Returns it and the answers' grade ids."""
    source, release = paths(course, assignment)
    nb = json.loads(release.read_text(encoding="utf-8"))
    answers = solutions(source)
    codes = autograded_answers(nb)
    plan = {g: answers[g] for g in codes[:right]}
    plan |= {g: wrong(answers[g], g) for g in codes[right : right + mistaken]}
    if none:
        plan |= {g: f"{g} = None" for g in codes[right + mistaken :]}
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in plan:
            cell["source"] = plan[grade_id]
    mine = folder / assignment / release.name
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    return mine, codes


def digest(path: Path) -> tuple[str, float]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


def forbidden_lines(source: Path) -> list[str]:
    """Lines the learner must never see: hidden checks and model answers."""
    return [line for line in load_exercise(source).secrets if len(line) >= 12]


def assert_teaches_without_giving_away(result_text: str, source: Path) -> None:
    for line in forbidden_lines(source):
        assert line not in result_text, f"a hidden check or model answer shown: {line}"
    for word in ("Traceback", "AssertionError", "assert ", "BEGIN HIDDEN", "answer_q"):
        assert word not in result_text


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_some_right_some_wrong_some_blank(released_course, tmp_path: Path, lang: str) -> None:
    course = released_course["root"]
    assignment = f"reading-performance-{lang}"
    source, release = paths(course, assignment)
    mine, codes = learner_notebook(course, assignment, tmp_path, right=4, mistaken=3)
    before = digest(mine)

    result = check_notebook(source, mine, release)

    assert digest(mine) == before, "checking changed the learner's notebook"
    assert [q.state for q in result.questions] == (
        [RIGHT] * 4 + [NOT_YET] * 3 + [NOT_ANSWERED] * (len(codes) - 7)
    )
    assert [q.number for q in result.questions] == [str(n) for n in range(1, len(codes) + 1)]
    assert result.written == ["13"]  # the free-text question: the trainer's
    part = {"en": "Part 3. Choosing an alert threshold", "fr": "Partie 3. Choisir un seuil"}
    wrong_q6 = result.questions[5]
    assert wrong_q6.part.startswith(part[lang])
    assert part[lang] in wrong_q6.hint
    module = {"en": "Reading a model's performance", "fr": "Lire la performance d'un modèle"}
    assert module[lang] in wrong_q6.hint and "2" in wrong_q6.hint
    blank = result.questions[-1]
    assert {"en": "no answer yet", "fr": "pas encore de réponse"}[lang] in blank.hint
    assert all(q.hint == "" for q in result.questions if q.state == RIGHT)
    assert_teaches_without_giving_away(json.dumps(result.as_dict(), ensure_ascii=False), source)
    # the expected values of the wrong answers never appear (the model's numbers)
    text = " ".join(q.hint for q in result.questions)
    for number in re.findall(r"=\s*([0-9][0-9.]*)\s*$", "\n".join(solutions(source).values())):
        assert not re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", text), number


@pytest.mark.slow
def test_both_languages_point_to_the_same_section(released_course, tmp_path: Path) -> None:
    course = released_course["root"]
    hints = {}
    for lang in ("en", "fr"):
        source, release = paths(course, f"bias-{lang}")
        mine, _ = learner_notebook(course, f"bias-{lang}", tmp_path, right=0, mistaken=13)
        hints[lang] = [q.hint for q in check_notebook(source, mine, release).questions]
    sections = {
        lang: [re.search(r"“([^”]+)”[^“]*$|«\s([^»]+)\s»[^«]*$", h) for h in hints[lang]]
        for lang in hints
    }
    assert all(sections["en"]) and all(sections["fr"])
    english = {m.group(1) or m.group(2) for m in sections["en"]}
    french = {m.group(1) or m.group(2) for m in sections["fr"]}
    assert len(english) == len(french) >= 2  # the same sections, named in each language


@pytest.mark.slow
def test_an_answer_left_as_none_is_not_answered(released_course, tmp_path: Path) -> None:
    course = released_course["root"]
    source, release = paths(course, "world-changes-en")
    mine, codes = learner_notebook(course, "world-changes-en", tmp_path, 2, 0, none=True)
    result = check_notebook(source, mine, release)
    assert [q.state for q in result.questions] == [RIGHT] * 2 + [NOT_ANSWERED] * (len(codes) - 2)


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_exercise_all_right_and_all_blank(
    released_course, tmp_path: Path, exercise: str
) -> None:
    course = released_course["root"]
    for lang in ("en", "fr"):
        assignment = f"{exercise}-{lang}"
        source, release = paths(course, assignment)
        solved, codes = learner_notebook(
            course, assignment, tmp_path / "solved", len(solutions(source)), 0
        )
        result = check_notebook(source, solved, release)
        assert [q.state for q in result.questions] == [RIGHT] * len(codes), assignment
        assert result.notice == ""
        blank = check_notebook(source, release, release)  # the notebook as handed out
        assert {q.state for q in blank.questions} == {NOT_ANSWERED}, assignment
        assert all(q.part and q.hint for q in blank.questions)


@pytest.mark.slow
def test_what_is_not_a_notebook_or_has_no_checks_is_said(released_course, tmp_path: Path) -> None:
    course = released_course["root"]
    source, release = paths(course, "reading-performance-en")
    junk = tmp_path / "reading-performance.ipynb"
    junk.write_text('{"answer_q1": 98}')
    with pytest.raises(CheckUnavailable) as caught:
        check_notebook(source, junk, release)
    assert caught.value.reason == "unreadable"
    junk.write_bytes(b"\xff\xfe not text")
    with pytest.raises(CheckUnavailable):
        check_notebook(source, junk, release)
    with pytest.raises(CheckUnavailable) as caught:
        check_notebook(tmp_path / "nowhere.ipynb", release, release)
    assert caught.value.reason == "no_source"


@pytest.mark.slow
def test_the_exercise_servers_worker_answers_and_survives_bad_requests(
    released_course, tmp_path: Path
) -> None:
    course = released_course["root"]
    source, release = paths(course, "reading-performance-fr")
    mine, codes = learner_notebook(course, "reading-performance-fr", tmp_path, 1, 1)
    checker = Checker()
    try:
        assert checker.ask({"warm": str(source)}) == {"warm": True}
        assert checker.ask({"what": "nothing"}) == {"unavailable": "failed"}
        reply = checker.ask({"source": str(source), "notebook": str(mine), "release": str(release)})
        states = [q["state"] for q in reply["result"]["questions"]]
        assert states == [RIGHT, NOT_YET] + [NOT_ANSWERED] * (len(codes) - 2)
        missing = {"source": str(source), "notebook": str(tmp_path / "x.ipynb")}
        assert checker.ask(missing) == {"unavailable": "unreadable"}
    finally:
        checker.close()


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line."""
    found: dict[int, str] = {}
    queue = [pid]
    while queue:
        parent = queue.pop()
        children: list[str] = []
        for task in Path(f"/proc/{parent}/task").glob("*"):  # a thread's children too
            try:
                children += (task / "children").read_text().split()
            except OSError:
                continue
        for child in map(int, children):
            try:
                found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            queue.append(child)
    return {pid: command.decode("utf-8", "replace") for pid, command in found.items()}


def topmost(pid: int, needle: str) -> list[int]:
    """The processes below ``pid`` whose command holds ``needle``, without their descendants:
    a child a process is starting shows its parent's command until it runs its own."""
    matching = [p for p, command in descendants(pid).items() if needle in command]
    below = {child for p in matching for child in descendants(p)}
    return [p for p in matching if p not in below]


@pytest.mark.slow
def test_the_exercise_server_answers_only_with_its_checker_warm(
    released_course, tmp_path: Path
) -> None:
    """When the server first answers, its worker and the worker's one sandbox already run,
    outside the server's process: the learner's first check starts nothing."""
    from aimed.servers.lab import running_lab

    course = released_course["root"]
    with running_lab(tmp_path / "workspace", course / "release") as lab:
        port = f"--ServerApp.port={lab.url.rsplit(':', 1)[1]}"
        servers = topmost(os.getpid(), port)
        assert len(servers) == 1
        workers = topmost(servers[0], "aimed.trainer.selfcheck --serve")
        assert len(workers) == 1, descendants(servers[0])
        inside = sorted(descendants(workers[0]).values())
        warm_parents = [
            c for c in inside if c.startswith(f"{sys.executable} -m aimed.trainer.inside")
        ]
        assert len(warm_parents) == 1, inside  # one sandbox for every exercise
        learner_notebook(course, "bias-fr", tmp_path / "workspace", 2, 1)
        with urllib.request.urlopen(lab.request("/aimed/check/bias-fr"), timeout=300) as reply:
            page = reply.read().decode("utf-8")
        assert page.count('data-state="right"') == 2, page
        assert page.count('data-state="not_yet"') == 1, page
        assert sorted(descendants(workers[0]).values()) == inside  # nothing started for it


def test_the_trainer_turns_checking_off_with_a_setting() -> None:
    assert self_check({}) is True
    assert self_check({"AIMED_SELF_CHECK": "off"}) is False
    assert self_check({"AIMED_SELF_CHECK": " ON "}) is True
    with pytest.raises(SettingError, match="AIMED_SELF_CHECK='later'.*on or off"):
        self_check({"AIMED_SELF_CHECK": "later"})
