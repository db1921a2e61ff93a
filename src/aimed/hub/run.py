"""A JupyterHub on loopback: local accounts, nbgrader's exchange, the exercise extension.

One hub, started and stopped by the tests (tests/hub/) and usable from a script, set up
as deploy/README.md says a faculty runs it: every learner and the trainer has a system
account (nbgrader's exchange keeps its permissions per account), learners sign in with it
(PAM), each learner's server runs as that account (``LocalProcessSpawner``) with the
platform's exercise extension (``/aimed/open/<exercise>``, serving what the trainer
released to the exchange) and nbgrader's Assignments API. Everything binds to 127.0.0.1.
With ``Hub(lti=Platform(...))`` learners enter from the LMS with LTI 1.3 instead
(aimed.hub.lti, deploy/README.md).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aimed.hub import LEARNER_SERVER_ARGS

if TYPE_CHECKING:
    from aimed.hub.lti import Platform

COURSE = "ai-in-medicine"  # nbgrader's course id, as exercises/nbgrader_config.py says
REPO = Path(__file__).resolve().parents[3]
PROXY = REPO / "tests" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
SERVICE = "aimed-admin"  # the service whose token drives the hub's REST API


class HubError(RuntimeError):
    """The hub did not start, or answered an API call with an error."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_accounts(names: list[str], passwords: dict[str, str] | None = None) -> None:
    """Local accounts with a home only they read, each with its password (``pw-<name>``
    unless given) (root only: the hub signs learners in with PAM and runs each server as
    its account). An account that exists already is refused before any is made."""
    taken = [name for name in names if _exists(name)]
    if taken:
        raise HubError(f"account(s) already on this machine: {', '.join(taken)}")
    for name in names:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        os.chmod(Path("/home") / name, 0o700)
        password = (passwords or {}).get(name, f"pw-{name}")
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def processes_of(user: str) -> list[str]:
    """What still runs as ``user`` (``pgrep -a``), one line a process."""
    done = subprocess.run(["pgrep", "-a", "-u", user], capture_output=True, text=True)
    return done.stdout.splitlines()


def remove_accounts(names: list[str]) -> dict[str, list[str]]:
    """Remove the accounts and their homes; what was still running as each, killed first."""
    left = {}
    for name in names:
        if not _exists(name):  # never made (an LTI launch that was refused)
            continue
        left[name] = processes_of(name)
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)
        time.sleep(0.2)
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)
    return {name: lines for name, lines in left.items() if lines}


def exchange_folder(root: Path) -> Path:
    """nbgrader's exchange: every account writes, as deploy/README.md sets it (chmod ugo+rw)."""
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o777)
    return root


def _reachable_by_all(path: Path) -> bool:
    """Whether any account can run ``path`` (every folder above it lets others through)."""
    real = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [*real.parents, real])


def learner_python(folder: Path) -> Path:
    """A Python every account can run, with this environment's packages.

    A virtual environment made from an interpreter under a private folder (pyenv in
    root's home, as on the CI machines) cannot run as a learner's account: then a small
    environment is made in ``folder`` from the system's Python of the same version, reading
    this environment's site-packages (same ABI, nothing installed twice).
    """
    here = Path(sys.executable)
    if _reachable_by_all(here):
        return here
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(version, path="/usr/bin:/usr/local/bin")
    if system is None:
        raise HubError(f"{here} is private and there is no /usr/bin/{version} for learners")
    venv = folder / "learner-env"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], check=True)
        site = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
        pth = venv / "lib" / version / "site-packages" / "aimed-environment.pth"
        pth.write_text(f"import site; site.addsitedir({str(site)!r})\n")
        # this environment's commands (alembic, jupyter, nbgrader...), run by that Python
        shebang = f"#!{here}".encode()
        for script in here.parent.iterdir():
            target = venv / "bin" / script.name
            if target.exists() or not script.is_file():
                continue
            head, _, rest = script.read_bytes().partition(b"\n")
            if head.strip() == shebang:
                target.write_bytes(f"#!{python}\n".encode() + rest)
                target.chmod(0o755)
    return python


