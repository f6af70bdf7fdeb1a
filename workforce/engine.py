"""Teacher-workforce arithmetic: posts, subject coverage, the recruitment plan, exchange, training.

Pure: no Django imports. The selectors load facts into the dataclasses below, these functions
compute, and every page, export and provider shows the same result.

Decisions (documented in the README as well):

- Posts required (核定编制标准) = ⌈primary students ÷ 19 + junior students ÷ 13.5⌉ for a school,
  computed exactly (fractions, never floats) from the unrounded ratios and rounded up once to
  whole posts: 190 primary students need exactly 10 posts, 191 need 11. A nine-year school's two
  stages are added before rounding, because posts are allotted to the school, not to its stages.
- Small rural schools (城乡类型 乡村 with fewer than `small_school_under` compulsory students) get
  posts by classes as well: ⌈classes × class_post_ratio⌉; the larger of the two rules applies,
  because the class rule exists to give such schools *extra* posts. Without class data the
  student rule alone applies.
- The county's posts required is the sum of the schools' whole posts (posts are allotted per
  school). Private schools (民办) have no establishment and are left out of the posts figures.
- Vacancies (空编) = approved posts − teachers in post (negative = over establishment, 超编);
  shortfall against the standard = posts required − teachers in post (negative = surplus).
- A required subject is covered when at least one full-time teacher (专任教师) of that stage has
  it as main subject. Where class data exist a subject the classes do not need (英语 in a
  school with only grades 1–2) is not required.
- Exchange (public schools only): eligible = teachers in the roster with ≥ `exchange_eligible_years` years in the same
  school (school year − year joined); a teacher exchanged out who is no longer on the school's
  roster was part of its eligible pool and is counted in it. Rate = teachers exchanged out ÷
  eligible; backbone share = backbone teachers ÷ teachers exchanged. A school with no eligible
  teacher is "not applicable" (None), never a division by zero.
- Training: a teacher completes when the hours of the last `TRAINING_YEARS` school years reach
  `TRAINING_HOURS`; certification counts only a known 是 as certified.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from math import ceil
from typing import NamedTuple

from domain import vocabulary
from workforce.curriculum import JUNIOR, PRIMARY, WEEKLY_PERIODS, subjects_taught

STAGES = (PRIMARY, JUNIOR)
# Staffing standard since 2014, urban and rural unified: students per post (domain.md §5).
STUDENTS_PER_POST: Mapping[str, Fraction] = {PRIMARY: Fraction(19), JUNIOR: Fraction(27, 2)}
# Subjects whose absence the bureau is asked about first (domain.md §2.2 PE/art indicator, 走教).
PE_ARTS_PSY = ("体育", "音乐", "美术", "心理健康")
EXCHANGE_MIN_RATE = Fraction(1, 10)
EXCHANGE_BACKBONE_MIN_SHARE = Fraction(1, 5)
TRAINING_HOURS = 360
TRAINING_YEARS = 5
RURAL = "乡村"

DEFAULT_REQUIRED_SUBJECTS: Mapping[str, tuple[str, ...]] = {
    PRIMARY: ("语文", "数学", "英语", "科学", "体育", "音乐", "美术", "信息技术", "心理健康"),
    JUNIOR: (
        "语文",
        "数学",
        "英语",
        "道德与法治",
        "历史",
        "地理",
        "物理",
        "化学",
        "生物",
        "体育",
        "音乐",
        "美术",
        "信息技术",
        "心理健康",
    ),
}


@dataclass(frozen=True)
class Rules:
    """The settings the arithmetic depends on (WORKFORCE_* in settings.py)."""

    required_subjects: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_REQUIRED_SUBJECTS)
    )
    small_school_under: int = 100
    class_post_ratio: Fraction = Fraction(17, 10)
    weekly_periods_per_teacher: int = 16
    travel_max_schools: int = 3
    travel_max_periods: int = 16
    travel_max_classes: int = 6
    exchange_eligible_years: int = 6
    exchange_school_areas: tuple[str, ...] = ("城区", "镇区")


DEFAULT_RULES = Rules()


def ratio(numerator, denominator) -> Fraction | None:
    """numerator ÷ denominator, or None when the denominator is 0 (never a ZeroDivisionError)."""
    if not denominator:
        return None
    return Fraction(numerator) / Fraction(denominator)


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


# --- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolFacts:
    """One school in one school year.

    `stages`: the compulsory stages it teaches this year. `classes`: (stage, grade) → number of
    classes, or None when the school has no class data for the year. `approved_posts`: the
    approved establishment (编制数) entered for the year, None when not entered.
    """

    code: str
    name: str = ""
    township: str = ""
    urban_rural: str = RURAL
    public: bool = True
    stages: tuple[str, ...] = (PRIMARY,)
    primary_students: int = 0
    junior_students: int = 0
    classes: Mapping[tuple[str, int], int] | None = None
    approved_posts: int | None = None

    def stage_classes(self, stage: str) -> dict[int, int] | None:
        """grade → classes of one stage; None without class data for that stage."""
        if self.classes is None:
            return None
        out = {g: n for (s, g), n in self.classes.items() if s == stage and n}
        return out or None

    @property
    def class_count(self) -> int | None:
        if self.classes is None:
            return None
        return sum(n for (s, _g), n in self.classes.items() if s in STAGES)

    @property
    def students(self) -> int:
        return self.primary_students + self.junior_students


class TeacherFacts(NamedTuple):
    """One teacher of a school's compulsory-stage roster in one year (a tuple: 10,000 are built
    per county page, and tuples are cheap to build)."""

    school: str
    staff_no: str
    stage: str = PRIMARY
    subject: str = "语文"
    full_time: bool = True
    joined_year: int | None = None
    backbone: bool = False
    training_hours: Fraction | float | int = 0
    certified: bool | None = None
    name: str = ""


class ExchangeFacts(NamedTuple):
    """One teacher exchanged out of `from_school` in the school year."""

    staff_no: str
    from_school: str
    to_school: str = ""
    backbone: bool = False
    name: str = ""


# --- posts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostsRequirement:
    by_students: Fraction  # unrounded: primary ÷ 19 + junior ÷ 13.5
    by_classes: Fraction | None  # unrounded classes × ratio (small rural schools with class data)
    required: int  # whole posts

    @property
    def rule(self) -> str:
        if self.by_classes is not None and self.by_classes > self.by_students:
            return "班师比"
        return "生师比"


def posts_required(
    primary_students: int,
    junior_students: int,
    *,
    rural: bool = False,
    classes: int | None = None,
    rules: Rules = DEFAULT_RULES,
) -> PostsRequirement:
    """Posts the staffing standard gives a school (see the module docstring for the rounding)."""
    by_students = (
        Fraction(primary_students) / STUDENTS_PER_POST[PRIMARY]
        + Fraction(junior_students) / STUDENTS_PER_POST[JUNIOR]
    )
    by_classes = None
    if rural and primary_students + junior_students < rules.small_school_under and classes:
        by_classes = classes * Fraction(rules.class_post_ratio)
    basis = max(by_students, by_classes) if by_classes is not None else by_students
    return PostsRequirement(by_students=by_students, by_classes=by_classes, required=ceil(basis))


@dataclass(frozen=True)
class SchoolPosts:
    school: SchoolFacts
    requirement: PostsRequirement
    in_post: int

    @property
    def required(self) -> int:
        return self.requirement.required

    @property
    def approved(self) -> int | None:
        return self.school.approved_posts

    @property
    def vacancies(self) -> int | None:
        """空编: approved − in post; negative means over the establishment (超编)."""
        return None if self.approved is None else self.approved - self.in_post

    @property
    def shortfall(self) -> int:
        """Posts required − in post; negative means a surplus against the standard."""
        return self.required - self.in_post

    @property
    def short(self) -> int:
        return max(0, self.shortfall)

    @property
    def surplus(self) -> int:
        return max(0, -self.shortfall)

    @property
    def approved_gap(self) -> int | None:
        """Posts required − approved: establishment still to be approved."""
        return None if self.approved is None else self.required - self.approved


@dataclass(frozen=True)
class CountyPosts:
    schools: tuple[SchoolPosts, ...]  # most short first
    private_schools: tuple[SchoolFacts, ...]

    @property
    def required(self) -> int:
        return sum(s.required for s in self.schools)

    @property
    def approved(self) -> int:
        return sum(s.approved for s in self.schools if s.approved is not None)

    @property
    def approved_missing(self) -> int:
        return sum(1 for s in self.schools if s.approved is None)

    @property
    def in_post(self) -> int:
        return sum(s.in_post for s in self.schools)

    @property
    def vacancies(self) -> int:
        return sum(max(0, s.vacancies) for s in self.schools if s.vacancies is not None)

    @property
    def over_establishment(self) -> int:
        return sum(max(0, -s.vacancies) for s in self.schools if s.vacancies is not None)

    @property
    def short(self) -> int:
        return sum(s.short for s in self.schools)

    @property
    def surplus(self) -> int:
        return sum(s.surplus for s in self.schools)

    @property
    def short_schools(self) -> int:
        return sum(1 for s in self.schools if s.short)

    @property
    def net_shortfall(self) -> int:
        return self.required - self.in_post

    @property
    def balance_note(self) -> str:
        """How the county total and the per-school shortfall fit together, in one sentence.

        Posts are not shared between schools, so a county above the standard in total can still
        have schools below it: in post − required = surplus − short, both summed school by school.
        """
        net = self.in_post - self.required
        total = (
            f"全县合计超出 {net} 人" if net > 0 else f"全县合计缺 {-net} 人" if net < 0 else "全县合计持平"
        )
        # Private schools have no establishment (编制): the comparison is of public schools only.
        text = f"公办学校按标准应配 {self.required} 人，在岗教职工 {self.in_post} 人，{total}"
        if self.short and self.surplus:
            return (
                f"{text}；编制不能跨校相抵：{self.short_schools} 所学校低于标准共缺 {self.short} 人，"
                f"其余学校超出标准 {self.surplus} 人。"
            )
        if self.short:
            return f"{text}；{self.short_schools} 所学校低于标准共缺 {self.short} 人。"
        return f"{text}；没有学校低于标准。"


def school_posts(school: SchoolFacts, in_post: int, rules: Rules = DEFAULT_RULES) -> SchoolPosts:
    requirement = posts_required(
        school.primary_students,
        school.junior_students,
        rural=school.urban_rural == RURAL,
        classes=school.class_count,
        rules=rules,
    )
    return SchoolPosts(school=school, requirement=requirement, in_post=in_post)


def county_posts(
    schools: Iterable[SchoolFacts], in_post: Mapping[str, int], rules: Rules = DEFAULT_RULES
) -> CountyPosts:
    """Posts of every public school, the most short first (then by code); private schools apart."""
    public, private = [], []
    for school in schools:
        if school.public:
            public.append(school_posts(school, in_post.get(school.code, 0), rules))
        else:
            private.append(school)
    public.sort(key=lambda p: (-p.shortfall, p.school.code))
    return CountyPosts(schools=tuple(public), private_schools=tuple(private))


# --- subject coverage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectLine:
    stage: str
    subject: str
    required: bool
    teachers: int  # full-time teachers of the stage with this main subject
    periods: int | None  # weekly periods the classes need; None without class data
    teachers_needed: int | None  # ⌈periods ÷ full weekly load⌉; None without class data

    @property
    def covered(self) -> bool:
        return self.teachers > 0

    @property
    def gap(self) -> bool:
        return self.required and not self.covered

    @property
    def load(self) -> Fraction | None:
        """Weekly periods per teacher of this subject (None without class data or teachers)."""
        if self.periods is None:
            return None
        return ratio(self.periods, self.teachers)

    @property
    def overloaded(self) -> bool:
        return self.teachers_needed is not None and self.teachers > 0 and self.teachers < self.teachers_needed


@dataclass(frozen=True)
class SchoolCoverage:
    school: SchoolFacts
    lines: tuple[SubjectLine, ...]

    @cached_property
    def gaps(self) -> tuple[SubjectLine, ...]:
        return tuple(line for line in self.lines if line.gap)

    @cached_property
    def pe_arts_gaps(self) -> tuple[SubjectLine, ...]:
        return tuple(line for line in self.gaps if line.subject in PE_ARTS_PSY)

    @cached_property
    def overloaded(self) -> tuple[SubjectLine, ...]:
        return tuple(line for line in self.lines if line.overloaded)

    def line(self, stage: str, subject: str) -> SubjectLine | None:
        for item in self.lines:
            if item.stage == stage and item.subject == subject:
                return item
        return None


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def school_coverage(
    school: SchoolFacts, full_time: Mapping[tuple[str, str], int], rules: Rules = DEFAULT_RULES
) -> SchoolCoverage:
    """Coverage of one school; `full_time` maps (stage, subject) → full-time teachers."""
    lines = []
    weekly = rules.weekly_periods_per_teacher
    for stage in school.stages:
        grades = school.stage_classes(stage)
        required_list = rules.required_subjects.get(stage, ())
        subjects = list(subjects_taught(stage))
        subjects += [s for s in required_list if s not in subjects]
        subjects += sorted(s for (st, s), n in full_time.items() if st == stage and n and s not in subjects)
        if grades is None:
            needed_periods = None
        else:
            needed_periods: dict[str, int] = defaultdict(int)
            for grade, n in grades.items():
                for subject, periods in WEEKLY_PERIODS.get((stage, grade), {}).items():
                    needed_periods[subject] += n * periods
        for subject in subjects:
            periods = None if needed_periods is None else needed_periods.get(subject, 0)
            required = subject in required_list and (periods is None or periods > 0)
            teachers = full_time.get((stage, subject), 0)
            if not (required or teachers or periods):
                continue
            lines.append(
                SubjectLine(
                    stage=stage,
                    subject=subject,
                    required=required,
                    teachers=teachers,
                    periods=periods,
                    teachers_needed=None if periods is None else _ceil_div(periods, weekly),
                )
            )
    return SchoolCoverage(school=school, lines=tuple(lines))


def coverage_order(coverages: Iterable[SchoolCoverage]) -> list[SchoolCoverage]:
    """Schools without a PE/music/art/mental-health teacher first, then by other gaps, then code."""
    return sorted(coverages, key=lambda c: (-len(c.pe_arts_gaps), -len(c.gaps), c.school.code))


# --- recruitment plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    school: str
    school_name: str
    township: str
    stage: str
    subject: str
    periods: int | None
    classes: int | None

    def teachers_needed(self, weekly_periods_per_teacher: int) -> int:
        """Teachers that close this gap on their own: at least one, more for a big school."""
        if self.periods is None:
            return 1
        return max(1, _ceil_div(self.periods, weekly_periods_per_teacher))


@dataclass(frozen=True)
class Assignment:
    """Teachers proposed for one or more schools; several schools share a travelling teacher."""

    stage: str
    subject: str
    township: str
    gaps: tuple[Gap, ...]
    teachers: int

    @property
    def travelling(self) -> bool:
        return len(self.gaps) > 1

    @property
    def periods(self) -> int | None:
        if any(g.periods is None for g in self.gaps):
            return None
        return sum(g.periods for g in self.gaps)


@dataclass(frozen=True)
class SubjectNeed:
    """County total for one stage and subject: teachers to find, by moving or hiring."""

    stage: str
    subject: str
    schools: int  # schools without a teacher of the subject
    teachers: int  # teachers proposed
    travelling: int  # of which travelling teachers
    movable: int  # could come from schools with more teachers than their classes need
    sources: tuple[tuple[str, str, int], ...]  # (code, name, teachers it can spare)

    @property
    def hire(self) -> int:
        return self.teachers - self.movable


@dataclass(frozen=True)
class Plan:
    assignments: tuple[Assignment, ...]
    subjects: tuple[SubjectNeed, ...]

    @property
    def teachers(self) -> int:
        return sum(a.teachers for a in self.assignments)

    @property
    def travelling(self) -> int:
        return sum(1 for a in self.assignments if a.travelling)

    @property
    def gaps(self) -> int:
        return sum(len(a.gaps) for a in self.assignments)

    @property
    def movable(self) -> int:
        return sum(s.movable for s in self.subjects)

    @property
    def hire(self) -> int:
        return sum(s.hire for s in self.subjects)


def coverage_gaps(coverages: Iterable[SchoolCoverage]) -> list[Gap]:
    out = []
    for cov in coverages:
        for line in cov.gaps:
            grades = cov.school.stage_classes(line.stage)
            out.append(
                Gap(
                    school=cov.school.code,
                    school_name=cov.school.name,
                    township=cov.school.township,
                    stage=line.stage,
                    subject=line.subject,
                    periods=line.periods,
                    classes=None if grades is None else sum(grades.values()),
                )
            )
    return out


def _shareable(gap: Gap, rules: Rules) -> bool:
    return (
        gap.periods is not None
        and gap.classes is not None
        and gap.classes <= rules.travel_max_classes
        and gap.periods <= rules.travel_max_periods
    )


def _pack(gaps: list[Gap], rules: Rules) -> list[list[Gap]]:
    """First-fit decreasing: each group at most travel_max_schools schools and travel_max_periods."""
    bins: list[list[Gap]] = []
    loads: list[int] = []
    for gap in sorted(gaps, key=lambda g: (-g.periods, g.school)):
        for i, members in enumerate(bins):
            if len(members) < rules.travel_max_schools and loads[i] + gap.periods <= rules.travel_max_periods:
                members.append(gap)
                loads[i] += gap.periods
                break
        else:
            bins.append([gap])
            loads.append(gap.periods)
    return bins


def recruitment_plan(coverages: Sequence[SchoolCoverage], rules: Rules = DEFAULT_RULES) -> Plan:
    """Teachers the county must hire or move so that every school has each required subject.

    Every gap (a school without a teacher of a required subject) is in exactly one assignment.
    Small schools (≤ travel_max_classes classes of the stage, ≤ travel_max_periods periods) of
    one township share a travelling teacher (走教), up to travel_max_schools schools and
    travel_max_periods weekly periods each; other gaps get the teachers their classes need
    (⌈periods ÷ weekly load⌉, at least one). So the plan never proposes more teachers than the
    gaps need on their own. Teachers are "movable" where other schools of the county have more
    teachers of the subject than their classes need (never their only one).
    """
    gaps = coverage_gaps(coverages)
    groups: dict[tuple[str, str, str], list[Gap]] = defaultdict(list)
    assignments: list[Assignment] = []
    for gap in gaps:
        if _shareable(gap, rules):
            groups[(gap.stage, gap.subject, gap.township)].append(gap)
        else:
            assignments.append(
                Assignment(
                    stage=gap.stage,
                    subject=gap.subject,
                    township=gap.township,
                    gaps=(gap,),
                    teachers=gap.teachers_needed(rules.weekly_periods_per_teacher),
                )
            )
    for (stage, subject, township), members in groups.items():
        for group in _pack(members, rules):
            teachers = 1 if len(group) > 1 else group[0].teachers_needed(rules.weekly_periods_per_teacher)
            assignments.append(
                Assignment(
                    stage=stage,
                    subject=subject,
                    township=township,
                    gaps=tuple(sorted(group, key=lambda g: g.school)),
                    teachers=teachers,
                )
            )
    assignments.sort(
        key=lambda a: (
            STAGES.index(a.stage) if a.stage in STAGES else 9,
            a.subject,
            a.township,
            a.gaps[0].school,
        )
    )

    spare: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for cov in coverages:
        for line in cov.lines:
            if line.teachers >= 2 and line.teachers_needed is not None:
                extra = line.teachers - max(1, line.teachers_needed)
                if extra > 0:
                    spare[(line.stage, line.subject)].append((cov.school.code, cov.school.name, extra))

    needs: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    for a in assignments:
        needs[(a.stage, a.subject)].append(a)
    subjects = []
    for (stage, subject), items in needs.items():
        teachers = sum(a.teachers for a in items)
        sources, movable = [], 0
        for code, name, extra in sorted(spare.get((stage, subject), ()), key=lambda s: (-s[2], s[0])):
            if movable >= teachers:
                break
            take = min(extra, teachers - movable)
            sources.append((code, name, take))
            movable += take
        subjects.append(
            SubjectNeed(
                stage=stage,
                subject=subject,
                schools=sum(len(a.gaps) for a in items),
                teachers=teachers,
                travelling=sum(1 for a in items if a.travelling),
                movable=movable,
                sources=tuple(sources),
            )
        )
    subjects.sort(key=lambda s: (-(s.subject in PE_ARTS_PSY), -s.teachers, s.stage, s.subject))
    return Plan(assignments=tuple(assignments), subjects=tuple(subjects))


# --- exchange ------------------------------------------------------------------------------------

NOT_REQUIRED = "not_required"
NOT_APPLICABLE = "not_applicable"
PASSED = "passed"
FAILED = "failed"
STATUS_LABELS = {
    NOT_REQUIRED: "不要求",
    NOT_APPLICABLE: "不适用（无符合条件教师）",
    PASSED: "达标",
    FAILED: "未达标",
}


def _exchange_verdict(eligible: int, exchanged: int, backbone: int) -> bool | None:
    rate = ratio(exchanged, eligible)
    if rate is None:
        return None
    share = ratio(backbone, exchanged)
    return rate >= EXCHANGE_MIN_RATE and share is not None and share >= EXCHANGE_BACKBONE_MIN_SHARE


@dataclass(frozen=True)
class SchoolExchange:
    school: SchoolFacts
    applies: bool  # the school is one the per-school rule applies to (urban/town by default)
    eligible: int  # eligible in the roster + exchanged teachers no longer on it
    exchanged: int
    backbone: int
    unknown_joined: int  # roster teachers without a year joined (cannot be judged)
    off_roster: int

    @property
    def rate(self) -> Fraction | None:
        return ratio(self.exchanged, self.eligible)

    @property
    def backbone_share(self) -> Fraction | None:
        return ratio(self.backbone, self.exchanged)

    @property
    def passed(self) -> bool | None:
        if not self.applies:
            return None
        return _exchange_verdict(self.eligible, self.exchanged, self.backbone)

    @property
    def status(self) -> str:
        if not self.applies:
            return NOT_REQUIRED
        if self.eligible == 0:
            return NOT_APPLICABLE
        return PASSED if self.passed else FAILED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class CountyExchange:
    """Every school's exchange; the county figures add the public schools (exchange is a rule
    for public teachers, so private schools are neither counted nor required)."""

    schools: tuple[SchoolExchange, ...]

    @property
    def public(self) -> tuple[SchoolExchange, ...]:
        return tuple(s for s in self.schools if s.school.public)

    @property
    def eligible(self) -> int:
        return sum(s.eligible for s in self.public)

    @property
    def exchanged(self) -> int:
        return sum(s.exchanged for s in self.public)

    @property
    def backbone(self) -> int:
        return sum(s.backbone for s in self.public)

    @property
    def unknown_joined(self) -> int:
        return sum(s.unknown_joined for s in self.public)

    @property
    def rate(self) -> Fraction | None:
        return ratio(self.exchanged, self.eligible)

    @property
    def backbone_share(self) -> Fraction | None:
        return ratio(self.backbone, self.exchanged)

    @property
    def passed(self) -> bool | None:
        return _exchange_verdict(self.eligible, self.exchanged, self.backbone)

    @property
    def failing_schools(self) -> tuple[SchoolExchange, ...]:
        return tuple(s for s in self.schools if s.status == FAILED)


def school_exchange(
    school: SchoolFacts,
    roster: Iterable[TeacherFacts],
    exchanges: Iterable[ExchangeFacts],
    *,
    year: int,
    rules: Rules = DEFAULT_RULES,
) -> SchoolExchange:
    """Exchange of one school in school year `year` (see the module docstring)."""
    on_roster: set[str] = set()
    eligible = unknown = 0
    for t in roster:
        on_roster.add(t.staff_no)
        if t.joined_year is None:
            unknown += 1
        elif year - t.joined_year >= rules.exchange_eligible_years:
            eligible += 1
    out = list(exchanges)
    off_roster = sum(1 for e in out if e.staff_no not in on_roster)
    return SchoolExchange(
        school=school,
        applies=school.public and school.urban_rural in rules.exchange_school_areas,
        eligible=eligible + off_roster,
        exchanged=len(out),
        backbone=sum(1 for e in out if e.backbone),
        unknown_joined=unknown,
        off_roster=off_roster,
    )


def county_exchange(
    schools: Iterable[SchoolFacts],
    roster: Iterable[TeacherFacts],
    exchanges: Iterable[ExchangeFacts],
    *,
    year: int,
    rules: Rules = DEFAULT_RULES,
) -> CountyExchange:
    """Every school's exchange and the county rate (all schools of the county count)."""
    by_school: dict[str, list[TeacherFacts]] = defaultdict(list)
    for t in roster:
        by_school[t.school].append(t)
    out_of: dict[str, list[ExchangeFacts]] = defaultdict(list)
    for e in exchanges:
        out_of[e.from_school].append(e)
    rows = [
        school_exchange(s, by_school.get(s.code, ()), out_of.get(s.code, ()), year=year, rules=rules)
        for s in schools
    ]
    status_rank = {FAILED: 0, PASSED: 1, NOT_APPLICABLE: 2, NOT_REQUIRED: 3}
    rows.sort(key=lambda r: (status_rank[r.status], r.rate if r.rate is not None else 2, r.school.code))
    return CountyExchange(schools=tuple(rows))


