"""The demo_seeded receiver: realistic, consistent and deterministic rows."""

import random

import pytest

from dropout_control import rules
from dropout_control.demo import seed_dropout_demo
from dropout_control.models import (
    CaseStatus,
    CohortFigure,
    DropoutCase,
    RegisterCheck,
    ResponsibilityLetter,
    ReturnNotice,
)
from schools.idcard import is_valid_id_number
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(bureau, inspector, township_official, reporter, admin_user, school_a, school_b, township_a):
    SchoolFactory(township=township_a, code="1301230003", name="城关中学", school_type="初中")
    return {
        "bureau": bureau,
        "inspector": inspector,
        "township": township_official,
        "school": reporter,
        "admin": admin_user,
    }


def seed(county, users, seed=2025):
    seed_dropout_demo(sender=None, county=county, users=users, year=2025, rng=random.Random(seed))


def test_the_demo_fills_every_state_consistently(county, demo_users):
    seed(county, demo_users)
    cases = list(DropoutCase.objects.all())
    assert len(cases) == 26
    assert {c.status for c in cases} == set(CaseStatus.values)
    assert all(is_valid_id_number(c.id_number) for c in cases)
    assert any(c.overdue for c in cases) and any(c.close_pending for c in cases)
    for c in cases:
        if c.status == CaseStatus.CLOSED:
            assert c.reviewer_id and c.reviewer_id != c.close_requested_by_id
            assert (
                rules.closing_problems(
                    status=c.closed_from,
                    outcome=c.outcome,
                    has_return_school=c.outcome_school_id is not None,
                    return_date=c.outcome_date,
                    has_proof_file=False,
                    proof_note=c.outcome_note,
                    absent_since=c.absent_since,
                    today=c.closed_on,
                )
                == []
            )
        if c.status in (CaseStatus.NOTICE_SERVED, CaseStatus.LEGAL):
            assert c.notices.filter(delivered_on__isnull=False).exists()
        assert c.events.first().kind == "created"
    assert ReturnNotice.objects.values("seq").distinct().count() == ReturnNotice.objects.count()
    assert ResponsibilityLetter.objects.exists() and RegisterCheck.objects.exists()
    assert CohortFigure.objects.filter(junior_graduates__gt=0).exists()


def test_the_demo_is_deterministic(county, demo_users):
    seed(county, demo_users)
    first = list(DropoutCase.objects.order_by("number").values_list("name", "id_number", "status"))
    DropoutCase.objects.all().delete()
    for model in (ResponsibilityLetter, RegisterCheck, CohortFigure):
        model.objects.all().delete()
    seed(county, demo_users)
    assert list(DropoutCase.objects.order_by("number").values_list("name", "id_number", "status")) == first
