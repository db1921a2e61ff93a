"""Simulated learners on the sandbox, through Streamlit's own WebSocket protocol; bounded.

A browser per simulated learner uses most of a small machine itself (Chromium took three
quarters of two cores to drive one replica), so this client speaks Streamlit's protocol
instead: it loads the page over HTTP as a first visit does (HTML, the scripts and styles the
page names, the health and host-config calls), opens ``/_stcore/stream``, sends the
``rerun_script`` back-message a browser sends, and reads forward-messages until
``script_finished``. Each interaction then moves one widget the page has just shown, as a
learner exploring it would (next option, one step of a slider or a number box, a "Try this"
button), and waits for the run to finish.

Traffic goes to 127.0.0.1 only, and every run is bounded in users, interactions and seconds:
it stops by itself. ``scripts/bench.py --only scale`` runs it against one replica, and against
two and four behind nginx on one server core and on two (``SETUPS``);
``python -m aimed.servers.load_test --url http://127.0.0.1:8501`` against a running sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import statistics
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
XSRF_COOKIE = "_streamlit_xsrf"
ASSET = re.compile(r"""(?:src|href)=["']\./(static/[^"']+\.(?:js|css))["']""")
# Widgets a learner moves; the language switch stays put (its own test covers it).
SKIPPED_KEYS = ("-lang",)


class LoadTestError(Exception):
    """The sandbox answered in a way a browser would show as broken."""


def check_loopback(url: str) -> None:
    """Refuse any address but this machine's: a load test never leaves it."""
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"load tests run on 127.0.0.1 only, not {host!r}")


# ------------------------------------------------------------------------- widgets


@dataclass
class Widget:
    """A widget the last run showed: its id, kind and the element describing it."""

    id: str
    kind: str
    element: Any  # the widget's own Streamlit proto (Slider, Radio...): fields by kind

    def next_state(self, rng: random.Random, sent: dict | None = None):
        """The widget state a learner's next move sends, or None if it cannot move.

        ``sent`` holds the states this client sent before, by widget id: the page reports a
        widget's own default unless the script itself set the value.
        """
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        proto: Any = self.element
        last = None if getattr(proto, "set_value", False) else (sent or {}).get(self.id)
        state = WidgetState(id=self.id)
        if self.kind == "button":
            state.trigger_value = True
        elif self.kind == "checkbox":
            shown = proto.value if proto.set_value else proto.default
            state.bool_value = not (last.bool_value if last else shown)
        elif self.kind in ("selectbox", "radio"):
            options = list(proto.options)
            if len(options) < 2:
                return None
            current = last.string_value if last else proto.raw_value
            index = options.index(current) if current in options else proto.default
            state.string_value = options[(index + 1) % len(options)]
        elif self.kind == "slider" and proto.options:  # a select_slider: formatted options
            options = list(proto.options)
            if len(proto.default) != 1 or len(options) < 2:
                return None
            current = last.string_array_value.data[0] if last else None
            if current is None and proto.set_value and proto.raw_value:
                current = proto.raw_value[0]
            index = options.index(current) if current in options else int(proto.default[0])
            index = index + 1 if index + 1 < len(options) and rng.random() < 0.5 else index - 1
            state.string_array_value.data.append(options[max(0, index)])
        elif self.kind == "slider":
            values = list(proto.value if proto.set_value else proto.default)
            if len(values) != 1:
                return None
            current = last.double_array_value.data[0] if last else values[0]
            up = current + proto.step
            value = up if up <= proto.max and rng.random() < 0.5 else current - proto.step
            state.double_array_value.data.append(max(proto.min, value))
        elif self.kind == "number_input":
            current = (
                last.double_value if last else (proto.value if proto.set_value else proto.default)
            )
            up = current + proto.step
            value = up if (not proto.has_max or up <= proto.max) else current - proto.step
            if proto.has_min and value < proto.min:
                return None
            state.double_value = value
        else:
            return None
        if sent is not None and self.kind != "button":
            sent[self.id] = state
        return state


MOVABLE = ("button", "checkbox", "selectbox", "radio", "slider", "number_input")


# -------------------------------------------------------------------------- a session


@dataclass
class RunResult:
    """One script run as the learner saw it."""

    seconds: float
    widgets: list[Widget] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)


