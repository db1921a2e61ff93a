"""Entry from the course's LMS with LTI 1.3: ltiauthenticator's launch, opening the exercise.

jupyterhub-ltiauthenticator checks the launch (the platform's signature from its keyset,
issuer, audience, expiry, the state and nonce of this browser's login). On top of it:

- the hub user is ``lti-<sub>``: the platform's ``sub`` (stable, the same for a learner in
  every course) made a valid account name, and the learner's system account is created at
  the first launch (``LocalAuthenticator.create_system_users``), since nbgrader's exchange
  keeps its permissions per account and an LMS's ids are not known before the course;
- a launch is used once: a nonce already seen is refused even with the browser's cookies
  replayed (ltiauthenticator only clears its cookies);
- the activity's custom parameters ``exercise`` and ``lang`` say what to open: the learner
  lands in their own server at ``/aimed/open/<exercise>-<lang>`` (aimed.lab), and an
  exercise the trainer has not released is refused before anyone is signed in;
- every refusal is a page that says what went wrong and what to do, in English and French
  (the launch's language cannot be trusted before it is checked).
"""

from __future__ import annotations

import hashlib
import html
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import jwt
from jupyterhub.auth import LocalAuthenticator
from jupyterhub.utils import url_path_join
from ltiauthenticator.lti13.auth import LTI13Authenticator
from ltiauthenticator.lti13.constants import LTI13_CUSTOM_CLAIM
from ltiauthenticator.lti13.error import InvalidAudienceError, TokenError, ValidationError
from ltiauthenticator.lti13.handlers import LTI13CallbackHandler, LTI13LoginInitHandler
from tornado.web import HTTPError
from traitlets import Unicode

from aimed.lab.workspace import UnknownExercise, Workspace
from aimed.texts.i18n import LANGUAGES, t

ACCOUNT_PREFIX = "lti-"
SIMPLE_ID = re.compile(r"[a-z0-9]{1,19}")  # shorter than a hash: the two forms never meet
EXERCISE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
ADD_USER = ["useradd", "--create-home", "--shell", "/bin/bash", "-K", "HOME_MODE=0700"]


def hub_username(value: str) -> str:
    """The account name for a platform's user id: ``lti-42``, or ``lti-`` and a hash.

    An id that is already a short lowercase word is kept, so a trainer can tell Moodle's
    user 42 is ``lti-42``; any other (mixed case, ``@``, long) is hashed, so two ids never
    give one account and the name is always a valid system account name (24 characters).
    """
    if SIMPLE_ID.fullmatch(value):
        return ACCOUNT_PREFIX + value
    return ACCOUNT_PREFIX + hashlib.sha256(value.encode()).hexdigest()[:20]


class Refused(HTTPError):
    """A refused launch: JupyterHub's error page with a message in both languages.

    Never 404: JupyterHub has a page of its own for it, which shows no message.
    """

    def __init__(self, status: int, kind: str, **values: str) -> None:
        super().__init__(status, f"LTI launch refused ({kind})", reason="LTI launch refused")
        self.kind = kind
        paragraphs = []
        for lang in LANGUAGES:
            said = t(f"hub.{kind}", lang, **values)
            if kind != "exercise":
                said += " " + t("hub.again", lang)
            paragraphs.append(f'<span lang="{lang}">{html.escape(said)}</span>')
        self.jupyterhub_message = t(f"hub.{kind}", "en", **values)
        self.jupyterhub_html_message = "<br><br>".join(paragraphs)


def kind_of(error: ValidationError) -> str:
    """Which refusal a failed check of ltiauthenticator is (its cause, else its words)."""
    cause = error.__context__
    if isinstance(cause, jwt.PyJWKClientConnectionError):
        return "keys"
    if isinstance(cause, jwt.ExpiredSignatureError | jwt.ImmatureSignatureError):
        return "expired"
    if isinstance(cause, jwt.InvalidIssuerError):
        return "issuer"
    if isinstance(cause, jwt.InvalidSignatureError | jwt.PyJWKClientError | jwt.DecodeError):
        return "signature"
    if isinstance(error, TokenError) and "too long ago" in str(error):
        return "expired"
    return "incomplete"


class LtiLoginHandler(LTI13LoginInitHandler):
    """ltiauthenticator's login start, its two cookies sent back by the LMS's form post.

    The launch comes back as a form the LMS's page posts to the hub, from another site:
    a browser sends cookies with such a post only if they say ``SameSite=None`` (and then
    ``Secure``, so over HTTPS only, as the hub runs in production behind its TLS proxy).
    """

    def _set_oauth_cookie(self, key: str, value: str) -> None:
        cross_site: dict[str, Any] = {}
        if self.authenticator.get_uri_scheme(self.request) == "https":
            cross_site = {"samesite": "None", "secure": True}
        self._set_cookie(key, value, expires_days=1, httponly=True, encrypted=True, **cross_site)


