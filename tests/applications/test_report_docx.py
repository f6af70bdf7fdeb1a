"""自查自评报告 draft: the county, every CV, every failing item and the open ledger items, in Word."""

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from applications.report_docx import build_report_docx, failing_names, report_context
from applications.school_forms import NoAssessment
from domain import numbers
from indicators.services import assessment_run_now, county_item_save
from indicators.tables import table3
from rectification.models import RectificationItem
from tests.applications.test_school_forms_data import YEAR, build_county

pytestmark = pytest.mark.django_db

SCHEME = "quality-2017"


@pytest.fixture
def county_data(county, township_a, township_b, school_a, school_b, bureau):
    build_county(county, township_a, township_b, school_a, school_b)
    # One entered county item that fails (特殊教育学校生均公用经费 5000 < 6000).
    county_item_save(
        county=county,
        year=YEAR,
        key="special_education_funding",
        inputs={"funds_wan": Decimal(50), "students": Decimal(100)},  # 5000 元 per student
        user=bureau,
    )
    deadline = timezone.localdate() + timedelta(days=30)
    RectificationItem.objects.create(
        county=county,
        number=1,
        source="self_check",
        problem="河口小学骨干教师不足",
        indicator="backbone_teachers_per100",
        measures="评选县级骨干教师，向河口小学倾斜",
        lead_unit="县教育局人事股",
        deadline=deadline,
        status="in_progress",
    )
    RectificationItem.objects.create(
        county=county,
        number=2,
        source="self_check",
        problem="已经销号的旧问题",
        lead_unit="县教育局",
        deadline=deadline,
        status="closed",
    )
    assessment = assessment_run_now(county=county, year=YEAR, scheme=SCHEME)
    return {"county": county, "assessment": assessment, "result": assessment.result}


def _docx(county):
    return build_report_docx(county)


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_the_report_names_the_county_and_has_the_five_parts(county_data):
    text = _text(_docx(county_data["county"]))
    assert "滨河县义务教育优质均衡发展自查自评报告" in text
    for heading in (
        "一、县域基本情况",
        "二、主要做法与成效",
        "三、指标达成情况",
        "四、存在问题及整改措施",
        "五、下一步工作打算",
    ):
        assert heading in text


def test_every_cv_of_table3_is_in_the_report_with_three_places(county_data):
    text = _text(_docx(county_data["county"]))
    rows = [(s, r) for s in table3(county_data["result"]) if s["units"] for r in s["rows"]]
    assert len(rows) == 14
    for stage, row in rows:
        assert row["cv_text"] == numbers.cv(row["cv"])
        assert row["cv_text"] in text, (stage["label"], row["label"])
    for stage in table3(county_data["result"]):
        assert stage["composite_text"] in text


def test_every_failing_item_is_named(county_data):
    ctx = report_context(county_data["county"])
    names = failing_names(ctx)
    assert "河口小学（小学）" in names  # the small school fails the per-school rule
    # the entered item below 6000 元, by its 表Ⅳ name (indicators.form_items)
    assert "特殊教育学校生均公用经费不低于 6000 元" in names
    text = _text(_docx(county_data["county"]))
    for name in names:
        assert name in text, name
    for label in ctx["missing"]:
        assert label in text, label


def test_the_cvs_equal_the_assess_json_output(county_data, capsys):
    call_command("assess", county=county_data["county"].code, year=YEAR, scheme=SCHEME, json=True)
    printed = json.loads(capsys.readouterr().out)
    text = _text(_docx(county_data["county"]))
    for stage in ("primary", "junior"):
        for key, row in printed["stages"][stage]["indicators"].items():
            assert numbers.cv(row["cv"]) in text, (stage, key)
    assert f"在校生{numbers.count(printed['stages']['primary']['students'])}人" in text


def test_open_ledger_items_are_listed_by_their_indicator_name_and_closed_ones_are_not(county_data):
    text = _text(_docx(county_data["county"]))
    assert "河口小学骨干教师不足" in text
    assert "每百名学生拥有县级以上骨干教师数" in text
    assert "backbone_teachers_per100" not in text
    assert "已经销号的旧问题" not in text


def test_the_document_is_a4_with_east_asian_fonts_set(county_data):
    doc = Document(io.BytesIO(_docx(county_data["county"])))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # twips round
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    heading = doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "黑体"
    run = next(r for p in doc.paragraphs for r in p.runs if r.text)
    assert run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_no_assessment_is_refused(county, school_a):
    with pytest.raises(NoAssessment):
        build_report_docx(county)


def test_the_reach_table_is_table_2_1_of_the_application_form(county_data):
    from applications.tables import table_2_1

    doc = Document(io.BytesIO(_docx(county_data["county"])))
    form = table_2_1(county_data["result"])
    printed = next(t for t in doc.tables if t.rows[0].cells[0].text == "学段")
    body = [[cell.text for cell in row.cells] for row in printed.rows[1:]]
    assert body == [[str(c) for c in row] for row in form.rows]
