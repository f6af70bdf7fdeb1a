"""ORM → engine: load one county's facts for one school year as the engine's plain dataclasses.

Four queries whatever the number of schools (schools, yearly conditions, the teacher roster
aggregated by one GROUP BY, classes), so an assessment of 300 schools costs what one of 3 does.
Dossiers and other apps read facts through :func:`load_facts` too, so every number starts here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from schools.models import School, SchoolClass, SchoolConditions, Teacher

from .engine import ClassFacts, EngineSettings, SchoolFacts, TeacherGroup


@dataclass(frozen=True)
class ClassRow:
    """A class with its name, for lists of over-size classes (the engine needs only ClassFacts)."""

    school_code: str
    stage: str
    grade: int
    name: str
    students: int


@dataclass(frozen=True)
class CountyFacts:
    """Everything the engine needs about one county and year, plus Chinese warnings about gaps
    in the data the engine cannot see (a school without conditions for the year)."""

    schools: list[SchoolFacts]
    teachers: list[TeacherGroup]
    classes: list[ClassFacts]
    class_rows: list[ClassRow]
    warnings: list[str]


def engine_settings() -> EngineSettings:
    """EngineSettings from the INDICATOR_* Django settings (INDICATOR_EXCLUDE_TEACHING_POINTS_UNDER 0 = none)."""
    under = settings.INDICATOR_EXCLUDE_TEACHING_POINTS_UNDER
    return EngineSettings(
        merge_teaching_points=settings.INDICATOR_MERGE_TEACHING_POINTS,
        exclude_teaching_points_under=under or None,
        include_private=settings.INDICATOR_INCLUDE_PRIVATE,
        unit_rule_margin=settings.INDICATOR_UNIT_RULE_MARGIN_PERCENT / 100,
    )


def _number(value) -> float:
    # Decimal areas and money become floats: the engine computes in floats and the fingerprint
    # compares numbers by value, so 2200 and Decimal("2200.00") are the same input.
    return float(value) if value is not None else 0.0


def _areas(values) -> tuple[float, ...] | None:
    # Stored as Decimal strings ("96.00"); an empty list means not entered.
    return tuple(float(v) for v in values) if values else None


def load_facts(county, year: int) -> CountyFacts:
    """Facts of every school of ``county`` (a County) for school year ``year``."""
    schools = list(
        School.objects.filter(county=county)
        .order_by("code")
        .values_list(
            "code", "name", "township__name", "school_type", "urban_rural", "sponsor", "parent__code"
        )
    )
    conditions = {
        row["school__code"]: row
        for row in SchoolConditions.objects.filter(school__county=county, year=year).values(
            "school__code",
            "primary_students",
            "junior_students",
            "senior_students",
            "building_area",
            "sports_area",
            "equipment_value",
            "computers",
            "books",
            "multimedia_rooms",
            "music_rooms",
            "art_rooms",
            "music_room_areas",
            "art_room_areas",
        )
    }
    facts: list[SchoolFacts] = []
    missing: list[str] = []
    for code, name, township, school_type, urban_rural, sponsor, parent_code in schools:
        c = conditions.get(code)
        if c is None:
            missing.append(f"{name}（{code}）")
            c = {}
        facts.append(
            SchoolFacts(
                code=code,
                name=name,
                township=township,
                school_type=school_type,
                urban_rural=urban_rural,
                sponsor=sponsor,
                parent_code=parent_code,
                primary_students=c.get("primary_students", 0),
                junior_students=c.get("junior_students", 0),
                senior_students=c.get("senior_students", 0),
                building_area=_number(c.get("building_area")),
                sports_area=_number(c.get("sports_area")),
                equipment_value=_number(c.get("equipment_value")),
                computers=c.get("computers", 0),
                books=c.get("books", 0),
                multimedia_rooms=c.get("multimedia_rooms", 0),
                music_rooms=c.get("music_rooms"),
                art_rooms=c.get("art_rooms"),
                music_areas=_areas(c.get("music_room_areas")),
                art_areas=_areas(c.get("art_room_areas")),
            )
        )
    warnings = []
    if missing:
        warnings.append(f"{year}学年未填报办学条件的学校 {len(missing)} 所（按 0 计）：{'、'.join(missing)}")

    teachers = [
        TeacherGroup(
            school_code=row["school__code"],
            stage=row["stage"],
            full_time=row["full_time"],
            education=row["education"],
            title=row["title"],
            backbone_level=row["backbone"],
            subject=row["subject"],
            count=row["count"],
        )
        for row in Teacher.objects.filter(school__county=county, year=year)
        .values("school__code", "stage", "full_time", "education", "title", "backbone", "subject")
        .annotate(count=Count("id"))
        .order_by()
    ]

    class_rows = [
        ClassRow(school_code=code, stage=stage, grade=grade, name=name, students=students)
        for code, stage, grade, name, students in SchoolClass.objects.filter(school__county=county, year=year)
        .order_by("school__code", "grade", "name")
        .values_list("school__code", "stage", "grade", "name", "students")
    ]
    classes = [ClassFacts(r.school_code, r.stage, r.grade, r.students) for r in class_rows]
    return CountyFacts(
        schools=facts, teachers=teachers, classes=classes, class_rows=class_rows, warnings=warnings
    )
