"""County assessment under one rule set: coefficients, per-school rule, numeric guarantee items.

:func:`assess` returns the JSON document of data-contract §3 without ``county``/``year`` (the
caller adds them), plus these documented extra keys:

- ``scheme``: the rule set key.
- ``warnings``: Chinese strings about data that was left out or not entered (never a verdict).
- ``checks.school_size``: schools whose compulsory-education students exceed the limit,
  ``{code, name, students, limit}``.
- ``checks.rooms``: every school with class and music/art room data,
  ``{code, name, classes, required, music_rooms, art_rooms, music_areas, art_areas, music_ok,
  art_ok, areas_missing, passed}`` (see :func:`room_checks`).
- per unit: ``school_name`` and ``township``.

``stages.<stage>.passed`` is the stage's coefficient rule only (2012: composite; 2017: every CV);
the per-school rule, class size, school size, rooms and county items enter the top-level
``passed``. A stage without units has ``passed`` None and does not fail the county.

The honest verdict (data-contract §3): ``verdict`` is "failed" when anything fails, else
"incomplete" when a required county item has no data (``missing`` lists their keys, in the
order given), else "passed"; ``passed`` is True / False / None accordingly.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from operator import attrgetter

from domain import numbers
from domain.vocabulary import (
    BAND_LARGE,
    BAND_SUPER_LARGE,
    CLASS_SIZE_STANDARD,
    OVER_STANDARD_BANDS,
    STAGE_BY_LABEL,
    class_band,
)

from .rules import (
    ART_ROOM_MIN_AREA,
    MUSIC_ROOM_MIN_AREA,
    SCHOOL_SIZE_LIMITS,
    STAGE_LABELS,
    STAGES,
    Indicator,
    RuleSet,
    floor_line,
    get_ruleset,
    reaches,
    required_rooms,
    within,
)
from .stats import weighted_stats_of
from .units import (
    ClassFacts,
    CountyItem,
    EngineSettings,
    SchoolFacts,
    TeacherGroup,
    Unit,
    build_units,
)

# Bump when a change to the engine could change a result for the same input, so that stored
# assessments keyed by input_fingerprint are recomputed instead of reused.
# 2: gap plans add to the whole multi-stage school; 3: verdict / missing (incomplete county
# items no longer pass).
# 4: reason texts print figures through domain.numbers (grouped counts).
# 5: county items carry their structured inputs (表Ⅳ/表Ⅴ sentences), 29 items.
ENGINE_VERSION = "7"  # 7: unjudgeable class size / rooms leave the verdict incomplete; 6: music/art rooms count only when their area reaches the line


def _fmt_threshold(limit: float) -> str:
    return numbers.cv_limit(limit)


def _fmt_against(value: float, limit: float) -> str:
    """A coefficient that failed ``≤ limit``, with places enough not to print the limit itself
    (0.4504 > 0.45 reads "0.4504 > 0.45", never "0.450 > 0.45")."""
    return numbers.against(value, limit, numbers.CV, at_least=False, passed=False)


@dataclass(frozen=True)
class StageVerdict:
    """Coefficient verdict of one stage: ``cv_passed`` per indicator (None under the composite
    rule), the composite (None if any CV is undefined), ``passed`` and Chinese reasons."""

    cv_passed: Mapping[str, bool | None]
    composite_cv: float | None
    passed: bool
    reasons: tuple[str, ...]


def stage_verdict(ruleset: RuleSet | str, stage: str, cvs: Mapping[str, float | None]) -> StageVerdict:
    """Judge one stage that has units from its CVs (keyed by indicator key).

    Composite rule (2012): the plain mean of all CVs ≤ threshold; one CV may exceed the line.
    Each rule (2017): every CV ≤ threshold; an undefined CV (no resource anywhere) fails.
    A value exactly at the threshold passes.
    """
    rs = get_ruleset(ruleset) if isinstance(ruleset, str) else ruleset
    limit = rs.cv_thresholds[stage]
    stage_cn = STAGE_LABELS[stage]
    values = [cvs[ind.key] for ind in rs.indicators]
    composite = None if any(v is None for v in values) else math.fsum(values) / len(values)
    reasons: list[str] = []
    if rs.cv_rule == "composite":
        cv_passed: dict[str, bool | None] = {ind.key: None for ind in rs.indicators}
        if composite is None:
            undefined = "、".join(ind.short_label for ind in rs.indicators if cvs[ind.key] is None)
            reasons.append(f"{stage_cn} 综合差异系数 无法计算（{undefined} 差异系数未定义，全县该项为 0）")
            passed = False
        else:
            passed = within(composite, limit)
            if not passed:
                reasons.append(
                    f"{stage_cn} 综合差异系数 {_fmt_against(composite, limit)} > {_fmt_threshold(limit)}"
                )
        return StageVerdict(cv_passed, composite, passed, tuple(reasons))
    cv_passed = {}
    for ind in rs.indicators:
        cv = cvs[ind.key]
        ok = cv is not None and within(cv, limit)
        cv_passed[ind.key] = ok
        if cv is None:
            reasons.append(f"{stage_cn} {ind.short_label} 差异系数 未定义（全县该项为 0）")
        elif not ok:
            reasons.append(
                f"{stage_cn} {ind.short_label} 差异系数 {_fmt_against(cv, limit)} > {_fmt_threshold(limit)}"
            )
    return StageVerdict(cv_passed, composite, all(cv_passed.values()), tuple(reasons))


@dataclass(frozen=True)
class UnitCompliance:
    """Per-school rule of one unit: values, ``meets`` per indicator, how many are met, whether
    the unit passes, and the Chinese reason when it does not (``meets``/``passed`` None when the
    rule set has no per-school rule)."""

    values: Mapping[str, float | None]
    meets: Mapping[str, bool] | None
    met: int | None
    passed: bool | None
    reason: str | None


@dataclass(frozen=True)
class _StageRule:
    """One rule set's per-school lines for one stage, resolved once per assessment so that
    15,000 units cost a few comparisons each."""

    stage: str
    values: tuple[tuple[str, str, int], ...]  # (key, resource field, per)
    lines: tuple[tuple[Indicator, float, float], ...] | None  # (indicator, meet at, margin at)
    min_met: int
    margin: float


def _stage_rule(rs: RuleSet, stage: str, settings: EngineSettings) -> _StageRule:
    values = tuple((ind.key, ind.resource, ind.per) for ind in rs.indicators)
    lines = None
    if rs.per_school_rule:
        margin = settings.unit_rule_margin
        lines = tuple(
            (ind, floor_line(ind.standard[stage]), floor_line(margin * ind.standard[stage]))
            for ind in rs.indicators
        )
    return _StageRule(stage, values, lines, settings.unit_rule_min_met, settings.unit_rule_margin)


def _comply(unit: Unit, rule: _StageRule) -> UnitCompliance:
    n = unit.students
    if n > 0:
        # resource × per / students, as indicator_value computes it.
        values = {key: getattr(unit, resource) * per / n for key, resource, per in rule.values}
    else:
        values = dict.fromkeys(key for key, _, _ in rule.values)
    if rule.lines is None:
        return UnitCompliance(values, None, None, None, None)
    meets: dict[str, bool] = {}
    short: list[tuple[Indicator, float]] = []
    for ind, meet_at, margin_at in rule.lines:
        value = values[ind.key]
        ok = value is not None and value >= meet_at
        meets[ind.key] = ok
        if not ok:
            short.append((ind, margin_at))
    met = len(rule.lines) - len(short)
    below_margin = [ind for ind, margin_at in short if values[ind.key] is None or values[ind.key] < margin_at]
    who = f"{unit.school_name}（{STAGE_LABELS[unit.stage]}）"
    reason = None
    if met < rule.min_met:
        reason = f"{who}仅 {met} 项达标（未达标：{'、'.join(ind.short_label for ind, _ in short)}）"
    elif below_margin:
        parts = []
        for ind in below_margin:
            value = values[ind.key] or 0.0
            # Judged below the margin: 84.9998 % prints as such, never "85.0%，低于 85%".
            pct = numbers.pct_against(value / ind.standard[unit.stage], rule.margin, passed=False)
            parts.append(f"{ind.short_label} 为标准的 {pct}")
        reason = f"{who}{'、'.join(parts)}，低于 {numbers.line(numbers.exact(rule.margin) * 100)}%"
    return UnitCompliance(values, meets, met, reason is None, reason)


def unit_compliance(
    unit: Unit, ruleset: RuleSet | str, settings: EngineSettings | None = None
) -> UnitCompliance:
    """Apply the per-school standards to ``unit``.

    Passes when at least ``unit_rule_min_met`` indicators reach their standard and every other
    reaches ``unit_rule_margin`` × standard (values exactly at a line reach it, see
    :func:`~indicators.engine.rules.reaches`). Values are those of :func:`indicator_value`.
    """
    rs = get_ruleset(ruleset) if isinstance(ruleset, str) else ruleset
    return _comply(unit, _stage_rule(rs, unit.stage, settings or EngineSettings()))


def class_counts(classes: Iterable[ClassFacts]) -> dict[str, dict[str, int]]:
    """Per stage: ``total`` classes, ``over_standard`` (超标准班额: > 45 小学 / > 50 初中, 大班额 and
    超大班额 included), ``large`` (56–65) and ``super_large`` (≥ 66); bands of
    :func:`domain.vocabulary.class_band`."""
    # Tally (stage, size) first: a county has ~100 distinct pairs and 100k+ classes.
    tally = Counter(map(attrgetter("stage", "students"), classes))
    counts = {s: {"total": 0, "over_standard": 0, "large": 0, "super_large": 0} for s in STAGES}
    for (stage_cn, size), k in tally.items():
        if stage_cn not in STAGE_BY_LABEL:
            raise ValueError(f"班级学段“{stage_cn}”无效（可选：小学 / 初中）")
        band = class_band(stage_cn, size)
        row = counts[STAGE_BY_LABEL[stage_cn]]
        row["total"] += k
        if band in OVER_STANDARD_BANDS:
            row["over_standard"] += k
        if band == BAND_SUPER_LARGE:
            row["super_large"] += k
        elif band == BAND_LARGE:
            row["large"] += k
    return counts


def school_size_checks(units: Iterable[Unit]) -> list[dict]:
    """Schools whose compulsory-education students exceed their limit, by school code.

    Computed from units (each school's own students, merged teaching points excluded) so that a
    what-if on students moves it too.
    """
    own: dict[str, int] = defaultdict(int)
    first: dict[str, Unit] = {}
    for unit in units:
        own[unit.school_code] += unit.own_students
        first.setdefault(unit.school_code, unit)
    over = []
    for code in sorted(own):
        unit = first[code]
        limit = SCHOOL_SIZE_LIMITS[unit.school_type]
        if own[code] > limit:
            over.append({"code": code, "name": unit.school_name, "students": own[code], "limit": limit})
    return over


def _room_areas(count: int | None, areas: tuple[float, ...] | None) -> list[float] | None:
    """The recorded areas as floats; None when rooms exist but no area was entered. A school
    with 0 rooms has nothing to measure: its (empty) list of areas is complete."""
    if areas:
        return [float(a) for a in areas]
    return [] if count == 0 else None


def room_checks(schools: Iterable[SchoolFacts], classes: Iterable[ClassFacts]) -> list[dict]:
    """Music/art rooms against ⌈classes / 12⌉ for every school with classes and room data.

    A school with neither count recorded is skipped; with one recorded, only that one is judged
    (the other is reported as None; :func:`assess` adds a warning). When the areas of a recorded
    kind are entered, only rooms reaching the line count (music ≥ MUSIC_ROOM_MIN_AREA, art ≥
    ART_ROOM_MIN_AREA): ``music_ok``/``art_ok`` are those rooms. When they are not entered the kind
    is judged on its count, ``*_ok`` is None and ``areas_missing`` is True (the pages say 面积未填报),
    because a county that has not yet measured its rooms must still see the count rule.
    """
    per_school = Counter(map(attrgetter("school_code"), classes))
    rows = []
    for school in sorted(schools, key=lambda s: s.code):
        n = per_school.get(school.code, 0)
        if not n or (school.music_rooms is None and school.art_rooms is None):
            continue
        need = required_rooms(n)
        row = {
            "code": school.code,
            "name": school.name,
            "classes": n,
            "required": need,
            "music_rooms": school.music_rooms,
            "art_rooms": school.art_rooms,
        }
        passed, missing = True, False
        for kind, count, areas, line in (
            ("music", school.music_rooms, school.music_areas, MUSIC_ROOM_MIN_AREA),
            ("art", school.art_rooms, school.art_areas, ART_ROOM_MIN_AREA),
        ):
            listed = _room_areas(count, areas)
            ok = None if listed is None else sum(1 for a in listed if reaches(a, line))
            row[f"{kind}_areas"] = listed
            row[f"{kind}_ok"] = ok
            if count is None:
                continue
            missing = missing or listed is None
            passed = passed and (count if ok is None else ok) >= need
        row["areas_missing"] = missing
        row["passed"] = passed
        rows.append(row)
    return rows


# (key prefix in the rows of room_checks, label, the area a room must reach)
ROOM_KINDS = (("music", "音乐", MUSIC_ROOM_MIN_AREA), ("art", "美术", ART_ROOM_MIN_AREA))


def _rooms_have(row: Mapping, kind: tuple) -> str:
    """What a school has of one kind of room, for a reason line: 音乐 2 间（其中达 96 ㎡ 的 1 间）."""
    key, label, line = kind
    count = row[f"{key}_rooms"]
    if count is None:
        return f"{label}未填"
    ok = row.get(f"{key}_ok")
    if ok is None or ok == count:
        return f"{label} {numbers.count(count)} 间"
    return f"{label} {numbers.count(count)} 间（其中达 {numbers.line(line)} ㎡ 的 {numbers.count(ok)} 间）"


def _empty_stage(rs: RuleSet, stage: str, classes: Mapping[str, int]) -> dict:
    threshold = rs.cv_thresholds[stage] if rs.cv_rule == "each" else None
    return {
        "units": 0,
        "students": 0,
        "indicators": {
            ind.key: {"mean": None, "std": None, "cv": None, "cv_threshold": threshold, "cv_passed": None}
            for ind in rs.indicators
        },
        "composite_cv": None,
        "passed": None,
        "classes": dict(classes),
    }


PASSED, FAILED, INCOMPLETE = "passed", "failed", "incomplete"

# Keys of the school-data checks that can be missing (beside county item keys in ``missing``);
# the same keys name 表Ⅳ-3 and 表Ⅳ-5 in indicators.form_items.
ROOMS_CHECK, CLASS_SIZE_CHECK = "music_art_rooms", "class_size"
CHECK_LABELS = {
    ROOMS_CHECK: "各校音乐、美术专用教室数（办学条件）",
    CLASS_SIZE_CHECK: "班级学生数（班级名单）",
}


def verdict_of(*, failed: bool, missing: Sequence[str]) -> tuple[str, bool | None]:
    """(verdict, passed): anything failing fails, whatever is missing; otherwise missing
    required data leaves the verdict incomplete (passed None), never passed."""
    if failed:
        return FAILED, False
    if missing:
        return INCOMPLETE, None
    return PASSED, True


def assess_units(
    units: Iterable[Unit],
    classes: Iterable[ClassFacts],
    ruleset_key: str,
    settings: EngineSettings | None = None,
    *,
    county_items: Sequence[CountyItem] = (),
    rooms: Sequence[Mapping] = (),
    warnings: Sequence[str] = (),
    size_units: Sequence[Unit] = (),
) -> dict:
    """Assess already-built units; :func:`assess` and :func:`~indicators.engine.gap.what_if` share it.

    ``classes`` are the classes of every school; ``rooms`` the rows of :func:`room_checks`
    (the what-if reuses the base ones: its changes cannot touch rooms); ``size_units`` the
    units of schools left out of resource allocation (:attr:`UnitsResult.size_units`), which
    only the school-size check reads; ``warnings`` are carried into the result first. Units with 0 or fewer students are left
    out with a warning. Raises ValueError on two units with the same (school_code, stage).
    """
    rs = get_ruleset(ruleset_key)
    settings = settings or EngineSettings()
    warnings = list(warnings)
    kept: list[Unit] = []
    seen: set[tuple[str, str]] = set()
    for unit in units:
        if unit.key in seen:
            raise ValueError(f"单元重复：{unit.school_code}（{STAGE_LABELS[unit.stage]}）")
        seen.add(unit.key)
        if unit.students <= 0:
            warnings.append(
                f"{unit.school_name}（{unit.school_code}）{STAGE_LABELS[unit.stage]}部分在校生为 0，未计入差异系数"
            )
            continue
        kept.append(unit)
    kept.sort(key=lambda u: (STAGES.index(u.stage), u.school_code))

    reasons: list[str] = []
    passed = True
    counts = class_counts(classes)
    stages_out: dict[str, dict] = {}
    unit_rows: list[dict] = []
    unit_reasons: list[str] = []
    for stage in STAGES:
        stage_units = [u for u in kept if u.stage == stage]
        if not stage_units:
            stages_out[stage] = _empty_stage(rs, stage, counts[stage])
            continue
        rule = _stage_rule(rs, stage, settings)
        compliance = [_comply(u, rule) for u in stage_units]
        students = [u.students for u in stage_units]
        cvs: dict[str, float | None] = {}
        indicators_out: dict[str, dict] = {}
        for ind in rs.indicators:
            st = weighted_stats_of(students, [c.values[ind.key] for c in compliance])
            cvs[ind.key] = st.cv
            indicators_out[ind.key] = {"mean": st.mean, "std": st.std, "cv": st.cv}
        verdict = stage_verdict(rs, stage, cvs)
        threshold = rs.cv_thresholds[stage] if rs.cv_rule == "each" else None
        for ind in rs.indicators:
            indicators_out[ind.key]["cv_threshold"] = threshold
            indicators_out[ind.key]["cv_passed"] = verdict.cv_passed[ind.key]
        reasons.extend(verdict.reasons)
        passed = passed and verdict.passed
        stages_out[stage] = {
            "units": len(stage_units),
            "students": sum(u.students for u in stage_units),
            "indicators": indicators_out,
            "composite_cv": verdict.composite_cv,
            "passed": verdict.passed,
            "classes": counts[stage],
        }
        for unit, c in zip(stage_units, compliance, strict=True):
            unit_rows.append(
                {
                    "school_code": unit.school_code,
                    "school_name": unit.school_name,
                    "township": unit.township,
                    "stage": unit.stage,
                    "students": unit.students,
                    "values": dict(c.values),
                    "meets": None if c.meets is None else dict(c.meets),
                    "passed": c.passed,
                }
            )
            if c.reason:
                unit_reasons.append(c.reason)
    if not kept:
        reasons.append("没有可评估的学校单元（小学、初中均无在校生）")
        passed = False

    if rs.per_school_rule and unit_reasons:
        reasons.extend(unit_reasons)
        passed = False

    size_rows = school_size_checks([*kept, *size_units])
    for stage in STAGES:
        over = counts[stage]["over_standard"]
        if over and rs.enforce_class_size:
            reasons.append(f"{STAGE_LABELS[stage]} 有 {over} 个班超过 {CLASS_SIZE_STANDARD[stage]} 人")
            passed = False
    if size_rows and rs.enforce_school_size:
        passed = False
        reasons.extend(
            f"{r['name']}（{r['code']}）义务教育在校生 {numbers.count(r['students'])} 人，"
            f"超过 {numbers.count(r['limit'])} 人"
            for r in size_rows
        )
    failing_rooms = [r for r in rooms if not r["passed"]]
    if failing_rooms and rs.enforce_rooms:
        passed = False
        for r in failing_rooms:
            have = "、".join(_rooms_have(r, kind) for kind in ROOM_KINDS)
            reasons.append(
                f"{r['name']}（{r['code']}）{r['classes']} 个班，音乐、美术专用教室各需 {r['required']} 间，现有{have}"
            )

    missing: list[str] = []
    for item in county_items:
        if item.passed is False:
            passed = False
            reasons.append(f"{item.label} 未达标" + (f"：{item.detail}" if item.detail else ""))
        elif item.passed is None:
            missing.append(item.key)
            warnings.append(f"{item.label} 未录入")
    # A check the rule set enforces but the data cannot judge (no classes imported, no school with
    # music/art room counts) leaves the verdict incomplete, as a county item without data does:
    # an unjudged rule must never read as passed (表Ⅳ-3/5 print 未录入 for the same reason).
    if rs.enforce_class_size and not any(counts[s]["total"] for s in STAGES):
        missing.append(CLASS_SIZE_CHECK)
        warnings.append(f"{CHECK_LABELS[CLASS_SIZE_CHECK]} 未录入")
    if rs.enforce_rooms and not rooms:
        missing.append(ROOMS_CHECK)
        warnings.append(f"{CHECK_LABELS[ROOMS_CHECK]} 未录入")
    verdict, top_passed = verdict_of(failed=not passed, missing=missing)

    return {
        "scheme": rs.key,
        "passed": top_passed,
        "verdict": verdict,
        "missing": missing,
        "reasons": reasons,
        "stages": stages_out,
        "units": unit_rows,
        "warnings": warnings,
        "checks": {"school_size": size_rows, "rooms": [dict(r) for r in rooms]},
    }


def assess(
    schools: Iterable[SchoolFacts],
    teachers: Iterable[TeacherGroup],
    classes: Iterable[ClassFacts],
    ruleset_key: str,
    settings: EngineSettings | None = None,
    county_items: Sequence[CountyItem] = (),
) -> dict:
    """Assess a county from its facts (see the module docstring for the returned shape).

    Class size, school size and the music/art rooms cover every school, also those the settings
    leave out of resource allocation (private schools, small teaching points); classes of unknown
    schools are left out with a warning. All numbers are unrounded.
    """
    settings = settings or EngineSettings()
    get_ruleset(ruleset_key)  # fail on an unknown scheme before doing any work
    schools = list(schools)
    built = build_units(schools, teachers, settings)
    warnings = list(built.warnings)
    known = {s.code for s in schools}
    classes = list(classes)
    scoped = [c for c in classes if c.school_code in known]
    unknown: Counter[str] = Counter()
    if len(scoped) != len(classes):
        unknown.update(c.school_code for c in classes if c.school_code not in known)
    for code, n in sorted(unknown.items()):
        warnings.append(f"班级数据中的学校标识码 {code} 不在学校名单中，{n} 个班未计入")
    rooms = room_checks(schools, scoped)
    for row in rooms:
        for label, n in (("音乐", row["music_rooms"]), ("美术", row["art_rooms"])):
            if n is None:
                warnings.append(f"{row['name']}（{row['code']}）未填报{label}专用教室数")
    unmeasured = [f"{r['name']}（{r['code']}）" for r in rooms if r["areas_missing"]]
    if unmeasured:
        warnings.append(
            f"未填报音乐、美术专用教室面积的学校 {len(unmeasured)} 所（按教室间数判断）：{'、'.join(unmeasured)}"
        )
    return assess_units(
        built.units,
        scoped,
        ruleset_key,
        settings,
        county_items=county_items,
        rooms=rooms,
        warnings=warnings,
        size_units=built.size_units,
    )


def _canon(value):
    """JSON value with one spelling per number: 5, 5.0 and Decimal("5.00") hash alike."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_canon(v) for v in value]
    raise TypeError(f"无法生成指纹的值：{value!r}")


def _rows(items: Iterable, cls: type) -> list[tuple]:
    """Rows of dataclass ``items`` as tuples in field order, numbers as floats.

    Built column-wise (attrgetter + transposition run in C) because a county's roster and
    classes are 300k+ rows and the fingerprint must stay much cheaper than the assessment.
    """
    names = [f.name for f in fields(cls)]
    rows = list(map(attrgetter(*names), items))
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    for i, column in enumerate(columns):
        sample = next((v for v in column if v is not None), None)
        if isinstance(sample, int | float | Decimal) and not isinstance(sample, bool):
            # One spelling per number: 5, 5.0 and Decimal("5.00") hash alike.
            columns[i] = [None if v is None else float(v) for v in column]
        elif isinstance(sample, tuple | list):  # room areas: a list of numbers per school
            columns[i] = [None if v is None else [float(x) for x in v] for v in column]
    return list(zip(*columns, strict=True))


def _ruleset_data(rs: RuleSet) -> dict:
    return {
        "key": rs.key,
        "cv_rule": rs.cv_rule,
        "cv_thresholds": dict(rs.cv_thresholds),
        "per_school_rule": rs.per_school_rule,
        "enforce": [rs.enforce_class_size, rs.enforce_school_size, rs.enforce_rooms],
        "room_areas": [MUSIC_ROOM_MIN_AREA, ART_ROOM_MIN_AREA],
        "indicators": [
            [i.key, i.resource, i.per, None if i.standard is None else dict(i.standard)]
            for i in rs.indicators
        ],
    }


def input_fingerprint(
    schools: Iterable[SchoolFacts],
    teachers: Iterable[TeacherGroup],
    classes: Iterable[ClassFacts],
    ruleset_key: str,
    settings: EngineSettings | None = None,
    county_items: Sequence[CountyItem] = (),
) -> str:
    """sha256 hex of a canonical JSON of everything :func:`assess` depends on.

    Equal fingerprints mean an equal result, so a stored assessment can be reused: row order
    does not matter (rows are sorted; the engine itself is order-independent), numbers are
    compared by value, and the engine version and the rule set's numbers are included so a
    change of rules invalidates old fingerprints. Pass ``county_items`` when they will be passed
    to :func:`assess`.
    """
    settings = settings or EngineSettings()
    document = {
        "engine": ENGINE_VERSION,
        "ruleset": _ruleset_data(get_ruleset(ruleset_key)),
        "settings": _canon(settings.to_dict()),
        "schools": sorted(_rows(schools, SchoolFacts), key=lambda r: r[0]),
        "teachers": sorted(_rows(teachers, TeacherGroup)),
        "classes": sorted(_rows(classes, ClassFacts)),
        "county_items": sorted(_rows(county_items, CountyItem), key=lambda r: r[0]),
    }
    # ASCII escapes keep the text canonical and are the encoder's fastest path.
    # The document is a tree built above, so the encoder's cycle check is pure overhead.
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=False, check_circular=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
