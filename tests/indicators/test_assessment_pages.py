"""Assessment pages: who may see and do what, and what the pages and exports show."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from balance_inspect.jobs import JobStatus
from indicators.models import Assessment
from indicators.services import assessment_run_now

pytestmark = pytest.mark.django_db


def read_pages(a):
    return [
        reverse("indicators:detail", args=[a.pk]),
        reverse("indicators:status", args=[a.pk]),
        reverse("indicators:drilldown", args=[a.pk, "primary", "backbone_teachers_per100"]),
        reverse("indicators:gaps", args=[a.pk]),
        reverse("indicators:sizes", args=[a.pk]),
        reverse("indicators:what_if", args=[a.pk]),
        reverse("indicators:export_table2", args=[a.pk]),
        reverse("indicators:export_table3", args=[a.pk]),
    ]


@pytest.mark.parametrize("who", ["bureau", "inspector"])
def test_bureau_and_inspectors_can_open_every_page(who, request, quality, login):
    client = login(request.getfixturevalue(who))
    for url in [reverse("indicators:list"), reverse("indicators:items"), *read_pages(quality)]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["township_official", "reporter"])
def test_township_officials_and_reporters_are_refused_every_page(who, request, quality, login):
    client = login(request.getfixturevalue(who))
    for url in [reverse("indicators:list"), reverse("indicators:items"), *read_pages(quality)]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("indicators:request"), {"year": 2025, "scheme": "basic-2012"}).status_code == 403
    )


def test_another_countys_bureau_gets_404_for_our_assessments(quality, other_bureau, login):
    client = login(other_bureau)
    for url in read_pages(quality):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("indicators:list"))
    assert listing.status_code == 200 and f"#{quality.pk}" not in listing.content.decode()


def test_inspectors_may_not_request_an_assessment(county_data, inspector, login):
    response = login(inspector).post(reverse("indicators:request"), {"year": 2025, "scheme": "quality-2017"})
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_inspectors_see_no_request_form(quality, inspector, login):
    assert "开始评估" not in login(inspector).get(reverse("indicators:list")).content.decode()


def test_bureau_requests_an_assessment_and_lands_on_it(
    county_data, bureau, login, django_capture_on_commit_callbacks
):
    client = login(bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:request"), {"year": 2025, "scheme": "quality-2017"})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "indicators:detail", args=[assessment.pk]
    )
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.DONE and assessment.requested_by == bureau


def test_a_repeated_request_says_the_result_is_reused(quality, bureau, login):
    response = login(bureau).post(
        reverse("indicators:request"), {"year": 2025, "scheme": "quality-2017"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("indicators:detail", args=[quality.pk])
    assert "直接显示已有结果" in response.content.decode()
    assert Assessment.objects.count() == 1


def test_an_invalid_request_is_refused_with_a_message(county_data, bureau, login):
    response = login(bureau).post(
        reverse("indicators:request"), {"year": 1800, "scheme": "basic-2012"}, follow=True
    )
    assert "请检查学年与评估方案" in response.content.decode()
    assert not Assessment.objects.exists()


def test_list_page_queries_do_not_grow_with_assessments(
    county_data, bureau, login, django_assert_max_num_queries
):
    client = login(bureau)
    assessment_run_now(county=county_data.county, year=2025, scheme="basic-2012")
    # 12 for the page and its list, plus the county's current assessment: its data year, the
    # input fingerprint (4 fact queries, the county items) and the lookups of the stored run.
    with django_assert_max_num_queries(18) as ctx:
        client.get(reverse("indicators:list"))
    few = len(ctx.captured_queries)
    for _ in range(5):
        Assessment.objects.create(county=county_data.county, year=2024, scheme="quality-2017")
    with django_assert_max_num_queries(few):
        assert client.get(reverse("indicators:list")).status_code == 200


def test_detail_shows_verdict_reasons_cv_table_and_compliance(quality, bureau, login):
    html = login(bureau).get(reverse("indicators:detail", args=[quality.pk])).content.decode()
    assert "未达标 · 2017 优质均衡" in html
    assert "小学 县级以上骨干教师数 差异系数 0.784 &gt; 0.50" in html
    assert '<td class="num fail">0.784</td>' in html  # the failing CV, 3 decimals half up
    assert '<td class="num">0.018</td>' in html  # building area CV 0.01786 rounds half up
    # 城关小学 backbone 0.90 per 100: below the standard 1.0 but above 85% of it → warn
    assert 'class="num warn" data-value="0.9">0.90</td>' in html
    assert "<svg font-family='\"Noto Sans CJK SC\", sans-serif'" in html
    assert "<script" not in html.split("<main")[1]


def test_detail_of_a_queued_assessment_polls_its_status(county_data, bureau, login):
    queued = Assessment.objects.create(county=county_data.county, year=2025, scheme="basic-2012")
    html = login(bureau).get(reverse("indicators:detail", args=[queued.pk])).content.decode()
    assert "排队中" in html and f'hx-get="/indicators/{queued.pk}/status/?reload=1"' in html


def test_status_partial_asks_the_detail_page_to_reload_when_done(quality, bureau, login):
    client = login(bureau)
    url = reverse("indicators:status", args=[quality.pk])
    response = client.get(url + "?reload=1", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert "HX-Refresh" not in client.get(url, HTTP_HX_REQUEST="true")


def test_drilldown_shows_each_units_contribution(quality, inspector, login):
    url = reverse("indicators:drilldown", args=[quality.pk, "primary", "backbone_teachers_per100"])
    html = login(inspector).get(url).content.decode()
    assert "城关小学" in html and "河口小学" in html
    assert "71.43%" in html and "28.57%" in html  # shares 1000/1400 and 400/1400
    assert "<strong>0.784</strong>" in html


def test_drilldown_of_an_unknown_indicator_is_404(quality, bureau, login):
    url = reverse("indicators:drilldown", args=[quality.pk, "primary", "books_pp"])  # a 2012 key
    assert login(bureau).get(url).status_code == 404


def test_gaps_page_lists_unit_gaps_and_cv_plans_with_totals(quality, bureau, login):
    html = login(bureau).get(reverse("indicators:gaps", args=[quality.pk])).content.decode()
    assert "每百名学生拥有县级以上骨干教师数" in html
    assert "0.784 → 0.474" in html and "可达标" in html
    assert "合计需增加" in html


def test_sizes_page_lists_school_sizes(quality, bureau, login):
    html = login(bureau).get(reverse("indicators:sizes", args=[quality.pk])).content.decode()
    assert "没有超过标准班额的班级" in html and "城关中学" in html and "2000" in html


def test_table2_export_has_headers_and_flags_the_shortfall(quality, bureau, login):
    response = login(bureau).get(reverse("indicators:export_table2", args=[quality.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "表Ⅱ 义务教育学校办学基本标准达标情况 · 滨河县 · 2025—2026学年 · 2017 优质均衡"
    assert (
        ws["A2"].value.startswith("数据时间：") and ws.freeze_panes == "A4"
    )  # title, data time, frozen header
    headers = [c.value for c in ws[3]]
    assert headers[:5] == ["学校标识码", "学校名称", "乡镇", "学段", "在校生数"]
    assert "每百名学生拥有县级以上骨干教师数（人）" in headers
    assert headers[-2:] == ["达标项数", "是否达标"]
    col = headers.index("每百名学生拥有县级以上骨干教师数（人）")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=4)}
    flagged = rows["1301230001"][col]
    # 0.9 of a 1.0 standard is at least 85 %: yellow, as on the page (red is below 85 %)
    assert flagged.value == 0.9 and flagged.fill.fgColor.rgb.endswith("FFF4D6")
    assert rows["1301230001"][col + 1].value == 1.0
    assert rows["1301230002"][col].fill.fgColor.rgb.endswith("000000")  # no fill


def test_table3_export_flags_the_failing_cv(quality, bureau, login):
    response = login(bureau).get(reverse("indicators:export_table3", args=[quality.pk]))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value.startswith("表Ⅲ 义务教育校际差异系数 · 滨河县") and ws.freeze_panes == "A4"
    assert [c.value for c in ws[3]] == [
        "学段",
        "指标",
        "单位",
        "单元数",
        "在校生数",
        "均值",
        "标准差",
        "差异系数",
        "标准（不超过）",
        "是否达标",
    ]
    row = next(
        r
        for r in ws.iter_rows(min_row=4)
        if r[1].value == "每百名学生拥有县级以上骨干教师数" and r[0].value == "小学"
    )
    assert row[7].value == 0.784 and row[7].fill.fgColor.rgb.endswith("F8D7DA") and row[9].value == "未达标"


def test_exports_are_audited(quality, inspector, login):
    from accounts.models import AuditEntry

    login(inspector).get(reverse("indicators:export_table3", args=[quality.pk]))
    assert AuditEntry.objects.filter(action="export", user=inspector, object_id=str(quality.pk)).exists()


def test_pages_of_an_unfinished_assessment_are_404(county_data, bureau, login):
    queued = Assessment.objects.create(county=county_data.county, year=2025, scheme="basic-2012")
    assert login(bureau).get(reverse("indicators:gaps", args=[queued.pk])).status_code == 404


def what_if_query(**rows):
    params = {}
    for i, (unit, field, delta) in enumerate(rows.values()):
        params.update({f"unit_{i}": unit, f"field_{i}": field, f"delta_{i}": delta})
    return params


def test_what_if_shows_new_cvs_without_touching_stored_data(quality, inspector, login):
    before = Assessment.objects.get(pk=quality.pk)
    count = Assessment.objects.count()
    params = what_if_query(a=("1301230001:primary", "backbone_teachers", "21"))
    html = login(inspector).get(reverse("indicators:what_if", args=[quality.pk]), params).content.decode()
    # 30 backbone teachers for 1000 pupils = 3.0 per 100 against 4.0: the CV falls under 0.50;
    # no county item is entered, so the verdict becomes incomplete, not passed.
    assert "结论：未达标 → 未完成" in html
    assert '<td class="num">0.784</td>' in html and "<strong>0.137</strong>" in html
    after = Assessment.objects.get(pk=quality.pk)
    assert (
        after.result == before.result
        and after.inputs == before.inputs
        and Assessment.objects.count() == count
    )


def test_what_if_with_no_change_reproduces_the_stored_result(quality):
    from indicators.selectors import what_if_for

    again = what_if_for(quality, [])
    stored = quality.result
    for stage in ("primary", "junior"):
        for key, entry in stored["stages"][stage]["indicators"].items():
            assert again["stages"][stage]["indicators"][key]["cv"] == entry["cv"]
    assert again["passed"] == stored["passed"] and again["reasons"] == stored["reasons"]


def test_what_if_refuses_a_change_below_zero(quality, bureau, login):
    params = what_if_query(a=("1301230001:primary", "books", "-999999"))
    html = login(bureau).get(reverse("indicators:what_if", args=[quality.pk]), params).content.decode()
    assert "调整后 books 为负数" in html


def test_what_if_needs_every_part_of_a_row(quality, bureau, login):
    params = {"unit_0": "1301230001:primary", "delta_0": "3"}
    html = login(bureau).get(reverse("indicators:what_if", args=[quality.pk]), params).content.decode()
    assert "请同时选择学校单元、调整内容并填写增减量" in html


def test_a_running_status_partial_keeps_polling_the_same_url(county_data, bureau, login):
    running = Assessment.objects.create(
        county=county_data.county, year=2025, scheme="basic-2012", status=JobStatus.RUNNING, progress=40
    )
    url = reverse("indicators:status", args=[running.pk])
    html = login(bureau).get(url + "?reload=1", HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="{url}?reload=1"' in html and "40%" in html
