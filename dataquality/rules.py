"""Validation rules over a county's data as a whole (pure: no Django, plain rows in, findings out).

The import checks each cell of a file; these rules look at the county's tables together and find
what an inspector would read as an impossible or doctored figure: counts that contradict each
other, tables that disagree, numbers that jump from one year to the next, one person on two
rosters. dataquality.services loads the rows (a fixed number of queries) and stores the findings.

Each finding names its rule, a severity (``blocking``: the figure cannot be defended as it is;
``warning``: it can, with a reason), the school, the field, the values and a Chinese message.
``subject`` distinguishes several findings of one rule at one school (a class, a stage, a field);
together with rule and school it is the finding's identity across runs, and ``fingerprint`` (of
the values) tells a re-import of the same figures from changed ones.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from domain import numbers
from domain import vocabulary as vocab

BLOCKING = "blocking"
WARNING = "warning"
SEVERITY_LABELS: Mapping[str, str] = MappingProxyType({BLOCKING: "须修正", WARNING: "须核实"})

# Where the row to fix lives: the school page (roster, classes, school record) or the conditions edit page.
TARGET_SCHOOL = "school"
TARGET_CONDITIONS = "conditions"

# Class sizes no real class has: fewer than this many students, or more than SUPER_LARGE_CLASS_MAX.
MIN_CLASS_STUDENTS = 5
MAX_CLASS_STUDENTS = 66
# A teaching point (教学点) keeps the lower grades only: classes of more grades mean a mis-typed type.
MAX_TEACHING_POINT_GRADES = 3
DEFAULT_JUMP_PERCENT = 30


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    severity: str
    kind: str  # 不可能的组合 / 跨表不一致 / 年度突变 / 跨校重复


IMPOSSIBLE, MISMATCH, JUMP, DUPLICATE = "不可能的组合", "跨表不一致", "年度突变", "跨校重复"

RULES: Mapping[str, Rule] = MappingProxyType(
    {
        r.key: r
        for r in (
            Rule("teacher_subsets", "分类教师数多于专任教师数", BLOCKING, IMPOSSIBLE),
            Rule("class_size", "班级人数不合常理（少于 5 人或多于 66 人）", WARNING, IMPOSSIBLE),
            Rule("teaching_point_grades", "教学点设置超过 3 个年级", WARNING, IMPOSSIBLE),
            Rule("teaching_point_parent", "教学点未填所属中心校", BLOCKING, IMPOSSIBLE),
            Rule("roster_vs_conditions", "花名册专任教师与办学条件不一致", BLOCKING, MISMATCH),
            Rule("classes_vs_conditions", "班级学生数合计与办学条件在校生数不一致", BLOCKING, MISMATCH),
            Rule("full_time_total", "办学条件专任教师数与花名册不一致", WARNING, MISMATCH),
            Rule("year_jump", "与上一学年相比变化过大", WARNING, JUMP),
            Rule("duplicate_id_number", "同一身份证号出现在多个花名册行", BLOCKING, DUPLICATE),
            Rule("national_lists", "与国家系统名单人数不一致", WARNING, MISMATCH),
        )
    }
)


# --- the rows the rules read ---------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolRow:
    id: int
    code: str
    name: str
    school_type: str
    parent_id: int | None = None


@dataclass(frozen=True)
class ConditionsRow:
    school_id: int
    year: int
    primary_students: int = 0
    junior_students: int = 0
    building_area: Decimal | float = 0
    sports_area: Decimal | float = 0
    equipment_value: Decimal | float = 0
    multimedia_rooms: int = 0
    music_rooms: int | None = None
    art_rooms: int | None = None
    # 专任教师 as the conditions report them, per stage; None where the source does not carry it
    # (the 办学条件 template has no such column today: the stage-presence check still runs).
    full_time_teachers: Mapping[str, int] | None = None
    # The school's 专任教师 of all stages as the 办学条件 template's 专任教师数 reports them; None when
    # the column was left empty (then nothing is compared).
    full_time_total: int | None = None


@dataclass(frozen=True)
class TeacherCounts:
    """Counts of one school's full-time (专任) roster teachers of one stage, and of subsets of them."""

    school_id: int
    stage: str  # 小学 / 初中
    full_time: int
    qualified: int = 0  # above the required degree
    backbone: int = 0  # 县级及以上骨干教师
    pe_art: int = 0  # 体育、音乐、美术


