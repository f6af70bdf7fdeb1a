"""Builders shared by the engine tests: plain facts and units with chosen coefficients.

Named engine_factories (not factories) because tests/ has no __init__ files and a module name
must be unique across the whole test tree.
"""

from __future__ import annotations

import math

from indicators.engine import RULESETS, SchoolFacts, TeacherGroup, Unit


def school(
    code: str, school_type: str = "小学", *, primary: int = 0, junior: int = 0, senior: int = 0, **kw
) -> SchoolFacts:
    """A school with sensible defaults; ``kw`` sets any other SchoolFacts field."""
    fields = {"name": f"学校{code}", "township": "城关镇", "urban_rural": "城区"}
    fields.update(kw)
    return SchoolFacts(
        code=code,
        school_type=school_type,
        primary_students=primary,
        junior_students=junior,
        senior_students=senior,
        **fields,
    )


def teachers(
    code: str,
    stage: str,
    count: int,
    *,
    full_time: bool = True,
    education: str = "专科",
    title: str = "二级",
    backbone: str = "无",
    subject: str = "语文",
) -> TeacherGroup:
    """A roster group; the defaults classify as nothing but a full-time teacher of 初中
    (专科 is qualified for 小学 only)."""
    return TeacherGroup(code, stage, full_time, education, title, backbone, subject, count)


def unit(code: str, stage: str = "primary", students: int = 100, **resources) -> Unit:
    """A unit of a single-stage school; ``resources`` sets resource fields."""
    school_type = "小学" if stage == "primary" else "初中"
    return Unit(
        school_code=code,
        school_name=f"学校{code}",
        township="城关镇",
        urban_rural="城区",
        school_type=school_type,
        stage=stage,
        students=students,
        **resources,
    )


# Two units of 300 and 100 students with values m(1 − c/√3) and m(1 + c·√3) have weighted mean
# m and weighted SD m·c, so every coefficient can be set exactly (for any c < √3).
BIG, SMALL = 300, 100


def units_with_cvs(
    stage: str, cvs_by_resource: dict[str, float], base: dict[str, float] | None = None
) -> list[Unit]:
    """Two units whose coefficient on each resource field is the given CV.

    ``base`` is the weighted mean value (per student, before × per) by resource; by default twice
    the quality-2017 standard so both units meet every per-school standard, else 10.
    """
    base = base or {}
    per = {ind.resource: ind.per for rs in RULESETS.values() for ind in rs.indicators}
    standards = {
        ind.resource: ind.standard[stage]
        for ind in RULESETS["quality-2017"].indicators
        if ind.standard is not None
    }
    big: dict[str, float] = {}
    small: dict[str, float] = {}
    for resource, cv in cvs_by_resource.items():
        m = base.get(resource, 2 * standards.get(resource, 5.0))
        low, high = m * (1 - cv / math.sqrt(3)), m * (1 + cv * math.sqrt(3))
        big[resource] = low * BIG / per[resource]
        small[resource] = high * SMALL / per[resource]
    return [unit("A", stage, BIG, **big), unit("B", stage, SMALL, **small)]
