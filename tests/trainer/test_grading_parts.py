"""Pieces the grader runs for every notebook: each must decide exactly as what it replaced.

nbgrader's metadata check with its schema compiled once, the hidden checks kept off the
trainer's terminal, one warm sandbox per grading run, and automation-bias series made once.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from aimed.engines.automation_bias.series import make_series
from aimed.trainer.checks import check_answers, load_exercise, set_up_cells
from aimed.trainer.course import default_course_dir
from aimed.trainer.execute import warm_parts
from aimed.trainer.metadata_check import CheckCellMetadata, compiled_validator

COURSE = default_course_dir()
SOURCE = COURSE / "source" / "bias-en" / "bias.ipynb"


def _first(nb: nbformat.NotebookNode, cell_type: str, **flags: bool) -> nbformat.NotebookNode:
    return next(
        cell
        for cell in nb.cells
        if cell.cell_type == cell_type
        and "nbgrader" in cell.metadata
        and all(cell.metadata["nbgrader"].get(k) == v for k, v in flags.items())
    )


def _spoil(how: str) -> nbformat.NotebookNode:
    """The bias exercise's source with one cell's grading metadata spoilt in one way."""
    nb = nbformat.read(SOURCE, as_version=4)
    graded = _first(nb, "code", grade=True)["metadata"]["nbgrader"]
    written = _first(nb, "markdown", grade=True)["metadata"]["nbgrader"]
    if how == "points not a number":
        graded["points"] = "ten"
    elif how == "no points":
        del graded["points"]
    elif how == "no grade id":
        del graded["grade_id"]
    elif how == "empty grade id":
        graded["grade_id"] = ""
    elif how == "old schema":
        graded["schema_version"] = 1
    elif how == "new schema":
        graded["schema_version"] = 99
    elif how == "unknown key type":
        graded["locked"] = "yes"
    elif how == "written answer not a solution":
        written["solution"] = False
    elif how == "two cells, one grade id":
        second = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")][1]
        second["metadata"]["nbgrader"]["grade_id"] = graded["grade_id"]
    return nb


SPOILT = [
    "intact",
    "points not a number",
    "no points",
    "no grade id",
    "empty grade id",
    "old schema",
    "new schema",
    "unknown key type",
    "written answer not a solution",
    "two cells, one grade id",
]


def _verdict(check, nb: nbformat.NotebookNode) -> tuple[str, str]:
    try:
        check(nb)
    except Exception as error:
        return type(error).__name__, str(error).splitlines()[0]
    return "passes", ""


@pytest.mark.parametrize("how", SPOILT)
def test_the_metadata_check_decides_as_nbgraders(how: str) -> None:
    theirs = _verdict(MetadataValidator().validate_nb, _spoil(how))
    mine = _verdict(compiled_validator().validate_nb, _spoil(how))
    assert mine == theirs
    assert (theirs[0] == "passes") == (how == "intact")
    # the preprocessor that stands in nbgrader's place refuses the same notebooks
    step = CheckCellMetadata()
    assert (_verdict(lambda nb: step.preprocess(nb, {}), _spoil(how))[0] == "passes") == (
        how == "intact"
    )


def test_the_release_runs_nbgraders_steps_with_the_metadata_check_compiled_once(
    tmp_path: Path,
) -> None:
    """generate_assignment's own steps in its order, only its two metadata checks replaced;
    a source notebook whose grading metadata is spoilt is still refused at release."""
    from nbgrader.converters import Autograde, GenerateAssignment
    from nbgrader.preprocessors import CheckCellMetadata as Stock
    from traitlets.utils.importstring import import_item

    from aimed.trainer.course import TrainerError
    from aimed.trainer.metadata_check import release_steps, sanitize_steps
    from aimed.trainer.release import generate_releases
    from aimed.trainer.synthetic import copy_course

    stock = GenerateAssignment.class_traits()["preprocessors"].default()
    steps = release_steps()
    assert [import_item(step) for step in steps] == [
        CheckCellMetadata if step is Stock else step for step in stock
    ]
    assert stock.count(Stock) == 2
    # the grader's sanitizing steps are made the same way: nbgrader's, its one check replaced
    stock = Autograde.class_traits()["sanitize_preprocessors"].default()
    assert [import_item(step) for step in sanitize_steps()] == [
        CheckCellMetadata if step is Stock else step for step in stock
    ]
    assert stock.count(Stock) == 1
    course = copy_course(tmp_path / "course")
    source = course.source / "reading-performance-en" / "reading-performance.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    graded = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade"))
    graded["metadata"]["nbgrader"]["points"] = "two"  # a string where nbgrader wants a number
    source.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(TrainerError, match="could not release reading-performance-en"):
        generate_releases(course, ["reading-performance-en"])


def test_unanswered_questions_print_nothing_on_the_graders_terminal(capfd) -> None:
    outcomes = check_answers(load_exercise(SOURCE), {})
    assert outcomes and not any(o.passed for o in outcomes.values())
    reported = {test: {} for test in load_exercise(SOURCE).tests}  # reached, nothing answered
    outcomes = check_answers(load_exercise(SOURCE), reported)
    assert not any(o.passed for o in outcomes.values())
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@pytest.mark.slow
def test_one_warm_sandbox_holds_every_exercise_of_the_run(
    released_course: dict[str, Path], tmp_path: Path
) -> None:
    source = released_course["root"] / "source"
    paths = [
        source / "bias-en" / "bias.ipynb",
        source / "bias-fr" / "bias.ipynb",
        source / "reading-performance-en" / "reading-performance.ipynb",
    ]
    broken = tmp_path / "broken" / "x.ipynb"
    broken.parent.mkdir()
    broken.write_text("{not json", encoding="utf-8")
    exercise = load_exercise(paths[0])
    modules, warm = warm_parts(exercise, ":".join(map(str, [*paths, broken])))
    everyone = [load_exercise(p) for p in paths]
    assert set(modules) == {m for e in everyone for m in e.modules}
    assert warm == set_up_cells(everyone)
    # Graded outside a run: this exercise's own modules and set-up cells only.
    assert warm_parts(exercise, "") == (tuple(sorted(exercise.modules)), set_up_cells([exercise]))


@pytest.mark.slow
def test_set_up_cells_are_the_releases_never_an_answer_or_a_check(
    released_course: dict[str, Path],
) -> None:
    root = released_course["root"]
    exercise = load_exercise(root / "source" / "bias-en" / "bias.ipynb")
    cells = set_up_cells([exercise])
    assert cells, "the released set-up cells run in the warm parent"
    release = json.loads((root / "release" / "bias-en" / "bias.ipynb").read_text("utf-8"))
    locked = {
        "".join(c["source"])
        for c in release["cells"]
        if c["cell_type"] == "code"
        and c["metadata"].get("nbgrader", {}).get("locked")
        and not c["metadata"]["nbgrader"].get("grade")
        and not c["metadata"]["nbgrader"].get("solution")
    }
    assert set(cells) == locked
    assert not any("BEGIN SOLUTION" in cell or "HIDDEN TESTS" in cell for cell in cells)


def test_a_series_made_once_cannot_be_changed_by_whoever_reads_it() -> None:
    series = make_series(7)
    assert make_series(7) is series
    with pytest.raises(dataclasses.FrozenInstanceError):
        series.cases[0].problem = not series.cases[0].problem  # type: ignore[misc]
    with pytest.raises(TypeError):
        series.cases[0].facts[0].values["value"] = 0  # type: ignore[index]
    assert make_series.__wrapped__(7) == series  # made afresh: the same cases


@pytest.mark.slow
def test_a_new_gradebook_records_the_migration_alembic_names(tmp_path: Path) -> None:
    """The gradebook a release creates carries the revision ``alembic heads`` prints for
    nbgrader's migrations, read in this process rather than by another Python."""
    import sqlite3
    import subprocess
    import sys

    from nbgrader.dbutil import _temp_alembic_ini

    from aimed.trainer.nbgrader_api import alembic_head
    from aimed.trainer.release import generate_releases
    from aimed.trainer.synthetic import copy_course

    alembic = Path(sys.executable).parent / "alembic"
    with _temp_alembic_ini(f"sqlite:///{tmp_path / 'unused.db'}") as ini:
        printed = subprocess.run(
            [str(alembic), "-c", ini, "heads"], capture_output=True, text=True, check=True
        ).stdout
    assert alembic_head() == printed.split("\n")[0].split(" ")[0]
    course = copy_course(tmp_path / "course")
    generate_releases(course, ["reading-performance-en"])
    with sqlite3.connect(course.root / "gradebook.db") as db:
        (version,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == alembic_head()
