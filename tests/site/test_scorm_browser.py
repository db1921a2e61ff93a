"""The SCORM 1.2 package in Chromium, with a real SCORM runtime (scorm-again) as the LMS.

A small LMS page on loopback creates scorm-again's ``Scorm12API`` as ``window.API`` and opens
the package's launch page in a frame, as Moodle does. A learner reads a module, passes the final
assessment by clicking the right answers of the versions drawn and closes the course; what the
LMS received is checked, then the course is launched again in a browser that holds someone
else's progress, with the suspend data the LMS kept, and the learner's progress is back.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aimed.servers.static import serve_in_thread
from aimed.site import scorm
from aimed.site.hooks.course_record import decode_key

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "tests" / "scorm" / "node_modules" / "scorm-again" / "dist" / "scorm12.js"
SANDBOX = "http://127.0.0.1:9/where-the-build-says"
CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
WAIT = 60_000  # ms: two cores shared by many tests; waiting is not what is tested
# The final assessment's questions (situations of its bank) and pass mark, from its page.
FINAL = scorm.final_assessment(ROOT)

LMS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm12.js"></script></head>
<body>
<iframe id="sco" title="course" style="width:1280px;height:900px"></iframe>
<script>
  window.lms = { commits: 0, finished: false, initialized: 0, set: {} };
  window.launch = function (stored) {
    window.API = new Scorm12API({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
    window.API.loadFromJSON(Object.assign({ core: { student_id: "42",
                                                    student_name: "Curie, Marie" } },
                                          stored || {}));
    window.API.on("LMSInitialize", function () { window.lms.initialized += 1; });
    window.API.on("LMSCommit", function () { window.lms.commits += 1; });
    window.API.on("LMSFinish", function () { window.lms.finished = true; });
    // cmi.core.exit and session_time are write-only: the LMS keeps what it was sent.
    window.API.on("LMSSetValue.cmi.*", function (element, value) {
      window.lms.set[element] = value;
    });
    document.getElementById("sco").src = "course/aimed-launch.html";
  };
  window.received = function () {
    var core = window.API.cmi.core;
    return { status: core.lesson_status, raw: core.score.raw, min: core.score.min,
             max: core.score.max, location: core.lesson_location,
             exit: window.lms.set["cmi.core.exit"],
             session: window.lms.set["cmi.core.session_time"],
             suspend: window.API.cmi.suspend_data };
  };
</script>
</body></html>
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Both packages, built as ``make scorm`` does, the sandbox at an address of our own."""
    if not RUNTIME.is_file():
        pytest.fail("scorm-again is missing: run `make scorm-runtime` (npm ci in tests/scorm)")
    out = tmp_path_factory.mktemp("scorm")
    return scorm.build(out, course=ROOT, environment={"AIMED_SANDBOX_URL": SANDBOX})


