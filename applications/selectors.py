"""Reads of the application package: access-scoped packages, and the plain inputs of the forms.

The input readers take a county the caller has already resolved through the access layer (the
page, the job or the CLI) and return the plain data of applications.tables.
"""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from accounts.access import get_scoped_or_404, require_reader, require_writer, scope
from domain import vocabulary as vocab
from schools.models import School, SchoolClass, SchoolConditions, Teacher
from schools.selectors import teacher_kind_filter
from surveys.models import RespondentGroup
from surveys.selectors import county_recognition, questionnaire_verdicts

from .models import ApplicationPackage, CountyFacts, Eligibility, FieldVisits, PackageFile
from .tables import FACT_FIELDS, CountyCounts, SchoolInfo, SurveyGroup, Visits

_SCOPE = {"county": "county", "township": None, "school": None}


def packages_visible_to(user):
    """Bureau staff, inspectors and admins of the county; township officials and reporters: 403."""
    require_reader(user)
    return scope(
        user,
        ApplicationPackage.objects.select_related("county", "requested_by").prefetch_related("files"),
        **_SCOPE,
    )


def get_package_for_user(user, pk: int, *, write: bool = False) -> ApplicationPackage:
    (require_writer if write else require_reader)(user)
    return get_scoped_or_404(
        user, ApplicationPackage.objects.select_related("county"), scope_kwargs=_SCOPE, pk=pk
    )


def get_file_for_user(user, pk: int, kind: str) -> PackageFile:
    require_reader(user)
    return get_scoped_or_404(
        user,
        PackageFile.objects.select_related("package", "package__county"),
        scope_kwargs={"county": "package__county", "township": None, "school": None},
        package_id=pk,
        kind=kind,
    )


# --- the plain inputs of the tables ---------------------------------------------------------------


def _schools_of_year(county, year: int):
    """The county's schools with data in ``year`` (the schools the assessment of that year sees)."""
    return School.objects.filter(county=county, conditions__year=year)


def county_counts(county, year: int) -> CountyCounts:
    """表Ⅰ's counts from the school data of ``year``: schools by type, teaching points (and those
    with ≥ 50 students), classes, students, 教职工 and 专任教师 per stage. Five queries."""
    schools = _schools_of_year(county, year)
    by_type = dict(schools.order_by().values_list("school_type").annotate(n=Count("pk")))
    points = SchoolConditions.objects.filter(
        school__county=county, year=year, school__school_type=vocab.TEACHING_POINT
    ).values_list("primary_students", "junior_students")
    students = SchoolConditions.objects.filter(school__county=county, year=year).aggregate(
        primary=Coalesce(Sum("primary_students"), 0), junior=Coalesce(Sum("junior_students"), 0)
    )
    classes = SchoolClass.objects.filter(school__county=county, year=year).aggregate(
        primary=Count("pk", filter=Q(stage=vocab.PRIMARY)), junior=Count("pk", filter=Q(stage=vocab.JUNIOR))
    )
    teachers = Teacher.objects.filter(school__county=county, year=year).aggregate(
        staff_p=Count("pk", filter=teacher_kind_filter(vocab.IN_POST.key) & Q(stage=vocab.PRIMARY)),
        staff_j=Count("pk", filter=teacher_kind_filter(vocab.IN_POST.key) & Q(stage=vocab.JUNIOR)),
        ft_p=Count("pk", filter=teacher_kind_filter(vocab.FULL_TIME.key) & Q(stage=vocab.PRIMARY)),
        ft_j=Count("pk", filter=teacher_kind_filter(vocab.FULL_TIME.key) & Q(stage=vocab.JUNIOR)),
    )
    points = list(points)
    return CountyCounts(
        townships=county.townships.count(),
        schools_by_type=by_type,
        teaching_points=len(points),
        teaching_points_50=sum(1 for p, j in points if p + j >= 50),
        classes={vocab.PRIMARY: classes["primary"], vocab.JUNIOR: classes["junior"]},
        students={vocab.PRIMARY: students["primary"], vocab.JUNIOR: students["junior"]},
        staff={vocab.PRIMARY: teachers["staff_p"], vocab.JUNIOR: teachers["staff_j"]},
        full_time={vocab.PRIMARY: teachers["ft_p"], vocab.JUNIOR: teachers["ft_j"]},
    )


def school_infos(county, year: int, unit_codes: set[str]) -> dict[str, SchoolInfo]:
    """表Ⅱ-2's school facts by code. A teaching point that is not a unit of its own
    (``unit_codes``: the schools the assessment has units for) is merged into its central school,
    so its grades and classes count in that school's 小学 row. Two queries."""
    schools = list(_schools_of_year(county, year).values("code", "school_type", "sponsor", "parent__code"))
    grades = defaultdict(set)
    classes = defaultdict(int)
    rows = (
        SchoolClass.objects.filter(school__county=county, year=year)
        .values("school__code", "stage", "grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    owner = {
        s["code"]: (
            s["parent__code"]
            if s["school_type"] == vocab.TEACHING_POINT and s["code"] not in unit_codes and s["parent__code"]
            else s["code"]
        )
        for s in schools
    }
    for r in rows:
        code = owner.get(r["school__code"], r["school__code"])
        grades[(code, r["stage"])].add(r["grade"])
        classes[(code, r["stage"])] += r["n"]
    stages = (vocab.PRIMARY, vocab.JUNIOR)
    return {
        s["code"]: SchoolInfo(
            school_type=s["school_type"],
            sponsor=s["sponsor"],
            grades={st: len(grades[(s["code"], st)]) for st in stages},
            classes={st: classes[(s["code"], st)] for st in stages},
        )
        for s in schools
    }


def survey_groups(county, year: int) -> dict:
    """表Ⅵ's questionnaire figures: ``{all: SurveyGroup, parents: SurveyGroup, survey: title or
    ""}`` from the county's survey of ``year`` (the one the 社会认可度 item reads)."""
    rec = county_recognition(county, year)
    verdicts = questionnaire_verdicts(rec["survey_id"])
    parent = RespondentGroup.PARENT.value
    by_parent = rec["by_group"].get(parent, {})
    p = verdicts.get(parent, {})
    return {
        "all": SurveyGroup(
            questionnaires=rec["questionnaires"],
            valid=sum(v["valid"] for v in verdicts.values()),
            rate=rec["rate"],
            satisfied=sum(v["satisfied"] for v in verdicts.values()),
            passed=rec["passed"],
        ),
        "parents": SurveyGroup(
            questionnaires=by_parent.get("questionnaires", 0),
            valid=p.get("valid", 0),
            rate=by_parent.get("rate"),
            satisfied=p.get("satisfied", 0),
            passed=by_parent.get("passed"),
        ),
        "survey": rec["title"],
        "survey_id": rec["survey_id"],
    }


def facts_of(county, year: int) -> dict:
    """表Ⅰ's entered facts of ``year`` (FACT_FIELDS and ``source``; None where not entered)."""
    row = CountyFacts.objects.filter(county=county, year=year).first()
    out = {name: getattr(row, name) if row else None for name in FACT_FIELDS}
    out["source"] = row.source if row else ""
    return out


def visits_of(county, year: int) -> Visits:
    row = FieldVisits.objects.filter(county=county, year=year).first()
    if row is None:
        return Visits()
    return Visits(row.visited, row.satisfied, row.parents_visited, row.parents_satisfied)


def eligibility_row(county) -> Eligibility | None:
    return Eligibility.objects.filter(county=county).first()
