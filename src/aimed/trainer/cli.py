"""``aimed-trainer``: the trainer's whole cycle, one subcommand per step.

    aimed-trainer release                       # learner versions + build/downloads/*.zip
    aimed-trainer collect reading-performance-fr ~/Downloads/moodle-export.zip
    aimed-trainer autograde --workers 2         # every submission, with a progress bar
    aimed-trainer feedback                      # feedback/<learner>/<assignment>/*.html
    aimed-trainer export --roster moodle.csv    # grades as CSV, for Moodle, training evidence
    aimed-trainer learners                      # learner ids and look-alike names
    aimed-trainer report                        # cohort analytics, CSV and HTML
    aimed-trainer gain ~/returned-records/      # cohort gain per module, before / after
    aimed-trainer guide                         # build/guide/index.html (trainers only)

Every command works on ``exercises/`` unless ``--course`` names another course folder.
A problem the trainer can fix ends the command with a one-line message and exit code 2.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aimed.trainer.course import Course, TrainerError, open_course
from aimed.validation import InputError

app = typer.Typer(
    help="Release, collect, autograde and report on the course's graded exercises.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

CourseOption = Annotated[
    Path | None,
    typer.Option(
        "--course",
        help="Course folder (default: $AIMED_COURSE, else exercises/ from here up).",
    ),
]
ExercisesArgument = Annotated[
    list[str] | None,
    typer.Argument(help="Exercise ids or assignments (default: all).", show_default=False),
]
LearnerOption = Annotated[
    list[str] | None,
    typer.Option("--learner", help="Only this learner (repeat for several)."),
]


def friendly(command):
    """Turn the trainer's fixable problems into one red line and exit code 2."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (TrainerError, InputError) as error:
            errors.print(f"[bold red]error:[/] {error}", highlight=False)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            errors.print("[bold red]stopped[/]: nothing past this point was done.")
            raise typer.Exit(130) from None

    return run


def _course(path: Path | None) -> Course:
    return open_course(path)


def _check_learners(course: Course, learners: list[str] | None) -> None:
    """An unknown ``--learner`` id: say so and list the ids there are."""
    unknown = sorted(set(learners or ()) - set(course.learners()))
    if unknown:
        known = course.learners()
        listed = ", ".join(known[:40]) + (
            f" (and {len(known) - 40} more)" if len(known) > 40 else ""
        )
        raise TrainerError(
            f"no learner {', '.join(unknown)} in {course.submitted}; learners: {listed or 'none'}"
        )


@app.command()
@friendly
def release(
    exercises: ExercisesArgument = None,
    course: CourseOption = None,
    downloads: Annotated[
        Path | None, typer.Option(help="Folder for the zips (default: build/downloads/).")
    ] = None,
) -> None:
    """Generate the learner versions (nbgrader) and one zip per exercise and language."""
    from aimed.trainer.release import release as do_release

    where = _course(course)
    zips = do_release(where, exercises, downloads)
    for path in zips:
        console.print(f"released {path.stem}: {path}")


