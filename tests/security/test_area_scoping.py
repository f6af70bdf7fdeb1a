"""City (市) and province (省) reviewers: one chosen county of their region at a time, read-only.

A reviewer of 石家庄市 (滨河县 130123 and 山前县 130124) or of 河北省 chooses a county on the area page;
every id-taking URL of another county is then a 404 (as for the inspector), every changing URL of
the chosen county is refused, and a reviewer of 唐山市 gets nothing of 石家庄市's counties: choosing
one is a 404, and a county id written into their session by hand is ignored.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.access import ACTING_COUNTY_SESSION_KEY
from tests.security.test_scoping import _county_urls, _everything

pytestmark = pytest.mark.django_db

POST_DATA = {"note": "越权", "reason": "x", "text": "x", "date": "2025-05-01", "posts": 3, "year": 2025}


def _tamper(client, county):
    session = client.session
    session[ACTING_COUNTY_SESSION_KEY] = county.pk
    session.save()
    return client


def _request(client, url, method):
    return client.get(url) if method == "get" else client.post(url, POST_DATA)


# --- choosing a county -------------------------------------------------------------------------


def test_a_city_reviewer_may_choose_each_county_of_the_city_and_no_other(
    login, city_reviewer, county, other_county, other_city_county, other_province_county
):
    client = login(city_reviewer)
    for c in (county, other_county):
        assert client.post(reverse("area:enter", args=[c.code])).status_code == 302
        assert client.session[ACTING_COUNTY_SESSION_KEY] == c.pk
    for c in (other_city_county, other_province_county):
        assert client.post(reverse("area:enter", args=[c.code])).status_code == 404
        assert client.session[ACTING_COUNTY_SESSION_KEY] == other_county.pk  # unchanged


def test_a_province_reviewer_may_choose_every_county_of_the_province_and_no_other(
    login, province_reviewer, county, other_county, other_city_county, other_province_county
):
    client = login(province_reviewer)
    for c in (county, other_county, other_city_county):
        assert client.post(reverse("area:enter", args=[c.code])).status_code == 302, c.code
        assert client.get("/").context["acting_county"] == c
    assert client.post(reverse("area:enter", args=[other_province_county.code])).status_code == 404


def test_the_area_page_lists_the_region_only(
    login, city_reviewer, county, other_county, other_city_county, other_province_county
):
    body = login(city_reviewer).get(reverse("area:index"), follow=True).content.decode()
    assert "滨河县" in body and "山前县" in body
    assert "乐亭县" not in body and "清徐县" not in body


@pytest.mark.parametrize("persona", ["bureau", "inspector", "township_official", "reporter"])
def test_county_staff_may_not_choose_a_county(persona, request, login, county, other_county):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("area:index")).status_code == 403
    assert client.post(reverse("area:enter", args=[other_county.code])).status_code == 403
    assert ACTING_COUNTY_SESSION_KEY not in client.session


def test_choosing_is_post_only_and_leaving_forgets_the_county(login, city_reviewer, acting, county):
    client = acting(login(city_reviewer), county)
    assert client.get(reverse("area:enter", args=[county.code])).status_code == 405
    assert client.get("/dashboard/").status_code == 200
    assert "正在以只读方式查看：滨河县" in client.get("/dashboard/").content.decode()
    assert client.post(reverse("area:leave")).status_code == 302
    assert ACTING_COUNTY_SESSION_KEY not in client.session
    assert client.get("/dashboard/")["Location"] == reverse("area:index")


def test_an_unscoped_admin_may_look_at_any_county(login, admin_user, acting, county, other_county):
    client = acting(login(admin_user), other_county)
    assert client.get("/").context["acting_county"] == other_county
    assert "正在查看：山前县" in client.get("/dashboard/").content.decode()


# --- the chosen county, and no other -----------------------------------------------------------


def _quiet(user):
    """A client that answers a crashing view with its 500 instead of raising (a sweep of URLs)."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["city_reviewer", "province_reviewer"])
