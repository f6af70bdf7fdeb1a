"""Faults: a database error in the middle of an import, the broker down, a worker killed mid-job.

- An import that fails while writing leaves no row of its file (all or nothing).
- With the broker unreachable, asking for an assessment or a dossier still answers at once; the
  job stays queued and the page says it is delayed.
- A worker killed (SIGKILL) in the middle of an assessment leaves it running; the reaper marks it
  failed and asking again computes it (integration, real worker on Redis + PostgreSQL).
"""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from balance_inspect.jobs import JobStatus, reap_stale
from schools.models import ImportRecord, School, SchoolConditions, Township
from tests.security import world

SCHOOL_HEADERS = ["学校标识码", "学校名称", "区县代码", "区县名称", "乡镇名称", "办学类型", "城乡类型"]
CONDITION_HEADERS = [
    "学年",
    "学校标识码",
    "小学在校生数",
    "初中在校生数",
    "教学及辅助用房面积",
    "体育运动场馆面积",
    "教学仪器设备值",
    "教学用计算机台数",
    "图书册数",
    "网络多媒体教室数",
]


def _upload_and_confirm(client, kind, body, *, fault):
    """Upload and preview (a clean dry run), then confirm with `fault()` in force."""
    response = client.post(
        reverse("schools:import_start"), {"kind": kind, "file": SimpleUploadedFile("数据.xlsx", body)}
    )
    assert response.status_code == 302
    record = ImportRecord.objects.latest("pk")
    assert record.status == ImportRecord.Status.PREVIEWED, record.errors
    fault()
    return record, client.post(reverse("schools:import_confirm", args=[record.pk]), follow=True)


# --- a database error in the middle of an import ------------------------------------------------


