"""The navigation, the home tiles and the view guards come from one declaration and agree.

Every page an app declares in its menu.py is opened as every role: a role the entry names gets the
page, every other role a 403. So a link offered to a role always opens, and a page a role may not
open is never offered to it.
"""

import pytest

from accounts.menu import entries
from accounts.roles import COUNTY_READERS, EVERYONE, Role

pytestmark = pytest.mark.django_db

PERSONA = {
    Role.ADMIN: "admin_user",
    Role.BUREAU: "bureau",
    Role.INSPECTOR: "inspector",
    Role.TOWNSHIP: "township_official",
    Role.SCHOOL: "reporter",
}


def _menu_urls():
    from django.urls import reverse

    return [(entry, reverse(entry.url_name)) for entry in entries()]


def test_every_installed_app_with_pages_declares_its_menu():
    names = {entry.url_name.split(":")[0] for entry in entries()}
    assert names >= {
        "home",
        "accounts",
        "dashboard",
        "schools",
        "indicators",
        "workforce",
        "dropout_control",
        "rectification",
        "surveys",
        "dossiers",
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_declared_page_opens_for_the_roles_it_names_and_is_refused_to_others(
    role, request, login, county, school_a
):
    client = login(request.getfixturevalue(PERSONA[role]))
    for entry, url in _menu_urls():
        status = client.get(url).status_code
        if role in entry.roles:
            assert status in (200, 302), (entry.url_name, role, status)
            assert status != 302 or "/login" not in client.get(url)["Location"], entry.url_name
        else:
            assert status == 403, (entry.url_name, role, status)


@pytest.mark.parametrize("role", list(Role))
def test_navigation_and_tiles_offer_only_pages_the_role_may_open(role, request, login, county, school_a):
    from django.urls import reverse

    user = request.getfixturevalue(PERSONA[role])
    allowed = {reverse(e.url_name) for e in entries() if role in e.roles}
    response = login(user).get("/")
    nav = {item["url"] for item in response.context["nav_items"]}
    tiles = {tile["url"] for tile in response.context["tiles"]}
    assert nav and tiles
    assert nav <= allowed and tiles <= allowed


def test_county_readers_see_the_county_pages_in_the_navigation(login, inspector, township_official, county):
    county_pages = {e.nav for e in entries() if e.nav and e.roles == COUNTY_READERS}
    inspector_nav = {i["label"] for i in login(inspector).get("/").context["nav_items"]}
    township_nav = {i["label"] for i in login(township_official).get("/").context["nav_items"]}
    assert county_pages <= inspector_nav
    assert not county_pages & township_nav
    assert {e.nav for e in entries() if e.nav and e.roles == EVERYONE} <= township_nav


def test_bureau_home_lists_tiles_in_working_order(login, bureau):
    labels = [t["label"] for t in login(bureau).get("/").context["tiles"]]
    # Import, then check the data as a whole, then assess.
    assert labels[:4] == ["县域总览", "导入数据", "数据质量", "指标评估"]
    assert "用户管理" not in labels


def test_school_reporter_home_starts_with_reporting_a_suspected_dropout(login, reporter):
    labels = [t["label"] for t in login(reporter).get("/").context["tiles"]]
    assert labels == ["报告疑似辍学", "本校个案", "本校数据", "导入本校数据"]
