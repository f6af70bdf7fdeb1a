"""Deadlines with time travel (today=), the daily scan task, its mails and the overdue page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from dropout_control import selectors, services
from dropout_control.models import DropoutCase
from dropout_control.tasks import scan_overdue_cases
from tests.dropout_control.casedata import add_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_case(new_case, township_official, township_a, school_a):
    """Absent for 6 days, reported today (in time), nobody has visited yet."""
    township_official.email = "li@example.cn"
    township_official.save()
    return new_case(township_official, township_a, school_a)


def test_a_fresh_case_is_not_overdue(late_case):
    assert late_case.overdue is False and late_case.overdue_reasons == []


def test_no_contact_within_the_first_visit_days_is_overdue(late_case):
    today = timezone.localdate()
    assert services.case_refresh_overdue(late_case, today=today + timedelta(days=3)) == []
    (reason,) = services.case_refresh_overdue(late_case, today=today + timedelta(days=4))
    assert reason.key == "no_contact"
    late_case.refresh_from_db()
    assert late_case.overdue and late_case.overdue_reasons == ["上报已 4 天，超过 3 天仍无家访或联系记录"]


def test_a_logged_visit_clears_the_no_contact_reason(late_case, township_official):
    services.case_refresh_overdue(late_case, today=timezone.localdate() + timedelta(days=5))
    add_visit(township_official, late_case)
    late_case.refresh_from_db()
    assert not late_case.overdue


def test_a_suspected_case_left_unconfirmed_becomes_overdue(late_case, township_official):
    add_visit(township_official, late_case)
    keys = [
        r.key
        for r in services.case_refresh_overdue(late_case, today=late_case.absent_since + timedelta(days=31))
    ]
    assert keys == ["unconfirmed"]


def test_the_deadline_settings_are_honoured(late_case, township_official, settings):
    add_visit(township_official, late_case)
    day = late_case.absent_since + timedelta(days=11)
    assert services.case_refresh_overdue(late_case, today=day) == []
    settings.DROPOUT_CONFIRM_AFTER_DAYS = 10
    assert [r.key for r in services.case_refresh_overdue(late_case, today=day)] == ["unconfirmed"]


def test_an_expired_notice_is_overdue_until_legal_steps_start(served_case, township_official):
    deadline = served_case.notices.get().deadline
    assert services.case_refresh_overdue(served_case, today=deadline) == []
    assert [
        r.key for r in services.case_refresh_overdue(served_case, today=deadline + timedelta(days=1))
    ] == ["notice_expired"]
    case = services.case_start_legal(
        user=township_official, case=served_case, note="责令限期改正", today=deadline + timedelta(days=1)
    )
    assert case.overdue is False


def test_a_close_request_waiting_too_long_is_overdue(late_case, township_official, school_a, settings):
    add_visit(township_official, late_case)
    services.case_request_close(
        user=township_official,
        case=late_case,
        outcome="returned",
        outcome_school=school_a,
        outcome_date=timezone.localdate(),
    )
    later = timezone.localdate() + timedelta(days=settings.DROPOUT_REVIEW_DAYS + 1)
    assert "review_pending" in [r.key for r in services.case_refresh_overdue(late_case, today=later)]


def test_closing_clears_the_flag(late_case, township_official, bureau, school_a):
    services.case_refresh_overdue(late_case, today=timezone.localdate() + timedelta(days=10))
    services.case_request_close(
        user=township_official,
        case=late_case,
        outcome="returned",
        outcome_school=school_a,
        outcome_date=timezone.localdate(),
    )
    services.case_close(user=bureau, case=late_case)
    late_case.refresh_from_db()
    assert not late_case.overdue


def test_the_daily_task_flags_cases_and_mails_the_responsible_person(late_case, case_b):
    later = timezone.localdate() + timedelta(days=5)
    result = scan_overdue_cases.delay(later.isoformat()).get()
    assert result == {"checked": 2, "overdue": 2, "newly_overdue": 2, "mails": 1}
    late_case.refresh_from_db()
    assert late_case.overdue and late_case.overdue_checked_on == later
    (message,) = mail.outbox
    assert message.to == ["li@example.cn"]
    assert late_case.number in message.body and "张**" in message.body
    assert "张小明" not in message.body and late_case.id_number not in message.body
    assert "逾期" in message.subject


def test_the_task_mails_once_per_new_reason(late_case):
    day = timezone.localdate() + timedelta(days=5)
    scan_overdue_cases.delay(day.isoformat())
    scan_overdue_cases.delay(day.isoformat())
    scan_overdue_cases.delay((day + timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 1
    scan_overdue_cases.delay(
        (late_case.absent_since + timedelta(days=31)).isoformat()
    )  # now also unconfirmed
    assert len(mail.outbox) == 2


def test_without_a_responsible_user_the_township_officials_are_mailed(
    late_case, township_official, township_a
):
    from tests.factories import UserFactory

    late_case.responsibles.all().delete()
    UserFactory(
        username="deputy",
        role="township",
        county=township_a.county,
        township=township_a,
        email="deputy@example.cn",
    )
    scan_overdue_cases.delay((timezone.localdate() + timedelta(days=5)).isoformat())
    assert sorted(m.to[0] for m in mail.outbox) == ["deputy@example.cn", "li@example.cn"]


def test_the_task_is_registered_under_the_scheduled_name(settings):
    from balance_inspect.celery import app

    assert scan_overdue_cases.name == "dropout_control.tasks.scan_overdue_cases"
    assert settings.CELERY_BEAT_SCHEDULE["dropout-overdue-daily"]["task"] in app.tasks


def reported_days_ago(case, days):
    """Move a case's report (and absence) ``days`` back in time without any scan running since."""
    DropoutCase.objects.filter(pk=case.pk).update(
        reported_on=F("reported_on") - timedelta(days=days),
        absent_since=F("absent_since") - timedelta(days=days),
    )