class LtiCallbackHandler(LTI13CallbackHandler):
    """ltiauthenticator's launch, refused with a clear page, used once, opening the exercise."""

    seen: ClassVar[dict[str, float]] = {}  # nonce -> when it may be forgotten (the token expired)
    assignment: str | None = None

    def decode_and_validate_launch_request(self) -> dict[str, Any]:
        try:
            token = super().decode_and_validate_launch_request()
        except InvalidAudienceError:
            raise Refused(401, "audience") from None
        except ValidationError as error:
            kind = kind_of(error)
            raise Refused(502 if kind == "keys" else 400, kind, detail=str(error)) from None
        except HTTPError:  # this browser's state or nonce is missing or not the token's
            raise Refused(400, "replayed") from None
        self.use_once(token)
        self.assignment = self.activity(token)
        return token

    def use_once(self, token: dict[str, Any]) -> None:
        """Refuse a nonce seen before; remember it until the token would have expired."""
        now = time.time()
        for nonce, until in list(self.seen.items()):
            if until < now:
                del self.seen[nonce]
        key = f"{token['iss']}\n{token.get('nonce')}"
        if key in self.seen:
            raise Refused(400, "replayed")
        self.seen[key] = max(float(token.get("exp", 0)), now) + 600

    def activity(self, token: dict[str, Any]) -> str | None:
        """``<exercise>-<lang>`` from the activity's custom parameters; None if it names none."""
        custom = token.get(LTI13_CUSTOM_CLAIM)
        custom = custom if isinstance(custom, dict) else {}
        exercise, lang = str(custom.get("exercise", "")), str(custom.get("lang", ""))
        if not exercise and not lang:
            return None
        assignment = f"{exercise}-{lang}"
        if not EXERCISE.fullmatch(exercise) or lang not in LANGUAGES:
            raise Refused(400, "exercise", exercise=assignment[:80])
        release = self.authenticator.release_dir
        if release:  # as the learner's server will look for it (aimed.lab)
            try:
                Workspace(Path(release), Path(release)).released(assignment)
            except UnknownExercise:
                raise Refused(400, "exercise", exercise=assignment) from None
        return assignment

    def get_next_url(self, user: Any = None, default: Any = None) -> str:
        """Start the learner's server, then open the activity's exercise in it."""
        if self.assignment is None or user is None:
            return super().get_next_url(user)
        opened = url_path_join(user.url, "aimed", "open", self.assignment)
        spawn = url_path_join(self.hub.base_url, "spawn", user.escaped_name)
        return f"{spawn}?next={quote(opened, safe='')}"


class LtiAuthenticator(LocalAuthenticator, LTI13Authenticator):
    """LTI 1.3 sign-in from the LMS, each learner a system account made at the first launch."""

    login_handler = LtiLoginHandler
    callback_handler = LtiCallbackHandler

    release_dir = Unicode(
        "",
        help="Folder of the released exercises (nbgrader's exchange outbound/); a launch for "
        "an exercise not in it is refused. Empty: the learner's server refuses it instead.",
    ).tag(config=True)

    async def authenticate(self, handler: Any, data: Any = None) -> dict[str, Any]:
        model = await super().authenticate(handler, data)
        model["name"] = hub_username(str(model["name"]))
        return model


@dataclass(frozen=True)
class Platform:
    """The LMS as the hub knows it: the values its tool registration shows (deploy/README.md)."""

    issuer: str
    client_id: str
    authorize_url: str
    jwks_endpoint: str

    def settings(self, release: Path) -> str:
        """jupyterhub_config.py lines that let learners in from this platform."""
        return f"""
# Entry from the LMS with LTI 1.3 (aimed.hub.lti; the platform's values from its registration)
c.JupyterHub.authenticator_class = "aimed.hub.lti.LtiAuthenticator"
c.LTI13Authenticator.issuer = {self.issuer!r}
c.LTI13Authenticator.client_id = [{self.client_id!r}]
c.LTI13Authenticator.authorize_url = {self.authorize_url!r}
c.LTI13Authenticator.jwks_endpoint = {self.jwks_endpoint!r}
c.LTI13Authenticator.username_key = "sub"
c.LtiAuthenticator.release_dir = {str(release)!r}
c.LocalAuthenticator.create_system_users = True
c.LocalAuthenticator.add_user_cmd = {ADD_USER!r}
c.Authenticator.allow_all = True  # whoever the platform launches, for this client id
"""
