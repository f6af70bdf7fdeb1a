"""The 报送 pages: the county submits and answers, reviewers of the county's city and province
comment, return and pass at their own step; every page refuses the wrong role (403) and the
wrong area (404)."""

import pytest

from reviews import submissions as services
from reviews import transitions as flow
from reviews.models import ReviewComment, ReviewStep, Submission

URL = "/reviews/submissions/"


@pytest.fixture
def filed(built_package, small_county, bureau):
    """滨河县's first submission, awaiting the city (待市级复核)."""
    return services.submission_submit(user=bureau, county=small_county)


def test_bureau_submits_from_the_page_and_sees_the_version_and_its_step(login, bureau, built_package):
    client = login(bureau)
    page = client.get(URL).content.decode()
    assert "报送申报材料" in page and "尚未报送" in page
    response = client.post(f"{URL}submit/")
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{submission.pk}/"
    page = client.get(URL).content.decode()
    assert "第 1 版" in page and "待市级复核" in page and "王科长" in page
    assert "报送申报材料" not in page  # no second submit while it is open
    client.post(f"{URL}submit/")
    assert Submission.objects.count() == 1


def test_a_refused_submit_says_why(login, bureau, assessed):
    client = login(bureau)
    response = client.post(f"{URL}submit/", follow=True)
    assert "尚未生成 2025 学年的申报材料" in response.content.decode()
    assert not Submission.objects.exists()


def test_inspector_reads_but_cannot_submit_answer_or_review(login, inspector, filed, city_reviewer):
    services.submission_city_return(user=city_reviewer, submission=filed, reason="补正")
    comment = ReviewComment.objects.create(
        submission=filed,
        level="city",
        target_kind="table",
        target_key="表Ⅰ",
        target_label="表Ⅰ",
        text="缺数据来源",
        author=city_reviewer,
        created_at=filed.submitted_at,
    )
    client = login(inspector)
    page = client.get(URL).content.decode()
    assert "第 1 版" in page and "缺数据来源" in page
    assert "重新报送" not in page and "保存答复" not in page
    assert client.get(f"{URL}{filed.pk}/").status_code == 200
    assert client.get(f"{URL}{filed.pk}/diff/").status_code == 200
    assert client.post(f"{URL}submit/").status_code == 403
    assert client.post(f"{URL}comment/{comment.pk}/answer/", {"answer": "督学代答"}).status_code == 403
    assert client.get(f"{URL}review/").status_code == 403
    assert client.post(f"{URL}{filed.pk}/step/city_pass/").status_code == 403
    comment.refresh_from_db()
    assert comment.answer == "" and Submission.objects.count() == 1


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_and_school_users_are_refused_every_page(request, login, persona, filed):
    client = login(request.getfixturevalue(persona))
    comment = ReviewComment.objects.create(
        submission=filed,
        level="city",
        target_kind="table",
        target_key="表Ⅰ",
        target_label="表Ⅰ",
        text="x",
        author=filed.submitted_by,
        created_at=filed.submitted_at,
    )
    for url in (URL, f"{URL}{filed.pk}/", f"{URL}{filed.pk}/diff/", f"{URL}review/"):
        assert client.get(url).status_code == 403, url
    for url in (
        f"{URL}submit/",
        f"{URL}comment/{comment.pk}/answer/",
        f"{URL}{filed.pk}/comment/",
        f"{URL}{filed.pk}/step/city_pass/",
    ):
        assert client.post(url, {"answer": "a", "text": "t", "target": "table:表Ⅰ"}).status_code == 403, url


def test_another_countys_bureau_gets_404(login, other_bureau, filed, city_reviewer):
    comment = services.comment_add(
        user=city_reviewer, submission=filed, target_kind="table", target_key="表Ⅰ", text="缺数据来源"
    )
    client = login(other_bureau)
    assert client.get(f"{URL}{filed.pk}/").status_code == 404
    assert client.get(f"{URL}{filed.pk}/diff/").status_code == 404
    assert client.post(f"{URL}comment/{comment.pk}/answer/", {"answer": "冒答"}).status_code == 404
    assert "滨河县" not in client.get(URL).content.decode()
    comment.refresh_from_db()
    assert comment.answer == ""


def test_a_reviewer_of_another_city_gets_404(login, other_city_reviewer, filed):
    client = login(other_city_reviewer)
    for url in (f"{URL}{filed.pk}/", f"{URL}{filed.pk}/diff/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{URL}{filed.pk}/comment/", {"target": "table:表Ⅰ", "text": "x"}).status_code == 404
    assert client.post(f"{URL}{filed.pk}/step/city_pass/").status_code == 404
    assert "滨河县" not in client.get(f"{URL}review/").content.decode()
    assert ReviewStep.objects.count() == 1 and not ReviewComment.objects.exists()


def test_county_staff_cannot_take_a_reviewers_step(login, bureau, filed):
    client = login(bureau)
    assert client.get(f"{URL}review/").status_code == 403
    assert client.post(f"{URL}{filed.pk}/comment/", {"target": "table:表Ⅰ", "text": "x"}).status_code == 403
    assert client.post(f"{URL}{filed.pk}/step/city_pass/").status_code == 403
    filed.refresh_from_db()
    assert filed.state == flow.PENDING_CITY