def test_the_overdue_page_groups_by_township_and_masks_for_inspectors(
    late_case, case_b, login, bureau, inspector
):
    reported_days_ago(late_case, 5)
    reported_days_ago(case_b, 5)
    page = login(bureau).get(reverse("dropout_control:overdue"))
    groups = page.context["groups"]
    assert [g["township"].name for g in groups] == ["城关镇", "河口乡"]
    assert 'class="warn"' in page.content.decode()
    body = login(inspector).get(reverse("dropout_control:overdue")).content.decode()
    assert late_case.number in body and "张小明" not in body


def test_the_overdue_page_is_scoped(late_case, case_b, login, other_township_official):
    reported_days_ago(late_case, 5)
    reported_days_ago(case_b, 5)
    groups = login(other_township_official).get(reverse("dropout_control:overdue")).context["groups"]
    assert [c.pk for g in groups for c in g["cases"]] == [case_b.pk]


def test_a_case_that_became_overdue_since_the_last_scan_is_overdue_on_every_surface(
    late_case, case_b, login, bureau, settings
):
    """Finding 7: the case page, the list's column, the overdue page and the home/dashboard count
    must agree, even when no scan ran since the case passed its deadline."""
    settings.DASHBOARD_CACHE_SECONDS = 0
    reported_days_ago(late_case, 5)  # no visit within 3 days of the report; case_b is still on time
    late_case.refresh_from_db()
    assert late_case.overdue is False  # the stored flag is stale: nothing rescanned

    client = login(bureau)
    detail = client.get(reverse("dropout_control:detail", args=[late_case.pk])).content.decode()
    assert "逾期：" in detail and "仍无家访或联系记录" in detail

    listed = {c.pk: c.overdue for c in client.get(reverse("dropout_control:list")).context["cases"]}
    assert listed == {late_case.pk: True, case_b.pk: False}
    only_overdue = client.get(reverse("dropout_control:list"), {"overdue": "1"}).context["cases"]
    assert [c.pk for c in only_overdue] == [late_case.pk]

    groups = client.get(reverse("dropout_control:overdue")).context["groups"]
    assert [c.pk for g in groups for c in g["cases"]] == [late_case.pk]
    assert selectors.case_summary(bureau, late_case.county)["overdue"] == 1
    assert "逾期 1 件" in client.get(reverse("home")).content.decode()
