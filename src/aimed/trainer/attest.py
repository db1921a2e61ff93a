"""A trainer-signed attestation and an Open Badge for each learner who met the completion rule.

The rule is the trainer's: the graded exercises to pass (all the course's by default) and,
when the learning platform reported it, the final assessment. For each learner who met it:
a printable attestation in French and English (HTML, nothing loaded from another host) and
an Open Badges 2.0 assertion, signed with the institution's key (JWS, verification
"SignedBadge") and baked into the badge's PNG image, which Moodle and badge backpacks read.

The signature covers everything the assertion says: the learner's name, dates and results
are in its narrative and evidence, so changing one of them breaks it. A verifier finds the
public key through the assertion (``verification.creator``), and checks that the issuer's
profile lists it: the institution publishes ``issuer.json``, ``key.json``, ``badge.json``
and ``badge.png`` at the address it gave (``--issuer-url``).
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import json
import math
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

import jwt
import pandas as pd
import png
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jinja2 import Environment, PackageLoader, select_autoescape
from openbadges_bakery import bake

from aimed.course_manifest import ManifestError
from aimed.texts.numbers import plain
from aimed.trainer.course import Course, TrainerError
from aimed.trainer.edition import Edition, course_manifest, edition, front_matter
from aimed.trainer.export import Roster, evidence_table, exercise_table, match_roster
from aimed.trainer.identities import spreadsheet_safe

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
LANGUAGES = ("en", "fr")
SUMMARY = "attestations.csv"

TEXT = {
    "en": {
        "title": "Attestation of training",
        "course": "AI in medicine, for physicians",
        "intro": "{institution} attests that {name} completed the training below.",
        "learner": "Learner",
        "issuer": "Issued by",
        "trainer": "Trainer",
        "issued": "Date of issue",
        "period": "Results dated",
        "version": "Course version",
        "reviewed": "content last reviewed on {date}",
        "duration": "Estimated duration",
        "hours": "{low} to {high} hours (an estimate from the course's guidance, not a "
        "measured time)",
        "modules": "Modules and competencies covered",
        "results": "Results",
        "exercise": "Graded exercise",
        "score": "Score",
        "passed": "Passed",
        "date": "Date",
        "final": "Final assessment (reported by the learning platform)",
        "no_final": "Final assessment: not reported by the learning platform",
        "rule": "Completion rule set by the trainer: ",
        "and": "; ",
        "rule_exercises": "passed the graded exercises: {exercises} (at least {share} of the "
        "points each)",
        "rule_final": "passed the final assessment (at least {share} of the points)",
        "badge": "Open Badge",
        "badge_text": "This attestation comes with an Open Badge signed by {institution}: "
        "assertion {id}, issuer profile {url}.",
        "no_badge": "No Open Badge was issued: no email address for this learner in the roster.",
        "what": "What this attests: that the learner completed this course's assessed work on "
        "the dates shown. It is not a qualification nor a proof of competence in using a "
        "given AI system.",
        "yes": "yes",
        "narrative": "{name} completed {course} (version {version}, content reviewed "
        "{reviewed}): {results}.",
    },
    "fr": {
        "title": "Attestation de formation",
        "course": "L'IA en médecine, pour les médecins",
        "intro": "{institution} atteste que {name} a suivi la formation ci-dessous.",
        "learner": "Apprenant",
        "issuer": "Délivrée par",
        "trainer": "Formateur",
        "issued": "Date de délivrance",
        "period": "Résultats datés",
        "version": "Version du cours",
        "reviewed": "contenu relu le {date}",
        "duration": "Durée estimée",
        "hours": "{low} à {high}\u00a0heures (estimation tirée des indications du cours, non "
        "un temps mesuré)",
        "modules": "Modules et compétences couverts",
        "results": "Résultats",
        "exercise": "Exercice noté",
        "score": "Score",
        "passed": "Réussi",
        "date": "Date",
        "final": "Évaluation finale (transmise par la plateforme de formation)",
        "no_final": "Évaluation finale\u00a0: non transmise par la plateforme de formation",
        "rule": "Règle de validation fixée par le formateur\u00a0: ",
        "and": "\u00a0; ",
        "rule_exercises": "a réussi les exercices notés\u00a0: {exercises} (au moins {share} "
        "des points chacun)",
        "rule_final": "a réussi l'évaluation finale (au moins {share} des points)",
        "badge": "Open Badge",
        "badge_text": "Cette attestation s'accompagne d'un Open Badge signé par "
        "{institution}\u00a0: assertion {id}, profil de l'émetteur {url}.",
        "no_badge": "Aucun Open Badge n'a été délivré\u00a0: pas d'adresse électronique pour "
        "cet apprenant dans la liste.",
        "what": "Ce qu'elle atteste\u00a0: que l'apprenant a accompli les travaux évalués de ce "
        "cours aux dates indiquées. Ce n'est ni un diplôme ni la preuve d'une compétence à "
        "utiliser un système d'IA donné.",
        "yes": "oui",
        "narrative": "{name} a suivi {course} (version {version}, contenu relu le "
        "{reviewed})\u00a0: {results}.",
    },
}


@dataclass(frozen=True)
class Issuer:
    """The institution that signs, and where it publishes its profile and key."""

    institution: str
    trainer: str
    url: str  # base address, ending in "/"
    key_pem: bytes  # the institution's RSA private key

    @property
    def profile(self) -> str:
        return self.url + "issuer.json"

    @property
    def key_id(self) -> str:
        return self.url + "key.json"

    @property
    def badge(self) -> str:
        return self.url + "badge.json"


@dataclass(frozen=True)
class Rule:
    """What a learner must have done: these exercises passed, and the final assessment when
    the platform's results are given."""

    exercises: tuple[str, ...]
    final_share: float  # share of the final assessment's points needed (its pass mark)
    exercise_share: float


