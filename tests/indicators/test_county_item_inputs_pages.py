"""The county-items page asks each item's fill-in fields: Chinese errors, audit, scoping."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import AuditEntry
from indicators.models import CountyItemValue
from indicators.services import compute_assessment_result, county_item_save

pytestmark = pytest.mark.django_db


def post(client, key, fields, year=2025, follow=False):
    data = {f"{key}-{name}": value for name, value in fields.items()}
    return client.post(reverse("indicators:item_save", args=[year, key]), data, follow=follow)


def test_bureau_enters_the_special_education_sentence_and_the_figure_is_computed(county_data, bureau, login):
    response = post(login(bureau), "special_education_funding", {"funds_wan": "59.9999", "students": "100"})
    assert response.status_code == 302
    item = CountyItemValue.objects.get(key="special_education_funding")
    assert item.inputs == {"funds_wan": "59.9999", "students": "100"}
    assert (item.value, item.passed) == (Decimal("5999.99"), False)
    entry = AuditEntry.objects.get(object_type="indicators.CountyItemValue", action="create")
    assert entry.user == bureau
    result = compute_assessment_result(county_data.county, 2025, "quality-2017")
    row = next(r for r in result["county_items"] if r["key"] == "special_education_funding")
    assert row["passed"] is False and row["inputs"] == item.inputs
    assert any(
        r.startswith("特殊教育学校生均公用经费 未达标：") and "5,999.99元" in r for r in result["reasons"]
    )


def test_a_changed_field_is_audited_with_old_and_new_inputs(county_data, bureau, login):
    client = login(bureau)
    post(client, "quota_allocation", {"total": "1800", "allocated": "899", "rural": "500"})
    post(client, "quota_allocation", {"total": "1800", "allocated": "900", "rural": "500"})
    entry = AuditEntry.objects.get(object_type="indicators.CountyItemValue", action="update")
    assert entry.changes["passed"] == [False, True]
    assert entry.changes["inputs"][1]["allocated"] == "900"


@pytest.mark.parametrize(
    ("key", "fields", "message"),
    [
        (
            "special_education_funding",
            {"funds_wan": "很多", "students": "100"},
            "特殊教育学校公用经费：“很多”不是数字",
        ),
        (
            "special_education_funding",
            {"funds_wan": "60", "students": "100.5"},
            "特殊教育学生数：须为整数（单位：人）",
        ),
        ("nearby_enrolment", {"primary": "101", "junior": "96"}, "小学就近划片入学比例：不能大于 100%"),
        (
            "quota_allocation",
            {"total": "100", "allocated": "120"},
            "分配名额不能多于全县优质高中招生名额总数",
        ),
        ("veto_off_campus_training", {"value": "也许"}, "不在可用的选项中"),
    ],
)
def test_invalid_fields_are_refused_in_chinese(county_data, bureau, login, key, fields, message):
    html = post(login(bureau), key, fields, follow=True).content.decode()
    assert message in html
    assert not CountyItemValue.objects.exists()


def test_inspectors_and_others_may_not_enter_structured_items(
    county_data, inspector, township_official, reporter, login
):
    for user in (inspector, township_official, reporter):
        assert post(login(user), "migrant_children", {"eligible": "100", "public": "90"}).status_code == 403
    assert not CountyItemValue.objects.exists()


def test_another_countys_bureau_writes_only_its_own_county(county_data, other_bureau, login):
    post(login(other_bureau), "veto_off_campus_training", {"value": "是"})
    item = CountyItemValue.objects.get()
    assert item.county.code != county_data.county.code
    result = compute_assessment_result(county_data.county, 2025, "quality-2017")
    assert "veto_off_campus_training" in result["missing"]  # not failed by the other county's 是


def test_the_seventh_veto_entered_as_yes_fails_the_county(county_data, bureau, login):
    post(login(bureau), "veto_off_campus_training", {"value": "是", "conclusion": "查处违规培训 3 起"})
    result = compute_assessment_result(county_data.county, 2025, "quality-2017")
    assert result["verdict"] == "failed"
    assert "规范治理校外培训机构及减轻中小学课外负担不力 未达标：录入值 是，要求 否" in result["reasons"]


def test_the_page_shows_fields_sentence_and_blanks(county_data, bureau, login):
    client = login(bureau)
    post(client, "teacher_pay", {"teacher_pay": "98600"})
    html = client.get(reverse("indicators:items") + "?year=2025").content.decode()
    assert "表Ⅳ-8" in html and "当地公务员年平均工资收入（元）" in html
    assert "全县义务教育学校教师年平均工资收入为98,600元，当地公务员年平均工资收入＿元" in html
    assert "尚未填写：当地公务员年平均工资收入、是否按规定足额核定教师绩效工资总量" in html
    assert 'name="quality_monitoring-chinese_level"' in html and "规范治理校外培训机构" in html


def test_inspectors_read_the_page_without_forms(county_data, inspector, login):
    html = login(inspector).get(reverse("indicators:items")).content.decode()
    assert "表Ⅳ-13" in html and 'enctype="multipart/form-data"' not in html


def test_the_data_migration_keeps_old_entries_in_the_new_shape(county_data, bureau):
    county = county_data.county
    rows = {
        "nearby_enrolment_primary": Decimal(100),
        "nearby_enrolment_junior": Decimal("97.2"),
        "monitoring_level": Decimal(1),
        "monitoring_difference": Decimal("0.12"),
        "special_education_funding": Decimal(6500),
        "veto_key_schools": Decimal(0),
        "training_funds": Decimal("5.5"),
    }
    for key, value in rows.items():
        CountyItemValue.objects.create(county=county, year=2025, key=key, value=value, note="原说明")
    # Run on the models as the migration sees them (the state after 0004).
    state = MigrationExecutor(connection).loader.project_state(("indicators", "0004_county_item_inputs"))
    migration = importlib.import_module("indicators.migrations.0005_county_item_inputs_data")
    migration.forward(state.apps, None)
    by_key = {i.key: i for i in CountyItemValue.objects.filter(county=county)}
    assert set(by_key) == {
        "nearby_enrolment",
        "quality_monitoring",
        "special_education_funding",
        "veto_key_schools",
        "training_funds",
    }
    assert by_key["nearby_enrolment"].inputs == {"primary": "100", "junior": "97.2"}
    assert by_key["nearby_enrolment"].passed is True
    assert "学业水平达到Ⅲ级以上 是" in by_key["quality_monitoring"].note
    assert by_key["quality_monitoring"].passed is None
    special = by_key["special_education_funding"]
    assert (special.value, special.passed, special.inputs) == (None, None, {})
    assert "原录入：特殊教育学校生均公用经费 6500 元" in special.note
    assert by_key["veto_key_schools"].inputs == {"value": "0"}
    assert by_key["training_funds"].inputs == {"lowest": "5.5"}


def test_the_service_refuses_a_field_the_item_does_not_have(county_data, bureau):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="没有这些填报项"):
        county_item_save(county=county_data.county, year=2025, key="teacher_pay", value=1, user=bureau)
