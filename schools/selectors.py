"""Reads of school data, always through the access layer.

List and summary selectors run a constant number of queries whatever the number of schools:
per-school figures are correlated subqueries, never a query per row.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.access import counties_of_region, get_scoped_or_404, scope
from domain import vocabulary as vocab
from schools.idcard import mask_id_number
from schools.models import (
    SUBJECTS,
    County,
    Region,
    School,
    SchoolClass,
    SchoolConditions,
    SchoolType,
    Stage,
    Teacher,
    Township,
    UrbanRural,
)

# The class bands of domain.vocabulary as filters. 超标准班额 (OVER_STANDARD) is every class above
# its stage's standard size, 大班额 and 超大班额 included.
OVER_STANDARD = Q(stage=Stage.PRIMARY, students__gt=vocab.CLASS_SIZE_STANDARD["primary"]) | Q(
    stage=Stage.JUNIOR, students__gt=vocab.CLASS_SIZE_STANDARD["junior"]
)
LARGE = Q(students__gte=vocab.LARGE_CLASS_MIN, students__lte=vocab.LARGE_CLASS_MAX)
SUPER_LARGE = Q(students__gte=vocab.SUPER_LARGE_CLASS_MIN)


def teacher_kind_filter(kind: str) -> Q:
    """Roster rows counted in teacher ``kind`` (domain.vocabulary.TEACHER_KINDS) as a filter."""
    k = vocab.TEACHER_KINDS[kind]
    q = Q(stage__in=k.stages)
    return q & Q(full_time=True) if k.full_time_only else q


def teacher_counts(teachers) -> dict[str, int]:
    """The one count of each teacher kind over a Teacher queryset: {staff, full_time, in_post}."""
    return teachers.aggregate(
        **{kind: Count("pk", filter=teacher_kind_filter(kind)) for kind in vocab.TEACHER_KINDS}
    )


def years_with_data(user) -> list[int]:
    """School years (newest first) for which any school the user sees has conditions."""
    return list(
        SchoolConditions.objects.filter(school__in=schools_visible_to(user))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def pick_year(requested, years: list[int]) -> int | None:
    """The requested year if data exist for it, else the latest year with data (None: no data)."""
    try:
        year = int(requested)
    except (TypeError, ValueError):
        year = None
    if year in years:
        return year
    return years[0] if years else None


def _count(qs) -> Coalesce:
    """A correlated COUNT over `qs` (already filtered on school=OuterRef('pk'))."""
    sub = qs.order_by().values("school").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def school_rows(user, year: int | None):
    """Visible schools annotated with their figures of `year`.

    Annotations: primary_students, junior_students (None when no conditions that year),
    teacher_count, class_count, over_standard_classes, max_class_size.
    """
    conditions = SchoolConditions.objects.filter(school=OuterRef("pk"), year=year).order_by()
    teachers = Teacher.objects.filter(school=OuterRef("pk"), year=year)
    classes = SchoolClass.objects.filter(school=OuterRef("pk"), year=year)
    return (
        schools_visible_to(user)
        .select_related("township")
        .annotate(
            primary_students=Subquery(conditions.values("primary_students")[:1]),
            junior_students=Subquery(conditions.values("junior_students")[:1]),
            teacher_count=_count(teachers),
            class_count=_count(classes),
            over_standard_classes=_count(classes.filter(OVER_STANDARD)),
            max_class_size=Subquery(
                classes.order_by().values("school").annotate(m=Max("students")).values("m"),
                output_field=IntegerField(),
            ),
        )
    )


def class_flag(max_size: int | None, over_standard: int) -> str:
    """Label of the worst class-size band of a school: 超大班额 / 大班额 / 超标准（未达大班额） / ''."""
    if max_size is not None and max_size >= vocab.SUPER_LARGE_CLASS_MIN:
        return vocab.BAND_LABELS[vocab.BAND_SUPER_LARGE]
    if max_size is not None and max_size >= vocab.LARGE_CLASS_MIN:
        return vocab.BAND_LABELS[vocab.BAND_LARGE]
    return vocab.BAND_LABELS[vocab.BAND_OVER] if over_standard else ""


def filter_choices(user) -> dict:
    """School types and urban/rural categories present among the schools the user sees."""
    pairs = set(schools_visible_to(user).order_by().values_list("school_type", "urban_rural").distinct())
    types = {t for t, _ in pairs}
    areas = {a for _, a in pairs}
    return {
        "school_type": [(v, label) for v, label in SchoolType.choices if v in types],
        "urban_rural": [(v, label) for v, label in UrbanRural.choices if v in areas],
    }


def county_school_summary(user, year: int | None = None) -> dict:
    """Counts over the schools the user sees in one school year (default: latest with data).

    Returns {"year", "schools", "schools_by_type": [(type, n)], "students": {primary, junior,
    senior, compulsory}, "teachers": {staff, full_time, in_post (teacher_counts), total (= staff)},
    "classes": {total, over_standard, large, super_large}}. Five queries whatever the number of schools.
    """
    schools = schools_visible_to(user)
    if year is None:
        years = years_with_data(user)
        year = years[0] if years else None
    counts = dict(schools.order_by().values_list("school_type").annotate(n=Count("pk")))
    by_type = [(label, counts[value]) for value, label in SchoolType.choices if value in counts]
    students = SchoolConditions.objects.filter(school__in=schools, year=year).aggregate(
        primary=Coalesce(Sum("primary_students"), 0),
        junior=Coalesce(Sum("junior_students"), 0),
        senior=Coalesce(Sum("senior_students"), 0),
    )
    students["compulsory"] = students["primary"] + students["junior"]
    teachers = teacher_counts(Teacher.objects.filter(school__in=schools, year=year))
    teachers["total"] = teachers["staff"]  # the old name of the roster total
    classes = SchoolClass.objects.filter(school__in=schools, year=year).aggregate(
        total=Count("pk"),
        over_standard=Count("pk", filter=OVER_STANDARD),
        large=Count("pk", filter=LARGE),
        super_large=Count("pk", filter=SUPER_LARGE),
    )
    return {
        "year": year,
        "schools": sum(counts.values()),
        "schools_by_type": by_type,
        "students": students,
        "teachers": teachers,
        "classes": classes,
    }


# --- one school (already access-checked by the view) ------------------------------------------


def teacher_names_visible(user, school) -> bool:
    """Names of a school's teachers go to those who keep its data: bureau staff (and admins)
    and the school's own reporter. Inspectors and township officials see counts only."""
    return can_edit_school(user, school)


