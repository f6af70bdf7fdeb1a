"""One current assessment per county: the stored run of the county's target scheme on the current
data. The readiness board, proposals and each ledger item's 指标现状 (and its 销号) read only it;
a run of the other scheme is a comparison (对比评估) and changes none of them."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEntry
from indicators.selectors import current_assessment
from indicators.services import assessment_request, assessment_run_now, county_set_target_scheme
from rectification import selectors as rectification_selectors
from rectification import services as rectification_services
from rectification.models import ItemStatus, Proposal
from tests.indicators.conftest import YEAR, add_teachers
from tests.rectification.conftest import item_data, make_pdf

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 10)


def board(county):
    county.refresh_from_db()
    return [
        (r.area, r.item, r.status, r.detail)
        for r in rectification_selectors.readiness_board(county, today=TODAY)["rows"]
    ]


def backbone_item(county, school, bureau):
    """A ledger item about 城关小学's backbone teachers (failing the 2017 CV), done and evidenced."""
    item = rectification_services.item_create(
        user=bureau,
        county=county,
        schools=[school],
        data=item_data(problem="城关小学骨干教师不足", indicator="backbone_teachers_per100", stage="primary"),
    )
    rectification_services.evidence_add(user=bureau, item=item, upload=make_pdf())
    return rectification_services.item_complete(user=bureau, item=item)


def run(county, scheme, user):
    return assessment_run_now(county=county, year=YEAR, scheme=scheme, user=user)


def test_a_county_aims_at_quality_2017_by_default(county_data):
    assert county_data.county.target_scheme == "quality-2017"
    current = current_assessment(county_data.county)
    assert current.assessment is None and current.scheme == "quality-2017" and current.year == YEAR


def test_running_basic_2012_after_quality_2017_changes_no_board_proposal_or_item(county_data, bureau):
    county = county_data.county
    quality = run(county, "quality-2017", bureau)
    item = backbone_item(county, county_data.school_a, bureau)
    before_board = board(county)
    before_standing = rectification_selectors.item_indicator_standing(item)
    assert any("骨干教师" in row[1] and row[2] == "fail" for row in before_board)

    basic = run(county, "basic-2012", bureau)
    assert basic.pk != quality.pk and basic.finished_at > quality.finished_at

    assert current_assessment(county).assessment == quality
    assert board(county) == before_board
    standing = rectification_selectors.item_indicator_standing(item)
    assert (
        standing["assessment"] == quality
        and standing["still_failing"] is True == before_standing["still_failing"]
    )
    rectification_services.proposals_from_assessment(current_assessment(county).assessment, user=bureau)
    assert {p.assessment_id for p in Proposal.objects.all()} == {quality.pk}


def test_running_the_target_scheme_again_on_unchanged_data_keeps_the_same_current_run(
    county_data, bureau, run_on_commit
):
    county = county_data.county
    first = run_on_commit(assessment_request, county=county, year=YEAR, scheme="quality-2017", user=bureau)
    run(county, "basic-2012", bureau)
    again = run_on_commit(assessment_request, county=county, year=YEAR, scheme="quality-2017", user=bureau)
    assert again.pk == first.pk and again.reused is True
    assert run(county, "quality-2017", bureau).pk == first.pk
    current = current_assessment(county)
    assert current.assessment.pk == first.pk and current.stale is False


def test_after_a_data_change_the_last_run_stays_shown_but_is_stale(county_data, bureau, login):
    county = county_data.county
    quality = run(county, "quality-2017", bureau)
    add_teachers(county_data.school_a, 1, prefix="N")
    current = current_assessment(county)
    assert current.assessment == quality and current.stale is True
    assert any("数据已变更，请重新评估" in row[3] for row in board(county))
    client = login(bureau)
    response = client.post(reverse("rectification:proposals_generate"), follow=True)
    assert "数据已变更，请重新评估后再生成整改建议" in response.content.decode()
    assert not Proposal.objects.exists()
    rerun = run(county, "quality-2017", bureau)
    assert rerun.pk != quality.pk and current_assessment(county).assessment == rerun
    assert current_assessment(county).stale is False


def test_a_ledger_item_cannot_be_closed_while_the_current_assessment_still_fails_it(county_data, bureau):
    county = county_data.county
    run(county, "quality-2017", bureau)
    run(county, "basic-2012", bureau)  # has no backbone indicator: must not let the item through
    item = backbone_item(county, county_data.school_a, bureau)
    with pytest.raises(ValidationError, match="仍未达标.*不能销号"):
        rectification_services.item_close(user=bureau, item=item, verification="已核查")
    item.refresh_from_db()
    assert item.status == ItemStatus.COMPLETED

    add_teachers(county_data.school_a, 21, backbone="县级", prefix="B")  # the fix: 3.0 per 100
    with pytest.raises(ValidationError, match="数据已变更，请重新评估"):
        rectification_services.item_close(user=bureau, item=item, verification="已核查")
    run(county, "quality-2017", bureau)
    closed = rectification_services.item_close(user=bureau, item=item, verification="已核查")
    assert closed.status == ItemStatus.CLOSED


