"""Pages: each role's access, one action per view, constant query counts."""

from datetime import date

import pytest
from django.urls import reverse

from rectification import services
from rectification.models import ArchivePoint, ItemStatus, PrepTask

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "rectification:list",
    "rectification:plan",
    "rectification:archive",
    "rectification:readiness",
    "rectification:export",
]
WRITE_PAGES = [
    "rectification:create",
    "rectification:import",
    "rectification:task_create",
    "rectification:import_template",
]


@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("bureau", 200),
        ("inspector", 200),
        ("admin_user", 200),
        ("township_official", 403),
        ("reporter", 403),
    ],
)
def test_read_pages_by_role(name, persona, status, request, login, county):
    user = request.getfixturevalue(persona)
    assert login(user).get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", WRITE_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("bureau", 200),
        ("inspector", 403),
        ("township_official", 403),
        ("reporter", 403),
    ],
)
def test_write_pages_by_role(name, persona, status, request, login):
    user = request.getfixturevalue(persona)
    assert login(user).get(reverse(name)).status_code == status


def test_pages_require_login(client, item):
    for url in [reverse("rectification:list"), reverse("rectification:detail", args=[item.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("bureau", 200),
        ("inspector", 200),
        ("other_bureau", 404),
        ("township_official", 403),
        ("reporter", 403),
    ],
)
def test_item_detail_by_role_and_area(item, persona, status, request, login):
    user = request.getfixturevalue(persona)
    assert login(user).get(reverse("rectification:detail", args=[item.pk])).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("bureau", 200), ("inspector", 403), ("other_bureau", 404)])
def test_item_edit_by_role_and_area(item, persona, status, request, login):
    user = request.getfixturevalue(persona)
    assert login(user).get(reverse("rectification:edit", args=[item.pk])).status_code == status


ITEM_POSTS = [
    ("rectification:start", {}),
    ("rectification:complete", {}),
    ("rectification:close", {"verification": "已核查"}),
    ("rectification:long_term", {"note": "长效"}),
    ("rectification:reopen", {"reason": "复查"}),
    ("rectification:progress_add", {"date": "2025-05-01", "text": "进展"}),
    ("rectification:evidence_upload", {}),
]


@pytest.mark.parametrize(("name", "data"), ITEM_POSTS)
def test_inspectors_cannot_post_to_item_actions(item, inspector, login, name, data):
    assert login(inspector).post(reverse(name, args=[item.pk]), data).status_code == 403
    item.refresh_from_db()
    assert item.status == ItemStatus.NOT_STARTED


@pytest.mark.parametrize(("name", "data"), ITEM_POSTS)
def test_another_county_gets_404_on_item_actions(item, other_bureau, login, name, data):
    assert login(other_bureau).post(reverse(name, args=[item.pk]), data).status_code == 404


@pytest.mark.parametrize(("name", "data"), ITEM_POSTS[:2])
def test_transition_views_refuse_get(item, bureau, login, name, data):
    assert login(bureau).get(reverse(name, args=[item.pk])).status_code == 405


def test_create_an_item_through_the_form(bureau, login, school_a, county):
    response = login(bureau).post(
        reverse("rectification:create"),
        {
            "source": "self_check",
            "problem": "自查发现图书陈旧",
            "indicator": "",
            "schools": [school_a.pk],
            "lead_unit": "县教育局装备站",
            "deadline": "2025-08-31",
        },
    )
    assert response.status_code == 302
    created = county.rectification_items.get()
    assert (created.number, created.source, list(created.schools.all())) == (1, "self_check", [school_a])


def test_the_form_offers_only_schools_of_the_county(bureau, login, school_a, other_school):
    response = login(bureau).post(
        reverse("rectification:create"),
        {
            "source": "self_check",
            "problem": "x",
            "schools": [other_school.pk],
            "lead_unit": "y",
            "deadline": "2025-08-31",
        },
    )
    assert response.status_code == 200
    assert "schools" in response.context["form"].errors


