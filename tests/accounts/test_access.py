"""The access layer: each role sees its own area and nothing else."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from schools.selectors import get_school_for_user, schools_visible_to

pytestmark = pytest.mark.django_db


def test_bureau_sees_every_school_of_its_county_only(bureau, school_a, school_b, other_school):
    assert set(schools_visible_to(bureau)) == {school_a, school_b}


def test_township_official_sees_only_own_township(township_official, school_a, school_b):
    assert list(schools_visible_to(township_official)) == [school_a]


def test_reporter_sees_only_own_school(reporter, school_a, school_b):
    assert list(schools_visible_to(reporter)) == [school_a]


def test_other_county_school_is_a_404_for_bureau(bureau, other_school):
    with pytest.raises(Http404):
        get_school_for_user(bureau, other_school.code)


def test_inspector_may_read_but_not_write_a_school(inspector, school_a):
    assert get_school_for_user(inspector, school_a.code) == school_a
    with pytest.raises(PermissionDenied):
        get_school_for_user(inspector, school_a.code, write=True)


def test_reporter_may_write_own_school_only(reporter, school_a, school_b):
    assert get_school_for_user(reporter, school_a.code, write=True) == school_a
    with pytest.raises(Http404):
        get_school_for_user(reporter, school_b.code)


def test_township_official_may_not_write_school_data(township_official, school_a):
    with pytest.raises(PermissionDenied):
        get_school_for_user(township_official, school_a.code, write=True)


def test_admin_without_county_sees_all(admin_user, school_a, other_school):
    assert set(schools_visible_to(admin_user)) >= {school_a, other_school}


def test_login_page_renders_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_wrong_password_five_times_locks_the_account(client, bureau):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "bureau", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "bureau", "password": "Demo-pass-2025"})
    assert "暂时锁定" in response.content.decode()
