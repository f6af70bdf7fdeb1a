"""Correcting a school's yearly conditions: who may, validation in Chinese, the audit trail."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEntry
from schools.models import SchoolConditions
from schools.services import conditions_create, conditions_update
from tests.factories import ConditionsFactory, SchoolFactory

pytestmark = pytest.mark.django_db

VALID = {
    "primary_students": "420",
    "junior_students": "0",
    "senior_students": "0",
    "building_area": "2300.5",
    "sports_area": "3500",
    "equipment_value": "900000",
    "computers": "60",
    "books": "12000",
    "multimedia_rooms": "12",
    "music_rooms": "1",
    "art_rooms": "1",
}


def edit_url(school, year=2025):
    return f"/schools/{school.code}/conditions/{year}/edit/"


def add_url(school):
    return f"/schools/{school.code}/conditions/add/"


@pytest.fixture
def conditions(school_a):
    return ConditionsFactory(school=school_a, year=2025, primary_students=400, building_area=2200)


def test_bureau_corrects_conditions_and_the_change_is_audited(login, bureau, conditions):
    response = login(bureau).post(edit_url(conditions.school), VALID)
    assert response.status_code == 302
    assert response["Location"] == "/schools/1301230001/?year=2025"
    conditions.refresh_from_db()
    assert conditions.primary_students == 420 and conditions.building_area == Decimal("2300.50")
    entry = AuditEntry.objects.get()
    assert entry.action == "update" and entry.user == bureau and entry.county == conditions.school.county
    assert entry.object_type == "schools.SchoolConditions" and entry.object_id == str(conditions.pk)
    assert entry.changes["primary_students"] == [400, 420]
    assert entry.changes["building_area"] == ["2200.00", "2300.50"]
    assert "sports_area" not in entry.changes  # 3500 was 3500.00 already


def test_own_reporter_may_correct_own_school(login, reporter, conditions):
    assert login(reporter).post(edit_url(conditions.school), VALID).status_code == 302
    assert AuditEntry.objects.get().user == reporter


def test_the_form_shows_current_values(login, bureau, conditions):
    html = login(bureau).get(edit_url(conditions.school)).content.decode()
    assert 'value="400"' in html and "小学在校生数" in html


@pytest.mark.parametrize("who", ["inspector", "township_official"])
def test_readers_are_refused_with_403(request, login, who, conditions):
    client = login(request.getfixturevalue(who))
    assert client.get(edit_url(conditions.school)).status_code == 403
    assert client.post(edit_url(conditions.school), VALID).status_code == 403
    assert client.get(add_url(conditions.school)).status_code == 403
    assert client.post(add_url(conditions.school), {**VALID, "year": "2026"}).status_code == 403
    assert not AuditEntry.objects.exists()


def test_bureau_of_another_county_gets_404(login, other_bureau, conditions):
    assert login(other_bureau).post(edit_url(conditions.school), VALID).status_code == 404
    assert login(other_bureau).get(add_url(conditions.school)).status_code == 404


def test_a_reporter_gets_404_for_another_school(login, reporter, school_b):
    ConditionsFactory(school=school_b, year=2025)
    assert login(reporter).post(edit_url(school_b), VALID).status_code == 404


def test_a_year_without_conditions_is_a_404(login, bureau, conditions):
    assert login(bureau).get(edit_url(conditions.school, 2019)).status_code == 404


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("primary_students", "-5", "不能为负数"),
        ("primary_students", "12.5", "请输入整数"),
        ("primary_students", "", "请填写此项"),
        ("building_area", "-1", "不能为负数"),
        ("building_area", "abc", "请输入数字"),
        ("building_area", "10.123", "最多保留 2 位小数"),
        ("computers", "十", "请输入整数"),
        ("junior_students", "30", "没有初中学段"),
    ],
)
def test_invalid_input_shows_chinese_errors_and_changes_nothing(
    login, bureau, conditions, field, value, message
):
    response = login(bureau).post(edit_url(conditions.school), {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    conditions.refresh_from_db()
    assert conditions.primary_students == 400
    assert not AuditEntry.objects.exists()


def test_conditions_can_be_added_for_a_missing_year(login, bureau, conditions):
    response = login(bureau).post(add_url(conditions.school), {**VALID, "year": "2026"})
    assert response.status_code == 302
    added = SchoolConditions.objects.get(school=conditions.school, year=2026)
    assert added.primary_students == 420
    entry = AuditEntry.objects.get()
    assert entry.action == "create" and entry.changes["primary_students"] == [None, 420]
    assert entry.changes["year"] == [None, 2026]


def test_adding_an_existing_year_is_refused(login, bureau, conditions):
    response = login(bureau).post(add_url(conditions.school), {**VALID, "year": "2025"})
    assert response.status_code == 200
    assert "办学条件已存在，请直接修改" in response.content.decode()
    assert SchoolConditions.objects.count() == 1


def test_a_nine_year_school_accepts_both_stages_but_no_senior_students(login, bureau, township_a):
    school = SchoolFactory(township=township_a, code="1301230005", school_type="九年一贯制学校")
    ConditionsFactory(school=school, year=2025)
    c = login(bureau)
    assert c.post(edit_url(school), {**VALID, "junior_students": "150"}).status_code == 302
    response = c.post(edit_url(school), {**VALID, "senior_students": "10"})
    assert "没有高中学段" in response.content.decode()


def test_the_service_records_nothing_when_nothing_changed(bureau, conditions):
    conditions_update(user=bureau, conditions=conditions, data={"primary_students": 400})
    assert not AuditEntry.objects.exists()


def test_the_service_reads_old_values_from_the_database(bureau, conditions):
    conditions.primary_students = 999  # as a bound ModelForm leaves the instance
    conditions_update(user=bureau, conditions=conditions, data={"primary_students": 999})
    assert AuditEntry.objects.get().changes["primary_students"] == [400, 999]


@pytest.mark.parametrize("who", ["inspector", "township_official"])
def test_the_service_refuses_readers(request, who, conditions):
    with pytest.raises(PermissionDenied):
        conditions_update(user=request.getfixturevalue(who), conditions=conditions, data={"books": 1})
    with pytest.raises(PermissionDenied):
        conditions_create(user=request.getfixturevalue(who), school=conditions.school, year=2026, data={})


def test_room_areas_are_edited_as_text_and_audited(login, bureau, conditions):
    data = {**VALID, "music_rooms": "2", "music_room_areas": "96；88.5", "art_room_areas": "90"}
    response = login(bureau).post(edit_url(conditions.school), data)
    assert response.status_code == 302
    conditions.refresh_from_db()
    assert conditions.music_room_areas == ["96.00", "88.50"] and conditions.art_room_areas == ["90.00"]
    assert AuditEntry.objects.get().changes["music_room_areas"] == [[], ["96.00", "88.50"]]
    form = login(bureau).get(edit_url(conditions.school)).content.decode()
    assert 'value="96；88.5"' in form


def test_room_areas_that_do_not_match_the_count_are_refused(login, bureau, conditions):
    response = login(bureau).post(edit_url(conditions.school), {**VALID, "art_room_areas": "90；92"})
    assert response.status_code == 200
    assert "填写了 2 间教室的面积，与美术专用教室数（1）不一致" in response.content.decode()
    conditions.refresh_from_db()
    assert conditions.art_room_areas == []


def test_the_school_page_shows_each_room_area_and_marks_the_small_ones(login, bureau, conditions):
    conditions.music_rooms, conditions.music_room_areas = 2, ["96.00", "95.99"]
    conditions.save()
    page = login(bureau).get(f"/schools/{conditions.school.code}/").content.decode()
    assert "96.00" in page and "95.99（不足）" in page
