"""The final assessment's blocks and the learner's record of completion, as static HTML.

course_features.py collects the course pages (`CoursePage`) from the nav and front matter and
calls these pure functions; assets/javascripts/record.js fills the blocks from this browser's
storage (through progress.js). Nothing here reads the learner's data: the build knows only
the course (its pages, version and the study time it states).
"""

from __future__ import annotations

import base64
import json
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from babel.dates import format_date

from aimed import __version__ as PACKAGE_VERSION
from aimed.site.hooks.fragments import fill, render, trusted
from aimed.texts.numbers import percent

# Study time the course states beside each page's own reading time (orientation page, "How
# long it takes"): the upper end of each range, so the record never overstates by rounding.
QUIZ_MINUTES = 5  # per module quiz
SANDBOX_MINUTES = 15  # per sandbox scenario a module opens
EXERCISE_MINUTES = 45  # per graded exercise
ASSESSMENT_MINUTES_PER_QUESTION = 1

DATE_LOCALES = {"en": "en_GB", "fr": "fr_FR"}

TEXT = {
    "en": {
        "rules_title": "How this assessment works",
        "rules": (
            "{questions} questions drawn from the modules of the course. You pass with at least "
            "{pass_mark} correct answers out of {questions} ({percent}). Choose one answer to each "
            "question: you can change your mind until you press “Submit my answers” at the end of "
            "the page. Only then do you see your score. Your answers are kept in this browser "
            "until you submit them, even if you reload the page or switch language."
        ),
        "rules_bank": (
            "Each attempt draws one version of each question from a bank, with its options in "
            "a new order; taking the assessment again gives other versions. If you do not pass, "
            "you are told which modules to revisit; the right answers and their explanations "
            "open once you have passed. Every attempt is kept in this browser only and appears "
            'in <a href="{record}">your record of completion</a>.'
        ),
        "honest": (
            "A page like this one cannot hide its answer key from someone who reads its source "
            "code: this assessment lets you check yourself. The checked evidence of what you "
            "can do is the exercises your trainer grades."
        ),
        "placement_title": "Placement check",
        "placement_rules": (
            "One question for each module, drawn from the final assessment's bank, before you "
            "start the course. It is not graded and shows no answers: your record compares it, "
            "module by module, with your final assessment, which will give you other versions "
            "of the questions. Your answers are kept in this browser only."
        ),
        "placement_intro": (
            "Before you start, you can take a short placement check: one question for each "
            "module, not graded. Your record of completion then shows, module by module, what "
            "you knew before the course and after it."
        ),
        "placement_link": "Take the placement check",
        "nojs": (
            "The assessment needs JavaScript to score your answers; nothing is stored without it."
        ),
        "submit": "Submit my answers",
        "restart": "Discard my answers and start again",
        "again": "Take the assessment again",
        "record_link": "See my record of completion",
        "record_nojs": (
            "Your record is read from this browser's storage and needs JavaScript; without it, "
            "nothing is shown."
        ),
        "name_label": "Your name, as it should appear on the record",
        "name_help": (
            "You type it yourself. It is kept in this browser only and never sent anywhere."
        ),
        "print": "Print or save as PDF",
        "print_help": (
            "To keep a PDF file, choose “Save as PDF” as the printer in the print dialogue."
        ),
        "sheet_title": "Record of completion",
        "name": "Name",
        "name_missing": "(not given)",
        "course": "Course",
        "course_value": "{site_name}, version {version}, built on {built}",
        "made_on": "Record made on",
        "hours": "Estimated duration of the whole course",
        "colon": ":",
        "hours_note": (
            "an estimate of the time the course asks for, not time spent: nothing in this "
            "browser measures time"
        ),
        "completed": "Course completed",
        "completed_yes": "yes",
        "completed_no": "no",
        "rule": (
            "Rule for “course completed”: all {modules} pages of the table marked as read, "
            "each module's quiz passed (every question answered, two thirds right at the first "
            "attempt) and the final assessment passed (at least {pass_mark} of {questions} "
            "correct)."
        ),
        "attach_label": "Your trainer's attestation or badge (optional)",
        "attach_help": (
            "If your trainer graded your exercises and gave you the attestation (HTML file) or "
            "the Open Badge (PNG image) made by “aimed trainer attest”, attach it here rather "
            "than typing your grades. It is read and kept in this browser only."
        ),
        "attach_remove": "Remove the attached file",
        "attach_error": (
            "This file is not an attestation or an Open Badge made by “aimed trainer attest”: "
            "nothing was attached."
        ),
        "trainer_file": "Trainer's attestation",
        "trainer_none": "none attached",
        "attached": "attached: {file}, issued by {issuer} on {date}",
        "attach_proves": (
            "What the attached file proves: the trainer's Open Badge is signed by the "
            "institution and can be verified against the key the institution publishes; this "
            "record itself cannot be verified."
        ),
        "caption": "Modules read and quizzes passed, as recorded in this browser",
        "col_module": "Module",
        "col_read": "Read on",
        "col_quiz": "Quiz",
        "col_passed": "Quiz passed on",
        "assessment": "Final assessment",
        "attempts": "Every attempt",
        "gain_caption": "Before and after the course, per module: questions answered right",
        "gain_before": "Placement check (before)",
        "gain_after": "Final assessment (last attempt)",
        "gain_note": (
            "What this comparison can and cannot show: one question per module before, three "
            "after, on different versions, and no group of physicians who did not take the "
            "course. A difference may be chance, or practice with the questions, as much as "
            "what the course taught."
        ),
        "bias_caption": (
            "Automation-bias check, before module 7 and at the end: errors on the cases that "
            "measure them"
        ),
        "bias_attempt": "Attempt",
        "bias_date": "Taken on",
        "bias_commission": "Wrong AI suggestions followed (commission)",
        "bias_omission": "Problems missed when the AI was silent (omission)",
        "bias_before": "Before module 7",
        "bias_after": "At the end of the course",
        "bias_difference": "Difference (end minus before)",
        "bias_note": (
            "What this comparison can and cannot show: each attempt has only four wrong "
            "suggestions and two silences over a problem, so one answer changes a result a lot; "
            "the two sets of cases are different but equally hard by the test's own measures; "
            "and no group of physicians who did not take the course answered them, so a change "
            "may come from chance or from practice with the test as much as from the course."
        ),
        "download": "Download my results for my trainer (JSON)",
        "download_help": (
            "A file with your placement check, final assessment and automation-bias results, "
            "and the name typed above, for your trainer's cohort report (“aimed trainer "
            "gain”). It is made in this browser; nothing is sent unless you send the file."
        ),
        "not_recorded": "—",
        "empty": (
            "Nothing is recorded in this browser yet: no module marked as read, no quiz answered "
            "and no final assessment. The record fills in as you work through the course in this "
            "browser."
        ),
        "hours_how": (
            "How the study time is counted: {reading} minutes of reading (the reading times "
            "stated on the {pages} course pages) + {quizzes} module quizzes × {quiz_minutes} "
            "minutes + {sandboxes} sandbox scenarios × {sandbox_minutes} minutes + {exercises} "
            "graded exercises × {exercise_minutes} minutes + the final assessment, {questions} "
            "questions × {question_minutes} minute = {total_minutes} minutes."
        ),
        "declared": (
            "This record is self-declared. It was made in the learner's own browser from what "
            "was recorded there, and nothing was sent to anyone: it proves nothing by itself. "
            "An employer or a training body who wants to check it can ask the learner's trainer "
            "for the grades and written feedback on the graded exercises."
        ),
    },
    "fr": {
        "rules_title": "Comment se déroule cette évaluation",
        "rules": (
            "{questions}\u00a0questions tirées des modules du cours. Vous réussissez avec au "
            "moins {pass_mark}\u00a0bonnes réponses sur {questions} ({percent}). Choisissez une "
            "réponse à chaque question\u202f: vous pouvez changer d'avis jusqu'à ce que vous "
            "appuyiez sur «\u00a0Valider mes réponses\u00a0», en bas de la page. C'est seulement "
            "alors que s'affiche votre score. Vos réponses sont conservées dans ce navigateur "
            "jusqu'à ce que vous les validiez, même si vous rechargez la page ou changez de "
            "langue."
        ),
        "rules_bank": (
            "Chaque tentative tire d'une banque une version de chaque question, avec ses "
            "réponses dans un ordre nouveau\u202f; repasser l'évaluation donne d'autres "
            "versions. Si vous n'atteignez pas le seuil, vous saurez quels modules revoir\u202f; "
            "les bonnes réponses et leurs explications s'ouvrent une fois l'évaluation réussie. "
            "Chaque tentative est conservée dans ce navigateur uniquement et figure dans "
            '<a href="{record}">votre attestation de formation</a>.'
        ),
        "honest": (
            "Une page comme celle-ci ne peut pas cacher son corrigé à qui lit son code "
            "source\u202f: cette évaluation vous permet de vous vérifier vous-même. La preuve "
            "vérifiée de ce que vous savez faire, ce sont les exercices notés par votre "
            "formateur."
        ),
        "placement_title": "Test de positionnement",
        "placement_rules": (
            "Une question par module, tirée de la banque de l'évaluation finale, avant de "
            "commencer le cours. Il n'est pas noté et n'affiche aucune réponse\u202f: votre "
            "attestation le compare, module par module, à votre évaluation finale, qui vous "
            "proposera d'autres versions des questions. Vos réponses sont conservées dans ce "
            "navigateur uniquement."
        ),
        "placement_intro": (
            "Avant de commencer, vous pouvez passer un court test de positionnement\u202f: une "
            "question par module, sans note. Votre attestation montre ensuite, module par "
            "module, ce que vous saviez avant le cours et après."
        ),
        "placement_link": "Passer le test de positionnement",
        "nojs": (
            "L'évaluation a besoin de JavaScript pour noter vos réponses\u202f; sans lui, rien "
            "n'est conservé."
        ),
        "submit": "Valider mes réponses",
        "restart": "Effacer mes réponses et recommencer",
        "again": "Repasser l'évaluation",
        "record_link": "Voir mon attestation de formation",
        "record_nojs": (
            "Votre attestation est lue dans la mémoire de ce navigateur et nécessite "
            "JavaScript\u202f; sans lui, rien ne s'affiche."
        ),
        "name_label": "Votre nom, tel qu'il doit figurer sur l'attestation",
        "name_help": (
            "Vous le saisissez vous-même. Il est conservé dans ce navigateur uniquement et n'est "
            "jamais envoyé."
        ),
        "print": "Imprimer ou enregistrer en PDF",
        "print_help": (
            "Pour obtenir un fichier PDF, choisissez «\u00a0Enregistrer au format PDF\u00a0» comme "
            "imprimante dans la fenêtre d'impression."
        ),
        "sheet_title": "Attestation de formation",
        "name": "Nom",
        "name_missing": "(non renseigné)",
        "course": "Cours",
        "course_value": "{site_name}, version {version} du {built}",
        "made_on": "Attestation établie le",
        "hours": "Durée estimée de l'ensemble du cours",
        "colon": "\u00a0:",
        "hours_note": (
            "une estimation du temps que demande le cours, non du temps passé\u202f: rien dans "
            "ce navigateur ne mesure le temps"
        ),
        "completed": "Cours achevé",
        "completed_yes": "oui",
        "completed_no": "non",
        "rule": (
            "Règle pour «\u00a0cours achevé\u00a0»\u202f: les {modules}\u00a0pages du "
            "tableau marquées comme lues, le quiz de chaque module réussi (toutes les questions "
            "répondues, deux tiers de bonnes réponses au premier essai) et l'évaluation finale "
            "réussie (au moins "
            "{pass_mark}\u00a0bonnes réponses sur {questions})."
        ),
        "attach_label": "L'attestation ou le badge de votre formateur (facultatif)",
        "attach_help": (
            "Si votre formateur a noté vos exercices et vous a remis l'attestation (fichier "
            "HTML) ou l'Open Badge (image PNG) produits par «\u00a0aimed trainer attest\u00a0», "
            "joignez-les ici plutôt que de recopier vos notes. Le fichier est lu et conservé "
            "dans ce navigateur uniquement."
        ),
        "attach_remove": "Retirer le fichier joint",
        "attach_error": (
            "Ce fichier n'est ni une attestation ni un Open Badge produits par «\u00a0aimed "
            "trainer attest\u00a0»\u202f: rien n'a été joint."
        ),
        "trainer_file": "Attestation du formateur",
        "trainer_none": "aucune jointe",
        "attached": "jointe\u00a0: {file}, délivrée par {issuer} le {date}",
        "attach_proves": (
            "Ce que prouve le fichier joint\u202f: l'Open Badge du formateur est signé par "
            "l'établissement et se vérifie avec la clé que celui-ci publie\u202f; cette "
            "attestation-ci, elle, ne peut pas être vérifiée."
        ),
        "caption": "Modules lus et quiz réussis, tels qu'enregistrés dans ce navigateur",
        "col_module": "Module",
        "col_read": "Lu le",
        "col_quiz": "Quiz",
        "col_passed": "Quiz réussi le",
        "assessment": "Évaluation finale",
        "attempts": "Toutes les tentatives",
        "gain_caption": "Avant et après le cours, par module\u202f: questions réussies",
        "gain_before": "Test de positionnement (avant)",
        "gain_after": "Évaluation finale (dernière tentative)",
        "gain_note": (
            "Ce que cette comparaison peut montrer et ce qu'elle ne peut pas montrer\u202f: une "
            "question par module avant, trois après, sur des versions différentes, et aucun "
            "groupe de médecins n'ayant pas suivi le cours. Une différence peut tenir au "
            "hasard, ou à l'habitude des questions, autant qu'à ce que le cours a appris."
        ),
        "bias_caption": (
            "Test du biais d'automatisation, avant le module 7 et à la fin\u202f: erreurs sur "
            "les cas qui les mesurent"
        ),
        "bias_attempt": "Tentative",
        "bias_date": "Passée le",
        "bias_commission": "Suggestions erronées de l'IA suivies (commission)",
        "bias_omission": "Problèmes manqués quand l'IA ne disait rien (omission)",
        "bias_before": "Avant le module 7",
        "bias_after": "À la fin du cours",
        "bias_difference": "Écart (fin moins avant)",
        "bias_note": (
            "Ce que cette comparaison peut montrer et ce qu'elle ne peut pas montrer\u202f: "
            "chaque tentative ne compte que quatre suggestions erronées et deux silences sur un "
            "problème, si bien qu'une seule réponse fait beaucoup varier un résultat\u202f; les "
            "deux séries de cas sont différentes mais de même difficulté selon les mesures du "
            "test lui-même\u202f; et aucun groupe de médecins n'ayant pas suivi le cours n'y a "
            "répondu, si bien qu'un changement peut tenir au hasard ou à l'habitude du test "
            "autant qu'au cours."
        ),
        "download": "Télécharger mes résultats pour mon formateur (JSON)",
        "download_help": (
            "Un fichier avec votre test de positionnement, votre évaluation finale, vos "
            "résultats au test du biais d'automatisation et le nom saisi ci-dessus, pour le "
            "bilan de groupe de votre formateur («\u00a0aimed trainer gain\u00a0»). Il est "
            "produit dans ce navigateur\u202f; rien n'est envoyé, sauf si vous envoyez le "
            "fichier."
        ),
        "not_recorded": "—",
        "empty": (
            "Rien n'est encore enregistré dans ce navigateur\u202f: aucun module marqué comme lu, "
            "aucun quiz commencé et pas d'évaluation finale. L'attestation se remplit à mesure "
            "que vous suivez le cours dans ce navigateur."
        ),
        "hours_how": (
            "Calcul de la durée\u202f: {reading}\u00a0minutes de lecture (les temps de lecture "
            "indiqués sur les {pages}\u00a0pages du cours) + {quizzes}\u00a0quiz de module × "
            "{quiz_minutes}\u00a0minutes + {sandboxes}\u00a0scénarios du bac à sable × "
            "{sandbox_minutes}\u00a0minutes + {exercises}\u00a0exercices notés × "
            "{exercise_minutes}\u00a0minutes + l'évaluation finale, {questions}\u00a0questions × "
            "{question_minutes}\u00a0minute = {total_minutes}\u00a0minutes."
        ),
        "declared": (
            "Cette attestation est déclarative. Elle a été établie dans le navigateur de "
            "l'apprenant à partir de ce qui y était enregistré, et rien n'a été envoyé à "
            "quiconque\u202f: elle ne prouve rien à elle seule. Un employeur ou un organisme de "
            "formation qui souhaite la vérifier peut demander au formateur de l'apprenant les "
            "notes et les commentaires écrits des exercices notés."
        ),
    },
}