def school_years(school) -> list[int]:
    """Years (newest first) with conditions, teachers or classes of `school`."""
    years = set(school.conditions.values_list("year", flat=True))
    years |= set(school.teachers.order_by().values_list("year", flat=True).distinct())
    years |= set(school.classes.order_by().values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def teacher_table(school, year: int) -> dict:
    """Teachers of one year counted by subject (rows) and stage (columns).

    Returns {"stages": [...], "rows": [{"subject", "counts": [...], "total"}], "totals": [...],
    "total", "summary": [{"stage", "total", "full_time", "backbone"}]}; subjects without
    teachers are left out.
    """
    rows = school.teachers.filter(year=year).order_by().values("stage", "subject").annotate(n=Count("pk"))
    counts = {(r["stage"], r["subject"]): r["n"] for r in rows}
    stages = [s for s in Stage.values if any(k[0] == s for k in counts)]
    table = []
    for subject in SUBJECTS:
        cells = [counts.get((stage, subject), 0) for stage in stages]
        if any(cells):
            table.append({"subject": subject, "counts": cells, "total": sum(cells)})
    summary = (
        school.teachers.filter(year=year)
        .order_by()
        .values("stage")
        .annotate(
            total=Count("pk"),
            full_time=Count("pk", filter=Q(full_time=True)),
            backbone=Count("pk", filter=~Q(backbone="无")),
        )
    )
    by_stage = {r["stage"]: r for r in summary}
    return {
        "stages": stages,
        "rows": table,
        "totals": [sum(r["counts"][i] for r in table) for i in range(len(stages))],
        "total": sum(r["total"] for r in table),
        "summary": [by_stage[s] for s in stages],
    }


def teacher_roster(school, year: int) -> list[Teacher]:
    """The roster of one year; each row carries `masked_id` (the full number is never shown)."""
    roster = list(school.teachers.filter(year=year).order_by("stage", "staff_no"))
    for teacher in roster:
        teacher.masked_id = mask_id_number(teacher.id_number)
    return roster


CLASS_BAND_NOTE = vocab.CLASS_BAND_NOTE
OVER_BAND_LABEL = vocab.BAND_LABELS[vocab.BAND_OVER]


def class_band_counts(classes) -> dict[str, int]:
    """Classes counted by band (domain.vocabulary.count_classes): total, over_standard (超标准班额,
    大班额 and 超大班额 included), over_only, large, super_large."""
    return vocab.count_classes((c.stage, c.students) for c in classes).as_dict()


def school_classes(school, year: int) -> list[SchoolClass]:
    return list(school.classes.filter(year=year).order_by("grade", "name"))


def teaching_points_of(school):
    return school.teaching_points.select_related("township").order_by("code")


# --- areas the user sees (scoped through accounts.access.scope) ------------------------------


def schools_visible_to(user):
    return scope(user, School.objects.all(), county="county", township="township", school="pk")


def townships_visible_to(user):
    return scope(user, Township.objects.all(), county="county", township="pk", school="schools")


def counties_in_region(region):
    """The counties of a province or city: those whose code starts with the region's prefix."""
    return counties_of_region(region)


def region_of_county(county, level: str):
    """The province or city (Region.Level) `county` lies in, None when it is not recorded."""
    width = 2 if level == Region.Level.PROVINCE else 4
    return Region.objects.filter(level=level, code=county.code[:width].ljust(6, "0")).first()


def counties_visible_to(user):
    """The counties whose pages `user` may open: every county for an unscoped admin, the counties
    of their region for a city or province reviewer, else their own county."""
    if not user.is_authenticated:
        return County.objects.none()
    if user.is_unscoped:
        return County.objects.all()
    if user.is_area_reviewer:
        return counties_in_region(user.region) if user.region_id else County.objects.none()
    return County.objects.filter(pk=user.county_id) if user.county_id else County.objects.none()


def can_edit_school(user, school) -> bool:
    """County writers change any school they see; a school reporter its own school only."""
    if user.writes_county:
        return True
    return user.writes_school_data and user.school_id == school.pk


def get_school_for_user(user, code: str, *, write: bool = False):
    """A school the user may see (404 otherwise); with write=True one whose data the user may also
    change (403 otherwise). Township officials and inspectors only read."""
    school = get_scoped_or_404(
        user,
        School.objects.select_related("county", "township", "parent"),
        scope_kwargs={"county": "county", "township": "township", "school": "pk"},
        code=code,
    )
    if write and not can_edit_school(user, school):
        raise PermissionDenied("您无权修改该校数据")
    return school
