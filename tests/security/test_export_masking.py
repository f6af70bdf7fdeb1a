"""Exports follow the pages' rules: a teacher's name and full ID number go only to those who
see them on the school page (bureau staff, the school's own reporter) — issue 15, finding 3."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from schools.idcard import mask_id_number
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

ID_A = "11010519491231002X"
ID_B = "130123198001010011"


@pytest.fixture
def teachers(school_a, school_b):
    return [
        TeacherFactory(school=school_a, year=2025, name="张老师", id_number=ID_A),
        TeacherFactory(school=school_b, year=2025, name="李老师", id_number=ID_B),
    ]


def exported(client):
    response = client.get(reverse("schools:export", args=["teachers"]), {"year": 2025})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    name, id_number = header.index("姓名"), header.index("身份证号")
    return {(r[name] or "", r[id_number] or "") for r in rows[1:]}


def test_township_official_exports_teachers_without_names_or_full_id_numbers(
    login, township_official, teachers
):
    assert exported(login(township_official)) == {("", mask_id_number(ID_A))}


def test_inspector_exports_teachers_without_names(login, inspector, teachers):
    assert exported(login(inspector)) == {("", mask_id_number(ID_A)), ("", mask_id_number(ID_B))}


@pytest.mark.parametrize("persona", ["city_reviewer", "province_reviewer"])
def test_city_and_province_reviewers_export_teachers_without_names(
    persona, request, login, acting, county, teachers
):
    client = acting(login(request.getfixturevalue(persona)), county)
    assert exported(client) == {("", mask_id_number(ID_A)), ("", mask_id_number(ID_B))}


def test_school_reporter_exports_own_teachers_in_full(login, reporter, teachers):
    assert exported(login(reporter)) == {("张老师", ID_A)}


def test_bureau_exports_names_and_full_id_numbers_for_re_import(login, bureau, teachers):
    assert exported(login(bureau)) == {("张老师", ID_A), ("李老师", ID_B)}


def test_exported_names_match_what_the_school_page_shows(
    login, township_official, reporter, teachers, school_a
):
    """The same rule on both: the page that hides names from a role is matched by its export."""
    for user in (township_official, reporter):
        page = (
            login(user).get(reverse("schools:detail", args=[school_a.code]), {"year": 2025}).content.decode()
        )
        names_in_export = {name for name, _ in exported(login(user)) if name}
        assert ("张老师" in page) == ("张老师" in names_in_export)
