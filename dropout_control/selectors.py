"""Reads of dropout-control data, always scoped to the user through accounts.access.scope.

Who may do what with a case (ACTION_ROLES) is defined here, once; services enforce it again.
Township officials: their township's cases; school reporters: their school's cases (they report
suspected dropouts, log contacts and may file a "returned" close request); bureau staff: the
county; inspectors: counts, rates and masked lists only — never a case's personal data.
"""

from collections import Counter, defaultdict
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Count, F, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.access import (
    AREA_WRITERS,
    CASE_WORKERS,
    COUNTY_WRITERS,
    SCHOOL_DATA_WRITERS,
    ensure_not_read_only,
    get_scoped_or_404,
    scope,
)
from accounts.models import Role
from domain import numbers
from dropout_control import retention, rules
from dropout_control.models import (
    CaseEvent,
    CaseStatus,
    CohortFigure,
    DropoutCase,
    EventKind,
    Line,
    Outcome,
    PersuasionLog,
    Reason,
    RegisterCheck,
    ResponsibilityLetter,
    ReturnNotice,
)
from schools.models import SCHOOL_ORDER, TOWNSHIP_ORDER, SchoolType
from schools.selectors import schools_visible_to, townships_visible_to

CASE_SCOPE = {"county": "county", "township": "township", "school": "school"}
SCHOOL_SCOPE = {"county": "school__county", "township": "school__township", "school": "school"}
LETTER_SCOPE = {"county": "county", "township": "township", "school": "school"}

# Who may do what with a case, named with the declared role sets of accounts.roles.
ACTION_ROLES = {
    "create": AREA_WRITERS,
    "update": CASE_WORKERS,
    "confirm": CASE_WORKERS,
    "start_persuasion": CASE_WORKERS,
    "visit": AREA_WRITERS,
    "assign": CASE_WORKERS,
    "issue_notice": CASE_WORKERS,
    "serve_notice": CASE_WORKERS,
    "start_legal": CASE_WORKERS,
    "request_close": AREA_WRITERS,
    "close": CASE_WORKERS,
    "reject_close": CASE_WORKERS,
    "reopen": COUNTY_WRITERS,
    "import": AREA_WRITERS,
    "export": AREA_WRITERS,
    "letters": AREA_WRITERS,
    "register_check": SCHOOL_DATA_WRITERS,
    "cohort": COUNTY_WRITERS,
}

PAGE_SIZE = 50


def can(user, action: str) -> bool:
    return user.is_authenticated and user.role in ACTION_ROLES[action]


def require_action(user, action: str) -> None:
    """403 for a role that may not perform `action` (inspectors never may)."""
    ensure_not_read_only(user)
    if not can(user, action):
        raise PermissionDenied("您的角色无权进行此操作")


# --- cases -------------------------------------------------------------------------------------


def cases_visible_to(user) -> QuerySet:
    return scope(user, DropoutCase.objects.all(), **CASE_SCOPE)


def get_case_for_user(user, pk, write: bool = False, action: str | None = None) -> DropoutCase:
    """A case the user may see with its personal data (404 outside the area).

    Inspectors get 403: they see no case's personal data. With write=True (or an action) the
    user must also be a writer, and for an action have one of its roles (403 otherwise).
    """
    case = get_scoped_or_404(
        user,
        DropoutCase.objects.select_related(
            "county", "township", "school", "outcome_school", "close_requested_by", "reviewer", "created_by"
        ),
        scope_kwargs=CASE_SCOPE,
        pk=pk,
    )
    if not user.sees_personal_data:
        raise PermissionDenied("只读账号只能查看统计数据，不能查看个案的个人信息")
    if write or action:
        ensure_not_read_only(user)
    if action:
        require_action(user, action)
    return mark_overdue([case])[0]  # every case page shows 逾期 as the list and counts do


def _is_id(value: str) -> bool:
    """A plain ASCII number small enough for a database id (not "²", not 40 digits)."""
    return value.isascii() and value.isdigit() and len(value) <= 18


