"""What it takes to pass: per-school gaps, coefficient plans, and what-if recomputation.

Additions are rounded up to what can actually be added: whole teachers, rooms, computers and
books; ㎡ and 元 to 0.01. Every plan is verified by recomputing with the same functions the
assessment uses, so a plan that claims to pass does pass.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal

from .assess import assess_units
from .rules import (
    STAGE_LABELS,
    STAGES,
    WHOLE_UNIT_KINDS,
    Indicator,
    get_ruleset,
    reaches,
    within,
)
from .stats import weighted_stats
from .units import CHANGEABLE_FIELDS, ClassFacts, CountyItem, EngineSettings, Unit, indicator_value

_CENT = Decimal("0.01")
_ONE = Decimal(1)


def _step(indicator: Indicator) -> Decimal:
    return _ONE if indicator.kind in WHOLE_UNIT_KINDS else _CENT


def _ceil_to(amount: float, step: Decimal) -> Decimal:
    return (
        Decimal(repr(amount)).quantize(step, rounding=ROUND_CEILING)
        if step == _CENT
        else Decimal(math.ceil(amount))
    )


def _plain(amount: Decimal, indicator: Indicator) -> int | float:
    """Addition as JSON-friendly number: int for whole-unit kinds, float (2 decimals) otherwise."""
    return int(amount) if indicator.kind in WHOLE_UNIT_KINDS else float(amount)


def _value(resource: float, students: int, indicator: Indicator) -> float:
    return resource * indicator.per / students


def _minimal_addition(resource: float, students: int, indicator: Indicator, standard: float) -> Decimal:
    """Smallest addition (in whole units or 0.01) after which the value reaches ``standard``
    by the same comparison the assessment uses; one step less would not."""
    step = _step(indicator)
    amount = max(_ceil_to(standard * students / indicator.per - resource, step), step)

    def enough(a: Decimal) -> bool:
        return reaches(_value(resource + float(a), students, indicator), standard)

    # The first guess can be one step off either way through float rounding; settle it exactly.
    while not enough(amount):
        amount += step
    while amount > step and enough(amount - step):
        amount -= step
    return amount


@dataclass(frozen=True)
class _UnitView:
    school_code: str
    school_name: str
    stage: str
    students: int
    resources: Mapping[str, float]


def _views(result_or_units, indicators: Sequence[Indicator]) -> list[_UnitView]:
    if isinstance(result_or_units, Mapping):
        views = []
        for row in result_or_units["units"]:
            n = row["students"]
            resources = {}
            for ind in indicators:
                value = row["values"].get(ind.key)
                # An assessment row keeps values, not resources: recover resource = value × students / per.
                resources[ind.resource] = None if value is None else value * n / ind.per
            views.append(
                _UnitView(row["school_code"], row.get("school_name", ""), row["stage"], n, resources)
            )
        return views
    return [
        _UnitView(
            u.school_code,
            u.school_name,
            u.stage,
            u.students,
            {i.resource: getattr(u, i.resource) for i in indicators},
        )
        for u in result_or_units
    ]


def unit_gaps(result_or_units: Mapping | Iterable[Unit], ruleset_key: str) -> list[dict]:
    """For each unit and each indicator below its per-school standard, the smallest addition.

    Accepts an :func:`~indicators.engine.assess.assess` result or a list of units. Each row:
    ``school_code, school_name, stage, indicator, label, unit`` (Chinese unit of the resource),
    ``current_value, standard, current_resource``, ``needed_resource`` (standard × students /
    per, the exact total the standard asks for), ``addition`` (rounded up: int for teachers,
    rooms, computers, books; 0.01 for ㎡ and 元), ``new_value`` and ``kind``. Rule sets without
    national per-school standards (basic-2012) give no rows. Units with no students are skipped.
    """
    rs = get_ruleset(ruleset_key)
    indicators = [ind for ind in rs.indicators if ind.standard is not None]
    if not indicators:
        return []
    rows = []
    for view in _views(result_or_units, indicators):
        if view.students <= 0:
            continue
        for ind in indicators:
            standard = ind.standard[view.stage]
            resource = view.resources[ind.resource] or 0.0
            value = _value(resource, view.students, ind)
            if reaches(value, standard):
                continue
            addition = _minimal_addition(resource, view.students, ind, standard)
            rows.append(
                {
                    "school_code": view.school_code,
                    "school_name": view.school_name,
                    "stage": view.stage,
                    "indicator": ind.key,
                    "label": ind.label,
                    "unit": ind.resource_unit,
                    "current_value": value,
                    "standard": standard,
                    "current_resource": resource,
                    "needed_resource": standard * view.students / ind.per,
                    "addition": _plain(addition, ind),
                    "new_value": _value(resource + float(addition), view.students, ind),
                    "kind": ind.kind,
                }
            )
    return rows


def _composite_caps(cvs: Mapping[str, float], limit: float) -> dict[str, float]:
    """Common cap ``c`` for the highest CVs so that the mean of all CVs equals ``limit``:
    Σ min(cvᵢ, c) = n × limit. Returns {indicator key: c} for the CVs above ``c``."""
    ordered = sorted(cvs.items(), key=lambda kv: kv[1])
    n = len(ordered)
    budget = n * limit
    for m in range(1, n + 1):  # m = how many of the highest CVs are capped
        low = ordered[: n - m]
        cap = (budget - math.fsum(v for _, v in low)) / m
        if not low or cap >= low[-1][1]:
            return {key: cap for key, value in ordered[n - m :] if value > cap}
    return {}


@dataclass(frozen=True)
class _Plan:
    floor: float
    additions: tuple[tuple[Unit, Decimal], ...]
    cv: float | None


def _floor_plan(units: Sequence[Unit], ind: Indicator, target: float) -> _Plan:
    """Water-filling: raise every unit below a floor L up to L, with L the smallest level whose
    coefficient is ≤ ``target`` (bisection), then round each addition up to whole units/0.01.

    Raising below-mean values only lowers the CV, and CV(L) falls monotonically from the current
    CV (L = lowest value) to 0 (L = highest value), so the bisection is well defined.
    """
    items = sorted(((u, indicator_value(u, ind)) for u in units), key=lambda t: t[1])
    xs = [x for _, x in items]
    total = math.fsum(u.students for u, _ in items)
    # Prefix sums of weights, w·x and w·x² over the sorted values make CV(L) an O(log n) query.
    cum_w, cum_wx, cum_wxx = [0.0], [0.0], [0.0]
    for u, x in items:
        w = u.students / total
        cum_w.append(cum_w[-1] + w)
        cum_wx.append(cum_wx[-1] + w * x)
        cum_wxx.append(cum_wxx[-1] + w * x * x)
    wx, wxx = cum_wx[-1], cum_wxx[-1]

    def cv_at(level: float) -> float:
        k = bisect_left(xs, level)
        mean = cum_w[k] * level + (wx - cum_wx[k])
        second = cum_w[k] * level * level + (wxx - cum_wxx[k])
        return math.sqrt(max(second - mean * mean, 0.0)) / mean

    def rounded(level: float) -> _Plan:
        adds = []
        for u, x in items:
            if x >= level:
                break
            need = level * u.students / ind.per - getattr(u, ind.resource)
            if need > 0:
                adds.append((u, _ceil_to(need, _step(ind))))
        added = {u.key: float(a) for u, a in adds}
        st = weighted_stats(
            (u.students, _value(getattr(u, ind.resource) + added.get(u.key, 0.0), u.students, ind))
            for u, _ in items
        )
        return _Plan(level, tuple(adds), st.cv)

    # The prefix-sum CV is approximate in its last digits; aiming a hair below the target keeps
    # the recomputed (two-pass) CV at or under it.
    goal = target * (1 - 1e-9)
    lo, hi = xs[0], xs[-1]
    for _ in range(200):
        if hi - lo <= 1e-12 * max(1.0, abs(hi)):
            break
        mid = (lo + hi) / 2
        if cv_at(mid) <= goal:
            hi = mid
        else:
            lo = mid
    plan = rounded(hi)
    if plan.cv is not None and plan.cv > target:
        # Rounding should only lower the CV; should it not, search the rounded plans themselves.
        lo, top = hi, xs[-1]
        best = rounded(top)
        for _ in range(100):
            if best.cv is None or best.cv > target or top - lo <= 1e-12 * max(1.0, abs(top)):
                break
            mid = (lo + top) / 2
            candidate = rounded(mid)
            if candidate.cv is not None and candidate.cv <= target:
                top, best = mid, candidate
            else:
                lo = mid
        plan = best
    return plan


def _stage_cvs(units: Sequence[Unit], indicators: Sequence[Indicator]) -> dict[str, float | None]:
    return {
        ind.key: weighted_stats((u.students, indicator_value(u, ind)) for u in units).cv for ind in indicators
    }


def cv_plans(units: Iterable[Unit], ruleset_key: str) -> list[dict]:
    """Concrete plans that bring failing coefficients under their line.

    quality-2017: one plan per stage and indicator whose CV exceeds the threshold.
    basic-2012: when a stage's composite fails, the highest CVs are capped at a common level
    ``c`` with Σ min(cvᵢ, c) = 8 × threshold, one plan per capped indicator (its ``threshold``
    is that cap). Undefined coefficients (no resource anywhere) get no plan: no floor can be
    derived from nothing; the per-school gaps cover them. Each plan is computed for its
    indicator alone (e.g. hiring a qualified teacher also raises 师生比; that is not counted).

    Each plan: ``indicator, label, stage, kind, unit`` (Chinese unit of the resource),
    ``current_cv, threshold, new_cv`` (recomputed after the rounded additions), ``passes``
    (new_cv ≤ threshold), ``floor_value`` (the level L), ``total_addition``,
    ``composite_cv``/``composite_cv_after`` (stage mean of CVs before/after all of the stage's
    plans), and ``schools`` [{school_code, school_name, current_value, addition, new_value}].
    """
    rs = get_ruleset(ruleset_key)
    units = [u for u in units if u.students > 0]
    plans: list[dict] = []
    for stage in STAGES:
        stage_units = [u for u in units if u.stage == stage]
        if not stage_units:
            continue
        cvs = _stage_cvs(stage_units, rs.indicators)
        limit = rs.cv_thresholds[stage]
        defined = {k: v for k, v in cvs.items() if v is not None}
        if rs.cv_rule == "each":
            targets = {k: limit for k, v in defined.items() if not within(v, limit)}
        else:
            if len(defined) < len(cvs) or within(math.fsum(defined.values()) / len(cvs), limit):
                continue
            targets = _composite_caps(defined, limit)
        stage_plans = []
        after = dict(cvs)
        for ind in rs.indicators:
            if ind.key not in targets:
                continue
            target = targets[ind.key]
            plan = _floor_plan(stage_units, ind, target)
            after[ind.key] = plan.cv
            step_total = sum((a for _, a in plan.additions), Decimal(0))
            schools = []
            for u, a in plan.additions:
                current = indicator_value(u, ind)
                schools.append(
                    {
                        "school_code": u.school_code,
                        "school_name": u.school_name,
                        "current_value": current,
                        "addition": _plain(a, ind),
                        "new_value": _value(getattr(u, ind.resource) + float(a), u.students, ind),
                    }
                )
            stage_plans.append(
                {
                    "indicator": ind.key,
                    "label": ind.label,
                    "stage": stage,
                    "kind": ind.kind,
                    "unit": ind.resource_unit,
                    "current_cv": cvs[ind.key],
                    "threshold": target,
                    "new_cv": plan.cv,
                    "passes": plan.cv is not None and plan.cv <= target,
                    "floor_value": plan.floor,
                    "total_addition": _plain(step_total, ind),
                    "schools": schools,
                }
            )
        values = list(after.values())
        composite_before = None if None in cvs.values() else math.fsum(cvs.values()) / len(cvs)
        composite_after = None if None in values else math.fsum(values) / len(values)
        for p in stage_plans:
            p["composite_cv"] = composite_before
            p["composite_cv_after"] = composite_after
        plans.extend(stage_plans)
    return plans


@dataclass(frozen=True, slots=True)
class UnitChange:
    """Add ``delta`` (may be negative) to ``field`` of the unit (school_code, stage).

    ``field`` is ``students`` or a resource field of :class:`Unit` (``books``,
    ``building_area``, ``full_time_teachers``, ``qualified_teachers`` …); ``stage`` is
    "primary" or "junior".
    """

    school_code: str
    stage: str
    field: str
    delta: float


def apply_changes(units: Iterable[Unit], changes: Iterable[UnitChange]) -> list[Unit]:
    """New units with ``changes`` applied (several changes to one field add up); inputs untouched.

    Raises ValueError (Chinese message) for an unknown unit or field, a fractional student
    delta, or a result below zero.
    """
    units = list(units)
    index = {u.key for u in units}
    deltas: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for change in changes:
        where = f"{change.school_code}（{STAGE_LABELS.get(change.stage, change.stage)}）"
        if change.field not in CHANGEABLE_FIELDS:
            raise ValueError(
                f"{where}：不能调整的字段“{change.field}”（可选：{'、'.join(CHANGEABLE_FIELDS)}）"
            )
        if (change.school_code, change.stage) not in index:
            raise ValueError(f"找不到单元 {where}")
        if change.field == "students" and change.delta != int(change.delta):
            raise ValueError(f"{where}：在校生增减须为整数，收到 {change.delta}")
        deltas[(change.school_code, change.stage)][change.field] += change.delta
    changed = []
    for unit in units:
        d = deltas.get(unit.key)
        if d:
            updates = {name: getattr(unit, name) + delta for name, delta in d.items()}
            if "students" in updates:
                updates["students"] = int(updates["students"])
            for name, value in updates.items():
                if value < 0 or (name == "students" and value < unit.merged_students):
                    raise ValueError(
                        f"{unit.school_name}（{STAGE_LABELS[unit.stage]}）：调整后 {name} 为负数"
                    )
            unit = replace(unit, **updates)
        changed.append(unit)
    return changed


def what_if(
    units: Iterable[Unit],
    changes: Iterable[UnitChange],
    ruleset_key: str,
    classes: Iterable[ClassFacts] = (),
    settings: EngineSettings | None = None,
    county_items: Sequence[CountyItem] = (),
    rooms: Sequence[Mapping] = (),
) -> dict:
    """The assessment result after ``changes``, computed on copies (inputs are not touched).

    Pass the same ``classes``, ``county_items`` and base ``rooms`` (``result["checks"]["rooms"]``)
    as the base assessment so that only the changes differ; units come from
    :func:`~indicators.engine.units.build_units`.
    """
    return assess_units(
        apply_changes(units, changes),
        classes,
        ruleset_key,
        settings,
        county_items=county_items,
        rooms=rooms,
    )
