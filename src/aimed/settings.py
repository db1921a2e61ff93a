"""Every address, port, URL and folder the platform reads, read here once, with its default.

The servers, the ``aimed`` command and the site's build read their settings through
:func:`read`, never from ``os.environ`` themselves, so each setting has one name, one default
and one check. A command-line option overrides the environment variable of the same setting;
a malformed value (a port that is not a number, a URL without a scheme, a folder that does
not exist) stops with a :class:`SettingError` that names the setting to fix.

=====================  ===========================  ==============================================
Setting                Variable (option)            Default
=====================  ===========================  ==============================================
host                   AIMED_HOST (--host)          127.0.0.1: loopback only
site_port              AIMED_SITE_PORT              8000: the course site
sandbox_port           AIMED_SANDBOX_PORT           8501: the sandbox (Streamlit)
lab_port               AIMED_LAB_PORT               8888: the exercise server (JupyterLab)
sandbox_url            AIMED_SANDBOX_URL            http://<host>:<sandbox_port>, linked by pages
lab_url                AIMED_LAB_URL                http://<host>:<lab_port>; "" = no lab links
course_url             AIMED_COURSE_URL             http://<host>:<site_port>, the sandbox's link
repository_url         AIMED_REPOSITORY_URL         "": the about page names it unlinked
course_root            AIMED_COURSE_ROOT (--course) the repository you are in, else the course
                                                    this package ships (mkdocs.yml, course/,
                                                    exercises/release/)
site_dir               AIMED_SITE_DIR (--site-dir)  build/site, from the working folder
workspace              AIMED_WORKSPACE              workspace/, from the working folder: the
                                                    learner's copies of the exercises
=====================  ===========================  ==============================================

The trainer's own variables are documented here too and read through :func:`trainer_course`
and :func:`gradebook_url`: ``AIMED_COURSE`` (the trainer's course folder, ``exercises/``),
``AIMED_GRADEBOOK_URL`` (default: SQLite in the course folder) and ``AIMED_GRADING_TMP``
(where grading sandboxes keep their spool). ``<host>`` in a default URL is 127.0.0.1 when the
servers bind to every address (0.0.0.0 or ::).

``AIMED_SELF_CHECK`` (read through :func:`self_check`, default ``on``): whether the exercise
server offers "Check my answers" (``aimed.lab``). A trainer sets it to ``off`` for a graded
release: the check page then says that answers are checked by the trainer.
``AIMED_FIGURE_CACHE`` (read through :func:`figure_cache`, default unset: every build draws
every figure): a folder where the site's build keeps the figures it drew, each under a digest
of the code that draws it, so a later build with the same code reads them instead of drawing
them again (the test suite builds the site several times).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aimed.texts.i18n import LANGUAGES

__all__ = ["LANGUAGES", "SettingError", "Settings", "read", "shipped_course"]

PACKAGE = Path(__file__).resolve().parent
SHIPPED_COURSE = PACKAGE / "_course"  # filled by setup.py when a wheel is built
ANY_ADDRESS = {"0.0.0.0", "::", ""}

# JupyterLab's settings that keep it from asking another host, wherever it runs (the exercise
# server, the trainer's formgrader, a learner's server on the hub): no news feed, no update
# check, and the extension manager that lists what is installed instead of searching PyPI.
JUPYTERLAB_OFFLINE = (
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
)
# nbgrader's trainer tools, installed beside its learners' tools: never in a learner's server.
NBGRADER_TRAINER_TOOLS = ("formgrader", "course_list")


def without_nbgrader(*names: str) -> tuple[str, ...]:
    """A Jupyter server's flags that leave out nbgrader's server extensions ``names``."""
    return tuple(
        f"--ServerApp.jpserver_extensions=nbgrader.server_extensions.{name}=False" for name in names
    )


class SettingError(ValueError):
    """A setting holds a value the platform cannot use; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    host: str
    site_port: int
    sandbox_port: int
    lab_port: int
    sandbox_url: str
    lab_url: str
    course_url: str
    repository_url: str
    course_root: Path | None  # None: no course found (see :meth:`course`)
    site_dir: Path
    workspace: Path

    @property
    def local_host(self) -> str:
        """Where a browser on this machine reaches servers bound to ``host``."""
        host = "127.0.0.1" if self.host in ANY_ADDRESS else self.host
        return f"[{host}]" if ":" in host else host

    def course(self) -> Path:
        """The course to build and serve; none found stops with how to name one."""
        if self.course_root is None:
            raise SettingError(
                "no course here and none shipped with this installation: "
                f"name one with {option_or_variable('course_root')}"
            )
        return self.course_root

    @property
    def release_dir(self) -> Path:
        """The learner versions of the exercises the exercise server copies from."""
        return self.course() / "exercises" / "release"

    def site_environment(self) -> dict[str, str]:
        """The variables the site's build reads (mkdocs.yml's ``!ENV`` lines)."""
        return {
            "AIMED_SANDBOX_URL": self.sandbox_url,
            "AIMED_LAB_URL": self.lab_url,
            "AIMED_REPOSITORY_URL": self.repository_url,
        }