def test_the_item_page_says_the_current_assessment_still_fails(county_data, bureau, login):
    run(county_data.county, "quality-2017", bureau)
    run(county_data.county, "basic-2012", bureau)
    item = backbone_item(county_data.county, county_data.school_a, bureau)
    page = login(bureau).get(reverse("rectification:detail", args=[item.pk])).content.decode()
    assert "当前评估仍未达标" in page and "最新评估已达标" not in page


def test_changing_the_target_scheme_changes_the_board_and_is_audited(county_data, bureau):
    county = county_data.county
    quality = run(county, "quality-2017", bureau)
    basic = run(county, "basic-2012", bureau)
    on_quality = board(county)
    assert county_set_target_scheme(user=bureau, county=county, scheme="basic-2012") is True
    county.refresh_from_db()
    assert current_assessment(county).assessment == basic
    on_basic = board(county)
    assert on_basic != on_quality
    assert any("综合差异系数" in row[1] for row in on_basic)
    assert not any("综合差异系数" in row[1] for row in on_quality)
    entry = AuditEntry.objects.get(object_type="schools.County", note__contains="目标评估方案")
    assert entry.changes == {"target_scheme": ["quality-2017", "basic-2012"]} and entry.user == bureau
    assert county_set_target_scheme(user=bureau, county=county, scheme="basic-2012") is False
    county_set_target_scheme(user=bureau, county=county, scheme="quality-2017")
    county.refresh_from_db()
    assert current_assessment(county).assessment == quality


def test_the_target_scheme_form_is_for_the_countys_bureau_only(
    county_data, bureau, inspector, township_official, reporter, other_bureau, login, client
):
    county = county_data.county
    url = reverse("indicators:target")
    data = {"target-scheme": "basic-2012"}
    assert client.post(url, data).status_code == 302  # anonymous: to the login page
    for user in (inspector, township_official, reporter):
        assert login(user).post(url, data).status_code == 403
    login(other_bureau).post(url, data)  # acts on its own county only
    county.refresh_from_db()
    assert county.target_scheme == "quality-2017"
    assert other_bureau.county.__class__.objects.get(pk=other_bureau.county_id).target_scheme == "basic-2012"
    with pytest.raises(PermissionDenied):
        county_set_target_scheme(user=other_bureau, county=county, scheme="basic-2012")
    with pytest.raises(PermissionDenied):
        county_set_target_scheme(user=inspector, county=county, scheme="basic-2012")
    assert login(bureau).post(url, {"target-scheme": "nonsense"}).status_code == 302
    county.refresh_from_db()
    assert county.target_scheme == "quality-2017"
    login(bureau).post(url, data)
    county.refresh_from_db()
    assert county.target_scheme == "basic-2012"


def test_the_assessment_list_labels_current_and_comparison_runs(county_data, bureau, inspector, login):
    quality = run(county_data.county, "quality-2017", bureau)
    run(county_data.county, "basic-2012", bureau)
    html = login(inspector).get(reverse("indicators:list")).content.decode()
    assert "当前评估</span>" in html and "对比评估</span>" in html
    assert 'name="target-scheme"' not in html  # inspectors read, they do not choose
    detail = login(bureau).get(reverse("indicators:detail", args=[quality.pk + 1])).content.decode()
    assert "对比评估" in detail and "仅供对比" in detail


def test_an_incomplete_verdict_says_what_is_missing_on_the_board_and_pages(
    county_data, bureau, inspector, login
):
    county = county_data.county
    county_set_target_scheme(user=bureau, county=county, scheme="basic-2012")
    basic = run(county, "basic-2012", bureau)  # coefficients pass; none of the 3 county parts entered
    assert basic.passed is None and basic.result["verdict"] == "incomplete"
    row = next(r for r in board(county) if r[1] == "评估结论 未完成")
    assert row[2] == "at_risk"
    assert row[3] == (
        "3 项评估项目尚无数据：全县义务教育学校均达到省定办学基本标准、"
        "县级人民政府推进义务教育均衡发展工作评估得分、社会认可度（公众满意度）"
    )
    client = login(inspector)
    detail = client.get(reverse("indicators:detail", args=[basic.pk])).content.decode()
    assert "未完成 · 2012 基本均衡" in detail and "县级人民政府推进义务教育均衡发展工作评估得分" in detail
    assert "达标 · 2012" not in detail.replace("未达标", "").replace("未完成", "")
    home = client.get(reverse("home")).content.decode()
    assert re.search(r'基本均衡评估</div>\s*<div class="value"><a [^>]*>未完成</a>', home)