# --- training and certificates -------------------------------------------------------------------


def counts_for_certificates(teacher: TeacherFacts) -> bool:
    """Whether a roster row counts in 持证上岗率: the standard counts 专任教师 in post (the
    roster of the year is who is in post), not 教辅 or administrative staff, who need no
    teacher's certificate (domain.md §2.2, §5). 专任教师 as defined once in domain.vocabulary."""
    return vocabulary.counts_as(vocabulary.FULL_TIME.key, stage=teacher.stage, full_time=teacher.full_time)


@dataclass(frozen=True)
class SchoolTraining:
    """Training of every teacher on the roster; certificates of its 专任教师 only
    (:func:`counts_for_certificates`): ``certified + uncertified + cert_unknown == full_time``."""

    school: SchoolFacts
    teachers: int
    complete: int
    certified: int
    uncertified: int
    cert_unknown: int
    incomplete: tuple[TeacherFacts, ...]  # below the hours, least hours first
    full_time: int = 0  # 专任教师 in post: the denominator of 持证上岗率

    @property
    def completion_rate(self) -> Fraction | None:
        return ratio(self.complete, self.teachers)

    @property
    def certified_rate(self) -> Fraction | None:
        return ratio(self.certified, self.full_time)


@dataclass(frozen=True)
class CountyTraining:
    schools: tuple[SchoolTraining, ...]

    @property
    def teachers(self) -> int:
        return sum(s.teachers for s in self.schools)

    @property
    def complete(self) -> int:
        return sum(s.complete for s in self.schools)

    @property
    def incomplete(self) -> int:
        return self.teachers - self.complete

    @property
    def full_time(self) -> int:
        return sum(s.full_time for s in self.schools)

    @property
    def certified(self) -> int:
        return sum(s.certified for s in self.schools)

    @property
    def uncertified(self) -> int:
        return sum(s.uncertified for s in self.schools)

    @property
    def cert_unknown(self) -> int:
        return sum(s.cert_unknown for s in self.schools)

    @property
    def completion_rate(self) -> Fraction | None:
        return ratio(self.complete, self.teachers)

    @property
    def certified_rate(self) -> Fraction | None:
        return ratio(self.certified, self.full_time)


