"""The SCORM package's parts that need no site build: the assessment's rules, the manifest."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aimed.site import scorm

ROOT = Path(__file__).resolve().parents[2]


def course_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "course", tmp_path / "course")
    return tmp_path


def test_the_final_assessment_rules_come_from_its_page() -> None:
    rules = scorm.final_assessment(ROOT)
    assert (rules.name, rules.questions, rules.pass_mark, rules.mastery) == ("final", 33, 27, 82)
    assert rules.modules[0] == "what-ai-is" and len(rules.modules) == 10


def test_a_course_without_its_assessment_or_with_a_wrong_pass_mark_is_refused(
    tmp_path: Path,
) -> None:
    course = course_copy(tmp_path)
    page = course / "course" / "final-assessment.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("pass_mark: 27", "pass_mark: 34"), encoding="utf-8")
    with pytest.raises(scorm.ScormError, match="pass_mark"):
        scorm.final_assessment(course)
    page.unlink()
    with pytest.raises(scorm.ScormError, match="final-assessment.md is missing"):
        scorm.final_assessment(course)


def test_the_manifest_escapes_what_it_lists() -> None:
    rules = scorm.final_assessment(ROOT)
    text = scorm.manifest("fr", "1.0", ["a&b <c>.html"], rules)
    resource = ET.fromstring(text).find(
        ".//{http://www.imsproject.org/xsd/imscp_rootv1p1p2}resource"
    )
    hrefs = [file.get("href") for file in resource]
    assert hrefs == [scorm.LAUNCH, "a&b <c>.html"]
