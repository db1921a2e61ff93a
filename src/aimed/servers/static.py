"""A loopback static server for the built course site, with gzip as real hosts do.

`aimed serve`, the browser tests and the benchmark share it, so the bytes the
benchmark counts are the bytes a physician's browser receives. An address the site does not
hold answers with the site's own 404 page (the French one under /fr/), as a real host would.
"""

from __future__ import annotations

import gzip
import threading
from functools import lru_cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aimed.texts.i18n import LANGUAGES

COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map"}


@lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a folder; compressible files go out gzipped when the browser accepts it."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self._not_found_page() if code == 404 else None
        if page is None:
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found_page(self) -> Path | None:
        """The built site's 404 page in the language of the address asked for."""
        root = Path(self.directory)
        first = self.path.split("?", 1)[0].lstrip("/").split("/", 1)[0]
        candidates = [root / first / "404.html"] if first in LANGUAGES else []
        return next((p for p in [*candidates, root / "404.html"] if p.is_file()), None)

    def send_head(self):  # may answer None, as the stdlib's does
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = _gzipped(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)


class _Body:
    """The minimal file-like object ``SimpleHTTPRequestHandler`` copies to the socket."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, size: int = -1) -> bytes:
        data, self._data = self._data, b""
        return data

    def close(self) -> None:
        pass


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server for ``folder``; port 0 picks a free one (see ``server_address``)."""
    return ThreadingHTTPServer((host, port), partial(SiteHandler, directory=str(folder)))


def serve_in_thread(folder: Path, host: str = "127.0.0.1") -> tuple[ThreadingHTTPServer, str]:
    """Start serving in a daemon thread; the caller calls ``shutdown()``."""
    server = make_server(folder, host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


class SiteBuildError(RuntimeError):
    """MkDocs refused to build the course (its own message follows)."""


def build_site(course: Path, site_dir: Path, environment: dict[str, str]) -> None:
    """``mkdocs build --strict`` of ``course/mkdocs.yml`` into ``site_dir``.

    ``environment`` holds the addresses the pages link to (``Settings.site_environment``).
    """
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    command += ["-f", str(course / "mkdocs.yml"), "--site-dir", str(site_dir)]
    done = subprocess.run(
        command,
        cwd=course,
        capture_output=True,
        text=True,
        env={**os.environ, **environment, "NO_MKDOCS_2_WARNING": "1"},
    )
    if done.returncode != 0:
        raise SiteBuildError(f"the site did not build:\n{(done.stdout + done.stderr)[-4000:]}")


def main() -> None:
    """``python -m aimed.servers.static FOLDER [PORT] [HOST]``, started by ``aimed serve``."""
    import sys
    from contextlib import suppress

    if len(sys.argv) < 2 or not Path(sys.argv[1]).is_dir():
        raise SystemExit("usage: python -m aimed.servers.static FOLDER [PORT] [HOST]")
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    # Ctrl-C in `make serve` stops it quietly.
    with make_server(Path(sys.argv[1]), host, port) as server, suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