def nbgrader_config(exchange: Path, auth_plugin: bool = False) -> str:
    """The machine's nbgrader_config.py (deploy/jupyterhub/nbgrader_config.py, exchange moved)."""
    lines = [
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {COURSE!r}",
        f"c.Exchange.root = {str(exchange)!r}",
    ]
    if auth_plugin:
        lines.append('c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"')
    return "\n".join(lines) + "\n"


def hub_config(
    *,
    port: int,
    api_port: int,
    hub_port: int,
    learners: list[str],
    trainer: str,
    token: str,
    config_dir: Path,
    exchange: Path,
    python: Path,
    extra: str = "",
    lti: Platform | None = None,
) -> str:
    """jupyterhub_config.py for a loopback hub of local accounts (``extra`` appended).

    ``lti``: learners come in from that LMS with LTI 1.3 instead of signing in with their
    account's password (aimed.hub.lti), their accounts made at their first launch.
    """
    release = exchange / COURSE / "outbound"
    cmd = [str(python), "-m", "jupyterhub.singleuser"]
    args = [f"--AimedLab.release_dir={release}", *LEARNER_SERVER_ARGS]
    env = {
        # the exchange's settings and the exercise extension (config_dir), then this
        # environment's own (nbgrader's extensions, JupyterLab's assets, kernels)
        "JUPYTER_CONFIG_PATH": f"{config_dir}:{Path(sys.prefix) / 'etc' / 'jupyter'}",
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
        "PATH": f"{python.parent}:/usr/local/bin:/usr/bin:/bin",
    }
    return f"""# Written by aimed.hub.run: a hub on loopback for a cohort of local accounts.
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = "sqlite:///jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {set(learners) | {trainer}!r}
c.Authenticator.admin_users = {{{trainer!r}}}
c.JupyterHub.load_groups = {{"formgrade-{COURSE}": {{"users": [{trainer!r}]}},
                             "nbgrader-{COURSE}": {{"users": {learners!r}}}}}
c.JupyterHub.services = [{{"name": {SERVICE!r}, "api_token": {token!r}}}]
c.JupyterHub.load_roles = [
    {{"name": {SERVICE!r}, "services": [{SERVICE!r}],
     "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"]}},
    {{"name": "server", "scopes": ["inherit"]}},
]
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = {cmd!r}
c.Spawner.args = {args!r}
c.Spawner.environment = {env!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
{lti.settings(release) if lti else ""}
{extra}
"""


