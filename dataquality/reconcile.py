"""对账: the national systems' exports against our figures, without Django.

Two lists come in: the 学籍名单 of the national student-register system and the teacher list of
the teacher-management system. Their own exports carry other headers than our template
(学校代码 / 证件号码 / 年级名称 …): each list's fields are declared once in LIST_KINDS with the
synonyms used to guess the column of each field; the user confirms the guess once per county and
kind (dataquality.models.ColumnMapping) and the mapping is reused while the headers match.

Only counts leave this module: students per school and grade, 专任教师 per school and stage,
the row numbers of problems. Names and ID numbers are read to be checked (GB 11643, duplicates),
never kept. The counts are compared with ours (办学条件 在校生数 per stage, 班级 学生数 per grade,
花名册 专任教师 per stage) into a list of differences with both figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from domain import vocabulary as vocab
from schools.idcard import id_number_problem, normalize_id_number

# The one place that says which 学籍状态 count as a student: 在籍 (on the register) / 在校 (at
# school), as the national system and local exports spell them. 在籍不在校、休学、转出、毕业、
# 死亡 and a blank status are not counted; they are shown per status on the result page.
COUNTED_REGISTER_STATUSES = frozenset({"在籍", "在校", "在读", "在籍在校"})
# 是否专任教师 = 是, or the teacher-management system's 岗位类别 = 专任教师.
FULL_TIME_VALUES = frozenset({"是", "专任教师", "专任", "Y", "y", "1", "√"})
MAX_PROBLEMS_KEPT = 200  # problem rows stored per upload (counts stay exact)

REGISTER = "register"
TEACHERS = "teachers"
SOURCE_CONDITIONS = "办学条件在校生数"
SOURCE_CLASSES = "班级学生数"
SOURCE_ROSTER = "教师花名册专任教师数"


@dataclass(frozen=True)
class Field:
    header: str  # our template's header, and the key of a stored mapping
    required: bool
    synonyms: tuple[str, ...]
    values: str  # 填写说明: what the column holds


@dataclass(frozen=True)
class ListKind:
    key: str
    label: str
    system: str  # the national system whose export this is
    fields: tuple[Field, ...]
    sources: tuple[str, ...]  # our figures it is compared with

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(f.header for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.header for f in self.fields if f.required)


_SCHOOL_CODE = Field("学校标识码", True, ("学校代码", "学校标识", "学校识别码", "标识码"), "10 位学校标识码")
_SCHOOL_NAME = Field("学校名称", False, ("学校", "所在学校", "学校全称"), "仅用于显示本县以外的学校")
_ID_NUMBER = Field(
    "身份证号",
    True,
    ("证件号码", "身份证号码", "身份证件号", "身份证件号码", "公民身份号码", "证件号"),
    "18 位居民身份证号，只用于校验和查重，不保存",
)
LIST_KINDS: dict[str, ListKind] = {
    REGISTER: ListKind(
        REGISTER,
        "学籍名单",
        "全国中小学生学籍信息管理系统",
        (
            _SCHOOL_CODE,
            _SCHOOL_NAME,
            _ID_NUMBER,
            Field(
                "年级",
                True,
                ("年级名称", "所在年级", "当前年级"),
                "1–9，或 一年级…九年级、初一…初三（高中年级不参与比对）",
            ),
            Field(
                "学籍状态",
                True,
                ("学生状态", "学籍状态名称", "在校状态", "状态"),
                "在籍、在校、在读、在籍在校计入人数；其他状态（休学、转出、毕业等）不计入",
            ),
        ),
        (SOURCE_CONDITIONS, SOURCE_CLASSES),
    ),
    TEACHERS: ListKind(
        TEACHERS,
        "教师名单",
        "全国教师管理信息系统",
        (
            _SCHOOL_CODE,
            _SCHOOL_NAME,
            _ID_NUMBER,
            Field("任教学段", True, ("学段", "任教学段名称", "所在学段", "学段名称"), "小学 / 初中 / 高中"),
            Field(
                "是否专任教师",
                True,
                ("岗位类别", "教职工类别", "是否专任", "专任教师", "人员类别"),
                "是 / 否；或岗位类别（“专任教师”计入，行政、教辅、工勤等不计入）",
            ),
        ),
        (SOURCE_ROSTER,),
    ),
}


# --- headers and the column mapping --------------------------------------------------------------


def header_text(value) -> str:
    """A header cell as compared: trimmed, without the template's required mark or inner spaces."""
    return "".join(_text(value).lstrip("*").replace("\u3000", " ").split())


