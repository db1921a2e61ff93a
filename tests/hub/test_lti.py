"""Learners enter the hub from their course's LMS with LTI 1.3; the test plays the LMS.

The platform's side runs on loopback in this test: an RSA key, its keyset (JWKS) served by
a small HTTP server, and the OIDC authorization endpoint a browser is sent to, which
answers with a form posting the signed launch (id_token) back to the hub, as Moodle does.
The client keeps cookies like a browser. A launch for a released French exercise lands
the learner in their own server (an account the hub makes at the first launch), with the
notebook copied into their folder and JupyterLab in French; a bad signature, an expired
token, a wrong audience, a launch posted twice (with or without the browser's cookies)
and an exercise the trainer did not release are each refused with a page that says so.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from aimed.hub.lti import Platform, hub_username
from aimed.hub.run import Hub, remove_accounts, running_cohort

pytestmark = pytest.mark.slow

EXERCISE = "reading-performance-fr"
TRAINER = ("-c", "from aimed.trainer.cli import app; app()")
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
KID = "platform-key-1"


class FakeLms:
    """The LMS on loopback: its keyset at /certs, its authorization endpoint at /auth.

    ``/auth`` builds the id_token for the launch under way (``self.launch``: who, which
    activity, and what a test spoils in it) from the hub's authorization request, and
    answers with the auto-submitting form a platform sends back to the browser.
    """

    client_id = "aimed-hub"
    deployment_id = "deployment-1"

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.launch: dict = {}
        lms = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/certs":
                    jwk = RSAAlgorithm.to_jwk(lms.key.public_key(), as_dict=True)
                    body = json.dumps({"keys": [{**jwk, "kid": KID, "alg": "RS256"}]})
                    kind = "application/json"
                elif url.path == "/auth":
                    body, kind = lms.authorize(parse_qs(url.query)), "text/html"
                else:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def platform(self) -> Platform:
        """What the hub is told about this LMS (deploy/README.md's settings)."""
        return Platform(
            issuer=self.url,
            client_id=self.client_id,
            authorize_url=f"{self.url}/auth",
            jwks_endpoint=f"{self.url}/certs",
        )

    def authorize(self, query: dict[str, list[str]]) -> str:
        args = {name: values[0] for name, values in query.items()}
        assert args["response_type"] == "id_token" and args["client_id"] == self.client_id
        launch = self.launch
        now = int(time.time()) + launch.get("shift", 0)
        claims = {
            "iss": self.url,
            "aud": launch.get("aud", self.client_id),
            "sub": launch["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": args["nonce"],
            "name": "Camille Martin",
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "target_link_uri": launch["target"],
            CLAIM + "resource_link": {"id": "activity-12", "title": "Lire un test diagnostique"},
            CLAIM + "context": {"id": "course-3", "label": "IA-MED", "title": "IA en médecine"},
            CLAIM + "roles": [LEARNER_ROLE],
            CLAIM + "custom": launch["custom"],
        }
        key = launch.get("key", self.key)
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})
        fields = {"id_token": token, "state": args["state"]}
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
            for name, value in fields.items()
        )
        action = html.escape(args["redirect_uri"])
        return (
            f'<form id="launch" method="post" action="{action}">{inputs}</form>'
            "<script>document.getElementById('launch').submit()</script>"
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_launch(hub: Hub, lms: FakeLms, browser: requests.Session, sub: str, **launch):
    """The LMS sends the browser through the hub's login to its own authorization endpoint.

    Returns the form the browser would post to the hub: (address, fields).
    """
    launch.setdefault("custom", {"exercise": "reading-performance", "lang": "fr"})
    lms.launch = {"sub": sub, "target": f"{hub.url}/hub", **launch}
    start = {
        "iss": lms.url,
        "login_hint": sub,
        "target_link_uri": f"{hub.url}/hub",
        "lti_message_hint": "activity-12",
        "client_id": lms.client_id,
        "lti_deployment_id": lms.deployment_id,
    }
    sent = browser.post(f"{hub.url}/hub/lti13/oauth_login", data=start, allow_redirects=False)
    assert sent.status_code == 302, sent.text
    assert sent.headers["Location"].startswith(f"{lms.url}/auth?")
    page = browser.get(sent.headers["Location"])
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    return html.unescape(action), {name: html.unescape(value) for name, value in fields.items()}


def refused(answer: requests.Response, status: int, english: str, french: str) -> None:
    """The page a refused launch shows: its status, and what happened in both languages."""
    text = html.unescape(answer.content.decode("utf-8"))  # as the page's <meta charset> says
    assert answer.status_code == status, (answer.status_code, text[-800:])
    assert "LTI launch refused" in text
    assert english in text and french in text, text[text.find('<div class="error"') :][:1500]
    assert "Open the activity again from your course" in text or "trainer has not released" in text


@pytest.fixture(scope="module")
def lms():
    platform = FakeLms()
    yield platform
    platform.stop()


@pytest.fixture(scope="module")
def lti_accounts():
    """Accounts the hub made at launches (their names, added by the test), removed after."""
    made: list[str] = []
    yield made
    left = remove_accounts(made)
    assert not left, f"processes left running: {left}"


@pytest.fixture(scope="module")
def lti_hub(accounts, lti_accounts, lms):
    """A hub learners enter from the LMS, and one French exercise the trainer released."""
    trainer = accounts["trainer"]
    with running_cohort(trainer, [], lti=lms.platform(), prefix="aimed-lti-") as (hub, course):
        hub.run_as(trainer, *TRAINER, "release", EXERCISE, "--course", str(course),
                   "--downloads", str(course / "downloads"))  # fmt: skip
        hub.run_as(trainer, "-m", "nbgrader", "release_assignment", EXERCISE, cwd=course)
        yield hub


def test_a_launch_opens_the_activitys_exercise_in_the_learners_own_server(
    lti_hub, lms, lti_accounts
):
    sub = "a7c31f"  # Moodle's sub is the learner's user id there
    user = hub_username(sub)
    lti_accounts.append(user)
    browser = requests.Session()
    action, fields = start_launch(lti_hub, lms, browser, sub)
    assert action == f"{lti_hub.url}/hub/lti13/oauth_callback"
    page = browser.post(action, data=fields)
    if "/spawn-pending/" in page.url:  # the page's script waits for the server, then goes on
        lti_hub.start_server(user)
        page = browser.get(page.url)
    assert page.status_code == 200
    path = f"/user/{user}/lab/tree/{EXERCISE}/reading-performance.ipynb"
    assert urlsplit(page.url).path == path
    assert "JupyterLab" in page.text

    home = Path("/home") / user
    notebook = home / EXERCISE / "reading-performance.ipynb"
    assert notebook.is_file() and notebook.owner() == user
    assert json.loads(notebook.read_text())["cells"]
    assert home.stat().st_mode & 0o777 == 0o700  # another learner cannot look in
    setting = home / ".jupyter/lab/user-settings/@jupyterlab/translation-extension"
    locale = json.loads((setting / "plugin.jupyterlab-settings").read_text())["locale"]
    assert locale == "fr_FR"

    # The same launch posted again by the browser, and the same request with the cookies
    # it carried the first time (a launch caught on the way): both refused.
    again = browser.post(action, data=fields)
    refused(again, 400, "already used", "déjà servi")

    lti_hub.stop_server(user)


def test_a_launch_replayed_with_its_cookies_is_refused(lti_hub, lms, lti_accounts):
    sub = "b2d904"
    lti_accounts.append(hub_username(sub))
    browser = requests.Session()
    action, fields = start_launch(lti_hub, lms, browser, sub, custom={})
    cookies = browser.cookies.copy()
    first = browser.post(action, data=fields, allow_redirects=False)
    assert first.status_code == 302
    thief = requests.Session()
    thief.cookies.update(cookies)
    refused(thief.post(action, data=fields, allow_redirects=False), 400, "already used",
            "déjà servi")  # fmt: skip


@pytest.mark.parametrize(
    ("spoiled", "status", "english", "french"),
    [
        ("signature", 400, "not signed by your course's platform", "pas signé par la plateforme"),
        ("expired", 400, "This launch has expired", "Ce lancement a expiré"),
        ("audience", 401, "addressed to another tool", "destiné à un autre outil"),
        ("exercise", 400, "“world-changes-en”, which your trainer has not released",
         "«\u00a0world-changes-en\u00a0», que votre formateur n'a pas distribué"),
        ("language", 400, "“reading-performance-de”", "«\u00a0reading-performance-de\u00a0»"),
        ("path", 400, "“../../etc/passwd-fr”", "«\u00a0../../etc/passwd-fr\u00a0»"),
    ],
)  # fmt: skip
def test_a_spoiled_launch_is_refused_with_a_clear_page(
    lti_hub, lms, lti_accounts, spoiled, status, english, french
):
    sub = f"refused{spoiled[:5]}"
    lti_accounts.append(hub_username(sub))
    spoil = {
        "signature": {"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)},
        "expired": {"shift": -900},
        "audience": {"aud": "another-tool"},
        "exercise": {"custom": {"exercise": "world-changes", "lang": "en"}},
        "language": {"custom": {"exercise": "reading-performance", "lang": "de"}},
        "path": {"custom": {"exercise": "../../etc/passwd", "lang": "fr"}},
    }[spoiled]
    browser = requests.Session()
    action, fields = start_launch(lti_hub, lms, browser, sub, **spoil)
    refused(browser.post(action, data=fields), status, english, french)
    # nobody was signed in: no hub user, no account, no server
    assert hub_username(sub) not in {u["name"] for u in lti_hub.api("GET", "/users")}
    assert not Path("/home", hub_username(sub)).exists()


def test_behind_tls_the_launch_cookies_come_back_with_the_lms_cross_site_post(lti_hub, lms):
    """Behind the institution's TLS proxy (X-Forwarded-Proto), the LMS's page posts the launch
    from another site: the hub's two launch cookies must say SameSite=None, and so Secure."""
    start = {"iss": lms.url, "login_hint": "c1", "target_link_uri": f"{lti_hub.url}/hub"}
    sent = requests.post(f"{lti_hub.url}/hub/lti13/oauth_login", data=start,
                         headers={"X-Forwarded-Proto": "https"}, allow_redirects=False)  # fmt: skip
    assert sent.status_code == 302
    redirect = parse_qs(urlsplit(sent.headers["Location"]).query)["redirect_uri"][0]
    assert redirect.startswith("https://") and redirect.endswith("/hub/lti13/oauth_callback")
    cookies = [c for c in sent.raw.headers.getlist("Set-Cookie") if c.startswith("lti13")]
    assert len(cookies) == 2
    for cookie in cookies:
        assert "samesite=none" in cookie.lower() and "secure" in cookie.lower(), cookie
