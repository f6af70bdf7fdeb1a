"""The four import templates of data-contract §1 as data, and the parsing of one cell.

No Django here: the import service, the template download and the export read these specs,
and the cell parsers are tested table-driven without a database. The choice lists are those of
the shared vocabulary (domain.vocabulary), which schools.models builds its TextChoices from.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain import vocabulary as vocab
from schools.idcard import id_number_problem, normalize_id_number

# Cell types.
TEXT = "text"
CODE = "code"  # a fixed number of digits, kept as text
ID_NUMBER = "id_number"
INT = "int"
DECIMAL = "decimal"
CHOICE = "choice"
YES_NO = "yes_no"
YEAR = "year"
AREAS = "areas"  # the area of each room of a kind, several numbers in one cell
# Formatted as text in the template: leading zeros, all 18 ID digits, "96,102" as two rooms.
TEXT_CELLS = (TEXT, CODE, ID_NUMBER, AREAS)
NUMBER_CELLS = (INT, DECIMAL, YEAR)  # exported as numbers, not text

MIN_YEAR = 2000
INT_MAX = 2147483647  # PositiveIntegerField on PostgreSQL
SMALL_INT_MAX = 32767  # PositiveSmallIntegerField

# The choice lists are the shared vocabulary's, which schools.models builds its TextChoices from.
SCHOOL_TYPES = vocab.SCHOOL_TYPES
TEACHING_POINT = vocab.TEACHING_POINT
URBAN_RURAL = vocab.URBAN_RURAL
SPONSORS = vocab.SPONSORS
YES, NO = "是", "否"
TEACHER_STAGES = vocab.STAGE_NAMES
CLASS_STAGES = vocab.COMPULSORY_STAGES
EDUCATIONS = vocab.EDUCATION_LEVELS
TITLES = vocab.TITLES
BACKBONES = vocab.BACKBONE_LEVELS
SUBJECTS = vocab.SUBJECTS
GRADES_BY_STAGE = {"小学": range(1, 7), "初中": range(7, 10)}


class CellError(ValueError):
    """A cell that cannot be accepted; the message is the Chinese reason shown to the user."""


@dataclass(frozen=True)
class Column:
    """One column of a template.

    `attribute` is the model field the value lands in; `default` is what a blank optional
    cell means; `required_note` is shown instead of "是/否" when a column is required only
    in some rows (所属中心校标识码 for 教学点).
    """

    header: str
    attribute: str
    type: str
    required: bool = True
    unit: str = ""
    choices: tuple[str, ...] = ()
    default: object = None
    digits: int = 0
    min_value: int = 0
    max_value: Decimal | int | None = None
    max_length: int = 0
    note: str = ""
    required_note: str = ""
    count_header: str = ""  # AREAS: the column whose count the number of areas must equal

    @property
    def allowed_values(self) -> str:
        """The allowed values as one line of text (template instructions, error messages)."""
        if self.choices:
            return "、".join(self.choices)
        if self.type == YES_NO:
            return "是、否"
        if self.type == CODE:
            return f"{self.digits} 位数字"
        if self.type == ID_NUMBER:
            return "18 位，末位为校验码（0–9 或 X）"
        if self.type == YEAR:
            return "4 位年份，学年的起始年（2025 即 2025—2026 学年）"
        if self.type == INT:
            if self.max_value is not None and self.max_value < 100:
                return f"{self.min_value}–{self.max_value} 的整数"
            return "不小于 0 的整数"
        if self.type == DECIMAL:
            return "不小于 0 的数，最多两位小数"
        if self.type == AREAS:
            return "每间教室的面积（大于 0 的数，最多两位小数），多间用“；”分隔（也可用“;”“、”“,”）"
        return "文本" + (f"，不超过 {self.max_length} 个字符" if self.max_length else "")

    def to_model(self, value):
        """A parsed value as the model field stores it: only room areas change representation
        (Decimal strings in a JSON list); nothing is parsed again."""
        return areas_stored(value) if self.type == AREAS else value

    def render(self, value):
        """The cell an export writes for a stored value, which parse_cell reads back to the same
        value (export → re-import round-trips)."""
        if value is None:
            return None if self.type in NUMBER_CELLS else ""
        if self.type == YES_NO:
            return YES if value else NO
        if self.type == AREAS:
            return areas_text(value)
        if self.type in NUMBER_CELLS:
            return value
        return str(value)

    @property
    def required_label(self) -> str:
        if self.required_note:
            return self.required_note
        if self.required:
            return "是"
        default = (
            {True: YES, False: NO}.get(self.default, self.default) if self.type == YES_NO else self.default
        )
        return f"否（空白为 {default}）" if default not in (None, "") else "否"


@dataclass(frozen=True)
class Template:
    kind: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    yearly: bool = True

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, header: str) -> Column:
        for c in self.columns:
            if c.header == header:
                return c
        raise KeyError(header)

    def template_columns(self, *, allowed=None, required=None):
        """The columns as balance_inspect.tabular declares them for the template download.

        `allowed` / `required` (column → text, or None to keep the column's own) let an app whose
        templates add cell types (dates, calendar years) describe them."""
        # Imported here: the template writer needs Django, the cell parsers above do not.
        from balance_inspect.tabular import TemplateColumn

        def text_of(hook, column, own):
            return (hook(column) if hook else None) or own

        return [
            TemplateColumn(
                header=c.header,
                required=text_of(required, c, c.required_label),
                allowed=text_of(allowed, c, c.allowed_values),
                unit=c.unit,
                note=c.note,
                choices=c.choices or ((YES, NO) if c.type == YES_NO else ()),
                required_cell=c.required,
                text=c.type in TEXT_CELLS,
            )
            for c in self.columns
        ]


def _year_col():
    return Column("学年", "year", YEAR, unit="年", note="学年的起始年")


def _school_col(attribute="school"):
    return Column("学校标识码", attribute, CODE, digits=10)


def _count(header, attribute, unit, required=True, max_value=INT_MAX):
    return Column(header, attribute, INT, required=required, unit=unit, default=0, max_value=max_value)


def _amount(header, attribute, unit, digits):
    return Column(header, attribute, DECIMAL, unit=unit, default=Decimal(0), max_value=Decimal(10) ** digits)


def _areas(header, attribute, count_header, line):
    return Column(
        header,
        attribute,
        AREAS,
        required=False,
        unit="㎡",
        default=(),
        count_header=count_header,
        note=f"如 96；102.5。填写时个数须与{count_header}相同；"
        f"面积不小于 {line} ㎡ 的教室才计入每 12 个班 1 间的要求",
    )


SCHOOLS = Template(
    kind="schools",
    label="学校",
    key=("学校标识码",),
    yearly=False,
    columns=(
        _school_col("code"),
        Column("学校名称", "name", TEXT, max_length=100),
        Column("区县代码", "county", CODE, digits=6, note="区县的 6 位行政区划代码"),
        Column("区县名称", "county_name", TEXT, max_length=50),
        Column(
            "乡镇名称",
            "township",
            TEXT,
            max_length=50,
            note="区县内已登记的乡镇（街道）名称；本县首次导入学校时据此登记乡镇，此后的新设乡镇须由系统管理员先在后台添加，否则整份文件不予导入",
        ),
        Column("办学类型", "school_type", CHOICE, choices=SCHOOL_TYPES),
        Column("城乡类型", "urban_rural", CHOICE, choices=URBAN_RURAL),
        Column("举办者", "sponsor", CHOICE, required=False, choices=SPONSORS, default="公办"),
        Column(
            "所属中心校标识码",
            "parent",
            CODE,
            required=False,
            digits=10,
            default="",
            required_note="教学点必填",
            note="教学点所属中心校的学校标识码；其他学校留空",
        ),
        Column("是否寄宿制", "boarding", YES_NO, required=False, default=False),
    ),
)

CONDITIONS = Template(
    kind="conditions",
    label="办学条件",
    key=("学年", "学校标识码"),
    columns=(
        _year_col(),
        _school_col(),
        _count("小学在校生数", "primary_students", "人"),
        _count("初中在校生数", "junior_students", "人"),
        _count("高中在校生数", "senior_students", "人", required=False),
        _amount("教学及辅助用房面积", "building_area", "㎡", 10),
        _amount("体育运动场馆面积", "sports_area", "㎡", 10),
        _amount("教学仪器设备值", "equipment_value", "元", 12),
        _count("教学用计算机台数", "computers", "台"),
        _count("图书册数", "books", "册"),
        _count("网络多媒体教室数", "multimedia_rooms", "间"),
        _count("音乐专用教室数", "music_rooms", "间", required=False),
        _count("美术专用教室数", "art_rooms", "间", required=False),
        _areas("音乐专用教室面积", "music_room_areas", "音乐专用教室数", vocab.MUSIC_ROOM_MIN_AREA),
        _areas("美术专用教室面积", "art_room_areas", "美术专用教室数", vocab.ART_ROOM_MIN_AREA),
        Column(
            "专任教师数",
            "full_time_teachers",
            INT,
            required=False,
            unit="人",
            max_value=INT_MAX,
            note="全校专任教师人数（各学段合计，含高中）；填写后与教师花名册中专任教师人数核对，留空则不核对",
        ),
    ),
)

TEACHERS = Template(
    kind="teachers",
    label="教师",
    key=("学年", "学校标识码", "教师编号"),
    columns=(
        _year_col(),
        _school_col(),
        Column("教师编号", "staff_no", TEXT, max_length=30, note="校内唯一"),
        Column("姓名", "name", TEXT, max_length=50),
        Column("身份证号", "id_number", ID_NUMBER, required=False, default="", note="请将单元格设为文本格式"),
        Column("任教学段", "stage", CHOICE, choices=TEACHER_STAGES),
        Column("是否专任教师", "full_time", YES_NO),
        Column("最高学历", "education", CHOICE, choices=EDUCATIONS),
        Column("专业技术职务", "title", CHOICE, choices=TITLES),
        Column("骨干教师级别", "backbone", CHOICE, required=False, choices=BACKBONES, default="无"),
        Column("主要任教学科", "subject", CHOICE, choices=SUBJECTS),
    ),
)

CLASSES = Template(
    kind="classes",
    label="班级",
    key=("学年", "学校标识码", "班级名称"),
    columns=(
        _year_col(),
        _school_col(),
        Column("学段", "stage", CHOICE, choices=CLASS_STAGES),
        Column("年级", "grade", INT, min_value=1, max_value=9, note="小学 1–6，初中 7–9"),
        Column("班级名称", "name", TEXT, max_length=30, note="同一学校同一学年内唯一"),
        _count("学生数", "students", "人", max_value=SMALL_INT_MAX),
    ),
)

TEMPLATES = {t.kind: t for t in (SCHOOLS, CONDITIONS, TEACHERS, CLASSES)}


# --- parsing one cell ------------------------------------------------------------------------

_DIGITS = re.compile(r"^\d+$")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_cell(column: Column, value, *, max_year: int):
    """The cleaned value of one cell, or CellError with the reason in Chinese.

    `max_year` is the latest plausible 学年 (the caller passes next year, from its clock).
    Blank optional cells give the column default; blank required cells are an error.
    """
    if is_blank(value):
        if column.required:
            raise CellError("必填项为空")
        return column.default
    if isinstance(value, (datetime, date, time)):
        raise CellError("单元格被 Excel 识别为日期或时间，请将该列设为文本格式后重新填写")
    parser = _PARSERS[column.type]
    return parser(column, value, max_year)


def _as_text(value) -> str:
    """Text of a cell; whole numbers that Excel stored as numbers lose their ".0"."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_text(column, value, _max_year):
    text = _as_text(value)
    if column.max_length and len(text) > column.max_length:
        raise CellError(f"长度不能超过 {column.max_length} 个字符")
    return text


def _parse_code(column, value, _max_year):
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise CellError(f"应为 {column.digits} 位数字")
    text = _as_text(value)
    if not (_DIGITS.match(text) and text.isascii() and len(text) == column.digits):
        hint = "（若首位是 0，请将该列设为文本格式）" if isinstance(value, (int, float)) else ""
        raise CellError(f"应为 {column.digits} 位数字，实际为“{text}”{hint}")
    return text


def _parse_id_number(column, value, _max_year):
    if isinstance(value, float):
        # Excel keeps 15 significant digits: an 18-digit number typed into a number cell has
        # already lost its last digits, so no check could succeed.
        raise CellError("身份证号被 Excel 存成了数值（会丢失末几位），请将该列设为文本格式后重新填写")
    text = normalize_id_number(_as_text(value))
    problem = id_number_problem(text)
    if problem:
        raise CellError(problem)
    return text


def _number(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, int):
        return Decimal(value)
    # str() of a float is its shortest round-trip form, so 2200.1 stays 2200.1.
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"应为数字，实际为“{text}”") from None
    if not number.is_finite():
        raise CellError(f"应为数字，实际为“{text}”")
    return number


