"""The demo receiver stores county items and finished assessments of both schemes."""

import random

import pytest

from balance_inspect.jobs import JobStatus
from indicators.demo import seed_indicators
from indicators.models import Assessment, CountyItemValue

pytestmark = pytest.mark.django_db


def test_demo_seeding_stores_items_and_both_assessments(
    county_data, bureau, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed_indicators(
            None, county=county_data.county, users={"bureau": bureau}, year=2025, rng=random.Random(1)
        )
    assert CountyItemValue.objects.filter(county=county_data.county, year=2025).count() >= 10
    assert CountyItemValue.objects.get(key="teacher_pay").passed is False
    done = {a.scheme: a for a in Assessment.objects.filter(status=JobStatus.DONE)}
    assert set(done) == {"basic-2012", "quality-2017"}
    # The 2012 items entered for the demo pass; 社会认可度 comes from the surveys app, whose feed
    # these tests leave out, so the verdict stays incomplete rather than passing without it.
    assert done["basic-2012"].passed is None
    assert done["basic-2012"].result["missing"] == ["social_recognition"]
    assert any("教师平均工资" in r for r in done["quality-2017"].result["reasons"])


def test_the_demo_fills_every_item_the_bureau_enters(county_data, bureau, django_capture_on_commit_callbacks):
    from indicators.form_items import table4_rows, table5_rows, veto_rows

    with django_capture_on_commit_callbacks(execute=True):
        seed_indicators(
            None, county=county_data.county, users={"bureau": bureau}, year=2025, rng=random.Random(1)
        )
    result = Assessment.objects.get(status=JobStatus.DONE, scheme="quality-2017").result
    rows = table4_rows(result) + table5_rows(result) + veto_rows(result)
    entered = [r for r in rows if r["who"] == "教育局录入"]
    # 表Ⅳ: 15 less 3 judged from the school data and 3 from the workforce data; 表Ⅴ: 9 less
    # retention (控辍保学); the 7 vetoes.
    assert len(entered) == 9 + 8 + 7
    assert [r["key"] for r in entered if r["blanks"] or "＿" in r["text"]] == []
    assert [r["key"] for r in entered if r["passed"] is False] == ["teacher_pay"]  # the demo's one gap
    assert not any(r["fails_application"] for r in veto_rows(result))


def test_the_forms_verdicts_are_the_stored_assessments(
    county_data, bureau, django_capture_on_commit_callbacks
):
    from indicators.form_items import table4_rows, table5_rows, veto_rows

    with django_capture_on_commit_callbacks(execute=True):
        seed_indicators(
            None, county=county_data.county, users={"bureau": bureau}, year=2025, rng=random.Random(1)
        )
    result = Assessment.objects.get(status=JobStatus.DONE, scheme="quality-2017").result
    stored = {r["key"]: r["passed"] for r in result["county_items"]}
    rows = table4_rows(result) + table5_rows(result) + veto_rows(result)
    assert {r["key"]: r["passed"] for r in rows if r["key"] in stored} == {
        k: v for k, v in stored.items() if k != "social_recognition"
    }
    # The engine's own checks: a failing room, size or class row is a reason of the verdict.
    by_key = {r["key"]: r for r in rows}
    assert by_key["class_size"]["passed"] is not any("个班超过" in r for r in result["reasons"])
    assert by_key["school_size"]["passed"] is not any("义务教育在校生" in r for r in result["reasons"])
    rooms = by_key["music_art_rooms"]["passed"]
    assert rooms is None or rooms is not any("专用教室各需" in r for r in result["reasons"])
