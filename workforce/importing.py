"""The workforce import templates and their validation (reading only; services.py writes).

Four templates: 核定编制 (approved posts), 交流轮岗 (exchanges), 培训与持证 (training hours and
certificates) and 到校年份 (the year a teacher joined the school, where the roster lacks it).
They follow the rules of data-contract.md §1 and reuse the schools app's reader and cell parsers
(schools.importing.read_sheet, schools.columns), so an error reads the same everywhere:
(Excel row, column header, reason in Chinese). A file is all or nothing: the validators collect
every error of every row against data loaded once, and services.workforce_import writes only
when there is none.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from schools.columns import (
    CODE,
    DECIMAL,
    INT,
    TEXT,
    YEAR,
    YES_NO,
    CellError,
    Column,
    Template,
    is_blank,
    parse_cell,
)
from schools.models import School, Teacher

DATE = "date"  # parsed here: the schools parsers refuse date cells on purpose
MIN_JOINED_YEAR = 1950
INVALID = object()  # a cell that failed to parse; checks that need it are skipped


def _year():
    return Column("学年", "year", YEAR, unit="年", note="学年的起始年（2025 即 2025—2026 学年）")


def _school(header="学校标识码", attribute="school"):
    return Column(header, attribute, CODE, digits=10)


def _staff_no(note="校内唯一，与教师花名册一致"):
    return Column("教师编号", "staff_no", TEXT, max_length=30, note=note)


POSTS = Template(
    kind="posts",
    label="核定编制",
    key=("学年", "学校标识码"),
    columns=(
        _year(),
        _school(),
        Column(
            "核定编制数",
            "posts",
            INT,
            unit="人",
            max_value=100000,
            note="编制部门核定的该校教职工编制数（义务教育部分）",
        ),
        Column("备注", "note", TEXT, required=False, default="", max_length=200),
    ),
)

EXCHANGES = Template(
    kind="exchanges",
    label="交流轮岗",
    key=("学年", "调出学校标识码", "教师编号"),
    columns=(
        _year(),
        _staff_no(note="调出学校花名册中的教师编号（该学年或上一学年）"),
        Column("姓名", "teacher_name", TEXT, max_length=50),
        _school("调出学校标识码", "from_school"),
        _school("调入学校标识码", "to_school"),
        Column("开始日期", "start_date", DATE, note="如 2025-09-01"),
        Column("结束日期", "end_date", DATE, required=False, note="如 2028-07-31；尚未结束可留空"),
        Column(
            "是否骨干教师",
            "backbone",
            YES_NO,
            required=False,
            default=None,
            note="空白时按调出学校花名册的骨干教师级别（县级及以上为骨干）",
        ),
    ),
)

TRAINING = Template(
    kind="training",
    label="培训与持证",
    key=("学年", "学校标识码", "教师编号"),
    columns=(
        _year(),
        _school(),
        _staff_no(),
        Column(
            "培训学时", "hours", DECIMAL, unit="学时", max_value=Decimal(2000), note="该学年完成的培训学时"
        ),
        Column(
            "是否持有教师资格证",
            "has_certificate",
            YES_NO,
            required=False,
            default=None,
            note="空白为未填报（不计为持证）",
        ),
    ),
)

JOINED = Template(
    kind="joined",
    label="到校年份",
    key=("学年", "学校标识码", "教师编号"),
    columns=(
        _year(),
        _school(),
        _staff_no(),
        Column(
            "到本校年份",
            "joined_year",
            INT,
            unit="年",
            max_value=9999,
            note="教师调入或分配到本校的年份；用于判断是否满交流年限",
        ),
    ),
)

TEMPLATES: dict[str, Template] = {t.kind: t for t in (POSTS, EXCHANGES, TRAINING, JOINED)}


def allowed_values(column: Column) -> str:
    if column.type == DATE:
        return "日期（年-月-日）"
    if column.header == "到本校年份":
        return f"4 位年份，{MIN_JOINED_YEAR} 至该行学年"
    return column.allowed_values


def required_label(column: Column) -> str:
    if column.type == YES_NO and not column.required:
        return "否"
    return column.required_label


def parse_date(value) -> date:
    """A date from a date cell or text such as 2025-09-01 / 2025/9/1 / 2025年9月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (
        str(value)
        .strip()
        .replace("年", "-")
        .replace("月", "-")
        .replace("日", "")
        .replace("/", "-")
        .replace(".", "-")
    )
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() and p.isascii() for p in parts):
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise CellError(f"应为日期（如 2025-09-01），实际为“{str(value).strip()}”")


def parse_value(column: Column, value, *, max_year: int):
    if column.type == DATE:
        if is_blank(value):
            if column.required:
                raise CellError("必填项为空")
            return None
        return parse_date(value)
    return parse_cell(column, value, max_year=max_year)


