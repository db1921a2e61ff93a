"""Two sandbox replicas behind nginx, as deploy/nginx/aimed.conf sets them up, on loopback.

A learner's session lives in one replica's memory: through the balancer, a browser that
loses its connection and comes back finds its page as it left it, whichever replica it was
on. The tabs speak Streamlit's own protocol (``aimed.servers.load_test``).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from pathlib import Path

import pytest

from aimed.texts.i18n import t

pytestmark = pytest.mark.slow

MAX_TABS = 24  # tabs opened until both replicas have had one (each lands on either)


@pytest.fixture(scope="module")
def balancer(built_site: Path):
    from aimed.servers.balancer import NGINX, running_balancer

    if not Path(NGINX).is_file():
        pytest.skip(f"nginx is not installed at {NGINX} (`make servers` installs it)")
    with running_balancer(2, built_site) as running:
        yield running


def _replicas(balancer, marker: str, count: int) -> list[str]:
    """Replicas the access log names for ``count`` requests marked so (nginx logs at close)."""
    from aimed.servers.balancer import upstream_of

    deadline = time.monotonic() + 30
    while len(found := upstream_of(balancer.access_log, marker)) < count:
        assert time.monotonic() < deadline, f"nginx logged {found} for {marker!r}"
        time.sleep(0.05)
    return found


def _get(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


async def _tab(url: str, number: int, done_text: str) -> dict:
    """Open the test-result page, take a guided path, lose the connection, come back."""
    from aimed.servers.load_test import SandboxClient

    tab = SandboxClient(url, assets=False)
    tab.probe = f"?tab={number}"
    try:
        first = await tab.open("test-result", "en")
        guide = next(w for w in first.widgets if w.id.endswith("test_result_try_rare"))
        chosen = await tab.change(guide.next_state(None))
        session = tab.session_id
        back = await tab.reconnect()
    finally:
        await tab.close()
    return {
        "chosen": any(done_text in text for text in chosen.texts),
        "kept": any(done_text in text for text in back.texts),
        "same_session": tab.session_id == session,
        "session": session,
        "cookie": tab.cookie,
    }


def run_async(coroutine):
    """Run a coroutine in its own thread: the browser tests leave an event loop running in
    this one (pytest-playwright's sync API), where ``asyncio.run`` refuses to start."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_session_keeps_its_state_through_the_balancer(balancer) -> None:
    done = t("test_result.try_rare.done", "en")
    used: dict[str, list[int]] = {}
    for number in range(MAX_TABS):
        tab = run_async(_tab(balancer.sandbox_url, number, done))
        assert tab["chosen"], "the guided path did not show its text"
        assert tab["kept"] and tab["same_session"], f"tab {number} lost its page on reconnecting"
        replicas = _replicas(balancer, f"stream?tab={number} ", 2)
        assert len(replicas) == 2 and replicas[0] == replicas[1], replicas
        used.setdefault(replicas[0], []).append(number)
        if len(used) == 2:
            break
    assert sorted(used) == sorted(f"127.0.0.1:{port}" for port in balancer.replicas), used


def test_the_other_replica_does_not_know_the_session(balancer) -> None:
    """Why affinity matters: the same reconnection sent to the other replica starts afresh."""
    from aimed.servers.load_test import SandboxClient

    done = t("test_result.try_rare.done", "en")
    tab = run_async(_tab(balancer.sandbox_url, 100, done))
    home = _replicas(balancer, "stream?tab=100 ", 2)[0]
    other = next(p for p in balancer.replicas if f"127.0.0.1:{p}" != home)

    async def elsewhere() -> tuple[list[str], str | None]:
        stranger = SandboxClient(f"http://127.0.0.1:{other}/sandbox/", assets=False)
        stranger.cookie, stranger.session_id = tab["cookie"], tab["session"]
        stranger.page, stranger.lang = "test-result", "en"
        try:
            result = await stranger.reconnect()
        finally:
            await stranger.close()
        return result.texts, stranger.session_id

    texts, session = run_async(elsewhere())
    assert session != tab["session"]
    assert not any(done in text for text in texts)


def test_nginx_serves_the_course_site_and_streamlit_s_files(balancer, built_site: Path) -> None:
    english, _ = _get(balancer.url)
    french, _ = _get(f"{balancer.url}fr/")
    assert english == (built_site / "index.html").read_bytes()
    assert french == (built_site / "fr" / "index.html").read_bytes()
    page, _ = _get(f"{balancer.sandbox_url}test-result?lang=fr")
    script = page.decode().split('src="./static/js/', 1)[1].split('"', 1)[0]
    body, headers = _get(f"{balancer.sandbox_url}static/js/{script}")
    assert body.startswith(b"import") or len(body) > 1000
    assert "immutable" in headers["cache-control"] and headers["server"].startswith("nginx")
    # Read from disk by nginx: no replica was asked for it.
    assert _replicas(balancer, f"/sandbox/static/js/{script} ", 1) == ["-"]
