"""The course site's MkDocs plugin, ``- aimed`` under ``plugins:`` in mkdocs.yml.

It checks its settings when the build starts (a URL without ``http://`` or ``https://``, a
manifest that is not there or does not hold, stop it with a message naming the setting), then
runs the site's hooks with them: hooks/course_features.py (citations, sandbox buttons, figures,
exercise blocks, the modules of the nav) and hooks/course_search.py (one search index per
language). A URL not set under the plugin in mkdocs.yml is the platform's (aimed.settings:
AIMED_SANDBOX_URL, AIMED_LAB_URL, AIMED_REPOSITORY_URL at build time, else its host and ports).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from aimed import settings
from aimed.course_manifest import MANIFEST_NAME, Manifest, ManifestError, load_manifest
from aimed.site.hooks import course_features, course_search

URLS = ("sandbox_url", "lab_url", "repository_url")


class WebAddress(c.URL):
    """An http(s) address with its host, or "" where the setting may be left empty."""

    def __init__(self, *, variable: str, may_be_empty: bool = False) -> None:
        super().__init__()
        self.variable = variable
        self.may_be_empty = may_be_empty

    def run_validation(self, value: object) -> str:
        if value == "" and self.may_be_empty:
            return ""
        parts = urlsplit(value) if isinstance(value, str) else None
        if parts is None or parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValidationError(
                f"{value!r} is not a web address: write it with its scheme and host, such as "
                f"'http://127.0.0.1:8501' (or leave it out: {self.variable} at build time)"
            )
        return super().run_validation(value)


class AimedConfig(base.Config):
    # Where the module pages' "Try it in the sandbox" buttons and links go.
    sandbox_url = c.Optional(WebAddress(variable="AIMED_SANDBOX_URL"))
    # The exercise server behind "Open the exercise"; "" leaves only the download link.
    lab_url = c.Optional(WebAddress(variable="AIMED_LAB_URL", may_be_empty=True))
    # Where readers report an error (about page); "" names the repository unlinked.
    repository_url = c.Optional(WebAddress(variable="AIMED_REPOSITORY_URL", may_be_empty=True))
    # The course manifest; default: course.toml in the docs folder (the course folder).
    manifest = c.Optional(c.File(exists=True))


class InProcessTemplates(BytecodeCache):
    """Jinja2's compiled templates kept in this process: static-i18n builds the site once per
    language, each with a new template environment that would compile the theme's templates
    again (half a second a language). Jinja2 checks each template's source before reusing."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = InProcessTemplates()


class AimedPlugin(BasePlugin[AimedConfig]):
    """The site's hooks, given the course manifest and the plugin's settings."""

    manifest: Manifest
    urls: dict[str, str]

    def read_urls(self) -> dict[str, str]:
        """Each URL as set under the plugin, else as the platform's settings give it."""
        given = {name: self.config[name] for name in URLS}
        if all(value is not None for value in given.values()):
            return given
        try:
            platform = settings.read()
        except settings.SettingError as error:
            raise PluginError(f"aimed plugin: {error}") from error
        return {name: getattr(platform, name) if v is None else v for name, v in given.items()}

    def load(self, config: Any) -> Manifest:
        path = self.config.manifest or Path(config["docs_dir"]) / MANIFEST_NAME
        try:
            return load_manifest(path)
        except ManifestError as error:
            raise PluginError(f"course manifest: {error}") from error

    @event_priority(100)
    def on_config(self, config: Any) -> Any:
        self.manifest = self.load(config)  # read again at every build (mkdocs serve)
        self.urls = self.read_urls()
        return course_features.on_config(config, self.manifest)

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        env.bytecode_cache = TEMPLATES
        return env

    @event_priority(100)
    def on_files(self, files: Any, config: Any) -> Any:
        return course_features.on_files(files, config, self.manifest)

    @event_priority(100)
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        return course_features.on_page_markdown(
            markdown, page, config, files, manifest=self.manifest, urls=self.urls
        )

    @event_priority(-50)  # after mkdocs-quiz (0) has written the quizzes' HTML
    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        return course_features.on_page_content(html, page)

    @event_priority(-110)
    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        return course_search.on_post_page(output, page, config)

    def _on_post_build_downloads(self, config: Any) -> None:
        course_features.on_post_build(config)

    @event_priority(-110)  # after static-i18n (-100) has built every language
    def _on_post_build_search(self, config: Any) -> None:
        course_search.on_post_build(config)

    # The exercise zips copied into the site, then the search index split per language.
    on_post_build = CombinedEvent(_on_post_build_downloads, _on_post_build_search)
