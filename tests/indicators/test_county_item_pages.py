"""County items: bureau staff enter a value and evidence; the verdict includes them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from indicators.models import CountyItemEvidence, CountyItemValue
from indicators.services import assessment_run_now, compute_assessment_result

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def save(client, key, value="", note="", files=None, year=2025, follow=False):
    data = {f"{key}-value": value, f"{key}-note": note}
    if files:
        data[f"{key}-files"] = files
    return client.post(reverse("indicators:item_save", args=[year, key]), data, follow=follow)


def test_bureau_enters_a_value_with_evidence(county_data, bureau, login):
    client = login(bureau)
    response = save(
        client,
        "social_recognition",
        "91.5",
        "第三方调查",
        [SimpleUploadedFile("调查报告.pdf", PDF, content_type="application/pdf")],
    )
    assert response.status_code == 302
    item = CountyItemValue.objects.get(key="social_recognition")
    assert (item.value, item.passed, item.note, item.entered_by) == (91.5, True, "第三方调查", bureau)
    evidence = item.evidence.get()
    assert evidence.original_name == "调查报告.pdf" and evidence.kind == "pdf" and evidence.size == len(PDF)
    assert "调查报告" not in evidence.file.name  # stored under a generated name
    assert AuditEntry.objects.filter(object_type="indicators.CountyItemValue", action="create").exists()
    assert AuditEntry.objects.filter(object_type="indicators.CountyItemEvidence", action="create").exists()


def test_an_update_is_audited_with_old_and_new_values(county_data, bureau, login):
    client = login(bureau)
    save(client, "government_work_score", "80")
    save(client, "government_work_score", "88")
    entry = AuditEntry.objects.filter(object_type="indicators.CountyItemValue", action="update").get()
    assert entry.changes["passed"] == [False, True]


def test_a_file_that_is_not_what_it_claims_is_refused(county_data, bureau, login):
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    html = save(login(bureau), "social_recognition", "91", files=[fake], follow=True).content.decode()
    assert "文件类型不被接受" in html
    assert not CountyItemValue.objects.exists() and not CountyItemEvidence.objects.exists()


def test_an_invalid_value_is_refused_in_chinese(county_data, bureau, login):
    html = save(login(bureau), "social_recognition", "很好", follow=True).content.decode()
    assert "社会认可度（公众满意度）：社会认可度：“很好”不是数字" in html
    assert not CountyItemValue.objects.exists()


def test_a_data_item_cannot_be_entered(county_data, bureau, login):
    html = save(login(bureau), "junior_retention", "99", follow=True).content.decode()
    assert "由系统根据数据自动计算" in html
    assert not CountyItemValue.objects.exists()


def test_inspectors_and_others_may_not_enter_items(
    county_data, inspector, township_official, reporter, login
):
    for user in (inspector, township_official, reporter):
        assert save(login(user), "social_recognition", "91").status_code == 403
    assert not CountyItemValue.objects.exists()


def test_items_are_per_county(county_data, bureau, other_bureau, login):
    save(login(other_bureau), "government_work_score", "50")
    item = CountyItemValue.objects.get()
    assert item.county.code == "130124"
    result = compute_assessment_result(county_data.county, 2025, "basic-2012")
    assert result["passed"] is None and "government_work_score" in result["missing"]  # not failed by 50


def test_a_failing_item_fails_the_verdict_with_a_reason(county_data, bureau, login):
    save(login(bureau), "government_work_score", "80")
    result = compute_assessment_result(county_data.county, 2025, "basic-2012")
    assert result["passed"] is False
    assert (
        "县级人民政府推进义务教育均衡发展工作评估得分 未达标：录入值 80 分，要求 ≥ 85 分" in result["reasons"]
    )


def test_an_item_not_entered_leaves_the_verdict_incomplete_not_failed(county_data):
    result = compute_assessment_result(county_data.county, 2025, "basic-2012")
    assert result["passed"] is None and result["verdict"] == "incomplete" and result["reasons"] == []
    assert "全县义务教育学校均达到省定办学基本标准 未录入" in result["warnings"]
    row = next(r for r in result["county_items"] if r["key"] == "province_standards")
    assert row["passed"] is None and row["value_text"] == "未录入"


def test_a_veto_entered_as_yes_fails_quality_2017(county_data, bureau, login):
    save(login(bureau), "veto_key_schools", "是")
    result = compute_assessment_result(county_data.county, 2025, "quality-2017")
    assert "存在重点学校或重点班 未达标：录入值 是，要求 否" in result["reasons"]


def test_provider_items_enter_the_verdict(county_data, no_item_providers):
    def workforce(sender, *, county, year, **kwargs):
        return [
            {
                "key": "teacher_exchange",
                "label": "教师交流轮岗比例",
                "passed": False,
                "detail": "交流 5 人 / 符合条件 98 人 = 5.1%",
                "evidence": ["交流名单"],
            }
        ]

    no_item_providers.connect(workforce, weak=False)
    result = compute_assessment_result(county_data.county, 2025, "quality-2017")
    assert (
        "县域内义务教育学校教师交流轮岗比例（占符合条件教师） 未达标：交流 5 人 / 符合条件 98 人 = 5.1%"
        in result["reasons"]
    )
    row = next(r for r in result["county_items"] if r["key"] == "teacher_exchange")
    assert row["source"] == "provider" and row["evidence"] == ["交流名单"]


def test_the_items_page_shows_the_entered_state(county_data, bureau, login):
    client = login(bureau)
    save(client, "government_work_score", "80")
    html = client.get(reverse("indicators:items") + "?year=2025").content.decode()
    assert "县级人民政府推进义务教育均衡发展工作评估得分" in html and "80 分" in html and "未达标" in html
    assert "由控辍保学模块根据数据计算" in html  # retention is not a form


def test_the_items_page_shows_no_forms_to_inspectors(county_data, inspector, login):
    html = login(inspector).get(reverse("indicators:items")).content.decode()
    assert (
        "县级人民政府推进义务教育均衡发展工作评估得分" in html and 'enctype="multipart/form-data"' not in html
    )


def test_evidence_is_served_only_to_readers_of_the_county(
    county_data, bureau, inspector, other_bureau, township_official, login
):
    save(login(bureau), "social_recognition", "91", files=[SimpleUploadedFile("a.pdf", PDF)])
    url = reverse("indicators:evidence", args=[CountyItemEvidence.objects.get().pk])
    response = login(inspector).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert login(other_bureau).get(url).status_code == 404
    assert login(township_official).get(url).status_code == 403


def test_bureau_deletes_evidence_and_inspectors_may_not(county_data, bureau, inspector, login):
    save(login(bureau), "social_recognition", "91", files=[SimpleUploadedFile("a.pdf", PDF)])
    evidence = CountyItemEvidence.objects.get()
    url = reverse("indicators:evidence_delete", args=[evidence.pk])
    assert login(inspector).post(url).status_code == 403
    assert login(bureau).post(url).status_code == 302
    assert not CountyItemEvidence.objects.exists()


def test_a_stored_assessment_lists_the_items_it_used(county_data, bureau, login):
    save(login(bureau), "government_work_score", "90")
    assessment = assessment_run_now(county=county_data.county, year=2025, scheme="basic-2012")
    html = login(bureau).get(reverse("indicators:detail", args=[assessment.pk])).content.decode()
    assert "90 分" in html and "人工录入" in html
