"""Each template imports, and importing the same keys again updates instead of duplicating."""

from decimal import Decimal

import pytest

from accounts.models import AuditEntry
from schools.models import ImportRecord, School, SchoolClass, SchoolConditions, Teacher, Township
from tests.schools_import.helpers import CLASS_HEADERS, VALID_ID

pytestmark = pytest.mark.django_db


def test_schools_template_creates_schools_townships_and_a_teaching_point(run_import, bureau, school_row):
    rows = [
        school_row(),
        school_row(
            学校标识码="1301230102",
            学校名称="柳庄教学点",
            乡镇名称="柳庄乡",
            办学类型="教学点",
            城乡类型="乡村",
            所属中心校标识码="1301230101",
            是否寄宿制=None,
            举办者=None,
        ),
        school_row(
            学校标识码="1301230103",
            学校名称="育英学校",
            办学类型="九年一贯制学校",
            举办者="民办",
            是否寄宿制="是",
        ),
    ]
    outcome = run_import("schools", rows, user=bureau)
    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated, outcome.rows) == (3, 0, 3)
    point = School.objects.get(code="1301230102")
    assert point.parent.code == "1301230101"
    assert point.township.name == "柳庄乡" and point.county == bureau.county
    assert point.sponsor == "公办" and point.boarding is False
    private = School.objects.get(code="1301230103")
    assert (private.sponsor, private.boarding, private.school_type) == ("民办", True, "九年一贯制学校")
    assert Township.objects.filter(county=bureau.county, name="柳庄乡").count() == 1


def test_a_countys_first_file_registers_its_townships_in_file_order(run_import, bureau, school_row):
    rows = [
        school_row(学校标识码=f"13012301{n:02d}", 乡镇名称=name)
        for n, name in enumerate(["城关镇", "柳庄乡", "城关镇", "北坡乡", "东城街道"], start=1)
    ]
    assert run_import("schools", rows, user=bureau).ok
    assert [t.name for t in Township.objects.filter(county=bureau.county)] == [
        "城关镇",
        "柳庄乡",
        "北坡乡",
        "东城街道",
    ]


def test_a_teaching_point_may_come_before_its_centre_school_in_the_file(run_import, bureau, school_row):
    rows = [
        school_row(学校标识码="1301230102", 办学类型="教学点", 所属中心校标识码="1301230101"),
        school_row(学校标识码="1301230101"),
    ]
    outcome = run_import("schools", rows, user=bureau)
    assert outcome.ok, outcome.errors
    assert School.objects.get(code="1301230102").parent.code == "1301230101"


def test_a_teaching_point_may_name_a_centre_school_already_in_the_system(
    run_import, bureau, school_a, school_row
):
    outcome = run_import(
        "schools", [school_row(办学类型="教学点", 所属中心校标识码=school_a.code)], user=bureau
    )
    assert outcome.ok, outcome.errors
    assert School.objects.get(code="1301230101").parent == school_a


def test_conditions_template_imports_numbers_with_blank_optionals_as_zero(
    run_import, bureau, school_a, conditions_row
):
    outcome = run_import("conditions", [conditions_row()], user=bureau)
    assert outcome.ok, outcome.errors
    c = SchoolConditions.objects.get(school=school_a, year=2025)
    assert (c.primary_students, c.senior_students, c.music_rooms, c.art_rooms) == (480, 0, 1, 0)
    assert c.building_area == Decimal("2650.50")
    assert c.equipment_value == Decimal("1250000")


def test_the_full_time_teacher_count_is_optional_and_blank_means_not_reported(
    run_import, bureau, school_a, school_b, conditions_row
):
    rows = [conditions_row(专任教师数=36), conditions_row(学校标识码=school_b.code)]
    outcome = run_import("conditions", rows, user=bureau)
    assert outcome.ok, outcome.errors
    counts = dict(SchoolConditions.objects.values_list("school__code", "full_time_teachers"))
    assert counts == {school_a.code: 36, school_b.code: None}


def test_teachers_template_imports_the_roster(run_import, bureau, school_a, teacher_row):
    rows = [
        teacher_row(),
        teacher_row(
            教师编号="T002",
            姓名="李强",
            身份证号=None,
            任教学段="初中",
            是否专任教师="否",
            骨干教师级别=None,
            主要任教学科="体育",
        ),
    ]
    outcome = run_import("teachers", rows, user=bureau)
    assert outcome.ok, outcome.errors
    zhang, li = Teacher.objects.filter(school=school_a, year=2025).order_by("staff_no")
    assert (zhang.name, zhang.id_number, zhang.full_time, zhang.backbone) == ("张敏", VALID_ID, True, "县级")
    assert (li.id_number, li.stage, li.full_time, li.backbone, li.subject) == (
        "",
        "初中",
        False,
        "无",
        "体育",
    )


def test_classes_template_imports_classes(run_import, bureau, school_a, class_row):
    rows = [class_row(), class_row(学段="初中", 年级=7, 班级名称="七年级1班", 学生数=56)]
    outcome = run_import("classes", rows, user=bureau)
    assert outcome.ok, outcome.errors
    assert SchoolClass.objects.get(school=school_a, name="七年级1班").students == 56


def test_column_order_is_free_unknown_columns_are_ignored_and_empty_rows_skipped(
    run_import, bureau, school_a, make_xlsx
):
    headers = ["  学生数 ", "备注", "班级名称", "年级", "学段", "学校标识码", "学年"]
    rows = [
        [40, "随便写", "一年级1班", 1, "小学", "1301230001", 2025],
        [None, None, None, None, None, None, None],
        [None, "只有备注的行", None, None, None, None, None],
        [38, None, "一年级2班", 1, "小学", "1301230001", 2025],
    ]
    outcome = run_import("classes", None, user=bureau, data=make_xlsx(headers, rows))
    assert outcome.ok, outcome.errors
    assert outcome.rows == 2
    assert set(SchoolClass.objects.values_list("name", "students")) == {("一年级1班", 40), ("一年级2班", 38)}