def test_the_workflow_through_the_pages(item, bureau, login, pdf_upload):
    client = login(bureau)
    client.post(reverse("rectification:start", args=[item.pk]))
    client.post(
        reverse("rectification:progress_add", args=[item.pk]), {"date": "2025-05-01", "text": "已开工"}
    )
    client.post(reverse("rectification:complete", args=[item.pk]))
    refused = client.post(
        reverse("rectification:close", args=[item.pk]), {"verification": "已核查"}, follow=True
    )
    assert "至少上传一份佐证材料" in refused.content.decode()
    client.post(reverse("rectification:evidence_upload", args=[item.pk]), {"file": pdf_upload()})
    no_note = client.post(reverse("rectification:close", args=[item.pk]), {"verification": ""}, follow=True)
    assert "核查意见" in no_note.content.decode()
    client.post(reverse("rectification:close", args=[item.pk]), {"verification": "经核查整改到位"})
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    page = client.get(reverse("rectification:detail", args=[item.pk])).content.decode()
    assert "已开工" in page and "经核查整改到位" in page


def test_admin_cannot_close_through_the_page(completed_item, admin_user, login):
    response = login(admin_user).post(
        reverse("rectification:close", args=[completed_item.pk]), {"verification": "x"}
    )
    assert response.status_code == 403


def test_the_detail_page_hides_actions_from_inspectors(item, inspector, login):
    page = login(inspector).get(reverse("rectification:detail", args=[item.pk])).content.decode()
    assert "开始推进" not in page and "只读账号" in page


def test_list_filters(make_item, bureau, login):
    make_item(problem="逾期的问题", deadline=date(2020, 1, 1), lead_unit="县教育局计财股")
    make_item(problem="未来的问题", deadline=date(2099, 1, 1), lead_unit="县教育局人事股", source="city")
    client = login(bureau)

    def problems(query):
        return [i.problem for i in client.get(reverse("rectification:list") + query).context["page_obj"]]

    assert problems("?overdue=on") == ["逾期的问题"]
    assert problems("?source=city") == ["未来的问题"]
    assert problems("?lead_unit=人事") == ["未来的问题"]
    assert problems("") == ["逾期的问题", "未来的问题"]


def test_my_items_filter_uses_the_users_unit(make_item, bureau, login):
    bureau.unit = "县教育局计财股"
    bureau.save()
    make_item(problem="计财股", lead_unit="县教育局计财股", responsible_person="")
    make_item(problem="人事股", lead_unit="县教育局人事股", responsible_person="")
    page = login(bureau).get(reverse("rectification:list") + "?mine=on")
    assert [i.problem for i in page.context["page_obj"]] == ["计财股"]


def test_the_list_pages_at_50(make_item, bureau, login):
    for n in range(55):
        make_item(problem=f"问题{n}")
    client = login(bureau)
    assert len(client.get(reverse("rectification:list")).context["page_obj"]) == 50
    assert len(client.get(reverse("rectification:list") + "?page=2").context["page_obj"]) == 5


def _fill(make_item, bureau, school_a, school_b, pdf_upload, n):
    for i in range(n):
        item = make_item(schools=[school_a, school_b], problem=f"问题{i}")
        services.evidence_add(user=bureau, item=item, upload=pdf_upload())


def test_list_query_count_does_not_grow_with_items(
    make_item, bureau, login, school_a, school_b, pdf_upload, django_assert_max_num_queries
):
    _fill(make_item, bureau, school_a, school_b, pdf_upload, 3)
    client = login(bureau)
    client.get(reverse("rectification:list"))  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("rectification:list"))
    _fill(make_item, bureau, school_a, school_b, pdf_upload, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("rectification:list"))