def test_a_reviewer_looking_at_one_county_is_refused_every_row_of_another_as_its_inspector_is(
    persona, request, acting, county, inspector, other_county_rows, media_files
):
    """Refused as the county's own inspector is: a 404 for what they may read, a 403 (the role,
    checked before the row is looked up) for the forms and changes of county staff."""
    client, control = acting(_quiet(request.getfixturevalue(persona)), county), _quiet(inspector)
    before, files = _everything(), media_files()
    wrong = []
    for url, method in _county_urls(other_county_rows):
        got, expected = _request(client, url, method).status_code, _request(control, url, method).status_code
        if got != expected or got not in (403, 404):
            wrong.append((method, url, got, expected))
    assert wrong == []
    assert _everything() == before and media_files() == files


@pytest.mark.parametrize("persona", ["city_reviewer", "province_reviewer"])
def test_a_reviewer_looking_at_the_county_reads_its_rows_and_changes_none(
    persona, request, login, acting, other_county, other_county_rows, media_files
):
    client = acting(_quiet(request.getfixturevalue(persona)), other_county)
    before, files = _everything(), media_files()
    statuses = {
        (method, url): _request(client, url, method).status_code
        for url, method in _county_urls(other_county_rows)
    }
    written = {k: v for k, v in statuses.items() if k[0] == "post" and v not in (403, 405)}
    assert written == {}
    s = other_county_rows
    for url in (
        reverse("schools:detail", args=[s["school"].code]),
        reverse("rectification:detail", args=[s["rect"].item.pk]),
        reverse("indicators:evidence", args=[s["county_item"][1].pk]),
        reverse("dossiers:download", args=[s["dossier"].pk]),
        reverse("applications:download", args=[s["package"].pk, "form_pdf"]),
        reverse("surveys:results", args=[s["survey"].survey.pk]),
        reverse("reviews:detail", args=[s["draw"].pk]),
    ):
        assert statuses[("get", url)] == 200, url
    assert _everything() == before and media_files() == files


# --- another city ------------------------------------------------------------------------------


def test_a_reviewer_of_another_city_gets_nothing_even_with_a_tampered_session(
    login, other_city_reviewer, other_county, other_county_rows, media_files
):
    client = _tamper(login(other_city_reviewer), other_county)
    assert client.get("/").context["acting_county"] is None
    before, files = _everything(), media_files()
    wrong = []
    for url, method in _county_urls(other_county_rows):
        response = _request(client, url, method)
        # Without a county of their own region chosen, a county page sends them to the area page.
        if not (response.status_code == 302 and response["Location"] == reverse("area:index")):
            wrong.append((method, url, response.status_code))
    assert wrong == []
    assert _everything() == before and media_files() == files
    assert "山前县" not in client.get(reverse("area:index"), follow=True).content.decode()


def test_a_tampered_session_outside_the_region_does_not_replace_a_valid_choice(
    login, other_city_reviewer, acting, other_city_county, other_county, other_school
):
    client = acting(login(other_city_reviewer), other_city_county)
    _tamper(client, other_county)
    assert client.get(reverse("schools:detail", args=[other_school.code]))["Location"] == reverse(
        "area:index"
    )
    assert client.get("/").context["acting_county"] is None


@pytest.mark.parametrize("persona", ["city_reviewer", "province_reviewer"])
def test_lists_of_a_reviewer_show_the_chosen_county_only(
    persona, request, login, acting, county, other_county_rows
):
    client = acting(login(request.getfixturevalue(persona)), county)
    s = other_county_rows
    pages = {
        reverse("schools:list"): s["school"].name,
        reverse("rectification:list"): "山前县的问题",
        reverse("dossiers:list"): reverse("dossiers:download", args=[s["dossier"].pk]),
        reverse("surveys:list"): reverse("surveys:detail", args=[s["survey"].survey.pk]),
        reverse("dropout_control:list"): "钱小多",
    }
    for url, foreign in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert foreign not in response.content.decode(), url
