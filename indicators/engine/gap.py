"""What it takes to pass: per-school gaps, coefficient plans, and what-if recomputation.

Additions are rounded up to what can actually be added: whole teachers, rooms, computers and
books; ㎡ and 元 to 0.01. Every plan is verified by recomputing with the same functions the
assessment uses, so a plan that claims to pass does pass.

Multi-stage schools (九年一贯制, 十二年一贯制, 完全中学, domain.md §4): their shared physical
resources are split among the parts by student-equivalents, so a part receives only its share of
whatever is added to the school. A plan therefore states the addition to the WHOLE SCHOOL (the
part's need divided by its share, rounded up), and where two parts of one school fall short on the
same resource, the one addition that lifts both (the larger). Teachers are not split: each
belongs to the stage they teach, so teacher additions stay per part. The split of each school
comes from :attr:`~indicators.engine.units.UnitsResult.splits`; without it (``splits=None``)
every unit is treated as a school of its own.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from .units import (
    CHANGEABLE_FIELDS,
    PHYSICAL_FIELDS,
    ClassFacts,
    CountyItem,
    EngineSettings,
    SchoolSplit,
    Unit,
    indicator_value,
)

_CENT = Decimal("0.01")
_ONE = Decimal(1)
# ``stage`` of a change or plan action that adds to the whole school (shared physical resources).
SCHOOL = "school"
# Cross-stage plan rounds: an addition to a school made for one stage's coefficient also reaches
# the school's other part; the other stage is re-planned on top of it until nothing fails.
_MAX_ROUNDS = 6

Splits = Mapping[str, SchoolSplit]


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


def split_of(school_code: str, resource: str, splits: Splits | None) -> SchoolSplit | None:
    """The split through which an addition of ``resource`` reaches the parts of a school: the
    school's :class:`SchoolSplit` for a shared physical resource of a multi-stage school, else
    None (teachers, single-stage schools: the addition goes to the unit itself)."""
    if not splits or resource not in PHYSICAL_FIELDS:
        return None
    return splits.get(school_code)


def _receiver(school_code: str, stage: str, resource: str, splits: Splits | None) -> Callable[[float], float]:
    """What the unit (school_code, stage) receives of an addition made for it."""
    split = split_of(school_code, resource, splits)
    if split is None:
        return lambda amount: amount
    return lambda amount: split.part_of(amount, stage)


def _action_stage(school_code: str, stage: str, resource: str, splits: Splits | None) -> str:
    return SCHOOL if split_of(school_code, resource, splits) is not None else stage


def _minimal_addition(
    resource: float,
    students: int,
    indicator: Indicator,
    standard: float,
    receive: Callable[[float], float] = lambda a: a,
) -> Decimal:
    """Smallest addition (in whole units or 0.01) after which the value reaches ``standard``
    by the same comparison the assessment uses; one step less would not. ``receive`` maps the
    addition to what the unit gets of it (its share, for a school-level addition)."""
    step = _step(indicator)
    share = receive(1.0)
    if share <= 0:
        raise ValueError("该学段分不到全校增加的资源，无法测算")
    amount = max(_ceil_to((standard * students / indicator.per - resource) / share, step), step)

    def enough(a: Decimal) -> bool:
        return reaches(_value(resource + receive(float(a)), students, indicator), standard)

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


def unit_gaps(
    result_or_units: Mapping | Iterable[Unit], ruleset_key: str, splits: Splits | None = None
) -> list[dict]:
    """For each unit and each indicator below its per-school standard, the smallest addition.

    Accepts an :func:`~indicators.engine.assess.assess` result or a list of units, and the
    ``splits`` of the multi-stage schools (:attr:`UnitsResult.splits`). Each row:
    ``school_code, school_name, stage, indicator, label, unit`` (Chinese unit of the resource),
    ``current_value, standard, current_resource``, ``needed_resource`` (standard × students /
    per, the exact total the part needs), ``addition`` (what to add, rounded up: int for
    teachers, rooms, computers, books; 0.01 for ㎡ and 元), ``new_value`` and ``kind``; and:

    - ``school_level``: True when ``addition`` goes to the whole school (a shared physical
      resource of a multi-stage school); ``share`` the fraction of it this part receives,
      ``part_addition`` what the part receives, ``own_addition`` the school-level addition that
      would lift this part alone. For a unit of its own these equal 1, addition, addition.
    - ``lifts``: the stages this one addition lifts (both parts when both fall short on the same
      resource: ``addition`` is then the larger need, the same in both rows) and ``counted``:
      True on exactly one row per addition, the one a total should count.
    - ``change``: the action as {school_code, stage ("school" for the whole school), field,
      delta}, ready for :class:`UnitChange` and :func:`what_if`.

    Rule sets without national per-school standards (basic-2012) give no rows. Units with no
    students are skipped.
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
            receive = _receiver(view.school_code, view.stage, ind.resource, splits)
            own = _minimal_addition(resource, view.students, ind, standard, receive)
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
                    "kind": ind.kind,
                    "school_level": split_of(view.school_code, ind.resource, splits) is not None,
                    "share": receive(1.0),
                    "_own": own,
                    "_ind": ind,
                    "_receive": receive,
                    "_students": view.students,
                }
            )
    # One action per school and resource: where both parts of a school fall short on a shared
    # resource, the larger of their needs lifts both (each part only gains from more).
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        ind = row["_ind"]
        stage = SCHOOL if row["school_level"] else row["stage"]
        groups[(row["school_code"], stage, ind.resource)].append(row)
    for (code, stage, resource), group in groups.items():
        binding = max(group, key=lambda r: r["_own"])  # first of equals: stage order
        addition = binding["_own"]
        for row in group:
            ind = row.pop("_ind")
            receive = row.pop("_receive")
            students = row.pop("_students")
            own = row.pop("_own")
            received = receive(float(addition))
            row.update(
                {
                    "addition": _plain(addition, ind),
                    "part_addition": received if row["school_level"] else _plain(addition, ind),
                    "own_addition": _plain(own, ind),
                    "new_value": _value(row["current_resource"] + received, students, ind),
                    "lifts": [r["stage"] for r in group],
                    "counted": row is binding,
                    "change": {
                        "school_code": code,
                        "stage": stage,
                        "field": resource,
                        "delta": _plain(addition, ind),
                    },
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


# An action target: (school_code, unit stage) for a unit, (school_code, SCHOOL) for a whole school.
Target = tuple[str, str]


@dataclass(frozen=True)
class _Plan:
    floor: float
    additions: tuple[tuple[Unit, Target, Decimal], ...]
    cv: float | None


def _floor_plan(units: Sequence[Unit], ind: Indicator, target: float, splits: Splits | None = None) -> _Plan:
    """Water-filling: raise every unit below a floor L up to L, with L the smallest level whose
    coefficient is ≤ ``target`` (bisection), then round each addition up to whole units/0.01.
    A part of a multi-stage school is raised through an addition to its whole school, of which
    it receives its share (at least what it needs).

    Raising below-mean values only lowers the CV, and CV(L) falls monotonically from the current
    CV (L = lowest value) to 0 (L = highest value), so the bisection is well defined.
    """
    items = sorted(((u, indicator_value(u, ind)) for u in units), key=lambda t: t[1])
    xs = [x for _, x in items]
    total = math.fsum(u.students for u, _ in items)
    step = _step(ind)
    routes = {
        u.key: (
            (u.school_code, _action_stage(u.school_code, u.stage, ind.resource, splits)),
            _receiver(u.school_code, u.stage, ind.resource, splits),
        )
        for u, _ in items
    }
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
        received: dict[tuple[str, str], float] = {}
        for u, x in items:
            if x >= level:
                break
            need = level * u.students / ind.per - getattr(u, ind.resource)
            if need > 0:
                where, receive = routes[u.key]
                share = receive(1.0)
                amount = max(_ceil_to(need / share, step), step)
                # Settle float rounding of the share: the part must receive at least its need.
                while receive(float(amount)) < need:
                    amount += step
                adds.append((u, where, amount))
                received[u.key] = receive(float(amount))
        st = weighted_stats(
            (u.students, _value(getattr(u, ind.resource) + received.get(u.key, 0.0), u.students, ind))
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


def _cv_targets(rs, cvs: Mapping[str, float | None], limit: float) -> dict[str, float]:
    """{indicator key: the CV it must come down to} for one stage, {} when the stage passes."""
    defined = {k: v for k, v in cvs.items() if v is not None}
    if rs.cv_rule == "each":
        return {k: limit for k, v in defined.items() if not within(v, limit)}
    if len(defined) < len(cvs) or within(math.fsum(defined.values()) / len(cvs), limit):
        return {}
    return _composite_caps(defined, limit)


def _with_additions(
    units: Sequence[Unit], added: Mapping[tuple[Target, str], Decimal], splits: Splits | None
) -> list[Unit]:
    """``units`` after the plan's additions (school-level ones reaching each part by its share)."""
    by_code: dict[str, list[tuple[str, str, Decimal]]] = defaultdict(list)
    for ((code, stage), resource), amount in added.items():
        by_code[code].append((stage, resource, amount))
    out = []
    for u in units:
        updates: dict[str, float] = {}
        for stage, resource, amount in by_code.get(u.school_code, ()):
            if stage == SCHOOL:
                got = split_of(u.school_code, resource, splits).part_of(float(amount), u.stage)
            elif stage == u.stage:
                got = float(amount)
            else:
                continue
            updates[resource] = updates.get(resource, getattr(u, resource)) + got
        out.append(replace(u, **updates) if updates else u)
    return out


def cv_plans(units: Iterable[Unit], ruleset_key: str, splits: Splits | None = None) -> list[dict]:
    """Concrete plans that bring failing coefficients under their line.

    quality-2017: one plan per stage and indicator whose CV exceeds the threshold.
    basic-2012: when a stage's composite fails, the highest CVs are capped at a common level
    ``c`` with Σ min(cvᵢ, c) = 8 × threshold, one plan per capped indicator (its ``threshold``
    is that cap). Undefined coefficients (no resource anywhere) get no plan: no floor can be
    derived from nothing; the per-school gaps cover them. Each plan is computed for its
    indicator alone (e.g. hiring a qualified teacher also raises 师生比; that is not counted).

    A part of a multi-stage school is raised by an addition to its whole school (``splits``),
    which also reaches the school's other part, in the other stage. Plans are therefore made in
    rounds: each stage is planned on the units as the additions so far leave them, until no
    coefficient fails; a plan's additions are the sum of its rounds. Applying every plan's
    additions together gives exactly the ``new_cv`` of every plan.

    Each plan: ``indicator, label, stage, kind, unit`` (Chinese unit of the resource),
    ``current_cv, threshold, new_cv`` (recomputed after all plans' rounded additions),
    ``passes`` (new_cv ≤ threshold), ``floor_value`` (the level L), ``total_addition``,
    ``composite_cv``/``composite_cv_after`` (stage mean of CVs before/after all plans), and
    ``schools`` [{school_code, school_name, current_value, addition, part_addition, new_value,
    school_level, change}] (``addition`` to the whole school when ``school_level``, of which the
    part receives ``part_addition``; ``change`` the action for :class:`UnitChange`).
    """
    rs = get_ruleset(ruleset_key)
    base = [u for u in units if u.students > 0]
    by_key = {u.key: u for u in base}
    added: dict[tuple[Target, str], Decimal] = defaultdict(Decimal)
    # (stage, indicator key) -> {target: (unit, amount)}, and its last threshold and floor.
    plan_adds: dict[tuple[str, str], dict[Target, list]] = {}
    plan_meta: dict[tuple[str, str], tuple[float, float]] = {}
    current = base
    for _ in range(_MAX_ROUNDS):
        grew = False
        for stage in STAGES:
            stage_units = [u for u in current if u.stage == stage]
            if not stage_units:
                continue
            cvs_now = _stage_cvs(stage_units, rs.indicators)
            targets = _cv_targets(rs, cvs_now, rs.cv_thresholds[stage])
            # A plan keeps its promise: an addition of the other stage to a shared school may
            # push a planned coefficient back over its cap although the stage as a whole passes.
            for (plan_stage, key), (threshold, _) in plan_meta.items():
                cv = cvs_now.get(key)
                if (
                    plan_stage == stage
                    and key not in targets
                    and cv is not None
                    and not within(cv, threshold)
                ):
                    targets[key] = threshold
            made = False
            for ind in rs.indicators:
                if ind.key not in targets:
                    continue
                plan = _floor_plan(stage_units, ind, targets[ind.key], splits)
                adds = plan_adds.setdefault((stage, ind.key), {})
                plan_meta[(stage, ind.key)] = (targets[ind.key], plan.floor)
                for u, where, amount in plan.additions:
                    entry = adds.setdefault(where, [by_key[u.key], Decimal(0)])
                    entry[1] += amount
                    added[(where, ind.resource)] += amount
                    made = True
            if made:
                grew = True
                current = _with_additions(base, added, splits)
        if not grew:
            break

    plans: list[dict] = []
    for stage in STAGES:
        before_units = [u for u in base if u.stage == stage]
        if not before_units:
            continue
        after_units = [u for u in current if u.stage == stage]
        cvs = _stage_cvs(before_units, rs.indicators)
        after = _stage_cvs(after_units, rs.indicators)
        after_by_key = {u.key: u for u in after_units}
        stage_plans = []
        for ind in rs.indicators:
            if (stage, ind.key) not in plan_adds:
                continue
            threshold, floor = plan_meta[(stage, ind.key)]
            step_total = Decimal(0)
            schools = []
            for (code, where_stage), (u, amount) in plan_adds[(stage, ind.key)].items():
                step_total += amount
                receive = _receiver(code, u.stage, ind.resource, splits)
                schools.append(
                    {
                        "school_code": u.school_code,
                        "school_name": u.school_name,
                        "current_value": indicator_value(u, ind),
                        "addition": _plain(amount, ind),
                        "part_addition": receive(float(amount))
                        if where_stage == SCHOOL
                        else _plain(amount, ind),
                        "school_level": where_stage == SCHOOL,
                        # After every plan: the other stage's additions to this school count too.
                        "new_value": indicator_value(after_by_key[u.key], ind),
                        "change": {
                            "school_code": code,
                            "stage": where_stage,
                            "field": ind.resource,
                            "delta": _plain(amount, ind),
                        },
                    }
                )
            new_cv = after[ind.key]
            stage_plans.append(
                {
                    "indicator": ind.key,
                    "label": ind.label,
                    "stage": stage,
                    "kind": ind.kind,
                    "unit": ind.resource_unit,
                    "current_cv": cvs[ind.key],
                    "threshold": threshold,
                    "new_cv": new_cv,
                    "passes": new_cv is not None and new_cv <= threshold,
                    "floor_value": floor,
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


def plan_changes(gap_rows: Iterable[Mapping] = (), plans: Iterable[Mapping] = ()) -> list[UnitChange]:
    """The actions of a gap plan and/or coefficient plans as :class:`UnitChange` rows, each
    addition once (a school-level addition that lifts two parts is counted once)."""
    changes = [
        UnitChange(**row["change"]) for row in gap_rows if row.get("counted", True) and "change" in row
    ]
    changes += [UnitChange(**s["change"]) for p in plans for s in p["schools"] if "change" in s]
    return changes


@dataclass(frozen=True, slots=True)
class UnitChange:
    """Add ``delta`` (may be negative) to ``field`` of the unit (school_code, stage).

    ``field`` is ``students`` or a resource field of :class:`Unit` (``books``,
    ``building_area``, ``full_time_teachers``, ``qualified_teachers`` …); ``stage`` is
    "primary" or "junior", or "school" for the whole school. A shared physical resource of a
    multi-stage school is always changed for the whole school (whichever of its stages is
    named) and re-split among its parts; a change of a part's students re-splits the school's
    physical resources by the new student-equivalents. Teachers stay with their part.
    """

    school_code: str
    stage: str
    field: str
    delta: float


def _where(change: UnitChange) -> str:
    stage = "全校" if change.stage == SCHOOL else STAGE_LABELS.get(change.stage, change.stage)
    return f"{change.school_code}（{stage}）"


def apply_changes(
    units: Iterable[Unit], changes: Iterable[UnitChange], splits: Splits | None = None
) -> list[Unit]:
    """New units with ``changes`` applied (several changes to one field add up); inputs untouched.

    With ``splits``, physical changes to a multi-stage school go to the whole school and reach
    each part by its share, and a change of students re-splits that school (see
    :class:`UnitChange`). Raises ValueError (Chinese message) for an unknown unit or field, a
    whole-school change of students or teachers, a fractional student delta, or a result below zero.
    """
    units = list(units)
    index = {u.key for u in units}
    by_code: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by_code[u.school_code].append(u)
    deltas: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    school_deltas: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    resplit: set[str] = set()
    for change in changes:
        where = _where(change)
        if change.field not in CHANGEABLE_FIELDS:
            raise ValueError(
                f"{where}：不能调整的字段“{change.field}”（可选：{'、'.join(CHANGEABLE_FIELDS)}）"
            )
        split = split_of(change.school_code, change.field, splits)
        if change.stage == SCHOOL:
            if change.field not in PHYSICAL_FIELDS:
                raise ValueError(f"{where}：在校生和教师须按学段调整，不能按全校调整")
            if split is None:
                own = by_code.get(change.school_code, [])
                if len(own) != 1:
                    raise ValueError(f"找不到单元 {where}")
                deltas[own[0].key][change.field] += change.delta
            else:
                school_deltas[change.school_code][change.field] += change.delta
            continue
        if (change.school_code, change.stage) not in index:
            raise ValueError(f"找不到单元 {where}")
        if change.field == "students" and change.delta != int(change.delta):
            raise ValueError(f"{where}：在校生增减须为整数，收到 {change.delta}")
        if split is not None:
            school_deltas[change.school_code][change.field] += change.delta
            continue
        deltas[(change.school_code, change.stage)][change.field] += change.delta
        if change.field == "students" and splits and change.school_code in splits and change.delta:
            resplit.add(change.school_code)

    # School-level physical changes and re-splits: the part's share of the school total changes;
    # its teaching points merged in keep theirs.
    part_updates: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for code in sorted(set(school_deltas) | resplit):
        split = splits[code]
        changed = school_deltas.get(code, {})
        for name, delta in changed.items():
            if split.resources.get(name, 0.0) + delta < 0:
                raise ValueError(f"{by_code[code][0].school_name}（全校）：调整后 {name} 为负数")
        if code in resplit:
            students = dict(split.students)
            for u in by_code[code]:
                cn = STAGE_LABELS[u.stage]
                students[cn] = students.get(cn, 0) + int(deltas[u.key].get("students", 0))
            for u in by_code[code]:
                for name in PHYSICAL_FIELDS:
                    total = split.resources.get(name, 0.0)
                    part_updates[u.key][name] = (
                        getattr(u, name)
                        - split.part_of(total, u.stage)
                        + split.part_of(total + changed.get(name, 0.0), u.stage, students)
                    )
        else:
            for u in by_code[code]:
                for name, delta in changed.items():
                    # The same one-rounding share the plans use, so a plan applied here lands
                    # exactly where the plan said.
                    part_updates[u.key][name] = getattr(u, name) + split.part_of(delta, u.stage)

    changed_units = []
    for unit in units:
        d = deltas.get(unit.key)
        updates = dict(part_updates.get(unit.key, {}))
        if d:
            for name, delta in d.items():
                updates[name] = updates.get(name, getattr(unit, name)) + delta
            if "students" in updates:
                updates["students"] = int(updates["students"])
        if updates:
            for name, value in updates.items():
                # A share re-split can land a hair below zero through float rounding.
                if value < -1e-9 or (name == "students" and value < unit.merged_students):
                    raise ValueError(
                        f"{unit.school_name}（{STAGE_LABELS[unit.stage]}）：调整后 {name} 为负数"
                    )
                if name != "students" and value < 0:
                    updates[name] = 0.0
            unit = replace(unit, **updates)
        changed_units.append(unit)
    return changed_units


def what_if(
    units: Iterable[Unit],
    changes: Iterable[UnitChange],
    ruleset_key: str,
    classes: Iterable[ClassFacts] = (),
    settings: EngineSettings | None = None,
    county_items: Sequence[CountyItem] = (),
    rooms: Sequence[Mapping] = (),
    splits: Splits | None = None,
    size_units: Sequence[Unit] = (),
) -> dict:
    """The assessment result after ``changes``, computed on copies (inputs are not touched).

    Pass the same ``classes``, ``county_items``, base ``rooms`` (``result["checks"]["rooms"]``)
    and ``size_units`` (schools left out of resource allocation) as the base assessment so that
    only the changes differ; units and ``splits`` come from
    :func:`~indicators.engine.units.build_units` (a change to a multi-stage school's shared
    resources is applied to the whole school and re-split).
    """
    return assess_units(
        apply_changes(units, changes, splits),
        classes,
        ruleset_key,
        settings,
        county_items=county_items,
        rooms=rooms,
        size_units=size_units,
    )