def template_positions(kind: ListKind, headers: Iterable) -> dict[str, int] | None:
    """{field: column} when the upload has our template's headers (every required one), else None."""
    texts = [header_text(h) for h in headers]
    positions = {f.header: texts.index(f.header) for f in kind.fields if f.header in texts}
    return positions if all(h in positions for h in kind.required) else None


def guess_mapping(kind: ListKind, headers: Iterable) -> dict[str, int | None]:
    """The mapping step's preselection: our header first, then the synonyms in order; a column is
    proposed for one field only."""
    texts = [header_text(h) for h in headers]
    taken: set[int] = set()
    out: dict[str, int | None] = {}
    for f in kind.fields:
        out[f.header] = None
        for name in (f.header, *f.synonyms):
            hits = [i for i, t in enumerate(texts) if t == name and i not in taken]
            if hits:
                out[f.header] = hits[0]
                taken.add(hits[0])
                break
    return out


def saved_positions(kind: ListKind, headers: Iterable, saved: Mapping[str, str]) -> dict[str, int] | None:
    """A remembered mapping ({field: header text}) applied to new headers: None unless every
    required field's header is found again (then "the headers match")."""
    texts = [header_text(h) for h in headers]
    positions = {}
    for f in kind.fields:
        name = saved.get(f.header)
        if name and name in texts:
            positions[f.header] = texts.index(name)
    return positions if all(h in positions for h in kind.required) else None


def mapping_errors(kind: ListKind, headers: list, chosen: Mapping[str, int | None]) -> list[str]:
    """What is wrong with a mapping the user picked, in Chinese (empty when it can be applied)."""
    errors = []
    for f in kind.fields:
        column = chosen.get(f.header)
        if column is None:
            if f.required:
                errors.append(f"请为必填项“{f.header}”选择上传文件中对应的列（{f.values}）")
        elif not 0 <= column < len(headers):
            errors.append(f"“{f.header}”选择的列不存在")
    used = Counter(c for c in chosen.values() if c is not None)
    for column, n in used.items():
        if n > 1 and 0 <= column < len(headers):
            names = "、".join(f"“{h}”" for h, c in chosen.items() if c == column)
            errors.append(f"上传文件的列“{header_text(headers[column])}”被同时选为 {names}，每列只能对应一项")
    return errors


# --- reading the rows into counts -----------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_grade(value) -> int | None:
    """1–12 from 3 / "3" / "三年级" / "小学三年级" / "初二" / "初中二年级" / "八年级" / "高一"; None otherwise."""
    text = header_text(value).replace("年级", "").replace("级", "")
    offset, top = 0, 12
    for prefix, add in (("小学", 0), ("初中", 6), ("初", 6), ("高中", 9), ("高", 9)):
        if text.startswith(prefix):
            text, offset, top = text[len(prefix) :], add, (6 if add == 0 else 3)
            break
    number = int(text) if text.isdigit() and text.isascii() else _CN_DIGITS.get(text)
    if number is None or not 1 <= number <= top:
        return None
    return number + offset


def parse_stage(value) -> str | None:
    """小学 / 初中 / 高中 from the teacher list's 学段 (also 小学段, 初级中学, 高级中学)."""
    text = header_text(value)
    for word, stage in (("小学", vocab.PRIMARY), ("初", vocab.JUNIOR), ("高", vocab.SENIOR)):
        if text.startswith(word):
            return stage
    return None


def grade_stage(grade: int) -> str:
    return vocab.PRIMARY if grade <= 6 else vocab.JUNIOR if grade <= 9 else vocab.SENIOR


