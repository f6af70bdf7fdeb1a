"""Workforce imports: all or nothing, errors by row, column and reason, re-import updates."""

from datetime import date, datetime
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from schools.models import Teacher
from tests.factories import TeacherFactory
from workforce.models import ApprovedPosts, ExchangeRecord, TrainingRecord
from workforce.services import workforce_import

pytestmark = pytest.mark.django_db

POSTS_HEADERS = ("学年", "学校标识码", "核定编制数", "备注")
EXCHANGE_HEADERS = (
    "学年",
    "教师编号",
    "姓名",
    "调出学校标识码",
    "调入学校标识码",
    "开始日期",
    "结束日期",
    "是否骨干教师",
)
TRAINING_HEADERS = ("学年", "学校标识码", "教师编号", "培训学时", "是否持有教师资格证")
JOINED_HEADERS = ("学年", "学校标识码", "教师编号", "到本校年份")


def run(kind, data, county, user=None, **kw):
    return workforce_import(kind=kind, data=data, file_name=f"{kind}.xlsx", user=user, county=county, **kw)


# --- approved posts ----------------------------------------------------------------------------------


def test_posts_import_creates_then_updates_without_duplicating(make_xlsx, county, school_a, school_b, bureau):
    data = make_xlsx(POSTS_HEADERS, [(2025, "1301230001", 22, "县编办"), (2025, "1301230002", 11, None)])
    result = run("posts", data, county, bureau)
    assert (result.ok, result.created, result.updated) == (True, 2, 0)
    again = run("posts", make_xlsx(POSTS_HEADERS, [(2025, "1301230001", 23, "")]), county, bureau)
    assert (again.created, again.updated) == (0, 1)
    assert ApprovedPosts.objects.count() == 2
    assert ApprovedPosts.objects.get(school=school_a).posts == 23
    assert AuditEntry.objects.filter(action="import", object_type="workforce.posts").count() == 2


def test_one_bad_row_refuses_the_whole_file_and_names_row_column_and_reason(
    make_xlsx, county, school_a, bureau
):
    data = make_xlsx(
        POSTS_HEADERS,
        [
            (2025, "1301230001", 22, ""),
            (2025, "1301230001", -3, ""),
            (2025, "9999999999", 5, ""),
            (2025, "123", 5, ""),
        ],
    )
    result = run("posts", data, county, bureau)
    assert not result.ok
    assert ApprovedPosts.objects.count() == 0
    assert (3, "核定编制数", "不能为负数，实际为 -3") in result.errors
    assert any(e[0] == 4 and e[1] == "学校标识码" and "不属于本区县" in e[2] for e in result.errors)
    assert any(e[0] == 5 and e[1] == "学校标识码" and "10 位数字" in e[2] for e in result.errors)
    assert AuditEntry.objects.get(action="import").note.startswith("被拒绝")


def test_a_school_of_another_county_is_refused(make_xlsx, county, other_school):
    result = run("posts", make_xlsx(POSTS_HEADERS, [(2025, other_school.code, 5, "")]), county)
    assert result.errors == [(2, "学校标识码", "学校标识码 1301240001 不存在或不属于本区县（滨河县）")]


def test_a_repeated_key_is_an_error(make_xlsx, county, school_a):
    data = make_xlsx(POSTS_HEADERS, [(2025, "1301230001", 22, ""), (2025, "1301230001", 23, "")])
    assert run("posts", data, county).errors == [(3, "学校标识码", "与第 2 行重复（学年、学校标识码相同）")]


def test_a_missing_required_column_is_an_error_on_row_one(make_xlsx, county):
    result = run("posts", make_xlsx(("学年", "学校标识码"), [(2025, "1301230001")]), county)
    assert result.errors == [(1, "核定编制数", "缺少必填列")]


def test_an_empty_file_is_refused(make_xlsx, county):
    assert not run("posts", make_xlsx(POSTS_HEADERS, []), county).ok


def test_a_dry_run_writes_nothing(make_xlsx, county, school_a):
    result = run("posts", make_xlsx(POSTS_HEADERS, [(2025, "1301230001", 22, "")]), county, dry_run=True)
    assert result.ok and result.created == 1
    assert not ApprovedPosts.objects.exists()