def _parse_int(column, value, _max_year):
    number = _number(value)
    if number != number.to_integral_value():
        raise CellError(f"应为整数，实际为 {number}")
    if number < 0:
        raise CellError(f"不能为负数，实际为 {number}")
    if number < column.min_value or (column.max_value is not None and number > column.max_value):
        if column.max_value is not None and column.max_value < 100:
            raise CellError(f"应为 {column.min_value}–{column.max_value} 的整数，实际为 {number}")
        raise CellError(f"数值过大：{number}")
    return int(number)


def _parse_decimal(column, value, _max_year):
    number = _number(value)
    if number < 0:
        raise CellError(f"不能为负数，实际为 {number}")
    if column.max_value is not None and number >= column.max_value:
        raise CellError(f"数值过大：{number}")
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _parse_choice(column, value, _max_year):
    text = _as_text(value)
    if text not in column.choices:
        raise CellError(f"“{text}”不是有效值，应为：{column.allowed_values}")
    return text


def _parse_yes_no(column, value, _max_year):
    text = _as_text(value)
    if text == YES:
        return True
    if text == NO:
        return False
    raise CellError(f"“{text}”不是有效值，应为：是、否")


def _parse_year(column, value, max_year):
    try:
        number = _number(value)
    except CellError:
        raise CellError(f"学年应为 4 位年份，实际为“{_as_text(value)}”") from None
    if number != number.to_integral_value() or not MIN_YEAR <= number <= max_year:
        raise CellError(
            f"学年应为 {MIN_YEAR}–{max_year} 之间的年份（学年的起始年），实际为 {_as_text(value)}"
        )
    return int(number)


