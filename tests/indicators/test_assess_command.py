"""`manage.py assess`: one JSON document in the data-contract §3 shape, equal to the stored result."""

import io
import json
import math

import pytest
from django.core.management import CommandError, call_command

from balance_inspect.jobs import JobStatus
from indicators.models import Assessment
from indicators.services import assessment_request

pytestmark = pytest.mark.django_db

BASIC_KEYS = [
    "building_area_pp",
    "sports_area_pp",
    "equipment_value_pp",
    "computers_per100",
    "books_pp",
    "teacher_ratio",
    "qualified_teachers_pp",
    "senior_title_teachers_pp",
]
QUALITY_KEYS = [
    "qualified_teachers_per100",
    "backbone_teachers_per100",
    "pe_art_teachers_per100",
    "building_area_pp",
    "sports_area_pp",
    "equipment_value_pp",
    "multimedia_rooms_per100",
]


def run_json(*args) -> dict:
    out = io.StringIO()
    call_command("assess", *args, "--json", stdout=out)
    return json.loads(out.getvalue())  # fails on anything but exactly one JSON document


def test_json_has_the_contract_shape_for_quality_2017(county_data):
    doc = run_json("--county", "130123", "--year", "2025", "--scheme", "quality-2017")
    assert doc["county"] == "130123" and doc["year"] == 2025 and doc["scheme"] == "quality-2017"
    assert isinstance(doc["passed"], bool) and isinstance(doc["reasons"], list)
    assert set(doc["stages"]) == {"primary", "junior"}
    primary = doc["stages"]["primary"]
    assert list(primary["indicators"]) == QUALITY_KEYS
    assert (primary["units"], primary["students"]) == (2, 1400)
    assert primary["classes"] == {"total": 35, "over_standard": 0, "large": 0, "super_large": 0}
    for key in QUALITY_KEYS:
        entry = primary["indicators"][key]
        assert set(entry) == {"mean", "std", "cv", "cv_threshold", "cv_passed"}
        assert entry["cv_threshold"] == 0.5 and isinstance(entry["cv_passed"], bool)
    assert doc["stages"]["junior"]["indicators"]["building_area_pp"]["cv_threshold"] == 0.45
    unit = next(u for u in doc["units"] if u["school_code"] == "1301230001")
    assert unit["stage"] == "primary" and unit["students"] == 1000
    assert list(unit["values"]) == QUALITY_KEYS and list(unit["meets"]) == QUALITY_KEYS
    assert unit["meets"]["backbone_teachers_per100"] is False and unit["passed"] is True  # 90% of the line


def test_json_numbers_are_unrounded(county_data):
    doc = run_json("--county", "130123", "--year", "2025", "--scheme", "quality-2017")
    entry = doc["stages"]["primary"]["indicators"]["backbone_teachers_per100"]
    mean = (1000 * 0.9 + 400 * 4.0) / 1400
    std = math.sqrt(1000 / 1400 * (0.9 - mean) ** 2 + 400 / 1400 * (4.0 - mean) ** 2)
    assert entry["mean"] == pytest.approx(mean, rel=1e-12)
    assert entry["cv"] == pytest.approx(std / mean, rel=1e-12)
    assert entry["cv"] != round(entry["cv"], 3)


def test_json_for_basic_2012_has_8_keys_and_null_per_indicator_verdicts(county_data):
    doc = run_json("--county", "130123", "--year", "2025", "--scheme", "basic-2012")
    primary = doc["stages"]["primary"]
    assert list(primary["indicators"]) == BASIC_KEYS
    assert all(e["cv_passed"] is None and e["cv_threshold"] is None for e in primary["indicators"].values())
    assert isinstance(primary["composite_cv"], float) and primary["passed"] is True
    assert all(u["meets"] is None and u["passed"] is None for u in doc["units"])
    assert list(doc["units"][0]["values"]) == BASIC_KEYS


def test_the_county_passes_basic_2012_but_fails_one_cv_of_quality_2017(county_data, basic_items):
    basic = run_json("--county", "130123", "--year", "2025", "--scheme", "basic-2012")
    quality = run_json("--county", "130123", "--year", "2025", "--scheme", "quality-2017")
    assert basic["passed"] is True and basic["reasons"] == []
    assert basic["verdict"] == "passed" and basic["missing"] == []
    assert quality["passed"] is False and quality["verdict"] == "failed"
    assert quality["reasons"] == ["小学 县级以上骨干教师数 差异系数 0.784 > 0.50"]
    failing = [k for k, e in quality["stages"]["primary"]["indicators"].items() if e["cv_passed"] is False]
    assert failing == ["backbone_teachers_per100"]


def test_command_output_equals_the_result_stored_by_the_task(county_data, bureau, run_on_commit):
    assessment = run_on_commit(
        assessment_request, county=county_data.county, year=2025, scheme="quality-2017", user=bureau
    )
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.DONE
    doc = run_json("--county", "130123", "--year", "2025", "--scheme", "quality-2017")
    assert doc == assessment.result


def test_unknown_county_is_an_error_with_exit_1(db):
    with pytest.raises(CommandError, match="未找到区县：999999") as exc:
        call_command(
            "assess",
            "--county",
            "999999",
            "--year",
            "2025",
            "--scheme",
            "basic-2012",
            "--json",
            stdout=io.StringIO(),
        )
    assert exc.value.returncode == 1


def test_without_json_it_prints_a_chinese_summary(county_data):
    out = io.StringIO()
    call_command("assess", "--county", "130123", "--year", "2025", "--scheme", "quality-2017", stdout=out)
    text = out.getvalue()
    assert "结论：未达标" in text and "小学 县级以上骨干教师数 差异系数 0.784 > 0.50" in text
    assert "每百名学生拥有县级以上骨干教师数：均值 1.79，差异系数 0.784  未达标" in text


def test_store_saves_a_finished_assessment(county_data, basic_items):
    doc = run_json("--county", "130123", "--year", "2025", "--scheme", "basic-2012", "--store")
    stored = Assessment.objects.get()
    assert stored.status == JobStatus.DONE and stored.passed is True and stored.result == doc


def test_store_keeps_an_incomplete_verdict_as_null(county_data):
    doc = run_json("--county", "130123", "--year", "2025", "--scheme", "basic-2012", "--store")
    stored = Assessment.objects.get()
    assert doc["verdict"] == "incomplete" and stored.passed is None and stored.result == doc
