"""Input facts and the school units the coefficients are computed over (domain.md §4–5,
data-contract §2).

The Django side loads plain facts (one :class:`SchoolFacts` per school and year, roster rows
aggregated into :class:`TeacherGroup` by one GROUP BY, :class:`ClassFacts` per class) and
:func:`build_units` turns them into :class:`Unit` rows, one per school part and stage:

- 小学 units: primary schools and the primary part of 九年一贯制/十二年一贯制 schools;
  初中 units: junior schools and the junior part of 九年一贯制/十二年一贯制/完全中学.
- Shared physical resources of a multi-stage school are split by student-equivalents
  (小学 1 : 初中 1.1 : 高中 1.32, 1 : 1.1, 初中 1 : 高中 1.2 by default); the senior part's share
  is dropped because senior secondary is not assessed.
- Teachers are not split: each counts in the stage they teach (高中 teachers are ignored), and
  only full-time teachers (专任教师) count.
- Teaching points (教学点) are merged into their parent's primary part by default.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from domain.vocabulary import (
    BACKBONE_AT_LEAST_COUNTY,
    BACKBONE_LEVELS,
    COMPLETE_MIDDLE,
    EDUCATION_LEVELS,
    NINE_YEAR,
    PE_ART_SUBJECTS,
    PRIVATE,
    QUALIFIED_EDUCATION,
    SCHOOL_TYPES,
    SENIOR_TITLES,
    SPONSORS,
    TEACHING_POINT,
    TITLES,
    TWELVE_YEAR,
    TYPE_STAGES,
)
from domain.vocabulary import STAGE_NAMES as TEACHER_STAGES

from .rules import (
    DEFAULT_UNIT_RULE_MARGIN,
    DEFAULT_UNIT_RULE_MIN_MET,
    STAGE_BY_LABEL,
    STAGE_LABELS,
    STAGES,
    Indicator,
    Stage,
)

_UNIT_STAGE = STAGE_BY_LABEL
_SCHOOL_TYPE_SET = frozenset(SCHOOL_TYPES)
_SPONSOR_SET = frozenset(SPONSORS)
_TEACHER_STAGE_SET = frozenset(TEACHER_STAGES)

# Physical resources: shared by the parts of a school, split by student-equivalents.
PHYSICAL_FIELDS = (
    "building_area",
    "sports_area",
    "equipment_value",
    "computers",
    "books",
    "multimedia_rooms",
)
# Teacher counts of a unit, in the order of TeacherGroup classification.
TEACHER_FIELDS = (
    "full_time_teachers",
    "qualified_teachers",
    "senior_title_teachers",
    "backbone_teachers",
    "pe_art_teachers",
)
# Fields a what-if change may adjust.
CHANGEABLE_FIELDS = ("students", *PHYSICAL_FIELDS, *TEACHER_FIELDS)


@dataclass(frozen=True, slots=True)
class SchoolFacts:
    """One school and its conditions for one school year (templates 学校 + 办学条件).

    Numbers are ints or floats (convert Decimal in the selector; the engine also coerces).
    ``music_rooms``/``art_rooms`` are None when not reported: the room check then skips the school.
    ``music_areas``/``art_areas`` hold the floor area (㎡) of each room, None when not reported
    (the room check then judges on the counts alone and says the areas are missing).
    """

    code: str
    name: str
    township: str
    school_type: str
    urban_rural: str
    sponsor: str = "公办"
    parent_code: str | None = None
    primary_students: int = 0
    junior_students: int = 0
    senior_students: int = 0
    building_area: float = 0.0
    sports_area: float = 0.0
    equipment_value: float = 0.0
    computers: float = 0
    books: float = 0
    multimedia_rooms: float = 0
    music_rooms: int | None = None
    art_rooms: int | None = None
    music_areas: tuple[float, ...] | None = None
    art_areas: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class TeacherGroup:
    """``count`` roster rows of one school sharing every classifying attribute.

    ``stage`` is the 任教学段 (小学/初中/高中); ``full_time`` is 是否专任教师 = 是.
    """

    school_code: str
    stage: str
    full_time: bool
    education: str
    title: str
    backbone_level: str
    subject: str
    count: int


@dataclass(frozen=True, slots=True)
class ClassFacts:
    """One class: ``stage`` 小学/初中, ``grade`` 1–9, ``students`` its size."""

    school_code: str
    stage: str
    grade: int
    students: int


@dataclass(frozen=True, slots=True)
class CountyItem:
    """A county-level item entered by bureau staff (e.g. 政府保障 items, satisfaction).

    ``passed`` True/False as judged from the entered value and evidence, None when not entered
    yet: False fails the assessment with a reason, None only adds a "未录入" warning.
    """

    key: str
    label: str
    passed: bool | None
    detail: str = ""


def _default_twelve_year() -> dict[str, float]:
    return {"小学": 1.0, "初中": 1.1, "高中": 1.32}


def _default_nine_year() -> dict[str, float]:
    return {"小学": 1.0, "初中": 1.1}


def _default_complete_middle() -> dict[str, float]:
    return {"初中": 1.0, "高中": 1.2}


_WEIGHT_FIELDS = {
    "twelve_year_weights": TWELVE_YEAR,
    "nine_year_weights": NINE_YEAR,
    "complete_middle_weights": COMPLETE_MIDDLE,
}


@dataclass(frozen=True)
class EngineSettings:
    """How facts become units and how strict the per-school rule is (all [practice]/[local]).

    - ``merge_teaching_points``: add each teaching point's students, physical resources and
      teachers to its parent's primary part (False: each teaching point is its own primary unit).
    - ``exclude_teaching_points_under``: when set to N, a teaching point with fewer than N
      students (primary + junior) is dropped from the assessment altogether (no unit, not merged,
      its teachers and classes not counted) and listed in the warnings; this models the provincial
      rules that leave small teaching points out. Teaching points with ≥ N students follow
      ``merge_teaching_points``. None keeps every teaching point.
    - ``include_private``: False drops 民办 schools (and their teaching points' merges fall back
      to separate units) from the assessment.
    - ``*_weights``: student-equivalent weights by Chinese stage name for splitting the physical
      resources of multi-stage schools.
    - ``unit_rule_margin``/``unit_rule_min_met``: the per-school rule of quality-2017.

    The weight mappings are frozen on creation; use :meth:`to_dict`/:meth:`from_dict` to store.
    """

    merge_teaching_points: bool = True
    exclude_teaching_points_under: int | None = None
    include_private: bool = True
    twelve_year_weights: Mapping[str, float] = field(default_factory=_default_twelve_year)
    nine_year_weights: Mapping[str, float] = field(default_factory=_default_nine_year)
    complete_middle_weights: Mapping[str, float] = field(default_factory=_default_complete_middle)
    unit_rule_margin: float = DEFAULT_UNIT_RULE_MARGIN
    unit_rule_min_met: int = DEFAULT_UNIT_RULE_MIN_MET

    def __post_init__(self) -> None:
        for name, school_type in _WEIGHT_FIELDS.items():
            weights = dict(getattr(self, name))
            needed = set(TYPE_STAGES[school_type])
            if set(weights) != needed or any(not w > 0 for w in weights.values()):
                raise ValueError(
                    f"{name}：需为 {'、'.join(TYPE_STAGES[school_type])} 的正权重，收到 {weights}"
                )
            object.__setattr__(self, name, MappingProxyType({k: float(v) for k, v in weights.items()}))
        if not 0 < self.unit_rule_margin <= 1:
            raise ValueError(f"unit_rule_margin 须在 (0, 1] 内，收到 {self.unit_rule_margin}")
        if self.unit_rule_min_met < 0:
            raise ValueError(f"unit_rule_min_met 不能为负数，收到 {self.unit_rule_min_met}")
        if self.exclude_teaching_points_under is not None and self.exclude_teaching_points_under < 0:
            raise ValueError("exclude_teaching_points_under 不能为负数")

    def weights_for(self, school_type: str) -> Mapping[str, float] | None:
        """Split weights of a multi-stage school type, None for single-stage types."""
        for name, t in _WEIGHT_FIELDS.items():
            if t == school_type:
                return getattr(self, name)
        return None

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (round-trips through :meth:`from_dict`)."""
        return {
            "merge_teaching_points": self.merge_teaching_points,
            "exclude_teaching_points_under": self.exclude_teaching_points_under,
            "include_private": self.include_private,
            "twelve_year_weights": dict(self.twelve_year_weights),
            "nine_year_weights": dict(self.nine_year_weights),
            "complete_middle_weights": dict(self.complete_middle_weights),
            "unit_rule_margin": self.unit_rule_margin,
            "unit_rule_min_met": self.unit_rule_min_met,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> EngineSettings:
        """Settings from a stored dict; missing keys take the defaults, unknown keys are an error."""
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"未知的引擎设置：{'、'.join(sorted(unknown))}")
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Unit:
    """One school part of one stage, as it enters the difference coefficients.

    Identity is ``(school_code, stage)``. Physical resources are this part's share; teacher
    counts are full-time teachers of this stage. ``merged_codes``/``merged_students`` record the
    teaching points merged in, so the school's own size can still be checked.
    """

    school_code: str
    school_name: str
    township: str
    urban_rural: str
    school_type: str
    stage: Stage
    students: int
    building_area: float = 0.0
    sports_area: float = 0.0
    equipment_value: float = 0.0
    computers: float = 0.0
    books: float = 0.0
    multimedia_rooms: float = 0.0
    full_time_teachers: float = 0
    qualified_teachers: float = 0
    senior_title_teachers: float = 0
    backbone_teachers: float = 0
    pe_art_teachers: float = 0
    merged_codes: tuple[str, ...] = ()
    merged_students: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.school_code, self.stage)

    @property
    def own_students(self) -> int:
        """Students of the school itself, teaching points merged in excluded."""
        return self.students - self.merged_students


