"""Template downloads and exports: the template's layout, scoped, and re-importable."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from schools.models import School, SchoolClass, SchoolConditions, Teacher
from tests.factories import ClassFactory, ConditionsFactory, SchoolFactory, TeacherFactory
from tests.schools_import.helpers import (
    CLASS_HEADERS,
    CONDITIONS_HEADERS,
    HEADERS,
    SCHOOL_HEADERS,
    TEACHER_HEADERS,
    VALID_ID,
)

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def rows_of(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


# --- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["schools", "conditions", "teachers", "classes"])
def test_each_template_has_the_contract_headers_and_instructions(login, bureau, kind):
    wb = workbook(login(bureau).get(reverse("schools:import_template", args=[kind])))
    assert wb.sheetnames[1] == "填写说明"
    assert rows_of(wb.worksheets[0]) == [HEADERS[kind]]
    described = [r[0] for r in rows_of(wb["填写说明"])[1 : len(HEADERS[kind]) + 1]]
    assert described == HEADERS[kind]


def test_teacher_template_lists_allowed_values_and_requirements(login, bureau):
    wb = workbook(login(bureau).get(reverse("schools:import_template", args=["teachers"])))
    info = {r[0]: r for r in rows_of(wb["填写说明"])[1:]}
    assert info["最高学历"][1] == "是" and info["最高学历"][2] == "研究生、本科、专科、中专、高中及以下"
    assert info["骨干教师级别"][1] == "否（空白为 无）"
    assert "语文" in info["主要任教学科"][2] and "综合实践" in info["主要任教学科"][2]
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in wb.worksheets[0].data_validations.dataValidation}
    assert lists["H"] == '"研究生,本科,专科,中专,高中及以下"'
    assert lists["G"] == '"是,否"'


def test_schools_template_explains_the_teaching_point_rule(login, bureau):
    wb = workbook(login(bureau).get(reverse("schools:import_template", args=["schools"])))
    info = {r[0]: r for r in rows_of(wb["填写说明"])[1:]}
    assert info["所属中心校标识码"][1] == "教学点必填"
    assert info["办学类型"][2] == "小学、初中、九年一贯制学校、十二年一贯制学校、完全中学、教学点"
    assert info["学校标识码"][2] == "10 位数字"


def test_a_filled_template_imports(login, bureau, run_import):
    wb = workbook(login(bureau).get(reverse("schools:import_template", args=["schools"])))
    sheet = wb.worksheets[0]
    sheet.append(["1301230101", "新区小学", "130123", "滨河县", "城关镇", "小学", "城区", "公办", None, "否"])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = run_import("schools", None, user=bureau, data=buf.getvalue())
    assert outcome.ok, outcome.errors
    assert School.objects.filter(code="1301230101").exists()


def test_unknown_template_kind_is_404(login, bureau):
    assert login(bureau).get(reverse("schools:import_template", args=["pupils"])).status_code == 404


# --- exports --------------------------------------------------------------------------------


@pytest.fixture
def county_data(school_a, school_b, other_school):
    point = SchoolFactory(
        township=school_a.township,
        code="1301230009",
        name="柳庄教学点",
        school_type="教学点",
        parent=school_a,
        boarding=True,
    )
    for school in (school_a, school_b, other_school):
        ConditionsFactory(
            school=school,
            year=2025,
            music_rooms=1,
            art_rooms=2,
            building_area="2200.55",
            music_room_areas=["96.00"],
            art_room_areas=["90.00", "88.50"],
            full_time_teachers=30,
        )
        ConditionsFactory(school=school, year=2024)
        TeacherFactory(school=school, year=2025, id_number=VALID_ID)
        ClassFactory(school=school, year=2025)
    TeacherFactory(school=school_a, year=2024)
    return point


def test_export_of_schools_has_the_template_layout_and_is_scoped(login, bureau, county_data):
    wb = workbook(login(bureau).get(reverse("schools:export", args=["schools"])))
    rows = rows_of(wb.worksheets[0])
    assert rows[0] == SCHOOL_HEADERS
    codes = [r[0] for r in rows[1:]]
    assert codes == ["1301230001", "1301230002", "1301230009"]
    point = rows[3]
    assert point[5:] == ["教学点", "乡村", "公办", "1301230001", "是"]
    assert point[2:5] == ["130123", "滨河县", "城关镇"]


def test_export_of_a_yearly_table_takes_the_year(login, bureau, county_data):
    url = reverse("schools:export", args=["teachers"])
    assert len(rows_of(workbook(login(bureau).get(url + "?year=2024")).worksheets[0])) == 2
    rows = rows_of(workbook(login(bureau).get(url)).worksheets[0])  # newest year by default
    assert rows[0] == TEACHER_HEADERS and len(rows) == 3 and {r[0] for r in rows[1:]} == {2025}


def test_conditions_export_keeps_numbers_as_numbers(login, bureau, county_data):
    rows = rows_of(
        workbook(login(bureau).get(reverse("schools:export", args=["conditions"]) + "?year=2025")).worksheets[
            0
        ]
    )
    assert rows[0] == CONDITIONS_HEADERS
    assert rows[1][2] == 400 and rows[1][5] == 2200.55
    # Room areas are the cell text the import reads: one area per room, "；" between rooms.
    assert rows[1][13:15] == ["96", "90；88.5"]
    assert rows[1][15] == 30


def test_inspectors_export_masked_id_numbers(login, inspector, county_data):
    rows = rows_of(workbook(login(inspector).get(reverse("schools:export", args=["teachers"]))).worksheets[0])
    assert {r[4] for r in rows[1:]} == {"110105********002X"}


def test_bureau_exports_full_id_numbers_and_the_export_is_audited(login, bureau, county_data):
    rows = rows_of(workbook(login(bureau).get(reverse("schools:export", args=["teachers"]))).worksheets[0])
    assert {r[4] for r in rows[1:]} == {VALID_ID}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == bureau and "导出教师 2025学年" in entry.object_repr


def test_township_official_exports_own_township_only(login, township_official, county_data):
    rows = rows_of(
        workbook(login(township_official).get(reverse("schools:export", args=["classes"]))).worksheets[0]
    )
    assert rows[0] == CLASS_HEADERS
    assert [r[1] for r in rows[1:]] == ["1301230001"]


def test_a_bad_year_is_404(login, bureau, county_data):
    assert login(bureau).get(reverse("schools:export", args=["classes"]) + "?year=abc").status_code == 404


@pytest.mark.parametrize("kind", ["schools", "conditions", "teachers", "classes"])
def test_an_export_re_imports_cleanly_without_changes(login, bureau, county_data, run_import, snapshot, kind):
    response = login(bureau).get(
        reverse("schools:export", args=[kind]) + ("" if kind == "schools" else "?year=2025")
    )
    before = snapshot()
    outcome = run_import(kind, None, user=bureau, data=response.content)
    assert outcome.ok, outcome.errors
    expected = {"schools": 3, "conditions": 2, "teachers": 2, "classes": 2}[kind]
    assert (outcome.created, outcome.updated) == (0, expected)
    assert snapshot() == before


def test_counts_stay_the_same_after_the_round_trip(login, bureau, county_data, run_import):
    for kind, model in (("teachers", Teacher), ("classes", SchoolClass), ("conditions", SchoolConditions)):
        count = model.objects.count()
        response = login(bureau).get(reverse("schools:export", args=[kind]) + "?year=2025")
        run_import(kind, None, user=bureau, data=response.content)
        assert model.objects.count() == count
