"""Checks of the graded exercises themselves: parity of languages, nbgrader round trip, no leaks.

The English and French notebooks of an exercise are one exercise: same code, same tests,
same grade ids and points; only the prose differs. Release versions come from nbgrader and
must carry no solution, hidden test or rubric. Set AIMED_UPDATE_GOLDEN=1 to rewrite the
golden release files after an intended change of a source notebook.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aimed.course_manifest import load_manifest
from aimed.notebooks import helpers as helpers
from support import told

ROOT = Path(__file__).resolve().parents[2]
EXERCISES_DIR = ROOT / "exercises"
SOURCE = EXERCISES_DIR / "source"
GOLDEN = Path(__file__).resolve().parent / "golden"
# One exercise per module that has one, named as the module's page (the course manifest says
# which); its folders are exercises/source/<id>-<lang>.
EXERCISE_IDS = tuple(load_manifest(ROOT / "course" / "course.toml").exercises)
LANGS = ("en", "fr")
SETUP_LINE = re.compile(r'^set_language\("(en|fr)"\)$', re.MULTILINE)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
SECRET_MARKERS = ("BEGIN SOLUTION", "HIDDEN TESTS", "**Rubric", "**Grille", "Model answer")
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


def present_exercises() -> list[str]:
    return sorted(p.name.removesuffix("-en") for p in SOURCE.glob("*-en") if p.is_dir())


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source_notebook(exercise: str, lang: str) -> dict:
    return load(SOURCE / f"{exercise}-{lang}" / f"{exercise}.ipynb")


def text(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def grading(cell: dict) -> dict:
    """The nbgrader metadata that makes a cell count (checksums left out)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    keys = ("grade", "grade_id", "locked", "points", "solution", "task")
    return {key: meta.get(key) for key in keys}


EXERCISES = present_exercises()


# --- One exercise in two languages --------------------------------------------------------


def test_every_exercise_exists_in_both_languages() -> None:
    assert sorted(EXERCISE_IDS) == EXERCISES
    for exercise in EXERCISES:
        for lang in LANGS:
            assert (SOURCE / f"{exercise}-{lang}" / f"{exercise}.ipynb").exists()


