"""Countdown and the backward plan: deadlines from the inspection date, rescheduling, due lists."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEntry, Role
from rectification import selectors, services
from rectification.models import PrepTask, PrepTaskTemplate, TaskStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INSPECTION = date(2025, 11, 20)


@pytest.fixture
def planned(bureau, county):
    services.county_set_inspection_date(user=bureau, county=county, inspection_date=INSPECTION)
    county.refresh_from_db()
    services.plan_create(user=bureau, county=county)
    return county


def task(county, key):
    return PrepTask.objects.get(county=county, template__key=key)


def test_the_templates_are_seeded():
    assert PrepTaskTemplate.objects.filter(active=True).count() >= 8
    assert PrepTaskTemplate.objects.get(key="drill").days_before == 7


def test_creating_the_plan_counts_deadlines_back_from_the_inspection(planned):
    assert task(planned, "report").deadline == date(2025, 10, 21)  # T-30
    assert task(planned, "archive").deadline == date(2025, 10, 31)  # T-20
    assert task(planned, "drill").deadline == date(2025, 11, 13)  # T-7
    assert task(planned, "drill").offset_label == "T-7"


def test_creating_the_plan_twice_adds_nothing(planned, bureau):
    count = PrepTask.objects.filter(county=planned).count()
    assert services.plan_create(user=bureau, county=planned) == 0
    assert PrepTask.objects.filter(county=planned).count() == count


def test_the_plan_needs_an_inspection_date(bureau, county):
    with pytest.raises(ValidationError, match="请先设置国检日期"):
        services.plan_create(user=bureau, county=county)


def test_moving_the_inspection_date_reschedules_open_template_tasks_only(planned, bureau):
    done = task(planned, "plan")
    services.task_complete(user=bureau, task=done, today=date(2025, 9, 20))
    manual = task(planned, "survey")
    services.task_update(user=bureau, task=manual, data={"deadline": date(2025, 10, 1)})
    custom = services.task_create(
        user=bureau,
        county=planned,
        data={"title": "接待路线踏勘", "owner_unit": "办公室", "deadline": date(2025, 11, 1)},
    )

    moved = services.county_set_inspection_date(
        user=bureau, county=planned, inspection_date=INSPECTION + timedelta(days=10)
    )

    assert task(planned, "drill").deadline == date(2025, 11, 23)  # still T-7
    assert task(planned, "report").deadline == date(2025, 10, 31)  # still T-30
    assert task(planned, "plan").deadline == date(2025, 9, 21)  # done: left where it was
    assert task(planned, "survey").deadline == date(2025, 10, 1)  # set by hand: left alone
    custom.refresh_from_db()
    assert custom.deadline == date(2025, 11, 1)
    assert moved == PrepTask.objects.filter(county=planned, template__isnull=False).count() - 2
    audit = AuditEntry.objects.filter(
        object_type="rectification.PrepTask",
        object_id=str(task(planned, "drill").pk),
        action=AuditEntry.Action.UPDATE,
    ).latest("id")
    assert audit.changes["deadline"] == ["2025-11-13", "2025-11-23"]


def test_setting_the_inspection_date_is_audited(bureau, county):
    services.county_set_inspection_date(user=bureau, county=county, inspection_date=INSPECTION)
    entry = AuditEntry.objects.get(object_type="schools.County", object_id=str(county.pk))
    assert entry.changes == {"inspection_date": [None, "2025-11-20"]}


def test_task_transitions(planned, bureau):
    t = task(planned, "drill")
    services.task_start(user=bureau, task=t)
    with pytest.raises(ValidationError, match="不能变更为"):
        services.task_start(user=bureau, task=t)
    done = services.task_complete(user=bureau, task=t, today=date(2025, 11, 12))
    assert (done.status, done.completed_on) == (TaskStatus.DONE, date(2025, 11, 12))
    reopened = services.task_reopen(user=bureau, task=t)
    assert (reopened.status, reopened.completed_on) == (TaskStatus.TODO, None)


def test_inspectors_cannot_change_the_plan(planned, inspector):
    with pytest.raises(PermissionDenied):
        services.county_set_inspection_date(user=inspector, county=planned, inspection_date=INSPECTION)
    with pytest.raises(PermissionDenied):
        services.task_complete(user=inspector, task=task(planned, "drill"))


def test_overdue_and_due_soon_lists_travel_in_time(planned, make_item, bureau):
    make_item(problem="逾期事项", deadline=date(2025, 10, 25))
    make_item(problem="近期事项", deadline=date(2025, 11, 3))
    make_item(problem="远期事项", deadline=date(2025, 12, 31))

    lists = selectors.deadline_lists(planned, today=date(2025, 10, 30))

    overdue = [r["title"] for r in lists["overdue"]]
    due_soon = [r["title"] for r in lists["due_soon"]]
    assert any("逾期事项" in t for t in overdue)
    assert "县级自评报告定稿" in overdue  # T-30 = 10-21
    assert "社会认可度调查完成" in overdue  # T-25 = 10-26
    assert "迎检档案整理归档" in due_soon  # T-20 = 10-31
    assert any("近期事项" in t for t in due_soon)
    assert not any("远期事项" in t for t in overdue + due_soon)
    assert "迎检演练" not in due_soon  # 11-13 is 14 days away
    assert lists["overdue"][0]["late"] > 0

    later = selectors.deadline_lists(planned, today=date(2025, 11, 8))
    assert "迎检演练" in [r["title"] for r in later["due_soon"]]


def test_due_soon_window_is_a_setting(planned, settings):
    settings.RECTIFICATION_DUE_SOON_DAYS = 15
    lists = selectors.deadline_lists(planned, today=date(2025, 10, 30))
    assert "迎检演练" in [r["title"] for r in lists["due_soon"]]


def test_my_list_shows_only_my_units_items_and_tasks(planned, make_item, county):
    staff = UserFactory(
        username="jicai", role=Role.BUREAU, county=county, unit="县教育局计财股", display_name="刘建国"
    )
    make_item(problem="计财股的事项", lead_unit="县教育局计财股", deadline=date(2025, 10, 25))
    make_item(
        problem="人事股的事项",
        lead_unit="县教育局人事股",
        responsible_person="陈红",
        deadline=date(2025, 10, 25),
    )
    make_item(
        problem="点名刘建国",
        lead_unit="县教育局基教股",
        responsible_person="刘建国",
        deadline=date(2025, 10, 26),
    )
    owned = task(planned, "drill")
    owned.owner_user = staff
    owned.save()

    lists = selectors.deadline_lists(planned, today=date(2025, 11, 8), user=staff)

    titles = [r["title"] for r in lists["overdue"] + lists["due_soon"]]
    assert any("计财股的事项" in t for t in titles)
    assert any("点名刘建国" in t for t in titles)
    assert not any("人事股的事项" in t for t in titles)
    assert "迎检演练" in titles  # owner user
    assert "学校基础数据核查与指标测算" in titles  # owner unit 县教育局计财股
    assert "迎检档案整理归档" not in titles  # 督导室


def test_a_task_owner_must_belong_to_the_county(planned, bureau, other_bureau):
    with pytest.raises(ValidationError, match="责任人不属于本县"):
        services.task_update(user=bureau, task=task(planned, "drill"), data={"owner_user": other_bureau})
