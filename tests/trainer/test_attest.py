"""Attestations and Open Badges: issued by `aimed-trainer attest`, verified by another library.

The badges are checked with openbadgeslib's OpenBadges 2.0 verifier (not our code), which
takes the signed assertion out of the PNG, fetches the key it names and the issuer's profile
from the issuer's address (served here on 127.0.0.1) and checks the signature; a badge whose
name, date or score was changed fails, as does one signed by another key.
"""

from __future__ import annotations

import base64
import csv
import functools
import http.server
import io
import json
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openbadges_bakery import bake, unbake
from openbadgeslib.ob2 import OB2VerificationError, OB2Verifier
from openbadgeslib.util import download_file
from test_exports import graded  # noqa: F401  (the graded course, as the exports test makes it)
from typer.testing import CliRunner

from aimed import __version__
from aimed.trainer import attest as A
from aimed.trainer.cli import app
from aimed.trainer.edition import content_reviewed, edition
from aimed.trainer.export import EVIDENCE_COLUMNS, evidence_table

ROOT = Path(__file__).resolve().parents[2]
REVIEWED = re.compile(r"^reviewed:\s*(\S+)", re.M)


@pytest.fixture
def publisher(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1, as the institution's web server would serve it."""
    folder = tmp_path / "www"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/badges/"
    finally:
        server.shutdown()
        server.server_close()


def verifier() -> OB2Verifier:
    """openbadgeslib's verifier, allowed to fetch from this machine over plain HTTP."""
    return OB2Verifier(
        download=lambda url: download_file(url, allow_insecure=True, allow_private=True)
    )


def verify(png: bytes, email: str | None = None):
    return verifier().verify(OB2Verifier.extract_token_from_png(png), expected_recipient=email)


def tampered(png: bytes, change) -> bytes:
    """The same badge with its assertion's payload changed and the signature kept."""
    token = unbake(io.BytesIO(png))
    header, payload, signature = token.split(".")
    document = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(document)
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    out = bake(io.BytesIO(png), f"{header}.{payload}.{signature}")
    out.seek(0)
    return out.read()


def table(*rows: dict) -> pd.DataFrame:
    """Rows as the trainer's exercise table has them."""
    base = {
        "assignment": "reading-performance-en",
        "exercise": "reading-performance",
        "language": "en",
        "needs_manual_grade": False,
        "status": "graded",
        "notes": "",
        "blank": False,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


def publish(folder: Path, issuer: A.Issuer) -> None:
    (folder / "badges").mkdir(exist_ok=True)
    for name, document in A.issuer_documents(issuer, edition()).items():
        (folder / "badges" / name).write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two institutions' keys made by ``create_key`` once for the file (an RSA key takes up to
    a second to make); a test takes its own copy with ``key_copy``."""
    folder = tmp_path_factory.mktemp("keys")
    return [A.create_key(folder / "institution.pem"), A.create_key(folder / "other.pem")]


def key_copy(key: Path, where: Path) -> Path:
    where.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(key, where)  # the owner-only mode too
    return where


@pytest.fixture
def issued(tmp_path: Path, publisher, keys: list[Path]) -> dict:
    """One learner's badge and attestations, with the issuer's files published."""
    folder, url = publisher
    key = key_copy(keys[0], tmp_path / "k")
    issuer = A.load_issuer("CHU de Test", "Dr Anne Formatrice", url, key)
    publish(folder, issuer)
    exercises = table(
        {
            "learner": "alice-11",
            "name": "Alice <b>Martin</b>",
            "score": 9.0,
            "max_score": 10.0,
            "graded_on": "2026-11-02",
        },
    )
    rule = A.Rule(("reading-performance",), 0.8, 0.6)
    final = {"alice@example.org": A.FinalResult(26, 30, "2026-11-20")}
    [person] = A.completed(exercises, rule, final, {"alice-11": "alice@example.org"})
    document = A.assertion(person, edition(), issuer, datetime(2026, 12, 1, tzinfo=UTC), "en")
    person.assertion_id = document["id"]
    png = A.baked(A.sign(document, issuer.key_pem), A.badge_image())
    pages = {
        lang: A.attestation_html(person, edition(), issuer, rule, lang, date(2026, 12, 1), png)
        for lang in ("en", "fr")
    }
    return {"png": png, "issuer": issuer, "person": person, "pages": pages, "folder": folder}


def test_a_badge_verifies_with_the_issuer_s_profile_and_key_on_loopback(issued) -> None:
    assertion = verify(issued["png"], "alice@example.org")
    assert assertion.badge == issued["issuer"].badge
    assert "Alice <b>Martin</b>" in assertion.narrative
    assert "reading-performance 9/10 (2026-11-02)" in assertion.narrative
    assert "final assessment 26/30 (2026-11-20)" in assertion.narrative
    assert f"version {__version__}" in assertion.narrative
    with pytest.raises(OB2VerificationError):
        verify(issued["png"], "someone.else@example.org")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(narrative=d["narrative"].replace("Alice", "Alicia")),
        lambda d: d.update(issuedOn="2025-01-01T00:00:00Z"),
        lambda d: d["evidence"][0].update(
            narrative=d["evidence"][0]["narrative"].replace("9/10", "10/10")
        ),
        lambda d: d.update(narrative=d["narrative"].replace("26/30", "30/30")),
    ],
    ids=["name", "date", "exercise score", "final score"],
)
def test_a_changed_name_date_or_score_fails_verification(issued, change) -> None:
    verify(issued["png"])  # the original passes
    with pytest.raises(OB2VerificationError, match="[Ss]ignature"):
        verify(tampered(issued["png"], change))


def test_a_badge_signed_with_another_key_fails(issued, keys, tmp_path) -> None:
    other = A.load_issuer(
        "CHU de Test", "Dr X", issued["issuer"].url, key_copy(keys[1], tmp_path / "other")
    )
    document = A.assertion(issued["person"], edition(), other, datetime.now(UTC), "en")
    forged = A.baked(A.sign(document, other.key_pem), A.badge_image())
    with pytest.raises(OB2VerificationError):
        verify(forged)


def test_the_published_key_must_be_the_one_the_issuer_lists(issued) -> None:
    profile = issued["folder"] / "badges" / "issuer.json"
    document = json.loads(profile.read_text())
    document["publicKey"] = issued["issuer"].url + "another-key.json"
    profile.write_text(json.dumps(document))
    with pytest.raises(OB2VerificationError, match="publicKey"):
        verify(issued["png"])


def test_the_attestation_says_who_what_when_and_loads_nothing(issued) -> None:
    course = edition()
    for lang, page in issued["pages"].items():
        assert "Alice &lt;b&gt;Martin&lt;/b&gt;" in page and "<b>Martin" not in page
        assert "CHU de Test" in page and "Dr Anne Formatrice" in page
        assert __version__ in page and course.reviewed.isoformat() in page
        assert "2026-11-02" in page and "2026-11-20" in page and "2026-12-01" in page
        assert "9/10" in page and "26/30" in page
        for module in course.modules:
            assert module.titles[lang].replace("'", "&#39;") in page
            assert module.objectives[lang]
        assert issued["person"].assertion_id in page
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
        assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "10 to 15 hours (an estimate" in issued["pages"]["en"]
    assert "10 à 15\u00a0heures (estimation" in issued["pages"]["fr"]
    assert "Attestation de formation" in issued["pages"]["fr"]
    assert (
        "fixée par le formateur\u00a0: a réussi les exercices notés\u00a0:" in issued["pages"]["fr"]
    )
    assert "(at least 60% of the points each); passed the final" in issued["pages"]["en"]


def test_the_completion_rule_is_the_trainer_s() -> None:
    rule = A.Rule(("reading-performance", "bias"), 0.8, 0.6)
    rows = table(
        {"learner": "a", "name": "A", "score": 6.0, "max_score": 10.0, "graded_on": "2026-11-01"},
        {
            "learner": "a",
            "name": "A",
            "exercise": "bias",
            "assignment": "bias-en",
            "score": 7.0,
            "max_score": 10.0,
            "graded_on": "2026-11-03",
        },
        {"learner": "b", "name": "B", "score": 10.0, "max_score": 10.0, "graded_on": "2026-11-01"},
        {"learner": "c", "name": "C", "score": 5.9, "max_score": 10.0, "graded_on": "2026-11-01"},
        {
            "learner": "c",
            "name": "C",
            "exercise": "bias",
            "assignment": "bias-en",
            "score": 9.0,
            "max_score": 10.0,
            "graded_on": "2026-11-03",
        },
    )
    assert [p.learner for p in A.completed(rows, rule, None, {})] == ["a"]
    only = A.Rule(("reading-performance",), 0.8, 0.6)
    assert [p.learner for p in A.completed(rows, only, None, {})] == ["a", "b"]
    finals = {"a": A.FinalResult(23, 30, "2026-11-10"), "b": A.FinalResult(24, 30, "2026-11-10")}
    assert [p.learner for p in A.completed(rows, only, finals, {})] == ["b"]


def test_the_evidence_file_carries_the_content_s_review_date() -> None:
    dates = [
        REVIEWED.search(page.read_text(encoding="utf-8")).group(1)
        for page in (ROOT / "course" / "modules").glob("*.md")
    ]
    assert content_reviewed(ROOT / "exercises") == max(dates)
    rows = table(
        {"learner": "a", "name": "A", "score": 6.0, "max_score": 10.0, "graded_on": "2026-11-01"}
    )
    evidence = evidence_table(rows, max(dates))
    assert list(evidence.columns) == EVIDENCE_COLUMNS
    assert evidence.iloc[0]["content_reviewed"] == max(dates)
    assert evidence.iloc[0]["course_version"] == __version__


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--issuer-url", "ftp://example.org/"], "https://"),
        (["--key", "/nonexistent/key.pem"], "cannot read the institution's key"),
        (["--require", "no-such-exercise"], "unknown exercise"),
        (["--lang", "de"], "languages are en and fr"),
    ],
)
def test_bad_input_gets_a_clear_message(tmp_path, keys, args, message) -> None:
    key = key_copy(keys[0], tmp_path / "key.pem")
    base = [
        "attest",
        "--institution",
        "CHU",
        "--trainer",
        "T",
        "--issuer-url",
        "https://example.org/badges/",
        "--key",
        str(key),
        "--course",
        str(ROOT / "exercises"),
        "--out",
        str(tmp_path / "out"),
    ]
    for option in range(0, len(args), 2):
        where = base.index(args[option]) if args[option] in base else None
        if where is None:
            base += args[option : option + 2]
        else:
            base[where + 1] = args[option + 1]
    result = CliRunner().invoke(app, base)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())


def test_a_key_is_never_overwritten(tmp_path) -> None:
    key = A.create_key(tmp_path / "key.pem")
    before = key.read_bytes()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(A.TrainerError, match="never overwritten"):
        A.create_key(key)
    assert key.read_bytes() == before


@pytest.mark.slow
def test_attest_on_a_graded_course_issues_what_verifies(graded, publisher, tmp_path) -> None:  # noqa: F811
    folder, url = publisher
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "First name,Last name,Email address\nAlice,Martin,alice@example.org\n"
        "Bruno,Petit,bruno@example.org\n",
        encoding="utf-8",
    )
    finals = tmp_path / "final.csv"
    finals.write_text(
        "learner,score,max_score,date\nalice@example.org,25,30,2026-11-20\n"
        "chloe-durand,27,30,2026-11-21\n",
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    args = [
        "attest",
        "--institution",
        "CHU de Test",
        "--trainer",
        "Dr T",
        "--issuer-url",
        url,
        "--key",
        str(tmp_path / "key.pem"),
        "--create-key",
        "--course",
        str(graded["root"]),
        "--out",
        str(out),
        "--roster",
        str(roster),
        "--require",
        "reading-performance",
    ]
    result = CliRunner().invoke(app, [*args, "--final", str(finals)])
    assert result.exit_code == 0, result.output
    with (out / "attestations.csv").open(encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    # Bruno did not pass the exercise; Chloé passed both but has no email in the roster.
    assert sorted(rows) == ["alice-martin-11", "chloe-durand"]
    assert rows["chloe-durand"]["badge"] == ""
    assert "chloe-durand" in " ".join(result.output.split())
    (folder / "badges").mkdir()
    for name in ("issuer.json", "key.json", "badge.json", "badge.png"):
        (folder / "badges" / name).write_bytes((out / "badge-issuer" / name).read_bytes())
    png = (out / "badges" / "alice-martin-11.png").read_bytes()
    assertion = verify(png, "alice@example.org")
    assert assertion.id == rows["alice-martin-11"]["assertion"]
    assert "Alice Martin" in assertion.narrative and "25/30 (2026-11-20)" in assertion.narrative
    for lang in ("en", "fr"):
        page = (out / "attestations" / f"alice-martin-11.{lang}.html").read_text(encoding="utf-8")
        assert "Alice Martin" in page and "25/30" in page
    assert "final assessment: not reported" not in page
    # Without the platform's results, the rule is the exercise alone and says so.
    again = CliRunner().invoke(app, [a for a in args if a != "--create-key"])
    assert again.exit_code == 0, again.output
    page = (out / "attestations" / "alice-martin-11.en.html").read_text(encoding="utf-8")
    assert "Final assessment: not reported by the learning platform" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("learner,score\nalice,25\n", "needs the columns"),
        ("learner,score,max_score,date\nalice,twenty,30,2026-11-20\n", "line 2"),
        ("learner,score,max_score,date\nalice,25,30,20/11/2026\n", "YYYY-MM-DD"),
        ("learner,score,max_score,date\nalice,35,30,2026-11-20\n", "between 0 and max_score"),
        ("learner,score,max_score,date\nalice,nan,30,2026-11-20\n", "line 2"),
        ("learner,score,max_score,date\nalice,5,inf,2026-11-20\n", "must be numbers"),
        ("", "needs the columns"),
    ],
)
def test_the_platform_s_results_are_read_or_refused_clearly(tmp_path, content, message) -> None:
    path = tmp_path / "final.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(A.TrainerError, match=message):
        A.read_finals(path)


def test_the_platform_s_results_are_read(tmp_path) -> None:
    path = tmp_path / "final.csv"
    path.write_text("\ufefflearner,score,max_score,date\n a@b.org ,24,30, 2026-11-20\n")
    assert A.read_finals(path) == {"a@b.org": A.FinalResult(24.0, 30.0, "2026-11-20")}
    assert A.read_finals(path)["a@b.org"].passed(0.8)
    assert not A.FinalResult(23.9, 30, "2026-11-20").passed(0.8)


def test_the_final_pass_share_counts_the_questions_an_attempt_draws() -> None:
    """One version of each situation per attempt: the pass mark over the situations, not over
    every version of the bank; a result the platform rounded to two decimals keeps its pass."""
    share = A.final_pass_share(ROOT / "course")
    assert share == pytest.approx(27 / 33)
    for max_score in (33, 100, 20, 10):
        right = A.FinalResult(round(27 / 33 * max_score, 2), max_score, "2026-12-07")
        short = A.FinalResult(round(26 / 33 * max_score, 2), max_score, "2026-12-07")
        assert right.passed(share) and not short.passed(share), max_score
