"""The daily scan run by a real Celery worker on Redis and PostgreSQL (CI)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dropout_control.models import DropoutCase
from dropout_control.tasks import scan_overdue_cases
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


def test_a_real_worker_flags_overdue_cases(
    celery_worker_process, new_case, township_official, township_a, school_a
):
    case = new_case(township_official, township_a, school_a)
    later = timezone.localdate() + timedelta(days=5)
    scan_overdue_cases.apply_async(args=[later.isoformat()])

    def flagged():
        return DropoutCase.objects.filter(pk=case.pk, overdue_checked_on=later).first()

    checked = wait_for(flagged, timeout=60)
    assert checked.overdue and checked.overdue_keys == ["no_contact"], celery_worker_process[
        "log"
    ].read_text()
    assert "scan_overdue_cases" in celery_worker_process["log"].read_text()
