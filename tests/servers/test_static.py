"""The local site server answers an unknown address with the site's own 404 page.

A physician following a stale link sees the course's page, in the language of the address,
with its menu and search, not the bare "Error response" of Python's server.
"""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from aimed.servers.static import serve_in_thread


def fetch(url: str, method: str = "GET", gzip_ok: bool = False) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method)
    if gzip_ok:
        request.add_header("Accept-Encoding", "gzip")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def small_site(tmp_path: Path):
    (tmp_path / "fr").mkdir()
    (tmp_path / "index.html").write_text("<title>Course</title>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<title>Page not found</title>", encoding="utf-8")
    (tmp_path / "fr" / "404.html").write_text("<title>Page introuvable</title>", encoding="utf-8")
    server, url = serve_in_thread(tmp_path)
    yield tmp_path, url
    server.shutdown()


def test_an_unknown_address_gets_the_site_s_404_page_in_its_language(small_site) -> None:
    folder, url = small_site
    for path, page in (
        ("/no-such-page/", "404.html"),
        ("/modules/gone.html?x=1", "404.html"),
        ("/fr/modules/disparu/", "fr/404.html"),
        ("/de/", "404.html"),  # not a language of the site
        ("/../../etc/passwd", "404.html"),
    ):
        code, headers, body = fetch(url + path)
        assert code == 404, path
        assert body == (folder / page).read_bytes(), path
        assert headers["Content-Type"].startswith("text/html"), path
    code, _, body = fetch(url + "/nowhere", method="HEAD")
    assert code == 404 and body == b""
    # a page that exists still goes out as before, gzipped to a browser that accepts it
    code, headers, body = fetch(url + "/", gzip_ok=True)
    assert code == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (folder / "index.html").read_bytes()


def test_a_site_without_a_404_page_still_answers_404(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<title>Course</title>", encoding="utf-8")
    server, url = serve_in_thread(tmp_path)
    try:
        assert fetch(url + "/missing")[0] == 404
    finally:
        server.shutdown()


@pytest.mark.slow
def test_the_built_course_answers_with_its_own_404_page(built_site: Path, site_url: str) -> None:
    assert (built_site / "404.html").is_file(), "MkDocs builds a 404 page"
    code, _, body = fetch(f"{site_url}/modules/no-such-module/")
    assert code == 404 and body == (built_site / "404.html").read_bytes()
    assert b"Error response" not in body and b"<nav" in body, "the course's own page, menu included"
