"""The school list: scoped, filtered, searched, sorted, paged, per year, constant queries."""

import re

import pytest

from tests.factories import ClassFactory, ConditionsFactory, SchoolFactory, TeacherFactory, TownshipFactory

pytestmark = pytest.mark.django_db

URL = "/schools/"


def codes(response) -> list[str]:
    return re.findall(r"<td[^>]*>(\d{10})</td>", response.content.decode())


@pytest.fixture
def schools(school_a, school_b, other_school):
    """Two schools of 滨河县 in two townships plus one of 山前县, with 2025 data for school_a."""
    ConditionsFactory(school=school_a, year=2025, primary_students=812)
    ConditionsFactory(school=school_a, year=2024, primary_students=790)
    ConditionsFactory(school=school_b, year=2025, primary_students=120)
    ConditionsFactory(school=other_school, year=2025)
    return school_a, school_b, other_school


def test_it_requires_login(client):
    assert client.get(URL).status_code == 302


def test_bureau_sees_the_schools_of_its_county_only(login, bureau, schools):
    assert codes(login(bureau).get(URL)) == ["1301230001", "1301230002"]


def test_inspector_sees_the_schools_of_its_county_only(login, inspector, schools):
    assert codes(login(inspector).get(URL)) == ["1301230001", "1301230002"]


def test_township_official_sees_own_township_only(login, township_official, schools):
    assert codes(login(township_official).get(URL)) == ["1301230001"]


def test_other_township_official_sees_the_other_township(login, other_township_official, schools):
    assert codes(login(other_township_official).get(URL)) == ["1301230002"]


def test_reporter_sees_own_school_only(login, reporter, schools):
    assert codes(login(reporter).get(URL)) == ["1301230001"]


def test_bureau_of_another_county_sees_none_of_ours(login, other_bureau, schools):
    assert codes(login(other_bureau).get(URL)) == ["1301240001"]


def test_admin_without_county_sees_every_county(login, admin_user, schools):
    assert set(codes(login(admin_user).get(URL))) == {"1301230001", "1301230002", "1301240001"}


def test_township_choices_are_limited_to_what_the_user_sees(login, township_official, bureau, schools):
    html = login(township_official).get(URL).content.decode()
    assert "城关镇" in html and "河口乡" not in html
    html = login(bureau).get(URL).content.decode()
    assert "河口乡" in html and "山前镇" not in html


def test_type_choices_are_limited_to_types_the_user_sees(login, bureau, schools, township_a):
    SchoolFactory(township=township_a, code="1301230003", name="城关中学", school_type="初中")
    html = login(bureau).get(URL).content.decode()
    assert '<option value="初中">' in html
    assert '<option value="完全中学">' not in html


def test_it_filters_by_township(login, bureau, schools, township_b):
    assert codes(login(bureau).get(URL, {"township": township_b.pk})) == ["1301230002"]


def test_a_township_of_another_county_filters_nothing_in(login, bureau, schools, other_school):
    response = login(bureau).get(URL, {"township": other_school.township_id})
    assert "1301240001" not in codes(response)


def test_it_filters_by_type_and_urban_rural(login, bureau, schools, township_a):
    SchoolFactory(
        township=township_a, code="1301230003", name="城关中学", school_type="初中", urban_rural="城区"
    )
    c = login(bureau)
    assert codes(c.get(URL, {"school_type": "初中"})) == ["1301230003"]
    assert codes(c.get(URL, {"urban_rural": "城区"})) == ["1301230001", "1301230003"]
    assert codes(c.get(URL, {"urban_rural": "乡村"})) == ["1301230002"]


def test_it_searches_by_name_or_code(login, bureau, schools):
    c = login(bureau)
    assert codes(c.get(URL, {"q": "河口"})) == ["1301230002"]
    assert codes(c.get(URL, {"q": "1301230001"})) == ["1301230001"]
    assert codes(c.get(URL, {"q": "山前"})) == []