def indicator_value(unit: Unit, indicator: Indicator) -> float | None:
    """``resource / students × per`` of ``unit``; None when the unit has no students.

    Computed as ``resource × per / students`` (one rounding instead of two), so integer data
    exactly at a standard gives exactly the standard: 21 teachers × 100 / 500 students == 4.2.
    """
    if unit.students <= 0:
        return None
    return getattr(unit, indicator.resource) * indicator.per / unit.students


@dataclass(frozen=True)
class SchoolSplit:
    """How one multi-stage school's own shared physical resources are divided among its parts.

    ``weights`` and ``students`` by Chinese stage (the 高中 part included: its share leaves the
    assessment), ``resources`` the school's own totals of :data:`PHYSICAL_FIELDS` (teaching
    points merged in not included). A part of unit stage ``stage`` receives
    ``amount × weight × students / Σ weight × students`` of any amount: :meth:`part_of` is the
    one formula, used by :func:`build_units` and by every plan and what-if that adds to a school.
    """

    school_code: str
    school_type: str
    weights: Mapping[str, float]
    students: Mapping[str, int]
    resources: Mapping[str, float]

    def part_of(self, amount: float, stage: str, students: Mapping[str, int] | None = None) -> float:
        """The share of ``amount`` that the part of unit stage ``stage`` receives (``students``
        replaces the school's own students by Chinese stage, e.g. after a what-if change)."""
        students = self.students if students is None else students
        equivalents = {s: students.get(s, 0) * w for s, w in self.weights.items()}
        total = sum(equivalents.values())
        cn_stage = next(cn for cn, unit_stage in _UNIT_STAGE.items() if unit_stage == stage)
        # amount × eq / total rounds once: 23,226 × 166 / 397 as exact as floats allow.
        return amount * equivalents.get(cn_stage, 0.0) / total if total > 0 else 0.0

    def to_dict(self) -> dict:
        return {
            "school_code": self.school_code,
            "school_type": self.school_type,
            "weights": dict(self.weights),
            "students": dict(self.students),
            "resources": dict(self.resources),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> SchoolSplit:
        return cls(**data)


@dataclass(frozen=True)
class UnitsResult:
    """Units (sorted by stage, then school code), Chinese warnings, and the codes of every
    school in the resource allocation (units' schools and merged teaching points).
    ``splits``: one :class:`SchoolSplit` per assessed multi-stage school, by school code; plans
    and what-ifs need it to add to the whole school.

    The settings that leave schools out (``include_private``, ``exclude_teaching_points_under``)
    concern resource allocation only — the CVs and the per-school rule. Class size, school size
    and the music/art rooms cover every school: ``size_units`` are the left-out schools' own
    units (each on its own, nothing merged) for the school-size check and nothing else."""

    units: list[Unit]
    warnings: list[str]
    included_codes: frozenset[str] = frozenset()
    splits: Mapping[str, SchoolSplit] = field(default_factory=dict)
    size_units: list[Unit] = field(default_factory=list)


def _who(school: SchoolFacts) -> str:
    return f"{school.name}（{school.code}）"


class _Part:
    """Mutable accumulator of one unit while it is being built."""

    __slots__ = ("school", "stage", "students", "merged_codes", "merged_students", "values")

    def __init__(self, school: SchoolFacts, stage: str) -> None:
        self.school = school
        self.stage = stage
        self.students = 0
        self.merged_codes: list[str] = []
        self.merged_students = 0
        self.values = dict.fromkeys((*PHYSICAL_FIELDS, *TEACHER_FIELDS), 0)

    def freeze(self) -> Unit:
        s = self.school
        return Unit(
            school_code=s.code,
            school_name=s.name,
            township=s.township,
            urban_rural=s.urban_rural,
            school_type=s.school_type,
            stage=self.stage,
            students=self.students,
            merged_codes=tuple(sorted(self.merged_codes)),
            merged_students=self.merged_students,
            **self.values,
        )


def _check_enum(value: str, allowed: tuple[str, ...], what: str, whose: str) -> None:
    if value not in allowed:
        raise ValueError(f"{whose}：{what}“{value}”不是有效值（可选：{' / '.join(allowed)}）")


def _students_by_stage(school: SchoolFacts) -> dict[str, int]:
    return {"小学": school.primary_students, "初中": school.junior_students, "高中": school.senior_students}


def build_units(
    schools: Iterable[SchoolFacts],
    teachers: Iterable[TeacherGroup],
    settings: EngineSettings | None = None,
) -> UnitsResult:
    """Turn school facts and teacher groups into the assessment's units.

    Rules (each documented in the module docstring and :class:`EngineSettings`):

    - A unit whose students total 0 is left out, with a warning.
    - A teaching point whose parent is unknown, excluded, itself a teaching point or without a
      primary part is kept as its own primary unit, with a warning.
    - A teaching point's students all count as primary (teaching points are primary sites);
      junior students reported there are added with a warning.
    - Students in a stage the school type does not have (e.g. 初中 students of a 小学) are
      ignored with a warning; so are roster groups whose school has no unit of that stage or
      whose school code is unknown. 高中 roster groups are ignored silently (not assessed).

    Raises ValueError (Chinese message) on duplicate school codes, unknown enumerated values or
    negative numbers: those are import bugs, not data to assess.
    """
    settings = settings or EngineSettings()
    # Sorted by code so units and warnings do not depend on the order the ORM returned rows in
    # (input_fingerprint relies on this: the same facts in any order give the same result).
    schools = sorted(schools, key=lambda s: s.code)
    warnings: list[str] = []
    by_code: dict[str, SchoolFacts] = {}
    numeric = ("primary_students", "junior_students", "senior_students", *PHYSICAL_FIELDS)
    for school in schools:
        if school.code in by_code:
            raise ValueError(f"学校标识码重复：{school.code}")
        if school.school_type not in _SCHOOL_TYPE_SET or school.sponsor not in _SPONSOR_SET:
            _check_enum(school.school_type, SCHOOL_TYPES, "办学类型", _who(school))
            _check_enum(school.sponsor, SPONSORS, "举办者", _who(school))
        for name in numeric:
            if getattr(school, name) < 0:
                raise ValueError(f"{_who(school)}：{name} 不能为负数")
        by_code[school.code] = school

    excluded: set[str] = set()
    private = [s for s in schools if s.sponsor == PRIVATE]
    if not settings.include_private and private:
        excluded.update(s.code for s in private)
        warnings.append(
            f"按设置民办学校 {len(private)} 所未计入资源配置（差异系数与逐校达标）："
            f"{'、'.join(s.name for s in private)}；班额、办学规模和音乐美术教室仍检查"
        )
    limit = settings.exclude_teaching_points_under
    if limit is not None:
        for s in schools:
            total = s.primary_students + s.junior_students
            if s.school_type == TEACHING_POINT and s.code not in excluded and total < limit:
                excluded.add(s.code)
                warnings.append(
                    f"教学点 {_who(s)} 在校生 {total} 人，少于 {limit} 人，按设置未计入资源配置"
                    "（班额、办学规模和音乐美术教室仍检查）"
                )

    parts: dict[tuple[str, str], _Part] = {}
    splits: dict[str, SchoolSplit] = {}
    # (school code, roster stage 小学/初中) -> part that receives those teachers.
    route: dict[tuple[str, str], _Part] = {}

    def part_for(school: SchoolFacts, stage: str) -> _Part:
        key = (school.code, stage)
        if key not in parts:
            parts[key] = _Part(school, stage)
        return parts[key]

    # Per school type: its stages and their split weights (single-stage types take everything).
    layouts = {t: (stages, settings.weights_for(t) or {stages[0]: 1.0}) for t, stages in TYPE_STAGES.items()}
    # Regular schools first, so teaching points find their parent's primary part.
    for school in schools:
        if school.code in excluded or school.school_type == TEACHING_POINT:
            continue
        stages, weights = layouts[school.school_type]
        students = _students_by_stage(school)
        for cn_stage, n in students.items():
            if n and cn_stage not in stages:
                warnings.append(f"{_who(school)} 为{school.school_type}，填报的{cn_stage}在校生 {n} 人未计入")
        resources = [float(getattr(school, name)) for name in PHYSICAL_FIELDS]
        equivalents = {s: students[s] * weights[s] for s in stages}
        total_eq = sum(equivalents.values())
        if len(stages) > 1:
            splits[school.code] = SchoolSplit(
                school.code,
                school.school_type,
                dict(weights),
                {s: students[s] for s in stages},
                dict(zip(PHYSICAL_FIELDS, resources, strict=True)),
            )
        for cn_stage in stages:
            unit_stage = _UNIT_STAGE.get(cn_stage)
            if unit_stage is None:
                continue  # senior part: its share of the resources leaves the assessment
            part = part_for(school, unit_stage)
            part.students += students[cn_stage]
            if total_eq > 0:
                eq = equivalents[cn_stage]
                values = part.values
                for name, amount in zip(PHYSICAL_FIELDS, resources, strict=True):
                    # amount × eq / total rounds once: 23,226 × 166 / 397 as exact as floats allow.
                    values[name] += amount * eq / total_eq
            route[(school.code, cn_stage)] = part

    for tp in schools:
        if tp.code in excluded or tp.school_type != TEACHING_POINT:
            continue
        parent = by_code.get(tp.parent_code) if tp.parent_code else None
        target: _Part | None = None
        if settings.merge_teaching_points:
            if parent is None:
                warnings.append(
                    f"教学点 {_who(tp)} 的所属中心校（{tp.parent_code or '未填'}）不在学校名单中，按独立小学单元计算"
                )
            elif parent.code in excluded:
                warnings.append(
                    f"教学点 {_who(tp)} 的所属中心校 {_who(parent)} 未计入评估，按独立小学单元计算"
                )
            elif parent.school_type == TEACHING_POINT or "小学" not in TYPE_STAGES[parent.school_type]:
                warnings.append(
                    f"教学点 {_who(tp)} 的所属中心校 {_who(parent)} 为{parent.school_type}，不能并入，按独立小学单元计算"
                )
            else:
                target = part_for(parent, "primary")
                target.merged_codes.append(tp.code)
        if target is None:
            target = part_for(tp, "primary")
        if tp.junior_students:
            warnings.append(f"教学点 {_who(tp)} 填报初中在校生 {tp.junior_students} 人，按小学计入")
        if tp.senior_students:
            warnings.append(f"教学点 {_who(tp)} 填报的高中在校生 {tp.senior_students} 人未计入")
        n = tp.primary_students + tp.junior_students
        target.students += n
        if target.school is not tp:
            target.merged_students += n
        for name in PHYSICAL_FIELDS:
            target.values[name] += float(getattr(tp, name))
        route[(tp.code, "小学")] = target
        route[(tp.code, "初中")] = target

    _add_teachers(teachers, by_code, excluded, route, warnings)

    units: list[Unit] = []
    for part in parts.values():
        if part.students <= 0:
            warnings.append(f"{_who(part.school)}{STAGE_LABELS[part.stage]}部分在校生为 0，未计入差异系数")
            continue
        units.append(part.freeze())
    units.sort(key=lambda u: (STAGES.index(u.stage), u.school_code))
    included = frozenset(code for code in by_code if code not in excluded)
    # Only schools with an assessed part: a split of a school left out has nothing to add to.
    assessed = {u.school_code for u in units}
    splits = {code: split for code, split in splits.items() if code in assessed}
    size_units: list[Unit] = []
    if excluded:
        # Each left-out school as its own units (its teaching points not merged in), so that its
        # size is checked like every other school's; nothing else reads these units.
        alone = replace(
            settings, merge_teaching_points=False, include_private=True, exclude_teaching_points_under=None
        )
        size_units = build_units([by_code[c] for c in sorted(excluded)], (), alone).units
    return UnitsResult(
        units=units, warnings=warnings, included_codes=included, splits=splits, size_units=size_units
    )


def _add_teachers(
    teachers: Iterable[TeacherGroup],
    by_code: Mapping[str, SchoolFacts],
    excluded: set[str],
    route: Mapping[tuple[str, str], _Part],
    warnings: list[str],
) -> None:
    """Count full-time teachers into their parts (classified by the part's stage)."""
    unknown: dict[str, int] = defaultdict(int)
    unrouted: dict[tuple[str, str], int] = defaultdict(int)
    # Classification depends only on these four attributes and the part's stage; caching it
    # keeps a roster of 100k+ groups to one dict lookup per group.
    flags_cache: dict[tuple[str, str, str, str], tuple[bool, bool, bool, bool, bool]] = {}
    for group in teachers:
        attrs = (group.education, group.title, group.backbone_level, group.subject)
        flags = flags_cache.get(attrs)
        if flags is None:
            whose = f"学校 {group.school_code} 的教师"
            _check_enum(group.education, EDUCATION_LEVELS, "最高学历", whose)
            _check_enum(group.title, TITLES, "专业技术职务", whose)
            _check_enum(group.backbone_level, BACKBONE_LEVELS, "骨干教师级别", whose)
            flags = flags_cache[attrs] = (
                group.education in QUALIFIED_EDUCATION["primary"],
                group.education in QUALIFIED_EDUCATION["junior"],
                group.title in SENIOR_TITLES,
                group.backbone_level in BACKBONE_AT_LEAST_COUNTY,
                group.subject in PE_ART_SUBJECTS,
            )
        if group.stage not in _TEACHER_STAGE_SET:
            _check_enum(group.stage, TEACHER_STAGES, "任教学段", f"学校 {group.school_code} 的教师")
        n = group.count
        if n < 0:
            raise ValueError(f"学校 {group.school_code} 的教师人数不能为负数")
        if not group.full_time or group.stage == "高中" or group.school_code in excluded:
            continue
        part = route.get((group.school_code, group.stage))
        if part is None:
            if group.school_code not in by_code:
                unknown[group.school_code] += n
            else:
                unrouted[(group.school_code, group.stage)] += n
            continue
        qualified_primary, qualified_junior, senior, backbone, pe_art = flags
        values = part.values
        values["full_time_teachers"] += n
        if qualified_primary if part.stage == "primary" else qualified_junior:
            values["qualified_teachers"] += n
        if senior:
            values["senior_title_teachers"] += n
        if backbone:
            values["backbone_teachers"] += n
        if pe_art:
            values["pe_art_teachers"] += n
    for code, n in sorted(unknown.items()):
        warnings.append(f"教师名册中的学校标识码 {code} 不在学校名单中，{n} 名专任教师未计入")
    for (code, stage), n in sorted(unrouted.items()):
        warnings.append(f"{_who(by_code[code])} 无{stage}部分，{stage}专任教师 {n} 人未计入")