@dataclass
class ListCounts:
    """What one uploaded list leaves behind: counts and problem row numbers, no personal data.

    ``by_school``: {学校标识码: {key: n}} — key is the grade ("1"…"9") for the 学籍名单 and the
    stage (小学/初中/高中) for the teacher list; JSON-ready (string keys)."""

    kind: str
    positions: dict[str, int] = field(default_factory=dict)  # {field: column} the rows were read with
    rows_read: int = 0
    counted: int = 0
    by_school: dict[str, dict[str, int]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    # 学籍状态 / 岗位 of every row with a school and a grade/stage: {value: n} (counted or not).
    statuses: dict[str, int] = field(default_factory=dict)
    not_counted: int = 0
    senior: int = 0  # 学籍 rows of grades 10–12: not compulsory education, not compared
    invalid_ids: int = 0
    blank_ids: int = 0
    duplicate_ids: int = 0
    problem_count: int = 0
    problems: list[list] = field(default_factory=list)  # [row, message], the first MAX_PROBLEMS_KEPT

    def problem(self, row: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append([row, message])

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: Mapping) -> ListCounts:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def count_rows(
    kind: ListKind, positions: Mapping[str, int], rows: Iterable[Iterable], *, first_row: int = 2
) -> ListCounts:
    """Rows of one list (after the header) -> counts per school and grade/stage.

    A row whose ID number fails GB 11643 still counts (the system lists the child or teacher) and
    is reported; a repeated ID number counts once. A row without 学校标识码 or with a grade/stage
    that cannot be read is reported and not counted."""
    out = ListCounts(kind.key, dict(positions))
    code_at = positions["学校标识码"]
    name_at = positions.get("学校名称")
    id_at = positions["身份证号"]
    register = kind.key == REGISTER
    value_at = positions["年级"] if register else positions["任教学段"]
    flag_at = positions["学籍状态"] if register else positions["是否专任教师"]
    width = max(positions.values()) + 1
    parse = parse_grade if register else parse_stage
    parsed_cache: dict = {}
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first_row):
        row = tuple(row)
        if len(row) < width:
            row = row + (None,) * (width - len(row))
        code = _text(row[code_at])
        raw_id = normalize_id_number(_text(row[id_at]))
        raw_value, flag = row[value_at], _text(row[flag_at])
        if not code and not raw_id and raw_value in (None, "") and not flag:
            continue  # a blank row
        out.rows_read += 1
        if not code:
            out.problem(number, "学校标识码为空，本行未计入")
            continue
        key = raw_value if isinstance(raw_value, str | int | float) else _text(raw_value)
        if key not in parsed_cache:
            parsed_cache[key] = parse(raw_value)
        value = parsed_cache[key]
        if value is None:
            what = "年级" if register else "任教学段"
            out.problem(number, f"{what}“{_text(raw_value)}”无法识别，本行未计入")
            continue
        if raw_id:
            previous = seen.get(raw_id)
            if previous is not None:
                out.duplicate_ids += 1
                out.problem(number, f"身份证号与第 {previous} 行重复，本行未重复计入")
                continue
            seen[raw_id] = number
            problem = id_number_problem(raw_id)
            if problem:
                out.invalid_ids += 1
                out.problem(number, problem + "（仍计入人数）")
        else:
            out.blank_ids += 1
            out.problem(number, "身份证号为空（仍计入人数）")
        label = flag or "（空）"
        out.statuses[label] = out.statuses.get(label, 0) + 1
        counted = (flag in COUNTED_REGISTER_STATUSES) if register else (flag in FULL_TIME_VALUES)
        if not counted:
            out.not_counted += 1
            continue
        if register and value > 9:
            out.senior += 1
            continue
        bucket = str(value) if register else value
        school = out.by_school.setdefault(code, {})
        school[bucket] = school.get(bucket, 0) + 1
        out.counted += 1
        if name_at is not None and code not in out.names:
            name = _text(row[name_at])
            if name:
                out.names[code] = name[:100]
    return out


# --- comparison -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ours:
    """Our figures of one county and year (dataquality.selectors.reconcile_figures reads them).

    A school without a conditions row / classes / roster is absent from that mapping: its figure
    shows as 未导入, not as 0."""

    schools: Mapping[str, str]  # 学校标识码 -> name, every school of the county
    conditions: Mapping[str, Mapping[str, int]]  # code -> {小学: n, 初中: n}
    classes: Mapping[str, Mapping[int, int]]  # code -> {grade: students}
    teachers: Mapping[str, Mapping[str, int]]  # code -> {stage: 专任教师}