# --- exchanges ---------------------------------------------------------------------------------------


@pytest.fixture
def roster(school_a, school_b):
    return [
        TeacherFactory(school=school_a, year=2025, staff_no="A1", name="张老师", backbone="市级"),
        TeacherFactory(school=school_a, year=2024, staff_no="A2", name="李老师"),
    ]


def test_exchange_import_takes_backbone_from_the_roster_when_blank(
    make_xlsx, county, school_a, school_b, roster
):
    data = make_xlsx(
        EXCHANGE_HEADERS,
        [
            (2025, "A1", "张老师", "1301230001", "1301230002", datetime(2025, 9, 1), None, None),
            (
                2025,
                "A2",
                "李老师",
                "1301230001",
                "1301230002",
                "2025-09-01",
                "2027/7/31",
                "否",
            ),  # left the roster in 2025
        ],
    )
    result = run("exchanges", data, county)
    assert result.ok, result.errors
    records = {r.staff_no: r for r in ExchangeRecord.objects.all()}
    assert records["A1"].backbone is True and records["A1"].end_date is None
    assert (records["A2"].backbone, records["A2"].end_date) == (False, date(2027, 7, 31))


def test_exchange_import_checks_teacher_schools_and_dates(make_xlsx, county, school_a, school_b, roster):
    data = make_xlsx(
        EXCHANGE_HEADERS,
        [
            (2025, "ZZ", "王老师", "1301230001", "1301230002", "2025-09-01", None, "是"),
            (2025, "A1", "张老师", "1301230001", "1301230001", "2025-09-01", None, "是"),
            (2025, "A2", "李老师", "1301230001", "1301230002", "2025-09-01", "2024-07-01", "是"),
            (2025, "A1", "张老师", "1301230001", "1301230002", "下学期", None, "是"),
        ],
    )
    errors = run("exchanges", data, county).errors
    assert (2, "教师编号", "调出学校 1301230001 的 2025 和 2024 学年花名册中都没有教师编号 ZZ") in errors
    assert (3, "调入学校标识码", "调入学校不能与调出学校相同") in errors
    assert (4, "结束日期", "结束日期 2024-07-01 早于开始日期 2025-09-01") in errors
    assert (5, "开始日期", "应为日期（如 2025-09-01），实际为“下学期”") in errors
    assert not ExchangeRecord.objects.exists()


# --- training and certificates -----------------------------------------------------------------------


def test_training_import_keeps_blank_certificate_as_not_reported(make_xlsx, county, school_a, roster):
    data = make_xlsx(
        TRAINING_HEADERS, [(2023, "1301230001", "A1", 72.5, "是"), (2024, "1301230001", "A1", 80, None)]
    )
    assert run("training", data, county).ok
    rows = {r.year: r for r in TrainingRecord.objects.all()}
    assert (float(rows[2023].hours), rows[2023].has_certificate) == (72.5, True)
    assert rows[2024].has_certificate is None


def test_training_import_refuses_a_teacher_never_on_the_roster(make_xlsx, county, school_a, roster):
    data = make_xlsx(
        TRAINING_HEADERS, [(2025, "1301230001", "X9", 72, "是"), (2025, "1301230001", "A1", "七十", "是")]
    )
    errors = run("training", data, county).errors
    assert errors == [
        (2, "教师编号", "学校 1301230001 的教师花名册中没有教师编号 X9"),
        (3, "培训学时", "应为数字，实际为“七十”"),
    ]


# --- year joined -------------------------------------------------------------------------------------


def test_joined_year_import_sets_the_row_and_fills_other_years_that_lack_it(make_xlsx, county, school_a):
    TeacherFactory(school=school_a, year=2025, staff_no="J1", joined_year=None)
    TeacherFactory(school=school_a, year=2024, staff_no="J1", joined_year=None)
    TeacherFactory(school=school_a, year=2018, staff_no="J1", joined_year=None)  # before joining: left alone
    result = run("joined", make_xlsx(JOINED_HEADERS, [(2025, "1301230001", "J1", 2019)]), county)
    assert result.ok and "补填 1 条" in result.summary
    assert dict(Teacher.objects.filter(staff_no="J1").values_list("year", "joined_year")) == {
        2025: 2019,
        2024: 2019,
        2018: None,
    }


