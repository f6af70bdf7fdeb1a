"""The two evaluation schemes as versioned data (domain.md §2, §6).

A rule set never changes meaning once published: a new official text gets a new key, so stored
assessments keep pointing at the rules they were computed with. Numbers here are the national
ones; values marked [practice] in domain.md are defaults that :class:`EngineSettings` can override.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

# Stages, class sizes, school sizes and rooms live in the shared vocabulary; they are re-exported
# here so that engine callers keep importing them from the rules.
from domain.vocabulary import (  # noqa: F401  (re-exports)
    ART_ROOM_MIN_AREA,
    CLASS_SIZE_STANDARD,
    CLASSES_PER_ART_ROOM,
    LARGE_CLASS_MIN,
    MUSIC_ROOM_MIN_AREA,
    SCHOOL_SIZE_LIMITS,
    SINGLE_STAGE_SCHOOL_SIZE_LIMIT,
    STAGE_BY_LABEL,
    STAGE_KEYS,
    STAGE_LABELS,
    SUPER_LARGE_CLASS_MIN,
    THROUGH_SCHOOL_SIZE_LIMIT,
    StageKey,
    required_rooms,
)

Stage = StageKey
STAGES: tuple[Stage, ...] = STAGE_KEYS

Kind = Literal["teachers", "area", "money", "rooms", "computers", "books"]
# Kinds that can only be added in whole units (a school cannot hire 0.3 teachers).
WHOLE_UNIT_KINDS: frozenset[str] = frozenset({"teachers", "rooms", "computers", "books"})

# Comparisons against a line use a relative tolerance far below any published precision
# (tables print 3 decimals). Without it, data typed exactly at the line can miss it by one
# float ulp: 0.85 × 4.5 is 3.8249999999999997 while 3825 ㎡ / 1000 students is 3.825.
REL_TOL = 1e-9


def floor_line(bound: float) -> float:
    """The lowest value that counts as reaching ``bound`` (see REL_TOL)."""
    return bound - REL_TOL * abs(bound)


def reaches(value: float, bound: float) -> bool:
    """True when ``value ≥ bound`` (a floor such as a per-school standard), exact lines included."""
    return value >= floor_line(bound)


def within(value: float, limit: float) -> bool:
    """True when ``value ≤ limit`` (a ceiling such as a CV threshold), exact lines included."""
    return value <= limit + REL_TOL * abs(limit)


@dataclass(frozen=True)
class Indicator:
    """One indicator of a rule set.

    The value of a unit is ``resource / students × per`` where ``resource`` names a field of
    :class:`~indicators.engine.units.Unit`. ``standard`` is the per-school minimum by stage
    (None when the scheme sets none nationally). ``unit`` is the Chinese unit of the value,
    ``resource_unit`` that of the resource (what a gap plan adds), ``short_label`` the name used
    in reason lines ("初中 体育运动场馆面积 差异系数 0.512 > 0.45").
    """

    key: str
    label: str
    short_label: str
    unit: str
    resource: str
    resource_unit: str
    per: int
    standard: Mapping[str, float] | None
    kind: Kind


@dataclass(frozen=True)
class RuleSet:
    """One evaluation scheme.

    ``cv_rule`` is "composite" (mean of the stage's CVs ≤ threshold, 2012) or "each" (every CV
    ≤ threshold, 2017); ``cv_thresholds`` is by stage. ``per_school_rule`` turns on the
    6-of-7-and-85% rule on units. ``enforce_*`` say whether class size, school size and the
    music/art room ratio fail the verdict (2017) or are only reported (2012).
    """

    key: str
    label: str
    document: str
    indicators: tuple[Indicator, ...]
    cv_rule: Literal["composite", "each"]
    cv_thresholds: Mapping[str, float]
    per_school_rule: bool
    enforce_class_size: bool
    enforce_school_size: bool
    enforce_rooms: bool

    def indicator(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)


def _standard(primary: float, junior: float) -> Mapping[str, float]:
    return MappingProxyType({"primary": primary, "junior": junior})


def _ind(key, label, short_label, unit, resource, resource_unit, per, kind, standard=None) -> Indicator:
    """Positional shorthand so each indicator reads as one table row below."""
    return Indicator(
        key=key,
        label=label,
        short_label=short_label,
        unit=unit,
        resource=resource,
        resource_unit=resource_unit,
        per=per,
        standard=standard,
        kind=kind,
    )


# The indicator tables stay one row per indicator, like the official tables they copy.
# fmt: off
BASIC_2012 = RuleSet(
    key="basic-2012",
    label="2012 基本均衡",
    document="教督〔2012〕3号",
    indicators=(
        _ind("building_area_pp", "生均教学及辅助用房面积", "教学及辅助用房面积", "㎡", "building_area", "㎡", 1, "area"),
        _ind("sports_area_pp", "生均体育运动场馆面积", "体育运动场馆面积", "㎡", "sports_area", "㎡", 1, "area"),
        _ind("equipment_value_pp", "生均教学仪器设备值", "教学仪器设备值", "元", "equipment_value", "元", 1, "money"),
        _ind("computers_per100", "每百名学生拥有计算机台数", "计算机台数", "台", "computers", "台", 100, "computers"),
        _ind("books_pp", "生均图书册数", "图书册数", "册", "books", "册", 1, "books"),
        _ind("teacher_ratio", "师生比", "师生比", "人", "full_time_teachers", "人", 1, "teachers"),
        _ind("qualified_teachers_pp", "生均高于规定学历教师数", "高于规定学历教师数", "人", "qualified_teachers", "人", 1, "teachers"),
        _ind("senior_title_teachers_pp", "生均中级及以上专业技术职务教师数", "中级及以上专业技术职务教师数", "人", "senior_title_teachers", "人", 1, "teachers"),
    ),
    cv_rule="composite",
    cv_thresholds=MappingProxyType({"primary": 0.65, "junior": 0.55}),
    per_school_rule=False,
    enforce_class_size=False,
    enforce_school_size=False,
    enforce_rooms=False,
)

QUALITY_2017 = RuleSet(
    key="quality-2017",
    label="2017 优质均衡",
    document="教督〔2017〕6号",
    indicators=(
        _ind("qualified_teachers_per100", "每百名学生拥有高于规定学历教师数", "高于规定学历教师数", "人", "qualified_teachers", "人", 100, "teachers", _standard(4.2, 5.3)),
        _ind("backbone_teachers_per100", "每百名学生拥有县级以上骨干教师数", "县级以上骨干教师数", "人", "backbone_teachers", "人", 100, "teachers", _standard(1.0, 1.0)),
        _ind("pe_art_teachers_per100", "每百名学生拥有体育、艺术(音乐、美术)专任教师数", "体育艺术专任教师数", "人", "pe_art_teachers", "人", 100, "teachers", _standard(0.9, 0.9)),
        _ind("building_area_pp", "生均教学及辅助用房面积", "教学及辅助用房面积", "㎡", "building_area", "㎡", 1, "area", _standard(4.5, 5.8)),
        _ind("sports_area_pp", "生均体育运动场馆面积", "体育运动场馆面积", "㎡", "sports_area", "㎡", 1, "area", _standard(7.5, 10.2)),
        _ind("equipment_value_pp", "生均教学仪器设备值", "教学仪器设备值", "元", "equipment_value", "元", 1, "money", _standard(2000, 2500)),
        _ind("multimedia_rooms_per100", "每百名学生拥有网络多媒体教室数", "网络多媒体教室数", "间", "multimedia_rooms", "间", 100, "rooms", _standard(2.3, 2.4)),
    ),
    cv_rule="each",
    cv_thresholds=MappingProxyType({"primary": 0.50, "junior": 0.45}),
    per_school_rule=True,
    enforce_class_size=True,
    enforce_school_size=True,
    enforce_rooms=True,
)

# fmt: on

RULESETS: Mapping[str, RuleSet] = MappingProxyType({r.key: r for r in (BASIC_2012, QUALITY_2017)})


def get_ruleset(key: str) -> RuleSet:
    """The rule set for ``key``; ValueError (Chinese message) for an unknown scheme."""
    try:
        return RULESETS[key]
    except KeyError:
        raise ValueError(f"未知的评估方案：{key}（可选：{'、'.join(RULESETS)}）") from None


# Per-school rule of 2017: at least 6 of 7 standards met, any other at ≥ 85% of its standard.
# 6 of 7 is [firm], the 85% margin [practice]; EngineSettings can override both.
DEFAULT_UNIT_RULE_MIN_MET = 6
DEFAULT_UNIT_RULE_MARGIN = 0.85