class SandboxClient:
    """One learner's tab: an HTTP page load, then one WebSocket session (async)."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, assets: bool = True) -> None:
        check_loopback(base_url)
        self.base = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.assets = assets
        self.cookie: str | None = None
        self.session_id: str | None = None
        self.page = ""
        self.page_hash = ""  # the page's script hash, from the server's first answer
        self.lang = "en"
        self.socket: ClientConnection | None = None
        self.http_requests = 0
        self.probe = ""  # a query string on the stream URL, so a server log can name the tab

    # -- HTTP, as the browser loads the page
    def _get(self, path: str) -> bytes:
        request = urllib.request.Request(self.base + path, headers={"Accept-Encoding": "gzip"})
        if self.cookie:
            request.add_header("Cookie", f"{XSRF_COOKIE}={self.cookie}")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            body = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name.strip() == XSRF_COOKIE:
                    self.cookie = rest.split(";", 1)[0]
        self.http_requests += 1
        return body

    def _load_page(self, page: str, lang: str) -> None:
        html = self._get(f"{page}?lang={lang}").decode("utf-8", "replace")
        if self.assets:
            for asset in dict.fromkeys(ASSET.findall(html)):
                self._get(asset)
        self._get("_stcore/health")  # sets the XSRF cookie the WebSocket presents
        self._get("_stcore/host-config")

    # -- the WebSocket session
    async def _connect(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.typing import Origin, Subprotocol

        split = urlsplit(self.base)
        scheme = "wss" if split.scheme == "https" else "ws"
        url = f"{scheme}://{split.netloc}{split.path}_stcore/stream{self.probe}"
        protocols = ["streamlit", self.cookie or "PLACEHOLDER_AUTH_TOKEN"]
        if self.session_id:
            protocols.append(self.session_id)
        headers = {"Cookie": f"{XSRF_COOKIE}={self.cookie}"} if self.cookie else {}
        self.socket = await connect(
            url,
            subprotocols=[Subprotocol(p) for p in protocols],
            additional_headers=headers,
            origin=Origin(f"{split.scheme}://{split.netloc}"),
            max_size=None,
            open_timeout=self.timeout,
        )

    async def open(self, page: str = "", lang: str = "en") -> RunResult:
        """Load ``page`` (a URL path such as ``test-result``) in ``lang`` and run it once."""
        self.page, self.lang = page, lang
        start = time.perf_counter()
        await asyncio.to_thread(self._load_page, page, lang)
        await self._connect()
        result = await self._run([])
        result.seconds = time.perf_counter() - start
        return result

    async def change(self, state) -> RunResult:
        """Send one moved widget (a ``WidgetState``) and wait for the run it starts."""
        return await self._run([state])

    async def reconnect(self) -> RunResult:
        """Drop the connection and come back to the same session, as after a network blip.

        The rerun carries no widget state: what the page shows comes from the server.
        """
        await self.close()
        await self._connect()
        return await self._run([])

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
            self.socket = None

    async def _run(self, states: list) -> RunResult:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = f"lang={self.lang}"
        # The browser names the page by its URL path first, then by the hash the server sent.
        if self.page_hash:
            rerun.page_script_hash = self.page_hash
        else:
            rerun.page_name = self.page
        rerun.widget_states.widgets.extend(states)
        rerun.context_info.timezone = "Europe/Paris"
        rerun.context_info.locale = "fr-FR" if self.lang == "fr" else "en-GB"
        start = time.perf_counter()
        assert self.socket is not None, "connect() first"
        await self.socket.send(message.SerializeToString())
        result = await asyncio.wait_for(self._read_run(), self.timeout)
        result.seconds = time.perf_counter() - start
        return result

    async def _read_run(self) -> RunResult:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        early = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
        result = RunResult(0.0)
        assert self.socket is not None, "connect() first"
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self.socket.recv())
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id or self.session_id
                result = RunResult(0.0)  # the run starts here
            elif kind == "navigation":  # st.navigation names the page it runs
                self.page_hash = message.navigation.page_script_hash or self.page_hash
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                _collect(message.delta.new_element, result)
            elif kind == "page_not_found":
                raise LoadTestError(f"page not found: {self.page!r}")
            elif kind == "script_finished" and message.script_finished != early:
                return result


def _collect(element, result: RunResult) -> None:
    kind = element.WhichOneof("type")
    if kind == "exception":
        result.exceptions.append(f"{element.exception.type}: {element.exception.message}")
    elif kind in ("markdown", "heading"):
        result.texts.append(getattr(element, kind).body)
    elif kind == "alert":
        result.texts.append(element.alert.body)
    elif kind in MOVABLE:
        proto = getattr(element, kind)
        if not proto.id.endswith(SKIPPED_KEYS) and not proto.disabled and not proto.form_id:
            result.widgets.append(Widget(proto.id, kind, proto))


# ----------------------------------------------------------------------- a load run


@dataclass
class Interaction:
    kind: str  # "page load" | "widget"
    seconds: float
    error: str = ""


@dataclass
class LoadResult:
    """What one bounded run measured."""

    users: int
    seconds: float
    interactions: list[Interaction]
    http_requests: int = 0

    @property
    def done(self) -> list[Interaction]:
        return [i for i in self.interactions if not i.error]

    @property
    def errors(self) -> list[Interaction]:
        return [i for i in self.interactions if i.error]

    @property
    def per_second(self) -> float:
        return len(self.done) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float, kind: str | None = None) -> float:
        times = sorted(i.seconds for i in self.done if kind is None or i.kind == kind)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, max(0, round(q / 100 * (len(times) - 1))))]

    def median(self) -> float:
        times = [i.seconds for i in self.done]
        return statistics.median(times) if times else float("nan")


def scenario_pages() -> tuple[str, ...]:
    """Scenario pages a simulated learner opens (URL path of each page under st.navigation):
    the scenarios of the course manifest (course/course.toml of the course in force)."""
    from aimed import settings
    from aimed.course_manifest import MANIFEST_NAME, load_manifest

    course = settings.read().course()
    return tuple(load_manifest(course / "course" / MANIFEST_NAME).scenario_slugs)


async def _learner(
    number: int,
    url: str,
    moves: int,
    pages: tuple[str, ...],
    seed: int,
    log: list[Interaction],
    counts: list[int],
    stop_at: float,
    assets: bool,
) -> None:
    rng = random.Random(seed * 1000 + number)
    client = SandboxClient(url, assets=assets)
    page, lang = pages[number % len(pages)], ("en", "fr")[number % 2]
    sent: dict = {}
    try:
        try:
            result = await client.open(page, lang)
        except Exception as error:  # noqa: BLE001 (any failure is the learner's error)
            log.append(Interaction("page load", 0.0, _describe(error)))
            return
        log.append(Interaction("page load", result.seconds, "; ".join(result.exceptions)))
        for _ in range(moves):
            if time.monotonic() >= stop_at:
                return
            state = None
            for widget in rng.sample(result.widgets, len(result.widgets)):
                state = widget.next_state(rng, sent)
                if state is not None:
                    break
            if state is None:
                return
            try:
                result = await client.change(state)
            except Exception as error:  # noqa: BLE001
                log.append(Interaction("widget", 0.0, _describe(error)))
                return
            log.append(Interaction("widget", result.seconds, "; ".join(result.exceptions)))
    finally:
        counts.append(client.http_requests)
        await client.close()


def _describe(error: BaseException) -> str:
    if isinstance(error, asyncio.TimeoutError | TimeoutError):
        return "no answer in time"
    return f"{type(error).__name__}: {error}"[:200]


async def run_load(
    url: str,
    users: int,
    moves: int = 8,
    *,
    pages: tuple[str, ...] | None = None,
    seed: int = 0,
    max_seconds: float = 120.0,
    assets: bool = True,
) -> LoadResult:
    """``users`` learners at once, each opening a page then making ``moves`` moves; no pause.

    Bounded: at most ``users * (moves + 1)`` interactions, and no new move after
    ``max_seconds`` (a run in progress is given the client's timeout to finish).
    """
    check_loopback(url)
    if not 1 <= users <= 200 or not 0 <= moves <= 100:
        raise ValueError("users must be 1-200 and moves 0-100")
    log: list[Interaction] = []
    counts: list[int] = []
    start = time.perf_counter()
    stop_at = time.monotonic() + max_seconds
    pages = pages or scenario_pages()
    tasks = [
        _learner(n, url, moves, pages, seed, log, counts, stop_at, assets) for n in range(users)
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), max_seconds + 90)
    except TimeoutError:
        log.append(Interaction("widget", 0.0, "the run was stopped at its time limit"))
    return LoadResult(users, time.perf_counter() - start, log, sum(counts))


# ------------------------------------------------------------------- CPU accounting


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and their children, from ``/proc``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _with_descendants(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def memory_mb(pids: list[int]) -> float:
    """Resident memory of these processes and their children, in MB."""
    total = 0
    for pid in _with_descendants(pids):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0
        )
    return total / 1024


def _with_descendants(pids: list[int]) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo += parents.get(pid, [])
    return found


def pin_to_cpus(cpus: set[int], pids: list[int] | None = None) -> None:
    """Keep processes (default: this one) on ``cpus``: every thread, and their children.

    The client on one core and the servers on the others: the client cannot starve them.
    """
    if not cpus or not hasattr(os, "sched_setaffinity"):
        return
    for pid in _with_descendants(pids) if pids else [os.getpid()]:
        for task in Path(f"/proc/{pid}/task").glob("[0-9]*"):
            try:
                os.sched_setaffinity(int(task.name), cpus)
            except OSError:  # a thread that just ended
                continue


# ------------------------------------------------------------- one replica, two replicas


@dataclass
class LevelFigures:
    """One load level on one set-up: what the benchmark reports."""

    setup: str
    users: int
    interactions: int
    errors: int
    per_second: float
    p95: float  # every interaction, page loads included
    p95_widget: float  # widget moves only
    cpu_per_interaction: float  # servers' CPU seconds (replicas + nginx) per interaction
    client_cpu_share: float  # of the client's one core: it must stay well below 1
    server_cpus: int
    memory_mb: float  # resident memory of the servers (replicas + nginx) after the level
    replicas: int = 1
    client_shares_a_core: bool = False  # the client's core is also one of the servers'


@dataclass(frozen=True)
class Setup:
    """What serves the simulated learners: replicas, settings, and how many cores they get."""

    name: str
    replicas: int
    deployment: bool  # the deployment's settings, nginx in front
    cores: int = 1  # 1: the cores the client is not on; 2: every core (the client shares one)


# Short name (``bench.py --scale-setup``) -> set-up.
SETUPS: dict[str, Setup] = {
    "serve": Setup("1 replica as make serve runs it", 1, False),
    "1r1c": Setup("1 replica, deployment settings, behind nginx", 1, True),
    "2r1c": Setup("2 replicas behind nginx, 1 server core", 2, True),
    "2r2c": Setup("2 replicas behind nginx, 2 server cores", 2, True, 2),
    "4r1c": Setup("4 replicas behind nginx, 1 server core", 4, True),
    "4r2c": Setup("4 replicas behind nginx, 2 server cores", 4, True, 2),
}


def split_cpus(cores: int = 1) -> tuple[set[int], set[int]]:
    """The client's core and the servers' cores.

    ``cores=1``: the client alone on the first core, the servers on the others (all on one
    core if there is one). More: the servers on that many cores from the first, so on a
    two-core machine the client shares the first with them (it takes a few percent of it,
    reported as its share).
    """
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    if cores <= 1:
        return {cpus[0]}, set(cpus[1:]) or {cpus[0]}
    return {cpus[0]}, set(cpus[:cores])


@contextlib.contextmanager
def _servers(replicas: int, deployment: bool, workdir: Path):
    from aimed.servers.balancer import running_balancer, running_replicas

    if deployment:
        site = workdir / "site"
        site.mkdir(parents=True, exist_ok=True)
        (site / "index.html").write_text("<!doctype html><title>site</title>", encoding="utf-8")
        with running_balancer(replicas, site, workdir=workdir) as balancer:
            yield balancer.sandbox_url, balancer.pids()
    else:
        with running_replicas(replicas, deployment=False) as processes:
            port, process = next(iter(processes.items()))
            yield f"http://127.0.0.1:{port}/", [process.pid]


def measure_scale(
    workdir: Path,
    levels: tuple[int, ...] = (1, 5, 10),
    moves: int = 6,
    max_seconds: float = 120.0,
    setups: tuple[str, ...] = ("serve", "1r1c", "2r1c"),
    progress=print,
) -> list[LevelFigures]:
    """Every set-up (names of ``SETUPS``) at every load level, on fresh servers warmed by one
    pass over every page on every replica.

    The same learners (seeded) make the same moves on every set-up, so set-ups compare.
    """
    own = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    figures: list[LevelFigures] = []
    pages = scenario_pages()  # once: every set-up and level opens the same pages
    try:
        for key in setups:
            setup = SETUPS[key]
            client, servers = split_cpus(setup.cores)
            where = workdir / key
            with _servers(setup.replicas, setup.deployment, where) as (url, pids):
                pin_to_cpus(servers, pids)
                pin_to_cpus(client)
                progress(f"  {setup.name}: warming up")
                # each replica trains its own models: enough tabs that every one sees each page
                warm_up = min(200, 2 * setup.replicas * len(pages))
                asyncio.run(
                    run_load(url, warm_up, 2, pages=pages, seed=999, max_seconds=max_seconds)
                )
                for level, users in enumerate(levels, start=1):
                    progress(f"  {setup.name}: {users} learners")
                    before, client_before = cpu_seconds(pids), time.process_time()
                    result = asyncio.run(
                        run_load(
                            url, users, moves, pages=pages, seed=level, max_seconds=max_seconds
                        )
                    )
                    spent = cpu_seconds(pids) - before
                    done = len(result.done)
                    figures.append(
                        LevelFigures(
                            setup=setup.name,
                            users=users,
                            interactions=done,
                            errors=len(result.errors),
                            per_second=result.per_second,
                            p95=result.percentile(95),
                            p95_widget=result.percentile(95, "widget"),
                            cpu_per_interaction=spent / done if done else float("nan"),
                            client_cpu_share=(time.process_time() - client_before) / result.seconds,
                            server_cpus=len(servers),
                            memory_mb=memory_mb(pids),
                            replicas=setup.replicas,
                            client_shares_a_core=bool(client & servers),
                        )
                    )
                    last = figures[-1]
                    progress(
                        f"    {last.per_second:.1f} interactions/s, p95 {last.p95:.2f} s, "
                        f"{last.cpu_per_interaction:.3f} CPU-s each, {last.errors} errors"
                    )
                pin_to_cpus(own)
    finally:
        pin_to_cpus(own)
    return figures


# --------------------------------------------------------------------------- command


def main(
    url: str = "http://127.0.0.1:8501",
    users: int = 5,
    moves: int = 8,
    max_seconds: float = 60.0,
    seed: int = 0,
    server_pid: list[int] | None = None,
) -> LoadResult:
    """One bounded run against a running sandbox; prints what a faculty sizes machines with."""
    before = cpu_seconds(server_pid) if server_pid else 0.0
    result = asyncio.run(run_load(url, users, moves, seed=seed, max_seconds=max_seconds))
    print(f"{users} users: {len(result.done)} interactions in {result.seconds:.1f} s")
    print(f"  {result.per_second:.2f} interactions/s, p95 {result.percentile(95):.2f} s")
    print(f"  errors: {len(result.errors)}")
    for error in sorted({i.error for i in result.errors})[:5]:
        print(f"    {error}")
    if server_pid and result.done:
        spent = cpu_seconds(server_pid) - before
        print(f"  server CPU: {spent / len(result.done):.3f} s per interaction")
    return result


if __name__ == "__main__":
    import typer

    def command(
        url: str = typer.Option("http://127.0.0.1:8501", help="Sandbox or balancer (loopback)."),
        users: int = typer.Option(5, min=1, max=200, help="Learners at once."),
        moves: int = typer.Option(8, min=0, max=100, help="Widget moves per learner."),
        max_seconds: float = typer.Option(60, min=1, max=600, help="No new move after this."),
        seed: int = typer.Option(0, help="Which moves each learner makes."),
        server_pid: list[int] = typer.Option([], help="Server processes to count CPU of."),  # noqa: B008
    ) -> None:
        result = main(url, users, moves, max_seconds, seed, server_pid or None)
        raise typer.Exit(1 if result.errors else 0)

    typer.run(command)