def test_it_sorts_by_a_column_across_pages(login, bureau, schools):
    c = login(bureau)
    assert codes(c.get(URL, {"sort": "-primary_students"})) == ["1301230001", "1301230002"]
    assert codes(c.get(URL, {"sort": "primary_students"})) == ["1301230002", "1301230001"]
    html = c.get(URL, {"sort": "primary_students"}).content.decode()
    assert "sort=-primary_students" in html  # clicking again reverses


def test_it_pages_fifty_schools_at_a_time(login, bureau, township_a, make_schools):
    make_schools(township_a, 120)
    c = login(bureau)
    assert len(codes(c.get(URL))) == 50
    assert len(codes(c.get(URL, {"page": 3}))) == 20
    assert "共 120 条" in c.get(URL).content.decode()


def test_it_shows_the_latest_year_by_default_and_another_year_on_request(login, bureau, schools):
    c = login(bureau)
    html = c.get(URL).content.decode()
    assert "2025—2026学年" in html and ">812<" in html
    html = c.get(URL, {"year": 2024}).content.decode()
    assert ">790<" in html and ">812<" not in html


def test_an_unknown_year_falls_back_to_the_latest(login, bureau, schools):
    assert ">812<" in login(bureau).get(URL, {"year": "abc"}).content.decode()


def test_it_shows_teachers_classes_and_the_worst_class_size(login, bureau, school_a):
    ConditionsFactory(school=school_a, year=2025)
    TeacherFactory.create_batch(3, school=school_a, year=2025)
    TeacherFactory(school=school_a, year=2024)
    ClassFactory(school=school_a, year=2025, students=40)
    ClassFactory(school=school_a, year=2025, students=58)
    html = login(bureau).get(URL).content.decode()
    row = re.search(r"<tr>\s*<td[^>]*>1301230001</td>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<td class="num"[^>]*>(\d+)</td>', row) == ["400", "0", "3", "2"]
    assert "大班额" in row


def test_class_flags_follow_the_bands(login, bureau, school_a, school_b, township_a):
    junior = SchoolFactory(township=township_a, code="1301230003", school_type="初中")
    for school in (school_a, school_b, junior):
        ConditionsFactory(school=school, year=2025)
    ClassFactory(school=school_a, year=2025, students=66)
    ClassFactory(school=school_b, year=2025, students=46)
    ClassFactory(school=junior, year=2025, stage="初中", grade=7, students=50)
    html = login(bureau).get(URL).content.decode()
    rows = dict(re.findall(r"<td[^>]*>(\d{10})</td>(.*?)</tr>", html, re.S))
    assert "超大班额" in rows["1301230001"]
    assert "超标准（未达大班额）" in rows["1301230002"]  # the sub-band, named as such
    assert "班额</span>" not in rows["1301230003"]  # 50 in 初中 is within the standard


def build_county(n, make_schools):
    township = TownshipFactory(name=f"测试镇{n}")
    other = TownshipFactory(county=township.county, name=f"另一镇{n}")
    make_schools(township, n - n // 2)
    make_schools(other, n // 2, start=5000)
    return township.county


def bureau_client(county, login):
    from tests.factories import UserFactory

    client = login(UserFactory(username=f"bureau{county.code}", role="bureau", county=county))
    client.get(URL)  # the first request of a session writes it once more than later ones
    return client


LIST_PARAMS = {"sort": "-teacher_count", "q": "小学", "urban_rural": "乡村", "township": ""}


# 9 queries of the page itself + session, user and OTP device lookups (3) - the session save (3
# more, idle-timeout middleware) is included: 12 in all.
@pytest.mark.parametrize("n", [10, 300])
def test_the_list_runs_a_bounded_number_of_queries(n, login, make_schools, django_assert_max_num_queries):
    client = bureau_client(build_county(n, make_schools), login)
    with django_assert_max_num_queries(12):
        response = client.get(URL, LIST_PARAMS)
    assert len(codes(response)) == min(n, 50)


def test_ten_and_three_hundred_schools_need_the_same_queries(login, make_schools):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (10, 300):
        client = bureau_client(build_county(n, make_schools), login)
        with CaptureQueriesContext(connection) as ctx:
            client.get(URL, {**LIST_PARAMS, "page": 2})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
