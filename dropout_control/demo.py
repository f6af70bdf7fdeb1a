"""Demo rows for `manage.py seed_demo` (receiver of balance_inspect.signals.demo_seeded).

26 cases spread over the townships in every state of the workflow (some overdue, one close
request waiting for review), with their timelines, persuasion logs, notices and responsible
persons; responsibility letters of this year with a few missing; the term-start register
checks of the current term with a few missing; and ten years of cohort figures that give
plausible retention rates. Dates are relative to today; everything is drawn from `rng`.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from dropout_control import rules
from dropout_control.models import (
    CaseEvent,
    CaseKind,
    CaseResponsible,
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
    ResponsibleLevel,
    ReturnNotice,
    VisitMethod,
    VisitResult,
)
from dropout_control.services import case_refresh_overdue, notice_prefix
from schools.idcard import id_check_digit
from schools.models import School, SchoolConditions, SchoolType

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = (
    "子涵",
    "浩然",
    "欣怡",
    "宇轩",
    "梓萱",
    "俊杰",
    "雨桐",
    "博文",
    "诗涵",
    "子轩",
    "一诺",
    "佳怡",
    "明轩",
    "思雨",
    "天佑",
    "晨曦",
    "嘉怡",
    "志强",
    "小龙",
    "海燕",
    "金凤",
    "建国",
    "春梅",
    "国栋",
)
GUARDIAN_GIVEN = {
    True: ("建国", "志强", "国栋", "海军", "永明", "德福"),
    False: ("春梅", "秀英", "海燕", "桂兰", "金凤", "玉珍"),
}
VILLAGES = ("东村", "西村", "南庄", "北屯", "前街", "后沟", "新村", "李家洼", "王家庄", "河湾")
RELATIONS = (("父亲", True), ("母亲", False), ("祖父", True), ("祖母", False))

# (furthest status reached, absent days ago, reason, outcome, "" / "pending" review / "closed")
PLAN = (
    (CaseStatus.SUSPECTED, 9, Reason.LEARNING, "", ""),
    (CaseStatus.SUSPECTED, 12, Reason.WORK, "", ""),
    (CaseStatus.SUSPECTED, 16, Reason.GUARDIANSHIP, "", ""),
    (CaseStatus.SUSPECTED, 41, Reason.LEARNING, "", ""),  # overdue: reported late, never confirmed
    (CaseStatus.SUSPECTED, 20, Reason.HARDSHIP, "", ""),
    (CaseStatus.CONFIRMED, 38, Reason.MARRIAGE, "", ""),
    (CaseStatus.CONFIRMED, 45, Reason.WORK, "", ""),
    (CaseStatus.CONFIRMED, 35, Reason.ILLNESS, "", ""),  # a child never enrolled
    (CaseStatus.PERSUADING, 50, Reason.LEARNING, "", ""),
    (CaseStatus.PERSUADING, 60, Reason.WORK, "", ""),
    (CaseStatus.PERSUADING, 55, Reason.RELIGION, "", ""),
    (CaseStatus.PERSUADING, 70, Reason.GUARDIANSHIP, "", ""),
    (CaseStatus.PERSUADING, 48, Reason.HARDSHIP, Outcome.RETURNED, "pending"),
    (CaseStatus.NOTICE_SERVED, 80, Reason.LEARNING, "", ""),
    (CaseStatus.NOTICE_SERVED, 95, Reason.WORK, "", ""),  # overdue: the notice's deadline passed
    (CaseStatus.NOTICE_SERVED, 75, Reason.OTHER, "", ""),
    (CaseStatus.LEGAL, 140, Reason.MARRIAGE, "", ""),
    (CaseStatus.SUSPECTED, 15, Reason.LEARNING, Outcome.RETURNED, "closed"),  # came back quickly
    (CaseStatus.PERSUADING, 90, Reason.WORK, Outcome.RETURNED, "closed"),
    (CaseStatus.NOTICE_SERVED, 120, Reason.LEARNING, Outcome.RETURNED, "closed"),
    (CaseStatus.CONFIRMED, 100, Reason.ILLNESS, Outcome.HOME_TEACHING, "closed"),
    (CaseStatus.CONFIRMED, 65, Reason.ILLNESS, Outcome.DEFERRAL, "closed"),
    (CaseStatus.PERSUADING, 85, Reason.HARDSHIP, Outcome.TRANSFERRED, "closed"),
    (CaseStatus.LEGAL, 150, Reason.GUARDIANSHIP, Outcome.RETURNED, "closed"),
    (CaseStatus.CONFIRMED, 200, Reason.WORK, Outcome.SPECIAL_EDUCATION, "closed"),
    (CaseStatus.SUSPECTED, 7, Reason.OTHER, "", ""),
)
_ORDER = (
    CaseStatus.SUSPECTED,
    CaseStatus.CONFIRMED,
    CaseStatus.PERSUADING,
    CaseStatus.NOTICE_SERVED,
    CaseStatus.LEGAL,
)


def seed_dropout_demo(sender, *, county, users, year, rng, **kwargs):
    today = timezone.localdate()
    schools = list(School.objects.filter(county=county).select_related("township").order_by("code"))
    regular = [s for s in schools if s.school_type != SchoolType.TEACHING_POINT]
    _seed_cases(county, users, regular, rng, today)
    _seed_letters(county, regular, users, rng, today)
    _seed_register_checks(regular, users, rng, today)
    _seed_cohorts(regular, users, rng, today, year)


def reached_any(status) -> bool:
    return status != CaseStatus.SUSPECTED


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _child(rng, school: School | None, county, seq: int, today: date):
    grade = rng.randint(3, 9) if school is None or school.has_junior else rng.randint(2, 6)
    if school is not None and school.has_junior and not school.has_primary:
        grade = rng.randint(7, 9)
    birth = date(today.year - 6 - grade, rng.randint(1, 12), rng.randint(1, 28))
    male = rng.random() < 0.55
    sequence = f"{seq:02d}{rng.choice('13579') if male else rng.choice('02468')}"
    first17 = f"{county.code}{birth:%Y%m%d}{sequence}"
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "sex": "male" if male else "female",
        "birth_date": birth,
        "id_number": first17 + id_check_digit(first17),
        "grade": grade,
    }


def _seed_cases(county, users, schools, rng, today):
    township_user, bureau, admin, reporter = (
        users["township"],
        users["bureau"],
        users["admin"],
        users["school"],
    )
    by_township = {}
    for s in schools:
        by_township.setdefault(s.township, []).append(s)
    townships = sorted(by_township, key=lambda t: t.name)
    notice_seq = 0
    for i, (status, days, reason, outcome, close_state) in enumerate(PLAN):
        township = townships[i % len(townships)] if i % 3 else township_user.township
        school = rng.choice(by_township[township])
        never_enrolled = i == 7
        person = _child(rng, None if never_enrolled else school, county, i + 10, today)
        relation, guardian_male = rng.choice(RELATIONS)
        absent = today - timedelta(days=days)
        reported = absent + timedelta(days=rng.randint(5, 7) if i != 3 else 9)
        actor = township_user if township.pk == township_user.township_id else bureau
        case = DropoutCase.objects.create(
            number=f"KC{county.code}-{reported.year}-{i + 1:04d}",
            county=county,
            township=township,
            village=rng.choice(VILLAGES),
            school=None if never_enrolled else school,
            kind=CaseKind.NEVER_ENROLLED if never_enrolled else CaseKind.DROPOUT,
            name=person["name"],
            sex=person["sex"],
            birth_date=person["birth_date"],
            id_number=person["id_number"],
            student_number="" if never_enrolled else "G" + person["id_number"],
            household_address=f"{county.name}{township.name}{rng.choice(VILLAGES)}{rng.randint(1, 120)}号",
            grade=None if never_enrolled else person["grade"],
            class_name="" if never_enrolled else f"{rng.randint(1, 4)}班",
            absent_since=absent,
            reported_on=reported,
            poverty_household=rng.random() < 0.3,
            left_behind=rng.random() < 0.35,
            migrant=rng.random() < 0.1,
            disability_type="physical" if reason == Reason.ILLNESS else "",
            disability_grade="2" if reason == Reason.ILLNESS else "",
            guardian_name=(person["name"][0] if guardian_male else rng.choice(SURNAMES))
            + rng.choice(GUARDIAN_GIVEN[guardian_male]),
            guardian_relation=relation,
            guardian_phone=f"13{rng.randint(100000000, 999999999)}",
            reason=reason,
            reason_detail="家访了解到学生因" + Reason(reason).label + "不愿到校。",
            assistance_measures="落实“一生一案”，安排教师结对帮扶。" if reached_any(status) else "",
            created_by=reporter if school == reporter.school else actor,
        )
        events = [(reported, EventKind.CREATED, "", CaseStatus.SUSPECTED, "学校上报疑似辍学")]
        reached = _ORDER.index(status)
        day = reported
        if reached >= 1:
            day = min(today, reported + timedelta(days=rng.randint(15, 25)))
            case.confirmed_on = day
            events.append(
                (
                    day,
                    EventKind.CONFIRMED,
                    CaseStatus.SUSPECTED,
                    CaseStatus.CONFIRMED,
                    "缺课超过 30 天，经入户核实确认辍学",
                )
            )
        if reached >= 2:
            day = min(today, day + timedelta(days=1))
            events.append(
                (day, EventKind.PERSUASION_STARTED, CaseStatus.CONFIRMED, CaseStatus.PERSUADING, "")
            )
        visit_count = 0 if i in (3, 25) else (1 if reached < 2 else rng.randint(2, 3))
        for v in range(visit_count):
            visited = min(today, reported + timedelta(days=1 + v * rng.randint(5, 9)))
            visit = PersuasionLog.objects.create(
                case=case,
                visited_on=visited,
                method=VisitMethod.PHONE if v == 0 else VisitMethod.HOME_VISIT,
                gov_people=f"{township.name}干部、{case.village}村委会主任",
                edu_people="班主任、校长",
                result=VisitResult.UNDECIDED
                if v < visit_count - 1
                else rng.choice([VisitResult.REFUSED, VisitResult.UNDECIDED, VisitResult.AGREED]),
                result_detail="与监护人面谈，宣讲义务教育法，了解家庭困难。",
                created_by=actor,
            )
            events.append(
                (
                    visited,
                    EventKind.VISIT,
                    "",
                    "",
                    f"{visited:%Y-%m-%d} {visit.get_method_display()}：{visit.get_result_display()}",
                )
            )
        if reached >= 3:
            notice_seq += 1
            issued = min(today, day + timedelta(days=10))
            if close_state == "" and status == CaseStatus.NOTICE_SERVED:
                # Open notices are recent, except one whose deadline passed ten days ago.
                issued = today - timedelta(days=25 if i == 14 else rng.randint(3, 12))
            notice = ReturnNotice.objects.create(
                case=case,
                county=county,
                year=issued.year,
                seq=notice_seq,
                number=f"{notice_prefix(county)}〔{issued.year}〕第 {notice_seq:04d} 号",
                school=school,
                issued_on=issued,
                deadline=issued + timedelta(days=15),
                issued_by=actor,
                delivered_on=issued,
                delivery_method="in_person",
                receiver=case.guardian_name,
                served_by=actor,
            )
            events.append((issued, EventKind.NOTICE_ISSUED, "", "", f"{notice.number}，返回 {school.name}"))
            events.append(
                (
                    issued,
                    EventKind.NOTICE_SERVED,
                    CaseStatus.PERSUADING,
                    CaseStatus.NOTICE_SERVED,
                    f"{notice.number}，直接送达，签收人 {case.guardian_name}",
                )
            )
            day = issued
        if reached >= 4:
            day = min(today, day + timedelta(days=20))
            events.append(
                (
                    day,
                    EventKind.LEGAL_STARTED,
                    CaseStatus.NOTICE_SERVED,
                    CaseStatus.LEGAL,
                    "监护人拒不送子女返校，乡镇政府书面责令限期改正",
                )
            )
        case.status = _ORDER[reached]
        if outcome:
            requester = actor
            reviewer = bureau if requester != bureau else admin  # never the requester
            req_day = min(today, day + timedelta(days=rng.randint(3, 10)))
            case.outcome = outcome
            if outcome == Outcome.RETURNED:
                case.outcome_school, case.outcome_date = school, req_day
            else:
                case.outcome_note = {
                    Outcome.HOME_TEACHING: "经县残疾人教育专家委员会评估，安排送教上门，每周两次。",
                    Outcome.DEFERRAL: "因病住院治疗，县教育局批准延缓入学一年。",
                    Outcome.TRANSFERRED: "已随父母转入外省学校就读，附转学联系函。",
                    Outcome.SPECIAL_EDUCATION: "经评估安置到县特殊教育学校就读。",
                }[outcome]
            case.close_requested_at, case.close_requested_by = _at(req_day, 15), requester
            events.append((req_day, EventKind.CLOSE_REQUESTED, "", "", f"结果：{Outcome(outcome).label}"))
            if close_state == "closed":
                close_day = min(today, req_day + timedelta(days=rng.randint(1, 5)))
                case.closed_from, case.status = case.status, CaseStatus.CLOSED
                case.reviewer, case.closed_on = reviewer, close_day
                events.append(
                    (
                        close_day,
                        EventKind.CLOSED,
                        case.closed_from,
                        CaseStatus.CLOSED,
                        f"审核通过，结果：{Outcome(outcome).label}",
                    )
                )
        case.save()
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case=case,
                    at=_at(d, 9 + n % 8),
                    user=actor,
                    kind=kind,
                    from_status=f,
                    to_status=t,
                    note=note,
                )
                for n, (d, kind, f, t, note) in enumerate(events)
            ]
        )
        _responsibles(case, township_user, bureau, reporter, rng)
        case_refresh_overdue(case, today=today)


def _responsibles(case, township_user, bureau, reporter, rng):
    rows = [
        CaseResponsible(case=case, level=ResponsibleLevel.EDU_BUREAU, user=bureau),
        CaseResponsible(
            case=case,
            level=ResponsibleLevel.GOV_VILLAGE,
            name=rng.choice(SURNAMES) + "主任",
            phone=f"139{rng.randint(10000000, 99999999)}",
        ),
        CaseResponsible(
            case=case,
            level=ResponsibleLevel.EDU_TEACHER,
            name=rng.choice(SURNAMES) + "老师",
            phone=f"137{rng.randint(10000000, 99999999)}",
        ),
    ]
    if case.township_id == township_user.township_id:
        rows.append(CaseResponsible(case=case, level=ResponsibleLevel.GOV_TOWNSHIP, user=township_user))
    else:
        rows.append(
            CaseResponsible(
                case=case,
                level=ResponsibleLevel.GOV_TOWNSHIP,
                name=rng.choice(SURNAMES) + "副镇长",
                phone=f"138{rng.randint(10000000, 99999999)}",
            )
        )
    if case.school_id and case.school_id == reporter.school_id:
        rows.append(CaseResponsible(case=case, level=ResponsibleLevel.EDU_SCHOOL, user=reporter))
    CaseResponsible.objects.bulk_create(rows)


def _seed_letters(county, schools, users, rng, today):
    year = today.year

    def signed():  # letters are signed at the start of the year's spring term
        return min(today, date(year, 2, 20) + timedelta(days=rng.randint(0, 30)))

    letters = []
    townships = sorted({s.township for s in schools}, key=lambda t: t.name)
    for township in townships:
        for line, party_a, party_b in (
            (Line.GOVERNMENT, f"{county.name}人民政府", f"{township.name}人民政府"),
            (Line.EDUCATION, f"{county.name}教育局", f"{township.name}中心校"),
        ):
            if rng.random() < 0.9:
                letters.append(
                    ResponsibilityLetter(
                        county=county,
                        township=township,
                        year=year,
                        line=line,
                        party_a=party_a,
                        party_b=party_b,
                        signed_on=signed(),
                        uploaded_by=users["bureau"],
                    )
                )
    for school in schools:
        for line, party_a in (
            (Line.GOVERNMENT, f"{school.township.name}人民政府"),
            (Line.EDUCATION, f"{county.name}教育局"),
        ):
            if rng.random() < 0.85:
                letters.append(
                    ResponsibilityLetter(
                        county=county,
                        township=school.township,
                        school=school,
                        year=year,
                        line=line,
                        party_a=party_a,
                        party_b=school.name,
                        signed_on=signed(),
                        uploaded_by=users["bureau"],
                    )
                )
    ResponsibilityLetter.objects.bulk_create(letters)


def _seed_register_checks(schools, users, rng, today):
    school_year, term = rules.term_of(today)
    term_start = date(school_year, 9, 1) if term == 1 else date(school_year + 1, 2, 20)
    done = min(today, term_start + timedelta(days=10))
    students = dict(
        SchoolConditions.objects.filter(school__in=schools)
        .order_by("year")
        .values_list("school_id", "primary_students")
    )
    junior = dict(
        SchoolConditions.objects.filter(school__in=schools)
        .order_by("year")
        .values_list("school_id", "junior_students")
    )
    checks = []
    for school in schools:
        if rng.random() < 0.15:
            continue
        on_register = (students.get(school.pk, 0) + junior.get(school.pk, 0)) or rng.randint(150, 600)
        missing = rng.randint(0, 4)
        checks.append(
            RegisterCheck(
                school=school,
                year=school_year,
                term=term,
                done_on=done,
                on_register=on_register,
                at_school=on_register - missing,
                suspected_found=rng.randint(0, missing),
                entered_by=users["bureau"],
            )
        )
    RegisterCheck.objects.bulk_create(checks)


def _seed_cohorts(schools, users, rng, today, year):
    """Twelve years of entrants/graduates; grade-1 entrants are scaled per township so that
    nine-year rates come out at 93–97%."""
    last = today.year
    years = range(last - 11, last + 1)
    sizes = {
        pk: (p, j)
        for pk, p, j in SchoolConditions.objects.filter(school__in=schools, year__lte=year)
        .order_by("year")
        .values_list("school_id", "primary_students", "junior_students")
    }
    rows = {}
    for s in schools:
        primary, junior = sizes.get(s.pk, (0, 0))
        for y in years:
            g1 = round(primary / 6 * rng.uniform(0.93, 1.07)) if s.has_primary and primary else 0
            g7 = round(junior / 3 * rng.uniform(0.93, 1.07)) if s.has_junior and junior else 0
            rows[(s.pk, y)] = CohortFigure(
                school=s, year=y, grade1_entrants=g1, grade7_entrants=g7, entered_by=users["bureau"]
            )
    for s in schools:
        if not s.has_junior:
            continue
        for y in years:
            entry = rows.get((s.pk, y - 3))
            if entry is None:
                continue
            row = rows[(s.pk, y)]
            row.transfers_in, row.transfers_out = rng.randint(0, 6), rng.randint(0, 8)
            row.deaths = 1 if rng.random() < 0.1 else 0
            base = entry.grade7_entrants + row.transfers_in - row.transfers_out - row.deaths
            row.junior_graduates = max(0, round(base * rng.uniform(0.955, 0.995)))
    townships = {s.township_id for s in schools}
    for y in years:
        if (y - 9) not in years:
            continue
        for township in townships:  # per township, so township rates are plausible too
            mine = [s for s in schools if s.township_id == township]
            graduates = sum(rows[(s.pk, y)].junior_graduates for s in mine)
            entrants = [rows[(s.pk, y - 9)] for s in mine if rows[(s.pk, y - 9)].grade1_entrants]
            total = sum(r.grade1_entrants for r in entrants)
            if graduates and total:
                factor = graduates / (rng.uniform(0.93, 0.97) * total)
                for r in entrants:
                    r.grade1_entrants = max(1, round(r.grade1_entrants * factor))
    CohortFigure.objects.bulk_create(rows.values())