@dataclass
class Hub:
    """A hub started in ``folder`` on free loopback ports; ``api`` calls its REST API."""

    folder: Path
    learners: list[str]
    trainer: str
    exchange: Path
    extra: str = ""
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(32))
    process: subprocess.Popen | None = None
    python: Path | None = None  # what learners' and the trainer's commands run with
    lti: Platform | None = None  # learners enter from this LMS (LTI 1.3), see hub_config

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write(self) -> Path:
        config_dir = self.folder / "jupyter"
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "nbgrader_config.py").write_text(nbgrader_config(self.exchange))
        server = {"ServerApp": {"jpserver_extensions": {"aimed.lab": True}}}
        (config_dir / "jupyter_server_config.json").write_text(json.dumps(server))
        os.chmod(self.folder, 0o755)
        self.python = learner_python(self.folder)
        config = self.folder / "jupyterhub_config.py"
        config.write_text(
            hub_config(
                port=self.port,
                api_port=free_port(),
                hub_port=free_port(),
                learners=self.learners,
                trainer=self.trainer,
                token=self.token,
                config_dir=config_dir,
                exchange=self.exchange,
                python=self.python,
                extra=self.extra,
                lti=self.lti,
            )
        )
        return config

    def start(self, timeout: float = 90) -> Hub:
        if not PROXY.exists():
            raise HubError(f"no proxy at {PROXY}: run 'make hub-proxy' (npm)")
        config = self.write()
        log = open(self.folder / "jupyterhub.log", "ab")  # noqa: SIM115 (kept with the process)
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"the hub stopped at start: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise HubError(f"the hub did not answer in {timeout:g} s: {self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The log's last lines, without the API's answers to our own polling of a user."""
        path = self.folder / "jupyterhub.log"
        text = path.read_text("utf-8", "replace") if path.exists() else ""
        kept = [line for line in text.splitlines() if not _POLLING.search(line)]
        return "\n".join(kept[-lines:])

    def stop(self, timeout: float = 60) -> None:
        """Stop the hub; it stops the learners' servers and its proxy first (cleanup_servers).

        Whatever the hub started and did not stop is then killed, each server with its
        process group (its kernels). A learner's server was seen stuck at exit, waiting on a
        thread: the hub gives a server 30 s after SIGINT, 30 more after SIGTERM, before it
        kills it (JupyterHub's defaults), and a hub stopped after 30 s left it running, with
        its port; the next hub, which remembered it, waited two minutes for it to answer.
        """
        if self.process is None or self.process.poll() is not None:
            return
        started = {pid: _start_time(pid) for pid in children(self.process.pid)}
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        for pid, since in started.items():
            if since is not None and _start_time(pid) == since:  # the same process, not a reuse
                with contextlib.suppress(ProcessLookupError):
                    if os.getpgid(pid) == pid:  # a server leads its own group
                        os.killpg(pid, signal.SIGKILL)
                    else:
                        os.kill(pid, signal.SIGKILL)

    def run_as(
        self, user: str, *args: str, cwd: Path | None = None, check: bool = True
    ) -> subprocess.CompletedProcess:
        """Run ``python args`` as ``user`` (root only), with the exchange's settings."""
        assert self.python is not None, "write() or start() first"
        env = [
            f"HOME={Path('~' + user).expanduser()}",
            f"PATH={self.python.parent}:/usr/local/bin:/usr/bin:/bin",
            f"JUPYTER_CONFIG_PATH={self.folder / 'jupyter'}:{Path(sys.prefix) / 'etc' / 'jupyter'}",
            f"JUPYTER_PATH={Path(sys.prefix) / 'share' / 'jupyter'}",
            "LANG=C.UTF-8",
        ]
        command = ["runuser", "-u", user, "--", "env", "-i", *env, str(self.python), *args]
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)
        if check and done.returncode != 0:
            raise HubError(
                f"{' '.join(args)} as {user}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
            )
        return done

    def api(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        """Call the hub's REST API (``/hub/api`` + path) with the admin service's token."""
        return request(method, f"{self.url}/hub/api{path}", token or self.token, body)

    def user_token(self, user: str) -> str:
        return self.api("POST", f"/users/{user}/tokens", {"note": "aimed"})["token"]

    def start_server(self, user: str, timeout: float = 120) -> None:
        """Start ``user``'s server and wait until the hub says it is ready.

        After a restart the hub first checks the servers it remembers ("pending check"),
        and it refuses a start meanwhile: wait for whatever is pending, then ask.
        """
        deadline = time.monotonic() + timeout
        asked = False
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}")
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                return
            pending = model.get("pending") or (server or {}).get("pending")
            if not pending and not asked:
                try:
                    self.api("POST", f"/users/{user}/server")
                    asked = True
                except HubError as error:
                    if "pending" not in str(error):
                        raise
            elif not pending and not server:
                asked = False  # the pending stop or check ended without a server: ask again
            time.sleep(0.5)
        raise HubError(f"{user}'s server did not start in {timeout:g} s: {self.log_tail()}")

    def stop_server(self, user: str, timeout: float = 60) -> None:
        self.api("DELETE", f"/users/{user}/server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.api("GET", f"/users/{user}").get("servers"):
                return
            time.sleep(0.5)
        raise HubError(f"{user}'s server did not stop in {timeout:g} s")


def children(pid: int) -> list[int]:
    done = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in done.stdout.split()]


_POLLING = re.compile(r" 200 GET /hub/api/users/[^/ ]+ \(")


def _start_time(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot), None once it has ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, after the command's name


@contextlib.contextmanager
def running_cohort(
    trainer: str,
    learners: list[str],
    *,
    lti: Platform | None = None,
    course: Path | None = None,
    prefix: str = "aimed-hub-",
) -> Iterator[tuple[Hub, Path]]:
    """A started hub for these accounts, its exchange, and the trainer's course folder.

    The course (``~trainer/ai-in-medicine`` unless ``course``) holds the course's settings
    and source notebooks, owned by the trainer. On the way out the hub stops, and with it
    the proxy and the learners' servers: HubError if any of them still runs.
    """
    from aimed.trainer.synthetic import copy_course

    # a private temporary folder (pytest's, root's) could not be reached by the accounts
    base = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(base, 0o755)
    exchange = exchange_folder(base / "exchange")
    course = course or Path("/home") / trainer / COURSE
    copy_course(course)
    subprocess.run(["chown", "-R", f"{trainer}:{trainer}", str(course)], check=True)
    hub = Hub(base / "hub", learners=learners, trainer=trainer, exchange=exchange, lti=lti)
    try:
        hub.start()
        assert hub.process is not None
        started = children(hub.process.pid)
        yield hub, course
    finally:
        hub.stop()
        shutil.rmtree(base, ignore_errors=True)
    deadline = time.monotonic() + 20  # the proxy, told to stop by the hub, may still be ending
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in started):
        time.sleep(0.2)
    still = [pid for pid in started if Path(f"/proc/{pid}").exists()]
    if still:
        raise HubError(f"the hub's proxy or servers still run: {still}")