@dataclass(frozen=True)
class CoursePage:
    """A page of the nav that the progress table and the record list (module or assessment)."""

    src: str  # English source name, as in the nav
    title: str  # nav title in the page's language
    slug: str  # front matter `module`, or `assessment`
    kind: str  # "module" or "assessment"
    link: str  # from the page being built, in its language
    hrefs: str  # the page in every language, from the page being built (space-separated)
    quizzes: int
    reading_time: int = 0
    sandboxes: int = 0
    exercises: int = 0
    pass_mark: int = 0


@dataclass(frozen=True)
class StudyTime:
    reading: int
    pages: int
    quizzes: int
    sandboxes: int
    exercises: int
    questions: int

    @property
    def total(self) -> int:
        return (
            self.reading
            + self.quizzes * QUIZ_MINUTES
            + self.sandboxes * SANDBOX_MINUTES
            + self.exercises * EXERCISE_MINUTES
            + self.questions * ASSESSMENT_MINUTES_PER_QUESTION
        )


def study_time(pages: list[CoursePage]) -> StudyTime:
    """What the course states: reading times plus the allowances above, from its pages."""
    modules = [page for page in pages if page.kind == "module"]
    return StudyTime(
        reading=sum(page.reading_time for page in modules),
        pages=sum(1 for page in modules if page.reading_time),
        quizzes=sum(1 for page in modules if page.quizzes),
        sandboxes=sum(page.sandboxes for page in modules),
        exercises=sum(page.exercises for page in modules),
        questions=sum(page.quizzes for page in pages if page.kind == "assessment"),
    )


