"""The navigation, the home tiles and the view guards come from one declaration and agree.

Every page an app declares in its menu.py is opened as every role: a role the entry names gets the
page, every other role a 403. So a link offered to a role always opens, and a page a role may not
open is never offered to it.
"""

import pytest

from accounts.menu import entries
from accounts.roles import AREA_REVIEWERS, COUNTY_READERS, EVERYONE, Role

pytestmark = pytest.mark.django_db

PERSONA = {
    Role.ADMIN: "admin_user",
    Role.BUREAU: "bureau",
    Role.INSPECTOR: "inspector",
    Role.TOWNSHIP: "township_official",
    Role.SCHOOL: "reporter",
    Role.CITY: "city_reviewer",
    Role.PROVINCE: "province_reviewer",
}


def _client(request, login, acting, role, county):
    """A client of `role`; a city or province reviewer has chosen `county` (its county pages open)."""
    client = login(request.getfixturevalue(PERSONA[role]))
    return acting(client, county) if role in AREA_REVIEWERS else client


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
    role, request, login, acting, county, school_a
):
    client = _client(request, login, acting, role, county)
    for entry, url in _menu_urls():
        status = client.get(url).status_code
        if role in entry.roles:
            assert status in (200, 302), (entry.url_name, role, status)
            assert status != 302 or "/login" not in client.get(url)["Location"], entry.url_name
        else:
            assert status == 403, (entry.url_name, role, status)


@pytest.mark.parametrize("role", list(Role))
def test_navigation_and_tiles_offer_only_pages_the_role_may_open(
    role, request, login, acting, county, school_a
):
    from django.urls import reverse

    allowed = {reverse(e.url_name) for e in entries() if role in e.roles}
    response = _client(request, login, acting, role, county).get("/")
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


@pytest.mark.parametrize("persona", ["city_reviewer", "province_reviewer"])
def test_a_reviewer_is_offered_only_the_area_page_until_they_choose_a_county(
    persona, request, login, acting, county
):
    client = login(request.getfixturevalue(persona))
    response = client.get("/")
    nav = {i["url"] for i in response.context["nav_items"]}
    tiles = {t["url"] for t in response.context["tiles"]}
    assert nav == {"/", "/area/"}
    assert tiles == {"/area/"}
    acting(client, county)
    chosen = client.get("/")
    county_pages = {e.nav for e in entries() if e.nav and e.roles == COUNTY_READERS}
    assert county_pages <= {i["label"] for i in chosen.context["nav_items"]}
    assert "县域总览" in {t["label"] for t in chosen.context["tiles"]}


@pytest.mark.parametrize("persona", ["city_reviewer", "province_reviewer"])
def test_a_reviewer_opening_a_county_page_before_choosing_is_sent_to_the_area_page(
    persona, request, login, county
):
    client = login(request.getfixturevalue(persona))
    response = client.get("/dashboard/", follow=True)
    assert [url for url, _ in response.redirect_chain] == ["/area/", "/reviews/board/"]  # the area page
    assert "请先在区域列表中选择要查看的区县" in response.content.decode()