TRAINER_COMMAND = ("-c", "from aimed.trainer.cli import app; app()")  # aimed-trainer, as is


@contextlib.contextmanager
def trial_cohort(
    release: tuple[str, ...] = (), learners: int = 2, prefix: str = "trial"
) -> Iterator[tuple[Hub, dict[str, str]]]:
    """A hub for a person trying the platform (deploy/trial.sh --hub): accounts
    ``trial-trainer`` and ``trial-learner1``... (``prefix``) with fresh passwords
    (``{account: password}``, for the caller to print) and the exercises ``release``
    released to the exchange. On the way out the hub stops and the accounts go, with
    their homes."""
    if os.geteuid() != 0:
        raise HubError("the hub's trial needs root: it makes a local account for each person")
    if not re.fullmatch(r"[a-z][a-z0-9]{0,15}", prefix):
        raise HubError(f"accounts' prefix {prefix!r}: up to 16 lowercase letters and digits")
    trainer = f"{prefix}-trainer"
    names = [trainer, *(f"{prefix}-learner{n}" for n in range(1, learners + 1))]
    letters = string.ascii_letters + string.digits  # no "-" a shell or a reader could take wrongly
    passwords = {name: "".join(secrets.choice(letters) for _ in range(14)) for name in names}
    add_accounts(names, passwords)
    try:
        with running_cohort(trainer, names[1:], prefix="aimed-trial-hub-") as (hub, course):
            if release:
                hub.run_as(trainer, *TRAINER_COMMAND, "release", *release, "--course",
                           str(course), "--downloads", str(course / "downloads"))  # fmt: skip
                for exercise in release:
                    hub.run_as(trainer, "-m", "nbgrader", "release_assignment", exercise,
                               cwd=course)  # fmt: skip
            yield hub, passwords
    finally:
        remove_accounts(names)


def request(method: str, url: str, token: str | None, body: dict | None = None, form: bool = False):
    """One HTTP call with a token (None: without); JSON in and out (``form``: url-encoded)."""
    data = None
    headers = {"Authorization": f"token {token}"} if token else {}
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as answer:
            text = answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:500]
        raise HubError(f"{method} {url}: {error.code} {detail}") from None
    return json.loads(text) if text.strip() else None


