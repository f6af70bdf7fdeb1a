"""The site-visit draw (实地核查抽样), pure: the same seed and the same data give the same schools.

An inspection team announces 8–12 schools a few days ahead; a county rehearses by drawing its own.
The draw is made of three kinds of picks, in this order, each with the reason it was drawn:

1. ``weakest``: the N weakest units by the current assessment (fewest indicators reached, then
   the lowest ratio of a value to its standard) — a team always looks where the figures are worst;
2. ``teaching_point``: one teaching point (教学点) when the county has one and none is drawn yet;
3. ``stratum``: the rest at random, stratified by stage group (小学 / 初中 / 一贯制), urban/rural
   (城区 / 镇区 / 乡村) and size (students, tertiles of the county's schools): first one school
   for each stage group, area and size band not yet covered (the school covering the most of
   them), then the remaining slots shared among the strata in proportion to their schools
   (largest remainder, ties by the seed), drawn at random within each stratum.

Every random choice goes through one ``random.Random(seed)`` over candidates in school-code
order, so nothing depends on database order, hash seeds or the clock.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain import numbers
from domain import vocabulary as vocab
from indicators.engine.rules import get_ruleset, reaches

# Stage groups of the stratification: a school's type decides its group.
PRIMARY_GROUP = "小学"
JUNIOR_GROUP = "初中"
THROUGH_GROUP = "一贯制"
STAGE_GROUPS = (PRIMARY_GROUP, JUNIOR_GROUP, THROUGH_GROUP)
_GROUP_OF_TYPE = {
    vocab.PRIMARY_SCHOOL: PRIMARY_GROUP,
    vocab.TEACHING_POINT: PRIMARY_GROUP,
    vocab.JUNIOR_SCHOOL: JUNIOR_GROUP,
    vocab.COMPLETE_MIDDLE: JUNIOR_GROUP,
    vocab.NINE_YEAR: THROUGH_GROUP,
    vocab.TWELVE_YEAR: THROUGH_GROUP,
}
SIZE_BANDS = ("规模较小", "规模中等", "规模较大")

WEAKEST, TEACHING_POINT, STRATUM = "weakest", "teaching_point", "stratum"
KIND_LABELS = {WEAKEST: "薄弱单位必查", TEACHING_POINT: "教学点必查", STRATUM: "分层随机"}


def stage_group(school_type: str) -> str:
    return _GROUP_OF_TYPE.get(school_type, PRIMARY_GROUP)


@dataclass(frozen=True)
class Candidate:
    """A school that may be drawn, as plain data (also what a draw records as its input)."""

    code: str
    name: str
    school_type: str
    area: str  # 城区 / 镇区 / 乡村
    students: int  # compulsory-education students of the draw's year
    # (indicators reached, indicators judged, lowest value/standard ratio) of the school's weakest
    # unit in the current assessment; None when the school is no unit of it (a merged teaching point).
    weakness: tuple[int, int, float] | None = None

    @property
    def group(self) -> str:
        return stage_group(self.school_type)

    @property
    def is_teaching_point(self) -> bool:
        return self.school_type == vocab.TEACHING_POINT

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "school_type": self.school_type,
            "area": self.area,
            "students": self.students,
            "weakness": list(self.weakness) if self.weakness is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Candidate:
        weakness = data.get("weakness")
        return cls(
            code=data["code"],
            name=data["name"],
            school_type=data["school_type"],
            area=data["area"],
            students=int(data["students"]),
            weakness=tuple(weakness) if weakness is not None else None,
        )


@dataclass(frozen=True)
class Pick:
    code: str
    name: str
    kind: str  # WEAKEST / TEACHING_POINT / STRATUM
    stratum: str  # "小学 · 乡村 · 规模较小"
    reason: str  # why it was drawn, in Chinese, as the draw page and the brief print it


# --- weakness by the current assessment ---------------------------------------------------------


def school_weakness(result: Mapping, scheme: str | None = None) -> dict[str, tuple[int, int, float]]:
    """{school code: (reached, judged, lowest ratio)} of each school's weakest unit in a stored
    assessment document.

    Against the per-school standards when the scheme has them (quality-2017); a scheme without
    them (basic-2012) is judged against the county mean of the unit's stage, so "weak" still
    means "furthest below the others". A value that cannot be computed counts as 0.
    """
    rs = get_ruleset(result.get("scheme") or scheme)
    out: dict[str, tuple[int, int, float]] = {}
    for unit in result.get("units", ()):
        stage = unit["stage"]
        reached, judged, lowest = 0, 0, float("inf")
        for ind in rs.indicators:
            if ind.standard:
                line = ind.standard[stage]
            else:
                line = (
                    result.get("stages", {}).get(stage, {}).get("indicators", {}).get(ind.key, {}).get("mean")
                )
            if not line:
                continue
            value = unit["values"].get(ind.key)
            value = 0.0 if value is None else float(value)
            judged += 1
            reached += reaches(value, line)
            lowest = min(lowest, value / line)
        if not judged:
            continue
        key = (reached, judged, lowest)
        code = unit["school_code"]
        if code not in out or _weak_order(key) < _weak_order(out[code]):
            out[code] = key
    return out


def _weak_order(weakness: Sequence) -> tuple[float, float]:
    reached, judged, lowest = weakness
    # Fewest reached first, as a share so a 7-indicator and an 8-indicator scheme compare alike.
    return (reached / judged, lowest)


def weakness_text(weakness: Sequence) -> str:
    reached, judged, lowest = weakness
    return f"达标 {reached}/{judged} 项，最低一项为标准的 {_percent(lowest)}"


def _percent(ratio: float) -> str:
    # Display only: the order used the unrounded ratio.
    return numbers.pct(ratio)


# --- size bands -------------------------------------------------------------------------------


def size_bands(candidates: Iterable[Candidate]) -> dict[str, str]:
    """{code: 规模较小 / 规模中等 / 规模较大}: tertiles of students over the county's schools
    (ordered by students, then code, so equal sizes split the same way every time)."""
    ordered = sorted(candidates, key=lambda c: (c.students, c.code))
    n = len(ordered)
    return {c.code: SIZE_BANDS[min(i * 3 // n, 2)] for i, c in enumerate(ordered)} if n else {}


def stratum_of(candidate: Candidate, bands: Mapping[str, str]) -> tuple[str, str, str]:
    return (candidate.group, candidate.area, bands[candidate.code])


def stratum_label(stratum: Sequence[str]) -> str:
    return " · ".join(stratum)


# --- the draw ---------------------------------------------------------------------------------


def draw(candidates: Iterable[Candidate], *, seed: int, total: int, weakest: int) -> list[Pick]:
    """Draw ``total`` schools (all of them when the county has fewer), ``weakest`` of them the
    weakest units, one a teaching point when there is one; see the module docstring."""
    pool = sorted(candidates, key=lambda c: c.code)
    codes = [c.code for c in pool]
    if len(set(codes)) != len(codes):
        raise ValueError("候选学校的标识码重复")
    rng = random.Random(seed)
    bands = size_bands(pool)
    total = min(total, len(pool))
    picks: list[Pick] = []
    left = list(pool)

    def take(c: Candidate, kind: str, reason: str) -> None:
        picks.append(Pick(c.code, c.name, kind, stratum_label(stratum_of(c, bands)), reason))
        left.remove(c)

    # 1. The weakest units (deterministic: no randomness in what the figures say).
    assessed = sorted(
        (c for c in pool if c.weakness is not None), key=lambda c: (_weak_order(c.weakness), c.code)
    )
    for rank, c in enumerate(assessed[: min(weakest, total)], start=1):
        take(c, WEAKEST, f"当前评估最薄弱单位第 {rank} 名：{weakness_text(c.weakness)}")

    # 2. A teaching point, when the county has one and none is drawn yet.
    by_code = {c.code: c for c in pool}
    points = [c for c in left if c.is_teaching_point]
    if len(picks) < total and points and not any(by_code[p.code].is_teaching_point for p in picks):
        c = rng.choice(points)
        take(c, TEACHING_POINT, f"县内有教学点 {len(points)} 个，必查 1 个，随机抽取")

    # 3a. Cover every stage group, area and size band the county has.
    def values_of(c: Candidate) -> set[tuple[int, str]]:
        return {(i, v) for i, v in enumerate(stratum_of(c, bands))}

    present = {v for c in pool for v in values_of(c)}
    covered = {v for p in picks for v in values_of(by_code[p.code])}
    while len(picks) < total and present - covered:
        missing = present - covered
        best = max(len(values_of(c) & missing) for c in left)
        c = rng.choice([c for c in left if len(values_of(c) & missing) == best])
        newly = sorted(values_of(c) & missing)
        covered |= values_of(c)
        take(c, STRATUM, "分层抽样，补足未覆盖的层：" + "、".join(v for _, v in newly))

    # 3b. The remaining slots, in proportion to each stratum's schools left.
    slots = total - len(picks)
    if slots > 0:
        strata: dict[tuple[str, str, str], list[Candidate]] = {}
        for c in left:
            strata.setdefault(stratum_of(c, bands), []).append(c)
        keys = sorted(strata)
        shares = {k: slots * len(strata[k]) / len(left) for k in keys}
        counts = {k: int(shares[k]) for k in keys}
        tie = {k: rng.random() for k in keys}
        for k in sorted(keys, key=lambda k: (-(shares[k] - counts[k]), tie[k]))[
            : slots - sum(counts.values())
        ]:
            counts[k] += 1
        for k in keys:
            if not counts[k]:
                continue
            for c in sorted(rng.sample(strata[k], counts[k]), key=lambda c: c.code):
                take(
                    c,
                    STRATUM,
                    f"分层随机抽样：{stratum_label(k)} 层共 {len(strata[k])} 所，抽取 {counts[k]} 所",
                )
    return picks


def input_digest(candidates: Iterable[Candidate]) -> str:
    """A fingerprint of the draw's input (candidates in code order), to show that a re-draw used the same data."""
    data = [c.to_dict() for c in sorted(candidates, key=lambda c: c.code)]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
