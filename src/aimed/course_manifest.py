"""The course's map (course/course.toml): modules in order, sandbox scenarios, exercises.

One reader for every surface: the site plugin (menu, sandbox buttons, exercise blocks), the
trainer's guide and the tests all ask this module, so adding a module is editing the manifest
and writing its pages. A manifest that names a page, a scenario or an exercise folder that
does not exist is refused here, with the manifest's path and the module in the message.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from aimed.texts.i18n import LANGUAGES

MANIFEST_NAME = "course.toml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINK = re.compile(r"^([a-z0-9-]+)(?:\?(.*))?$")
TOP_KEYS = {"exercises", "scenario", "module"}
SCENARIO_KEYS = {"slug", "variants"}
MODULE_KEYS = {"slug", "page", "title", "sandbox", "exercise", "before"}
LINK_PARAMETERS = ("variant",)


class ManifestError(ValueError):
    """A course manifest that cannot be followed (the build or the command stops on it)."""


@dataclass(frozen=True)
class Scenario:
    """A sandbox page, ``<sandbox_url>/<slug>``, and the ``?variant=`` values it accepts."""

    slug: str
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class SandboxLink:
    """One button of a module page: a scenario and what its URL asks for (``variant``)."""

    scenario: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def query(self) -> str:
        """``variant=proxy`` (empty without parameters)."""
        return urlencode(self.params)

    def __str__(self) -> str:
        return f"{self.scenario}?{self.query}" if self.params else self.scenario


@dataclass(frozen=True)
class Module:
    """A module of the course, numbered from 1 in the manifest's order."""

    number: int
    slug: str
    page: str  # English page under the course folder, "modules/bias.md"
    titles: dict[str, str] = field(compare=False)
    sandbox: tuple[SandboxLink, ...] = ()
    exercise: str | None = None
    before: str | None = None  # a page the menu shows just before the module (English path)

    def page_in(self, lang: str) -> str:
        """The page's source in a language: "modules/bias.md" + fr -> "modules/bias.fr.md"."""
        return self.page if lang == LANGUAGES[0] else f"{self.page.removesuffix('.md')}.{lang}.md"

    @property
    def scenarios(self) -> list[str]:
        """The scenarios its buttons open, in page order (repeats kept)."""
        return [link.scenario for link in self.sandbox]