# Room areas: one number per room. "," separates rooms here, never thousands (no music or art
# room is that large; a "1,200" meant as one room is two areas and fails the count check).
AREA_SEPARATORS = re.compile(r"[；;、,，]")
AREA_MAX = Decimal(10000)
AREA_PLACES = Decimal("0.01")
AREA_SEPARATOR_OUT = "；"


def parse_areas(value) -> tuple[Decimal, ...]:
    """The areas of a cell such as "96；102.5" (also ";", "、", ","), each > 0 with at most two
    decimals; a number cell is one room. CellError (Chinese) names the room at fault."""
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, int | float):
        pieces = [str(value)]
    else:
        pieces = [p.strip() for p in AREA_SEPARATORS.split(str(value).strip())]
        if len(pieces) > 1 and pieces[-1] == "":
            pieces.pop()  # "96；" — a trailing separator is harmless
    areas = []
    for n, piece in enumerate(pieces, start=1):
        which = f"第 {n} 间" if len(pieces) > 1 else ""
        if piece == "":
            raise CellError(f"{which}面积为空（分隔符之间没有数字）")
        try:
            area = Decimal(piece)
        except InvalidOperation:
            raise CellError(f"{which}面积应为数字，实际为“{piece}”") from None
        if not area.is_finite():
            raise CellError(f"{which}面积应为数字，实际为“{piece}”")
        if area <= 0:
            raise CellError(f"{which}面积应大于 0，实际为 {piece}")
        if area >= AREA_MAX:
            raise CellError(f"{which}面积过大：{piece} ㎡")
        if area != area.quantize(AREA_PLACES, rounding=ROUND_HALF_UP):
            # Not rounded: 95.995 must not become 96.00 and reach the line.
            raise CellError(f"{which}面积最多两位小数，实际为 {piece}")
        areas.append(area.quantize(AREA_PLACES))
    return tuple(areas)


def areas_stored(areas) -> list[str]:
    """Areas as the model stores them: Decimal strings with two places (["96.00", "102.50"])."""
    return [str(Decimal(a).quantize(AREA_PLACES)) for a in areas]


def areas_text(stored) -> str:
    """The cell text of stored areas, as the import reads it back: ["96.00", "102.50"] → "96；102.5"."""
    return AREA_SEPARATOR_OUT.join(format(Decimal(a).normalize(), "f") for a in stored or ())


def _parse_areas(column, value, _max_year):
    return parse_areas(value)


_PARSERS = {
    TEXT: _parse_text,
    CODE: _parse_code,
    ID_NUMBER: _parse_id_number,
    INT: _parse_int,
    DECIMAL: _parse_decimal,
    CHOICE: _parse_choice,
    YES_NO: _parse_yes_no,
    YEAR: _parse_year,
    AREAS: _parse_areas,
}


def grade_matches_stage(stage: str, grade: int) -> bool:
    """小学 is grades 1–6, 初中 7–9."""
    return grade in GRADES_BY_STAGE.get(stage, ())


def grade_rule(stage: str) -> str:
    grades = GRADES_BY_STAGE[stage]
    return f"{stage}应为 {grades.start}–{grades.stop - 1} 年级"