@dataclass(frozen=True)
class ClassRow:
    school_id: int
    stage: str
    grade: int
    name: str
    students: int


@dataclass(frozen=True)
class IdRow:
    """One roster row carrying an ID number (only rows with a non-empty 身份证号)."""

    school_id: int
    staff_no: str
    id_number: str


@dataclass(frozen=True)
class SystemFigure:
    """One school-and-stage figure of the latest uploaded national list (dataquality.reconcile)
    that differs from ours: 学籍 students against 办学条件, 教师名单 专任教师 against the roster."""

    school_id: int
    list_label: str  # 学籍名单 / 教师名单
    stage: str
    field: str  # our figure: 办学条件在校生数 / 教师花名册专任教师数
    ours: int | None  # None: not imported
    system: int


@dataclass(frozen=True)
class Finding:
    rule: str
    school_id: int
    subject: str
    field: str
    values: Mapping[str, object]
    message: str
    target: str = TARGET_SCHOOL
    # Values that identify the finding but must not be stored in clear (an ID number): hashed only.
    secret: str = ""

    @property
    def severity(self) -> str:
        return RULES[self.rule].severity

    @property
    def fingerprint(self) -> str:
        payload = json.dumps(
            [self.rule, self.subject, self.field, _plain(self.values), self.secret],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class CountyData:
    """Everything the rules read for one county and year (and the previous year's conditions)."""

    year: int
    schools: Sequence[SchoolRow]
    conditions: Sequence[ConditionsRow] = ()
    previous_conditions: Sequence[ConditionsRow] = ()
    teacher_counts: Sequence[TeacherCounts] = ()
    classes: Sequence[ClassRow] = ()
    id_rows: Sequence[IdRow] = ()
    system_figures: Sequence[SystemFigure] = ()
    # 专任教师 on each school's roster, every stage (高中 included): school id -> count.
    roster_full_time: Mapping[int, int] = field(default_factory=dict)
    jump_percent: float = DEFAULT_JUMP_PERCENT
    _by_id: dict = field(default_factory=dict, repr=False)

    def school(self, school_id: int) -> SchoolRow | None:
        if not self._by_id:
            self._by_id.update((s.id, s) for s in self.schools)
        return self._by_id.get(school_id)


def _plain(values: Mapping[str, object]) -> dict:
    """Values normalised so that 1200, 1200.0 and Decimal('1200.00') give the same fingerprint."""
    out = {}
    for k, v in values.items():
        if isinstance(v, Decimal | float) and v == int(v):
            v = int(v)
        elif isinstance(v, Decimal):
            v = float(v)
        out[k] = v
    return out


def _num(v) -> str:
    """A figure in a message: integers without decimals, others with up to two."""
    if v is None:
        return "未填"
    return numbers.num(v, 0 if v == int(v) else numbers.MEAN)


def mask_id(id_number: str) -> str:
    """An ID number as findings show it: region and last four digits only."""
    s = id_number.strip()
    return s[:6] + "*" * max(len(s) - 10, 0) + s[-4:] if len(s) > 10 else "*" * len(s)


# --- the rules -------------------------------------------------------------------------------------

SUBSET_LABELS = (
    ("qualified", "高于规定学历教师"),
    ("backbone", "县级及以上骨干教师"),
    ("pe_art", "体育、艺术（音乐、美术）教师"),
)


def teacher_subsets(data: CountyData) -> list[Finding]:
    """A subset of the 专任教师 (above the required degree, backbone, PE/art) larger than all of them."""
    out = []
    for t in data.teacher_counts:
        for attr, label in SUBSET_LABELS:
            n = getattr(t, attr)
            if n > t.full_time:
                out.append(
                    Finding(
                        "teacher_subsets",
                        t.school_id,
                        f"{t.stage}:{attr}",
                        label,
                        {"stage": t.stage, label: n, "专任教师": t.full_time},
                        f"{t.stage}{label} {_num(n)} 人，多于{t.stage}专任教师 {_num(t.full_time)} 人",
                    )
                )
    return out


def class_size(data: CountyData) -> list[Finding]:
    out = []
    for c in data.classes:
        if c.students < MIN_CLASS_STUDENTS or c.students > MAX_CLASS_STUDENTS:
            what = (
                f"少于 {MIN_CLASS_STUDENTS} 人"
                if c.students < MIN_CLASS_STUDENTS
                else f"多于 {MAX_CLASS_STUDENTS} 人"
            )
            out.append(
                Finding(
                    "class_size",
                    c.school_id,
                    f"class:{c.name}",
                    "学生数",
                    {"班级": c.name, "学生数": c.students},
                    f"班级“{c.name}”学生数 {c.students} 人，{what}，请核实是否填错",
                )
            )
    return out


def teaching_points(data: CountyData) -> list[Finding]:
    """A teaching point without its parent school, or with classes of more than three grades."""
    grades: dict[int, set[int]] = defaultdict(set)
    for c in data.classes:
        grades[c.school_id].add(c.grade)
    out = []
    for s in data.schools:
        if s.school_type != vocab.TEACHING_POINT:
            continue
        parent = data.school(s.parent_id) if s.parent_id is not None else None
        if s.parent_id is None:
            out.append(
                Finding(
                    "teaching_point_parent",
                    s.id,
                    "parent",
                    "所属中心校标识码",
                    {"所属中心校": ""},
                    "教学点未填所属中心校，无法并入中心校计算指标",
                )
            )
        elif parent is not None and parent.school_type == vocab.TEACHING_POINT:
            out.append(
                Finding(
                    "teaching_point_parent",
                    s.id,
                    "parent",
                    "所属中心校标识码",
                    {"所属中心校": parent.code},
                    f"教学点的所属中心校 {parent.code}（{parent.name}）本身也是教学点",
                )
            )
        g = sorted(grades.get(s.id, ()))
        if len(g) > MAX_TEACHING_POINT_GRADES:
            out.append(
                Finding(
                    "teaching_point_grades",
                    s.id,
                    "grades",
                    "年级",
                    {"年级": "、".join(map(str, g))},
                    f"教学点设有 {len(g)} 个年级的班级（{'、'.join(map(str, g))} 年级），多于 {MAX_TEACHING_POINT_GRADES} 个；"
                    "请核实办学类型是否应为小学",
                )
            )
    return out


def _students(c: ConditionsRow, stage: str) -> int:
    return c.primary_students if stage == vocab.PRIMARY else c.junior_students


def roster_vs_conditions(data: CountyData) -> list[Finding]:
    """The roster's 专任教师 per stage against the conditions: a reported count that differs, or a
    stage with students and no full-time teacher on the roster (or teachers and no students)."""
    roster: dict[tuple[int, str], int] = Counter()
    for t in data.teacher_counts:
        roster[(t.school_id, t.stage)] += t.full_time
    has_roster = {sid for sid, _ in roster}
    out = []
    for c in data.conditions:
        if c.school_id not in has_roster:
            continue  # no roster at all for the school this year: nothing to compare yet
        for stage in vocab.COMPULSORY_STAGES:
            n, students = roster.get((c.school_id, stage), 0), _students(c, stage)
            reported = (c.full_time_teachers or {}).get(stage)
            if reported is not None and reported != n:
                out.append(
                    Finding(
                        "roster_vs_conditions",
                        c.school_id,
                        f"{stage}:count",
                        f"{stage}专任教师数",
                        {"stage": stage, "花名册": n, "办学条件": reported},
                        f"{stage}专任教师：花名册 {_num(n)} 人，办学条件填报 {_num(reported)} 人",
                        TARGET_CONDITIONS,
                    )
                )
            elif students > 0 and n == 0:
                out.append(
                    Finding(
                        "roster_vs_conditions",
                        c.school_id,
                        f"{stage}:presence",
                        f"{stage}专任教师数",
                        {"stage": stage, "花名册": 0, f"{stage}在校生数": students},
                        f"办学条件有{stage}在校生 {_num(students)} 人，花名册却没有{stage}专任教师",
                    )
                )
            elif students == 0 and n > 0:
                out.append(
                    Finding(
                        "roster_vs_conditions",
                        c.school_id,
                        f"{stage}:presence",
                        f"{stage}在校生数",
                        {"stage": stage, "花名册": n, f"{stage}在校生数": 0},
                        f"花名册有{stage}专任教师 {_num(n)} 人，办学条件的{stage}在校生数却为 0",
                        TARGET_CONDITIONS,
                    )
                )
    return out


def classes_vs_conditions(data: CountyData) -> list[Finding]:
    """Per school and stage, the students of its classes against the conditions' students (only
    for schools with classes this year: a school without any is a missing import, not a mismatch)."""
    totals: dict[tuple[int, str], int] = Counter()
    for c in data.classes:
        totals[(c.school_id, c.stage)] += c.students
    with_classes = {sid for sid, _ in totals}
    out = []
    for c in data.conditions:
        if c.school_id not in with_classes:
            continue
        for stage in vocab.COMPULSORY_STAGES:
            in_classes, reported = totals.get((c.school_id, stage), 0), _students(c, stage)
            if in_classes != reported:
                out.append(
                    Finding(
                        "classes_vs_conditions",
                        c.school_id,
                        stage,
                        f"{stage}在校生数",
                        {"stage": stage, "班级合计": in_classes, "办学条件": reported},
                        f"{stage}：各班学生数合计 {_num(in_classes)} 人，办学条件填报在校生 {_num(reported)} 人，"
                        f"相差 {_num(abs(in_classes - reported))} 人",
                        TARGET_CONDITIONS,
                    )
                )
    return out


def full_time_total(data: CountyData) -> list[Finding]:
    """The conditions' 专任教师数 (all stages) against the roster's 专任教师 of the school and year.

    A warning, not blocking: the statistics may be taken on another day than the roster (a teacher
    who left or joined in between), so a difference can have a reason that bureau staff give; an
    unexplained one is what an inspector comparing 事业统计 with the roster reads as a doctored figure.
    Nothing is compared when the column is empty.
    """
    out = []
    for c in data.conditions:
        reported = c.full_time_total
        if reported is None:
            continue
        n = data.roster_full_time.get(c.school_id, 0)
        if n == reported:
            continue
        out.append(
            Finding(
                "full_time_total",
                c.school_id,
                "total",
                "专任教师数",
                {"花名册": n, "办学条件": reported},
                f"办学条件填报专任教师 {_num(reported)} 人，教师花名册专任教师 {_num(n)} 人，"
                f"相差 {_num(abs(reported - n))} 人",
                TARGET_CONDITIONS,
            )
        )
    return out


# The conditions fields whose change from one year to the next is checked, with their labels.
JUMP_FIELDS: tuple[tuple[str, str], ...] = (
    ("primary_students", "小学在校生数"),
    ("junior_students", "初中在校生数"),
    ("building_area", "教学及辅助用房面积"),
    ("sports_area", "体育运动场馆面积"),
    ("equipment_value", "教学仪器设备值"),
    ("multimedia_rooms", "网络多媒体教室数"),
    ("music_rooms", "音乐专用教室数"),
    ("art_rooms", "美术专用教室数"),
)


# Rooms are counted in ones: one room more or less (3 → 4 is +33 %) is a normal change, never a jump.
MIN_ROOM_CHANGE = 2
ROOM_FIELDS = frozenset({"multimedia_rooms", "music_rooms", "art_rooms"})


def year_jump(data: CountyData) -> list[Finding]:
    """A figure that changed by more than ``jump_percent`` % from the previous year's conditions
    (from 0 to a positive figure counts as a jump; a blank optional room count is not compared; a room
    count must change by at least MIN_ROOM_CHANGE rooms)."""
    previous = {c.school_id: c for c in data.previous_conditions}
    limit = Decimal(str(data.jump_percent))
    out = []
    for c in data.conditions:
        p = previous.get(c.school_id)
        if p is None:
            continue
        for attr, label in JUMP_FIELDS:
            before, now = getattr(p, attr), getattr(c, attr)
            if before is None or now is None or before == now:
                continue
            if attr in ROOM_FIELDS and abs(now - before) < MIN_ROOM_CHANGE:
                continue
            b, n = Decimal(str(before)), Decimal(str(now))
            if b == 0:
                message = f"{label}由上一学年的 0 增至 {_num(now)}"
            else:
                pct = (n - b) / b * 100
                if abs(pct) <= limit:
                    continue
                message = (
                    f"{label}由上一学年的 {_num(before)} 变为 {_num(now)}，{'增加' if pct > 0 else '减少'} "
                    f"{numbers.against(abs(pct), limit, numbers.RATE, strict=True)}%，超过 {_num(data.jump_percent)}% 的年度变化阈值"
                )
            out.append(
                Finding(
                    "year_jump",
                    c.school_id,
                    attr,
                    label,
                    {"上一学年": before, "本学年": now, "阈值%": data.jump_percent},
                    message,
                    TARGET_CONDITIONS,
                )
            )
    return out


def _code(data: CountyData, school_id: int) -> str:
    s = data.school(school_id)
    return s.code if s else str(school_id)


def duplicate_id_numbers(data: CountyData) -> list[Finding]:
    """One ID number on more than one roster row of the county in the year (two schools, or twice in one)."""
    rows_by_id: dict[str, list[IdRow]] = defaultdict(list)
    for r in data.id_rows:
        key = r.id_number.strip().upper()
        if key:
            rows_by_id[key].append(r)
    out = []
    for id_number, rows in rows_by_id.items():
        if len(rows) < 2:
            continue
        for r in rows:
            others = [o for o in rows if o is not r]
            places = [(_code(data, o.school_id), o.staff_no) for o in others]
            out.append(
                Finding(
                    "duplicate_id_number",
                    r.school_id,
                    f"id:{r.staff_no}",
                    "身份证号",
                    {
                        "教师编号": r.staff_no,
                        "身份证号": mask_id(id_number),
                        "另见": [f"{c}/{n}" for c, n in places],
                    },
                    f"教师编号 {r.staff_no} 的身份证号 {mask_id(id_number)} 也出现在"
                    + "、".join(f"学校 {c} 的教师编号 {n}" for c, n in places),
                    secret=id_number,
                )
            )
    return out


def national_lists(data: CountyData) -> list[Finding]:
    """Per school and stage, our figure against the county's latest uploaded national list (the
    对账 page lists the grades as well): a warning, since a list may be older than our data."""
    return [
        Finding(
            "national_lists",
            f.school_id,
            f"{f.list_label}:{f.stage}",
            f"{f.stage}{f.field}",
            {"stage": f.stage, "本平台": f.ours, f.list_label: f.system},
            f"{f.stage}{f.field}：本平台 {_num(f.ours)}，{f.list_label} {_num(f.system)}"
            f"（差 {(f.ours or 0) - f.system:+d}）",
            TARGET_CONDITIONS if f.list_label == "学籍名单" else TARGET_SCHOOL,
        )
        for f in data.system_figures
    ]


CHECKS = (
    teacher_subsets,
    class_size,
    teaching_points,
    roster_vs_conditions,
    classes_vs_conditions,
    full_time_total,
    year_jump,
    duplicate_id_numbers,
    national_lists,
)


def run_rules(data: CountyData) -> list[Finding]:
    """Every rule over ``data``: the findings, blocking first, then by school and rule."""
    findings = [f for check in CHECKS for f in check(data)]
    findings.sort(key=lambda f: (f.severity != BLOCKING, f.school_id, f.rule, f.subject))
    return findings


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {BLOCKING: c[BLOCKING], WARNING: c[WARNING]}