@dataclass(frozen=True)
class FinalResult:
    score: float
    max_score: float
    on: str  # YYYY-MM-DD

    def passed(self, share: float) -> bool:
        # a score the platform rounded to two decimals (27 of 33 out of 100: 81.82) still passes
        return self.max_score > 0 and self.score >= share * self.max_score - 0.005


@dataclass
class Attested:
    learner: str
    name: str
    email: str | None
    exercises: list[dict] = field(default_factory=list)
    final: FinalResult | None = None
    assertion_id: str = ""


# ------------------------------------------------------------------ inputs


def load_issuer(institution: str, trainer: str, url: str, key: Path) -> Issuer:
    """The issuer, checked: a name, an https address (http only on this machine), a key."""
    if not institution.strip() or not trainer.strip():
        raise TrainerError("give the institution's name (--institution) and the trainer's")
    parsed = urlparse(url)
    local = parsed.hostname in {"127.0.0.1", "localhost", "::1"}
    if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
        raise TrainerError(
            f"--issuer-url must be an https:// address where the institution publishes its "
            f"badge files, not '{url}'"
        )
    try:
        pem = Path(key).expanduser().read_bytes()
        private = serialization.load_pem_private_key(pem, password=None)
    except OSError as error:
        raise TrainerError(
            f"cannot read the institution's key {key}: {error} (create one with "
            "--create-key, and keep it where only the signing trainer can read it)"
        ) from None
    except (ValueError, TypeError):
        raise TrainerError(f"{key} is not an unencrypted PEM private key") from None
    if not isinstance(private, rsa.RSAPrivateKey) or private.key_size < 2048:
        raise TrainerError(f"{key}: the key must be an RSA key of at least 2048 bits")
    return Issuer(institution.strip(), trainer.strip(), url.rstrip("/") + "/", pem)


def create_key(path: Path) -> Path:
    """A new RSA key for the institution, readable by its owner only; never overwrites."""
    path = Path(path).expanduser()
    if path.exists():
        raise TrainerError(f"{path} exists: a key is never overwritten")
    private = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(pem)
    return path


