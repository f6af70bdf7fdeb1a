"""Who may open the site-visit pages: bureau staff and admins draw and fill, inspectors view,
township officials and school reporters get 403, another county's rows are a 404."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rectification.models import RectificationItem
from reviews import services
from reviews.models import SiteVisitDraw, VisitRecord
from tests.reviews.test_site_visit import png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=11)
    return record.schools.select_related("school").order_by("position").first()


@pytest.fixture
def photo(drawn, bureau):
    return services.photo_add(user=bureau, drawn=drawn, upload=png_upload())


def read_urls(drawn, photo):
    return [
        reverse("reviews:list"),
        reverse("reviews:detail", args=[drawn.draw_id]),
        reverse("reviews:brief", args=[drawn.pk]),
        reverse("reviews:checklist", args=[drawn.pk]),
        reverse("reviews:photo", args=[photo.pk]),
    ]


def write_urls(drawn):
    return [
        reverse("reviews:create"),
        reverse("reviews:checklist_save", args=[drawn.pk]),
        reverse("reviews:photo_upload", args=[drawn.pk]),
        reverse("reviews:table_six", args=[drawn.draw_id]),
    ]


def checklist_post(**overrides):
    data = {
        "interviewed": 8,
        "satisfied": 7,
        "parents_interviewed": 3,
        "parents_satisfied": 3,
        "visited_on": "2025-11-20",
    }
    from reviews.checklist import ITEMS

    for item in ITEMS:
        data[f"v_{item.key}"] = "unchecked"
        data[f"n_{item.key}"] = ""
    data.update(overrides)
    return data


def test_bureau_staff_open_every_page(login, bureau, drawn, photo):
    client = login(bureau)
    for url in read_urls(drawn, photo):
        assert client.get(url).status_code == 200, url


def test_an_admin_opens_every_page(login, admin_user, drawn, photo):
    client = login(admin_user)
    for url in read_urls(drawn, photo):
        assert client.get(url).status_code == 200, url


def test_inspectors_view_but_change_nothing(login, inspector, drawn, photo):
    client = login(inspector)
    for url in read_urls(drawn, photo):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("reviews:checklist", args=[drawn.pk])).content.decode()
    assert "保存核查记录" not in page and "上传照片" not in page
    assert "抽取学校" not in client.get(reverse("reviews:list")).content.decode()
    draws = SiteVisitDraw.objects.count()
    for url in write_urls(drawn):
        assert client.post(url, checklist_post(v_rooms="fails")).status_code == 403, url
    assert SiteVisitDraw.objects.count() == draws
    assert not VisitRecord.objects.filter(interviewed__gt=0).exists()
    assert not RectificationItem.objects.exists()


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_officials_and_school_reporters_get_403(persona, request, login, drawn, photo):
    client = login(request.getfixturevalue(persona))
    for url in read_urls(drawn, photo):
        assert client.get(url).status_code == 403, url
    for url in write_urls(drawn):
        assert client.post(url, checklist_post()).status_code == 403, url


def test_another_countys_bureau_gets_404_and_changes_nothing(login, other_bureau, drawn, photo):
    client = login(other_bureau)
    for url in read_urls(drawn, photo)[1:]:
        assert client.get(url).status_code == 404, url
    for url in write_urls(drawn)[1:]:
        assert client.post(url, checklist_post(v_rooms="fails")).status_code == 404, url
    assert not RectificationItem.objects.exists()


def test_the_other_countys_list_does_not_show_this_countys_draws(login, other_bureau, drawn):
    page = login(other_bureau).get(reverse("reviews:list")).content.decode()
    assert reverse("reviews:detail", args=[drawn.draw_id]) not in page
    assert "尚未抽样" in page


def test_drawing_from_the_page_shows_the_draw_and_says_it_reproduces(login, bureau, visit_county):
    response = login(bureau).post(
        reverse("reviews:create"), {"seed": "20251120", "note": "预演"}, follow=True
    )
    page = response.content.decode()
    assert "随机种子 20251120" in page
    assert "可复现" in page
    assert "薄弱单位必查" in page and "教学点必查" in page


def test_saving_the_phone_checklist_files_the_finding_once(login, bureau, drawn):
    client = login(bureau)
    url = reverse("reviews:checklist_save", args=[drawn.pk])
    post = checklist_post(v_sports_area_pp="fails", n_sports_area_pp="跑道未建成")
    client.post(url, post)
    client.post(url, post)
    item = RectificationItem.objects.get()
    page = client.get(reverse("reviews:checklist", args=[drawn.pk])).content.decode()
    assert f"第{item.number}项" in page
    assert "跑道未建成" in page
    detail = client.get(reverse("reviews:detail", args=[drawn.draw_id])).content.decode()
    assert "87.5%" in detail  # 7 of 8 interviewed satisfied (表Ⅵ L7)


def test_a_bad_count_is_refused_with_a_chinese_message(login, bureau, drawn):
    client = login(bureau)
    response = client.post(
        reverse("reviews:checklist_save", args=[drawn.pk]), checklist_post(satisfied=9), follow=True
    )
    assert "满意人数不能多于访谈人数" in response.content.decode()
    assert not VisitRecord.objects.filter(interviewed__gt=0).exists()


def test_the_brief_pdf_of_a_school_and_of_the_whole_draw(login, bureau, drawn):
    client = login(bureau)
    one = client.get(reverse("reviews:brief_pdf", args=[drawn.pk]))
    assert one["Content-Type"] == "application/pdf"
    assert "no-store" in one["Cache-Control"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(one.content)).pages)
    assert drawn.school.name in text and "重点核查" in text
    every = client.get(reverse("reviews:briefs_pdf", args=[drawn.draw_id]))
    reader = PdfReader(io.BytesIO(every.content))
    assert len(reader.pages) >= drawn.draw.schools.count()


def test_the_interview_totals_go_into_table_six_when_asked(login, bureau, drawn):
    from applications.selectors import visits_of

    client = login(bureau)
    client.post(reverse("reviews:checklist_save", args=[drawn.pk]), checklist_post())
    assert visits_of(drawn.draw.county, 2025).visited is None  # never automatic
    page = client.post(reverse("reviews:table_six", args=[drawn.draw_id]), follow=True).content.decode()
    assert "已写入表Ⅵ" in page
    visits = visits_of(drawn.draw.county, 2025)
    assert (visits.visited, visits.satisfied, visits.parents_visited, visits.parents_satisfied) == (
        8,
        7,
        3,
        3,
    )


def test_the_draw_list_costs_the_same_queries_for_more_draws(
    login, bureau, visit_county, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(bureau)
    services.draw_create(user=bureau, county=visit_county, seed=1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reviews:list"))
    for seed in (2, 3, 4):
        services.draw_create(user=bureau, county=visit_county, seed=seed)
    with django_assert_max_num_queries(len(one)):
        client.get(reverse("reviews:list"))
