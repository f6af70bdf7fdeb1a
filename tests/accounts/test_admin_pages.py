"""User management, audit page and two-factor: who may use them and what they record."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry, Role, User
from accounts.services import audit_record

pytestmark = pytest.mark.django_db


def test_admin_creates_a_township_official_with_area_derived_from_township(login, admin_user, township_a):
    response = login(admin_user).post(
        "/accounts/users/new/",
        {
            "username": "newtown",
            "display_name": "新乡镇员",
            "role": Role.TOWNSHIP,
            "township": township_a.pk,
            "password": "Long-enough-pass-1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newtown")
    assert user.township == township_a and user.county == township_a.county
    assert AuditEntry.objects.filter(action="create", object_id=str(user.pk)).exists()


def test_weak_password_is_refused_with_a_chinese_message(login, admin_user, county):
    response = login(admin_user).post(
        "/accounts/users/new/",
        {
            "username": "weak",
            "role": Role.BUREAU,
            "county": county.pk,
            "password": "12345678",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()
    assert "密码" in response.content.decode()


@pytest.mark.parametrize("persona", ["bureau", "inspector", "township_official", "reporter"])
def test_only_admins_manage_users(request, login, persona):
    user = request.getfixturevalue(persona)
    assert login(user).get("/accounts/users/").status_code == 403
    assert login(user).post("/accounts/users/new/", {"username": "x"}).status_code == 403


def test_bureau_sees_audit_of_own_county_only(login, bureau, other_bureau, county, other_county):
    audit_record(
        user=bureau, action="update", object_type="schools.School", object_repr="城关小学", county=county
    )
    audit_record(
        user=other_bureau,
        action="update",
        object_type="schools.School",
        object_repr="山前小学",
        county=other_county,
    )
    body = login(bureau).get("/accounts/audit/").content.decode()
    assert "城关小学" in body and "山前小学" not in body


@pytest.mark.parametrize("persona", ["inspector", "township_official", "reporter"])
def test_audit_page_is_refused_to_other_roles(request, login, persona):
    assert login(request.getfixturevalue(persona)).get("/accounts/audit/").status_code == 403


def test_audit_entries_cannot_be_changed_or_deleted(bureau, county):
    entry = audit_record(user=bureau, action="update", object_type="x", county=county)
    entry.note = "tampered"
    with pytest.raises(Exception, match="不可修改"):
        entry.save()
    with pytest.raises(Exception, match="不可删除"):
        entry.delete()


def test_enrolled_two_factor_is_required_before_any_page(login, bureau):
    device = TOTPDevice.objects.create(user=bureau, name="d", confirmed=True)
    client = login(bureau)
    response = client.get("/schools/")
    assert response.status_code == 302 and "/accounts/otp/verify/" in response["Location"]
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post("/accounts/otp/verify/", {"token": token})
    assert response.status_code == 302
    assert client.get("/schools/").status_code == 200


def test_idle_session_expires(login, bureau, settings, monkeypatch):
    import time as time_module

    client = login(bureau)
    assert client.get("/").status_code == 200
    real = time_module.time()
    monkeypatch.setattr(time_module, "time", lambda: real + settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
