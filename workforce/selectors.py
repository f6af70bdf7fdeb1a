"""Reads of the workforce app: load the facts of a county (or one school) with a fixed number of
queries, hand them to workforce.engine, and shape results for pages, exports and other apps.

Entry points for other apps (they pass the county they already work for):

- ``guarantee_items(county, year)`` — the assessment's government-guarantee items;
- ``county_items(county, year)`` — the same numbers under the assessment catalogue's keys
  (sent to the assessment by workforce.receivers);
- ``readiness_rows(county, year)`` — rows of the readiness board (sent by workforce.receivers);
- ``staffing_summary(county, year)`` — by stage and subject, for the dossier and dashboard.

Views use ``county_workforce`` / ``school_workforce`` after the access check (accounts.access).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Max, Sum, When
from django.utils import timezone

from domain import numbers
from domain.vocabulary import COMPULSORY_STAGES
from schools.models import County, School, SchoolClass, SchoolConditions, Sponsor, Teacher, school_year_label
from workforce import engine
from workforce.curriculum import JUNIOR, PRIMARY
from workforce.engine import (
    PE_ARTS_PSY,
    TRAINING_HOURS,
    TRAINING_YEARS,
    ExchangeFacts,
    Rules,
    SchoolFacts,
    TeacherFacts,
    as_float,
)
from workforce.models import ApprovedPosts, ExchangeRecord, TrainingRecord

COMPULSORY = COMPULSORY_STAGES  # the roster rows of 在岗教职工 (domain.vocabulary.IN_POST)


def rules_from_settings() -> Rules:
    return Rules(
        required_subjects={
            PRIMARY: tuple(settings.WORKFORCE_REQUIRED_SUBJECTS_PRIMARY),
            JUNIOR: tuple(settings.WORKFORCE_REQUIRED_SUBJECTS_JUNIOR),
        },
        small_school_under=settings.WORKFORCE_SMALL_SCHOOL_UNDER,
        class_post_ratio=Fraction(settings.WORKFORCE_CLASS_POST_RATIO),
        weekly_periods_per_teacher=settings.WORKFORCE_TEACHER_WEEKLY_PERIODS,
        travel_max_schools=settings.WORKFORCE_TRAVEL_MAX_SCHOOLS,
        travel_max_periods=settings.WORKFORCE_TRAVEL_MAX_PERIODS,
        travel_max_classes=settings.WORKFORCE_TRAVEL_MAX_CLASSES,
        exchange_eligible_years=settings.WORKFORCE_EXCHANGE_ELIGIBLE_YEARS,
        exchange_school_areas=tuple(settings.WORKFORCE_EXCHANGE_SCHOOL_AREAS),
    )


# --- years ---------------------------------------------------------------------------------------


def current_school_year(today=None) -> int:
    """The starting year of the school year `today` falls in (a school year starts in September)."""
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def available_years(county) -> list[int]:
    """School years with roster, conditions or approved posts in the county, latest first."""
    years: set[int] = set()
    for model in (Teacher, SchoolConditions, ApprovedPosts):
        # order_by(): the models' default ordering would otherwise join the DISTINCT
        years |= set(
            model.objects.filter(school__county=county).order_by().values_list("year", flat=True).distinct()
        )
    return sorted(years, reverse=True)


def pick_year(requested, years: list[int], today=None) -> int:
    """The requested year if it is a plausible number, else the latest year with data."""
    try:
        year = int(requested)
    except (TypeError, ValueError):
        year = None
    if year is not None and 2000 <= year <= 2100:
        return year
    return years[0] if years else current_school_year(today)


# --- loading -------------------------------------------------------------------------------------


@dataclass
class Facts:
    county: County
    year: int
    schools: list[SchoolFacts]
    roster: list[TeacherFacts]
    exchanges: list[ExchangeFacts]
    exchange_rows: list[ExchangeRow]
    training_records: int  # records in the five-year window (0: no training data entered)
    certificate_records: int  # of which with 是/否 for the certificate
    school_ids: dict[str, int]

    @property
    def window(self) -> tuple[int, int]:
        return self.year - TRAINING_YEARS + 1, self.year


def _stages(school: School, conditions: dict | None, class_stages: set[str]) -> tuple[str, ...]:
    out = []
    for stage, has, key in (
        (PRIMARY, school.has_primary, "primary_students"),
        (JUNIOR, school.has_junior, "junior_students"),
    ):
        if has and (conditions is None or conditions[key] > 0 or stage in class_stages):
            out.append(stage)
    return tuple(out)


def load_facts(county: County, year: int, *, school: School | None = None) -> Facts:
    """Everything the engine needs for `county` (or one `school` of it) in school `year`.

    Eight queries whatever the number of schools or teachers.
    """
    where = {"school__county": county} if school is None else {"school": school}
    schools_qs = School.objects.filter(county=county).select_related("township").order_by("code")
    if school is not None:
        schools_qs = schools_qs.filter(pk=school.pk)
    schools = list(schools_qs)
    conditions = {
        row["school_id"]: row
        for row in SchoolConditions.objects.filter(year=year, **where).values(
            "school_id", "primary_students", "junior_students"
        )
    }
    classes: dict[int, dict[tuple[str, int], int]] = defaultdict(dict)
    for row in (
        SchoolClass.objects.filter(year=year, **where)
        .values("school_id", "stage", "grade")
        .annotate(n=Count("id"))
        .order_by()
    ):
        classes[row["school_id"]][(row["stage"], row["grade"])] = row["n"]
    approved = dict(ApprovedPosts.objects.filter(year=year, **where).values_list("school_id", "posts"))

    first, last = year - TRAINING_YEARS + 1, year
    training: dict[tuple[int, str], dict] = {}
    records = certificates = 0
    for row in (
        TrainingRecord.objects.filter(year__gte=first, year__lte=last, **where)
        .values("school_id", "staff_no")
        .annotate(
            hours=Sum("hours"),
            n=Count("id"),
            known=Count("has_certificate"),
            last_yes=Max(Case(When(has_certificate=True, then="year"), output_field=IntegerField())),
            last_no=Max(Case(When(has_certificate=False, then="year"), output_field=IntegerField())),
        )
        .order_by()
    ):
        training[(row["school_id"], row["staff_no"])] = row
        records += row["n"]
        certificates += row["known"]

    code_of = {s.pk: s.code for s in schools}
    roster = []
    for sid, staff_no, name, stage, subject, full_time, joined, backbone in (
        Teacher.objects.filter(year=year, stage__in=COMPULSORY, **where)
        .order_by()
        .values_list(
            "school_id", "staff_no", "name", "stage", "subject", "full_time", "joined_year", "backbone"
        )
    ):
        t = training.get((sid, staff_no))
        roster.append(
            TeacherFacts(
                school=code_of[sid],
                staff_no=staff_no,
                name=name,
                stage=stage,
                subject=subject,
                full_time=full_time,
                joined_year=joined,
                backbone=backbone != "无",
                training_hours=t["hours"] if t else 0,
                certified=_certified(t),
            )
        )

    exchange_where = {"from_school__county": county} if school is None else {"from_school": school}
    exchange_rows = _exchange_rows(ExchangeRecord.objects.filter(year=year, **exchange_where))
    exchanges = [
        ExchangeFacts(
            staff_no=e.staff_no,
            from_school=e.from_code,
            to_school=e.to_code,
            backbone=e.backbone,
            name=e.teacher_name,
        )
        for e in exchange_rows
    ]

    class_stages = {sid: {stage for stage, _ in c} for sid, c in classes.items()}
    facts = [
        SchoolFacts(
            code=s.code,
            name=s.name,
            township=s.township.name,
            urban_rural=s.urban_rural,
            public=s.sponsor == Sponsor.PUBLIC,
            stages=_stages(s, conditions.get(s.pk), class_stages.get(s.pk, set())),
            primary_students=conditions.get(s.pk, {}).get("primary_students", 0),
            junior_students=conditions.get(s.pk, {}).get("junior_students", 0),
            classes=classes.get(s.pk),
            approved_posts=approved.get(s.pk),
        )
        for s in schools
    ]
    return Facts(
        county=county,
        year=year,
        schools=facts,
        roster=roster,
        exchanges=exchanges,
        exchange_rows=exchange_rows,
        training_records=records,
        certificate_records=certificates,
        school_ids={s.code: s.pk for s in schools},
    )


def _certified(row) -> bool | None:
    """The latest 是/否 of the five-year window; None when never answered."""
    if row is None:
        return None
    yes, no = row["last_yes"], row["last_no"]
    if yes is None and no is None:
        return None
    return no is None or (yes is not None and yes > no)


class Workforce:
    """Results for one county (or one school) and year; each part is computed when first used."""

    def __init__(self, facts: Facts, rules: Rules | None = None):
        self.facts = facts
        self.rules = rules or rules_from_settings()

    @property
    def year(self) -> int:
        return self.facts.year

    @property
    def year_label(self) -> str:
        return school_year_label(self.facts.year)

    @property
    def window_label(self) -> str:
        first, last = self.facts.window
        return f"{first}—{last + 1}"

    @cached_property
    def in_post(self) -> dict[str, int]:
        return dict(Counter(t.school for t in self.facts.roster))

    @cached_property
    def full_time(self) -> dict[str, dict[tuple[str, str], int]]:
        out: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
        for t in self.facts.roster:
            if t.full_time:
                key = (t.stage, t.subject)
                out[t.school][key] = out[t.school].get(key, 0) + 1
        return out

    @cached_property
    def posts(self) -> engine.CountyPosts:
        return engine.county_posts(self.facts.schools, self.in_post, self.rules)

    @cached_property
    def coverages(self) -> list[engine.SchoolCoverage]:
        covs = [
            engine.school_coverage(s, self.full_time.get(s.code, {}), self.rules) for s in self.facts.schools
        ]
        return engine.coverage_order(covs)

    @cached_property
    def plan(self) -> engine.Plan:
        return engine.recruitment_plan(self.coverages, self.rules)

    @cached_property
    def exchange(self) -> engine.CountyExchange:
        return engine.county_exchange(
            self.facts.schools, self.facts.roster, self.facts.exchanges, year=self.year, rules=self.rules
        )

    @cached_property
    def training(self) -> engine.CountyTraining:
        return engine.county_training(self.facts.schools, self.facts.roster)

    @cached_property
    def items(self) -> list[dict]:
        """The government-guarantee items (see guarantee_items)."""
        return _guarantee_items(self)

    @cached_property
    def gap_counts(self) -> dict[str, int]:
        """Schools without a full-time teacher of each of 体育/音乐/美术/心理健康."""
        counts = dict.fromkeys(PE_ARTS_PSY, 0)
        for cov in self.coverages:
            for subject in {g.subject for g in cov.pe_arts_gaps}:
                counts[subject] += 1
        return counts

    @cached_property
    def schools_with_gaps(self) -> int:
        return sum(1 for c in self.coverages if c.gaps)

    @cached_property
    def schools_with_pe_arts_gaps(self) -> int:
        return sum(1 for c in self.coverages if c.pe_arts_gaps)


def county_workforce(county: County, year: int) -> Workforce:
    return Workforce(load_facts(county, year))


def school_workforce(school: School, year: int) -> Workforce:
    return Workforce(load_facts(school.county, year, school=school))


class ExchangeRow(NamedTuple):
    """An exchange record for display (plain values: a county lists a thousand of them)."""

    staff_no: str
    teacher_name: str
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    start_date: date
    end_date: date | None
    backbone: bool


def _exchange_rows(qs) -> list[ExchangeRow]:
    return [
        ExchangeRow(*row)
        for row in qs.order_by("from_school__code", "staff_no").values_list(
            "staff_no",
            "teacher_name",
            "from_school__code",
            "from_school__name",
            "to_school__code",
            "to_school__name",
            "start_date",
            "end_date",
            "backbone",
        )
    ]


def exchanges_into(school: School, year: int) -> list[ExchangeRow]:
    return _exchange_rows(ExchangeRecord.objects.filter(year=year, to_school=school))


def _county(county) -> County:
    return county if isinstance(county, County) else County.objects.get(code=county)


# --- results for other apps ----------------------------------------------------------------------


def _item(key, label, value: Fraction | None, threshold, passed, detail, evidence) -> dict:
    return {
        "key": key,
        "label": label,
        "value": as_float(value),
        "threshold": threshold,
        "passed": passed,
        "detail": detail,
        "evidence": evidence,
        "value_display": numbers.pct_against(value, threshold),
    }


def _exchange_item(wf: Workforce) -> dict:
    ex = wf.exchange
    years = wf.rules.exchange_eligible_years
    evidence = f"{wf.year_label}交流轮岗记录 {ex.exchanged} 条；教师花名册到本校年份（师资 › 交流轮岗）"
    missing = f"；{ex.unknown_joined} 名教师未填到本校年份，未计入" if ex.unknown_joined else ""
    if ex.eligible == 0:
        detail = f"无符合交流条件的教师（同一学校任教满 {years} 年）{missing}"
        passed = None
    else:
        detail = (
            f"交流轮岗 {ex.exchanged} 人 / 符合交流条件 {ex.eligible} 人 = {numbers.pct_against(ex.rate, engine.EXCHANGE_MIN_RATE)}（要求 ≥ 10%）；"
            f"骨干教师 {ex.backbone} 人，占交流人数 {numbers.pct_against(ex.backbone_share, engine.EXCHANGE_BACKBONE_MIN_SHARE)}（要求 ≥ 20%）{missing}"
        )
        passed = ex.passed
    return _item(
        "teacher_exchange",
        "交流轮岗比例 ≥ 10%，其中骨干教师 ≥ 20%",
        ex.rate,
        float(engine.EXCHANGE_MIN_RATE),
        passed,
        detail,
        evidence,
    )


def _training_item(wf: Workforce) -> dict:
    tr = wf.training
    window = wf.window_label
    evidence = f"{window}学年教师培训学时记录 {wf.facts.training_records} 条（师资 › 培训与持证）"
    if tr.teachers == 0:
        return _item(
            "training_360",
            f"5年{TRAINING_HOURS}学时培训完成率 100%",
            None,
            1.0,
            None,
            f"{wf.year_label}教师花名册为空",
            evidence,
        )
    if wf.facts.training_records == 0:
        return _item(
            "training_360",
            f"5年{TRAINING_HOURS}学时培训完成率 100%",
            None,
            1.0,
            None,
            f"尚未导入 {window} 学年的培训学时",
            evidence,
        )
    detail = (
        f"{window}学年累计满 {TRAINING_HOURS} 学时 {tr.complete} 人 / 教师 {tr.teachers} 人 = "
        f"{numbers.pct_against(tr.completion_rate, 1, passed=tr.complete == tr.teachers)}（要求 100%）"
    )
    return _item(
        "training_360",
        f"5年{TRAINING_HOURS}学时培训完成率 100%",
        tr.completion_rate,
        1.0,
        tr.complete == tr.teachers,
        detail,
        evidence,
    )


def _certificate_item(wf: Workforce) -> dict:
    tr = wf.training
    evidence = f"{wf.window_label}学年教师资格证填报 {wf.facts.certificate_records} 条（师资 › 培训与持证）"
    label = "专任教师持证上岗率 100%"
    if tr.full_time == 0:
        return _item(
            "certified_teachers",
            label,
            None,
            1.0,
            None,
            f"{wf.year_label}教师花名册中没有在岗专任教师",
            evidence,
        )
    if wf.facts.certificate_records == 0:
        return _item("certified_teachers", label, None, 1.0, None, "尚未导入教师资格证情况", evidence)
    detail = (
        f"持证 {tr.certified} 人 / 在岗专任教师 {tr.full_time} 人 = {numbers.pct_against(tr.certified_rate, 1)}"
        f"（要求 100%；非专任的 {tr.teachers - tr.full_time} 人不计）"
    )
    if tr.uncertified:
        detail += f"；未持证 {tr.uncertified} 人"
    if tr.cert_unknown:
        detail += f"；未填报 {tr.cert_unknown} 人（不计为持证）"
    return _item(
        "certified_teachers", label, tr.certified_rate, 1.0, tr.certified == tr.full_time, detail, evidence
    )


def _guarantee_items(wf: Workforce) -> list[dict]:
    return [_exchange_item(wf), _training_item(wf), _certificate_item(wf)]


def guarantee_items(county, year: int) -> list[dict]:
    """The government-guarantee items the workforce data decide (domain.md §2.2).

    A list of dicts with keys ``key`` ("teacher_exchange", "training_360", "certified_teachers"),
    ``label``, ``value`` (a fraction, 0.125 = 12.5 %; None when undetermined), ``threshold``
    (a fraction: 0.10 for the exchange rate, 1.0 for the others), ``passed`` (True/False, or None
    when the data do not decide: no eligible teacher, nothing imported), ``detail`` (the figures,
    in Chinese), ``evidence`` (a short description of the records) and ``value_display``
    ("12.5%"). The exchange item passes only when the rate is ≥ 10 % *and* backbone teachers are
    ≥ 20 % of those exchanged; its detail gives both figures.
    """
    return _guarantee_items(county_workforce(_county(county), year))


# Keys of indicators.county_items.CATALOGUE → how to read them from the workforce items.
_CATALOGUE_KEYS = (
    ("teacher_exchange", "teacher_exchange"),
    ("teacher_training", "training_360"),
    ("teacher_certificates", "certified_teachers"),
)


def county_items(county, year: int) -> list[dict]:
    """Provider for indicators.county_items: the guarantee items under the catalogue's keys, each
    with the numbers of its 表Ⅳ sentence (``inputs``); the assessment computes the rates from them
    exactly. The exchange item carries the backbone count too (表Ⅳ-11 judges both shares)."""
    wf = county_workforce(_county(county), year)
    by_key = {i["key"]: i for i in _guarantee_items(wf)}
    ex, tr = wf.exchange, wf.training
    # Only decided items carry figures: an empty roster fills no blank with 0.
    inputs = {
        "teacher_exchange": {"eligible": ex.eligible, "exchanged": ex.exchanged, "backbone": ex.backbone},
        "teacher_training": {"complete": tr.complete, "teachers": tr.teachers},
        "teacher_certificates": {"certified": tr.certified, "full_time": tr.full_time},
    }
    out = []
    for catalogue_key, key in _CATALOGUE_KEYS:
        item = by_key[key]
        decided = item["passed"] is not None
        out.append(
            {
                "key": catalogue_key,
                "label": item["label"],
                "passed": item["passed"],
                "inputs": inputs[catalogue_key] if decided else {},
                "detail": item["detail"],
                "evidence": [item["evidence"]],
            }
        )
    return out


def readiness_rows(county, year: int) -> list[dict]:
    """Rows of the readiness board (area 师资队伍): posts and PE/arts teachers."""
    wf = county_workforce(_county(county), year)
    posts = wf.posts
    rows = []
    if posts.short:
        rows.append(
            _row(
                "按编制标准配足教师",
                "fail",
                f"{posts.short_schools} 所学校低于编制标准，共缺 {posts.short} 人",
            )
        )
    else:
        rows.append(_row("按编制标准配足教师", "pass", f"在岗 {posts.in_post} 人，标准 {posts.required} 人"))
    if posts.vacancies:
        rows.append(_row("空编及时补充", "at_risk", f"空编 {posts.vacancies} 个尚未补充"))
    elif posts.approved_missing:
        rows.append(_row("空编及时补充", "at_risk", f"{posts.approved_missing} 所学校未录入核定编制数"))
    else:
        rows.append(_row("空编及时补充", "pass", "无空编"))
    counts = wf.gap_counts
    if wf.schools_with_pe_arts_gaps:
        text = "；".join(f"缺{s}教师 {n} 所" for s, n in counts.items() if n)
        rows.append(
            _row(
                "音体美及心理健康专任教师配齐",
                "fail",
                f"{text}；补充计划需 {wf.plan.teachers} 人（走教 {wf.plan.travelling} 人）",
            )
        )
    else:
        rows.append(_row("音体美及心理健康专任教师配齐", "pass", "每所学校均有专任教师"))
    # Exchange, training and certificates are county items of the assessment (county_items above):
    # the board shows them from the current assessment, once, with the verdict's own figures.
    return rows


def _row(item: str, status: str, detail: str) -> dict:
    return {"area": "师资队伍", "item": item, "status": status, "detail": detail, "owner": "县教育局人事股"}


def staffing_summary(county, year: int) -> dict:
    """Staffing by stage and subject for the dossier and dashboard (plain data, Chinese labels).

    Keys: ``year``, ``year_label``; ``posts`` (required, approved, in_post, vacancies,
    over_establishment, short, surplus, short_schools, approved_missing); ``stages`` — for 小学
    and 初中: schools, students, teachers, full_time, posts_by_students (unrounded, float),
    students_per_teacher; ``subjects`` — per stage and subject: teachers (full-time), required,
    schools_without; ``pe_arts_gaps`` — for 体育/音乐/美术/心理健康 the names of the schools
    without a full-time teacher; ``plan`` (teachers, hire, move, travelling); ``exchange``,
    ``training`` and ``items`` (the guarantee items).
    """
    wf = county_workforce(_county(county), year)
    posts = wf.posts
    stage_rows = {}
    for stage in COMPULSORY:
        schools = [s for s in wf.facts.schools if stage in s.stages]
        students = sum(s.primary_students if stage == PRIMARY else s.junior_students for s in schools)
        teachers = [t for t in wf.facts.roster if t.stage == stage]
        full_time = sum(1 for t in teachers if t.full_time)
        stage_rows[stage] = {
            "schools": len(schools),
            "students": students,
            "teachers": len(teachers),
            "full_time": full_time,
            "posts_by_students": float(Fraction(students) / engine.STUDENTS_PER_POST[stage]),
            "students_per_teacher": as_float(engine.ratio(students, full_time)),
        }
    subjects: dict[tuple[str, str], dict] = {}
    for cov in wf.coverages:
        for line in cov.lines:
            row = subjects.setdefault(
                (line.stage, line.subject),
                {
                    "stage": line.stage,
                    "subject": line.subject,
                    "teachers": 0,
                    "required": False,
                    "schools_without": 0,
                },
            )
            row["teachers"] += line.teachers
            row["required"] = row["required"] or line.required
            row["schools_without"] += 1 if line.gap else 0
    gaps: dict[str, list[str]] = {s: [] for s in PE_ARTS_PSY}
    for cov in wf.coverages:
        for subject in sorted({g.subject for g in cov.pe_arts_gaps}, key=PE_ARTS_PSY.index):
            gaps[subject].append(cov.school.name)
    ex, tr, plan = wf.exchange, wf.training, wf.plan
    return {
        "year": year,
        "year_label": wf.year_label,
        "posts": {
            "required": posts.required,
            "approved": posts.approved,
            "in_post": posts.in_post,
            "vacancies": posts.vacancies,
            "over_establishment": posts.over_establishment,
            "short": posts.short,
            "surplus": posts.surplus,
            "short_schools": posts.short_schools,
            "approved_missing": posts.approved_missing,
            "note": posts.balance_note,
        },
        "stages": stage_rows,
        "subjects": sorted(
            subjects.values(),
            key=lambda r: (COMPULSORY.index(r["stage"]), -r["schools_without"], r["subject"]),
        ),
        "pe_arts_gaps": gaps,
        "plan": {
            "teachers": plan.teachers,
            "hire": plan.hire,
            "move": plan.movable,
            "travelling": plan.travelling,
        },
        "exchange": {
            "eligible": ex.eligible,
            "exchanged": ex.exchanged,
            "backbone": ex.backbone,
            "rate": as_float(ex.rate),
            "backbone_share": as_float(ex.backbone_share),
            "passed": ex.passed,
        },
        "training": {
            "teachers": tr.teachers,
            "complete": tr.complete,
            "certified": tr.certified,
            "completion_rate": as_float(tr.completion_rate),
            "certified_rate": as_float(tr.certified_rate),
        },
        "items": _guarantee_items(wf),
    }
