"""The county overview: who may see it, and that each figure is the one its app computes."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dropout_control.selectors import case_summary
from indicators.verdict import verdict_text
from rectification.selectors import ledger_summary
from tests.dashboard.countydata import add_cases, add_items
from workforce.selectors import staffing_summary

URL = reverse("dashboard:overview")


def text(response) -> str:
    """The page's visible text with tags stripped and whitespace collapsed."""
    html = re.sub(r"<svg.*?</svg>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("persona", ["inspector", "bureau", "admin_user"])
def test_readers_see_the_overview(request, login, persona, assessed):
    response = login(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200
    assert "滨河县 县域总览" in text(response)


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_officials_and_reporters_are_refused(request, login, persona):
    assert login(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client, county):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_countys_bureau_sees_only_its_own_county(login, other_bureau, other_school, assessed):
    page = text(login(other_bureau).get(URL))
    assert "山前县 县域总览" in page
    assert "滨河县" not in page
    assert "尚无完成的评估" in page


def test_the_verdict_of_each_scheme_links_to_its_assessment(login, inspector, assessed):
    response = login(inspector).get(URL)
    page = text(response)
    quality, basic = assessed["quality-2017"], assessed["basic-2012"]
    assert quality.passed is False
    assert "未达标 · 2017 优质均衡 · 2025—2026学年" in page
    assert f"{verdict_text(basic.result)} · 2012 基本均衡 · 2025—2026学年" in page
    assert page.index("当前评估") < page.index("2017 优质均衡 · 2025") < page.index("对比评估")
    for a in (quality, basic):
        assert reverse("indicators:detail", args=[a.pk]) in response.content.decode()
    for reason in quality.result["reasons"][:5]:
        assert reason in page


def test_cvs_are_shown_against_their_thresholds_with_the_assessment_charts(login, inspector, assessed):
    response = login(inspector).get(URL)
    html = response.content.decode()
    stage = assessed["quality-2017"].result["stages"]["primary"]
    cv = stage["indicators"]["building_area_pp"]["cv"]
    assert f"{cv:.3f}" in html
    assert "每项不超过 0.50 为达标" in text(response)
    # one chart per scheme and stage (4), from indicators.charts, with no script (CSP)
    assert html.count("<svg") == 4
    assert "<script" not in html.split("<body", 1)[1].replace('<script src="', "")


def test_units_meeting_the_per_school_rule_are_counted(login, inspector, assessed):
    page = text(login(inspector).get(URL))
    assert "逐校达标单元 3 / 4" in page
    # per stage: 小学 2 of 3 (东关小学 fails), 初中 1 of 1
    assert re.search(r"小学 2 / 3 1 38 23 2 1", page)
    assert re.search(r"初中 1 / 1 0 12 0 0 0", page)


def test_the_township_filter_limits_the_per_school_counts_not_the_cvs(login, inspector, assessed):
    page = text(login(inspector).get(URL, {"township": "城关镇"}))
    assert "逐校达标单元 2 / 3" in page
    assert re.search(r"小学 1 / 2 1 — 23 2 1", page)
    page = text(login(inspector).get(URL, {"township": "河口乡", "stage": "primary"}))
    assert "逐校达标单元 1 / 1" in page
    assert "初中" not in page.split("差异系数 · 2017 优质均衡", 1)[1].split("差异系数 · 2012", 1)[0]


def test_the_urban_rural_filter_keeps_only_those_schools(login, inspector, assessed):
    page = text(login(inspector).get(URL, {"urban_rural": "乡村"}))
    assert "逐校达标单元 1 / 1" in page  # 河口小学


def test_the_stage_filter_shows_one_stage(login, inspector, assessed):
    html = login(inspector).get(URL, {"stage": "junior"}).content.decode()
    assert html.count("<svg") == 2


def test_an_unknown_filter_value_is_reported_next_to_its_field_and_ignored(login, inspector, assessed):
    response = login(inspector).get(URL, {"township": "不存在乡"})
    assert response.status_code == 200
    page = text(response)
    assert "选择一个有效的选项" in page
    assert "逐校达标单元 3 / 4" in page


def test_teachers_short_by_subject_come_from_the_workforce_summary(login, inspector, assessed):
    summary = staffing_summary(assessed["quality-2017"].county, 2025)
    gap = max((s for s in summary["subjects"] if s["required"]), key=lambda s: s["schools_without"])
    assert gap["schools_without"] > 0
    page = text(login(inspector).get(URL)).split("师资缺口", 1)[1]
    assert f"{gap['stage']} {gap['subject']} {gap['schools_without']}" in page


def test_dropout_figures_are_those_of_the_case_summary(login, inspector, assessed, small_county):
    add_cases(small_county.county, [small_county.school_a, small_county.third])
    add_cases(small_county.county, [small_county.school_a], overdue=True)
    closed = add_cases(small_county.county, [small_county.school_b], status="closed")
    closed[0].outcome = "returned"
    closed[0].save()
    summary = case_summary(inspector, small_county.county)
    assert (summary["open"], summary["returned"], summary["overdue"]) == (3, 1, 1)
    page = text(login(inspector).get(URL))
    assert "控辍在办个案 3 已复学 1 · 逾期 1" in page
    page = text(login(inspector).get(URL, {"township": "城关镇"}))
    assert "城关镇 ：个案 3 件，在办 3 件，已复学 0 件，逾期 1 件" in page


def test_rectification_progress_is_that_of_the_ledger_summary(login, inspector, assessed, small_county):
    county = small_county.county
    add_items(county, 2, first=1, status="closed")
    items = add_items(county, 2, first=3, status="in_progress")
    items[0].deadline = timezone.localdate() - timedelta(days=1)
    items[0].save()
    summary = ledger_summary(county)
    assert (summary["closed"], summary["total"], summary["overdue"]) == (2, 4, 1)
    page = text(login(inspector).get(URL))
    assert "整改销号率 50.0% 未完成 2 项 · 逾期 1 项" in page
    assert "已销号 2 / 4 项（50.0%）" in page


def test_the_countdown_and_the_data_time_are_shown(login, inspector, assessed, small_county):
    page = text(login(inspector).get(URL))
    assert f"距国检 45 天 {small_county.county.inspection_date:%Y-%m-%d}" in page
    finished = timezone.localtime(assessed["quality-2017"].finished_at)
    assert f"数据截至 {finished:%Y-%m-%d %H:%M}" in page


def test_a_county_without_data_shows_empty_states(login, bureau):
    response = login(bureau).get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "尚无完成的评估" in page
    assert "未设定国检日期" in page
    assert "尚无已发布的满意度调查" in page


def test_the_demo_county_shows_satisfaction_and_archive_as_their_apps_compute_them(
    db, login, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    from accounts.models import User
    from rectification.selectors import archive_completeness
    from surveys.selectors import county_recognition

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    inspector = User.objects.get(username="inspector")
    county = inspector.county
    archive = archive_completeness(county)
    assert archive.points > 0
    recognition = county_recognition(
        county, county.surveys.exclude(status="draft").order_by("-year").first().year
    )
    # Finding 8: questionnaires (one per respondent) and item answers are two figures, named apart.
    assert 0 < recognition["questionnaires"] < recognition["valid_answers"]
    page = text(login(inspector).get(URL))
    assert f"档案完整度 {archive.percent}% {archive.complete_points} / {archive.points} 个要点齐全" in page
    assert f"社会认可度 {recognition['rate_display']}" in page
    assert (
        f"答卷 {recognition['questionnaires']} 份（有效满意度答案 {recognition['valid_answers']} 个）" in page
    )
    assert f"{recognition['valid_answers']} 份" not in page
