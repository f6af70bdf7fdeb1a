"""Fixtures of the Excel import tests: xlsx files built in memory, rows of each template,
and a snapshot of every data table to prove that a refused file changed nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from schools.importing import import_file
from schools.models import County, ImportRecord, School, SchoolClass, SchoolConditions, Teacher, Township
from tests.schools_import.helpers import HEADERS, VALID_ID, build_xlsx


@pytest.fixture
def make_xlsx():
    return build_xlsx


@pytest.fixture
def xlsx_upload():
    def make(headers, rows, name="数据.xlsx"):
        return SimpleUploadedFile(
            name,
            build_xlsx(headers, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    return make


@pytest.fixture
def run_import():
    """run_import(kind, rows, user=None, dry_run=False, headers=None) -> ImportOutcome."""

    def run(kind, rows, *, user=None, dry_run=False, headers=None, data=None, name="数据.xlsx"):
        payload = data if data is not None else build_xlsx(headers or HEADERS[kind], rows)
        return import_file(
            kind=kind, file_obj=io.BytesIO(payload), file_name=name, user=user, dry_run=dry_run
        )

    return run


@pytest.fixture
def school_row():
    def make(**over):
        row = {
            "学校标识码": "1301230101",
            "学校名称": "新区小学",
            "区县代码": "130123",
            "区县名称": "滨河县",
            "乡镇名称": "城关镇",
            "办学类型": "小学",
            "城乡类型": "城区",
            "举办者": "公办",
            "所属中心校标识码": None,
            "是否寄宿制": "否",
        }
        row.update(over)
        return row

    return make


@pytest.fixture
def conditions_row():
    def make(**over):
        row = {
            "学年": 2025,
            "学校标识码": "1301230001",
            "小学在校生数": 480,
            "初中在校生数": 0,
            "高中在校生数": None,
            "教学及辅助用房面积": 2650.5,
            "体育运动场馆面积": 4100,
            "教学仪器设备值": 1250000,
            "教学用计算机台数": 72,
            "图书册数": 15000,
            "网络多媒体教室数": 14,
            "音乐专用教室数": 1,
            "美术专用教室数": None,
        }
        row.update(over)
        return row

    return make


@pytest.fixture
def teacher_row():
    def make(**over):
        row = {
            "学年": 2025,
            "学校标识码": "1301230001",
            "教师编号": "T001",
            "姓名": "张敏",
            "身份证号": VALID_ID,
            "任教学段": "小学",
            "是否专任教师": "是",
            "最高学历": "本科",
            "专业技术职务": "一级",
            "骨干教师级别": "县级",
            "主要任教学科": "语文",
        }
        row.update(over)
        return row

    return make


@pytest.fixture
def class_row():
    def make(**over):
        row = {
            "学年": 2025,
            "学校标识码": "1301230001",
            "学段": "小学",
            "年级": 1,
            "班级名称": "一年级1班",
            "学生数": 42,
        }
        row.update(over)
        return row

    return make


@pytest.fixture
def snapshot():
    """snapshot() -> every row of every data table (and the import history length)."""

    def take():
        data = {
            m.__name__: list(m.objects.order_by("pk").values())
            for m in (County, Township, School, SchoolConditions, Teacher, SchoolClass)
        }
        return data

    return take


@pytest.fixture
def records():
    return ImportRecord.objects.order_by("pk")