@pytest.mark.django_db
def test_a_database_error_on_the_third_school_leaves_none_of_the_file(login, bureau, county, monkeypatch):
    rows = [
        [f"130123{900 + i:04d}", f"新建第{i}小学", "130123", "滨河县", "新设镇", "小学", "乡村"]
        for i in range(5)
    ]
    client = login(bureau)
    calls = {"n": 0}
    real_save = School.save

    def save_then_fail(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise DatabaseError("磁盘已满（模拟）")
        return real_save(self, *args, **kwargs)

    record, page = _upload_and_confirm(
        client,
        "schools",
        world.xlsx_bytes(SCHOOL_HEADERS, rows),
        fault=lambda: monkeypatch.setattr(School, "save", save_then_fail),
    )
    assert calls["n"] >= 3  # the failure really came in the middle of the file
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.REFUSED
    assert "导入被拒绝" in page.content.decode() and "未写入任何数据" in page.content.decode()
    assert not School.objects.filter(code__startswith="1301230").filter(name__startswith="新建").exists()
    assert not Township.objects.filter(name="新设镇").exists()  # created for the file, rolled back too
    assert record.created_count == record.updated_count == 0


@pytest.mark.django_db
def test_a_database_error_in_a_bulk_write_leaves_none_of_the_file(
    login, bureau, school_a, school_b, monkeypatch
):
    from django.db.models.query import QuerySet

    SchoolConditions.objects.create(
        school=school_a,
        year=2025,
        primary_students=300,
        building_area=1,
        sports_area=1,
        equipment_value=1,
        computers=1,
        books=1,
        multimedia_rooms=1,
    )
    rows = [
        [2025, school_a.code, 400, 0, 2200, 3500, 900000, 60, 12000, 12],
        [2025, school_b.code, 180, 0, 700, 1600, 400000, 20, 3000, 5],
    ]
    client = login(bureau)

    def fail(*args, **kwargs):
        raise DatabaseError("连接中断（模拟）")

    record, _page = _upload_and_confirm(
        client,
        "conditions",
        world.xlsx_bytes(CONDITION_HEADERS, rows),
        fault=lambda: monkeypatch.setattr(QuerySet, "bulk_create", fail),
    )
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.REFUSED
    # school_a's existing row was not updated either: the whole file is one transaction.
    assert list(SchoolConditions.objects.values_list("school__code", "primary_students")) == [
        (school_a.code, 300)
    ]


@pytest.mark.django_db
def test_a_database_error_in_a_dropout_ledger_import_leaves_no_case(
    login, township_official, township_a, school_a, monkeypatch
):
    from dropout_control import services
    from dropout_control.models import CaseEvent, DropoutCase
    from tests.dropout_control.casedata import ledger_data

    calls = {"n": 0}
    real = services._event

    def event_then_fail(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("死锁（模拟）")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_event", event_then_fail)
    rows = [ledger_data(township_a, school_a, name=f"学生{i}") for i in range(3)]
    with pytest.raises(DatabaseError):
        services.cases_import(user=township_official, rows=rows, file_name="台账.xlsx")
    assert not DropoutCase.objects.exists() and not CaseEvent.objects.exists()


@pytest.mark.django_db
def test_a_database_error_in_a_feedback_import_leaves_no_item(bureau, county, monkeypatch):
    from rectification import services
    from rectification.models import RectificationItem

    body = _feedback_workbook()
    calls = {"n": 0}
    real = services.item_create

    def create_then_fail(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("磁盘已满（模拟）")
        return real(**kwargs)

    monkeypatch.setattr(services, "item_create", create_then_fail)
    with pytest.raises(DatabaseError):
        services.feedback_import(user=bureau, county=county, upload=SimpleUploadedFile("反馈.xlsx", body))
    assert calls["n"] == 2 and not RectificationItem.objects.exists()


def _feedback_workbook() -> bytes:
    """Three valid rows of the feedback list (columns of rectification.feedback.COLUMNS)."""
    from rectification.feedback import COLUMNS

    rows = [
        [i + 1, "省级反馈", "2025-03-18", f"问题{i}", "", "", "达标", "新建", "计财股", "", "", "2025-12-31"]
        for i in range(3)
    ]
    return world.xlsx_bytes(COLUMNS, rows)


# --- the broker is down -------------------------------------------------------------------------


def _later(monkeypatch, minutes=2):
    later = timezone.now() + timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: later)


@pytest.mark.django_db
def test_an_assessment_asked_for_while_the_broker_is_down_waits_queued(
    broker_down,
    login,
    bureau,
    county,
    school_a,
    school_b,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    from indicators.models import Assessment

    world.small_county(school_a, school_b)
    client = login(bureau)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):  # the send to the dead broker really runs
        response = client.post(reverse("indicators:request"), {"year": 2025, "scheme": "quality-2017"})
    assert time.monotonic() - started < 10
    assert response.status_code == 302
    assert "could not enqueue indicators.tasks.run_assessment" in caplog.text  # the send was tried and failed
    assessment = Assessment.objects.get()
    assert assessment.status == JobStatus.QUEUED and not assessment.looks_delayed
    page = client.get(response["Location"])
    assert page.status_code == 200 and "后台任务服务暂不可用" in page.content.decode()

    _later(monkeypatch)
    assessment.refresh_from_db()
    assert assessment.looks_delayed
    body = client.get(reverse("indicators:detail", args=[assessment.pk])).content.decode()
    assert "后台任务暂未开始" in body
    # Asking again resends the same job instead of queueing a second one.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("indicators:request"), {"year": 2025, "scheme": "quality-2017"})
    assert again.status_code == 302 and Assessment.objects.count() == 1


@pytest.mark.django_db
def test_a_dossier_asked_for_while_the_broker_is_down_waits_queued(
    broker_down, login, bureau, county, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from dossiers.models import Dossier

    client = login(bureau)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dossiers:create"), {"year": 2025, "scheme": "quality-2017"})
    assert time.monotonic() - started < 10
    assert response.status_code == 302
    assert "could not enqueue dossiers.tasks.build_dossier" in caplog.text
    dossier = Dossier.objects.get()
    assert dossier.status == JobStatus.QUEUED
    _later(monkeypatch)
    body = client.get(reverse("dossiers:list")).content.decode()
    assert "后台任务暂未开始" in body
    assert client.get(reverse("dossiers:status", args=[dossier.pk])).status_code == 200


# --- a worker killed in the middle of an assessment --------------------------------------------


@pytest.mark.integration
def test_a_worker_killed_mid_assessment_leaves_it_failed_and_asking_again_computes_it(
    worker, table_lock, bureau, county, school_a, school_b, settings
):
    from balance_inspect.celery import app
    from indicators.models import Assessment
    from indicators.services import assessment_request, input_fingerprint_for
    from indicators.tasks import run_assessment_task
    from tests.conftest import wait_for

    world.small_county(school_a, school_b)
    # The job row as assessment_request makes it; the fingerprint is read before the lock.
    fingerprint = input_fingerprint_for(county, 2025, "quality-2017")
    table_lock.lock("schools_schoolconditions")
    assessment = Assessment.objects.create(
        county=county, year=2025, scheme="quality-2017", fingerprint=fingerprint, requested_by=bureau
    )
    run_assessment_task.apply_async(args=[assessment.pk])

    def running():
        assessment.refresh_from_db()
        return assessment.status == JobStatus.RUNNING and assessment.progress == 10

    wait_for(running, timeout=60, interval=0.05)  # claimed, reading the school data: mid-job
    process = worker["process"]
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    table_lock.end_waiters()
    table_lock.release()
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.RUNNING  # nobody is left to finish or fail it

    settings.JOB_STALE_AFTER_SECONDS = 3600
    assert reap_stale() == 0  # not stale yet: a slow job is not a dead one
    assert reap_stale(now=timezone.now() + timedelta(hours=2)) == 1
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.FAILED and "请重试" in assessment.error

    app.conf.task_always_eager = True  # the worker is gone: the retry runs in-process
    retry = assessment_request(county=county, year=2025, scheme="quality-2017", user=bureau)
    assert retry.pk != assessment.pk and not retry.reused
    retry.refresh_from_db()
    assert retry.status == JobStatus.DONE, retry.error