@pytest.fixture(scope="module")
def lms_url(packages: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The LMS page and the English package, unpacked as an LMS does, on loopback."""
    folder = tmp_path_factory.mktemp("lms")
    english = next(path for path in packages if "-en-" in path.name)
    with zipfile.ZipFile(english) as archive:
        archive.extractall(folder / "course")
    shutil.copy(RUNTIME, folder / "scorm12.js")
    (folder / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
    server, url = serve_in_thread(folder)
    yield f"{url}/lms.html"
    server.shutdown()


def test_each_language_has_a_package_an_lms_can_read(packages: list[Path]) -> None:
    assert sorted(path.name.split("-")[2] for path in packages) == ["en", "fr"]
    for path in packages:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            manifest = ET.fromstring(archive.read("imsmanifest.xml"))
            launch = archive.read(scorm.LAUNCH).decode()
            bias_page = archive.read("modules/bias.html").decode()
        assert manifest.findtext(f"{CP}metadata/{CP}schemaversion") == "1.2"
        (resource,) = manifest.iter(f"{CP}resource")
        assert resource.get(f"{ADLCP}scormtype") == "sco"
        assert resource.get("href") == scorm.LAUNCH
        listed = {file.get("href") for file in resource.iter(f"{CP}file")}
        assert listed == names - {"imsmanifest.xml"}
        assert manifest.findtext(f".//{CP}item/{ADLCP}masteryscore") == str(FINAL.mastery)
        lang = "fr" if "-fr-" in path.name else "en"
        assert f'lang="{lang}"' in launch
        assert ("fr/index.html" in launch) == (lang == "fr")
        # The sandbox buttons point where the build said.
        assert SANDBOX in bias_page


def course_frame(page):
    return page.frame_locator("#sco").frame_locator("iframe")


def launch(page, lms_url: str, stored: dict | None = None):
    """Open the LMS page and launch the course, afresh or with what the LMS ``stored``; the
    course's frame."""
    page.goto(lms_url)
    page.evaluate("stored => launch(stored)", stored)
    return course_frame(page)


def test_the_lms_receives_completion_score_and_progress_across_devices(
    page, lms_url: str, offsite_requests: list[str]
) -> None:
    course = launch(page, lms_url)

    # Read module 1: its page's "I have read this module" box.
    course.locator('a[href="modules/what-ai-is.html"]:visible').first.click()
    read_box = course.locator(".aimed-read input[type=checkbox]")
    read_box.check()
    # Its sandbox button goes where the build said, in a new tab: the LMS's frame keeps the course.
    button = course.locator(".aimed-sandbox__button").first
    expect(button).to_have_attribute("target", "_blank", timeout=WAIT)
    assert button.get_attribute("href").startswith(SANDBOX)

    # The final assessment, every question answered right by clicking.
    course.locator('a[href="../final-assessment.html"]:visible').first.click()
    submit = course.locator(".aimed-assessment__submit")
    expect(submit).to_be_visible(timeout=WAIT)  # the module page's own quiz is gone
    # One version of each situation is drawn; the key is read as anyone reading the source can.
    key = decode_key(course.locator(".aimed-assessment").get_attribute("data-key"))
    quizzes = course.locator(".md-content .quiz:not([hidden])")
    expect(quizzes).to_have_count(FINAL.questions)
    for index in range(quizzes.count()):
        quiz = quizzes.nth(index)
        (value,) = key[int(quiz.get_attribute("id").removeprefix("quiz-"))]
        quiz.locator(f"input[name=answer][value='{value}']").check()
    submit.click()
    expect(course.locator(".aimed-assessment__score")).to_have_attribute(
        "data-passed", "yes", timeout=WAIT
    )

    page.wait_for_function("received().status === 'passed'")
    page.wait_for_function("received().location === 'final-assessment.html'")
    assert page.evaluate("lms.commits") >= 1

    # The learner closes the course: the launch page leaves, LMSFinish is called.
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("lms.finished")
    got = page.evaluate("received()")
    assert got["status"] == "passed"
    assert (got["raw"], got["min"], got["max"]) == ("100", "0", "100")
    assert got["exit"] == ""
    assert re.fullmatch(r"\d{4}:\d\d:\d\d", got["session"])
    assert 0 < len(got["suspend"]) <= 4096
    suspend = json.loads(got["suspend"])
    assert suspend[3]["final"][:3] == [FINAL.questions, FINAL.questions, FINAL.pass_mark]
    # the attempt itself travels too: its draw, answers and the date it was submitted
    current, (attempt,) = suspend[6]["current"]["final"], suspend[6]["history"]["final"]
    assert len(current[4]) == FINAL.questions and all(current[5]) and current[6]
    assert attempt[:3] == [FINAL.questions, FINAL.questions, FINAL.pass_mark]
    assert attempt[4] == current[4]

    # Another device, where another learner left progress: the LMS's suspend data wins.
    page.evaluate(
        "localStorage.clear();"
        "localStorage.setItem('aimed_course_read', JSON.stringify({bias: '2026-01-01T00:00Z'}))"
    )
    stored = {
        "suspend_data": got["suspend"],
        "core": {
            "entry": "resume",
            "lesson_status": got["status"],
            "lesson_location": got["location"],
            "score": {"raw": got["raw"], "min": got["min"], "max": got["max"]},
        },
    }
    course = launch(page, lms_url, stored)
    # It opens where the learner left, with the assessment's result shown from its answers.
    expect(course.locator(".aimed-assessment__score")).to_have_attribute(
        "data-passed", "yes", timeout=WAIT
    )
    checked = course.locator(".md-content .quiz:not([hidden]) input:checked")
    expect(checked).to_have_count(FINAL.questions)
    course.locator('a[href="index.html"]:visible').first.click()
    table = course.locator(".aimed-progress")
    expect(table.locator('tr[data-module="what-ai-is"]')).to_have_attribute(
        "data-read", "yes", timeout=WAIT
    )
    expect(table.locator('tr[data-module="bias"]')).to_have_attribute(
        "data-read", "no", timeout=WAIT
    )
    expect(table.locator("tr[data-assessment]")).to_have_attribute(
        "data-passed", "yes", timeout=WAIT
    )
    assert page.evaluate("lms.initialized") == 1
    assert offsite_requests == []


def test_outside_an_lms_the_launch_page_opens_the_course(page, lms_url: str) -> None:
    page.goto(lms_url.replace("lms.html", f"course/{scorm.LAUNCH}"))
    page.wait_for_url("**/course/index.html")
    assert page.locator(".aimed-progress").count() == 1


def test_suspend_data_that_is_not_the_courses_starts_afresh(
    page, lms_url: str, offsite_requests: list[str]
) -> None:
    page.goto(lms_url)
    page.evaluate(
        "localStorage.setItem('aimed_course_read', JSON.stringify({'what-ai-is': '2026-01-01'}))"
    )
    page.evaluate("stored => launch(stored)", {"suspend_data": '{"read": <script>', "core": {}})
    table = course_frame(page).locator(".aimed-progress")
    expect(table.locator('tr[data-module="what-ai-is"]')).to_have_attribute(
        "data-read", "no", timeout=WAIT
    )
    page.wait_for_function("received().status === 'incomplete'")
    assert offsite_requests == []


def test_progress_beyond_4096_characters_keeps_the_final_assessment(
    page, lms_url: str, offsite_requests: list[str]
) -> None:
    expect(launch(page, lms_url).locator(".aimed-progress")).to_be_visible(timeout=WAIT)
    # A course grown well past today's (150 more pages of quizzes), answered in another tab.
    page.evaluate(
        """() => {
          const base = "quiz_progress_" + new URL("course/", location.href).pathname;
          const answers = n => Object.fromEntries([...Array(n).keys()].map(i => [
            "quiz-" + i, { answered: true, correct: true, selectedValues: ["2"] }]));
          for (let i = 0; i < 150; i++) {
            localStorage.setItem(base + "modules/extra-" + i + ".html",
                                 JSON.stringify(answers(5)));
          }
          localStorage.setItem(base + "final-assessment.html", JSON.stringify(answers(30)));
          localStorage.setItem("aimed_assessment_results", JSON.stringify({ final: {
            correct: 25, total: 30, pass: 24, passed: true, attempts: 1,
            date: new Date().toISOString() } }));
        }"""
    )
    page.wait_for_function("received().status === 'passed'")
    got = page.evaluate("received()")
    assert len(got["suspend"]) <= 4096
    suspend = json.loads(got["suspend"])
    assert suspend[3]["final"][:3] == [25, 30, 24]
    assert len(suspend[5]["final-assessment.html"]) == 30
    assert 0 < len(suspend[5]) < 151  # module pages' answers left out first
    assert got["raw"] == "83"
    assert offsite_requests == []


def test_the_automation_bias_check_travels_in_the_suspend_data(
    page, lms_url: str, offsite_requests: list[str]
) -> None:
    """The check's first attempt, taken in the LMS, is on the record on another device."""
    course = launch(page, lms_url)
    course.locator('a[href="automation-bias-before.html"]:visible').first.click()
    cases = course.locator(".aimed-bias-check__case")
    expect(cases).to_have_count(20, timeout=WAIT)
    for number in range(20):
        cases.nth(number).locator("input[value=clear]").check()
    course.locator(".aimed-bias-check__submit").click()
    commission = course.locator(".aimed-bias-check__commission")
    expect(commission).to_have_attribute("data-total", "4", timeout=WAIT)
    hits = commission.get_attribute("data-hits")
    # sent once the attempt is submitted (its date, third field)
    page.wait_for_function("((JSON.parse(received().suspend || '[]')[7] || {}).before || [])[2]")
    stage = json.loads(page.evaluate("received().suspend"))[7]["before"]
    assert stage[3] == "c" * 20 and stage[4] == [int(hits), 4]

    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("lms.finished")
    suspend = page.evaluate("received().suspend")
    page.evaluate("localStorage.clear()")
    course = launch(page, lms_url, {"suspend_data": suspend, "core": {}})
    course.locator('a[href="my-record.html"]:visible').first.click()
    row = course.locator(".aimed-record__bias tr[data-stage=before]")
    expect(row.locator(".aimed-record__bias-commission")).to_have_text(f"{hits} / 4", timeout=WAIT)
    assert offsite_requests == []
