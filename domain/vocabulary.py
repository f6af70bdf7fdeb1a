"""The shared vocabulary of the domain (domain.md §2, §4–6), as plain constants and functions.

One home for each word the pages, imports, engines and dossiers use: stages, school types and the
stages each type has, urban/rural, sponsors, teacher attributes and kinds, class-size standards
and bands, school-size limits and evaluation-scheme keys. Django models build their choices from
here and the engines import it directly; nothing here imports Django or an app.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

# --- stages (学段) -------------------------------------------------------------------------------

PRIMARY = "小学"
JUNIOR = "初中"
SENIOR = "高中"
# Stages as the roster, class and conditions templates write them (data-contract §1).
STAGE_NAMES: tuple[str, ...] = (PRIMARY, JUNIOR, SENIOR)
# The compulsory-education stages, the only ones any scheme assesses.
COMPULSORY_STAGES: tuple[str, ...] = (PRIMARY, JUNIOR)

# Stage keys as the engines and the stored assessment documents spell them (data-contract §3).
StageKey = Literal["primary", "junior"]
STAGE_KEYS: tuple[StageKey, ...] = ("primary", "junior")
STAGE_LABELS: Mapping[str, str] = MappingProxyType({"primary": PRIMARY, "junior": JUNIOR})
STAGE_BY_LABEL: Mapping[str, StageKey] = MappingProxyType({PRIMARY: "primary", JUNIOR: "junior"})


def stage_key(stage: str) -> StageKey:
    """``"primary"``/``"junior"`` for either spelling of a compulsory stage; ValueError otherwise."""
    if stage in STAGE_LABELS:
        return stage  # type: ignore[return-value]
    try:
        return STAGE_BY_LABEL[stage]
    except KeyError:
        raise ValueError(f"学段“{stage}”无效（可选：小学 / 初中）") from None


# --- school types (办学类型) ---------------------------------------------------------------------

PRIMARY_SCHOOL = "小学"
JUNIOR_SCHOOL = "初中"
NINE_YEAR = "九年一贯制学校"
TWELVE_YEAR = "十二年一贯制学校"
COMPLETE_MIDDLE = "完全中学"
TEACHING_POINT = "教学点"
SCHOOL_TYPES: tuple[str, ...] = (
    PRIMARY_SCHOOL,
    JUNIOR_SCHOOL,
    NINE_YEAR,
    TWELVE_YEAR,
    COMPLETE_MIDDLE,
    TEACHING_POINT,
)

# The stages each school type has (domain.md §4). A teaching point is a primary site.
TYPE_STAGES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        PRIMARY_SCHOOL: (PRIMARY,),
        JUNIOR_SCHOOL: (JUNIOR,),
        NINE_YEAR: (PRIMARY, JUNIOR),
        TWELVE_YEAR: (PRIMARY, JUNIOR, SENIOR),
        COMPLETE_MIDDLE: (JUNIOR, SENIOR),
        TEACHING_POINT: (PRIMARY,),
    }
)
# Types with more than one stage, whose shared resources are split by student-equivalents.
MULTI_STAGE_TYPES: tuple[str, ...] = tuple(t for t in SCHOOL_TYPES if len(TYPE_STAGES[t]) > 1)


def has_stage(school_type: str, stage: str) -> bool:
    """True when a school of ``school_type`` has ``stage`` (小学/初中/高中 or primary/junior)."""
    name = STAGE_LABELS.get(stage, stage)
    return name in TYPE_STAGES.get(school_type, ())


# --- urban/rural, sponsors ----------------------------------------------------------------------

URBAN = "城区"
TOWN = "镇区"
RURAL = "乡村"
URBAN_RURAL: tuple[str, ...] = (URBAN, TOWN, RURAL)

PUBLIC = "公办"
PRIVATE = "民办"
SPONSORS: tuple[str, ...] = (PUBLIC, PRIVATE)

# --- teachers (domain.md §5) --------------------------------------------------------------------

EDUCATION_LEVELS: tuple[str, ...] = ("研究生", "本科", "专科", "中专", "高中及以下")
TITLES: tuple[str, ...] = ("正高级", "高级", "一级", "二级", "三级", "未定级")
NO_BACKBONE = "无"
BACKBONE_LEVELS: tuple[str, ...] = (NO_BACKBONE, "县级", "市级", "省级", "国家级")
SUBJECTS: tuple[str, ...] = (
    "语文",
    "数学",
    "英语",
    "道德与法治",
    "科学",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "体育",
    "音乐",
    "美术",
    "信息技术",
    "心理健康",
    "劳动",
    "综合实践",
    "其他",
)

# Above the required degree: 小学 专科 or higher, 初中 本科 or higher.
QUALIFIED_EDUCATION: Mapping[str, frozenset[str]] = MappingProxyType(
    {"primary": frozenset({"研究生", "本科", "专科"}), "junior": frozenset({"研究生", "本科"})}
)
SENIOR_TITLES = frozenset({"一级", "高级", "正高级"})
BACKBONE_AT_LEAST_COUNTY = frozenset(BACKBONE_LEVELS[1:])
PE_ART_SUBJECTS = frozenset({"体育", "音乐", "美术"})


@dataclass(frozen=True)
class TeacherKind:
    """One way of counting a county's teachers: the roster rows of ``stages`` (and, when
    ``full_time_only``, only those with 是否专任教师 = 是). ``counts`` says so in words."""

    key: str
    label: str
    counts: str
    stages: tuple[str, ...]
    full_time_only: bool


# The three teacher counts the product shows. They differ on purpose, so every page that shows
# one names it with its label (and, where two sit side by side, says what each counts).
STAFF = TeacherKind(
    "staff",
    "教职工（花名册全部）",
    "本学年教师花名册的全部人员，含高中学段和非专任人员",
    STAGE_NAMES,
    False,
)
FULL_TIME = TeacherKind(
    "full_time",
    "专任教师（小学、初中）",
    "花名册中任教小学或初中、“是否专任教师”为“是”的人员；差异系数、生师比、持证上岗率均按此口径",
    COMPULSORY_STAGES,
    True,
)
IN_POST = TeacherKind(
    "in_post",
    "在岗教职工（小学、初中）",
    "花名册中任教小学或初中的全部人员（含非专任）；与核定编制、按标准应配编制对比",
    COMPULSORY_STAGES,
    False,
)
TEACHER_KINDS: Mapping[str, TeacherKind] = MappingProxyType({k.key: k for k in (STAFF, FULL_TIME, IN_POST)})


def counts_as(kind: str, *, stage: str, full_time: bool) -> bool:
    """Whether a roster row of ``stage`` (小学/初中/高中) and ``full_time`` counts in ``kind``."""
    try:
        k = TEACHER_KINDS[kind]
    except KeyError:
        raise ValueError(f"未知的教师口径：{kind}") from None
    return stage in k.stages and (full_time or not k.full_time_only)


def count_teachers(rows: Iterable[tuple[str, bool]]) -> dict[str, int]:
    """Each teacher kind counted over ``(stage, full_time)`` roster rows: {kind key: n}."""
    out = dict.fromkeys(TEACHER_KINDS, 0)
    for (stage, full_time), n in Counter(rows).items():
        for kind in TEACHER_KINDS:
            if counts_as(kind, stage=stage, full_time=full_time):
                out[kind] += n
    return out


# --- class size (班额, domain.md §6) -------------------------------------------------------------

# Standard sizes by stage key; a class above its standard is 超标准班额.
CLASS_SIZE_STANDARD: Mapping[str, int] = MappingProxyType({"primary": 45, "junior": 50})
LARGE_CLASS_MIN = 56  # 56–65 = 大班额
LARGE_CLASS_MAX = 65
SUPER_LARGE_CLASS_MIN = 66  # ≥ 66 = 超大班额

# The bands of one class. They are disjoint; 超标准班额 (OVER_STANDARD) is the union of the three
# bands above the standard, never one of them.
BAND_STANDARD = "standard"
BAND_OVER = "over"  # above the standard, below 56
BAND_LARGE = "large"
BAND_SUPER_LARGE = "super_large"
CLASS_BANDS: tuple[str, ...] = (BAND_STANDARD, BAND_OVER, BAND_LARGE, BAND_SUPER_LARGE)
BAND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        BAND_STANDARD: "标准班额",
        BAND_OVER: "超标准（未达大班额）",
        BAND_LARGE: "大班额",
        BAND_SUPER_LARGE: "超大班额",
    }
)
OVER_STANDARD_BANDS = frozenset({BAND_OVER, BAND_LARGE, BAND_SUPER_LARGE})
OVER_STANDARD_LABEL = "超标准班额"
# One sentence for every page that shows class bands.
CLASS_BAND_NOTE = (
    "超标准班额：小学超过 45 人、初中超过 50 人的班，含其中的大班额（56–65 人）和超大班额（66 人及以上）。"
)


def class_band(stage: str, size: int) -> str:
    """The band of a class of ``size`` students in ``stage`` (小学/初中 or primary/junior)."""
    if size >= SUPER_LARGE_CLASS_MIN:
        return BAND_SUPER_LARGE
    if size >= LARGE_CLASS_MIN:
        return BAND_LARGE
    if size > CLASS_SIZE_STANDARD[stage_key(stage)]:
        return BAND_OVER
    return BAND_STANDARD


def is_over_standard(stage: str, size: int) -> bool:
    """超标准班额: above 45 (小学) / 50 (初中), whatever the band above it."""
    return class_band(stage, size) in OVER_STANDARD_BANDS


@dataclass(frozen=True)
class ClassCounts:
    """Classes counted by band. ``over_standard`` (超标准班额) includes ``large`` and
    ``super_large``; ``over_only`` is the part of it below 56."""

    total: int = 0
    over_only: int = 0
    large: int = 0
    super_large: int = 0

    @property
    def over_standard(self) -> int:
        return self.over_only + self.large + self.super_large

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "over_standard": self.over_standard,
            "over_only": self.over_only,
            "large": self.large,
            "super_large": self.super_large,
        }


def count_classes(classes: Iterable[tuple[str, int]]) -> ClassCounts:
    """Count ``(stage, size)`` pairs by band (see :class:`ClassCounts`)."""
    bands = Counter(class_band(stage, size) for stage, size in classes)
    return ClassCounts(
        total=sum(bands.values()),
        over_only=bands[BAND_OVER],
        large=bands[BAND_LARGE],
        super_large=bands[BAND_SUPER_LARGE],
    )


# --- school size (办学规模) and special rooms ----------------------------------------------------

# Compulsory-education students of one school (teaching points are separate sites and are not
# added to their parent). 完全中学 count their junior part only and are held to the single-stage
# limit, because only that part is compulsory education.
SINGLE_STAGE_SCHOOL_SIZE_LIMIT = 2000
THROUGH_SCHOOL_SIZE_LIMIT = 2500
SCHOOL_SIZE_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        PRIMARY_SCHOOL: SINGLE_STAGE_SCHOOL_SIZE_LIMIT,
        JUNIOR_SCHOOL: SINGLE_STAGE_SCHOOL_SIZE_LIMIT,
        COMPLETE_MIDDLE: SINGLE_STAGE_SCHOOL_SIZE_LIMIT,
        TEACHING_POINT: SINGLE_STAGE_SCHOOL_SIZE_LIMIT,
        NINE_YEAR: THROUGH_SCHOOL_SIZE_LIMIT,
        TWELVE_YEAR: THROUGH_SCHOOL_SIZE_LIMIT,
    }
)

# Music and art rooms: at least one of each per 12 classes; a started group of 12 needs a room
# (provincial texts: "不足12个班的按12个班计"), hence the ceiling.
CLASSES_PER_ART_ROOM = 12


def required_rooms(classes: int) -> int:
    """Music rooms (and, separately, art rooms) a school with ``classes`` classes must have."""
    return math.ceil(classes / CLASSES_PER_ART_ROOM)


# The smallest room that counts as a music / art room (教督〔2017〕6号: 每间音乐专用教室面积不小于
# 96 平方米，每间美术专用教室面积不小于 90 平方米). A smaller room exists but does not count toward
# ⌈classes / 12⌉. The engine, the pages and the forms read these two numbers from here only.
MUSIC_ROOM_MIN_AREA = 96
ART_ROOM_MIN_AREA = 90
ROOM_MIN_AREAS: Mapping[str, int] = MappingProxyType({"music": MUSIC_ROOM_MIN_AREA, "art": ART_ROOM_MIN_AREA})


# --- evaluation schemes -------------------------------------------------------------------------

BASIC_2012 = "basic-2012"
QUALITY_2017 = "quality-2017"
SCHEME_LABELS: Mapping[str, str] = MappingProxyType(
    {BASIC_2012: "2012 基本均衡", QUALITY_2017: "2017 优质均衡"}
)
SCHEMES: tuple[str, ...] = tuple(SCHEME_LABELS)