def school_training(school: SchoolFacts, roster: Iterable[TeacherFacts]) -> SchoolTraining:
    teachers = list(roster)
    incomplete = sorted(
        (t for t in teachers if t.training_hours < TRAINING_HOURS),
        key=lambda t: (t.training_hours, t.staff_no),
    )
    holders = [t for t in teachers if counts_for_certificates(t)]
    return SchoolTraining(
        school=school,
        teachers=len(teachers),
        complete=len(teachers) - len(incomplete),
        certified=sum(1 for t in holders if t.certified is True),
        uncertified=sum(1 for t in holders if t.certified is False),
        cert_unknown=sum(1 for t in holders if t.certified is None),
        incomplete=tuple(incomplete),
        full_time=len(holders),
    )


def county_training(schools: Iterable[SchoolFacts], roster: Iterable[TeacherFacts]) -> CountyTraining:
    """Per school, lowest completion first (schools without teachers last)."""
    by_school: dict[str, list[TeacherFacts]] = defaultdict(list)
    for t in roster:
        by_school[t.school].append(t)
    rows = [school_training(s, by_school.get(s.code, ())) for s in schools]
    rows.sort(
        key=lambda r: (
            r.completion_rate if r.completion_rate is not None else 2,
            r.certified_rate if r.certified_rate is not None else 2,
            r.school.code,
        )
    )
    return CountyTraining(schools=tuple(rows))
