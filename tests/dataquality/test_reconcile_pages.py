"""The 对账 pages: upload, the column-mapping step remembered per county, the result and its
download, who may do what, audit and the deletion of files waiting for a mapping."""

from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from dataquality import reconcile_services, tasks
from dataquality.models import ColumnMapping, Finding, ReconcileRun
from schools.idcard import id_check_digit
from tests.factories import ClassFactory, ConditionsFactory, TeacherFactory

YEAR = 2025
INDEX = reverse("dataquality:reconcile")
SYSTEM_HEADERS = ("序号", "学校名称", "学校代码", "学生姓名", "证件号码", "年级名称", "班级名称", "学籍状态")


def make_id(seq: int) -> str:
    first17 = f"13012320150301{seq:03d}"
    return first17 + id_check_digit(first17)


BAD_ID = make_id(9)[:17] + ("0" if make_id(9)[17] != "0" else "1")


def xlsx(header, rows, name="学籍.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def system_export():
    """城关小学: grade 1 has 2 children (ours 2), grade 2 has 1 (ours 2: off by one), one with a wrong
    check digit; 1301230099 is no school of the county."""
    return xlsx(
        SYSTEM_HEADERS,
        [
            (1, "城关小学", "1301230001", "张一", make_id(1), "一年级", "1班", "在籍"),
            (2, "城关小学", "1301230001", "张二", make_id(2), "一年级", "1班", "在校"),
            (3, "城关小学", "1301230001", "张三", BAD_ID, "二年级", "2班", "在籍"),
            (4, "城关小学", "1301230001", "张四", make_id(4), "二年级", "2班", "转出"),
            (5, "新建学校", "1301230099", "李五", make_id(5), "一年级", "1班", "在籍"),
        ],
        name="学籍系统导出.xlsx",
    )


@pytest.fixture
def ours(school_a, school_b):
    ConditionsFactory(school=school_a, year=YEAR, primary_students=4)
    ClassFactory(school=school_a, year=YEAR, grade=1, name="1班", students=2)
    ClassFactory(school=school_a, year=YEAR, grade=2, name="2班", students=2)
    TeacherFactory(school=school_a, year=YEAR, stage="小学")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a page or service, then its on-commit callbacks: the (eager) background read."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


def post_upload(committed, client, upload, kind="register"):
    return committed(client.post, INDEX, {"kind": kind, "year": YEAR, "file": upload})


MAPPING = {"col0": "2", "col1": "1", "col2": "4", "col3": "5", "col4": "7"}  # the guessed columns


def test_our_template_is_compared_at_once_and_nothing_is_kept_but_counts(committed, login, bureau, ours):
    upload = xlsx(
        ("学校标识码", "姓名", "身份证号", "年级", "班级", "学籍状态"),
        [
            ("1301230001", "张一", make_id(1), 1, "1班", "在籍"),
            ("1301230001", "张二", make_id(2), 2, "2班", "在籍"),
        ],
    )
    response = post_upload(committed, login(bureau), upload)
    run = ReconcileRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "dataquality:reconcile_run", args=[run.pk]
    )
    assert run.status == ReconcileRun.Status.DONE and run.pending_path == ""
    assert run.counts["by_school"] == {"1301230001": {"1": 1, "2": 1}}
    assert "张一" not in repr(run.counts) and make_id(1) not in repr(run.counts)
    assert not ColumnMapping.objects.exists()


def test_a_system_export_asks_for_the_mapping_and_the_mapping_is_remembered(committed, login, bureau, ours):
    client = login(bureau)
    response = post_upload(committed, client, system_export())
    run = ReconcileRun.objects.get()
    assert run.status == ReconcileRun.Status.PENDING and default_storage.exists(run.pending_path)
    assert client.get(response["Location"])["Location"] == reverse(
        "dataquality:reconcile_mapping", args=[run.pk]
    )
    page = client.get(reverse("dataquality:reconcile_mapping", args=[run.pk]))
    body = page.content.decode()
    assert "请选择" in body and '<option value="4" selected>证件号码</option>' in body
    response = committed(client.post, reverse("dataquality:reconcile_mapping", args=[run.pk]), MAPPING)
    run.refresh_from_db()
    assert run.status == ReconcileRun.Status.DONE and run.pending_path == ""
    assert ColumnMapping.objects.get(county=bureau.county, kind="register").mapping == {
        "学校标识码": "学校代码",
        "学校名称": "学校名称",
        "身份证号": "证件号码",
        "年级": "年级名称",
        "学籍状态": "学籍状态",
    }
    assert AuditEntry.objects.filter(object_type="dataquality.ColumnMapping", action="create").exists()

    # Next time the same export is read at once with the remembered columns.
    response = post_upload(committed, client, system_export())
    second = ReconcileRun.objects.exclude(pk=run.pk).get()
    assert second.status == ReconcileRun.Status.DONE and second.counts == run.counts
    assert response["Location"] == reverse("dataquality:reconcile_run", args=[second.pk])
    notes = AuditEntry.objects.filter(object_id=str(second.pk), object_type="dataquality.ReconcileRun")
    assert any("按已保存的列对应关系" in n for n in notes.values_list("note", flat=True))