@pytest.mark.parametrize("exercise", EXERCISES)
def test_code_tests_and_grading_are_identical_in_both_languages(exercise: str) -> None:
    english, french = (source_notebook(exercise, lang) for lang in LANGS)
    assert english["metadata"]["aimed"] == french["metadata"]["aimed"]  # its course module
    assert [c["cell_type"] for c in english["cells"]] == [c["cell_type"] for c in french["cells"]]
    assert [c["id"] for c in english["cells"]] == [c["id"] for c in french["cells"]]
    for en_cell, fr_cell in zip(english["cells"], french["cells"], strict=True):
        assert grading(en_cell) == grading(fr_cell), en_cell["id"]
        if en_cell["cell_type"] == "code":
            # The one permitted difference: the language the helpers speak.
            en_code = SETUP_LINE.sub('set_language("??")', text(en_cell))
            fr_code = SETUP_LINE.sub('set_language("??")', text(fr_cell))
            assert en_code == fr_code, f"code of cell {en_cell['id']} drifted between EN and FR"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_each_language_speaks_its_own_language(exercise: str) -> None:
    for lang in LANGS:
        codes = [text(c) for c in source_notebook(exercise, lang)["cells"]]
        assert SETUP_LINE.findall("\n".join(codes)) == [lang]
    english, french = (source_notebook(exercise, lang) for lang in LANGS)
    untranslated = [
        en["id"]
        for en, fr in zip(english["cells"], french["cells"], strict=True)
        if en["cell_type"] == "markdown" and len(text(en)) > 80 and text(en) == text(fr)
    ]
    assert untranslated == [], "prose identical in both languages: untranslated?"
    assert "Réponse modèle" in json.dumps(french, ensure_ascii=False)
    assert "Model answer" in json.dumps(english)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_french_prose_keeps_french_typography(exercise: str) -> None:
    """A no-break space before : ; ? ! % and inside « », as the sandbox's French texts."""
    for cell in source_notebook(exercise, "fr")["cells"]:
        if cell["cell_type"] == "markdown":
            prose = re.sub(r"`[^`]*`", "", text(cell))  # code the learner types stays as is
            assert not re.findall(r"\S [:;?!%](?=[\s*),.]|$)", prose, re.M), cell["id"]
            assert not re.findall(r"« | »", prose), cell["id"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("exercise", EXERCISES)
def test_source_is_kept_without_outputs(exercise: str, lang: str) -> None:
    for cell in source_notebook(exercise, lang)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell["id"]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_structure_of_a_graded_exercise(exercise: str) -> None:
    cells = source_notebook(exercise, "en")["cells"]
    ids = [grading(c)["grade_id"] for c in cells if grading(c)["grade_id"]]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    tests = [c for c in cells if c["cell_type"] == "code" and grading(c)["grade"]]
    answers = [c for c in cells if c["cell_type"] == "code" and grading(c)["solution"]]
    manual = [c for c in cells if c["cell_type"] == "markdown" and grading(c)["grade"]]
    assert 8 <= len(tests) <= 14
    assert len(answers) == len(tests)
    assert manual, "at least one free-text answer graded by hand"
    for cell in manual:
        assert grading(cell)["solution"] and grading(cell)["points"] > 0
        assert "**Rubric" in text(cell)
    for cell in tests:
        visible, _, _ = text(cell).partition("### BEGIN HIDDEN TESTS")
        assert HIDDEN.search(text(cell)), f"{cell['id']} has no hidden test"
        assert re.search(r"check_\w+\(", visible), f"{cell['id']} has no visible check"
    for cell in answers:
        assert re.fullmatch(r"answer_q\d+ = .+", SOLUTION.search(text(cell)).group(1).strip())


@pytest.mark.parametrize("exercise", EXERCISES)
def test_source_solutions_pass_their_own_tests_in_process(exercise: str) -> None:
    """A fast stand-in for `nbgrader validate`: a change in an engine fails here first."""
    namespace: dict = {}
    try:
        for cell in source_notebook(exercise, "en")["cells"]:
            if cell["cell_type"] == "code":
                exec(compile(text(cell), f"<{exercise}:{cell['id']}>", "exec"), namespace)
    finally:
        helpers.set_language("en")
    assert sum(1 for name in namespace if name.startswith("answer_q")) >= 8


# --- Helpers the learner calls ------------------------------------------------------------


@pytest.fixture
def french() -> object:
    helpers.set_language("fr")
    yield
    helpers.set_language("en")


def test_a_percentage_typed_for_a_proportion_is_explained(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert re.search(
        "looks like a percentage",
        told(capsys, lambda: helpers.check_number("answer_q2", 9.2, proportion=True)),
    )
    helpers.check_number("answer_q2", 0.092, proportion=True)


def test_a_french_decimal_comma_gets_a_hint_in_french(
    french: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert re.search(
        r"virgule décimale.*écrivez 0\.25",
        told(capsys, lambda: helpers.check_number("answer_q3", (0, 25), proportion=True)),
    )
    assert re.search(
        "sans guillemets",
        told(capsys, lambda: helpers.check_number("answer_q3", "0.25", proportion=True)),
    )


def test_counts_must_be_whole_and_possible(capsys: pytest.CaptureFixture[str]) -> None:
    assert re.search(
        "whole number", told(capsys, lambda: helpers.check_number("answer_q1", 97.5, whole=True))
    )
    assert re.search(
        "outside the possible range",
        told(capsys, lambda: helpers.check_number("answer_q1", 1200, whole=True, low=0, high=1000)),
    )
    assert re.search("no answer yet", told(capsys, lambda: helpers.check_number("answer_q1", None)))
    helpers.check_number("answer_q1", 98, whole=True, low=0, high=1000)


def test_choices_are_letters_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    helpers.check_choice("answer_q5", " b ", ["A", "B", "C", "D"])
    assert helpers.choice(" b ") == "B" and helpers.choice(2) == ""
    assert re.search(
        '"A", "B"',
        told(capsys, lambda: helpers.check_choice("answer_q5", "E", ["A", "B", "C", "D"])),
    )
    assert re.search(
        "one of the letters", told(capsys, lambda: helpers.check_choice("answer_q5", 2, ["A", "B"]))
    )


def test_natural_frequency_table_adds_up_in_french(french: None) -> None:
    table = helpers.natural_frequency_table(0.90, 0.91, 0.01)
    assert table.loc["Malades", "Test positif"] == 9
    assert table.loc["Non malades", "Test positif"] == 89
    assert table.loc["Total", "Test positif"] == 98
    assert table.loc["Total", "Total"] == 1000


def test_raising_the_threshold_trades_sensitivity_for_fewer_alerts() -> None:
    cohort = helpers.synthetic_risk_scores(n=2000, prevalence=0.10, seed=2026)
    assert int(cohort["ill"].sum()) == 200 and cohort["score"].between(0, 100).all()
    again = helpers.synthetic_risk_scores(n=2000, prevalence=0.10, seed=2026)
    assert cohort.equals(again), "the same seed must give the same cohort"
    table = helpers.threshold_table(cohort, [20, 40, 60, 80])
    sensitivity, specificity, alerts = (table.iloc[:, i].tolist() for i in (0, 1, 2))
    assert sensitivity == sorted(sensitivity, reverse=True) and sensitivity[0] > sensitivity[-1]
    assert specificity == sorted(specificity) and alerts == sorted(alerts, reverse=True)


CHEST_PAIN_PARTIAL = {"burning": "present", "sweating": "present"}
CHEST_PAIN_FULL = {**CHEST_PAIN_PARTIAL, "exertional": "present", "palpation": "absent"}


def test_add_back_table_names_the_finding_that_changes_the_lead(french: None) -> None:
    table = helpers.add_back_table(CHEST_PAIN_PARTIAL, CHEST_PAIN_FULL, "emergency")
    assert len(table) == 3, "the input as entered, then one row per missing finding"
    leads = dict(zip(table["Signe ou symptôme"], table["Diagnostic en tête"], strict=True))
    assert leads["Douleur déclenchée par l'effort"] == "Syndrome coronarien aigu"
    assert leads["Douleur reproduite à la palpation du thorax"] != "Syndrome coronarien aigu"
    watched = table["Probabilité\u00a0: Syndrome coronarien aigu"].tolist()
    assert watched[1] > watched[2] > watched[0], "both raise ACS; effort far more"


def test_checker_tables_follow_the_engine() -> None:
    from aimed.engines.chest_pain import assess, next_questions

    ranked = helpers.differential_table(CHEST_PAIN_FULL, "emergency", top=3)
    assert len(ranked) == 3
    assert ranked.iloc[0]["Condition"] == "Acute coronary syndrome"
    expected = assess(CHEST_PAIN_FULL, "emergency").probability("acs")
    assert ranked.iloc[0]["Probability after the findings"] == round(expected, 3)
    asked = helpers.next_questions_table(CHEST_PAIN_PARTIAL, "emergency", limit=2)
    first = next_questions(CHEST_PAIN_PARTIAL, "emergency")[0].finding
    assert asked.iloc[0]["Finding"] == helpers._name("findings", first)
    shown = helpers.findings_table(CHEST_PAIN_FULL)
    assert shown.loc["Sweating", "Answer"] == "Present" and len(shown) == 4


# --- Releases, and the stock-nbgrader round trip (slow) ------------------------------------


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("AIMED_GRADEBOOK_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def course(released_course: dict[str, Path]) -> Path:
    """The course root with every exercise released once by ``aimed-trainer release``
    (conftest.py: nbgrader's generate_assignment through its API, all twelve in one process)."""
    return released_course["root"]


# Stock nbgrader, as a trainer without aimed-trainer would run it: one exercise per language.
# Every notebook's full, partial and blank scores through the trainer's grader are in
# test_trainer_hostile.py; these check that stock nbgrader reads our notebooks alike.
STOCK = ("reading-performance-en", "bias-fr")


def stock_notebooks(base: Path) -> list[Path]:
    return [base / a / f"{a.rsplit('-', 1)[0]}.ipynb" for a in STOCK]


@pytest.fixture(scope="module")
def stock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the course root with one exercise per language released by stock nbgrader."""
    root = tmp_path_factory.mktemp("stock")
    shutil.copy(EXERCISES_DIR / "nbgrader_config.py", root)
    shutil.copytree(SOURCE, root / "source")
    for assignment in STOCK:
        result = nbgrader(root, "generate_assignment", assignment, "--force")
        assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.mark.slow
def test_stock_nbgrader_releases_what_the_trainer_releases(stock: Path, course: Path) -> None:
    for mine, theirs in zip(
        stock_notebooks(course / "release"), stock_notebooks(stock / "release"), strict=True
    ):
        assert golden_view(load(mine)) == golden_view(load(theirs)), mine.parent.name


@pytest.mark.slow
def test_every_source_notebook_passes_its_own_tests(stock: Path) -> None:
    paths = [str(p) for p in stock_notebooks(stock / "source")]
    result = nbgrader(stock, "validate", *paths)
    output = result.stdout + result.stderr
    assert output.count("Success! Your notebook passes all the tests.") == len(paths), output


@pytest.mark.slow
def test_a_blank_release_runs_through_and_only_hidden_checks_grade_it(stock: Path) -> None:
    """Visible checks tell, they do not fail (issue 26: "Run All" goes on), so stock
    ``nbgrader validate`` finds no failing code cell in a blank release: what it still reports
    is each written answer left empty; what scores the rest 0 is the hidden checks, in
    ``test_autograding_gives_the_expected_scores`` (the blank learner)."""
    paths = stock_notebooks(stock / "release")
    result = nbgrader(stock, "validate", *map(str, paths))
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "ERROR" not in output, output
    written = sum(
        1
        for path in paths
        for cell in load(path)["cells"]
        if cell["cell_type"] == "markdown" and grading(cell)["grade"]
    )
    assert written >= len(paths)
    assert output.count("The following cell failed") == written, output
    assert output.count("You did not provide a response.") == written, output


@pytest.mark.slow
def test_release_carries_no_solution_hidden_test_or_rubric(course: Path) -> None:
    for exercise in EXERCISES:
        for lang in LANGS:
            source = source_notebook(exercise, lang)
            released = (course / "release" / f"{exercise}-{lang}" / f"{exercise}.ipynb").read_text(
                encoding="utf-8"
            )
            body = "\n".join(text(c) for c in json.loads(released)["cells"])
            for marker in SECRET_MARKERS:
                assert marker not in released, f"{exercise}-{lang}: {marker}"
            secret_lines = set()
            for cell in source["cells"]:
                for block in HIDDEN.findall(text(cell)) + SOLUTION.findall(text(cell)):
                    secret_lines |= {line.strip() for line in block.splitlines() if line.strip()}
                if cell["cell_type"] == "markdown" and grading(cell)["solution"]:
                    secret_lines |= {line.strip() for line in text(cell).splitlines()}
            # Lines too short to be specific ("]", "key") would match any notebook.
            leaked = sorted(line for line in secret_lines if len(line) >= 10 and line in body)
            assert leaked == [], f"{exercise}-{lang} leaks: {leaked}"
            code = "\n".join(
                text(c) for c in json.loads(released)["cells"] if c["cell_type"] == "code"
            )
            assert not re.search(r"^answer_q\d+ =", code, re.MULTILINE), "an answer is filled in"


def golden_view(notebook: dict) -> list[dict]:
    """What a learner receives: each cell's type, text and grading (checksums included)."""
    view = []
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {})
        view.append(
            {
                "cell_type": cell["cell_type"],
                "source": text(cell),
                "editable": meta.get("editable", True),
                "deletable": meta.get("deletable", True),
                "nbgrader": meta.get("nbgrader"),
            }
        )
    return view


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("exercise", EXERCISES)
def test_release_matches_the_golden_file(course: Path, exercise: str, lang: str) -> None:
    released = load(course / "release" / f"{exercise}-{lang}" / f"{exercise}.ipynb")
    view = golden_view(released)
    golden = GOLDEN / f"{exercise}-{lang}.release.json"
    if os.environ.get("AIMED_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(json.dumps(view, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with AIMED_UPDATE_GOLDEN=1"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert view == expected, f"release of {exercise}-{lang} changed; review, then update golden"
    # The learner sees the shared header first, and every grade cell is locked.
    assert view[0]["source"].startswith("# AI in medicine, for physicians")
    for cell in view:
        if cell["nbgrader"] and cell["nbgrader"]["grade"] and not cell["nbgrader"]["solution"]:
            assert cell["editable"] is False and cell["deletable"] is False


# --- Grading a real submission (slow) -----------------------------------------------------


def filled_from_source(release: dict, source: dict, skip: set[str] = frozenset()) -> dict:
    """The release notebook with each answer cell as the source's solution wrote it."""
    solutions = {
        grading(c)["grade_id"]: SOLUTION.search(text(c)).group(1)
        for c in source["cells"]
        if c["cell_type"] == "code" and grading(c)["solution"]
    }
    for cell in release["cells"]:
        grade_id = grading(cell)["grade_id"]
        if grade_id in solutions and grade_id not in skip:
            cell["source"] = solutions[grade_id]
    return release


def auto_points(notebook: dict) -> float:
    return sum(
        grading(c)["points"]
        for c in notebook["cells"]
        if grading(c)["grade"] and not grading(c)["solution"]
    )


@pytest.fixture(scope="module")
def graded(stock: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """Three learners per stock assignment, autograded by nbgrader: (score, max score)."""
    learners = {"full": set(), "blank": None, "no_q2": {"answer_q2"}}
    for assignment, release in zip(STOCK, stock_notebooks(stock / "release"), strict=True):
        exercise, lang = assignment.rsplit("-", 1)
        for learner, skip in learners.items():
            folder = stock / "submitted" / learner / assignment
            folder.mkdir(parents=True)
            notebook = load(release)
            if skip is not None:
                notebook = filled_from_source(notebook, source_notebook(exercise, lang), skip)
            (folder / release.name).write_text(json.dumps(notebook), encoding="utf-8")
    result = nbgrader(stock, "autograde", "*", "--create")  # one process for every notebook
    assert result.returncode == 0, result.stdout + result.stderr
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{stock / 'gradebook.db'}") as gradebook:
        for assignment in STOCK:
            for learner in learners:
                submission = gradebook.find_submission(assignment, learner)
                scores[assignment, learner] = (submission.score, submission.max_score)
    return scores


@pytest.mark.slow
@pytest.mark.parametrize("assignment", STOCK)
def test_autograding_gives_the_expected_scores(graded: dict, assignment: str) -> None:
    exercise, lang = assignment.rsplit("-", 1)
    source = source_notebook(exercise, lang)
    automatic = auto_points(source)
    manual = sum(
        grading(c)["points"]
        for c in source["cells"]
        if c["cell_type"] == "markdown" and grading(c)["grade"]
    )
    q2 = next(grading(c)["points"] for c in source["cells"] if grading(c)["grade_id"] == "test_q2")
    assert graded[assignment, "full"] == (automatic, automatic + manual)
    assert graded[assignment, "blank"] == (0, automatic + manual)
    assert graded[assignment, "no_q2"] == (automatic - q2, automatic + manual)


@pytest.mark.parametrize(("lang", "written"), [("en", "13.0%"), ("fr", "13,0\u00a0%")])
def test_tables_show_numbers_as_the_notebook_language_writes_them(lang: str, written: str) -> None:
    """A French notebook shows 13,0 % where the data hold 0.13; answers stay proportions."""
    from IPython.core.interactiveshell import InteractiveShell

    from aimed.notebooks.trust_responsibility import published_comparison

    shell = InteractiveShell.instance()
    try:
        helpers.set_language(lang)
        table = published_comparison()
        shown, _ = shell.display_formatter.format(table)
        assert table.to_numpy().dtype.kind == "f" and (table.to_numpy() <= 1).all()
        cells = re.findall(r"<td>([^<]*)</td>", shown["text/html"])
        assert cells and all(c.endswith("%") for c in cells), cells
        assert written.split("%")[0][-1] in "".join(cells)  # the language's decimal mark
        assert any(c.endswith("\u00a0%") for c in cells) == (lang == "fr")
        assert not re.search(r"\b0[.,]\d", shown["text/plain"]), "no proportion left as 0.x"
    finally:
        helpers.set_language("en")
        InteractiveShell.clear_instance()