def format_duration(minutes: int, lang: str) -> str:
    """``690`` -> ``11 h 30 min`` (English) / ``11 h 30`` (French); whole hours alone."""
    hours, rest = divmod(minutes, 60)
    if lang == "fr":
        return f"{hours}\u00a0h" + (f"\u00a0{rest:02d}" if rest else "")
    return f"{hours} h" + (f" {rest} min" if rest else "")


def long_date(day: date, lang: str) -> str:
    return format_date(day, "long", locale=DATE_LOCALES.get(lang, "en_GB"))


def build_date() -> date:
    """Today, or SOURCE_DATE_EPOCH for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def course_version(root: Path) -> str:
    """The project's version from pyproject.toml (the package's own when there is none)."""
    path = root / "pyproject.toml"
    if path.is_file():
        version = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {}).get("version")
        if version:
            return str(version)
    return PACKAGE_VERSION


# ---------------------------------------------------------------- the final assessment's bank

# Before each <quiz> of an assessment page: `<!-- situation: <module-slug>-<n> -->`, n = 1, 2...
# in page order within the module. Consecutive quizzes with the same marker are versions of one
# situation (a, b...): an attempt shows one version of each (course/assets/javascripts/
# assessment.js). A page without markers is one version per question.
SITUATION_MARK = re.compile(r"^<!--\s*situation:\s*(.+?)\s*-->[ \t]*$", re.MULTILINE)
SITUATION_OR_QUIZ = re.compile(SITUATION_MARK.pattern + r"|<quiz>", re.MULTILINE)
SITUATION_ID = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)-(\d+)$")
ASSESSMENT_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
# mkdocs-quiz 1.7.1's option input, key included (tests/site/test_course_features.py pins it).
KEYED_OPTION = re.compile(
    r'(<input type="(?:radio|checkbox)" name="answer" value="(\d+)" id="quiz-(\d+)-\d+") '
    r'data-correct="true">'
)
KEY_SALT = b"aimed-assessment"


@dataclass(frozen=True)
class Situation:
    """One situation of an assessment: its versions are quizzes of the page (0-based, in page
    order, as mkdocs-quiz numbers them ``quiz-<n>``)."""

    id: str  # "bias-2"
    module: str  # "bias" ("" on a page without markers)
    versions: tuple[int, ...]


def assessment_bank(markdown: str, modules: list[str] | None = None) -> list[Situation]:
    """The situations of an assessment page, from its markers; a wrong marker is an error.

    ``modules``: the manifest's module slugs, in order (a marker must name one of them, and a
    module's situations are numbered 1, 2... in page order).
    """
    text = ASSESSMENT_FENCE.sub("", markdown)
    found: list[tuple[str, list[int]]] = []
    marker: str | None = None
    quiz = 0
    marked = bool(SITUATION_MARK.search(text))
    for match in SITUATION_OR_QUIZ.finditer(text):
        if match.group(1) is not None:
            if marker is not None:
                raise ValueError(f"situation marker '{marker}' is not followed by a <quiz>")
            marker = match.group(1)
            continue
        if not marked:
            found.append((f"q{quiz + 1}", [quiz]))
        elif marker is None:
            raise ValueError(f"question {quiz + 1} has no `<!-- situation: module-n -->` above it")
        elif found and found[-1][0] == marker:
            found[-1][1].append(quiz)
        elif any(name == marker for name, _ in found):
            raise ValueError(f"situation '{marker}': its versions must follow each other")
        else:
            found.append((marker, [quiz]))
        marker = None
        quiz += 1
    if marker is not None:
        raise ValueError(f"situation marker '{marker}' is not followed by a <quiz>")
    situations: list[Situation] = []
    for name, versions in found:
        module = ""
        if marked:
            parsed = SITUATION_ID.match(name)
            if parsed is None:
                raise ValueError(f"situation '{name}' is not <module-slug>-<number>")
            module, number = parsed.group(1), int(parsed.group(2))
            if modules is not None and module not in modules:
                raise ValueError(f"situation '{name}': no module '{module}' in the course")
            before = sum(1 for s in situations if s.module == module)
            if number != before + 1:
                raise ValueError(
                    f"situation '{name}': {module}'s situations are numbered 1, 2... in page "
                    f"order (expected {module}-{before + 1})"
                )
        situations.append(Situation(name, module, tuple(versions)))
    return situations


def _mask(data: bytes) -> bytes:
    stream = (KEY_SALT * (len(data) // len(KEY_SALT) + 1))[: len(data)]
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def encode_key(key: dict[int, list[str]]) -> str:
    """The right options of each quiz, masked: not secret (the page's script must read it),
    only not readable at a glance in the page's source."""
    data = json.dumps({str(quiz): values for quiz, values in sorted(key.items())})
    return base64.b64encode(_mask(data.encode("utf-8"))).decode("ascii")


def decode_key(encoded: str) -> dict[int, list[str]]:
    data = json.loads(_mask(base64.b64decode(encoded)).decode("utf-8"))
    return {int(quiz): list(values) for quiz, values in data.items()}


def hide_key(html: str) -> str:
    """An assessment page's HTML without mkdocs-quiz's ``data-correct`` on its options: the key
    goes, masked, into the assessment block's ``data-key`` (read by assessment.js)."""
    key: dict[int, list[str]] = {}

    def strip(match: re.Match[str]) -> str:
        key.setdefault(int(match.group(3)), []).append(match.group(2))
        return f"{match.group(1)}>"

    html = KEYED_OPTION.sub(strip, html)
    if re.search(r"<input[^>]*\sdata-correct", html):
        raise ValueError("an option's key is written in a way this site does not know")
    return html.replace(' data-key=""', f' data-key="{encode_key(key)}"', 1)


def check_pass_mark(pass_mark: object, questions: int) -> int:
    """The pass mark of an assessment page: a whole number of questions, 1 to all of them."""
    if questions == 0:
        raise ValueError("an assessment page needs <quiz> questions")
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int):
        raise ValueError(f"pass_mark must be a whole number of questions, not {pass_mark!r}")
    if not 1 <= pass_mark <= questions:
        raise ValueError(f"pass_mark {pass_mark} is not between 1 and {questions} (the questions)")
    return pass_mark