def test_a_wrong_mapping_can_be_forgotten_and_the_next_upload_asks_again(committed, login, bureau, ours):
    client = login(bureau)
    post_upload(committed, client, system_export())
    run = ReconcileRun.objects.get()
    committed(client.post, reverse("dataquality:reconcile_mapping", args=[run.pk]), MAPPING)
    assert "学校标识码 ← 学校代码" in client.get(INDEX).content.decode()
    client.post(reverse("dataquality:reconcile_forget", args=["register"]))
    assert not ColumnMapping.objects.exists()
    assert AuditEntry.objects.filter(object_type="dataquality.ColumnMapping", action="delete").exists()
    post_upload(committed, client, system_export())
    assert ReconcileRun.objects.latest("pk").status == ReconcileRun.Status.PENDING


def test_a_required_field_left_unmapped_is_refused_and_nothing_is_stored(committed, login, bureau, ours):
    client = login(bureau)
    post_upload(committed, client, system_export())
    run = ReconcileRun.objects.get()
    response = committed(
        client.post,
        reverse("dataquality:reconcile_mapping", args=[run.pk]),
        {**MAPPING, "col2": ""},
        follow=True,
    )
    assert "请为必填项“身份证号”选择上传文件中对应的列" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ReconcileRun.Status.PENDING and run.counts == {}
    assert not ColumnMapping.objects.exists()


