"""Ledger (台账) and cohort imports: all or nothing, errors as (row, column, reason in Chinese)."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import AuditEntry
from dropout_control.importing import COHORTS, LEDGER, read_cohorts, read_ledger
from dropout_control.models import CohortFigure, DropoutCase
from dropout_control.services import COHORT_FIELDS, cases_import, cohorts_import
from tests.dropout_control.casedata import make_id

pytestmark = pytest.mark.django_db

HEADERS = (
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "户籍地址",
    "乡镇",
    "学校标识码",
    "年级",
    "缺课起始日期",
    "监护人姓名",
    "与学生关系",
    "辍学原因",
    "留守儿童",
    "残疾类型",
)


def row(**kw):
    values = {
        "姓名": "王小二",
        "性别": "男",
        "出生日期": date(2012, 3, 5),
        "身份证号": make_id(),
        "户籍地址": "城关镇东村 1 号",
        "乡镇": "城关镇",
        "学校标识码": "1301230001",
        "年级": 7,
        "缺课起始日期": date.today().replace(day=1),
        "监护人姓名": "王大",
        "与学生关系": "父亲",
        "辍学原因": "外出务工",
        "留守儿童": "是",
        "残疾类型": "无",
    }
    values.update(kw)
    return [values.get(h) for h in HEADERS]


def xlsx(rows, headers=HEADERS, name="台账.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def test_a_clean_file_creates_suspected_cases(bureau, school_a, township_b):
    rows, errors = read_ledger(
        xlsx([row(), row(姓名="李四", 乡镇="河口乡", 学校标识码=None, 性别="男")]), bureau
    )
    assert errors == []
    cases = cases_import(user=bureau, rows=rows, file_name="台账.xlsx")
    assert [c.status for c in cases] == ["suspected", "suspected"]
    first = DropoutCase.objects.get(name="王小二")
    assert (first.school, first.left_behind, first.reason, first.sex) == (school_a, True, "work", "male")
    assert DropoutCase.objects.get(name="李四").township == township_b
    assert AuditEntry.objects.filter(action="import").count() == 1
    assert AuditEntry.objects.filter(action="create").count() == 2


def test_one_bad_row_rejects_the_whole_file_with_row_column_and_reason(bureau, school_a):
    good = make_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")  # the same number with a wrong check character
    _rows, errors = read_ledger(xlsx([row(), row(身份证号=bad)]), bureau)
    assert len(errors) == 1
    (rownum, column, reason) = errors[0]
    assert (rownum, column) == (3, "身份证号") and "校验" in reason
    assert not DropoutCase.objects.exists()


def test_every_error_is_listed(bureau, school_a):
    _rows, errors = read_ledger(
        xlsx(
            [
                row(性别="未知"),
                row(乡镇="火星乡"),
                row(年级=12),
                row(缺课起始日期="昨天"),
                row(辍学原因=None),
            ]
        ),
        bureau,
    )
    assert [(r, c) for r, c, _ in errors] == [
        (2, "性别"),
        (3, "乡镇"),
        (4, "年级"),
        (5, "缺课起始日期"),
        (6, "辍学原因"),
    ]
    assert errors[0][2].startswith("“未知”不是有效值")
    assert errors[4][2] == "必填项为空"


def test_a_missing_required_column_is_reported_on_row_one(bureau):
    headers = tuple(h for h in HEADERS if h != "身份证号")
    _rows, errors = read_ledger(xlsx([row()[:3] + row()[4:]], headers=headers), bureau)
    assert errors == [(1, "身份证号", "缺少必填列")]


def test_an_id_with_an_open_case_is_refused_with_the_existing_number(bureau, case_a):
    _rows, errors = read_ledger(xlsx([row(身份证号=case_a.id_number)]), bureau)
    assert errors[0][0:2] == (2, "身份证号") and case_a.number in errors[0][2]


def test_the_same_child_twice_in_one_file_is_refused(bureau, school_a):
    number = make_id()
    _rows, errors = read_ledger(xlsx([row(身份证号=number), row(身份证号=number)]), bureau)
    assert errors == [(3, "身份证号", "与第 2 行的身份证号重复")]


def test_a_township_official_imports_only_their_township(township_official, township_b, school_a):
    _rows, errors = read_ledger(xlsx([row(乡镇="河口乡", 学校标识码=None)]), township_official)
    assert errors[0][1] == "乡镇"
    rows, errors = read_ledger(xlsx([row(乡镇=None)]), township_official)
    assert errors == [] and rows[0]["township"] == township_official.township


def test_a_reporter_imports_only_their_school(reporter, school_a, school_b):
    _rows, errors = read_ledger(xlsx([row(学校标识码="1301230002", 乡镇="河口乡")]), reporter)
    assert errors and errors[0][1] == "学校标识码"


def test_a_file_that_is_not_xlsx_is_refused(bureau):
    _rows, errors = read_ledger(SimpleUploadedFile("台账.xlsx", b"%PDF-1.4 not a workbook"), bureau)
    assert errors[0][0] is None and "文件类型不被接受" in errors[0][2]


def test_the_import_page_shows_the_error_report_and_writes_nothing(login, bureau, school_a):
    response = login(bureau).post(
        reverse("dropout_control:ledger_import"), {"file": xlsx([row(), row(性别="X")])}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "未导入任何数据" in body and "性别" in body
    assert not DropoutCase.objects.exists()


def test_the_import_page_imports_a_clean_file(login, township_official, school_a):
    response = login(township_official).post(
        reverse("dropout_control:ledger_import"), {"file": xlsx([row()])}
    )
    assert response.status_code == 302 and DropoutCase.objects.count() == 1


def test_the_template_has_the_import_headers_and_instructions(login, bureau):
    response = login(bureau).get(reverse("dropout_control:ledger_template"))
    workbook = load_workbook(BytesIO(response.content))
    assert tuple(c.value for c in workbook.worksheets[0][1]) == LEDGER.headers
    assert workbook.worksheets[1].title == "填写说明"


def test_an_exported_ledger_reads_back_after_its_cases_are_closed(
    login, bureau, township_official, case_a, school_a
):
    from django.utils import timezone

    from dropout_control import services

    exported = login(bureau).get(reverse("dropout_control:ledger_export")).content
    services.case_request_close(
        user=township_official,
        case=case_a,
        outcome="returned",
        outcome_school=school_a,
        outcome_date=timezone.localdate(),
    )
    services.case_close(user=bureau, case=case_a)
    rows, errors = read_ledger(SimpleUploadedFile("导出.xlsx", exported), bureau)
    assert errors == []
    assert rows[0]["id_number"] == case_a.id_number and rows[0]["name"] == case_a.name


# --- cohort figures -------------------------------------------------------------------------------


def cohort_file(rows):
    return xlsx(rows, headers=COHORTS.headers, name="巩固率.xlsx")


def test_cohort_import_creates_then_updates(bureau, school_a):
    rows, errors = read_cohorts(cohort_file([[2025, "1301230001", 100, 0, 0, None, None, None]]), bureau)
    assert errors == []
    assert cohorts_import(user=bureau, rows=rows) == (1, 0)
    rows, _ = read_cohorts(cohort_file([[2025, "1301230001", 120, 0, 0, 0, 0, 0]]), bureau)
    assert cohorts_import(user=bureau, rows=rows) == (0, 1)
    assert CohortFigure.objects.get().grade1_entrants == 120


def test_cohort_import_is_all_or_nothing(bureau, school_a, other_school):
    _rows, errors = read_cohorts(
        cohort_file(
            [
                [2025, "1301230001", 100, 0, 0, 0, 0, 0],
                [2025, "1301240001", 100, 0, 0, 0, 0, 0],
                [1800, "1301230001", -1, 0, 0, 0, 0, 0],
            ]
        ),
        bureau,
    )
    assert [(r, c) for r, c, _ in errors] == [(3, "学校标识码"), (4, "年份"), (4, "小学一年级入学人数")]
    assert not CohortFigure.objects.exists()


def test_cohort_columns_match_the_service_fields():
    assert tuple(c.attribute for c in COHORTS.columns[2:]) == COHORT_FIELDS
