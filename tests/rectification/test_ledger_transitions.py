"""The item workflow: one service per transition, the closing rule, audit of every change."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEntry, Role
from rectification import services
from rectification.models import ItemStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def audits(obj, action):
    return AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk), action=action)


def test_items_are_numbered_per_county(make_item, other_item):
    first, second = make_item(), make_item(problem="第二个问题")
    assert (first.number, second.number, other_item.number) == (1, 2, 1)


def test_create_is_audited_with_new_values(item):
    entry = audits(item, AuditEntry.Action.CREATE).get()
    assert entry.changes["problem"] == [None, "城关小学生均体育运动场馆面积不足"]
    assert entry.changes["schools"] == [[], ["1301230001"]]
    assert entry.county_id == item.county_id


def test_update_is_audited_with_old_and_new_values(item, bureau, school_b):
    services.item_update(
        user=bureau,
        item=item,
        data={"lead_unit": "县教育局基教股", "deadline": date(2025, 7, 31)},
        schools=[school_b],
    )
    entry = audits(item, AuditEntry.Action.UPDATE).get()
    assert entry.changes["lead_unit"] == ["县教育局计财股", "县教育局基教股"]
    assert entry.changes["deadline"] == ["2025-06-30", "2025-07-31"]
    assert entry.changes["schools"] == [["1301230001"], ["1301230002"]]


def test_schools_of_another_county_are_refused(bureau, county, other_school, ledger_data):
    with pytest.raises(ValidationError, match="不属于滨河县"):
        services.item_create(user=bureau, county=county, data=ledger_data(), schools=[other_school])


def test_the_full_path_to_closing(completed_item, bureau, today):
    closed = services.item_close(
        user=bureau, item=completed_item, verification="经实地核查，整改到位。", today=today
    )
    assert closed.status == ItemStatus.CLOSED
    assert (closed.closed_on, closed.closed_by, closed.verification_opinion) == (
        today,
        bureau,
        "经实地核查，整改到位。",
    )
    statuses = [e.changes["status"] for e in audits(closed, AuditEntry.Action.TRANSITION).order_by("id")]
    assert statuses == [["not_started", "in_progress"], ["in_progress", "completed"], ["completed", "closed"]]


def test_closing_without_evidence_is_refused(item, bureau):
    services.item_complete(user=bureau, item=item)
    with pytest.raises(ValidationError, match="至少上传一份佐证材料"):
        services.item_close(user=bureau, item=item, verification="已核查")
    item.refresh_from_db()
    assert item.status == ItemStatus.COMPLETED


def test_closing_without_a_verification_note_is_refused(completed_item, bureau):
    with pytest.raises(ValidationError, match="核查意见"):
        services.item_close(user=bureau, item=completed_item, verification="   ")


@pytest.mark.parametrize("persona", ["inspector", "admin_user", "other_bureau", "township_official"])
def test_only_bureau_staff_of_the_county_close(completed_item, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.item_close(user=user, item=completed_item, verification="已核查")


def test_an_item_not_yet_completed_cannot_be_closed(item, bureau, pdf_upload):
    services.evidence_add(user=bureau, item=item, upload=pdf_upload())
    with pytest.raises(ValidationError, match="当前状态为“未启动”，不能变更为“已销号”"):
        services.item_close(user=bureau, item=item, verification="已核查")


@pytest.mark.parametrize(
    ("steps", "transition"),
    [
        (["start"], "start"),  # 推进中 → 推进中
        (["complete"], "complete"),  # 已完成 → 已完成
        ([], "long_term"),  # 未启动 → 长期坚持
        ([], "reopen"),  # 未启动 → 推进中 by reopening
    ],
)
def test_illegal_transitions_are_refused(item, bureau, steps, transition):
    calls = {
        "start": lambda: services.item_start(user=bureau, item=item),
        "complete": lambda: services.item_complete(user=bureau, item=item),
        "long_term": lambda: services.item_mark_long_term(user=bureau, item=item, note="长效"),
        "reopen": lambda: services.item_reopen(user=bureau, item=item, reason="复查发现问题"),
    }
    for step in steps:
        calls[step]()
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="不能变更为"):
        calls[transition]()
    assert AuditEntry.objects.count() == before


def test_long_term_needs_a_note_and_can_then_be_closed(item, bureau, pdf_upload):
    services.item_start(user=bureau, item=item)
    with pytest.raises(ValidationError, match="长效机制"):
        services.item_mark_long_term(user=bureau, item=item, note="")
    services.item_mark_long_term(user=bureau, item=item, note="每学期检查")
    services.evidence_add(user=bureau, item=item, upload=pdf_upload())
    assert (
        services.item_close(user=bureau, item=item, verification="长效机制运行良好").status
        == ItemStatus.CLOSED
    )


def test_reopening_a_closed_item_clears_the_closer(completed_item, bureau):
    services.item_close(user=bureau, item=completed_item, verification="已核查")
    reopened = services.item_reopen(user=bureau, item=completed_item, reason="复查发现反弹")
    assert (reopened.status, reopened.closed_on, reopened.closed_by) == (ItemStatus.IN_PROGRESS, None, None)
    entry = audits(reopened, AuditEntry.Action.TRANSITION).latest("id")
    assert entry.note == "复查发现反弹"
    assert entry.changes["status"] == ["closed", "in_progress"]


def test_reopen_needs_a_reason(completed_item, bureau):
    with pytest.raises(ValidationError, match="原因"):
        services.item_reopen(user=bureau, item=completed_item, reason="")


def test_a_closed_item_is_frozen(completed_item, bureau, pdf_upload, today):
    services.item_close(user=bureau, item=completed_item, verification="已核查")
    with pytest.raises(ValidationError, match="已销号"):
        services.item_update(user=bureau, item=completed_item, data={"problem": "改写"})
    with pytest.raises(ValidationError, match="已销号"):
        services.progress_add(user=bureau, item=completed_item, date=today, text="再补一条")
    with pytest.raises(ValidationError, match="已销号"):
        services.evidence_add(user=bureau, item=completed_item, upload=pdf_upload())


@pytest.mark.parametrize("persona", ["inspector", "township_official", "reporter"])
def test_readers_and_area_users_cannot_change_items(item, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.item_start(user=user, item=item)
    with pytest.raises(PermissionDenied):
        services.item_update(user=user, item=item, data={"problem": "x"})


def test_bureau_of_another_county_cannot_change_items(item, other_bureau):
    with pytest.raises(PermissionDenied):
        services.item_start(user=other_bureau, item=item)


def test_admin_may_maintain_items_but_not_close_them(completed_item, admin_user):
    services.item_update(user=admin_user, item=completed_item, data={"remarks": "管理员补录"})
    with pytest.raises(PermissionDenied):
        services.item_close(user=admin_user, item=completed_item, verification="已核查")


def test_progress_entries_are_audited(item, bureau, today):
    entry = services.progress_add(user=bureau, item=item, date=today, text="已完成招标")
    audit = AuditEntry.objects.get(object_type="rectification.ProgressEntry", object_id=str(entry.pk))
    assert audit.changes["text"] == [None, "已完成招标"]
    assert audit.county_id == item.county_id


def test_another_bureau_user_of_the_same_county_may_close(completed_item, county):
    colleague = UserFactory(username="colleague", role=Role.BUREAU, county=county, display_name="钱干事")
    closed = services.item_close(user=colleague, item=completed_item, verification="已核查")
    assert closed.closed_by == colleague
