"""Import of the dropout ledger (控辍保学台账) and of cohort figures: all or nothing.

Reuses the school imports' reader (schools.importing.read_upload / read_sheet: size and content
check, header matching, blank rows skipped) and cell parsers (schools.columns.parse_cell). Every
error is collected as (Excel row, column header, reason in Chinese); the caller writes only when
the list is empty.

Ledger rows always create new cases (as 疑似辍学); an ID number that already has an open case
is refused with the existing case's number, so a re-import never duplicates a child.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.access import BELOW_COUNTY
from accounts.models import Role
from dropout_control.models import CaseKind, Disability, DisabilityGrade, DropoutCase, Reason, Sex
from dropout_control.services import case_check
from schools.columns import (
    CHOICE,
    CODE,
    ID_NUMBER,
    INT,
    INT_MAX,
    TEXT,
    YES_NO,
    CellError,
    Column,
    Template,
    parse_cell,
)
from schools.importing import FILE_COLUMN, read_sheet, read_upload
from schools.selectors import schools_visible_to, townships_visible_to

DATE = "date"
CALENDAR_YEAR = "calendar_year"
MAX_ROWS = 5000

_KIND_LABELS = {"辍学": CaseKind.DROPOUT, "适龄未入学": CaseKind.NEVER_ENROLLED}
_SEX = {label: value for value, label in Sex.choices}
_DISABILITY = {label: value for value, label in Disability.choices}
_DISABILITY_GRADE = {label: value for value, label in DisabilityGrade.choices}
_REASON = {label: value for value, label in Reason.choices}
_CHOICE_VALUES = {
    "sex": _SEX,
    "kind": _KIND_LABELS,
    "disability_type": _DISABILITY,
    "disability_grade": _DISABILITY_GRADE,
    "reason": _REASON,
}


def _text(header, attribute, max_length, required=True, **kw):
    return Column(
        header,
        attribute,
        TEXT,
        required=required,
        max_length=max_length,
        default=None if required else "",
        **kw,
    )


def _flag(header, attribute):
    return Column(header, attribute, YES_NO, required=False, default=False)


LEDGER = Template(
    kind="dropout_cases",
    label="控辍保学台账",
    key=("身份证号",),
    columns=(
        _text("姓名", "name", 50),
        Column("性别", "sex", CHOICE, choices=tuple(_SEX)),
        _text("民族", "ethnicity", 20, required=False),
        Column("出生日期", "birth_date", DATE, note="日期格式，如 2012-03-05"),
        Column("身份证号", "id_number", ID_NUMBER, note="18 位，请将该列设为文本格式"),
        _text("全国学籍号", "student_number", 19, required=False),
        _text("户籍地址", "household_address", 200),
        _text("现住址", "current_address", 200, required=False),
        _text(
            "乡镇",
            "township",
            50,
            required=False,
            required_note="教育局导入时必填",
            note="区县内的乡镇（街道）名称；乡镇工作人员可留空（为本乡镇）",
        ),
        _text("村（社区）", "village", 50, required=False),
        Column(
            "学校标识码",
            "school",
            CODE,
            required=False,
            digits=10,
            default="",
            note="学籍学校；适龄未入学可留空；学校填报员可留空（为本校）",
        ),
        Column(
            "年级",
            "grade",
            INT,
            required=False,
            min_value=1,
            max_value=9,
            default=None,
            note="1—6 小学，7—9 初中",
        ),
        _text("班级", "class_name", 30, required=False),
        Column("缺课起始日期", "absent_since", DATE, note="适龄未入学填应入学日期"),
        Column("类型", "kind", CHOICE, required=False, choices=tuple(_KIND_LABELS), default="辍学"),
        _flag("脱贫户", "poverty_household"),
        Column(
            "残疾类型", "disability_type", CHOICE, required=False, choices=tuple(_DISABILITY), default="无"
        ),
        Column(
            "残疾等级",
            "disability_grade",
            CHOICE,
            required=False,
            choices=tuple(_DISABILITY_GRADE),
            default="无",
        ),
        _flag("留守儿童", "left_behind"),
        _flag("孤儿", "orphan"),
        _flag("随迁子女", "migrant"),
        _text("监护人姓名", "guardian_name", 50),
        _text("与学生关系", "guardian_relation", 20),
        _text("监护人电话", "guardian_phone", 20, required=False),
        Column("辍学原因", "reason", CHOICE, choices=tuple(_REASON)),
        _text("原因说明", "reason_detail", 1000, required=False),
        _text("帮扶措施", "assistance_measures", 1000, required=False),
    ),
)

COHORTS = Template(
    kind="dropout_cohorts",
    label="巩固率基础数据",
    key=("年份", "学校标识码"),
    columns=(
        Column("年份", "year", CALENDAR_YEAR, note="入学人数为当年秋季入学，毕业生为当年夏季毕业"),
        Column("学校标识码", "school", CODE, digits=10),
        *(
            Column(str(label), attr, INT, required=False, default=0, max_value=INT_MAX, unit="人")
            for attr, label in (
                ("grade1_entrants", "小学一年级入学人数"),
                ("grade7_entrants", "初中一年级入学人数"),
                ("junior_graduates", "初中毕业生数"),
                ("transfers_in", "初中转入人数"),
                ("transfers_out", "初中转出人数"),
                ("deaths", "初中死亡人数"),
            )
        ),
    ),
)


def allowed_values(column: Column) -> str:
    if column.type == DATE:
        return "日期（Excel 日期格式，或 2012-03-05 形式的文本）"
    if column.type == CALENDAR_YEAR:
        return "4 位年份"
    return column.allowed_values


def _parse(column: Column, value, today: date):
    if column.type == DATE:
        return _parse_date(value, today)
    if column.type == CALENDAR_YEAR:
        return _parse_calendar_year(value, today)
    return parse_cell(column, value, max_year=today.year + 1)


def _parse_date(value, today: date) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError("必填项为空")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CellError(f"应为日期（如 2012-03-05），实际为“{value}”") from None


def _parse_calendar_year(value, today: date) -> int:
    try:
        year = int(str(value).strip().removesuffix(".0"))
    except ValueError:
        raise CellError(f"年份应为 4 位数字，实际为“{value}”") from None
    if not 1990 <= year <= today.year + 1:
        raise CellError(f"年份应在 1990—{today.year + 1} 之间，实际为 {year}")
    return year


def _parse_rows(template: Template, rows, today: date, errors: list) -> list[tuple[int, dict]]:
    parsed = []
    for rownum, cells in rows:
        values, ok = {}, True
        for header, raw in cells.items():
            column = template.column(header)
            try:
                values[column.attribute] = _parse(column, raw, today)
            except CellError as exc:
                errors.append((rownum, header, str(exc)))
                ok = False
        for column in template.columns:
            if column.header not in cells:
                values.setdefault(column.attribute, column.default)
        if ok:
            parsed.append((rownum, values))
    return parsed


def _read(upload, template: Template, errors: list):
    try:
        data = read_upload(upload)
    except ValidationError as exc:
        errors.append((None, FILE_COLUMN, " ".join(exc.messages)))
        return []
    _present, rows, read_errors = read_sheet(data, template, limit=MAX_ROWS + 1)
    errors.extend(read_errors)
    if len(rows) > MAX_ROWS:
        errors.append((None, FILE_COLUMN, f"一次最多导入 {MAX_ROWS} 行，请拆分文件"))
        return []
    return rows


def _field_header(field: str) -> str:
    for column in LEDGER.columns:
        if column.attribute == field:
            return column.header
    return "整行"


def read_ledger(upload, user, *, today: date | None = None) -> tuple[list[dict], list[tuple]]:
    """(rows ready for services.cases_import, errors). Rows are returned only when there is no error."""
    today = today or timezone.localdate()
    errors: list = []
    rows = _read(upload, LEDGER, errors)
    if errors:
        return [], errors
    townships = {t.name: t for t in townships_visible_to(user).select_related("county")}
    schools = {s.code: s for s in schools_visible_to(user).select_related("township")}
    parsed = _parse_rows(LEDGER, rows, today, errors)
    seen: dict[str, int] = {}
    ready = []
    for rownum, values in parsed:
        data = dict(values)
        for field, mapping in _CHOICE_VALUES.items():
            data[field] = mapping[data[field]] if data.get(field) is not None else ""
        data["ethnicity"] = data.get("ethnicity") or "汉族"
        row_errors = _resolve_area(user, data, townships, schools)
        number = data["id_number"]
        if number in seen:
            row_errors.append(("身份证号", f"与第 {seen[number]} 行的身份证号重复"))
        seen.setdefault(number, rownum)
        if not row_errors:
            try:
                case_check(user=user, data=data, today=today)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    row_errors += [(_field_header(field), m) for m in messages]
            except PermissionDenied as exc:
                row_errors.append(("乡镇", str(exc)))
        errors += [(rownum, header, reason) for header, reason in row_errors]
        ready.append(data)
    if errors:
        return [], sorted(errors, key=lambda e: e[0] or 0)
    return ready, []


def _resolve_area(user, data: dict, townships: dict, schools: dict) -> list[tuple[str, str]]:
    """Turn the township name and school code into rows the user may file cases for."""
    errors = []
    code = data.get("school") or ""
    if not code and user.role == Role.SCHOOL:
        code = user.school.code
    school = schools.get(code) if code else None
    if code and school is None:
        errors.append(("学校标识码", f"学校标识码 {code} 不存在或不在您的管辖范围内"))
    data["school"] = school
    name = data.get("township") or ""
    if not name:
        if user.role in BELOW_COUNTY:
            name = user.township.name
        elif school is not None:
            name = school.township.name
    if not name:
        errors.append(("乡镇", "必填项为空"))
        data["township"] = None
        return errors
    township = townships.get(name)
    if township is None:
        errors.append(("乡镇", f"乡镇“{name}”不存在或不在您的管辖范围内"))
    data["township"] = township
    return errors


def read_cohorts(upload, user, *, today: date | None = None) -> tuple[list[dict], list[tuple]]:
    """(rows ready for services.cohorts_import, errors); a school and year twice in one file is an error."""
    today = today or timezone.localdate()
    errors: list = []
    rows = _read(upload, COHORTS, errors)
    if errors:
        return [], errors
    schools = {s.code: s for s in schools_visible_to(user)}
    parsed = _parse_rows(COHORTS, rows, today, errors)
    seen: dict[tuple, int] = {}
    ready = []
    for rownum, values in parsed:
        school = schools.get(values["school"])
        if school is None:
            errors.append((rownum, "学校标识码", f"学校标识码 {values['school']} 不存在或不在您的管辖范围内"))
            continue
        key = (values["year"], school.pk)
        if key in seen:
            errors.append((rownum, "学校标识码", f"与第 {seen[key]} 行的年份和学校重复"))
            continue
        seen[key] = rownum
        ready.append({**values, "school": school})
    if errors:
        return [], sorted(errors, key=lambda e: e[0] or 0)
    return ready, []


def ledger_headers() -> tuple[str, ...]:
    return LEDGER.headers


def ledger_values(case: DropoutCase) -> list:
    """One case as the import columns (an export re-imports after its case is closed)."""
    labels = {
        "sex": case.get_sex_display(),
        "kind": {v: k for k, v in _KIND_LABELS.items()}[case.kind],
        "disability_type": case.get_disability_type_display(),
        "disability_grade": case.get_disability_grade_display(),
        "reason": case.get_reason_display(),
        "township": case.township.name,
        "school": case.school.code if case.school_id else "",
    }
    out = []
    for column in LEDGER.columns:
        if column.attribute in labels:
            out.append(labels[column.attribute])
        elif column.type == YES_NO:
            out.append("是" if getattr(case, column.attribute) else "否")
        else:
            out.append(getattr(case, column.attribute))
    return out