def test_the_province_cannot_act_at_the_city_step(login, province_reviewer, filed):
    client = login(province_reviewer)
    page = client.get(f"{URL}{filed.pk}/").content.decode()
    assert "添加意见" not in page  # reads it, but it is not the province's step
    assert client.post(f"{URL}{filed.pk}/comment/", {"target": "table:表Ⅰ", "text": "x"}).status_code == 403
    for action in ("province_pass", "province_return", "city_pass"):
        assert client.post(f"{URL}{filed.pk}/step/{action}/", {"reason": "r"}).status_code == 403, action
    filed.refresh_from_db()
    assert filed.state == flow.PENDING_CITY and not ReviewComment.objects.exists()


def test_a_city_reviewer_cannot_take_the_provinces_action(login, city_reviewer, filed):
    client = login(city_reviewer)
    assert client.post(f"{URL}{filed.pk}/step/province_pass/").status_code == 403
    assert client.post(f"{URL}{filed.pk}/step/no_such_step/").status_code == 403
    filed.refresh_from_db()
    assert filed.state == flow.PENDING_CITY


def test_the_whole_review_through_the_pages(
    login, bureau, city_reviewer, province_reviewer, filed, small_county, school_b
):
    city = login(city_reviewer)
    queue = city.get(f"{URL}review/").content.decode()
    assert "滨河县" in queue and "待您复核" in queue
    page = city.get(f"{URL}{filed.pk}/").content.decode()
    assert "添加意见" in page and "市级退回" in page and "河口小学（1301230002）" in page
    city.post(f"{URL}{filed.pk}/comment/", {"target": "school:1301230002", "text": "河口小学生均校舍不足"})
    assert ReviewComment.objects.get().target_label == "河口小学（1301230002）"
    # A return without a reason is refused with its message and changes nothing.
    response = city.post(f"{URL}{filed.pk}/step/city_return/", {"reason": ""}, follow=True)
    assert "市级退回须填写退回理由" in response.content.decode()
    assert Submission.objects.get().state == flow.PENDING_CITY
    city.post(f"{URL}{filed.pk}/step/city_return/", {"reason": "请补正校舍面积"})
    assert Submission.objects.get().state == flow.CITY_RETURNED
    assert city.post(f"{URL}{filed.pk}/comment/", {"target": "table:表Ⅰ", "text": "迟到"}).status_code == 403

    county = login(bureau)
    page = county.get(URL).content.decode()
    assert "请补正校舍面积" in page and "河口小学生均校舍不足" in page and "保存答复" in page
    comment = ReviewComment.objects.get()
    county.post(f"{URL}comment/{comment.pk}/answer/", {"answer": "已核实并补正"})
    comment.refresh_from_db()
    assert comment.answer == "已核实并补正" and comment.answered_by == bureau

    second = services.submission_submit(user=bureau, county=small_county)
    diff = county.get(f"{URL}{second.pk}/diff/").content.decode()
    assert "完全相同" in diff  # nothing was corrected in the data this time

    city.post(f"{URL}{second.pk}/step/city_pass/")
    assert city.post(f"{URL}{second.pk}/step/city_return/", {"reason": "x"}).status_code == 403
    province = login(province_reviewer)
    assert "待您复核" in province.get(f"{URL}review/").content.decode()
    province.post(f"{URL}{second.pk}/step/province_pass/", {"reason": "同意上报"})
    second.refresh_from_db()
    assert second.state == flow.PROVINCE_PASSED
    # Passed: nobody comments any more.
    for client in (city, province):
        assert (
            client.post(f"{URL}{second.pk}/comment/", {"target": "table:表Ⅰ", "text": "x"}).status_code == 403
        )
    detail = county.get(f"{URL}{second.pk}/").content.decode()
    assert (
        "省级评估通过" in detail and "同意上报" in detail and "何评估" in detail and "与报送时一致" in detail
    )


def test_the_diff_page_shows_old_and_new_side_by_side(
    login, bureau, city_reviewer, filed, small_county, school_b
):
    from indicators.services import assessment_run_now
    from schools.models import SchoolConditions

    from .conftest import YEAR, build_package

    services.submission_city_return(user=city_reviewer, submission=filed, reason="补正")
    SchoolConditions.objects.filter(school=school_b, year=YEAR).update(building_area=810)
    assessment_run_now(county=small_county, year=YEAR, scheme="quality-2017")
    build_package(small_county, bureau)
    second = services.submission_submit(user=bureau, county=small_county)
    for client in (login(bureau), login(city_reviewer)):
        page = client.get(f"{URL}{second.pk}/diff/").content.decode()
        assert "旧版本" in page and "新版本" in page
        assert "河口小学（1301230002）" in page and "小学 教学及辅助用房面积" in page
        assert "700.00 ㎡" in page and "810.00 ㎡" in page
        assert "城关小学（1301230001）" not in page  # unchanged schools are not listed


def test_the_list_page_costs_the_same_queries_for_one_or_three_versions(
    login, bureau, city_reviewer, filed, small_county
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(bureau)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first request also warms per-process caches (menu, settings)
    one = queries()
    for _ in range(2):
        latest = Submission.objects.order_by("-version").first()
        services.submission_city_return(user=city_reviewer, submission=latest, reason="再核")
        services.submission_submit(user=bureau, county=small_county)
    assert Submission.objects.count() == 3
    assert queries() == one