def assessment_rules(questions: int, pass_mark: int, lang: str, record_link: str) -> str:
    """The admonition under the title that states the pass mark before any answer is given."""
    return render(
        "assessment-rules",
        words=trusted(TEXT[lang]),
        questions=questions,
        pass_mark=pass_mark,
        percent=percent(pass_mark / questions, lang, digits=0),
        record=record_link,
    )


def assessment_block(
    slug: str,
    questions: int,
    pass_mark: int,
    lang: str,
    record_link: str,
    *,
    bank: list[Situation] | None = None,
    modules: dict[str, dict[str, str]] | None = None,
    version: str = "",
    built: date | None = None,
) -> str:
    """The submit button and the result region assessment.js drives (hidden until it runs).

    ``bank``: the page's situations (default: one per question); ``modules``: each module's
    ``title`` and ``href`` from this page, named when a learner should revisit it; ``version``
    and ``built``: the course's, kept with every attempt.
    """
    situations = bank or [Situation(f"q{n + 1}", "", (n,)) for n in range(questions)]
    data = {
        "situations": [
            {"id": s.id, "module": s.module, "versions": list(s.versions)} for s in situations
        ],
        "modules": modules or {},
    }
    return render(
        "assessment-block",
        words=trusted(TEXT[lang]),
        slug=slug,
        questions=questions,
        pass_mark=pass_mark,
        record=record_link,
        bank=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        version=version,
        built=built.isoformat() if built else "",
    )