@dataclass(frozen=True)
class _Field:
    env: str
    option: str | None
    parse: Callable[[str, str], object]


def _port(value: str, name: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise SettingError(f"{name}={value!r}: a port is a whole number from 1 to 65535")
    return int(text)


def _host(value: str, name: str) -> str:
    text = str(value).strip()
    if not text or any(c.isspace() or c in "/?#@" for c in text):
        raise SettingError(f"{name}={value!r}: give an address such as 127.0.0.1")
    return text.strip("[]")


def _url(value: str, name: str, *, empty: bool = False) -> str:
    text = str(value).strip()
    if not text and empty:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingError(
            f"{name}={value!r}: give a full address with its scheme, such as "
            "http://127.0.0.1:8501" + (" (or leave it empty)" if empty else "")
        )
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise SettingError(f"{name}={value!r}: the port in this address is not a number") from None
    return text.rstrip("/")


def _folder(value: str, name: str) -> Path:
    path = Path(str(value)).expanduser()
    if not path.is_dir():
        raise SettingError(f"{name}={value!r}: no such folder")
    return path.resolve()


def _course(value: str, name: str) -> Path:
    path = _folder(value, name)
    if not (path / "mkdocs.yml").is_file() or not (path / "course").is_dir():
        raise SettingError(f"{name}={value!r}: not a course (it needs mkdocs.yml and course/)")
    return path


def _path(value: str, name: str) -> Path:
    if not str(value).strip():
        raise SettingError(f"{name} is empty: give a folder")
    return Path(str(value)).expanduser()


FIELDS: dict[str, _Field] = {
    "host": _Field("AIMED_HOST", "--host", _host),
    "site_port": _Field("AIMED_SITE_PORT", "--site-port", _port),
    "sandbox_port": _Field("AIMED_SANDBOX_PORT", "--sandbox-port", _port),
    "lab_port": _Field("AIMED_LAB_PORT", "--lab-port", _port),
    "sandbox_url": _Field("AIMED_SANDBOX_URL", None, _url),
    "lab_url": _Field("AIMED_LAB_URL", None, lambda v, n: _url(v, n, empty=True)),
    "course_url": _Field("AIMED_COURSE_URL", None, _url),
    "repository_url": _Field("AIMED_REPOSITORY_URL", None, lambda v, n: _url(v, n, empty=True)),
    "course_root": _Field("AIMED_COURSE_ROOT", "--course", _course),
    "site_dir": _Field("AIMED_SITE_DIR", "--site-dir", _path),
    "workspace": _Field("AIMED_WORKSPACE", "--workspace", _path),
}
DEFAULTS = {"host": "127.0.0.1", "site_port": "8000", "sandbox_port": "8501", "lab_port": "8888"}


def option_or_variable(name: str) -> str:
    """How a user changes a setting: ``--sandbox-port or AIMED_SANDBOX_PORT``."""
    field = FIELDS[name]
    return f"{field.option} or {field.env}" if field.option else field.env


def read(
    options: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """The settings in force: ``options`` (given on the command line, ``None`` = not given)
    over the environment over the defaults."""
    environ = os.environ if environ is None else environ
    options = {k: v for k, v in (options or {}).items() if v is not None}
    unknown = set(options) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    cwd = cwd or Path.cwd()
    values: dict[str, object] = {}

    def given(name: str) -> tuple[str, str] | None:
        field = FIELDS[name]
        if name in options:
            return str(options[name]), field.option or field.env
        if field.env in environ:
            return environ[field.env], field.env
        return None

    for name in ("host", "site_port", "sandbox_port", "lab_port"):
        raw, label = given(name) or (DEFAULTS[name], FIELDS[name].env)
        values[name] = FIELDS[name].parse(raw, label)
    ports = {n: values[n] for n in ("site_port", "sandbox_port", "lab_port")}
    if len(set(ports.values())) < 3:
        raise SettingError(
            "the course site, the sandbox and the exercises need three different ports: "
            + ", ".join(f"{FIELDS[n].env}={p}" for n, p in ports.items())
        )
    host = "127.0.0.1" if values["host"] in ANY_ADDRESS else str(values["host"])
    local = f"[{host}]" if ":" in host else host
    derived = {
        "sandbox_url": f"http://{local}:{values['sandbox_port']}",
        "lab_url": f"http://{local}:{values['lab_port']}",
        "course_url": f"http://{local}:{values['site_port']}",
        "repository_url": "",
    }
    for name, default in derived.items():
        found = given(name)
        values[name] = FIELDS[name].parse(*found) if found else default
    found = given("course_root")
    values["course_root"] = FIELDS["course_root"].parse(*found) if found else default_course(cwd)
    for name, default in (("site_dir", "build/site"), ("workspace", "workspace")):
        path = FIELDS[name].parse(*(given(name) or (default, FIELDS[name].env)))
        assert isinstance(path, Path), f"{name} is a path setting"
        values[name] = path if path.is_absolute() else (cwd / path).absolute()
    return Settings(**values)  # type: ignore[arg-type]  # each value parsed by its field's type


def default_course(start: Path) -> Path | None:
    """The course a command means when none is named: the repository the working folder is
    in (a folder with mkdocs.yml and course/, from here upwards), else the shipped one."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / "mkdocs.yml").is_file() and (folder / "course").is_dir():
            return folder
    return shipped_course()


def shipped_course() -> Path | None:
    """The learner-facing course inside an installed wheel (none in an editable install)."""
    return SHIPPED_COURSE if (SHIPPED_COURSE / "mkdocs.yml").is_file() else None


def trainer_course(environ: Mapping[str, str] | None = None) -> Path | None:
    """``AIMED_COURSE``: the trainer's course folder (``exercises/``), if set."""
    environ = os.environ if environ is None else environ
    value = environ.get("AIMED_COURSE", "")
    return _folder(value, "AIMED_COURSE") if value.strip() else None


def gradebook_url(environ: Mapping[str, str] | None = None) -> str | None:
    """``AIMED_GRADEBOOK_URL``: the trainer's gradebook database, if set (else SQLite)."""
    environ = os.environ if environ is None else environ
    value = environ.get("AIMED_GRADEBOOK_URL", "").strip()
    if value and "://" not in value:
        raise SettingError(
            f"AIMED_GRADEBOOK_URL={value!r}: give a database address such as "
            "postgresql:///aimed_gradebook or sqlite:////path/gradebook.db"
        )
    return value or None


SWITCH = {"on": True, "yes": True, "true": True, "1": True, "off": False, "no": False}
SWITCH |= {"false": False, "0": False}


def self_check(environ: Mapping[str, str] | None = None) -> bool:
    """``AIMED_SELF_CHECK``: whether learners may check their answers on the exercise server."""
    environ = os.environ if environ is None else environ
    value = environ.get("AIMED_SELF_CHECK", "on").strip().lower() or "on"
    if value not in SWITCH:
        raise SettingError(
            f"AIMED_SELF_CHECK={environ['AIMED_SELF_CHECK']!r}: give on or off "
            "(off for a graded release: answers are then checked by the trainer only)"
        )
    return SWITCH[value]


def figure_cache(environ: Mapping[str, str] | None = None) -> Path | None:
    """``AIMED_FIGURE_CACHE``: the folder where site builds keep drawn figures, if set."""
    environ = os.environ if environ is None else environ
    value = environ.get("AIMED_FIGURE_CACHE", "").strip()
    if not value:
        return None
    folder = Path(value).expanduser()
    if folder.exists() and not folder.is_dir():
        raise SettingError(f"AIMED_FIGURE_CACHE={value!r}: this is a file; give a folder")
    return folder