@app.command()
@friendly
def collect(
    assignment: Annotated[str, typer.Argument(help="e.g. reading-performance-fr.")],
    source: Annotated[Path, typer.Argument(help="A folder per learner, or the platform's zip.")],
    course: CourseOption = None,
    replace_graded: Annotated[
        bool,
        typer.Option(
            "--replace-graded",
            help="Replace a graded submission even by files holding no readable notebook.",
        ),
    ] = False,
) -> None:
    """Copy submissions into submitted/<learner>/<assignment>/ from a folder or a zip."""
    from aimed.trainer.collect import collect as do_collect

    where = _course(course)
    chosen = where.select([assignment])
    if len(chosen) != 1:
        names = " or ".join(a.name for a in chosen)
        raise TrainerError(f"say which language: {names}")
    collected = do_collect(where, chosen[0], source, replace_graded=replace_graded)
    table = Table(title=f"Collected for {chosen[0].name}")
    table.add_column("learner", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("status", no_wrap=True)
    for column in ("files", "notes"):
        table.add_column(column, overflow="fold")
    for item in collected:
        colour = "green" if item.status == "collected" and not item.notes else "yellow"
        status = f"[{colour}]{item.status}[/]"
        table.add_row(item.learner, item.name, status, ", ".join(item.files), item.note)
    console.print(table, highlight=False)
    aside = sum(1 for item in collected if item.status != "collected")
    console.print(
        f"{len(collected)} learners in {where.submitted}"
        + (f"; {aside} with no notebook collected (see notes)" if aside else "")
    )


@app.command()
@friendly
def autograde(
    exercises: ExercisesArgument = None,
    learner: LearnerOption = None,
    course: CourseOption = None,
    workers: Annotated[
        int, typer.Option(min=0, max=32, help="Notebooks graded at once (0: one per CPU).")
    ] = 0,
    timeout: Annotated[
        int | None, typer.Option(min=1, help="Seconds a cell may run (default: course setting).")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Autograde every collected submission; broken ones are reported, never block others."""
    from aimed.trainer.grading import autograde_all

    where = _course(course)
    _check_learners(where, learner)
    count = workers or max(1, min(os.cpu_count() or 1, 8))
    summary = autograde_all(
        where, count, progress, assignments=exercises, learners=learner, timeout=timeout
    )
    table = Table(title="Autograde")
    table.add_column("learner", no_wrap=True)
    table.add_column("assignment", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("score", no_wrap=True)
    table.add_column("notes", overflow="fold")
    for sub in summary.submissions:
        colour = "green" if sub.status == "graded" and not sub.notes else "yellow"
        table.add_row(
            sub.learner,
            sub.assignment,
            f"[{colour}]{sub.status}[/]",
            f"{sub.score:g} / {sub.max_score:g}" + (" + manual" if sub.needs_manual_grade else ""),
            "; ".join(sub.notes),
        )
    console.print(table)
    console.print(
        f"{len(summary.submissions)} submissions, {len(summary.problems)} with something to "
        "check. Free-text answers: grade them in the formgrader ('aimed-trainer formgrader')."
    )


@app.command()
@friendly
def feedback(
    exercises: ExercisesArgument = None,
    learner: LearnerOption = None,
    course: CourseOption = None,
    moodle_zip: Annotated[
        bool,
        typer.Option(
            "--moodle-zip",
            help="Also write reports/moodle-feedback-<assignment>.zip for Moodle's 'Upload "
            "multiple feedback files in a zip' (assignments collected from a Moodle export).",
        ),
    ] = False,
) -> None:
    """Write one HTML feedback file per learner and exercise (no hidden tests in it)."""
    from aimed.trainer.export import moodle_feedback_zip
    from aimed.trainer.feedback import generate_feedback

    where = _course(course)
    _check_learners(where, learner)
    pages = generate_feedback(where, exercises, learner)
    if not pages:
        raise TrainerError("nothing autograded yet: run 'aimed-trainer autograde' first")
    for page in pages:
        console.print(str(page))
    console.print(f"{len(pages)} feedback files in {where.feedback}")
    if moodle_zip:
        from aimed.trainer.collect import lms_folders

        done = {page.parent.name for page in pages}
        from_moodle = lms_folders(where)
        for assignment in where.select(exercises):
            if assignment.name not in done:
                continue
            if not from_moodle.get(assignment.name):
                console.print(f"{assignment.name}: not collected from a Moodle export, no zip")
                continue
            path = moodle_feedback_zip(where, assignment, where.root / "reports")
            console.print(f"for Moodle: {path}")


@app.command()
@friendly
def export(
    course: CourseOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder (default: <course>/reports).")] = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            help="CSV downloaded from Moodle with names and email addresses (or ID numbers), "
            "so moodle-grades.csv can say who each learner is."
        ),
    ] = None,
) -> None:
    """Grades as CSV (per learner, exercise, question), for Moodle, and training evidence."""
    from aimed.trainer.export import PASS_MARK, export_grades

    where = _course(course)
    done = export_grades(where, out or where.root / "reports", roster)
    for path in done.paths:
        console.print(str(path))
    console.print(
        f"Pass mark in ai-literacy-evidence.csv: {PASS_MARK:.0%} of an exercise's points."
    )
    if done.left_out_of_moodle:
        table = Table("learner", "name", "why", title="Not in moodle-grades.csv")
        for learner, name, why in done.left_out_of_moodle:
            table.add_row(learner, name, why)
        console.print(table, highlight=False)


@app.command()
@friendly
def deadline(
    exercises: Annotated[list[str], typer.Argument(help="Exercise ids or assignments.")],
    due: Annotated[str, typer.Option(help="Due date, e.g. '2026-12-01 18:00' (UTC).")],
    late_penalty: Annotated[
        str,
        typer.Option(
            help="none (flag late work only), zero, or per-day:P (P%% of the points earned "
            "per day or part of a day late)."
        ),
    ] = "none",
    course: CourseOption = None,
) -> None:
    """Set the due date (nbgrader's own) and the late-penalty rule of exercises."""
    from aimed.trainer.deadlines import check_rule, parse_due, set_deadline

    where = _course(course)
    chosen = [a.name for a in where.select(exercises)]
    when = parse_due(due)
    set_deadline(where, chosen, when, check_rule(late_penalty))
    for name in chosen:
        console.print(f"{name}: due {when:%Y-%m-%d %H:%M %Z}, late penalty {late_penalty}")
    console.print("Autograde again so late submissions are flagged ('aimed-trainer autograde').")


@app.command()
@friendly
def learners(course: CourseOption = None) -> None:
    """List learner ids (learners.csv) and the names close enough to be one person."""
    from aimed.trainer.identities import Registry

    registry = Registry.load(_course(course))
    if not registry.rows:
        raise TrainerError("no learners yet: run 'aimed-trainer collect' first")
    table = Table("learner", "name", "platform", "number", "assignment", title="learners.csv")
    for row in sorted(registry.rows, key=lambda r: (r.learner, r.assignment)):
        table.add_row(row.learner, row.name, row.platform, row.participant, row.assignment)
    console.print(table, highlight=False)
    pairs = registry.look_alikes()
    for first, name, second, other in pairs:
        console.print(
            f"[yellow]check[/]: {first} ({name!r}) and {second} ({other!r}) may be one person",
            highlight=False,
        )
    if pairs:
        console.print("If so: exercises/README.md, 'Same learner under two ids'.")


@app.command()
@friendly
def report(
    course: CourseOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder (default: <course>/reports).")] = None,
    roster: Annotated[
        Path | None,
        typer.Option(help="CSV of the course's participants, to name those who sent nothing."),
    ] = None,
) -> None:
    """Cohort analytics: success rate per question and the most-missed questions."""
    from aimed.trainer.export import read_roster
    from aimed.trainer.report import cohort_stats, learner_notes, most_missed, write_report

    where = _course(course)
    people = read_roster(roster) if roster else None
    stats, _ = cohort_stats(where)
    if not stats:
        raise TrainerError("no grades yet: run 'aimed-trainer autograde' first")
    csv_path, html_path = write_report(where, out or where.root / "reports", people)
    table = Table("exercise", "question", "success rate", title="Most missed questions")
    for item in most_missed(stats):
        table.add_row(item.exercise, item.question, f"{100 * (item.success_rate or 0):.0f}%")
    console.print(table)
    notes = learner_notes(where, people)
    for exercise, names in sorted(notes.missing.items()):
        console.print(f"{exercise}: {len(names)} missing ({', '.join(names)})", highlight=False)
    for learner, assignment, note in notes.regrade:
        console.print(f"[yellow]grade again[/]: {learner}, {assignment}: {note}", highlight=False)
    for learner, assignment, late in notes.late:
        console.print(f"late: {learner}, {assignment}: {late}", highlight=False)
    console.print(f"{csv_path}\n{html_path}")


@app.command()
@friendly
def gain(
    folder: Annotated[
        Path, typer.Argument(help="Folder of the results files learners returned (*.json).")
    ],
    out: Annotated[
        Path | None, typer.Option(help="CSV file (default: <folder>/cohort-gain.csv).")
    ] = None,
) -> None:
    """Cohort gain per module: placement check against final assessment, and the
    automation-bias check's two attempts, from the files learners download from their record."""
    from rich.markup import escape

    from aimed.trainer.gain import CAVEAT, RecordError, gain_table, read_records, write_gain

    try:
        records, problems = read_records(folder)
    except RecordError as error:
        raise TrainerError(str(error)) from None
    for name, reason in problems:
        # a file's name is the learner's text: shown as written, never as rich markup
        errors.print(f"[yellow]left out[/] {escape(name)}: {escape(reason)}", highlight=False)
    if not records:
        raise TrainerError(f"no readable results file in {folder} ({len(problems)} left out)")
    rows = gain_table(records)
    table = Table("module", "learners", "before", "after", "change", title="Cohort gain")
    for row in rows:
        cells = [row.before, row.after, row.change]
        shown = [
            "—" if v is None else f"{v:+.0f}" if i == 2 else f"{v:.0f}%"
            for i, v in enumerate(cells)
        ]
        table.add_row(row.module, str(row.learners), *shown)
    console.print(table)
    console.print(CAVEAT, highlight=False)
    path = write_gain(rows, out or Path(folder) / "cohort-gain.csv")
    console.print(f"{len(records)} files read, {len(problems)} left out\n{path}", highlight=False)


@app.command()
@friendly
def guide(
    course: CourseOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder (default: build/guide/).")] = None,
) -> None:
    """Build the trainer's guide (solutions and rubrics): open its index.html locally."""
    from aimed.trainer.guide import build_guide

    index = build_guide(_course(course), out, say=lambda line: console.print(line, highlight=False))
    console.print(f"trainer's guide: {index}")


@app.command()
@friendly
def formgrader(
    course: CourseOption = None,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: a free one).")] = 0,
) -> None:
    """Start nbgrader's formgrader (127.0.0.1, a token, each rubric under its answer)."""
    from aimed.trainer.formgrader import start

    where = _course(course)
    running = start(where, port)
    console.print(
        "Grade the written answers (the rubric is under each answer). Open:\n"
        f"  {running.url}\n"
        "Then 'aimed-trainer feedback' and 'aimed-trainer export' so the hand grades count. "
        "Ctrl+C stops the formgrader.",
        highlight=False,
        soft_wrap=True,
    )
    try:
        running.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


@app.command()
@friendly
def attest(
    institution: Annotated[str, typer.Option(help="The institution that signs.")],
    trainer: Annotated[str, typer.Option(help="The trainer's name, printed on each page.")],
    issuer_url: Annotated[
        str,
        typer.Option(
            help="https:// address where the institution publishes the files of "
            "<out>/badge-issuer/ (profile, key, badge class)."
        ),
    ],
    key: Annotated[Path, typer.Option(help="The institution's RSA private key (PEM).")],
    create_key: Annotated[
        bool, typer.Option("--create-key", help="Create the key first (never overwrites).")
    ] = False,
    course: CourseOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder (default: <course>/reports).")] = None,
    roster: Annotated[
        Path | None,
        typer.Option(help="CSV from Moodle with names and email addresses (badges need them)."),
    ] = None,
    final: Annotated[
        Path | None,
        typer.Option(
            help="The final assessment's results from the learning platform (CSV: learner, "
            "score, max_score, date): then the rule also asks for a pass."
        ),
    ] = None,
    require: Annotated[
        list[str] | None,
        typer.Option(help="An exercise to have passed (repeat; default: all the course's)."),
    ] = None,
    lang: Annotated[
        list[str] | None, typer.Option(help="Language of the attestations (default: en and fr).")
    ] = None,
) -> None:
    """A signed attestation and an Open Badge for each learner who met the completion rule."""
    from aimed.trainer import attest as attestation
    from aimed.trainer.export import read_roster

    where = _course(course)
    if create_key:
        console.print(f"New key: {attestation.create_key(key)} (keep it private)")
    issuer = attestation.load_issuer(institution, trainer, issuer_url, key)
    done = attestation.attest(
        where,
        out or where.root / "reports",
        issuer,
        require,
        attestation.read_finals(final) if final else None,
        read_roster(roster) if roster else None,
        tuple(lang or attestation.LANGUAGES),
    )
    console.print(f"{len(done.attested)} learner(s) met the rule.", highlight=False)
    for path in done.files:
        console.print(str(path), highlight=False)
    console.print(f"Publish the files of {done.publish} at {issuer.url}", highlight=False)
    if done.without_badge:
        console.print(
            "No badge (no email address in the roster): " + ", ".join(done.without_badge),
            highlight=False,
        )


if __name__ == "__main__":  # pragma: no cover
    app()
