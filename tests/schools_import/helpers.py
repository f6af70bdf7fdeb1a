"""Contract headers and an in-memory xlsx builder for the import tests.

The headers are copied from data-contract §1 on purpose (not read from schools.columns):
the tests pin the public contract.
"""

import io

from openpyxl import Workbook

SCHOOL_HEADERS = [
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
]
CONDITIONS_HEADERS = [
    "学年",
    "学校标识码",
    "小学在校生数",
    "初中在校生数",
    "高中在校生数",
    "教学及辅助用房面积",
    "体育运动场馆面积",
    "教学仪器设备值",
    "教学用计算机台数",
    "图书册数",
    "网络多媒体教室数",
    "音乐专用教室数",
    "美术专用教室数",
    "音乐专用教室面积",
    "美术专用教室面积",
    "专任教师数",
]
TEACHER_HEADERS = [
    "学年",
    "学校标识码",
    "教师编号",
    "姓名",
    "身份证号",
    "任教学段",
    "是否专任教师",
    "最高学历",
    "专业技术职务",
    "骨干教师级别",
    "主要任教学科",
]
CLASS_HEADERS = ["学年", "学校标识码", "学段", "年级", "班级名称", "学生数"]
HEADERS = {
    "schools": SCHOOL_HEADERS,
    "conditions": CONDITIONS_HEADERS,
    "teachers": TEACHER_HEADERS,
    "classes": CLASS_HEADERS,
}

VALID_ID = "11010519491231002X"


def build_xlsx(headers, rows, *, title="数据") -> bytes:
    """An xlsx with `headers` in row 1 and `rows` below. A row is a list in header order or a
    dict keyed by header (missing keys blank). Strings stay text cells, numbers numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers] if isinstance(row, dict) else list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
