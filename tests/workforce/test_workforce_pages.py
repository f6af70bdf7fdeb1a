"""Workforce pages: what each role sees, and what each role is refused."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from workforce.models import ApprovedPosts

pytestmark = pytest.mark.django_db

COUNTY_PAGES = (
    "workforce:overview",
    "workforce:coverage",
    "workforce:plan",
    "workforce:exchange",
    "workforce:training",
    "workforce:export",
)


@pytest.mark.parametrize("name", COUNTY_PAGES)
def test_bureau_and_inspector_open_every_county_page(login, bureau, inspector, staffed, name):
    for user in (bureau, inspector):
        response = login(user).get(reverse(name), {"year": 2025})
        assert response.status_code == 200


@pytest.mark.parametrize("name", COUNTY_PAGES)
def test_township_official_is_refused_every_county_page(login, township_official, staffed, name):
    assert login(township_official).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", COUNTY_PAGES)
def test_reporter_is_refused_the_county_pages(login, reporter, staffed, name):
    assert login(reporter).get(reverse(name)).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("workforce:overview"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_overview_lists_the_most_short_school_first(login, bureau, staffed):
    body = login(bureau).get(reverse("workforce:overview"), {"year": 2025}).content.decode()
    # 河口小学: 11 posts by classes, 6 in post → short 5; 城关小学: 20 posts, 17 in post → short 3
    assert body.index("河口小学") < body.index("城关小学")
    assert "交流轮岗比例" in body


def test_overview_defaults_to_the_latest_year_with_data(login, bureau, staffed):
    response = login(bureau).get(reverse("workforce:overview"))
    assert response.context["year"] == 2025


def test_other_county_sees_only_its_own_county(login, other_bureau, staffed, other_school):
    response = login(other_bureau).get(reverse("workforce:overview"), {"year": 2025})
    assert response.status_code == 200
    assert "城关小学" not in response.content.decode()


def test_school_page_for_bureau_shows_posts_coverage_and_names(login, bureau, staffed, school_b):
    response = login(bureau).get(reverse("workforce:school", args=[school_b.code]), {"year": 2025})
    body = response.content.decode()
    assert response.context["posts"].required == 11
    assert "班师比" in body
    assert [g.subject for g in response.context["coverage"].gaps] == [
        "体育",
        "音乐",
        "美术",
        "信息技术",
        "心理健康",
    ]
    assert "城关教师0" in body  # exchanged in from 城关小学, shown by name to bureau staff


def test_reporter_sees_own_school_page(login, reporter, staffed, school_a):
    response = login(reporter).get(reverse("workforce:school", args=[school_a.code]))
    assert response.status_code == 200
    assert b"posts_set" not in response.content and "保存核定编制数" not in response.content.decode()


def test_reporter_gets_404_for_another_school(login, reporter, staffed, school_b):
    assert login(reporter).get(reverse("workforce:school", args=[school_b.code])).status_code == 404


def test_township_official_is_refused_a_school_page(login, township_official, staffed, school_a):
    assert login(township_official).get(reverse("workforce:school", args=[school_a.code])).status_code == 403


def test_other_county_bureau_gets_404_for_our_school(login, other_bureau, staffed, school_a):
    assert login(other_bureau).get(reverse("workforce:school", args=[school_a.code])).status_code == 404


def test_inspector_sees_counts_but_no_teacher_names(login, inspector, staffed, school_a):
    client = login(inspector)
    for url in (
        reverse("workforce:exchange"),
        reverse("workforce:training"),
        reverse("workforce:school", args=[school_a.code]),
    ):
        body = client.get(url, {"year": 2025}).content.decode()
        assert "城关教师0" not in body and "河口教师5" not in body
        assert "只读账号只显示人数" in body
    body = client.get(reverse("workforce:training"), {"year": 2025}).content.decode()
    assert "未满 360 学时 6 人" in body


def test_bureau_sees_teachers_below_360_hours_by_name(login, bureau, staffed):
    body = login(bureau).get(reverse("workforce:training"), {"year": 2025}).content.decode()
    assert "河口教师5" in body and "城关教师0" not in body


def test_bureau_sets_approved_posts_and_the_change_is_audited(login, bureau, staffed, school_b):
    url = reverse("workforce:posts_set", args=[school_b.code])
    response = login(bureau).post(url, {"year": 2025, "posts": 12, "note": "2025年核定"})
    assert response.status_code == 302
    assert ApprovedPosts.objects.get(school=school_b, year=2025).posts == 12
    entry = AuditEntry.objects.filter(object_type="workforce.ApprovedPosts").get()
    assert entry.action == "create" and entry.changes["posts"] == [None, 12]
    login(bureau).post(url, {"year": 2025, "posts": 13})
    assert AuditEntry.objects.filter(object_type="workforce.ApprovedPosts", action="update").get().changes[
        "posts"
    ] == [12, 13]


def test_approved_posts_must_be_a_whole_non_negative_number(login, bureau, staffed, school_b):
    login(bureau).post(reverse("workforce:posts_set", args=[school_b.code]), {"year": 2025, "posts": -1})
    assert not ApprovedPosts.objects.filter(school=school_b).exists()


@pytest.mark.parametrize("user", ["inspector", "reporter", "township_official"])
def test_only_bureau_staff_may_set_approved_posts(login, request, staffed, school_a, user):
    response = login(request.getfixturevalue(user)).post(
        reverse("workforce:posts_set", args=[school_a.code]), {"year": 2025, "posts": 1}
    )
    assert response.status_code == 403
    assert ApprovedPosts.objects.get(school=school_a, year=2025).posts == 22


def test_other_county_bureau_cannot_set_our_posts(login, other_bureau, staffed, school_a):
    response = login(other_bureau).post(
        reverse("workforce:posts_set", args=[school_a.code]), {"year": 2025, "posts": 1}
    )
    assert response.status_code == 404


def test_county_pages_refuse_posts(login, bureau, staffed):
    assert login(bureau).post(reverse("workforce:overview")).status_code == 405


def test_export_is_an_xlsx_without_teacher_names_and_is_audited(login, inspector, staffed):
    response = login(inspector).get(reverse("workforce:export"), {"year": 2025})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content), read_only=True)
    assert wb.sheetnames[:3] == ["编制 2025", "学科配备", "补充计划汇总"]
    text = " ".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )
    assert "河口小学" in text and "教师0" not in text
    assert AuditEntry.objects.filter(action="export", object_type="workforce.export").exists()


def test_plan_page_lists_what_to_hire(login, bureau, staffed):
    response = login(bureau).get(reverse("workforce:plan"), {"year": 2025})
    plan = response.context["wf"].plan
    assert {n.subject for n in plan.subjects} == {"体育", "音乐", "美术", "信息技术", "心理健康"}
    assert plan.teachers == sum(n.teachers for n in plan.subjects)


def _county_with(schools: int, teachers_per_school: int):
    """A county of `schools` primary schools with `teachers_per_school` teachers each; its bureau user."""
    from accounts.models import Role
    from schools.models import School, SchoolClass, SchoolConditions, Teacher
    from tests.factories import CountyFactory, TownshipFactory, UserFactory
    from workforce.models import ExchangeRecord, TrainingRecord

    county = CountyFactory(
        code=f"{140000 + schools * 10 + teachers_per_school % 7:06d}", name=f"规模{schools}县"
    )
    townships = [TownshipFactory(county=county, name=f"第{i}镇") for i in range(5)]
    created = School.objects.bulk_create(
        [
            School(
                code=f"{county.code}{i:04d}",
                name=f"测试学校{i}",
                county=county,
                township=townships[i % 5],
                school_type="小学",
                urban_rural="城区" if i % 2 else "乡村",
            )
            for i in range(schools)
        ]
    )
    SchoolConditions.objects.bulk_create(
        [SchoolConditions(school=s, year=2025, primary_students=300) for s in created]
    )
    SchoolClass.objects.bulk_create(
        [
            SchoolClass(school=s, year=2025, stage="小学", grade=g, name=f"{g}班", students=40)
            for s in created
            for g in range(1, 7)
        ]
    )
    subjects = ["语文", "数学", "英语", "体育", "音乐"]
    Teacher.objects.bulk_create(
        [
            Teacher(
                school=s,
                year=2025,
                staff_no=f"T{n}",
                name=f"教师{n}",
                stage="小学",
                education="本科",
                title="一级",
                subject=subjects[n % 5],
                joined_year=2010 + n % 15,
            )
            for s in created
            for n in range(teachers_per_school)
        ]
    )
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(school=s, year=2025, staff_no=f"T{n}", hours=80, has_certificate=True)
            for s in created
            for n in range(teachers_per_school)
        ]
    )
    ExchangeRecord.objects.bulk_create(
        [
            ExchangeRecord(
                year=2025,
                staff_no="T0",
                teacher_name="教师0",
                from_school=s,
                to_school=created[0],
                start_date="2025-09-01",
            )
            for s in created[1:]
        ]
    )
    user = UserFactory(username=f"bureau{county.code}", role=Role.BUREAU, county=county)
    return user, created[0].code


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"year": 2025}).status_code == 200
    return len(ctx.captured_queries)


def test_county_pages_need_the_same_few_queries_for_10_or_300_schools(login, db):
    small = login(_county_with(10, 10)[0])  # 100 teachers
    large = login(_county_with(300, 10)[0])  # 3000 teachers
    for name in (
        "workforce:overview",
        "workforce:coverage",
        "workforce:plan",
        "workforce:exchange",
        "workforce:training",
    ):
        url = reverse(name)
        queries = _queries(small, url)
        assert queries == _queries(large, url), name
        assert queries <= 20, name  # session, user and OTP device included


def test_school_page_needs_the_same_queries_for_100_or_3000_teachers(login, db):
    small, small_code = _county_with(2, 100)
    large, large_code = _county_with(2, 3000)
    assert _queries(login(small), reverse("workforce:school", args=[small_code])) == _queries(
        login(large), reverse("workforce:school", args=[large_code])
    )