def read_finals(path: Path) -> dict[str, FinalResult]:
    """The final assessment's results the platform reported: a CSV with the columns
    ``learner`` (the learner's name in the course, or the roster's email, username or ID
    number), ``score``, ``max_score`` and ``date`` (YYYY-MM-DD)."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TrainerError(f"cannot read the final assessment's results {path}: {error}") from None
    rows = list(csv.DictReader(text.splitlines()))
    needed = {"learner", "score", "max_score", "date"}
    if not rows or not needed <= set(rows[0]):
        raise TrainerError(f"{path} needs the columns {', '.join(sorted(needed))}")
    finals = {}
    for n, row in enumerate(rows, 2):
        try:
            on = date.fromisoformat((row["date"] or "").strip()).isoformat()
            result = FinalResult(float(row["score"]), float(row["max_score"]), on)
        except (TypeError, ValueError):
            raise TrainerError(
                f"{path}, line {n}: score and max_score must be numbers and date YYYY-MM-DD"
            ) from None
        if not 0 <= result.score <= result.max_score or result.max_score <= 0:
            raise TrainerError(f"{path}, line {n}: the score must be between 0 and max_score")
        if not math.isfinite(result.score) or not math.isfinite(result.max_score):
            raise TrainerError(f"{path}, line {n}: score and max_score must be numbers")
        finals[(row["learner"] or "").strip()] = result
    return finals


def final_pass_share(manifest_dir: Path) -> float:
    """The final assessment's pass mark (front matter) as a share of its questions: one per
    situation of its bank (an attempt draws one version of each), else one per quiz."""
    page = manifest_dir / "final-assessment.md"
    text = page.read_text(encoding="utf-8")
    meta = front_matter(page)
    mark = next((line.split(":", 1)[1] for line in meta.splitlines() if "pass_mark:" in line), "")
    situations = set(re.findall(r"^<!--\s*situation:\s*(\S+)\s*-->", text, re.MULTILINE))
    return int(mark) / (len(situations) or text.count("<quiz>"))


# ------------------------------------------------------------------ who completed


def completed(
    exercises: pd.DataFrame,
    rule: Rule,
    finals: dict[str, FinalResult] | None,
    emails: dict[str, str],
) -> list[Attested]:
    """The learners who met the rule, with the results that show it."""
    evidence = evidence_table(exercises)
    names = dict(zip(exercises["learner"], exercises["name"], strict=False))
    found = []
    for learner in sorted(set(exercises["learner"])):
        rows = evidence[evidence["learner"] == learner]
        kept = []
        for exercise in rule.exercises:
            # passed as the evidence file says it (PASS_MARK of the points), in either language
            done = rows[(rows["exercise"] == exercise) & (rows["passed"] == "yes")]
            if done.empty:
                break
            best = done.sort_values(["score", "graded_on"], ascending=[False, True]).iloc[0]
            kept.append(
                {
                    "exercise": exercise,
                    "language": best["language"],
                    "score": float(best["score"]),
                    "max_score": float(best["max_score"]),
                    "graded_on": str(best["graded_on"]),
                }
            )
        else:
            final = None
            if finals is not None:
                email = emails.get(learner)
                final = finals.get(learner) or (finals.get(email) if email else None)
                if final is None or not final.passed(rule.final_share):
                    continue
            name = names.get(learner) or learner
            found.append(Attested(learner, name, emails.get(learner), kept, final))
    return found


# ------------------------------------------------------------------ the attestation


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("aimed.trainer", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _number(value: float, lang: str) -> str:
    return plain(value, lang=lang) if value != int(value) else str(int(value))


def _share(value: float, lang: str) -> str:
    percent = round(value * 100)
    return f"{percent}\u00a0%" if lang == "fr" else f"{percent}%"


def results_line(person: Attested, lang: str) -> str:
    """The learner's results in one line (the badge's narrative)."""
    parts = [
        f"{row['exercise']} {_number(row['score'], lang)}/{_number(row['max_score'], lang)} "
        f"({row['graded_on']})"
        for row in person.exercises
    ]
    if person.final is not None:
        word = "évaluation finale" if lang == "fr" else "final assessment"
        parts.append(
            f"{word} {_number(person.final.score, lang)}/"
            f"{_number(person.final.max_score, lang)} ({person.final.on})"
        )
    return "; ".join(parts)


def attestation_html(
    person: Attested,
    course: Edition,
    issuer: Issuer,
    rule: Rule,
    lang: str,
    issued_on: date,
    badge_png: bytes | None,
) -> str:
    """The printable attestation of one learner in one language."""
    words = TEXT[lang]
    low, high = course.hours
    dates = [row["graded_on"] for row in person.exercises if row["graded_on"]]
    dates += [person.final.on] if person.final else []
    rules = [
        words["rule_exercises"].format(
            exercises=", ".join(rule.exercises), share=_share(rule.exercise_share, lang)
        )
    ]
    if person.final is not None:
        rules.append(words["rule_final"].format(share=_share(rule.final_share, lang)))
    return (
        _env()
        .get_template("attestation.html.j2")
        .render(
            lang=lang,
            t=words,
            person=person,
            issuer=issuer,
            version=course.version,
            reviewed=words["reviewed"].format(date=course.reviewed.isoformat()),
            hours=words["hours"].format(low=_number(low, lang), high=_number(high, lang)),
            modules=[(m.number, m.titles[lang], m.objectives[lang]) for m in course.modules],
            period=f"{min(dates)} – {max(dates)}" if dates else "",
            issued=issued_on.isoformat(),
            rules=rules,
            number=lambda v: _number(v, lang),
            badge=base64.b64encode(badge_png).decode("ascii") if badge_png else None,
            badge_text=words["badge_text"].format(
                institution=issuer.institution, id=person.assertion_id, url=issuer.profile
            ),
        )
    )


# ------------------------------------------------------------------ the badge


@functools.cache
def badge_image(size: int = 256) -> bytes:
    """The badge's picture: a blue disc with a white ring and a tick, drawn here (once per
    process: pixel by pixel in Python, a third of a second)."""
    centre, radius = (size - 1) / 2, size / 2 - 2
    tick = [(0.30, 0.52), (0.45, 0.67), (0.72, 0.36)]
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            d = math.hypot(x - centre, y - centre)
            if d > radius:
                row += [0, 0, 0, 0]
                continue
            white = radius * 0.80 < d < radius * 0.86
            u, v = x / size, y / size
            for (x1, y1), (x2, y2) in zip(tick, tick[1:], strict=False):
                t = max(
                    0.0,
                    min(
                        1.0,
                        ((u - x1) * (x2 - x1) + (v - y1) * (y2 - y1))
                        / ((x2 - x1) ** 2 + (y2 - y1) ** 2),
                    ),
                )
                if math.hypot(u - x1 - t * (x2 - x1), v - y1 - t * (y2 - y1)) < 0.045:
                    white = True
            row += [255, 255, 255, 255] if white else [31, 95, 139, 255]
        rows.append(row)
    out = io.BytesIO()
    png.Writer(size, size, greyscale=False, alpha=True).write(out, rows)
    return out.getvalue()


def issuer_documents(issuer: Issuer, course: Edition) -> dict[str, dict]:
    """The files the institution publishes at its address: profile, key, badge class."""
    private = serialization.load_pem_private_key(issuer.key_pem, password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    site = urlparse(issuer.url)
    objectives = [o for m in course.modules for o in m.objectives["en"]]
    return {
        "issuer.json": {
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": issuer.profile,
            "name": issuer.institution,
            "url": f"{site.scheme}://{site.netloc}/",
            "publicKey": issuer.key_id,
        },
        "key.json": {
            "@context": OB2_CONTEXT,
            "type": "CryptographicKey",
            "id": issuer.key_id,
            "owner": issuer.profile,
            "publicKeyPem": public.decode("ascii"),
        },
        "badge.json": {
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": issuer.badge,
            "name": f"{TEXT['en']['course']} / {TEXT['fr']['course']}",
            "description": "Completed the course's graded exercises (and, where the learning "
            "platform reported it, its final assessment): "
            + "; ".join(m.titles["en"] for m in course.modules),
            "image": issuer.url + "badge.png",
            "criteria": {"narrative": "; ".join(objectives)},
            "issuer": issuer.profile,
            "tags": ["AI literacy", "medicine", "AI Act article 4"],
        },
    }


def assertion(
    person: Attested, course: Edition, issuer: Issuer, issued_on: datetime, lang: str
) -> dict:
    """The Open Badges 2.0 assertion: the recipient's email hashed with a salt, the learner's
    name and results in its narrative and evidence."""
    salt = secrets.token_hex(8)
    identity = hashlib.sha256(((person.email or "").lower() + salt).encode()).hexdigest()
    words = TEXT[lang]
    narrative = words["narrative"].format(
        name=person.name,
        course=words["course"],
        version=course.version,
        reviewed=course.reviewed.isoformat(),
        results=results_line(person, lang),
    )
    evidence = [
        {
            "type": "Evidence",
            "name": f"{row['exercise']} ({row['language']})",
            "narrative": f"{person.name}: {row['exercise']} "
            f"{_number(row['score'], lang)}/{_number(row['max_score'], lang)}, "
            f"{row['graded_on']}, {issuer.trainer}",
        }
        for row in person.exercises
    ]
    if person.final is not None:
        evidence.append(
            {
                "type": "Evidence",
                "name": "final assessment",
                "narrative": f"{person.name}: {_number(person.final.score, lang)}/"
                f"{_number(person.final.max_score, lang)}, {person.final.on}",
            }
        )
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": f"urn:uuid:{uuid.uuid4()}",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": f"sha256${identity}",
        },
        "badge": issuer.badge,
        "verification": {"type": "SignedBadge", "creator": issuer.key_id},
        "issuedOn": issued_on.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "narrative": narrative,
        "evidence": evidence,
    }


def sign(document: dict, key_pem: bytes) -> str:
    """The assertion as a compact JWS (RS256), the form a SignedBadge is baked in."""
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return jwt.api_jws.encode(payload, key_pem, algorithm="RS256", headers={"typ": None})


def baked(token: str, image: bytes) -> bytes:
    """The badge image with the signed assertion in its ``openbadges`` iTXt chunk."""
    out = bake(io.BytesIO(image), token)
    out.seek(0)
    return out.read()


# ------------------------------------------------------------------ the whole step


@dataclass
class Issued:
    attested: list[Attested]
    without_badge: list[str]
    files: list[Path]
    publish: Path


def attest(
    course: Course,
    out_dir: Path,
    issuer: Issuer,
    rule_exercises: list[str] | None = None,
    finals: dict[str, FinalResult] | None = None,
    roster: Roster | None = None,
    languages: tuple[str, ...] = LANGUAGES,
    issued_on: datetime | None = None,
) -> Issued:
    """Attestations and baked badges for everyone who met the rule, and the issuer's files."""
    from aimed.trainer.export import PASS_MARK

    try:
        manifest = course_manifest(course.root)
    except ManifestError as error:
        raise TrainerError(f"the course's pages are needed for the attestation: {error}") from None
    known = manifest.exercises
    unknown = [e for e in rule_exercises or [] if e not in known]
    if unknown:
        raise TrainerError(
            f"unknown exercise {', '.join(unknown)} (the course's: {', '.join(known)})"
        )
    bad = [lang for lang in languages if lang not in LANGUAGES]
    if bad or not languages:
        raise TrainerError(f"languages are en and fr, not {', '.join(bad)}")
    rule = Rule(tuple(rule_exercises or known), final_pass_share(manifest.course_dir), PASS_MARK)
    course_edition = edition(manifest)
    issued_on = issued_on or datetime.now(UTC)
    exercises = exercise_table(course, roster)
    exercises = exercises[exercises["status"] != "missing"]
    emails: dict[str, str] = {}
    if roster is not None and roster.identifier == "Email address":
        matches, _ = match_roster(course, sorted(set(exercises["learner"])), roster)
        emails = {learner: value for learner, value in matches.items() if "@" in value}
    people = completed(exercises, rule, finals, emails)

    out_dir = Path(out_dir)
    publish = out_dir / "badge-issuer"
    publish.mkdir(parents=True, exist_ok=True)
    image = badge_image()
    files = []
    for name, document in issuer_documents(issuer, course_edition).items():
        path = publish / name
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        files.append(path)
    (publish / "badge.png").write_bytes(image)
    files.append(publish / "badge.png")

    summary = [["learner", "name", "email", "assertion", "badge", *languages]]
    without = []
    for person in people:
        badge_bytes = None
        if person.email:
            document = assertion(person, course_edition, issuer, issued_on, languages[0])
            person.assertion_id = document["id"]
            badge_bytes = baked(sign(document, issuer.key_pem), image)
            badge_path = out_dir / "badges" / f"{person.learner}.png"
            badge_path.parent.mkdir(parents=True, exist_ok=True)
            badge_path.write_bytes(badge_bytes)
            files.append(badge_path)
        else:
            without.append(person.learner)
        pages = []
        for lang in languages:
            html = attestation_html(
                person, course_edition, issuer, rule, lang, issued_on.date(), badge_bytes
            )
            page = out_dir / "attestations" / f"{person.learner}.{lang}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(html, encoding="utf-8")
            files.append(page)
            pages.append(page.name)
        summary.append(
            [
                person.learner,
                person.name,
                person.email or "",
                person.assertion_id,
                f"badges/{person.learner}.png" if badge_bytes else "",
                *pages,
            ]
        )
    with (out_dir / SUMMARY).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[spreadsheet_safe(v) for v in row] for row in summary])
    files.append(out_dir / SUMMARY)
    return Issued(people, without, files, publish)
