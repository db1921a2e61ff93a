"""One host name for the whole platform: the deployment's nginx in front of the course site, a
sandbox replica and JupyterHub, tested together (deploy/nginx/aimed.conf, as
``aimed.servers.balancer`` fills it in).

Through nginx only: the site's pages, the sandbox, the hub's sign-in, and a learner's own
notebook server down to a kernel that answers over its WebSocket, which is what JupyterLab
needs of a proxy.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from websockets.sync.client import connect

from aimed.hub.run import request

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def front_door(cohort_hub, built_site: Path):
    from aimed.servers.balancer import running_balancer

    hub, _ = cohort_hub
    with running_balancer(1, built_site, hub=f"127.0.0.1:{hub.port}") as balancer:
        yield balancer, hub


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"token {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def _run_in_kernel(base: str, user: str, token: str, kernel: str, code: str) -> str:
    """Execute ``code`` in the kernel over its WebSocket, through nginx; what it printed."""
    url = f"ws{base.removeprefix('http')}user/{user}/api/kernels/{kernel}/channels"
    msg_id = uuid.uuid4().hex
    message = {
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user,
                   "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }  # fmt: skip

    # websockets' blocking client: the test's worker may already run an event loop (Playwright)
    headers = {"Authorization": f"token {token}"}
    with connect(url, additional_headers=headers, open_timeout=60) as ws:
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


def test_site_sandbox_and_hub_behind_one_host_name(front_door, accounts) -> None:
    balancer, hub = front_door
    base, learner = balancer.url, accounts["learner1"]

    # the course site, from nginx's disk, in both languages
    status, page = _get(base)
    assert status == 200 and '<html lang="en"' in page
    status, page = _get(f"{base}fr/")
    assert status == 200 and '<html lang="fr"' in page
    # the sandbox replica
    assert _get(f"{base}sandbox/_stcore/health") == (200, "ok")

    # the hub's sign-in page and a learner's PAM sign-in, through nginx (cookies, XSRF)
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with browser.open(f"{base}hub/login") as login:
        form = login.read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form).group(1)
    fields = {"username": learner, "password": f"pw-{learner}", "_xsrf": xsrf}
    with browser.open(f"{base}hub/login", urllib.parse.urlencode(fields).encode()) as signed:
        assert signed.status == 200 and "/hub/login" not in signed.url
        assert signed.url.startswith(base), "nginx's address stays the learner's address"
    wrong = {**fields, "password": "not-the-password"}
    try:
        with browser.open(f"{base}hub/login", urllib.parse.urlencode(wrong).encode()) as page:
            refused = "/hub/login" in page.url
    except urllib.error.HTTPError as error:
        refused = error.code == 403
    assert refused

    # the learner's own server, then a kernel that runs code over its WebSocket through nginx
    hub.start_server(learner)
    token = hub.user_token(learner)
    try:
        status, body = _get(f"{base}user/{learner}/api/status", token)
        assert status == 200 and "started" in json.loads(body)
        kernel = request("POST", f"{base}user/{learner}/api/kernels", token, {"name": "python3"})
        assert _run_in_kernel(base, learner, token, kernel["id"], "print(6 * 7)") == "42\n"
        request("DELETE", f"{base}user/{learner}/api/kernels/{kernel['id']}", token)
    finally:
        hub.stop_server(learner)
    # every request above went through nginx
    log = balancer.access_log.read_text(encoding="utf-8")
    assert f"/user/{learner}/api/kernels" in log and "/hub/login" in log