def test_readiness_board_query_count_is_constant(
    make_item, bureau, login, county, pdf_upload, django_assert_max_num_queries
):
    services.county_set_inspection_date(user=bureau, county=county, inspection_date=date(2099, 6, 1))
    services.plan_create(user=bureau, county=county)
    for i in range(3):
        make_item(problem=f"问题{i}", indicator="sports_area_pp")
    client = login(bureau)
    client.get(reverse("rectification:readiness"))
    # Other apps' readiness providers add their own (fixed) queries; what matters is no growth.
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("rectification:readiness"))
    for i in range(20):
        make_item(problem=f"更多问题{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("rectification:readiness"))


def test_plan_and_archive_query_counts_are_constant(
    bureau, login, county, django_assert_max_num_queries, pdf_upload
):
    services.county_set_inspection_date(user=bureau, county=county, inspection_date=date(2099, 6, 1))
    services.plan_create(user=bureau, county=county)
    client = login(bureau)
    for name in ("rectification:plan", "rectification:archive"):
        client.get(reverse(name))
        with django_assert_max_num_queries(10):
            client.get(reverse(name))
    for point in ArchivePoint.objects.all()[:10]:
        services.archive_file_add(user=bureau, county=county, point=point, upload=pdf_upload())
    with django_assert_max_num_queries(10):
        client.get(reverse("rectification:archive"))


def test_setting_the_inspection_date_through_the_page(bureau, login, county):
    client = login(bureau)
    client.post(reverse("rectification:inspection_date"), {"inspection_date": "2025-11-20"})
    client.post(reverse("rectification:plan_create"))
    county.refresh_from_db()
    assert county.inspection_date == date(2025, 11, 20)
    assert PrepTask.objects.filter(county=county).count() >= 8
    page = client.get(reverse("rectification:plan")).content.decode()
    assert "T-7" in page and "迎检演练" in page


@pytest.mark.parametrize("name", ["rectification:inspection_date", "rectification:plan_create"])
def test_inspectors_cannot_change_the_plan_through_the_pages(inspector, login, name):
    assert login(inspector).post(reverse(name), {"inspection_date": "2025-11-20"}).status_code == 403


def test_task_pages_by_role_and_area(bureau, inspector, other_bureau, login, county):
    services.county_set_inspection_date(user=bureau, county=county, inspection_date=date(2025, 11, 20))
    services.plan_create(user=bureau, county=county)
    task = PrepTask.objects.filter(county=county).first()
    url = reverse("rectification:task_edit", args=[task.pk])
    assert login(inspector).get(url).status_code == 200
    assert login(inspector).post(url, {"title": "x"}).status_code == 403
    assert login(other_bureau).get(url).status_code == 404
    for action in ("task_start", "task_complete", "task_reopen"):
        assert login(inspector).post(reverse(f"rectification:{action}", args=[task.pk])).status_code == 403
        assert login(other_bureau).post(reverse(f"rectification:{action}", args=[task.pk])).status_code == 404
    login(bureau).post(reverse("rectification:task_complete", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == "done"


def test_editing_a_task_deadline_by_hand_detaches_it(bureau, login, county):
    services.county_set_inspection_date(user=bureau, county=county, inspection_date=date(2025, 11, 20))
    services.plan_create(user=bureau, county=county)
    task = PrepTask.objects.get(county=county, template__key="drill")
    login(bureau).post(
        reverse("rectification:task_edit", args=[task.pk]),
        {"title": task.title, "owner_unit": task.owner_unit, "deadline": "2025-11-10", "description": ""},
    )
    task.refresh_from_db()
    assert (task.deadline, task.follows_inspection_date) == (date(2025, 11, 10), False)


@pytest.mark.parametrize("persona", ["inspector", "township_official"])
def test_archive_upload_refused_for_non_writers(persona, request, login, pdf_upload):
    user = request.getfixturevalue(persona)
    point = ArchivePoint.objects.first()
    assert (
        login(user)
        .post(reverse("rectification:archive_upload", args=[point.pk]), {"file": pdf_upload()})
        .status_code
        == 403
    )
