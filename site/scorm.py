"""The course as one SCORM 1.2 package per language, for an institution's LMS (Moodle and others).

``python -m aimed.site.scorm build/scorm`` (``make scorm``, ``aimed site scorm``) builds the
site once, strictly, with file URLs (``modules/x.html``: an LMS serves files, not folders) into
a temporary folder, then zips it twice: ``build/scorm/aimed-course-<lang>-<version>.zip``, each
holding ``imsmanifest.xml`` at its root (the site as one shareable content object) and a launch
page in its language. The launch page (course/assets/javascripts/scorm.js) talks to the LMS:
it finds its API, reports completion and the final assessment's score, and keeps the learner's
progress in ``cmi.suspend_data``; the site's pages work as they do on the web.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from aimed.texts.i18n import LANGUAGES

TEMPLATES = Path(__file__).resolve().parent / "templates" / "scorm"
LAUNCH = "aimed-launch.html"
SCRIPT = "assets/javascripts/scorm.js"
ASSESSMENT_PAGE = "final-assessment.html"
# What the learner sees while the LMS connects, and without JavaScript.
TEXT = {
    "en": {
        "title": "AI in medicine, for physicians",
        "opening": "Opening the course…",
        "noscript": "This course needs JavaScript to record your progress in your training "
        "platform.",
    },
    "fr": {
        "title": "L'IA en médecine, pour les médecins",
        "opening": "Ouverture du cours…",
        "noscript": "Ce cours a besoin de JavaScript pour enregistrer votre progression dans "
        "votre plateforme de formation.",
    },
}


class ScormError(RuntimeError):
    """The package could not be made (the message says why)."""


@dataclass(frozen=True)
class Assessment:
    """The final assessment's rules, from its page's front matter."""

    name: str  # the front matter's `assessment`, the key of its result in the browser
    questions: int
    pass_mark: int
    modules: tuple[str, ...]  # the slugs of the modules, in the course's order

    @property
    def mastery(self) -> int:
        """The pass mark as the percentage the LMS compares with ``cmi.core.score.raw``."""
        return round(100 * self.pass_mark / self.questions)


def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )


def final_assessment(course: Path) -> Assessment:
    """The number of questions (situations of its bank) and the pass mark of
    ``course/final-assessment.md``."""
    from mkdocs.utils.meta import get_data

    from aimed.site.hooks.course_record import assessment_bank, check_pass_mark

    page = course / "course" / ASSESSMENT_PAGE.replace(".html", ".md")
    if not page.is_file():
        raise ScormError(f"{page} is missing: the package reports the final assessment's score")
    text = page.read_text(encoding="utf-8")
    from aimed.course_manifest import MANIFEST_NAME, load_manifest

    try:
        questions = len(assessment_bank(text))  # situations: an attempt draws one version each
        pass_mark = check_pass_mark(get_data(text)[1].get("pass_mark"), questions)
    except ValueError as error:
        raise ScormError(f"{page}: {error}") from error
    modules = tuple(
        module.slug for module in load_manifest(course / "course" / MANIFEST_NAME).modules
    )
    return Assessment(str(get_data(text)[1].get("assessment")), questions, pass_mark, modules)


def build_site(course: Path, site_dir: Path, environment: dict[str, str]) -> None:
    """A strict MkDocs build of the course with file URLs (what an LMS can serve)."""
    code = (
        "import sys; from mkdocs.commands.build import build; from mkdocs.config import "
        "load_config; build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True, "
        "use_directory_urls=False))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(course / "mkdocs.yml"), str(site_dir)],
        cwd=course,
        capture_output=True,
        text=True,
        env={**os.environ, **environment, "NO_MKDOCS_2_WARNING": "1"},
    )
    if done.returncode != 0:
        raise ScormError(f"the site did not build:\n{(done.stdout + done.stderr)[-4000:]}")


def manifest(lang: str, version: str, files: list[str], assessment: Assessment) -> str:
    """``imsmanifest.xml``: one organization, one item, the site as one SCO."""
    return (
        _templates()
        .get_template("imsmanifest.xml.j2")
        .render(
            identifier=f"aimed-course-{lang}",
            version=version,
            title=TEXT[lang]["title"],
            mastery=assessment.mastery,
            launch=LAUNCH,
            files=[LAUNCH, *files],
        )
    )


def launch_page(lang: str, assessment: Assessment) -> str:
    """The page the LMS opens: it connects to the LMS and shows the site in its language."""
    start = "index.html" if lang == LANGUAGES[0] else f"{lang}/index.html"
    pages = [
        ASSESSMENT_PAGE if code == LANGUAGES[0] else f"{code}/{ASSESSMENT_PAGE}"
        for code in LANGUAGES
    ]
    return (
        _templates()
        .get_template("launch.html.j2")
        .render(
            lang=lang,
            start=start,
            script=SCRIPT,
            modules=assessment.modules,
            assessment=assessment.name,
            assessment_pages=pages,
            **TEXT[lang],
        )
    )


def package(site_dir: Path, lang: str, version: str, assessment: Assessment, out: Path) -> Path:
    """Zip the built site with the manifest and launch page of ``lang``."""
    files = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())
    for reserved in ("imsmanifest.xml", LAUNCH):
        if reserved in files:
            raise ScormError(f"the built site already holds {reserved}")
    target = out / f"aimed-course-{lang}-{version}.zip"
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest(lang, version, files, assessment))
        archive.writestr(LAUNCH, launch_page(lang, assessment))
        for name in files:
            archive.write(site_dir / name, name)
    return target


def build(
    out: Path, course: Path | None = None, environment: dict[str, str] | None = None
) -> list[Path]:
    """Build the site and one package per language into ``out``; the zips' paths."""
    from aimed import settings
    from aimed.site.hooks.course_record import course_version

    platform = settings.read()
    course = course or platform.course()
    environment = platform.site_environment() if environment is None else environment
    assessment = final_assessment(course)
    version = course_version(course)
    with tempfile.TemporaryDirectory(prefix="aimed-scorm-") as temporary:
        site_dir = Path(temporary) / "site"
        build_site(course, site_dir, environment)
        if not (site_dir / SCRIPT).is_file():
            raise ScormError(f"the built site has no {SCRIPT}: is it in mkdocs.yml?")
        return [package(site_dir, lang, version, assessment, out) for lang in LANGUAGES]


def main(argv: list[str] | None = None) -> None:
    """``python -m aimed.site.scorm OUT``: the packages into OUT (``make scorm``)."""
    from aimed.settings import SettingError

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m aimed.site.scorm OUT_FOLDER")
    try:
        for path in build(Path(args[0])):
            print(path)
    except (ScormError, SettingError) as error:
        raise SystemExit(f"scorm: {error}") from None


if __name__ == "__main__":
    main()