def sign_in(url: str, user: str, password: str) -> tuple[int, str]:
    """PAM sign-in through the hub's login form at ``url`` (the hub, or nginx in front), as
    a browser keeping its cookies: the status of the page it ends on (403 if back at the
    login) and that page's address. Signing in starts the learner's server (the spawn page).
    """
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with browser.open(f"{url}/hub/login") as page:
        found = re.search(r'name="_xsrf" value="([^"]+)"', page.read().decode())
    if found is None:
        raise HubError(f"{url}/hub/login shows no sign-in form")
    form = urllib.parse.urlencode({"username": user, "password": password, "_xsrf": found[1]})
    try:
        with browser.open(f"{url}/hub/login", form.encode()) as page:
            return (page.status if "/hub/login" not in page.url else 403), page.url
    except urllib.error.HTTPError as error:
        return error.code, error.url


def server_call(url: str, user: str, token: str, method: str, path: str, body=None, form=False):
    """Call ``user``'s own server through the hub at ``url`` (``/user/<user>`` + path)."""
    return request(method, f"{url}/user/{user}{path}", token, body, form)


def assignments(url: str, user: str, token: str) -> dict[str, dict]:
    """What nbgrader's Assignments API of ``user``'s server lists, by assignment."""
    answer = server_call(url, user, token, "GET", f"/assignments?course_id={COURSE}")
    if not answer["success"]:
        raise HubError(f"{user}'s assignments: {answer}")
    return {item["assignment_id"]: item for item in answer["value"]}


def assignment_action(url: str, user: str, token: str, action: str, assignment: str) -> dict:
    """fetch, submit, fetch_feedback... as the Assignments tab asks ``user``'s server."""
    body = {"course_id": COURSE, "assignment_id": assignment}
    return server_call(url, user, token, "POST", f"/assignments/{action}", body, form=True)


def run_in_kernel(url: str, user: str, token: str, kernel: str, code: str) -> str:
    """Execute ``code`` in ``user``'s kernel over its WebSocket, as JupyterLab does (through
    the hub's proxy, or nginx in front, at ``url``); what it printed."""
    from websockets.sync.client import connect

    ws_url = f"ws{url.removeprefix('http').rstrip('/')}/user/{user}/api/kernels/{kernel}/channels"
    msg_id = uuid.uuid4().hex
    message = {
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user,
                   "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }  # fmt: skip
    # websockets' blocking client: the caller may already run an event loop (Playwright)
    headers = {"Authorization": f"token {token}"}
    with connect(ws_url, additional_headers=headers, open_timeout=60) as ws:
        ws.send(json.dumps(message))
        printed = ""
        while True:
            reply = json.loads(ws.recv(timeout=60))
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if reply["msg_type"] == "stream":
                printed += reply["content"]["text"]
            if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
                return printed


def which_proxy() -> str | None:
    """The proxy's path if installed (``make hub-proxy``), else None."""
    return str(PROXY) if PROXY.exists() else shutil.which("configurable-http-proxy")


def ready_for_exchange(course: Path) -> int:
    """Let nbgrader's ``release_feedback`` return the pages ``aimed-trainer feedback`` wrote.

    nbgrader names a learner's page in the exchange from the submission's time and secret,
    which ``aimed-trainer feedback`` leaves out (it copies nothing but the page): they are
    put back beside each page from ``autograded/``. Returns the folders made ready.
    """
    ready = 0
    for folder in sorted(Path(course, "feedback").glob("*/*")):
        graded = Path(course, "autograded", folder.parent.name, folder.name)
        if not any(folder.glob("*.html")) or not graded.is_dir():
            continue
        for name in ("timestamp.txt", "submission_secret.txt"):
            if (graded / name).is_file():
                shutil.copy2(graded / name, folder / name)
        ready += 1
    return ready


if __name__ == "__main__":  # python -m aimed.hub.run ready <course folder>
    if len(sys.argv) != 3 or sys.argv[1] != "ready":
        sys.exit("usage: python -m aimed.hub.run ready <course folder>")
    print(f"{ready_for_exchange(Path(sys.argv[2]))} feedback folders ready for the exchange")
