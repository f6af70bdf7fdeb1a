"""A county admin (role admin with a county) manages its own county's accounts and nothing wider.

The red team's attack: such an admin listed every user, set the password of another county's
bureau account, unlocked other counties' lockouts and cleared its own county to become a global
admin, and its trail was written under the victim's county. Each step is refused here.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password

from accounts.models import AuditEntry, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Taken-over-pass-9"


@pytest.fixture
def county_admin(county):
    return UserFactory(username="county_admin", display_name="县管理员", role=Role.ADMIN, county=county)


def _edit_data(user, **overrides):
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "county": user.county_id or "",
        "township": user.township_id or "",
        "school": user.school_id or "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_county_admin_lists_only_its_own_countys_accounts(
    login, county_admin, bureau, other_bureau, admin_user
):
    body = login(county_admin).get("/accounts/users/").content.decode()
    assert "bureau" in body
    assert "other_bureau" not in body and "孙科长" not in body
    assert f"/accounts/users/{admin_user.pk}/" not in body  # the global admin's account is not its to manage


def test_county_admin_cannot_open_or_change_another_countys_account(login, county_admin, other_bureau):
    client = login(county_admin)
    url = f"/accounts/users/{other_bureau.pk}/"
    assert client.get(url).status_code == 404
    response = client.post(url, _edit_data(other_bureau, password=PASSWORD))
    assert response.status_code == 404
    other_bureau.refresh_from_db()
    assert not check_password(PASSWORD, other_bureau.password)


def test_county_admin_cannot_unlock_another_countys_lockout(login, county_admin, other_bureau):
    AccessAttempt.objects.create(
        username=other_bureau.username, ip_address="10.0.0.9", user_agent="x", failures_since_start=10
    )
    response = login(county_admin).post(f"/accounts/users/{other_bureau.pk}/unlock/")
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username=other_bureau.username).exists()


def test_county_admin_cannot_open_its_own_account_to_widen_it(login, county_admin):
    client = login(county_admin)
    response = client.post(f"/accounts/users/{county_admin.pk}/", _edit_data(county_admin, county=""))
    assert response.status_code == 404
    county_admin.refresh_from_db()
    assert county_admin.county_id is not None and county_admin.role == Role.ADMIN


def test_global_admin_cannot_change_its_own_role_or_area(login, admin_user, county):
    response = login(admin_user).post(
        f"/accounts/users/{admin_user.pk}/",
        _edit_data(admin_user, role=Role.BUREAU, county=county.pk, is_active=""),
    )
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and admin_user.county_id is None and admin_user.is_active


def test_county_admin_cannot_create_an_admin(login, county_admin, county):
    client = login(county_admin)
    for area in (county.pk, ""):
        response = client.post(
            "/accounts/users/new/",
            {
                "username": "second_admin",
                "role": Role.ADMIN,
                "county": area,
                "password": PASSWORD,
                "is_active": "on",
            },
        )
        assert response.status_code == 200
    assert not User.objects.filter(username="second_admin").exists()


def test_county_admin_cannot_promote_a_colleague_to_admin_or_move_it_to_another_county(
    login, county_admin, bureau, other_county
):
    client = login(county_admin)
    url = f"/accounts/users/{bureau.pk}/"
    assert client.post(url, _edit_data(bureau, role=Role.ADMIN)).status_code == 200
    assert client.post(url, _edit_data(bureau, county=other_county.pk)).status_code == 200
    bureau.refresh_from_db()
    assert bureau.role == Role.BUREAU and bureau.county_id == county_admin.county_id


def test_county_admin_cannot_create_an_account_in_another_county(login, county_admin, other_county):
    response = login(county_admin).post(
        "/accounts/users/new/",
        {
            "username": "planted",
            "role": Role.BUREAU,
            "county": other_county.pk,
            "password": PASSWORD,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="planted").exists()


def test_county_admin_manages_its_own_county_and_sees_its_trail(login, county_admin, bureau):
    client = login(county_admin)
    response = client.post(f"/accounts/users/{bureau.pk}/", _edit_data(bureau, password=PASSWORD))
    assert response.status_code == 302
    bureau.refresh_from_db()
    assert check_password(PASSWORD, bureau.password)
    entry = AuditEntry.objects.get(object_type="accounts.User", object_id=str(bureau.pk))
    assert entry.county_id == county_admin.county_id and entry.note == "重设密码"
    assert "重设密码" in client.get("/accounts/audit/").content.decode()


def test_county_admin_does_not_see_another_countys_audit_trail(login, county_admin, admin_user, other_bureau):
    login(admin_user).post(
        f"/accounts/users/{other_bureau.pk}/", _edit_data(other_bureau, display_name="改名")
    )
    assert AuditEntry.objects.filter(object_id=str(other_bureau.pk)).exists()
    assert "改名" in login(admin_user).get("/accounts/audit/").content.decode()
    assert "改名" not in login(county_admin).get("/accounts/audit/").content.decode()


def test_global_admin_still_creates_a_county_admin(login, admin_user, county):
    response = login(admin_user).post(
        "/accounts/users/new/",
        {
            "username": "new_county_admin",
            "role": Role.ADMIN,
            "county": county.pk,
            "password": PASSWORD,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="new_county_admin").county == county


def test_county_admin_is_offered_only_its_own_countys_areas_and_no_admin_role(
    login, county_admin, other_school
):
    body = login(county_admin).get("/accounts/users/new/").content.decode()
    assert "山前县" not in body and "山前镇" not in body and other_school.name not in body
    assert 'value="admin"' not in body


# --- city and province reviewers: only an unscoped admin creates them ----------------------------


def _new_reviewer(**overrides):
    data = {
        "username": "new_reviewer",
        "display_name": "新复核",
        "role": Role.CITY,
        "password": "Reviewer-pass-2025",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_county_admin_cannot_create_a_city_or_province_reviewer(login, county_admin, county, city, province):
    client = login(county_admin)
    for role, region in ((Role.CITY, city), (Role.PROVINCE, province)):
        response = client.post(
            "/accounts/users/new/", _new_reviewer(role=role, region=region.pk, county=county.pk)
        )
        assert response.status_code == 200  # the form again, with the error
        assert "region" not in response.context["form"].fields
        assert response.context["form"].errors["role"]
    assert not User.objects.filter(username="new_reviewer").exists()


def test_county_admin_does_not_list_reviewers(login, county_admin, city_reviewer, province_reviewer):
    body = login(county_admin).get("/accounts/users/").content.decode()
    assert "city_reviewer" not in body and "province_reviewer" not in body


def test_global_admin_creates_a_city_reviewer_with_a_city_and_no_county(login, admin_user, county, city):
    response = login(admin_user).post("/accounts/users/new/", _new_reviewer(region=city.pk, county=county.pk))
    assert response.status_code == 302
    user = User.objects.get(username="new_reviewer")
    assert user.role == Role.CITY and user.region == city and user.county is None


def test_a_reviewer_needs_a_region_of_its_level(login, admin_user, city, province):
    client = login(admin_user)
    for data in (
        _new_reviewer(),
        _new_reviewer(region=province.pk),
        _new_reviewer(role=Role.PROVINCE, region=city.pk),
    ):
        assert client.post("/accounts/users/new/", data).status_code == 200
    assert not User.objects.filter(username="new_reviewer").exists()


def test_a_county_role_drops_a_region_given_by_mistake(login, admin_user, county, city):
    data = _new_reviewer(role=Role.BUREAU, county=county.pk, region=city.pk)
    assert login(admin_user).post("/accounts/users/new/", data).status_code == 302
    user = User.objects.get(username="new_reviewer")
    assert user.county == county and user.region is None
