"""Every change of school data, cases, rectification items, assessments and dossiers, and every
view of a case's personal data, leaves an AuditEntry: who, when, what (old → new for updates).
Audit entries cannot be changed or deleted through the app.

Everything is done through the pages (the test client), as a user would.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.urls import get_resolver, reverse
from django.utils import timezone

from accounts.models import AuditEntry
from dropout_control.models import CaseStatus, DropoutCase
from rectification.models import ItemStatus, RectificationItem
from tests.dropout_control.casedata import make_id
from tests.factories import ConditionsFactory
from tests.security import world

pytestmark = pytest.mark.django_db

A = AuditEntry.Action


class Trail:
    """The audit entries written since the last call of `new()`."""

    def __init__(self):
        self.mark = AuditEntry.objects.aggregate(m=Max("id"))["m"] or 0

    def new(self) -> list[AuditEntry]:
        entries = list(AuditEntry.objects.filter(id__gt=self.mark).order_by("id"))
        if entries:
            self.mark = entries[-1].id
        return entries


@pytest.fixture
def trail():
    return Trail()


def one(entries, *, user, action, object_type, object_id=None) -> AuditEntry:
    """The entry of `user` doing `action` on the object, stamped now; fails with what was written."""
    found = [
        e
        for e in entries
        if e.action == action
        and e.object_type == object_type
        and (object_id is None or e.object_id == str(object_id))
    ]
    assert found, (
        f"no {action} of {object_type} {object_id or ''} in {[(e.action, e.object_type) for e in entries]}"
    )
    entry = found[-1]
    assert entry.user_id == user.pk and entry.username == user.username
    assert abs((timezone.now() - entry.at).total_seconds()) < 120
    assert entry.county_id is not None
    return entry


# --- school data --------------------------------------------------------------------------------


def test_conditions_edit_and_add_are_audited_with_old_and_new_values(login, bureau, school_a, trail):
    conditions = ConditionsFactory(school=school_a, year=2025, books=12000, computers=60)
    client = login(bureau)
    data = {
        "primary_students": 400,
        "junior_students": 0,
        "senior_students": 0,
        "building_area": 2200,
        "sports_area": 3500,
        "equipment_value": 900000,
        "computers": 61,
        "books": 15000,
        "multimedia_rooms": 12,
    }
    client.post(reverse("schools:conditions_edit", args=[school_a.code, 2025]), data)
    entry = one(
        trail.new(),
        user=bureau,
        action=A.UPDATE,
        object_type="schools.SchoolConditions",
        object_id=conditions.pk,
    )
    assert entry.changes["books"] == [12000, 15000] and entry.changes["computers"] == [60, 61]
    assert "primary_students" not in entry.changes  # only what changed

    client.post(reverse("schools:conditions_add", args=[school_a.code]), {**data, "year": 2024})
    entry = one(trail.new(), user=bureau, action=A.CREATE, object_type="schools.SchoolConditions")
    assert entry.changes["books"] == [None, 15000]


def test_a_school_import_is_audited_when_applied(login, bureau, school_a, trail):
    headers = [
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
    body = world.xlsx_bytes(headers, [[2025, school_a.code, 400, 0, 2200, 3500, 900000, 60, 12000, 12]])
    client = login(bureau)
    response = client.post(
        reverse("schools:import_start"),
        {"kind": "conditions", "file": SimpleUploadedFile("办学条件.xlsx", body)},
    )
    assert not [e for e in trail.new() if e.action == A.IMPORT]  # a preview changes nothing
    record_pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    client.post(reverse("schools:import_confirm", args=[record_pk]))
    entry = one(
        trail.new(), user=bureau, action=A.IMPORT, object_type="schools.ImportRecord", object_id=record_pk
    )
    assert entry.changes == {"created": 1, "updated": 0, "rows": 1}


def test_approved_posts_and_workforce_imports_are_audited(login, bureau, school_a, trail):
    client = login(bureau)
    client.post(reverse("workforce:posts_set", args=[school_a.code]), {"year": 2025, "posts": 20})
    one(trail.new(), user=bureau, action=A.CREATE, object_type="workforce.ApprovedPosts")
    client.post(reverse("workforce:posts_set", args=[school_a.code]), {"year": 2025, "posts": 22})
    entry = one(trail.new(), user=bureau, action=A.UPDATE, object_type="workforce.ApprovedPosts")
    assert entry.changes["posts"] == [20, 22]


# --- cases --------------------------------------------------------------------------------------


def _case_form(township, school, **over):
    data = {
        "township": township.pk,
        "school": school.pk,
        "village": "东村",
        "kind": "dropout",
        "name": "张小明",
        "sex": "male",
        "ethnicity": "汉族",
        "birth_date": "2012-03-05",
        "id_number": make_id(),
        "household_address": "滨河县城关镇东村 12 号",
        "grade": 7,
        "class_name": "2班",
        "absent_since": (timezone.localdate() - timedelta(days=6)).isoformat(),
        "guardian_name": "张大山",
        "guardian_relation": "父亲",
        "guardian_phone": "13800000000",
        "reason": "learning",
    }
    data.update(over)
    return data


def test_a_case_is_audited_at_every_step_of_its_workflow(
    login, township_official, bureau, township_a, school_a, trail, monkeypatch
):
    official, staff = login(township_official), login(bureau)
    url = lambda name, pk: reverse(f"dropout_control:{name}", args=[pk])  # noqa: E731
    T = "dropout_control.DropoutCase"

    official.post(reverse("dropout_control:create"), _case_form(township_a, school_a))
    case = DropoutCase.objects.get()
    entry = one(trail.new(), user=township_official, action=A.CREATE, object_type=T, object_id=case.pk)
    assert entry.changes["village"] == [None, "东村"]
    assert case.id_number not in str(entry.changes) and "张小明" not in entry.object_repr  # masked

    official.post(
        url("edit", case.pk), _case_form(township_a, school_a, village="西村", id_number=case.id_number)
    )
    entry = one(trail.new(), user=township_official, action=A.UPDATE, object_type=T, object_id=case.pk)
    assert entry.changes["village"] == ["东村", "西村"]

    def step(client, user, name, data, *, pk=None, action=A.TRANSITION, status=None):
        response = client.post(url(name, pk or case.pk), data)
        assert response.status_code == 302, (name, response.content.decode()[:3000])
        entry = one(trail.new(), user=user, action=action, object_type=T, object_id=case.pk)
        if status:
            assert entry.changes["status"][1] == status, (name, entry.changes)
        return entry

    step(official, township_official, "confirm", {"note": "连续缺课，入户核实"}, status=CaseStatus.CONFIRMED)
    official.post(
        url("visit_create", case.pk),
        {
            "visited_on": case.absent_since.isoformat(),
            "method": "home_visit",
            "gov_people": "村干部",
            "edu_people": "班主任",
            "result": "undecided",
            "result_detail": "",
            "attachment_file": world.pdf_upload(),
        },
    )
    one(trail.new(), user=township_official, action=A.CREATE, object_type="dropout_control.PersuasionLog")
    step(official, township_official, "start_persuasion", {"note": ""}, status=CaseStatus.PERSUADING)
    official.post(url("notice_issue", case.pk), {"school": school_a.pk})
    notice = case.notices.get()
    one(
        trail.new(),
        user=township_official,
        action=A.CREATE,
        object_type="dropout_control.ReturnNotice",
        object_id=notice.pk,
    )
    step(
        official,
        township_official,
        "notice_serve",
        {
            "delivered_on": timezone.localdate().isoformat(),
            "delivery_method": "in_person",
            "receiver": "张大山",
        },
        pk=notice.pk,
        status=CaseStatus.NOTICE_SERVED,
    )

    # Past the notice's deadline. Only the calendar day moves (timezone.now drives session expiry).
    later = timezone.localdate() + timedelta(days=30)
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: later)
    step(official, township_official, "start_legal", {"note": "书面责令限期改正"}, status=CaseStatus.LEGAL)
    official.post(
        url("responsible", case.pk), {"gov_village_name": "村支书王某", "gov_village_phone": "13900000000"}
    )
    one(trail.new(), user=township_official, action=A.UPDATE, object_type=T, object_id=case.pk)
    step(
        official,
        township_official,
        "close_request",
        {
            "outcome": "returned",
            "outcome_school": school_a.pk,
            "outcome_date": later.isoformat(),
            "outcome_note": "已返校",
        },
        action=A.UPDATE,
    )
    step(staff, bureau, "reject_close", {"note": "缺少返校证明"}, action=A.UPDATE)
    step(
        official,
        township_official,
        "close_request",
        {
            "outcome": "returned",
            "outcome_school": school_a.pk,
            "outcome_date": later.isoformat(),
            "outcome_note": "已返校，附班主任证明",
            "proof": world.pdf_upload(),
        },
        action=A.UPDATE,
    )
    entry = step(staff, bureau, "close", {"note": "材料齐全"}, status=CaseStatus.CLOSED)
    assert entry.changes["reviewer"] == [None, str(bureau)]
    step(staff, bureau, "reopen", {"note": "再次辍学"})


def test_every_view_of_a_cases_personal_data_is_audited(
    login, township_official, bureau, township_a, school_a, trail
):
    paper = world.case_with_paperwork(township_official, township_a, school_a)
    proof_case = world.closed_request_case(township_official, township_a, school_a, name="赵小刚")
    trail.new()
    client = login(bureau)
    views = {
        "detail": (reverse("dropout_control:detail", args=[paper.case.pk]), A.VIEW, paper.case),
        "notice PDF": (reverse("dropout_control:notice_pdf", args=[paper.notice.pk]), A.VIEW, paper.case),
        "visit attachment": (
            reverse("dropout_control:visit_attachment", args=[paper.visit.pk]),
            A.VIEW,
            paper.case,
        ),
        "proof": (reverse("dropout_control:proof", args=[proof_case.pk]), A.VIEW, proof_case),
    }
    for where, (url, action, case) in views.items():
        response = client.get(url)
        assert response.status_code == 200, where
        one(
            trail.new(),
            user=bureau,
            action=action,
            object_type="dropout_control.DropoutCase",
            object_id=case.pk,
        )
    assert client.get(reverse("dropout_control:ledger_export")).status_code == 200
    entry = one(trail.new(), user=bureau, action=A.EXPORT, object_type="dropout_control.DropoutCase")
    assert "个人信息" in entry.note


def test_ledger_import_letters_and_register_checks_are_audited(
    login, bureau, township_official, township_a, school_a, trail
):
    letter = world.letter_with_scan(township_official, township_a)
    one(
        trail.new(),
        user=township_official,
        action=A.CREATE,
        object_type="dropout_control.ResponsibilityLetter",
        object_id=letter.pk,
    )
    world.letter_with_scan(township_official, township_a)  # the same line and year again: an update
    one(
        trail.new(),
        user=township_official,
        action=A.UPDATE,
        object_type="dropout_control.ResponsibilityLetter",
        object_id=letter.pk,
    )
    client = login(bureau)
    client.post(
        reverse("dropout_control:register_check_create"),
        {
            "school": school_a.pk,
            "year": 2025,
            "term": 1,
            "done_on": timezone.localdate().isoformat(),
            "on_register": 400,
            "at_school": 399,
            "suspected_found": 1,
            "note": "",
        },
    )
    one(trail.new(), user=bureau, action=A.CREATE, object_type="dropout_control.RegisterCheck")


# --- rectification ------------------------------------------------------------------------------


def _item_form(**over):
    data = {
        "source": "provincial",
        "source_no": 3,
        "source_date": "2025-03-18",
        "source_team": "省督导组",
        "source_item": "",
        "problem": "运动场面积不足",
        "indicator": "sports_area_pp",
        "stage": "primary",
        "year": 2025,
        "target": "达到 7.5 ㎡",
        "measures": "改扩建",
        "lead_unit": "计财股",
        "cooperating_units": "",
        "responsible_person": "王科长",
        "deadline": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "remarks": "",
    }
    data.update(over)
    return data


def test_a_rectification_item_is_audited_at_every_step(login, bureau, county, trail):
    client = login(bureau)
    T = "rectification.RectificationItem"
    client.post(reverse("rectification:create"), _item_form())
    item = RectificationItem.objects.get()
    entry = one(trail.new(), user=bureau, action=A.CREATE, object_type=T, object_id=item.pk)
    assert entry.changes["problem"] == [None, "运动场面积不足"]

    client.post(reverse("rectification:edit", args=[item.pk]), _item_form(measures="新建运动场"))
    entry = one(trail.new(), user=bureau, action=A.UPDATE, object_type=T, object_id=item.pk)
    assert entry.changes["measures"] == ["改扩建", "新建运动场"]

    def step(name, data, status):
        client.post(reverse(f"rectification:{name}", args=[item.pk]), data)
        entry = one(trail.new(), user=bureau, action=A.TRANSITION, object_type=T, object_id=item.pk)
        assert entry.changes["status"][1] == status, (name, entry.changes)

    step("start", {}, ItemStatus.IN_PROGRESS)
    client.post(
        reverse("rectification:progress_add", args=[item.pk]),
        {"date": timezone.localdate().isoformat(), "text": "已完成招标"},
    )
    one(trail.new(), user=bureau, action=A.CREATE, object_type="rectification.ProgressEntry")
    client.post(
        reverse("rectification:evidence_upload", args=[item.pk]), {"file": world.pdf_upload("验收.pdf")}
    )
    entry = one(trail.new(), user=bureau, action=A.CREATE, object_type="rectification.EvidenceFile")
    assert entry.changes["file"] == [None, "验收.pdf"]
    step("complete", {}, ItemStatus.COMPLETED)
    step("close", {"verification": "经实地核查整改到位"}, ItemStatus.CLOSED)
    step("reopen", {"reason": "复查发现反弹"}, ItemStatus.IN_PROGRESS)
    step("long_term", {"note": "每年复核"}, ItemStatus.LONG_TERM)


def test_county_item_evidence_upload_and_delete_are_audited(login, bureau, county, trail):
    client = login(bureau)
    client.post(
        reverse("indicators:item_save", args=[2025, "special_education_funding"]),
        {
            "special_education_funding-funds_wan": "65",
            "special_education_funding-students": "100",
            "special_education_funding-note": "",
            "special_education_funding-files": world.pdf_upload("拨付文件.pdf"),
        },
    )
    entries = trail.new()
    one(entries, user=bureau, action=A.CREATE, object_type="indicators.CountyItemValue")
    evidence = one(entries, user=bureau, action=A.CREATE, object_type="indicators.CountyItemEvidence")
    client.post(
        reverse("indicators:item_save", args=[2025, "special_education_funding"]),
        {
            "special_education_funding-funds_wan": "70",
            "special_education_funding-students": "100",
            "special_education_funding-note": "",
        },
    )
    entry = one(trail.new(), user=bureau, action=A.UPDATE, object_type="indicators.CountyItemValue")
    assert [Decimal(str(v)) for v in entry.changes["value"]] == [Decimal(6500), Decimal(7000)]
    assert entry.changes["inputs"] == [
        {"funds_wan": "65", "students": "100"},
        {"funds_wan": "70", "students": "100"},
    ]
    client.post(reverse("indicators:evidence_delete", args=[evidence.object_id]))
    one(
        trail.new(),
        user=bureau,
        action=A.DELETE,
        object_type="indicators.CountyItemEvidence",
        object_id=evidence.object_id,
    )


# --- assessments and dossiers ---------------------------------------------------------------------


def test_assessment_and_dossier_requests_and_retries_are_audited(
    login, bureau, county, school_a, school_b, trail, django_capture_on_commit_callbacks
):
    from balance_inspect.jobs import JobStatus
    from dossiers.models import Dossier

    world.small_county(school_a, school_b)
    client = login(bureau)
    with django_capture_on_commit_callbacks(execute=False):  # only the rows matter here
        client.post(reverse("indicators:request"), {"year": 2025, "scheme": "quality-2017"})
        one(trail.new(), user=bureau, action=A.CREATE, object_type="indicators.Assessment")
        client.post(reverse("dossiers:create"), {"year": 2025, "scheme": "quality-2017"})
        dossier = Dossier.objects.get()
        one(trail.new(), user=bureau, action=A.CREATE, object_type="dossiers.Dossier", object_id=dossier.pk)
        Dossier.objects.filter(pk=dossier.pk).update(status=JobStatus.FAILED, error="测试")
        client.post(reverse("dossiers:retry", args=[dossier.pk]))
    entry = one(
        trail.new(), user=bureau, action=A.UPDATE, object_type="dossiers.Dossier", object_id=dossier.pk
    )
    assert entry.note == "重试生成"


# --- the trail itself cannot be changed -------------------------------------------------------------


def test_no_url_changes_or_deletes_audit_entries():
    names = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                names.append((prefix + str(p.pattern), p.name or ""))

    walk(get_resolver().url_patterns)
    audit_urls = [
        (route, name) for route, name in names if "audit" in route.lower() or "audit" in name.lower()
    ]
    non_admin = [u for u in audit_urls if not u[0].startswith("admin/")]
    assert non_admin == [("accounts/audit/", "audit")]


def test_posting_to_the_audit_page_changes_nothing(login, admin_user, bureau, county):
    from accounts.services import audit_record

    entry = audit_record(user=bureau, action="update", object_type="x", note="原始", county=county)
    client = login(admin_user)
    client.post(reverse("accounts:audit"), {"note": "篡改", "id": entry.pk, "action": "delete"})
    entry.refresh_from_db()
    assert entry.note == "原始" and AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_shows_audit_entries_read_only(login, admin_user, bureau, county):
    from accounts.services import audit_record

    entry = audit_record(user=bureau, action="update", object_type="x", note="原始", county=county)
    client = login(admin_user)
    change = f"/admin/accounts/auditentry/{entry.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(change, {"note": "篡改", "username": "x", "action": "delete", "object_type": "y"})
    assert client.get(f"/admin/accounts/auditentry/{entry.pk}/delete/").status_code == 403
    client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/", {"post": "yes"})
    client.post(
        "/admin/accounts/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert client.get("/admin/accounts/auditentry/add/").status_code == 403
    entry.refresh_from_db()
    assert entry.note == "原始"


def test_no_app_code_updates_or_deletes_audit_rows_in_bulk():
    """The model refuses save() of an existing row and delete() (tests/accounts); a queryset
    .update()/.delete() would bypass that, so no app code may call one on AuditEntry."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"AuditEntry\.objects[^\n]*\.(update|delete|bulk_update)\(")
    offenders = []
    for path in root.glob("*/**/*.py"):
        if {".venv", "tests", "migrations"} & set(path.relative_to(root).parts):
            continue
        if pattern.search(path.read_text()):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_viewing_the_case_list_with_names_is_audited_and_the_masked_one_is_not(
    login, township_official, inspector, township_a, school_a, trail
):
    world.file_case(township_official, township_a, school_a)
    trail.new()
    login(township_official).get("/dropout/?status=suspected")
    entry = one(trail.new(), user=township_official, action=A.VIEW, object_type="dropout_control.DropoutCase")
    assert entry.object_repr.startswith("个案列表") and "status=suspected" in entry.note
    login(inspector).get("/dropout/")  # masked names: nothing personal was shown
    assert not [e for e in trail.new() if e.action == A.VIEW]