def test_school_codes_stored_as_numbers_in_excel_are_accepted(run_import, bureau, school_a, make_xlsx):
    data = make_xlsx(CLASS_HEADERS, [[2025, 1301230001, "小学", 1, "一年级1班", 40]])
    outcome = run_import("classes", None, user=bureau, data=data)
    assert outcome.ok, outcome.errors
    assert SchoolClass.objects.get().school == school_a


def test_re_importing_the_same_file_updates_without_duplicates(run_import, bureau, school_a, teacher_row):
    rows = [teacher_row(教师编号=f"T{n:03d}", 身份证号=None) for n in range(5)]
    first = run_import("teachers", rows, user=bureau)
    rows[0]["专业技术职务"] = "高级"
    rows[1]["姓名"] = "改名"
    second = run_import("teachers", rows + [teacher_row(教师编号="T999", 身份证号=None)], user=bureau)
    assert (first.created, first.updated) == (5, 0)
    assert (second.created, second.updated) == (1, 5)
    assert Teacher.objects.count() == 6
    assert Teacher.objects.get(staff_no="T000").title == "高级"
    assert Teacher.objects.get(staff_no="T001").name == "改名"
    assert Teacher.objects.get(staff_no="T002").name == "张敏"


@pytest.mark.parametrize("kind", ["conditions", "classes"])
def test_re_importing_yearly_rows_updates_them(run_import, bureau, school_a, conditions_row, class_row, kind):
    make = {"conditions": conditions_row, "classes": class_row}[kind]
    run_import(kind, [make()], user=bureau)
    changed = make(**({"小学在校生数": 500} if kind == "conditions" else {"学生数": 44}))
    outcome = run_import(kind, [changed], user=bureau)
    assert (outcome.created, outcome.updated) == (0, 1)
    if kind == "conditions":
        assert SchoolConditions.objects.get().primary_students == 500
    else:
        assert SchoolClass.objects.get().students == 44


def test_re_importing_schools_updates_them(run_import, bureau, school_a, school_row):
    row = school_row(学校标识码=school_a.code, 学校名称="城关第一小学", 乡镇名称="城关镇")
    outcome = run_import("schools", [row], user=bureau)
    assert (outcome.created, outcome.updated) == (0, 1)
    assert School.objects.get(code=school_a.code).name == "城关第一小学"
    assert School.objects.count() == 1


def test_a_dry_run_counts_but_writes_nothing(run_import, bureau, school_a, teacher_row, snapshot):
    before = snapshot()
    outcome = run_import("teachers", [teacher_row()], user=bureau, dry_run=True)
    assert outcome.ok and outcome.created == 1
    assert snapshot() == before
    assert outcome.record.status == ImportRecord.Status.PREVIEWED


def test_an_applied_import_is_recorded_and_audited(run_import, bureau, school_a, teacher_row):
    outcome = run_import("teachers", [teacher_row()], user=bureau, name="教师花名册.xlsx")
    record = outcome.record
    assert (record.status, record.user, record.county, record.file_name) == (
        ImportRecord.Status.APPLIED,
        bureau,
        bureau.county,
        "教师花名册.xlsx",
    )
    assert len(record.sha256) == 64 and record.created_count == 1 and record.rows == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.user == bureau and entry.county == bureau.county
    assert "教师：新增 1 条，更新 0 条" in entry.note


def test_the_system_may_import_a_new_county(run_import, school_row):
    row = school_row(区县代码="130125", 区县名称="东湖县", 乡镇名称="东湖镇", 学校标识码="1301250001")
    outcome = run_import("schools", [row], user=None)
    assert outcome.ok, outcome.errors
    school = School.objects.get(code="1301250001")
    assert (school.county.code, school.county.name, school.township.name) == ("130125", "东湖县", "东湖镇")
    assert outcome.record.county == school.county and outcome.record.user is None


def test_an_update_stamps_only_the_rows_that_changed(
    run_import, bureau, school_a, school_b, conditions_row, monkeypatch
):
    from datetime import UTC, datetime

    rows = [conditions_row(), conditions_row(学校标识码=school_b.code)]
    run_import("conditions", rows, user=bureau)
    later = datetime(2030, 1, 1, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    rows[1]["图书册数"] = 16000
    run_import("conditions", rows, user=bureau)
    unchanged, changed = SchoolConditions.objects.order_by("school__code")
    assert changed.books == 16000 and changed.updated_at == later
    assert unchanged.updated_at != later


def test_a_wrong_sheet_dimension_does_not_hide_rows(run_import, bureau, school_a, class_row):
    import io
    import re
    import zipfile

    from tests.schools_import.helpers import build_xlsx

    data = build_xlsx(CLASS_HEADERS, [class_row(班级名称=f"{n}班") for n in range(5)])
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes "<dimension … />" or "<dimension …/>" depending on lxml being there.
                content, replaced = re.subn(
                    rb'<dimension ref="A1:F6"\s*/>', b'<dimension ref="A1"/>', content
                )
                assert replaced == 1
            dst.writestr(item, content)
    outcome = run_import("classes", None, user=bureau, data=out.getvalue())
    assert outcome.ok, outcome.errors
    assert SchoolClass.objects.count() == 5
