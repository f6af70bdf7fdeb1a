"""schools.columns: the templates as data and the parsing of one cell (no database)."""

from datetime import datetime
from decimal import Decimal

import pytest

from schools import models
from schools.columns import TEMPLATES, CellError, grade_matches_stage, parse_cell
from tests.schools_import.helpers import CONDITIONS_HEADERS

MAX_YEAR = 2026


def col(kind, header):
    return TEMPLATES[kind].column(header)


@pytest.mark.parametrize(
    ("kind", "header", "raw", "expected"),
    [
        ("schools", "学校标识码", "0130123001", "0130123001"),  # text keeps its leading zero
        ("schools", "学校标识码", 1301230001, "1301230001"),  # openpyxl int
        ("schools", "学校标识码", 1301230001.0, "1301230001"),  # openpyxl float
        ("schools", "学校标识码", " 1301230001 ", "1301230001"),
        ("schools", "区县代码", 130123, "130123"),
        ("schools", "所属中心校标识码", None, ""),
        ("schools", "举办者", None, "公办"),
        ("schools", "是否寄宿制", None, False),
        ("schools", "是否寄宿制", "是", True),
        ("schools", "是否寄宿制", True, True),
        ("teachers", "教师编号", 1001, "1001"),
        ("teachers", "身份证号", "11010519491231002x", "11010519491231002X"),
        ("teachers", "身份证号", None, ""),
        ("teachers", "骨干教师级别", "", "无"),
        ("teachers", "任教学段", " 初中 ", "初中"),
        ("conditions", "学年", 2025, 2025),
        ("conditions", "学年", "2025", 2025),
        ("conditions", "学年", 2025.0, 2025),
        ("conditions", "小学在校生数", 480, 480),
        ("conditions", "小学在校生数", 480.0, 480),
        ("conditions", "小学在校生数", "1,480", 1480),
        ("conditions", "高中在校生数", None, 0),
        ("conditions", "音乐专用教室数", "  ", 0),
        ("conditions", "教学及辅助用房面积", 2650.5, Decimal("2650.50")),
        ("conditions", "教学及辅助用房面积", "2650.456", Decimal("2650.46")),
        ("conditions", "教学仪器设备值", 0, Decimal("0.00")),
        ("classes", "年级", 9, 9),
        ("classes", "班级名称", 3, "3"),
    ],
)
def test_it_parses_valid_cells(kind, header, raw, expected):
    assert parse_cell(col(kind, header), raw, max_year=MAX_YEAR) == expected


@pytest.mark.parametrize(
    ("kind", "header", "raw", "reason"),
    [
        ("schools", "学校标识码", None, "必填项为空"),
        ("schools", "学校标识码", "130123001", "应为 10 位数字"),
        ("schools", "学校标识码", "13012300AB", "应为 10 位数字"),
        ("schools", "学校标识码", 130123001, "设为文本格式"),  # a number lost its leading zero
        ("schools", "区县代码", "1301", "应为 6 位数字"),
        (
            "schools",
            "办学类型",
            "中学",
            "应为：小学、初中、九年一贯制学校、十二年一贯制学校、完全中学、教学点",
        ),
        ("schools", "城乡类型", "农村", "应为：城区、镇区、乡村"),
        ("schools", "是否寄宿制", "Y", "应为：是、否"),
        ("teachers", "身份证号", "110105194912310021", "末位校验码"),
        ("teachers", "身份证号", "1101051949", "应为 18 位"),
        ("teachers", "身份证号", 1.10105194912310e17, "文本格式"),
        ("teachers", "主要任教学科", "书法", "应为：语文、数学"),
        ("conditions", "学年", 1999, "2000–2026"),
        ("conditions", "学年", 2027, "2000–2026"),
        ("conditions", "学年", "二〇二五", "4 位年份"),
        ("conditions", "小学在校生数", -1, "不能为负数"),
        ("conditions", "小学在校生数", "四百", "应为数字"),
        ("conditions", "小学在校生数", 12.5, "应为整数"),
        ("conditions", "小学在校生数", None, "必填项为空"),
        ("conditions", "教学及辅助用房面积", -0.5, "不能为负数"),
        ("conditions", "教学及辅助用房面积", "1e12", "数值过大"),
        ("conditions", "教学及辅助用房面积", "NaN", "应为数字"),
        ("classes", "年级", 10, "应为 1–9 的整数"),
        ("classes", "年级", 0, "应为 1–9 的整数"),
        ("classes", "学生数", 40000, "数值过大"),
        ("classes", "班级名称", datetime(2025, 7, 1), "识别为日期"),  # "7-1" auto-converted by Excel
        ("teachers", "姓名", "名" * 51, "不能超过 50 个字符"),
    ],
)
def test_it_refuses_invalid_cells_with_a_chinese_reason(kind, header, raw, reason):
    with pytest.raises(CellError) as exc:
        parse_cell(col(kind, header), raw, max_year=MAX_YEAR)
    assert reason in str(exc.value)


@pytest.mark.parametrize(
    ("stage", "grade", "ok"),
    [
        ("小学", 1, True),
        ("小学", 6, True),
        ("小学", 7, False),
        ("初中", 7, True),
        ("初中", 9, True),
        ("初中", 6, False),
    ],
)
def test_grades_follow_the_stage(stage, grade, ok):
    assert grade_matches_stage(stage, grade) is ok


def test_templates_have_the_contract_headers_in_order():
    assert TEMPLATES["schools"].headers == (
        "学校标识码",
        "学校名称",
        "区县代码",
        "区县名称",
        "乡镇名称",
        "办学类型",
        "城乡类型",
        "举办者",
        "所属中心校标识码",
        "是否寄宿制",
    )
    assert TEMPLATES["classes"].headers == ("学年", "学校标识码", "学段", "年级", "班级名称", "学生数")
    assert TEMPLATES["conditions"].headers == tuple(CONDITIONS_HEADERS)
    assert len(TEMPLATES["teachers"].headers) == 11


def test_every_column_lands_in_a_model_field():
    targets = {
        "schools": models.School,
        "conditions": models.SchoolConditions,
        "teachers": models.Teacher,
        "classes": models.SchoolClass,
    }
    for kind, template in TEMPLATES.items():
        names = {f.name for f in targets[kind]._meta.get_fields()}
        for column in template.columns:
            assert column.attribute in names | {"county_name"}, (kind, column.header)


def test_the_writer_knows_every_related_column_the_templates_declare():
    from schools.upsert import READ_ONLY, RELATED_FIELD

    declared = {c.attribute for t in TEMPLATES.values() for c in t.columns}
    assert set(RELATED_FIELD) | set(READ_ONLY) <= declared
    assert {"school", "county", "township", "parent", "county_name"} <= set(RELATED_FIELD) | set(READ_ONLY)
