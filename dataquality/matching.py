"""四查三比对 (list matching for dropout control), without Django.

Four lists come in as plain rows (a header tuple and data tuples, as an xlsx reader gives them):
户籍 (school-age children by household registration), 学籍 (the student register), attendance
(absence days) and 脱贫户 family members. Each list's columns are declared once in LISTS. Rows
are matched by ID number only: a number that fails GB 11643 is listed with the check it failed
and never matched (a wrong digit would otherwise "find" or "lose" a child). Names are a second
signal: the same ID with a different name is flagged, never silently trusted.

Three lists per township come out: 有户籍无学籍 (suspected out of school), 有学籍不在校 (absent
beyond a threshold) and 脱贫户 children of school age without 学籍. A child who already has an
open dropout case is marked with the case and not offered for filing again.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from schools.idcard import id_birth_date, id_number_problem, mask_id_number, normalize_id_number

# School age (义务教育适龄): 6 to 15 years old on 31 August of the school year's first calendar year.
SCHOOL_AGE_MIN, SCHOOL_AGE_MAX = 6, 15
CUT_OFF_MONTH, CUT_OFF_DAY = 8, 31
UNKNOWN_TOWNSHIP = "（未能确定乡镇）"

NO_REGISTER = "no_register"
ABSENT = "absent"
POVERTY = "poverty"
RESULT_LABELS = {
    NO_REGISTER: "有户籍无学籍（疑似失学辍学）",
    ABSENT: "有学籍不在校（缺勤超过规定天数）",
    POVERTY: "脱贫户适龄子女无学籍",
}


# --- declarations of the four lists -------------------------------------------------------------


@dataclass(frozen=True)
class ListSpec:
    key: str
    label: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Columns of which at least one must be present (attendance: 身份证号 or 学籍号).
    one_of: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.one_of + self.optional


HOUSEHOLD = ListSpec(
    "household", "户籍名单", required=("姓名", "身份证号", "乡镇"), optional=("出生日期", "村")
)
REGISTER = ListSpec(
    "register",
    "学籍名单",
    required=("学校标识码", "姓名", "身份证号"),
    optional=("年级", "班级", "学籍状态", "学籍号"),
)
ATTENDANCE = ListSpec(
    "attendance", "考勤名单", required=("缺勤天数",), one_of=("身份证号", "学籍号"), optional=("姓名",)
)
FAMILY = ListSpec(
    "family", "脱贫户名单", required=("姓名", "身份证号", "乡镇"), optional=("户主姓名", "与户主关系", "村")
)
LISTS = {spec.key: spec for spec in (HOUSEHOLD, REGISTER, ATTENDANCE, FAMILY)}

# 学籍状态 values meaning the child is not (or no longer) on the register.
LEFT_REGISTER = frozenset({"毕业", "已毕业", "死亡", "注销", "转出", "已转出", "出国", "休学"})


# --- school age ------------------------------------------------------------------------------


def cut_off_date(school_year: int) -> date:
    """31 August of the school year 2024—2025 is 2024-08-31."""
    return date(school_year, CUT_OFF_MONTH, CUT_OFF_DAY)


def age_on(birth: date, day: date) -> int:
    """Whole years of age on `day` (a child born on 29 February has its birthday on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_school_age(birth: date, school_year: int) -> bool:
    """6 to 15 (both included) on 31 August of the school year."""
    return SCHOOL_AGE_MIN <= age_on(birth, cut_off_date(school_year)) <= SCHOOL_AGE_MAX


# --- reading rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    list_key: str
    row: int  # the spreadsheet row number (header is row 1)
    message: str

    def __str__(self):
        return f"{LISTS[self.list_key].label}第 {self.row} 行：{self.message}"


@dataclass
class ParsedList:
    spec: ListSpec
    records: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows whose ID number failed GB 11643: {"row", "name", "id_number" (masked), "problem"}.
    invalid_ids: list[dict] = field(default_factory=list)
    rows_read: int = 0

    @property
    def fatal(self) -> bool:
        """A missing column: nothing of the list can be used."""
        return any(e.row == 1 for e in self.errors)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def normalize_name(value) -> str:
    """Names as typed, without ASCII or full-width spaces (a space is never a different name)."""
    return "".join(_text(value).replace("\u3000", " ").split())


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        return None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(_text(value))
    except ValueError:
        return None


def parse_list(
    spec: ListSpec, header: Iterable, rows: Iterable[Iterable], *, first_row: int = 2
) -> ParsedList:
    """Plain rows of one list -> records keyed by the declared column names, with row errors.

    Duplicated ID numbers within a list keep the first row and report the others; a blank row is
    skipped. Records carry "_row" (spreadsheet row) and, once the ID number is valid, "id_number"
    normalized and "birth_date".
    """
    out = ParsedList(spec)
    positions = {}
    for i, cell in enumerate(header):
        name = _text(cell).lstrip("*")
        if name in spec.columns and name not in positions:
            positions[name] = i
    missing = [c for c in spec.required if c not in positions]
    if spec.one_of and not any(c in positions for c in spec.one_of):
        missing.append("或".join(spec.one_of))
    if missing:
        out.errors.append(RowError(spec.key, 1, f"缺少列：{'、'.join(missing)}（表头须与模板一致）"))
        return out
    seen_ids: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    idx = tuple(positions.items())
    for number, row in enumerate(rows, start=first_row):
        row = tuple(row)
        rec = {name: (row[i] if i < len(row) else None) for name, i in idx}
        if all(v is None or _text(v) == "" for v in rec.values()):
            continue
        out.rows_read += 1
        rec = {k: (_text(v) if k not in ("出生日期", "缺勤天数") else v) for k, v in rec.items()}
        rec["_row"] = number
        raw_id = normalize_id_number(rec.get("身份证号", ""))
        if raw_id:
            problem = id_number_problem(raw_id)
            if problem:
                out.invalid_ids.append(
                    {
                        "row": number,
                        "name": rec.get("姓名", ""),
                        "id_number": mask_id_number(raw_id),
                        "problem": problem,
                    }
                )
                out.errors.append(RowError(spec.key, number, problem))
                continue
            if raw_id in seen_ids:
                out.errors.append(
                    RowError(spec.key, number, f"身份证号与第 {seen_ids[raw_id]} 行重复，本行未参与比对")
                )
                continue
            seen_ids[raw_id] = number
            rec["id_number"] = raw_id
            rec["birth_date"] = id_birth_date(raw_id)
        elif spec is ATTENDANCE and rec.get("学籍号"):
            sn = rec["学籍号"]
            if sn in seen_numbers:
                out.errors.append(
                    RowError(spec.key, number, f"学籍号与第 {seen_numbers[sn]} 行重复，本行未参与比对")
                )
                continue
            seen_numbers[sn] = number
        else:
            out.errors.append(RowError(spec.key, number, "身份证号为空，本行未参与比对"))
            continue
        if spec is HOUSEHOLD:
            given = rec.get("出生日期")
            if given not in (None, ""):
                birth = _date(given)
                if birth is None:
                    out.errors.append(
                        RowError(spec.key, number, f"出生日期“{_text(given)}”无法识别，已按身份证号推算")
                    )
                elif birth != rec["birth_date"]:
                    out.errors.append(
                        RowError(spec.key, number, "出生日期与身份证号不一致，已按身份证号推算")
                    )
        if spec is ATTENDANCE:
            days = _number(rec.get("缺勤天数"))
            if days is None or days < 0:
                out.errors.append(
                    RowError(spec.key, number, f"缺勤天数“{_text(rec.get('缺勤天数'))}”不是非负数")
                )
                continue
            rec["缺勤天数"] = days
        out.records.append(rec)
    return out


# --- matching ----------------------------------------------------------------------------------


@dataclass
class Hit:
    """One child on one of the three result lists (plain values, JSON-serialisable via asdict)."""

    kind: str
    township: str
    village: str
    name: str
    id_number: str
    birth_date: str
    age: int
    school_code: str = ""
    grade: str = ""
    class_name: str = ""
    absence_days: float | None = None
    name_mismatch: str = ""  # e.g. "户籍：张三；学籍：张叁"
    open_case: str = ""  # number of the child's open dropout case (not offered for filing)
    source_row: int = 0

    @property
    def fileable(self) -> bool:
        return not self.open_case


@dataclass
class MatchResult:
    school_year: int
    hits: list[Hit] = field(default_factory=list)
    name_mismatches: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def by_township(self) -> dict[str, dict[str, list[Hit]]]:
        """{township: {kind: [hits]}} in the order townships first appear (the county's list order)."""
        out: dict[str, dict[str, list[Hit]]] = {}
        for hit in self.hits:
            out.setdefault(hit.township, {k: [] for k in RESULT_LABELS})[hit.kind].append(hit)
        return out


def _mismatch(a_label: str, a, b_label: str, b) -> str:
    if a and b and normalize_name(a) != normalize_name(b):
        return f"{a_label}：{a}；{b_label}：{b}"
    return ""


def match_lists(
    *,
    household: ParsedList,
    register: ParsedList,
    attendance: ParsedList | None,
    family: ParsedList | None,
    school_year: int,
    absence_days: float,
    open_cases: Mapping[str, str] | None = None,
    school_townships: Mapping[str, str] | None = None,
) -> MatchResult:
    """The three lists. `open_cases`: {ID number: case number} of open dropout cases;
    `school_townships`: {学校标识码: township name} to place a register child missing from 户籍."""
    open_cases = open_cases or {}
    school_townships = school_townships or {}
    result = MatchResult(school_year)
    cut_off = cut_off_date(school_year)

    on_register: dict[str, dict] = {}
    by_student_number: dict[str, dict] = {}
    for rec in register.records:
        if rec.get("学籍状态", "") in LEFT_REGISTER:
            continue
        on_register[rec["id_number"]] = rec
        if rec.get("学籍号"):
            by_student_number[rec["学籍号"]] = rec
    households = {rec["id_number"]: rec for rec in household.records}

    def age(birth: date) -> int:
        return age_on(birth, cut_off)

    # 1. 有户籍无学籍; names of children found on both lists are compared.
    for rec in household.records:
        number, birth = rec["id_number"], rec["birth_date"]
        registered = on_register.get(number)
        if registered is not None:
            note = _mismatch("户籍", rec.get("姓名"), "学籍", registered.get("姓名"))
            if note:
                result.name_mismatches.append(
                    {"id_number": number, "note": note, "township": rec.get("乡镇", "")}
                )
            continue
        if not (SCHOOL_AGE_MIN <= age(birth) <= SCHOOL_AGE_MAX):
            continue
        result.hits.append(
            Hit(
                NO_REGISTER,
                rec.get("乡镇") or UNKNOWN_TOWNSHIP,
                rec.get("村", ""),
                rec.get("姓名", ""),
                number,
                birth.isoformat(),
                age(birth),
                open_case=open_cases.get(number, ""),
                source_row=rec["_row"],
            )
        )

    # 2. 有学籍不在校: attendance beyond the threshold, joined by ID number or 学籍号.
    for rec in attendance.records if attendance else ():
        if rec["缺勤天数"] <= absence_days:
            continue
        registered = on_register.get(rec.get("id_number", "")) or by_student_number.get(rec.get("学籍号", ""))
        if registered is None:
            continue
        number = registered["id_number"]
        home = households.get(number)
        township = (
            (home or {}).get("乡镇")
            or school_townships.get(registered.get("学校标识码", ""))
            or UNKNOWN_TOWNSHIP
        )
        note = _mismatch("学籍", registered.get("姓名"), "考勤", rec.get("姓名")) or (
            _mismatch("户籍", home.get("姓名"), "学籍", registered.get("姓名")) if home else ""
        )
        birth = registered["birth_date"]
        result.hits.append(
            Hit(
                ABSENT,
                township,
                (home or {}).get("村", ""),
                registered.get("姓名", ""),
                number,
                birth.isoformat(),
                age(birth),
                school_code=registered.get("学校标识码", ""),
                grade=registered.get("年级", ""),
                class_name=registered.get("班级", ""),
                absence_days=rec["缺勤天数"],
                name_mismatch=note,
                open_case=open_cases.get(number, ""),
                source_row=rec["_row"],
            )
        )

    # 3. 脱贫户 children of school age without 学籍.
    for rec in family.records if family else ():
        number, birth = rec["id_number"], rec["birth_date"]
        if number in on_register or not (SCHOOL_AGE_MIN <= age(birth) <= SCHOOL_AGE_MAX):
            continue
        home = households.get(number)
        note = _mismatch("脱贫户", rec.get("姓名"), "户籍", home.get("姓名")) if home else ""
        result.hits.append(
            Hit(
                POVERTY,
                rec.get("乡镇") or UNKNOWN_TOWNSHIP,
                rec.get("村", ""),
                rec.get("姓名", ""),
                number,
                birth.isoformat(),
                age(birth),
                name_mismatch=note,
                open_case=open_cases.get(number, ""),
                source_row=rec["_row"],
            )
        )

    result.counts = {k: sum(1 for h in result.hits if h.kind == k) for k in RESULT_LABELS}
    return result