def placement_block(lang: str, assessment_link: str) -> str:
    """`<!-- placement -->` (orientation): the invitation to the placement check, a mode of the
    final assessment's page (``?check=placement``, assessment.js)."""
    return render("placement", words=trusted(TEXT[lang]), href=f"{assessment_link}?check=placement")


def record_block(
    pages: list[CoursePage], lang: str, *, site_name: str, version: str, built: date
) -> str:
    """The record page's form (screen only) and printable sheet, filled by record.js."""
    words = trusted(TEXT[lang])
    time = study_time(pages)
    how = fill(
        words["hours_how"],
        reading=time.reading,
        pages=time.pages,
        quizzes=time.quizzes,
        quiz_minutes=QUIZ_MINUTES,
        sandboxes=time.sandboxes,
        sandbox_minutes=SANDBOX_MINUTES,
        exercises=time.exercises,
        exercise_minutes=EXERCISE_MINUTES,
        questions=time.questions,
        question_minutes=ASSESSMENT_MINUTES_PER_QUESTION,
        total_minutes=time.total,
    )
    course = fill(
        words["course_value"], site_name=site_name, version=version, built=long_date(built, lang)
    )
    modules = [page for page in pages if page.kind == "module"]
    assessments = [page for page in pages if page.kind == "assessment"]
    rule = fill(
        words["rule"],
        modules=len(modules),
        pass_mark=sum(page.pass_mark for page in assessments),
        questions=sum(page.quizzes for page in assessments),
    )
    return render(
        "record",
        words=words,
        lang=lang,
        course=course,
        how=how,
        rule=rule,
        total_minutes=time.total,
        duration=format_duration(time.total, lang),
        modules=modules,
        assessments=assessments,
        version=version,
    )