@dataclass(frozen=True)
class Manifest:
    """The whole course map, read from ``path`` (pages are relative to its folder)."""

    path: Path
    exercises_dir: Path
    scenarios: tuple[Scenario, ...]
    modules: tuple[Module, ...]

    @property
    def course_dir(self) -> Path:
        return self.path.parent

    @property
    def scenario_slugs(self) -> list[str]:
        return [scenario.slug for scenario in self.scenarios]

    @property
    def exercises(self) -> list[str]:
        """The graded exercises, in module order."""
        return [module.exercise for module in self.modules if module.exercise]

    def scenario(self, slug: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.slug == slug:
                return scenario
        raise ManifestError(
            f"unknown sandbox scenario '{slug}' (known: {', '.join(self.scenario_slugs)})"
        )

    def module(self, slug: str) -> Module:
        for module in self.modules:
            if module.slug == slug:
                return module
        known = ", ".join(module.slug for module in self.modules)
        raise ManifestError(f"unknown module '{slug}' (known: {known})")

    def module_of_exercise(self, exercise: str) -> Module | None:
        return next((module for module in self.modules if module.exercise == exercise), None)

    def module_of_page(self, page: str) -> Module | None:
        """The module whose page (in any language) is ``page``, as written under course/."""
        return next(
            (m for m in self.modules if page in {m.page_in(lang) for lang in LANGUAGES}), None
        )

    def sandbox_link(self, scenario: str, params: dict[str, str]) -> SandboxLink:
        """A button's scenario and parameters, checked against the scenarios this course has."""
        known = self.scenario(scenario)
        for name, value in params.items():
            if name not in LINK_PARAMETERS:
                raise ManifestError(
                    f"sandbox scenario '{scenario}': unknown parameter '{name}' "
                    f"(known: {', '.join(LINK_PARAMETERS)})"
                )
            if value not in known.variants:
                variants = ", ".join(known.variants) or "none"
                raise ManifestError(
                    f"sandbox scenario '{scenario}' has no variant '{value}' (known: {variants})"
                )
        return SandboxLink(scenario, tuple(params.items()))


def find_manifest(start: Path | None = None) -> Path:
    """The course manifest of the course ``start`` is in (default: the working folder).

    The first folder from ``start`` upwards holding ``course/course.toml`` or ``course.toml``;
    a command that knows its course (aimed.settings' course folder, the trainer's exercises
    folder) passes it, so this module reads no environment variable of its own.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for path in (folder / "course" / MANIFEST_NAME, folder / MANIFEST_NAME):
            if path.is_file():
                return path
    raise ManifestError(
        f"no course manifest ({MANIFEST_NAME}) in {here} or above it: run from the course's "
        "folder or name it (--course or AIMED_COURSE_ROOT)"
    )


def load_manifest(path: Path | str | None = None) -> Manifest:
    """Read and check a manifest (default: :func:`find_manifest`); errors name what is wrong."""
    path = Path(path).expanduser().resolve() if path else find_manifest()
    if not path.is_file():
        raise ManifestError(f"{path}: no such course manifest")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"{path}: not valid TOML: {error}") from None
    try:
        return _read(path, data)
    except ManifestError as error:
        raise ManifestError(f"{path}: {error}") from None


def _read(path: Path, data: dict) -> Manifest:
    _no_unknown(data, TOP_KEYS, "the manifest")
    exercises = data.get("exercises", "../exercises")
    if not isinstance(exercises, str) or not exercises:
        raise ManifestError("'exercises' must be a folder, written as a string")
    exercises_dir = (path.parent / exercises).resolve()
    scenarios = _scenarios(data.get("scenario", []))
    manifest = Manifest(path, exercises_dir, scenarios, ())
    tables = data.get("module")
    if not isinstance(tables, list) or not tables:
        raise ManifestError("no [[module]]: a course needs at least one module")
    modules: list[Module] = []
    for number, table in enumerate(tables, 1):
        where = f"module {number}" + (
            f" ('{table['slug']}')" if isinstance(table, dict) and "slug" in table else ""
        )
        try:
            modules.append(_module(manifest, number, table))
        except ManifestError as error:
            raise ManifestError(f"{where}: {error}") from None
    _unique([m.slug for m in modules], "module slug")
    _unique([m.page for m in modules], "module page")
    _unique([m.exercise for m in modules if m.exercise], "exercise")
    return Manifest(path, exercises_dir, scenarios, tuple(modules))


def _scenarios(tables: object) -> tuple[Scenario, ...]:
    if not isinstance(tables, list):
        raise ManifestError("'scenario' must be [[scenario]] tables")
    found = []
    for number, table in enumerate(tables, 1):
        if not isinstance(table, dict):
            raise ManifestError(f"scenario {number} must be a [[scenario]] table")
        _no_unknown(table, SCENARIO_KEYS, f"scenario {number}")
        slug = _slug(table.get("slug"), f"scenario {number}")
        variants = table.get("variants", [])
        if not isinstance(variants, list):
            raise ManifestError(f"scenario '{slug}': variants must be a list of names")
        for variant in variants:
            _slug(variant, f"scenario '{slug}': variant")
        _unique(variants, f"variant of scenario '{slug}'")
        found.append(Scenario(slug, tuple(variants)))
    _unique([scenario.slug for scenario in found], "scenario slug")
    return tuple(found)


def _module(manifest: Manifest, number: int, table: object) -> Module:
    if not isinstance(table, dict):
        raise ManifestError("must be a [[module]] table")
    _no_unknown(table, MODULE_KEYS, "the table")
    slug = _slug(table.get("slug"), "slug")
    page = _page(manifest, table.get("page"), "page")
    before = table.get("before")
    if before is not None:
        before = _page(manifest, before, "before")
    titles = table.get("title")
    if not isinstance(titles, dict):
        raise ManifestError(f"title must give the menu entry in each language ({_languages()})")
    missing = [lang for lang in LANGUAGES if not isinstance(titles.get(lang), str)]
    missing += [lang for lang in LANGUAGES if lang not in missing and not titles[lang].strip()]
    if missing or set(titles) - set(LANGUAGES):
        raise ManifestError(f"title must give the menu entry in {_languages()} (and only those)")
    links = table.get("sandbox", [])
    if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
        raise ManifestError('sandbox must be a list like ["biased-data?variant=proxy"]')
    sandbox = []
    for link in links:
        match = LINK.match(link)
        if match is None:
            raise ManifestError(f"sandbox link '{link}' is not 'scenario' or 'scenario?variant=x'")
        params = dict(parse_qsl(match.group(2) or "", keep_blank_values=True))
        sandbox.append(manifest.sandbox_link(match.group(1), params))
    exercise = table.get("exercise")
    if exercise is not None:
        exercise = _slug(exercise, "exercise")
        _check_exercise(manifest.exercises_dir, exercise)
    return Module(number, slug, page, dict(titles), tuple(sandbox), exercise, before)


def _page(manifest: Manifest, page: object, what: str) -> str:
    """An English page's path under the course folder, which must exist."""
    if not isinstance(page, str) or not page.endswith(".md") or page.endswith(".fr.md"):
        raise ManifestError(f"{what} must be the English page's path under course/, not {page!r}")
    source = (manifest.course_dir / page).resolve()
    if manifest.course_dir.resolve() not in source.parents:
        raise ManifestError(f"{what} {page} is outside the course folder")
    if not source.is_file():
        raise ManifestError(f"unknown {what} {page}: there is no {source}")
    return page


def _check_exercise(folder: Path, exercise: str) -> None:
    """An exercise is a folder per language in ``source/`` (or ``release/``, a learner's copy)."""
    for lang in LANGUAGES:
        name = f"{exercise}-{lang}"
        if not any((folder / kind / name).is_dir() for kind in ("source", "release")):
            raise ManifestError(
                f"exercise '{exercise}': its folder is missing (no {folder / 'source' / name})"
            )


def _slug(value: object, what: str) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise ManifestError(
            f"{what} must be a name in lower-case letters, digits and hyphens, not {value!r}"
        )
    return value


def _unique(values: list, what: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise ManifestError(f"duplicate {what} '{value}'")
        seen.add(value)


def _no_unknown(table: dict, known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ManifestError(
            f"{where} has unknown keys {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )


def _languages() -> str:
    return " and ".join(LANGUAGES)