@dataclass(frozen=True)
class Difference:
    school_code: str
    school_name: str
    stage: str
    grade: int | None
    source: str  # which of our figures: SOURCE_*
    ours: int | None  # None: not imported
    system: int

    @property
    def difference(self) -> int:
        """Ours minus the system's (positive: we report more)."""
        return (self.ours or 0) - self.system

    @property
    def grade_label(self) -> str:
        return f"{self.grade} 年级" if self.grade else ""


@dataclass(frozen=True)
class SchoolTotal:
    code: str
    name: str
    system: int
    # (source, our total or None when not imported, ours − system) for each source of the kind
    ours: tuple[tuple[str, int | None, int], ...]
    differences: int  # rows of this school among Reconciliation.differences


@dataclass(frozen=True)
class UnknownSchool:
    code: str
    name: str
    count: int


@dataclass
class Reconciliation:
    kind: ListKind
    differences: list[Difference]
    schools: list[SchoolTotal]
    unknown: list[UnknownSchool]

    @property
    def schools_with_differences(self) -> int:
        return sum(1 for s in self.schools if s.differences)

    @property
    def unknown_count(self) -> int:
        return sum(u.count for u in self.unknown)


def _figure(mapping: Mapping, code: str, key) -> int | None:
    found = mapping.get(code)
    return None if found is None else found.get(key, 0)


def _differs(ours: int | None, system: int) -> bool:
    return (ours or 0) != system


def reconcile(counts: ListCounts, ours: Ours) -> Reconciliation:
    """Every difference between the list's counts and ours, per school and stage (and grade for
    the 学籍名单), with totals per school; schools of the list not in the county apart."""
    kind = LIST_KINDS[counts.kind]
    unknown = [
        UnknownSchool(code, counts.names.get(code, ""), sum(buckets.values()))
        for code, buckets in sorted(counts.by_school.items())
        if code not in ours.schools
    ]
    ours_codes = set(ours.conditions) | set(ours.classes) if kind.key == REGISTER else set(ours.teachers)
    compared = sorted((ours_codes | set(counts.by_school)) & set(ours.schools))
    differences: list[Difference] = []
    totals: list[SchoolTotal] = []
    for code in compared:
        name = ours.schools[code]
        system = counts.by_school.get(code, {})
        rows = (
            _register_rows(code, name, system, ours)
            if kind.key == REGISTER
            else _teacher_rows(code, name, system, ours)
        )
        found = [r for r in rows if _differs(r.ours, r.system)]
        differences += found
        if kind.key == REGISTER:
            sources = (
                (SOURCE_CONDITIONS, _total(ours.conditions.get(code))),
                (SOURCE_CLASSES, _total(ours.classes.get(code))),
            )
        else:
            sources = ((SOURCE_ROSTER, _total(ours.teachers.get(code))),)
        total = sum(system.values())
        figures = tuple((source, ours_total, (ours_total or 0) - total) for source, ours_total in sources)
        totals.append(SchoolTotal(code, name, total, figures, len(found)))
    totals.sort(key=lambda t: (t.differences == 0, t.code))  # the schools to look at first
    return Reconciliation(kind, differences, totals, unknown)


def _total(mapping: Mapping | None) -> int | None:
    return None if mapping is None else sum(mapping.values())


def _register_rows(code: str, name: str, system: Mapping[str, int], ours: Ours) -> list[Difference]:
    rows = []
    for stage, grades in ((vocab.PRIMARY, range(1, 7)), (vocab.JUNIOR, range(7, 10))):
        stage_system = sum(system.get(str(g), 0) for g in grades)
        rows.append(
            Difference(
                code,
                name,
                stage,
                None,
                SOURCE_CONDITIONS,
                _figure(ours.conditions, code, stage),
                stage_system,
            )
        )
        for grade in grades:
            ours_grade = _figure(ours.classes, code, grade)
            if ours_grade or system.get(str(grade)):
                rows.append(
                    Difference(
                        code, name, stage, grade, SOURCE_CLASSES, ours_grade, system.get(str(grade), 0)
                    )
                )
    return rows


def _teacher_rows(code: str, name: str, system: Mapping[str, int], ours: Ours) -> list[Difference]:
    stages = [s for s in vocab.STAGE_NAMES if system.get(s) or (ours.teachers.get(code) or {}).get(s)]
    return [
        Difference(
            code, name, stage, None, SOURCE_ROSTER, _figure(ours.teachers, code, stage), system.get(stage, 0)
        )
        for stage in stages
    ]
