"""The Django admin is no unaudited back door to a child's case (issue 15, finding 9): opening a
case's objects there is audited like the case page, and the child's identity shows masked."""

import pytest

from accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


def case_views(case):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW, object_type="dropout_control.DropoutCase", object_id=str(case.pk)
    )


@pytest.mark.parametrize("view", ["change", "history"])
def test_opening_a_case_in_the_admin_is_audited(login, admin_user, paper_b, view):
    case = paper_b.case
    response = login(admin_user).get(f"/admin/dropout_control/dropoutcase/{case.pk}/{view}/")
    assert response.status_code == 200
    entry = case_views(case).get()
    assert entry.user == admin_user and entry.county == case.county and "管理后台" in entry.note


@pytest.mark.parametrize("model", ["persuasionlog", "returnnotice", "caseevent"])
def test_opening_a_cases_visit_notice_or_event_in_the_admin_is_audited_on_the_case(
    login, admin_user, paper_b, model
):
    case = paper_b.case
    obj = {
        "persuasionlog": paper_b.visit,
        "returnnotice": paper_b.notice,
        "caseevent": case.events.order_by("pk").first(),
    }[model]
    assert login(admin_user).get(f"/admin/dropout_control/{model}/{obj.pk}/change/").status_code == 200
    assert case_views(case).count() == 1


def test_the_admin_shows_the_childs_identity_masked_and_no_contact_details(login, admin_user, paper_b):
    case = paper_b.case
    page = login(admin_user).get(f"/admin/dropout_control/dropoutcase/{case.pk}/change/").content.decode()
    for secret in (
        case.name,
        case.id_number,
        case.guardian_phone,
        case.household_address,
        case.guardian_name,
    ):
        assert secret not in page, secret
    assert case.id_number[:6] + "********" + case.id_number[-4:] in page


def test_a_missing_case_in_the_admin_writes_no_audit_entry(login, admin_user, paper_b):
    login(admin_user).get("/admin/dropout_control/dropoutcase/999999/change/")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()