class Validator:
    """Parses every cell, loads what the rows refer to once, checks each row.

    `county`: the county the import is for; None imports for any county (admins without a
    county, the command line without --county).
    """

    def __init__(self, template: Template, county, max_year: int):
        self.template = template
        self.county = county
        self.max_year = max_year
        self.errors: list[tuple[int | None, str, str]] = []

    def run(self, present, raw_rows) -> list[tuple[int, dict]]:
        columns = [self.template.column(h) for h in present]
        absent = [c for c in self.template.columns if c.header not in present]
        parsed = []
        for rownum, cells in raw_rows:
            values = {}
            for column in columns:
                try:
                    values[column.header] = parse_value(column, cells[column.header], max_year=self.max_year)
                except CellError as exc:
                    self.error(rownum, column.header, str(exc))
                    values[column.header] = INVALID
            for column in absent:
                values[column.header] = column.default
            parsed.append((rownum, values))
        self.load(parsed)
        first_row_of: dict[tuple, int] = {}
        for rownum, values in parsed:
            self.check_row(rownum, values)
            key = tuple(values[h] for h in self.template.key)
            if INVALID in key:
                continue
            if key in first_row_of:
                names = "、".join(self.template.key)
                self.error(rownum, self.template.key[-1], f"与第 {first_row_of[key]} 行重复（{names}相同）")
            else:
                first_row_of[key] = rownum
        self.errors.sort(key=lambda e: e[0] or 0)
        return parsed

    def error(self, rownum, header, message):
        self.errors.append((rownum, header, message))

    def load_schools(self, parsed, *headers):
        codes = {v[h] for _, v in parsed for h in headers if v[h] is not INVALID}
        found = School.objects.filter(code__in=codes)
        self.schools = {s.code: s for s in found if self.county is None or s.county_id == self.county.pk}

    def school(self, rownum, values, header="学校标识码"):
        code = values[header]
        if code is INVALID:
            return None
        school = self.schools.get(code)
        if school is None:
            where = f"本区县（{self.county.name}）" if self.county is not None else "系统"
            self.error(rownum, header, f"学校标识码 {code} 不存在或不属于{where}")
        return school

    def load(self, parsed):
        raise NotImplementedError

    def check_row(self, rownum, values):
        raise NotImplementedError


class PostsValidator(Validator):
    def load(self, parsed):
        self.load_schools(parsed, "学校标识码")

    def check_row(self, rownum, values):
        self.school(rownum, values)


class ExchangesValidator(Validator):
    def load(self, parsed):
        self.load_schools(parsed, "调出学校标识码", "调入学校标识码")
        years = {v["学年"] for _, v in parsed if v["学年"] is not INVALID}
        wanted = years | {y - 1 for y in years}
        ids = [s.pk for s in self.schools.values()]
        # (year, school id, staff_no) → backbone level, for the roster check and the default
        self.roster = {
            (y, sid, no): level
            for y, sid, no, level in Teacher.objects.filter(school_id__in=ids, year__in=wanted).values_list(
                "year", "school_id", "staff_no", "backbone"
            )
        }

    def check_row(self, rownum, v):
        source = self.school(rownum, v, "调出学校标识码")
        target = self.school(rownum, v, "调入学校标识码")
        if source is not None and target is not None and source.pk == target.pk:
            self.error(rownum, "调入学校标识码", "调入学校不能与调出学校相同")
        start, end = v["开始日期"], v["结束日期"]
        if start is not INVALID and end not in (INVALID, None) and end < start:
            self.error(rownum, "结束日期", f"结束日期 {end} 早于开始日期 {start}")
        year, staff_no = v["学年"], v["教师编号"]
        if source is None or INVALID in (year, staff_no):
            return
        level = self.roster.get((year, source.pk, staff_no), self.roster.get((year - 1, source.pk, staff_no)))
        if level is None:
            self.error(
                rownum,
                "教师编号",
                f"调出学校 {source.code} 的 {year} 和 {year - 1} 学年花名册中都没有教师编号 {staff_no}",
            )
        elif v["是否骨干教师"] is None:
            v["是否骨干教师"] = level != "无"


class TrainingValidator(Validator):
    def load(self, parsed):
        self.load_schools(parsed, "学校标识码")
        ids = [s.pk for s in self.schools.values()]
        self.on_roster = set(
            Teacher.objects.filter(school_id__in=ids).values_list("school_id", "staff_no").distinct()
        )

    def check_row(self, rownum, v):
        school = self.school(rownum, v)
        staff_no = v["教师编号"]
        if school is not None and staff_no is not INVALID and (school.pk, staff_no) not in self.on_roster:
            self.error(rownum, "教师编号", f"学校 {school.code} 的教师花名册中没有教师编号 {staff_no}")


class JoinedValidator(Validator):
    def load(self, parsed):
        self.load_schools(parsed, "学校标识码")
        years = {v["学年"] for _, v in parsed if v["学年"] is not INVALID}
        ids = [s.pk for s in self.schools.values()]
        self.teachers = {
            (t.year, t.school_id, t.staff_no): t
            for t in Teacher.objects.filter(school_id__in=ids, year__in=years).only(
                "id", "year", "school_id", "staff_no", "joined_year"
            )
        }

    def check_row(self, rownum, v):
        school = self.school(rownum, v)
        year, staff_no, joined = v["学年"], v["教师编号"], v["到本校年份"]
        if year is not INVALID and joined is not INVALID and not MIN_JOINED_YEAR <= joined <= year:
            self.error(rownum, "到本校年份", f"应为 {MIN_JOINED_YEAR}–{year} 之间的年份，实际为 {joined}")
        if school is None or INVALID in (year, staff_no):
            return
        if (year, school.pk, staff_no) not in self.teachers:
            self.error(
                rownum, "教师编号", f"学校 {school.code} 的 {year} 学年花名册中没有教师编号 {staff_no}"
            )


VALIDATORS = {
    "posts": PostsValidator,
    "exchanges": ExchangesValidator,
    "training": TrainingValidator,
    "joined": JoinedValidator,
}