def test_the_result_lists_every_difference_unknown_schools_and_invalid_ids(committed, login, bureau, ours):
    client = login(bureau)
    post_upload(committed, client, system_export())
    run = ReconcileRun.objects.get()
    committed(client.post, reverse("dataquality:reconcile_mapping", args=[run.pk]), MAPPING)
    response = client.get(reverse("dataquality:reconcile_run", args=[run.pk]))
    result, counts = response.context["result"], response.context["counts"]
    got = {(d.school_code, d.stage, d.grade, d.source, d.ours, d.system) for d in result.differences}
    assert got == {
        ("1301230001", "小学", None, "办学条件在校生数", 4, 3),
        ("1301230001", "小学", 2, "班级学生数", 2, 1),
    }
    assert [(u.code, u.name, u.count) for u in result.unknown] == [("1301230099", "新建学校", 1)]
    assert counts.invalid_ids == 1 and counts.not_counted == 1
    body = response.content.decode()
    assert "1301230099" in body and "身份证号校验不通过" in body and "张三" not in body
    assert AuditEntry.objects.filter(object_id=str(run.pk), action=AuditEntry.Action.VIEW).exists()

    download = client.get(reverse("dataquality:reconcile_export", args=[run.pk]))
    sheet = openpyxl.load_workbook(BytesIO(download.content))["差异明细"]
    rows = [tuple(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert ("1301230001", "城关小学", "小学", 2, "班级学生数", 2, 1, 1) in rows
    assert AuditEntry.objects.filter(object_id=str(run.pk), action=AuditEntry.Action.EXPORT).exists()


def test_the_teacher_list_is_compared_with_the_roster(committed, login, bureau, ours):
    upload = xlsx(
        ("学校代码", "姓名", "身份证件号", "学段", "岗位类别"),
        [
            ("1301230001", "王老师", make_id(11), "小学", "专任教师"),
            ("1301230001", "赵老师", make_id(12), "小学", "专任教师"),
            ("1301230001", "钱会计", make_id(13), "小学", "行政人员"),
        ],
        name="教师.xlsx",
    )
    client = login(bureau)
    post_upload(committed, client, upload, kind="teachers")
    run = ReconcileRun.objects.get()
    committed(
        client.post,
        reverse("dataquality:reconcile_mapping", args=[run.pk]),
        {"col0": "0", "col1": "", "col2": "2", "col3": "3", "col4": "4"},
    )
    result = client.get(reverse("dataquality:reconcile_run", args=[run.pk])).context["result"]
    assert [(d.stage, d.ours, d.system) for d in result.differences] == [("小学", 1, 2)]


def test_cancel_and_retention_delete_the_waiting_file(committed, login, bureau, ours, settings, monkeypatch):
    client = login(bureau)
    post_upload(committed, client, system_export())
    post_upload(committed, client, system_export())  # no mapping saved yet: waits too
    first, second = ReconcileRun.objects.order_by("pk")
    client.post(reverse("dataquality:reconcile_cancel", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == ReconcileRun.Status.CANCELLED and first.pending_path == ""
    path = second.pending_path
    later = second.created_at + timedelta(days=settings.DATAQUALITY_LIST_RETENTION_DAYS, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.purge_match_lists() == 1
    second.refresh_from_db()
    assert second.status == ReconcileRun.Status.CANCELLED and not default_storage.exists(path)


def test_a_file_without_data_rows_fails_with_the_reason_and_is_deleted(committed, login, bureau, ours):
    client = login(bureau)
    post_upload(committed, client, xlsx(("学校标识码", "身份证号", "年级", "学籍状态"), []))
    run = ReconcileRun.objects.get()
    assert run.status == ReconcileRun.Status.FAILED and run.pending_path == ""
    assert not default_storage.listdir("dataquality/reconcile")[1]
    assert (
        "学籍名单中没有数据行"
        in client.get(reverse("dataquality:reconcile_run", args=[run.pk])).content.decode()
    )


def test_while_the_list_is_read_the_page_waits_and_refreshes(login, bureau, ours):
    client = login(bureau)
    post_upload(lambda fn, *a, **kw: fn(*a, **kw), client, system_export())  # the job is not run
    run = ReconcileRun.objects.get()
    body = client.get(reverse("dataquality:reconcile_run", args=[run.pk])).content.decode()
    assert run.status == ReconcileRun.Status.READING and "排队等待后台读取" in body
    assert '<meta http-equiv="refresh" content="3">' in body


def test_the_template_explains_every_column(login, bureau):
    response = login(bureau).get(reverse("dataquality:reconcile_template", args=["teachers"]))
    wb = openpyxl.load_workbook(BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == [
        "学校标识码",
        "学校名称",
        "身份证号",
        "任教学段",
        "是否专任教师",
    ]
    notes = {row[0]: row for row in wb["填写说明"].iter_rows(values_only=True)}
    assert "岗位类别" in notes["是否专任教师"][4]


# --- access ---------------------------------------------------------------------------------------


@pytest.fixture
def done_run(committed, bureau, ours):
    upload = xlsx(("学校标识码", "身份证号", "年级", "学籍状态"), [("1301230001", make_id(1), 1, "在籍")])
    return committed(
        reconcile_services.upload_list,
        user=bureau,
        county=bureau.county,
        kind_key="register",
        year=YEAR,
        upload=upload,
    )


@pytest.fixture
def pending_run(committed, bureau, ours):
    return committed(
        reconcile_services.upload_list,
        user=bureau,
        county=bureau.county,
        kind_key="register",
        year=YEAR,
        upload=system_export(),
    )


def urls(done, pending):
    return {
        "get": [
            INDEX,
            reverse("dataquality:reconcile_run", args=[done.pk]),
            reverse("dataquality:reconcile_export", args=[done.pk]),
            reverse("dataquality:reconcile_template", args=["register"]),
        ],
        "write": [
            ("get", reverse("dataquality:reconcile_mapping", args=[pending.pk])),
            ("post", reverse("dataquality:reconcile_mapping", args=[pending.pk])),
            ("post", reverse("dataquality:reconcile_cancel", args=[pending.pk])),
            ("post", INDEX),
            ("post", reverse("dataquality:reconcile_forget", args=["register"])),
        ],
    }


@pytest.mark.parametrize("persona", ["bureau", "inspector", "admin_user"])
def test_county_readers_read_the_results(persona, request, login, done_run, pending_run):
    client = login(request.getfixturevalue(persona))
    for url in urls(done_run, pending_run)["get"]:
        assert client.get(url).status_code == 200, url


def test_inspectors_read_but_neither_upload_nor_map(login, inspector, done_run, pending_run):
    client = login(inspector)
    assert "上传并比对" not in client.get(INDEX).content.decode()
    for method, url in urls(done_run, pending_run)["write"]:
        assert getattr(client, method)(url, MAPPING).status_code == 403, url
    # the waiting upload shows its status, not its columns
    body = client.get(reverse("dataquality:reconcile_run", args=[pending_run.pk])).content.decode()
    assert "待选择列对应关系" in body and "证件号码" not in body
    pending_run.refresh_from_db()
    assert pending_run.status == ReconcileRun.Status.PENDING


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_and_school_users_are_refused(persona, request, login, done_run, pending_run):
    client = login(request.getfixturevalue(persona))
    found = urls(done_run, pending_run)
    for url in found["get"]:
        assert client.get(url).status_code == 403, url
    for method, url in found["write"]:
        assert getattr(client, method)(url).status_code == 403, url


def test_another_county_does_not_find_the_runs(login, other_bureau, done_run, pending_run):
    client = login(other_bureau)
    found = urls(done_run, pending_run)
    for url in found["get"][1:3]:
        assert client.get(url).status_code == 404, url
    for method, url in found["write"][:3]:
        assert getattr(client, method)(url, MAPPING).status_code == 404, url
    assert "学籍系统导出.xlsx" not in client.get(INDEX).content.decode()
    pending_run.refresh_from_db()
    assert pending_run.status == ReconcileRun.Status.PENDING and not ColumnMapping.objects.exists()


def test_stage_differences_become_warnings_on_the_data_quality_page(committed, login, bureau, ours):
    client = login(bureau)
    post_upload(committed, client, system_export())
    run = ReconcileRun.objects.get()
    committed(client.post, reverse("dataquality:reconcile_mapping", args=[run.pk]), MAPPING)
    (finding,) = Finding.objects.filter(rule="national_lists", active=True)
    assert finding.severity == "warning" and finding.school.code == "1301230001"
    assert finding.message == "小学办学条件在校生数：本平台 4，学籍名单 3（差 +1）"
    assert (
        "与国家系统名单人数不一致" in client.get(reverse("dataquality:page"), {"year": YEAR}).content.decode()
    )