def test_joined_year_after_the_school_year_is_refused(make_xlsx, county, school_a):
    TeacherFactory(school=school_a, year=2025, staff_no="J1")
    errors = run(
        "joined",
        make_xlsx(JOINED_HEADERS, [(2025, "1301230001", "J1", 2026), (2025, "1301230001", "J9", 2010)]),
        county,
    ).errors
    assert errors == [
        (2, "到本校年份", "应为 1950–2025 之间的年份，实际为 2026"),
        (3, "教师编号", "学校 1301230001 的 2025 学年花名册中没有教师编号 J9"),
    ]


# --- pages and command -------------------------------------------------------------------------------


def _upload(data, name="posts.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_bureau_imports_through_the_page(login, bureau, make_xlsx, school_a):
    data = make_xlsx(POSTS_HEADERS, [(2025, "1301230001", 22, "")])
    response = login(bureau).post(reverse("workforce:import_upload", args=["posts"]), {"file": _upload(data)})
    assert response.status_code == 302
    assert ApprovedPosts.objects.get().posts == 22


def test_the_page_lists_every_error_and_writes_nothing(login, bureau, make_xlsx, school_a):
    data = make_xlsx(POSTS_HEADERS, [(2025, "1301230001", 22, ""), (2025, "1301230009", 5, "")])
    response = login(bureau).post(reverse("workforce:import_upload", args=["posts"]), {"file": _upload(data)})
    body = response.content.decode()
    assert "文件未导入，共 1 处错误" in body and "1301230009" in body
    assert not ApprovedPosts.objects.exists()


def test_a_file_that_is_not_an_xlsx_is_refused_by_content(login, bureau, school_a):
    response = login(bureau).post(
        reverse("workforce:import_upload", args=["posts"]),
        {"file": _upload(b"%PDF-1.4 not a workbook", "posts.xlsx")},
    )
    assert "文件类型不被接受" in response.content.decode()


@pytest.mark.parametrize("user", ["inspector", "reporter", "township_official"])
def test_only_bureau_staff_may_import(login, request, make_xlsx, school_a, user):
    data = make_xlsx(POSTS_HEADERS, [(2025, "1301230001", 22, "")])
    client = login(request.getfixturevalue(user))
    assert (
        client.post(reverse("workforce:import_upload", args=["posts"]), {"file": _upload(data)}).status_code
        == 403
    )
    assert client.get(reverse("workforce:import_start")).status_code == 403
    assert client.get(reverse("workforce:import_template", args=["posts"])).status_code == 403
    assert not ApprovedPosts.objects.exists()


def test_an_unknown_template_is_a_404(login, bureau):
    assert login(bureau).get(reverse("workforce:import_template", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("kind", "headers"),
    [
        ("posts", POSTS_HEADERS),
        ("exchanges", EXCHANGE_HEADERS),
        ("training", TRAINING_HEADERS),
        ("joined", JOINED_HEADERS),
    ],
)
def test_each_template_downloads_with_its_headers_and_instructions(login, bureau, kind, headers):
    response = login(bureau).get(reverse("workforce:import_template", args=[kind]))
    wb = load_workbook(BytesIO(response.content), read_only=True)
    assert next(wb.worksheets[0].iter_rows(values_only=True)) == headers
    assert wb.sheetnames[1] == "填写说明"


def test_the_command_imports_and_exits_nonzero_on_errors(tmp_path, make_xlsx, county, school_a):
    good = tmp_path / "good.xlsx"
    good.write_bytes(make_xlsx(POSTS_HEADERS, [(2025, "1301230001", 22, "")]))
    out = StringIO()
    call_command("import_workforce", "posts", str(good), "--county", "130123", stdout=out)
    assert "核定编制：新增 1 条，更新 0 条" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make_xlsx(POSTS_HEADERS, [(2025, "1301230001", "x", "")]))
    err = StringIO()
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_workforce", "posts", str(bad), stderr=err)
    assert "第 2 行 核定编制数" in err.getvalue()
