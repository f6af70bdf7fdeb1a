"""Bad input refuses the whole file, names row, column and reason in Chinese, and changes nothing."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from schools.models import ImportRecord
from tests.factories import UserFactory
from tests.schools_import.helpers import TEACHER_HEADERS, build_xlsx

pytestmark = pytest.mark.django_db


def has_error(outcome, row, column, text):
    return any(r == row and c == column and text in m for r, c, m in outcome.errors)


@pytest.fixture
def refused(run_import, snapshot, records):
    """refused(kind, rows, **kw) -> outcome, after checking nothing changed and the refusal is recorded."""

    def check(kind, rows, **kwargs):
        before = snapshot()
        outcome = run_import(kind, rows, **kwargs)
        assert not outcome.ok
        assert outcome.errors
        assert (outcome.created, outcome.updated) == (0, 0)
        assert snapshot() == before
        assert records.last().status == ImportRecord.Status.REFUSED
        assert [list(e) for e in outcome.errors] == records.last().errors
        return outcome

    return check


# --- the file itself ------------------------------------------------------------------------


def test_a_pdf_named_xlsx_is_refused_by_its_content(refused, bureau):
    outcome = refused("teachers", None, user=bureau, data=b"%PDF-1.7\n...", name="教师.xlsx")
    assert has_error(outcome, None, "文件", "文件类型不被接受")


def test_a_csv_is_refused(refused, bureau):
    outcome = refused(
        "teachers", None, user=bureau, data="学年,学校标识码\n2025,1301230001\n".encode(), name="教师.xlsx"
    )
    assert has_error(outcome, None, "文件", "Excel")


def test_a_zip_that_is_not_a_workbook_is_refused(refused, bureau):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    outcome = refused("teachers", None, user=bureau, data=buf.getvalue())
    assert has_error(outcome, None, "文件", "文件类型不被接受")


def test_a_broken_workbook_is_refused_without_crashing(refused, bureau):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not-a-workbook")
    outcome = refused("teachers", None, user=bureau, data=buf.getvalue())
    assert has_error(outcome, None, "文件", "无法读取")


def test_an_oversized_file_is_refused_before_parsing(
    refused, bureau, settings, monkeypatch, teacher_row, school_a
):
    settings.UPLOAD_MAX_BYTES = 1024

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr("schools.importing.load_workbook", must_not_parse)
    big = build_xlsx(TEACHER_HEADERS, [teacher_row(教师编号=f"T{n}") for n in range(200)])
    assert len(big) > 1024
    outcome = refused("teachers", None, user=bureau, data=big)
    assert has_error(outcome, None, "文件", "文件过大")


def test_a_missing_required_column_is_named(refused, bureau, school_a, make_xlsx):
    headers = ["学年", "学校标识码", "学段", "班级名称", "学生数"]
    outcome = refused(
        "classes", None, user=bureau, data=make_xlsx(headers, [[2025, "1301230001", "小学", "1班", 40]])
    )
    assert has_error(outcome, 1, "年级", "缺少必填列")


def test_a_classes_file_uploaded_as_schools_names_the_likely_kind(refused, bureau, school_a, make_xlsx):
    headers = ["学年", "学校标识码", "学段", "年级", "班级名称", "学生数"]
    outcome = refused(
        "schools", None, user=bureau, data=make_xlsx(headers, [[2025, "1301230001", "小学", 1, "1班", 40]])
    )
    assert has_error(outcome, 1, "文件", "可能选错了数据类型：请选择“班级”")


def test_a_file_of_no_known_kind_gets_no_kind_hint(refused, bureau, school_a, make_xlsx):
    outcome = refused("classes", None, user=bureau, data=make_xlsx(["姓名", "电话"], [["张三", "123"]]))
    assert not has_error(outcome, 1, "文件", "可能选错了数据类型")


def test_a_repeated_header_is_an_error(refused, bureau, school_a, make_xlsx):
    headers = ["学年", "学校标识码", "学段", "年级", "年级", "班级名称", "学生数"]
    outcome = refused(
        "classes", None, user=bureau, data=make_xlsx(headers, [[2025, "1301230001", "小学", 1, 1, "1班", 40]])
    )
    assert has_error(outcome, 1, "年级", "表头重复")


# --- cells ----------------------------------------------------------------------------------


def test_non_numeric_and_negative_numbers_are_listed_with_row_and_column(
    refused, bureau, school_a, school_b, conditions_row
):
    rows = [conditions_row(), conditions_row(学校标识码=school_b.code, 小学在校生数="约四百", 图书册数=-3)]
    outcome = refused("conditions", rows, user=bureau)
    assert has_error(outcome, 3, "小学在校生数", "应为数字")
    assert has_error(outcome, 3, "图书册数", "不能为负数")


def test_a_school_code_that_is_not_10_digits_is_refused(refused, bureau, school_row):
    outcome = refused("schools", [school_row(), school_row(学校标识码="13012301")], user=bureau)
    assert has_error(outcome, 3, "学校标识码", "应为 10 位数字")


def test_an_unknown_township_of_a_county_with_registered_townships_is_refused(
    refused, bureau, township_a, township_b, school_row
):
    outcome = refused("schools", [school_row(乡镇名称="城关真")], user=bureau)
    assert has_error(outcome, 2, "乡镇名称", "未知乡镇“城关真”")
    assert has_error(outcome, 2, "乡镇名称", "城关镇、河口乡")


def test_a_county_code_that_is_not_6_digits_is_refused(refused, bureau, school_row):
    outcome = refused("schools", [school_row(区县代码="13012")], user=bureau)
    assert has_error(outcome, 2, "区县代码", "应为 6 位数字")


def test_an_invalid_choice_lists_the_allowed_values(refused, bureau, school_a, teacher_row):
    outcome = refused("teachers", [teacher_row(), teacher_row(教师编号="T2", 最高学历="大专")], user=bureau)
    assert has_error(outcome, 3, "最高学历", "“大专”不是有效值，应为：研究生、本科、专科、中专、高中及以下")


def test_a_wrong_id_check_digit_is_refused(refused, bureau, school_a, teacher_row):
    outcome = refused("teachers", [teacher_row(身份证号="110105194912310021")], user=bureau)
    assert has_error(outcome, 2, "身份证号", "末位校验码应为 X，实际为 1")


def test_a_grade_outside_its_stage_is_refused(refused, bureau, school_a, class_row):
    outcome = refused("classes", [class_row(学段="初中", 年级=3)], user=bureau)
    assert has_error(outcome, 2, "年级", "初中应为 7–9 年级")


def test_an_implausible_school_year_is_refused(refused, bureau, school_a, class_row):
    outcome = refused("classes", [class_row(学年=1925)], user=bureau)
    assert has_error(outcome, 2, "学年", "学年应为 2000–")


def test_every_error_of_the_file_is_listed_in_row_order(refused, bureau, school_a, class_row):
    rows = [
        class_row(学生数=-1),
        class_row(班级名称="2班", 学段="高中"),
        class_row(班级名称="3班", 学校标识码="123"),
    ]
    outcome = refused("classes", rows, user=bureau)
    assert [(r, c) for r, c, _ in outcome.errors] == [(2, "学生数"), (3, "学段"), (4, "学校标识码")]


# --- rows against the data ------------------------------------------------------------------


def test_an_unknown_school_code_is_refused(refused, bureau, school_a, teacher_row):
    outcome = refused("teachers", [teacher_row(), teacher_row(学校标识码="1301239999")], user=bureau)
    assert has_error(outcome, 3, "学校标识码", "学校标识码 1301239999 不存在或不属于本区县")


def test_duplicate_keys_within_one_file_are_refused(refused, bureau, school_a, teacher_row):
    outcome = refused("teachers", [teacher_row(), teacher_row(姓名="另一人")], user=bureau)
    assert has_error(outcome, 3, "教师编号", "与第 2 行重复")


def test_duplicate_school_codes_within_one_file_are_refused(refused, bureau, school_row):
    outcome = refused("schools", [school_row(), school_row(学校名称="重名")], user=bureau)
    assert has_error(outcome, 3, "学校标识码", "与第 2 行重复")


def test_a_teaching_point_without_a_centre_school_is_refused(refused, bureau, school_row):
    outcome = refused("schools", [school_row(办学类型="教学点")], user=bureau)
    assert has_error(outcome, 2, "所属中心校标识码", "教学点必须填写所属中心校标识码")


def test_a_teaching_point_with_an_unknown_centre_school_is_refused(refused, bureau, school_row):
    outcome = refused("schools", [school_row(办学类型="教学点", 所属中心校标识码="1301239999")], user=bureau)
    assert has_error(outcome, 2, "所属中心校标识码", "所属中心校 1301239999 不存在")


def test_a_teaching_point_cannot_hang_under_another_teaching_point(refused, bureau, school_a, school_row):
    rows = [
        school_row(办学类型="教学点", 所属中心校标识码=school_a.code),
        school_row(学校标识码="1301230102", 办学类型="教学点", 所属中心校标识码="1301230101"),
    ]
    outcome = refused("schools", rows, user=bureau)
    assert has_error(outcome, 3, "所属中心校标识码", "是教学点")


def test_a_centre_school_code_is_only_for_teaching_points(refused, bureau, school_a, school_row):
    outcome = refused("schools", [school_row(所属中心校标识码=school_a.code)], user=bureau)
    assert has_error(outcome, 2, "所属中心校标识码", "只有教学点填写")


def test_a_county_name_that_contradicts_the_code_is_refused(refused, bureau, school_row):
    outcome = refused("schools", [school_row(区县名称="滨海县")], user=bureau)
    assert has_error(outcome, 2, "区县名称", "滨河县")


# --- scope ----------------------------------------------------------------------------------


def test_bureau_staff_cannot_import_schools_of_another_county(refused, bureau, other_county, school_row):
    outcome = refused(
        "schools",
        [school_row(), school_row(学校标识码="1301240009", 区县代码="130124", 区县名称="山前县")],
        user=bureau,
    )
    assert has_error(outcome, 3, "区县代码", "只能导入本区县（滨河县 130123）的学校")


def test_bureau_staff_cannot_take_over_a_school_code_of_another_county(
    refused, bureau, other_school, school_row
):
    outcome = refused("schools", [school_row(学校标识码=other_school.code)], user=bureau)
    assert has_error(outcome, 2, "学校标识码", "已属于其他区县")


def test_bureau_staff_cannot_import_rows_of_another_countys_school(
    refused, bureau, school_a, other_school, teacher_row
):
    outcome = refused("teachers", [teacher_row(), teacher_row(学校标识码=other_school.code)], user=bureau)
    assert has_error(outcome, 3, "学校标识码", "不存在或不属于本区县（滨河县）")


def test_a_reporter_cannot_import_rows_of_another_school(refused, reporter, school_a, school_b, class_row):
    outcome = refused("classes", [class_row(), class_row(学校标识码=school_b.code)], user=reporter)
    assert has_error(outcome, 3, "学校标识码", "只能导入本校（1301230001 城关小学）的数据")


@pytest.mark.parametrize(
    ("persona", "kind"),
    [
        ("township_official", "classes"),
        ("inspector", "classes"),
        ("reporter", "schools"),
    ],
)
def test_the_service_refuses_roles_that_may_not_import(request, run_import, persona, kind, class_row):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        run_import(kind, [class_row()], user=user)
    assert not ImportRecord.objects.exists()


def test_a_bureau_account_without_a_county_cannot_import(run_import, school_row):
    user = UserFactory(username="lost", role=Role.BUREAU, county=None)
    with pytest.raises(PermissionDenied):
        run_import("schools", [school_row()], user=user)


def test_a_database_failure_while_writing_rolls_everything_back(
    refused, bureau, school_a, teacher_row, monkeypatch
):
    from django.db import IntegrityError
    from django.db.models.query import QuerySet

    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(QuerySet, "bulk_create", fail)
    outcome = refused("teachers", [teacher_row()], user=bureau)
    assert has_error(outcome, None, "文件", "写入数据库失败：simulated")


def test_a_failing_school_row_rolls_back_the_townships_it_created(refused, bureau, school_row, monkeypatch):
    from django.db import IntegrityError

    from schools.models import School

    def fail(self, *args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(School, "save", fail)
    outcome = refused("schools", [school_row(乡镇名称="新设镇")], user=bureau)
    assert has_error(outcome, 2, "", "写入失败：simulated")


def test_the_template_says_what_the_importer_does_with_a_new_township():
    from schools.columns import SCHOOLS

    note = SCHOOLS.column("乡镇名称").note
    assert "自动建立" not in note and "系统管理员" in note