def case_list(
    user, *, status: str = "", township: str = "", school: str = "", overdue: str = "", q: str = ""
) -> QuerySet:
    """Cases for the list page, filtered; query count does not grow with the number of rows."""
    qs = cases_visible_to(user).select_related("township", "school")
    if status == "open":
        qs = qs.exclude(status=CaseStatus.CLOSED)
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    if _is_id(township):
        qs = qs.filter(township_id=int(township))
    if _is_id(school):
        qs = qs.filter(school_id=int(school))
    overdue_ids = list(overdue_now(qs))
    qs = qs.annotate(
        is_overdue=Case(
            When(pk__in=overdue_ids, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    if overdue == "1":
        qs = qs.filter(pk__in=overdue_ids)
    q = q.replace("\x00", "")  # PostgreSQL refuses NUL in a string parameter
    if q and user.sees_personal_data:
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(name__icontains=q) | Q(id_number=q.upper()))
    elif q:
        qs = qs.filter(number__icontains=q.strip())
    return qs.order_by("-is_overdue", "-reported_on", "-id")


def open_case_for_id(id_number: str, *, exclude_pk=None) -> DropoutCase | None:
    """The open case of a child anywhere (duplicate check; services.duplicate_message tells of it
    only as far as the user may see)."""
    qs = (
        DropoutCase.objects.unscoped("the duplicate check spans every area")
        .select_related("township", "county")
        .filter(id_number=id_number)
        .exclude(status=CaseStatus.CLOSED)
        .only("number", "status", "township__name", "county__name")
        .order_by("pk")
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def case_timeline(case) -> list[CaseEvent]:
    return list(case.events.select_related("user"))


def case_visits(case) -> list[PersuasionLog]:
    return list(case.visits.select_related("created_by"))


def case_notices(case) -> list[ReturnNotice]:
    return list(case.notices.select_related("school", "issued_by"))


def get_notice_for_user(user, pk, *, action: str | None = None) -> ReturnNotice:
    notice = get_scoped_or_404(
        user,
        ReturnNotice.objects.select_related("case", "school", "county", "case__township", "case__school"),
        scope_kwargs={"county": "case__county", "township": "case__township", "school": "case__school"},
        pk=pk,
    )
    get_case_for_user(user, notice.case_id, action=action)
    return notice


def get_visit_for_user(user, pk) -> PersuasionLog:
    visit = get_scoped_or_404(
        user,
        PersuasionLog.objects.select_related("case"),
        scope_kwargs={"county": "case__county", "township": "case__township", "school": "case__school"},
        pk=pk,
    )
    get_case_for_user(user, visit.case_id)
    return visit


# --- overdue (逾期), defined once ------------------------------------------------------------------


def deadline_rules() -> rules.DeadlineRules:
    return rules.DeadlineRules(
        report_after_days=settings.DROPOUT_REPORT_AFTER_DAYS,
        confirm_after_days=settings.DROPOUT_CONFIRM_AFTER_DAYS,
        first_visit_days=settings.DROPOUT_FIRST_VISIT_DAYS,
        notice_deadline_days=settings.DROPOUT_NOTICE_DEADLINE_DAYS,
        review_days=settings.DROPOUT_REVIEW_DAYS,
    )


def overdue_now(cases: QuerySet, today: date | None = None) -> dict[int, list[rules.OverdueReason]]:
    """逾期, the one definition every page, export, dashboard and dossier uses: the open cases of
    ``cases`` that have missed a deadline (rules.overdue_reasons) as of ``today``, with their reasons.

    Computed from the case's current facts on every read, so it cannot go stale between two daily
    scans; the stored ``overdue`` flag only remembers what the scan already mailed about. One query.
    """
    today = today or timezone.localdate()
    deadline_rules_ = deadline_rules()
    rows = (
        cases.exclude(status=CaseStatus.CLOSED)
        .order_by()
        .annotate(
            first_contact=Min("visits__visited_on"),
            served_deadline=Max("notices__deadline", filter=Q(notices__delivered_on__isnull=False)),
        )
        .values_list(
            "pk",
            "status",
            "absent_since",
            "reported_on",
            "close_requested_at",
            "first_contact",
            "served_deadline",
        )
    )
    out = {}
    for pk, status, absent_since, reported_on, requested_at, first_contact, served_deadline in rows:
        facts = rules.CaseFacts(
            status=status,
            absent_since=absent_since,
            reported_on=reported_on,
            first_contact_on=first_contact,
            notice_deadline=served_deadline,
            close_requested_on=timezone.localdate(requested_at) if requested_at else None,
        )
        reasons = rules.overdue_reasons(facts, today, deadline_rules_)
        if reasons:
            out[pk] = reasons
    return out


def mark_overdue(cases, today: date | None = None) -> list:
    """``cases`` (instances) as a list, each with ``overdue`` and ``overdue_reasons`` of :func:`overdue_now`."""
    cases = list(cases)
    reasons = (
        overdue_now(
            DropoutCase.objects.unscoped("these cases came through scope()").filter(
                pk__in=[c.pk for c in cases]
            ),
            today,
        )
        if cases
        else {}
    )
    for case in cases:
        found = reasons.get(case.pk, [])
        case.overdue = bool(found)
        case.overdue_reasons = [r.text for r in found]
    return cases


def overdue_by_township(user) -> list[dict]:
    """Overdue open cases grouped by township: [{"township", "cases": [...]}], townships A→Z."""
    visible = cases_visible_to(user)
    reasons = overdue_now(visible)
    cases = mark_overdue(
        visible.filter(pk__in=list(reasons))
        .select_related("township", "school")
        .order_by("township__position", "township_id", "reported_on", "id")
    )
    groups: dict[int, dict] = {}
    for case in cases:
        groups.setdefault(case.township_id, {"township": case.township, "cases": []})["cases"].append(case)
    return list(groups.values())


# --- summary for dashboards and dossiers --------------------------------------------------------


def case_summary(user, county) -> dict:
    """Counts without names or ID numbers, for dashboards and dossiers.

    {"total", "open", "returned", "overdue", "by_status": {label: n}, "by_reason": {label: n},
     "by_township": [{"township", "total", "open", "returned", "overdue"}]}

    The retention rates are not part of it: pages that show a school year's rate call
    :func:`county_retention` for that year, as the assessment does.
    """
    qs = cases_visible_to(user).filter(county=county)
    overdue_ids = set(overdue_now(qs))
    rows = list(qs.values("pk", "status", "reason", "outcome", "township__name"))
    for r in rows:
        r["overdue"] = r["pk"] in overdue_ids
    by_status = Counter(r["status"] for r in rows)
    by_reason = Counter(r["reason"] for r in rows)
    townships: dict[str, dict] = {}
    for r in rows:
        t = townships.setdefault(
            r["township__name"],
            {"township": r["township__name"], "total": 0, "open": 0, "returned": 0, "overdue": 0},
        )
        t["total"] += 1
        is_open = r["status"] != CaseStatus.CLOSED
        t["open"] += is_open
        t["returned"] += r["status"] == CaseStatus.CLOSED and r["outcome"] == Outcome.RETURNED
        t["overdue"] += is_open and r["overdue"]
    return {
        "total": len(rows),
        "open": sum(t["open"] for t in townships.values()),
        "returned": sum(t["returned"] for t in townships.values()),
        "overdue": sum(t["overdue"] for t in townships.values()),
        "by_status": {label: by_status.get(value, 0) for value, label in CaseStatus.choices},
        "by_reason": {label: by_reason.get(value, 0) for value, label in Reason.choices},
        "by_township": sorted(townships.values(), key=lambda t: t["township"]),
    }


# --- retention ----------------------------------------------------------------------------------


def cohorts_visible_to(user) -> QuerySet:
    return scope(user, CohortFigure.objects.all(), **SCHOOL_SCOPE)


def retention_formula() -> str:
    return retention.check_formula(settings.RETENTION_FORMULA)


def _cohort_years(qs) -> tuple[dict[int, retention.CohortYear], dict[int, dict[int, retention.CohortYear]]]:
    """Per-year totals of the county and of each township (id) from one grouped query."""
    rows = list(
        qs.values_list(
            "year",
            "school__township_id",
            "grade1_entrants",
            "grade7_entrants",
            "junior_graduates",
            "transfers_in",
            "transfers_out",
            "deaths",
        )
    )
    per_township: dict[int, list[retention.CohortYear]] = defaultdict(list)
    all_rows = []
    for year, township_id, *figures in rows:
        row = retention.CohortYear(year, *figures)
        all_rows.append(row)
        per_township[township_id].append(row)
    return retention.sum_years(all_rows), {t: retention.sum_years(r) for t, r in per_township.items()}


def retention_table(user, county, year: int) -> dict:
    """Rates of `year` for the county and each township the user sees."""
    formula = retention_formula()
    qs = cohorts_visible_to(user).filter(school__county=county)
    county_years, township_years = _cohort_years(qs)
    townships = list(townships_visible_to(user).filter(county=county).order_by(*TOWNSHIP_ORDER))
    return {
        "year": year,
        "formula": formula,
        "formula_label": retention.FORMULA_LABELS[formula],
        "county": retention.rates_for(county_years, year, formula),
        "townships": [
            {"township": t, "rates": retention.rates_for(township_years.get(t.pk, {}), year, formula)}
            for t in townships
        ],
        "years": sorted(county_years),
        "target": retention.JUNIOR_TARGET,
    }


def latest_retention(user, county) -> dict:
    """County rates of the latest year that has graduates:
    {"year", "nine_year", "junior", "formula", "formula_label", "target"} (year and rates None
    without data; target: the junior line, for verdict-consistent display)."""
    formula = retention_formula()
    label = retention.FORMULA_LABELS[formula]
    county_years, _ = _cohort_years(cohorts_visible_to(user).filter(school__county=county))
    years = [y for y, row in county_years.items() if row.junior_graduates]
    if not years:
        return {
            "year": None,
            "nine_year": None,
            "junior": None,
            "formula": formula,
            "formula_label": label,
            "target": retention.JUNIOR_TARGET,
        }
    rates = retention.rates_for(county_years, max(years), formula)
    return {
        "year": rates.year,
        "nine_year": rates.nine_year,
        "junior": rates.junior,
        "formula": formula,
        "formula_label": label,
        "target": retention.JUNIOR_TARGET,
    }


def county_retention(county, year: int) -> dict:
    """初中三年巩固率 (and the nine-year rate) of the whole county for school year ``year``: the one
    figure the assessment item ``junior_retention`` (dropout_control.receivers), the dashboard and
    the dossier print, so they cannot disagree.

    School year Y (Y—Y+1) is judged on the junior cohort that graduated in the summer of Y — the
    latest one its statistics know — i.e. calendar year Y of dropout_control.retention:
    graduates of Y ÷ (grade-7 entrants of Y−3 + transfers in − transfers out − deaths), or
    ÷ entrants only, by settings.RETENTION_FORMULA (domain.md §7). No graduates entered for Y
    or no entrants for Y−3 is "no data": ``junior`` and ``passed`` None, never a failure.

    Keys: ``year`` (graduation year = school year), ``junior``, ``nine_year`` (fractions or
    None), ``junior_text``, ``nine_year_text`` (domain.numbers, consistent with the verdict),
    ``graduates``, ``grade7_entrants``, ``denominator``, ``formula``, ``formula_label``,
    ``target``, ``passed`` (True/False/None), ``detail`` (the figures, in Chinese) and
    ``inputs`` (the figures of 表Ⅴ-1's sentence: graduates, entrants, transfers_in, deaths,
    transfers_out; empty when the rate is undefined).
    """
    formula = retention_formula()
    county_years, _ = _cohort_years(CohortFigure.objects.filter(school__county=county))
    rates = retention.rates_for(county_years, year, formula)
    junior = rates.junior if rates.graduates else None
    nine_year = rates.nine_year if rates.graduates else None
    passed = None if junior is None else junior >= retention.JUNIOR_TARGET
    junior_text = numbers.pct_against(junior, retention.JUNIOR_TARGET, passed=passed)
    if junior is not None:
        moves = "" if formula == retention.SIMPLE else " + 转入 − 转出 − 死亡"
        detail = (
            f"{year} 年初中毕业生 {rates.graduates} 人 ÷ {year - 3} 年初一入学{moves} {rates.junior_denominator} 人"
            f" = {junior_text}（要求 ≥ {numbers.line(retention.JUNIOR_TARGET * 100)}%）"
        )
    elif not rates.graduates:
        detail = f"尚未填报 {year} 年初中毕业生数（控辍保学 › 巩固率）"
    else:
        detail = f"尚未填报 {year - 3} 年初一入学人数（控辍保学 › 巩固率）"
    current = county_years.get(year)
    inputs = {}
    if junior is not None:
        inputs = {
            "graduates": rates.graduates,
            "entrants": rates.grade7_entrants,
            "transfers_in": current.transfers_in if current else 0,
            "deaths": current.deaths if current else 0,
            "transfers_out": current.transfers_out if current else 0,
        }
    return {
        "year": year,
        "junior": junior,
        "nine_year": nine_year,
        "inputs": inputs,
        "junior_text": junior_text,
        "nine_year_text": numbers.pct(nine_year),
        "graduates": rates.graduates,
        "grade7_entrants": rates.grade7_entrants,
        "denominator": rates.junior_denominator,
        "formula": formula,
        "formula_label": retention.FORMULA_LABELS[formula],
        "target": retention.JUNIOR_TARGET,
        "passed": passed,
        "detail": detail,
    }


def cohort_rows(user, county, year: int) -> QuerySet:
    return (
        cohorts_visible_to(user)
        .filter(school__county=county, year=year)
        .select_related("school", "school__township")
        .order_by("school__township__position", "school__township_id", "school__code")
    )


# --- letters and register checks ---------------------------------------------------------------


def letters_visible_to(user) -> QuerySet:
    return scope(user, ResponsibilityLetter.objects.all(), **LETTER_SCOPE)


def _letter_schools(user, county):
    return (
        schools_visible_to(user)
        .filter(county=county)
        .exclude(school_type=SchoolType.TEACHING_POINT)
        .select_related("township")
        .order_by(*SCHOOL_ORDER)
    )


def letter_status(user, county, year: int) -> dict:
    """Expected letters (every township and every school, both lines) with the signed ones or gaps.

    {"rows": [{"township", "school" or None, "government": letter|None, "education": letter|None}],
     "missing": n, "expected": n}
    """
    letters = letters_visible_to(user).filter(county=county, year=year)
    by_key = {(letter.township_id, letter.school_id, letter.line): letter for letter in letters}
    rows = []
    if user.role != Role.SCHOOL:  # a school reporter keeps only its own school's letters
        for township in townships_visible_to(user).filter(county=county).order_by(*TOWNSHIP_ORDER):
            rows.append(
                {
                    "township": township,
                    "school": None,
                    "government": by_key.get((township.pk, None, Line.GOVERNMENT)),
                    "education": by_key.get((township.pk, None, Line.EDUCATION)),
                }
            )
    for school in _letter_schools(user, county):
        rows.append(
            {
                "township": school.township,
                "school": school,
                "government": by_key.get((school.township_id, school.pk, Line.GOVERNMENT)),
                "education": by_key.get((school.township_id, school.pk, Line.EDUCATION)),
            }
        )
    missing = sum((r["government"] is None) + (r["education"] is None) for r in rows)
    return {"rows": rows, "missing": missing, "expected": 2 * len(rows)}


def get_letter_for_user(user, pk) -> ResponsibilityLetter:
    return get_scoped_or_404(
        user,
        ResponsibilityLetter.objects.select_related("township", "school"),
        scope_kwargs=LETTER_SCOPE,
        pk=pk,
    )


def register_check_status(user, county, year: int, term: int) -> dict:
    """Every visible school with its check of the term, or a gap: {"rows", "missing", "expected"}."""
    checks = {
        c.school_id: c
        for c in scope(user, RegisterCheck.objects.filter(year=year, term=term), **SCHOOL_SCOPE)
    }
    rows = [{"school": s, "check": checks.get(s.pk)} for s in _letter_schools(user, county)]
    return {"rows": rows, "missing": sum(r["check"] is None for r in rows), "expected": len(rows)}


# --- monthly and quarterly reports -------------------------------------------------------------

REPORT_COLUMNS = (
    ("reported", "新报疑似辍学"),
    ("confirmed", "认定辍学"),
    ("returned", "劝返复学销号"),
    ("closed_other", "其他方式销号"),
    ("visits", "劝返记录"),
    ("notices", "送达复学通知"),
    ("legal", "启动依法处置"),
    ("open_at_end", "期末未销号"),
)


def _period_counts(cases: QuerySet, group: str, start: date, end: date) -> dict:
    """{group id: {column: n}} for the period [start, end], one grouped query per measure."""
    out: dict = defaultdict(lambda: dict.fromkeys((c for c, _ in REPORT_COLUMNS), 0))

    def add(rows, column, key="g"):
        for r in rows:
            out[r[key]][column] += r["n"]

    add(cases.filter(reported_on__range=(start, end)).values(g=F(group)).annotate(n=Count("id")), "reported")
    add(
        cases.filter(confirmed_on__range=(start, end)).values(g=F(group)).annotate(n=Count("id")), "confirmed"
    )
    closed = cases.filter(status=CaseStatus.CLOSED, closed_on__range=(start, end))
    add(closed.filter(outcome=Outcome.RETURNED).values(g=F(group)).annotate(n=Count("id")), "returned")
    add(closed.exclude(outcome=Outcome.RETURNED).values(g=F(group)).annotate(n=Count("id")), "closed_other")
    add(
        PersuasionLog.objects.filter(case__in=cases, visited_on__range=(start, end))
        .values(g=F("case__" + group))
        .annotate(n=Count("id")),
        "visits",
    )
    add(
        ReturnNotice.objects.filter(case__in=cases, delivered_on__range=(start, end))
        .values(g=F("case__" + group))
        .annotate(n=Count("id")),
        "notices",
    )
    add(
        CaseEvent.objects.filter(case__in=cases, kind=EventKind.LEGAL_STARTED, at__date__range=(start, end))
        .values(g=F("case__" + group))
        .annotate(n=Count("id")),
        "legal",
    )
    open_at_end = cases.filter(reported_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    add(open_at_end.values(g=F(group)).annotate(n=Count("id")), "open_at_end")
    return out


def monthly_school_report(user, county, year: int, month: int) -> dict:
    """学校控辍保学月报: one row per visible school (teaching points included in their own row)."""
    start, end = rules.month_bounds(year, month)
    cases = cases_visible_to(user).filter(county=county, school__isnull=False)
    counts = _period_counts(cases, "school_id", start, end)
    school_year, term = rules.term_of(end)
    checks = {
        c.school_id: c
        for c in scope(user, RegisterCheck.objects.filter(year=school_year, term=term), **SCHOOL_SCOPE)
    }
    schools = list(
        schools_visible_to(user).filter(county=county).select_related("township").order_by(*SCHOOL_ORDER)
    )
    empty = dict.fromkeys((c for c, _ in REPORT_COLUMNS), 0)
    rows = [{"school": s, "counts": counts.get(s.pk, empty), "check": checks.get(s.pk)} for s in schools]
    totals = {c: sum(r["counts"][c] for r in rows) for c, _ in REPORT_COLUMNS}
    return {
        "start": start,
        "end": end,
        "year": year,
        "month": month,
        "rows": rows,
        "totals": totals,
        "columns": REPORT_COLUMNS,
        "term_label": rules.term_label(school_year, term),
    }


def quarterly_county_summary(user, county, year: int, quarter: int) -> dict:
    """县控辍保学季度汇总: per township, plus open cases by reason and the overdue count."""
    start, end = rules.quarter_bounds(year, quarter)
    cases = cases_visible_to(user).filter(county=county)
    counts = _period_counts(cases, "township_id", start, end)
    overdue = dict(
        cases.filter(pk__in=list(overdue_now(cases)))
        .values_list("township_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    townships = list(townships_visible_to(user).filter(county=county).order_by(*TOWNSHIP_ORDER))
    empty = dict.fromkeys((c for c, _ in REPORT_COLUMNS), 0)
    rows = [
        {"township": t, "counts": counts.get(t.pk, empty), "overdue": overdue.get(t.pk, 0)} for t in townships
    ]
    totals = {c: sum(r["counts"][c] for r in rows) for c, _ in REPORT_COLUMNS}
    open_reasons = Counter(
        dict(
            cases.filter(reported_on__lte=end)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
            .values_list("reason")
            .annotate(n=Count("id"))
        )
    )
    by_reason = [(label, open_reasons.get(value, 0)) for value, label in Reason.choices]
    return {
        "start": start,
        "end": end,
        "year": year,
        "quarter": quarter,
        "rows": rows,
        "totals": totals,
        "overdue_total": sum(overdue.values()),
        "columns": REPORT_COLUMNS,
        "by_reason": by_reason,
        "retention": latest_retention(user, county),
    }
