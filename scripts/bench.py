"""Measure what users wait for, against the budgets of the benchmark issue.

Run on demand (`make bench`), never inside the test suite: machines are shared and
noisy, so figures are read against budgets by a person, not asserted. Each surface
that does not exist yet is reported as skipped, with the reason.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from sandbox_server import running_sandbox
from static_server import serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "sandbox" / "app"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
console = Console()


@dataclass
class Figure:
    surface: str
    name: str
    value: float
    unit: str
    budget: float | None = None
    note: str = ""

    @property
    def within_budget(self) -> bool | None:
        return None if self.budget is None else self.value <= self.budget


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    def add(self, *args: object, **kwargs: object) -> None:
        self.figures.append(Figure(*args, **kwargs))  # type: ignore[arg-type]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed_calls(func: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of each call, after one warm-up call."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """The built site behind the same gzip-capable server as ``make serve``."""
    server, url = serve_in_thread(folder)
    try:
        yield url
    finally:
        server.shutdown()


def chromium_args() -> dict:
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# --------------------------------------------------------------------------- site


def bench_site(report: Report, workdir: Path) -> None:
    site_dir = workdir / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    build_s = time.perf_counter() - start
    if result.returncode != 0:
        report.skipped["site"] = "strict build failed:\n" + result.stderr[-2000:]
        return
    report.add("site", "strict bilingual build", build_s, "s", 20)
    total = sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file())
    report.add("site", "built site size", total / 1e6, "MB")

    if not Path(CHROMIUM).exists():
        report.skipped["site: first-load bytes"] = f"no Chromium at {CHROMIUM}"
        return
    from playwright.sync_api import sync_playwright

    pages = sorted(site_dir.rglob("index.html"))
    heaviest = ("", 0)
    with serve_folder(site_dir) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(**chromium_args())
        for html in pages:
            relative = html.parent.relative_to(site_dir).as_posix()
            path = "/" if relative == "." else f"/{relative}/"
            context = browser.new_context()  # empty cache: a first visit
            page = context.new_page()
            sizes: list[int] = []
            page.on("requestfinished", lambda r, sizes=sizes: sizes.append(_transfer(r)))
            page.goto(url + path, wait_until="networkidle")
            context.close()
            weight = sum(sizes)
            report.add("site", f"first load {path}", weight / 1e3, "KB", 300)
            if weight > heaviest[1]:
                heaviest = (path, weight)
        browser.close()
    report.add("site", f"heaviest page ({heaviest[0]})", heaviest[1] / 1e3, "KB", 300)


def _transfer(request) -> int:
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


# ------------------------------------------------------------------------ sandbox

# Engine calls a page makes on one interaction: (name, module, factory returning a
# zero-argument callable, budget in ms). A case whose module is absent is skipped.
ENGINE_CASES: list[tuple[str, str, str, float]] = [
    ("predictive values + 1,000-patient frequencies", "aimed.bayes", "bench_bayes", 150),
    ("one Bayesian chest-pain differential", "aimed.chest_pain", "bench_differential", 1),
    ("differential + what to ask next", "aimed.chest_pain", "bench_ask_next", 150),
    ("guard + lay-text reading", "aimed.lay_text", "bench_lay_text", 150),
    ("identifiable-data guard on 2,000 characters", "aimed.guard", "bench_guard", 150),
    ("train + evaluate on 20,000 patients", "aimed.models", "bench_train_20k", 300),
]


def bench_bayes() -> Callable[[], object]:
    from aimed import bayes

    def call() -> object:
        bayes.predictive_values(0.95, 0.95, 0.01)
        return bayes.natural_frequencies(0.95, 0.95, 0.01, n=1000)

    return call


def _vignette() -> tuple[str, dict[str, object]]:
    """A third of the findings present, a third absent, a third not asked."""
    from aimed import chest_pain

    evidence = chest_pain.default_evidence()
    states = [chest_pain.Answer.PRESENT, chest_pain.Answer.ABSENT, chest_pain.Answer.UNASKED]
    answers = {finding: states[i % 3] for i, finding in enumerate(evidence.findings)}
    return next(iter(evidence.settings)), answers


def bench_differential() -> Callable[[], object]:
    from aimed import chest_pain

    setting, answers = _vignette()
    return lambda: chest_pain.assess(answers, setting)


def bench_ask_next() -> Callable[[], object]:
    from aimed import chest_pain

    setting, answers = _vignette()

    def call() -> object:
        chest_pain.assess(answers, setting)
        return chest_pain.next_questions(answers, setting)

    return call


def bench_lay_text() -> Callable[[], object]:
    from aimed.lay_text import read_lay_text

    text = (
        "It started an hour ago, it hurts when I breathe in, I feel sweaty and sick, "
        "no fever, the pain goes down my left arm."
    )
    return lambda: read_lay_text(text)


def bench_guard() -> Callable[[], object]:
    from aimed import guard

    text = ("Douleur thoracique depuis 2 h, 38.5 °C, PA 120/80, pas de fièvre hier. " * 30)[:2000]
    return lambda: guard.find_identifiers(text)


def bench_train_20k() -> Callable[[], object]:
    from aimed.models import benchmark_call

    return benchmark_call(20_000)


def bench_engines(report: Report, repeat: int) -> None:
    for name, module, factory_name, budget in ENGINE_CASES:
        try:
            importlib.import_module(module)
        except ImportError as error:
            report.skipped[f"engine: {name}"] = f"{module} not available ({error})"
            continue
        call = globals()[factory_name]()
        times = timed_calls(call, repeat if budget < 300 else max(5, repeat // 20))
        report.add("sandbox", f"{name}: median", statistics.median(times), "ms")
        report.add("sandbox", f"{name}: p95", percentile(times, 95), "ms", budget)


def _change_first_widget(app) -> str:
    """Move the first slider, select box or radio to another value, as a user would."""
    for slider in app.slider:
        low, high = slider.min, slider.max
        value = slider.value
        target = high if value != high else low
        if isinstance(value, tuple):
            continue
        slider.set_value(target)
        return f"slider {slider.key or slider.label}"
    for box in list(app.selectbox) + list(app.radio):
        options = [o for o in box.options if o != box.value]
        if options and box.key != "lang":
            box.set_value(box.options[box.options.index(options[0])])
            return f"{type(box).__name__.lower()} {box.key or box.label}"
    return "rerun without change"


def bench_pages(report: Report, repeat: int) -> None:
    sys.path.insert(0, str(APP_DIR))
    from streamlit.testing.v1 import AppTest

    import sandbox_ui

    for path in sandbox_ui.discovered_pages():
        app = AppTest.from_file(str(path), default_timeout=120)
        app.run()
        if app.exception:
            report.skipped[f"page {path.stem}"] = f"raised: {app.exception[0].value}"
            continue
        times = []
        what = ""
        for _ in range(repeat):
            what = _change_first_widget(app)
            start = time.perf_counter()
            app.run()
            times.append((time.perf_counter() - start) * 1000)
        name = f"page {sandbox_ui.page_namespace(path)} rerun after {what}"
        report.add("sandbox", f"{name}: median", statistics.median(times), "ms")
        report.add("sandbox", f"{name}: p95", percentile(times, 95), "ms", 150)


def bench_server_start(report: Report) -> None:
    start = time.perf_counter()
    try:
        with running_sandbox():
            report.add("sandbox", "start to healthy server", time.perf_counter() - start, "s")
    except (RuntimeError, TimeoutError) as error:
        report.skipped["sandbox: server start"] = str(error)


# ------------------------------------------------------------------------ grading


STOCK_CONFIG = """
# Stock nbgrader for the benchmark: its own Execute step (a Jupyter kernel per notebook).
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Execute.timeout = 30
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]
"""


def _timed_run(command: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall-clock and CPU seconds (the command and everything it started) of one run."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("AIMED_GRADEBOOK_URL", None)
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def _not_graded(course: Path, notebooks: int) -> int:
    """Submissions of the cohort that got no autograded notebook."""
    return notebooks - sum(1 for _ in (course / "autograded").glob("*/*/*.ipynb"))


def bench_grading(report: Report, learners: int, workdir: Path) -> None:
    """One cohort, graded three times from the same start: stock nbgrader, then ours."""
    try:
        cohort = importlib.import_module("aimed.trainer.synthetic")
        boundary = importlib.import_module("aimed.trainer.boundary")
    except ImportError as error:
        report.skipped["grading"] = f"trainer package not available ({error})"
        return
    try:
        boundary.check_available()
    except Exception as error:  # no bwrap here: our grader refuses to run without it
        report.skipped["grading"] = str(error)
        return
    built = workdir / "cohort"
    notebooks = cohort.build_benchmark_course(built, learners=learners)
    runs = {
        "stock nbgrader autograde": [sys.executable, "-m", "nbgrader", "autograde", "*"],
        "aimed-trainer autograde, 1 worker": ["aimed-trainer", "autograde", "--workers", "1"],
        "aimed-trainer autograde, 2 workers": ["aimed-trainer", "autograde", "--workers", "2"],
    }
    per_core: dict[str, float] = {}
    for label, command in runs.items():
        course = workdir / label.replace(" ", "-").replace(",", "")
        shutil.copytree(built, course)
        if command[0] == "aimed-trainer":
            command = [str(Path(sys.executable).parent / "aimed-trainer"), *command[1:]]
            command += ["--course", str(course), "--no-progress"]
        else:
            with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
                config.write(STOCK_CONFIG)
            command += ["--create", "--force"]
        wall, cpu, done = _timed_run(command, course)
        if done.returncode != 0 and "aimed-trainer" in label:
            report.skipped[f"grading: {label}"] = (done.stdout + done.stderr)[-1500:]
            continue
        report.add(
            "grading",
            f"{label}: notebooks not graded (must be 0)",
            _not_graded(course, notebooks),
            "",
        )
        report.add("grading", f"{label}: {notebooks} notebooks", wall, "s")
        budget = 0.5 if label.endswith("2 workers") else None
        report.add("grading", f"{label}: seconds per notebook", wall / notebooks, "s", budget)
        report.add("grading", f"{label}: CPU seconds per notebook", cpu / notebooks, "s")
        per_core[label] = cpu / notebooks
        shutil.rmtree(course, ignore_errors=True)
    stock = per_core.pop("stock nbgrader autograde", None)
    for label, cpu in per_core.items() if stock else ():
        # "No slower per core than stock nbgrader": CPU per notebook, ours over stock's.
        report.add("grading", f"{label}: CPU per notebook / stock's", cpu / stock, "×", 1.0)


# -------------------------------------------------------------------------- scale


def bench_scale(
    report: Report, levels: list[int], moves: int, seconds: float, workdir: Path
) -> None:
    """Simulated learners (Streamlit's protocol) on one replica and on two behind nginx."""
    import load_test
    from balancer import NGINX

    if not Path(NGINX).is_file():
        report.skipped["scale"] = f"no nginx at {NGINX} (make servers installs it)"
        return
    figures = load_test.measure_scale(
        workdir / "scale",
        tuple(levels),
        moves,
        seconds,
        progress=lambda text: console.print(text),
    )
    for fig in figures:
        where = f"{fig.setup}, {fig.users} learners ({fig.server_cpus} server core(s))"
        report.add("scale", f"{where}: interactions/s", fig.per_second, "/s")
        report.add("scale", f"{where}: p95, page loads included", fig.p95, "s")
        report.add("scale", f"{where}: p95 of widget moves", fig.p95_widget, "s")
        report.add("scale", f"{where}: errors", fig.errors, "", 0)
        report.add("scale", f"{where}: server CPU per interaction", fig.cpu_per_interaction, "s")
        report.add("scale", f"{where}: client's share of its core", fig.client_cpu_share, "")
        report.add("scale", f"{where}: servers' resident memory", fig.memory_mb, "MB")


# --------------------------------------------------------------------------- main


def show(report: Report) -> None:
    table = Table(title="Benchmark", show_lines=False)
    for column in ("surface", "measure", "value", "budget", "ok"):
        table.add_column(column)
    for fig in report.figures:
        ok = {None: "", True: "yes", False: "NO"}[fig.within_budget]
        budget = "" if fig.budget is None else f"≤ {fig.budget:g} {fig.unit}"
        table.add_row(fig.surface, fig.name, f"{fig.value:.3g} {fig.unit}", budget, ok)
    console.print(table)
    for what, why in report.skipped.items():
        console.print(f"[yellow]skipped[/] {what}: {why}")


def main(
    out: Path = typer.Option(Path("build/bench.json"), help="Where to write the JSON results."),
    only: list[str] = typer.Option(  # noqa: B008
        [], help="Measure only these surfaces: site, sandbox, grading, scale (repeatable)."
    ),
    repeat: int = typer.Option(200, min=5, help="Calls per engine measurement."),
    page_reruns: int = typer.Option(30, min=3, help="Reruns per sandbox page."),
    learners: int = typer.Option(50, min=1, help="Synthetic learners for grading."),
    scale_users: list[int] = typer.Option(  # noqa: B008
        [1, 5, 10], min=1, max=50, help="Learners at once, per scale level (repeatable)."
    ),
    scale_moves: int = typer.Option(6, min=1, max=30, help="Widget moves per learner."),
    scale_seconds: float = typer.Option(120, min=10, max=600, help="Time limit per level."),
) -> None:
    unknown = set(only) - {"site", "sandbox", "grading", "scale"}
    if unknown:
        raise typer.BadParameter(f"unknown surface(s): {', '.join(sorted(unknown))}")
    surfaces = set(only) or {"site", "sandbox", "grading", "scale"}
    report = Report()
    workdir = Path(tempfile.mkdtemp(prefix="aimed-bench-"))
    try:
        if "site" in surfaces:
            console.print("[bold]site[/] …")
            bench_site(report, workdir)
        if "sandbox" in surfaces:
            console.print("[bold]sandbox[/] …")
            bench_engines(report, repeat)
            bench_pages(report, page_reruns)
            bench_server_start(report)
        if "grading" in surfaces:
            console.print("[bold]grading[/] …")
            bench_grading(report, learners, workdir)
        if "scale" in surfaces:
            console.print("[bold]scale[/] …")
            bench_scale(report, scale_users, scale_moves, scale_seconds, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    show(report)
    out = out if out.is_absolute() else ROOT / out
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "figures": [asdict(f) | {"within_budget": f.within_budget} for f in report.figures],
        "skipped": report.skipped,
    }
    out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    console.print(f"JSON written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    typer.run(main)
