"""The 四查三比对 workbench: upload, who sees what, audit, filing cases, deleting the lists."""

from datetime import date, timedelta
from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from balance_inspect.jobs import JobStatus, reap_stale
from dataquality import match_services, tasks
from dataquality.models import MatchBatch
from dropout_control.models import CaseResponsible, DropoutCase, ResponsibleLevel
from dropout_control.services import case_create
from schools.idcard import id_check_digit, mask_id_number
from tests.dropout_control.casedata import ledger_data

WORKBENCH = reverse("dataquality:match")
YEAR = 2024


def make_id(birth: str, seq: str) -> str:
    first17 = f"130123{birth}{seq}"
    return first17 + id_check_digit(first17)


OUT = make_id("20150301", "101")  # 城关镇, no 学籍
ENROLLED = make_id("20150302", "103")  # on both lists
ABSENT = make_id("20130301", "105")  # 河口乡, enrolled, 25 days absent
POOR = make_id("20120301", "107")  # 脱贫户 child without 学籍
OPEN = make_id("20140301", "109")  # no 学籍, already has an open case
BAD = OUT[:17] + ("0" if OUT[17] != "0" else "1")


def xlsx(name, header, rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(
        name, buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def uploads():
    return {
        "household": xlsx(
            "户籍.xlsx",
            ("姓名", "身份证号", "出生日期", "乡镇", "村"),
            [
                ("张一", OUT, None, "城关镇", "东村"),
                ("李二", ENROLLED, None, "城关镇", ""),
                ("王三", ABSENT, None, "河口乡", "南村"),
                ("赵四", OPEN, None, "城关镇", ""),
                ("错号", BAD, None, "城关镇", ""),
            ],
        ),
        "register": xlsx(
            "学籍.xlsx",
            ("学校标识码", "姓名", "身份证号", "年级", "班级", "学籍状态"),
            [
                ("1301230001", "李二", ENROLLED, "3", "1班", "在读"),
                ("1301230002", "王三", ABSENT, "5", "2班", "在读"),
            ],
        ),
        "attendance": xlsx("考勤.xlsx", ("身份证号", "缺勤天数"), [(ABSENT, 25), (ENROLLED, 2)]),
        "family": xlsx(
            "脱贫户.xlsx", ("户主姓名", "姓名", "身份证号", "乡镇"), [("孙大", "孙八", POOR, "河口乡")]
        ),
    }


@pytest.fixture
def open_case(township_official, township_a):
    return case_create(
        user=township_official,
        data=ledger_data(
            township_a,
            None,
            kind="never_enrolled",
            grade=None,
            id_number=OPEN,
            birth_date=date(2014, 3, 1),
            sex="female" if int(OPEN[16]) % 2 == 0 else "male",
        ),
    )


@pytest.fixture
def match(django_capture_on_commit_callbacks):
    """Upload lists as the page does and run the matching job (eager: at the upload's commit)."""

    def run(user, county, files=None) -> MatchBatch:
        with django_capture_on_commit_callbacks(execute=True):
            batch = match_services.batch_request(
                user=user, county=county, school_year=YEAR, uploads=files or uploads()
            )
        batch.refresh_from_db()
        return batch

    return run


@pytest.fixture
def batch(bureau, county, school_a, school_b, open_case, match):
    batch = match(bureau, county)
    assert batch.status == JobStatus.DONE, batch.error
    return batch


def hits(batch, kind=None):
    return [h for h in batch.result["hits"] if kind is None or h["kind"] == kind]


def test_upload_produces_the_three_lists_per_township(batch):
    assert {(h["kind"], h["township"], h["id_number"]) for h in hits(batch)} == {
        ("no_register", "城关镇", OUT),
        ("no_register", "城关镇", OPEN),
        ("absent", "河口乡", ABSENT),
        ("poverty", "河口乡", POOR),
    }
    assert batch.counts == {
        "城关镇": {"no_register": 2, "absent": 0, "poverty": 0},
        "河口乡": {"no_register": 0, "absent": 1, "poverty": 1},
    }


def test_wrong_id_is_listed_with_the_failed_check_and_masked(batch):
    invalid = batch.result["invalid_ids"]["household"]
    assert [(r["row"], r["id_number"]) for r in invalid] == [(6, mask_id_number(BAD))]
    assert "校验码" in invalid[0]["problem"]


def test_child_with_open_case_is_marked_with_the_case(batch, open_case):
    marked = {h["id_number"]: h["open_case"] for h in hits(batch)}
    assert marked[OPEN] == open_case.number and marked[OUT] == ""


def test_uploaded_files_are_stored_until_confirmed(batch, bureau):
    paths = [f["path"] for f in batch.files.values()]
    assert len(paths) == 4 and all(default_storage.exists(p) for p in paths)
    match_services.batch_confirm(user=bureau, batch=batch)
    assert not any(default_storage.exists(p) for p in paths)
    batch.refresh_from_db()
    assert batch.files == {} and batch.list_status == MatchBatch.ListStatus.CONFIRMED and hits(batch)


def test_files_and_lists_are_deleted_after_the_retention_period(batch, settings, monkeypatch):
    settings.DATAQUALITY_LIST_RETENTION_DAYS = 7
    paths = [f["path"] for f in batch.files.values()]
    later = batch.created_at + timedelta(days=6, hours=23)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.purge_match_lists() == 0
    assert all(default_storage.exists(p) for p in paths)
    monkeypatch.setattr(timezone, "now", lambda: batch.created_at + timedelta(days=7, minutes=1))
    assert tasks.purge_match_lists() == 1
    batch.refresh_from_db()
    assert not any(default_storage.exists(p) for p in paths)
    assert (
        batch.list_status == MatchBatch.ListStatus.EXPIRED
        and batch.result == {}
        and batch.counts["河口乡"]["absent"] == 1
    )


def test_retention_days_come_from_the_setting(bureau, county, settings, school_a, match):
    settings.DATAQUALITY_LIST_RETENTION_DAYS = 3
    batch = match(bureau, county)
    assert batch.expires_at - batch.created_at == pytest.approx(timedelta(days=3), abs=timedelta(seconds=5))


def test_absence_threshold_comes_from_the_setting(bureau, county, settings, school_a, match):
    settings.DATAQUALITY_ABSENCE_DAYS = 30
    batch = match(bureau, county)
    assert hits(batch, "absent") == []


def test_missing_column_fails_the_job_in_chinese_and_deletes_the_files(bureau, county, match):
    files = uploads()
    files["register"] = xlsx("学籍.xlsx", ("姓名", "身份证号"), [("李二", ENROLLED)])
    batch = match(bureau, county, files)
    assert batch.status == JobStatus.FAILED
    assert batch.error.startswith("比对失败：学籍名单第 1 行：缺少列：学校标识码")
    assert batch.files == {} and batch.files_deleted_at is not None
    assert not default_storage.listdir("dataquality/match")[1]
    assert batch.result == {} and batch.counts == {}


# --- filing cases ------------------------------------------------------------------------------


def index_of(batch, number):
    return next(i for i, h in enumerate(batch.result["hits"]) if h["id_number"] == number)


def test_filing_creates_suspected_cases_assigned_to_the_township_official(batch, bureau, township_official):
    created, refused = match_services.file_cases(
        user=bureau, batch=batch, indices=[index_of(batch, OUT)], today=date(2024, 10, 8)
    )
    assert refused == []
    case = DropoutCase.objects.get(id_number=OUT)
    assert (case.status, case.kind, case.township.name, case.absent_since) == (
        "suspected",
        "never_enrolled",
        "城关镇",
        date(2024, 9, 1),
    )
    assert (
        CaseResponsible.objects.get(case=case, level=ResponsibleLevel.GOV_TOWNSHIP).user == township_official
    )
    batch.refresh_from_db()
    assert batch.result["hits"][index_of(batch, OUT)]["filed_case"] == case.number


def test_absent_child_is_filed_as_dropout_with_school_and_grade(batch, bureau, school_b):
    match_services.file_cases(
        user=bureau, batch=batch, indices=[index_of(batch, ABSENT)], today=date(2024, 10, 8)
    )
    case = DropoutCase.objects.get(id_number=ABSENT)
    assert (case.kind, case.school, case.grade) == ("dropout", school_b, 5)
    assert "缺勤 25 天" in case.reason_detail


def test_filing_refuses_a_child_with_an_open_case_and_names_it(batch, bureau, open_case):
    created, refused = match_services.file_cases(user=bureau, batch=batch, indices=[index_of(batch, OPEN)])
    assert created == [] and open_case.number in refused[0]
    assert DropoutCase.objects.filter(id_number=OPEN).count() == 1


def test_filing_twice_from_the_same_row_is_refused(batch, bureau):
    match_services.file_cases(
        user=bureau, batch=batch, indices=[index_of(batch, POOR)], today=date(2024, 10, 8)
    )
    created, refused = match_services.file_cases(user=bureau, batch=batch, indices=[index_of(batch, POOR)])
    assert created == [] and "已登记为个案" in refused[0]
    assert DropoutCase.objects.get(id_number=POOR).poverty_household is True


# --- pages and access ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau", "admin_user"])
def test_bureau_staff_read_the_lists_and_every_view_is_audited(persona, request, login, batch):
    client = login(request.getfixturevalue(persona))
    url = reverse("dataquality:match_batch", args=[batch.pk])
    for _ in range(2):
        body = client.get(url).content.decode()
        assert OUT in body and "张一" in body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, object_id=str(batch.pk)).count() == 2


def test_inspector_sees_counts_only(login, inspector, batch):
    client = login(inspector)
    assert client.get(WORKBENCH).status_code == 200
    body = client.get(reverse("dataquality:match_batch", args=[batch.pk])).content.decode()
    assert "河口乡" in body and OUT not in body and "张一" not in body and mask_id_number(OUT) not in body
    assert client.get(reverse("dataquality:match_status", args=[batch.pk])).status_code == 200
    assert client.post(reverse("dataquality:match_confirm", args=[batch.pk])).status_code == 403
    assert client.post(reverse("dataquality:match_retry", args=[batch.pk])).status_code == 403
    assert client.post(reverse("dataquality:match_file", args=[batch.pk]), {"rows": ["0"]}).status_code == 403
    assert client.post(WORKBENCH, {"school_year": YEAR, **uploads()}).status_code == 403


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_and_school_users_are_refused(persona, request, login, batch):
    client = login(request.getfixturevalue(persona))
    assert client.get(WORKBENCH).status_code == 403
    assert client.get(reverse("dataquality:match_batch", args=[batch.pk])).status_code == 403
    assert client.get(reverse("dataquality:match_status", args=[batch.pk])).status_code == 403
    assert client.post(reverse("dataquality:match_retry", args=[batch.pk])).status_code == 403
    assert client.post(reverse("dataquality:match_file", args=[batch.pk]), {"rows": ["0"]}).status_code == 403


def test_other_county_gets_404(login, other_bureau, batch):
    client = login(other_bureau)
    assert client.get(reverse("dataquality:match_batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("dataquality:match_confirm", args=[batch.pk])).status_code == 404
    assert client.get(reverse("dataquality:match_status", args=[batch.pk])).status_code == 404
    assert client.post(reverse("dataquality:match_retry", args=[batch.pk])).status_code == 404
    assert client.post(reverse("dataquality:match_file", args=[batch.pk]), {"rows": ["0"]}).status_code == 404
    assert not DropoutCase.objects.filter(id_number=OUT).exists()


def test_upload_through_the_page(login, bureau, school_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(bureau).post(WORKBENCH, {"school_year": YEAR, **uploads()})
    batch = MatchBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("dataquality:match_batch", args=[batch.pk])
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, object_id=str(batch.pk)).exists()
    assert batch.status == JobStatus.DONE and "有户籍无学籍（疑似失学辍学） 2 人" in batch.progress_note


def test_filing_through_the_page_reports_refusals(login, bureau, batch, open_case):
    client = login(bureau)
    response = client.post(
        reverse("dataquality:match_file", args=[batch.pk]),
        {"rows": [str(index_of(batch, OUT)), str(index_of(batch, OPEN))]},
        follow=True,
    )
    body = response.content.decode()
    assert "已登记疑似辍学个案 1 个" in body and open_case.number in body
    assert DropoutCase.objects.filter(id_number=OUT).exists()


def test_a_list_longer_than_import_templates_is_read_up_to_its_own_bound(
    bureau, county, settings, school_a, match
):
    settings.XLSX_MAX_ROWS = 3
    settings.DATAQUALITY_LIST_MAX_ROWS = 10
    batch = match(bureau, county)
    assert batch.result["rows"]["household"] == 5
    settings.DATAQUALITY_LIST_MAX_ROWS = 4
    batch = match(bureau, county)
    assert batch.status == JobStatus.FAILED and "工作表行数过多" in batch.error


def test_an_open_case_in_another_county_is_marked_without_naming_it(
    bureau, county, school_a, other_bureau, other_school, match
):
    case_create(
        user=other_bureau,
        data=ledger_data(
            other_school.township,
            None,
            kind="never_enrolled",
            grade=None,
            id_number=OUT,
            birth_date=date(2015, 3, 1),
            sex="female" if int(OUT[16]) % 2 == 0 else "male",
        ),
    )
    batch = match(bureau, county)
    hit = next(h for h in hits(batch) if h["id_number"] == OUT)
    assert hit["open_case"] == "其他地区"
    created, refused = match_services.file_cases(user=bureau, batch=batch, indices=[index_of(batch, OUT)])
    assert created == []


def test_after_the_retention_period_the_page_shows_counts_only(batch, login, bureau):
    match_services.purge_expired(now=batch.expires_at)
    body = login(bureau).get(reverse("dataquality:match_batch", args=[batch.pk])).content.decode()
    assert "已超过保存期并删除" in body and OUT not in body and "张一" not in body and "河口乡" in body


# --- the matching job ------------------------------------------------------------------------------


def test_the_page_polls_the_job_until_done_then_shows_the_three_lists(
    login, bureau, county, school_a, school_b, django_capture_on_commit_callbacks
):
    client = login(bureau)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        client.post(WORKBENCH, {"school_year": YEAR, **uploads()})
    batch = MatchBatch.objects.get()
    assert batch.status == JobStatus.QUEUED and len(sent) == 1
    page = reverse("dataquality:match_batch", args=[batch.pk])
    status = reverse("dataquality:match_status", args=[batch.pk])
    body = client.get(page).content.decode()
    assert f'hx-get="{status}"' in body and "比对排队中" in body and "张一" not in body
    polled = client.get(status, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in polled and 'hx-trigger="every 2s"' in polled.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, object_id=str(batch.pk)).exists()

    sent[0]()  # the broker delivers: the job runs (eager)
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE and batch.progress == 100
    assert client.get(status, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    body = client.get(page).content.decode()
    for label in ("有户籍无学籍（疑似失学辍学）", "有学籍不在校（缺勤超过规定天数）", "脱贫户适龄子女无学籍"):
        assert label in body
    assert "张一" in body and OUT in body and "孙八" in body and "王三" in body
    assert 'hx-get="' not in body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, object_id=str(batch.pk)).count() == 1


def test_a_failed_match_shows_its_chinese_reason_and_offers_a_new_upload(login, bureau, county, match):
    files = uploads()
    files["household"] = xlsx("户籍.xlsx", ("姓名", "出生日期"), [("张一", None)])
    batch = match(bureau, county, files)
    body = login(bureau).get(reverse("dataquality:match_batch", args=[batch.pk])).content.decode()
    assert "比对失败：户籍名单第 1 行：缺少列：身份证号" in body
    assert "修改名单后重新上传" in body and "重新比对" not in body  # its files are gone


def test_a_batch_not_yet_matched_cannot_be_confirmed_or_filed(
    bureau, county, school_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = match_services.batch_request(user=bureau, county=county, school_year=YEAR, uploads=uploads())
    with pytest.raises(ValidationError, match="比对尚未完成"):
        match_services.batch_confirm(user=bureau, batch=batch)
    with pytest.raises(ValidationError, match="比对尚未完成"):
        match_services.file_cases(user=bureau, batch=batch, indices=[0])


def test_a_batch_whose_worker_died_is_failed_by_the_reaper_and_matched_on_retry(
    login, bureau, county, school_a, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = match_services.batch_request(user=bureau, county=county, school_year=YEAR, uploads=uploads())
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_DEAD_AFTER_SECONDS + 5)
    MatchBatch.objects.filter(pk=batch.pk).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, sent_at=long_ago
    )
    assert reap_stale() == 1
    batch.refresh_from_db()
    assert batch.status == JobStatus.FAILED and "后台处理进程已中断" in batch.error
    client = login(bureau)
    assert "重新比对" in client.get(reverse("dataquality:match_batch", args=[batch.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dataquality:match_retry", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE and hits(batch, "no_register")
