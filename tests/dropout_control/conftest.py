"""Fixtures of the dropout-control tests: valid ID numbers and cases filed through the services."""

import pytest
from django.utils import timezone

from dropout_control import services
from tests.dropout_control.casedata import add_visit, ledger_data


@pytest.fixture
def new_case():
    """new_case(user, township, school=None, **ledger overrides) -> a case filed through case_create."""

    def make(user, township, school=None, **overrides):
        return services.case_create(user=user, data=ledger_data(township, school, **overrides))

    return make


@pytest.fixture
def case_a(new_case, township_official, township_a, school_a):
    """A suspected case of 城关镇 / 城关小学, filed by the township official."""
    return new_case(township_official, township_a, school_a)


@pytest.fixture
def case_b(new_case, other_township_official, township_b, school_b):
    """A suspected case of 河口乡 / 河口小学."""
    return new_case(other_township_official, township_b, school_b, name="李小红", male=False)


@pytest.fixture
def persuading_case(case_a, township_official):
    """case_a moved to 劝返中 with one logged visit."""
    services.case_confirm(user=township_official, case=case_a, note="缺课超过 30 天，入户核实")
    add_visit(township_official, case_a)
    return services.case_start_persuasion(user=township_official, case=case_a)


@pytest.fixture
def served_case(persuading_case, township_official, school_a):
    """persuading_case with a notice issued and served today."""
    notice = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    case = services.case_serve_notice(
        user=township_official,
        notice=notice,
        delivered_on=timezone.localdate(),
        method="in_person",
        receiver="张大山",
    )
    return case
