"""The workforce arithmetic, table-driven and without a database.

Numbers copied from domain.md §5 (staffing standard 小学 1:19, 初中 1:13.5; exchange ≥ 10 % of
eligible, backbone ≥ 20 % of those exchanged; 360 hours in 5 years).
"""

from fractions import Fraction

import pytest

from domain import numbers
from workforce.curriculum import periods_per_week
from workforce.engine import (
    ExchangeFacts,
    Rules,
    SchoolFacts,
    TeacherFacts,
    county_exchange,
    county_posts,
    county_training,
    coverage_order,
    posts_required,
    recruitment_plan,
    school_coverage,
    school_exchange,
)

RULES = Rules(
    small_school_under=100,
    class_post_ratio=Fraction(17, 10),
    weekly_periods_per_teacher=16,
    travel_max_schools=3,
    travel_max_periods=16,
    travel_max_classes=6,
    exchange_eligible_years=6,
)


# --- posts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("primary", "junior", "rural", "classes", "required", "rule"),
    [
        (190, 0, False, None, 10, "生师比"),  # exactly 10 posts
        (191, 0, False, None, 11, "生师比"),  # any part of a post rounds up
        (0, 0, False, None, 0, "生师比"),
        (1, 0, False, None, 1, "生师比"),
        (0, 135, False, None, 10, "生师比"),  # 135 / 13.5 = 10 exactly, no float error
        (0, 136, False, None, 11, "生师比"),
        (19, 27, False, None, 3, "生师比"),  # 1 + 2 = 3: stages added unrounded
        (10, 7, False, None, 2, "生师比"),  # 0.526 + 0.518 = 1.045 → 2, not 1 + 1 rounded apart
        (190, 0, True, 7, 10, "生师比"),  # rural but 190 ≥ 100: student rule only (7 × 1.7 ignored)
        (80, 0, True, 6, 11, "班师比"),  # small rural: 6 × 1.7 = 10.2 → 11 beats 80/19 = 4.2
        (99, 0, True, 1, 6, "生师比"),  # class rule gives fewer: the larger applies
        (80, 0, True, None, 5, "生师比"),  # no class data: student rule
        (80, 0, False, 6, 5, "生师比"),  # urban small school: no class rule
        (100, 0, True, 6, 6, "生师比"),  # 100 is not "under 100"
        (0, 90, True, 3, 7, "生师比"),  # 90 / 13.5 = 6.67 → 7 beats 3 × 1.7 = 5.1 → 6
    ],
)
def test_posts_required_rounds_up_from_unrounded_ratios(primary, junior, rural, classes, required, rule):
    result = posts_required(primary, junior, rural=rural, classes=classes, rules=RULES)
    assert (result.required, result.rule) == (required, rule)


def test_posts_required_keeps_the_unrounded_basis():
    result = posts_required(191, 0)
    assert result.by_students == Fraction(191, 19)


def test_county_posts_lists_the_most_short_first_and_adds_whole_school_posts():
    schools = [
        SchoolFacts(code="A", urban_rural="城区", primary_students=380, approved_posts=20),  # 20 required
        SchoolFacts(code="B", urban_rural="城区", primary_students=191, approved_posts=12),  # 11 required
        SchoolFacts(code="C", urban_rural="城区", primary_students=100),  # 6 required, none approved
        SchoolFacts(code="P", urban_rural="城区", primary_students=500, public=False),
    ]
    result = county_posts(schools, {"A": 15, "B": 13, "C": 6, "P": 30}, RULES)
    assert [s.school.code for s in result.schools] == ["A", "C", "B"]
    assert [s.shortfall for s in result.schools] == [5, 0, -2]
    assert [s.vacancies for s in result.schools] == [5, None, -1]
    assert (result.required, result.approved, result.in_post) == (37, 32, 34)
    assert (result.short, result.surplus, result.vacancies, result.over_establishment) == (5, 2, 5, 1)
    assert result.approved_missing == 1
    assert [s.code for s in result.private_schools] == ["P"]


def test_a_county_above_the_standard_in_total_still_names_its_schools_short_of_staff():
    """Finding 9: 在岗 > 应配 beside 缺员 is not a contradiction once both are said: posts are not
    shared between schools, so in post − required = surplus − short."""
    schools = [
        SchoolFacts(code="A", urban_rural="城区", primary_students=380),  # 20 required, 15 in post
        SchoolFacts(code="B", urban_rural="城区", primary_students=191),  # 11 required, 30 in post
    ]
    result = county_posts(schools, {"A": 15, "B": 30}, RULES)
    assert result.in_post - result.required == result.surplus - result.short == 14
    assert result.balance_note == (
        "公办学校按标准应配 31 人，在岗教职工 45 人，全县合计超出 14 人；编制不能跨校相抵："
        "1 所学校低于标准共缺 5 人，其余学校超出标准 19 人。"
    )


# --- coverage --------------------------------------------------------------------------------------


def _primary_school(code, classes_per_grade=1, township="甲镇", **kw):
    classes = {("小学", g): classes_per_grade for g in range(1, 7)} if classes_per_grade else None
    return SchoolFacts(code=code, name=code, township=township, classes=classes, **kw)


FULL_PRIMARY = {
    ("小学", s): 1 for s in ("语文", "数学", "英语", "科学", "体育", "音乐", "美术", "信息技术", "心理健康")
}


def test_a_school_with_every_required_teacher_has_no_gap():
    cov = school_coverage(_primary_school("A"), FULL_PRIMARY, RULES)
    assert cov.gaps == ()


@pytest.mark.parametrize("missing", ["体育", "音乐", "美术", "心理健康", "信息技术", "科学", "英语"])
def test_a_missing_subject_teacher_is_a_gap(missing):
    teachers = {k: v for k, v in FULL_PRIMARY.items() if k[1] != missing}
    cov = school_coverage(_primary_school("A"), teachers, RULES)
    assert [(g.stage, g.subject) for g in cov.gaps] == [("小学", missing)]


def test_a_part_time_teacher_does_not_cover_a_subject_because_only_full_time_counts():
    # the selector passes full-time teachers only; zero full-time PE teachers is a gap
    cov = school_coverage(_primary_school("A"), {**FULL_PRIMARY, ("小学", "体育"): 0}, RULES)
    assert [g.subject for g in cov.gaps] == ["体育"]


def test_english_is_not_required_where_the_classes_are_only_grades_one_and_two():
    school = SchoolFacts(code="A", classes={("小学", 1): 1, ("小学", 2): 1})
    teachers = {k: v for k, v in FULL_PRIMARY.items() if k[1] not in ("英语", "信息技术")}
    assert school_coverage(school, teachers, RULES).gaps == ()


def test_without_class_data_every_listed_subject_is_required_and_load_is_unknown():
    cov = school_coverage(_primary_school("A", classes_per_grade=0), {("小学", "语文"): 2}, RULES)
    assert len(cov.gaps) == 8
    assert cov.line("小学", "语文").load is None


@pytest.mark.parametrize(
    ("subject", "classes_per_grade", "teachers", "load", "needed"),
    [
        ("体育", 1, 1, Fraction(20), 2),  # 4+4+3+3+3+3 periods
        ("体育", 2, 2, Fraction(20), 3),  # 40 periods / 16 → 3 teachers
        ("语文", 1, 2, Fraction(21), 3),  # 42 periods
        ("英语", 1, 1, Fraction(10), 1),  # grades 3–6 only
    ],
)
def test_load_is_periods_needed_per_teacher(subject, classes_per_grade, teachers, load, needed):
    cov = school_coverage(_primary_school("A", classes_per_grade), {("小学", subject): teachers}, RULES)
    line = cov.line("小学", subject)
    assert (line.load, line.teachers_needed) == (load, needed)


def test_periods_table_has_english_from_grade_three():
    assert (periods_per_week("小学", 2, "英语"), periods_per_week("小学", 3, "英语")) == (0, 2)
    assert periods_per_week("小学", 8, "语文") == 0


def test_schools_without_pe_music_art_or_psychology_teachers_are_listed_first():
    full = school_coverage(_primary_school("A"), FULL_PRIMARY, RULES)
    no_science = school_coverage(
        _primary_school("B"), {k: v for k, v in FULL_PRIMARY.items() if k[1] != "科学"}, RULES
    )
    no_music = school_coverage(
        _primary_school("C"), {k: v for k, v in FULL_PRIMARY.items() if k[1] != "音乐"}, RULES
    )
    assert [c.school.code for c in coverage_order([full, no_science, no_music])] == ["C", "B", "A"]


def test_a_nine_year_school_is_checked_for_both_stages():
    school = SchoolFacts(code="N", stages=("小学", "初中"))
    cov = school_coverage(school, FULL_PRIMARY, RULES)
    assert {g.stage for g in cov.gaps} == {"初中"}
    assert len(cov.gaps) == 14


# --- recruitment plan ------------------------------------------------------------------------------


def _without(subjects):
    return {k: v for k, v in FULL_PRIMARY.items() if k[1] not in subjects}


def _plan_invariants(coverages, plan, rules=RULES):
    gaps = [(c.school.code, g.stage, g.subject) for c in coverages for g in c.gaps]
    planned = [(g.school, g.stage, g.subject) for a in plan.assignments for g in a.gaps]
    # covers every school, each gap exactly once
    assert sorted(planned) == sorted(gaps)
    # never more teachers than the gaps need on their own
    own_need = sum(
        g.teachers_needed(rules.weekly_periods_per_teacher) for a in plan.assignments for g in a.gaps
    )
    assert plan.teachers <= own_need
    for a in plan.assignments:
        assert a.teachers >= 1
        assert a.teachers <= sum(g.teachers_needed(rules.weekly_periods_per_teacher) for g in a.gaps)
        if a.travelling:
            assert a.teachers == 1
            assert len(a.gaps) <= rules.travel_max_schools
            assert a.periods <= rules.travel_max_periods
            assert len({g.township for g in a.gaps}) == 1
    assert plan.movable + plan.hire == plan.teachers


def test_three_small_schools_of_one_township_share_one_travelling_music_teacher():
    # 3 schools × 4 classes (grades 1–4) → 8 music periods each; max 16 periods → two per teacher
    def small(code):
        return SchoolFacts(
            code=code, name=code, township="甲镇", classes={("小学", g): 1 for g in range(1, 5)}
        )

    covs = [school_coverage(small(c), _without({"音乐"}), RULES) for c in ("S1", "S2", "S3")]
    plan = recruitment_plan(covs, RULES)
    _plan_invariants(covs, plan)
    assert plan.teachers == 2
    assert plan.travelling == 1
    assert [len(a.gaps) for a in plan.assignments] == [2, 1]


def test_schools_of_different_townships_never_share_a_teacher():
    covs = [
        school_coverage(_primary_school(c, township=t), _without({"美术"}), RULES)
        for c, t in (("A", "甲镇"), ("B", "乙乡"))
    ]
    plan = recruitment_plan(covs, RULES)
    _plan_invariants(covs, plan)
    assert plan.travelling == 0 and plan.teachers == 2


def test_a_big_school_without_pe_teacher_gets_the_teachers_its_classes_need():
    cov = school_coverage(_primary_school("BIG", classes_per_grade=4), _without({"体育"}), RULES)
    plan = recruitment_plan([cov], RULES)
    _plan_invariants([cov], plan)
    assert plan.teachers == 5  # 80 periods / 16


def test_gaps_are_filled_by_moving_spare_teachers_before_hiring():
    gap = school_coverage(_primary_school("A", township="甲镇"), _without({"音乐"}), RULES)
    rich = school_coverage(
        _primary_school("R", township="乙乡"), {**FULL_PRIMARY, ("小学", "音乐"): 3}, RULES
    )
    plan = recruitment_plan([gap, rich], RULES)
    _plan_invariants([gap, rich], plan)
    need = plan.subjects[0]
    assert (need.subject, need.teachers, need.movable, need.hire) == ("音乐", 1, 1, 0)
    assert need.sources == (("R", "R", 1),)  # 12 periods need 1, so 2 could move; only 1 is needed


def test_a_school_never_gives_away_its_only_teacher():
    gap = school_coverage(_primary_school("A"), _without({"音乐"}), RULES)
    single = school_coverage(_primary_school("S", classes_per_grade=0), FULL_PRIMARY, RULES)
    plan = recruitment_plan([gap, single], RULES)
    assert (plan.movable, plan.hire) == (0, 1)


@pytest.mark.parametrize("seed", range(25))
def test_the_plan_covers_every_gap_and_never_proposes_more_teachers_than_needed(seed):
    import random

    rng = random.Random(seed)
    subjects = [s for _, s in FULL_PRIMARY]
    covs = []
    for i in range(rng.randint(1, 30)):
        per_grade = rng.choice([0, 1, 1, 1, 2, 3])
        grades = rng.randint(1, 6)
        classes = {("小学", g): per_grade for g in range(1, grades + 1)} if per_grade else None
        school = SchoolFacts(code=f"S{i:02d}", name=f"S{i}", township=rng.choice("甲乙丙"), classes=classes)
        teachers = {("小学", s): rng.choice([0, 0, 1, 2, 4]) for s in subjects}
        covs.append(school_coverage(school, teachers, RULES))
    rules = Rules(
        travel_max_schools=rng.randint(1, 4),
        travel_max_periods=rng.choice([8, 12, 16, 20]),
        travel_max_classes=rng.choice([3, 6, 12]),
    )
    _plan_invariants(covs, recruitment_plan(covs, rules), rules)


# --- exchange --------------------------------------------------------------------------------------


def _roster(school, joined_years, backbone=()):
    return [
        TeacherFacts(school=school, staff_no=f"{school}-{i}", joined_year=y, backbone=i in backbone)
        for i, y in enumerate(joined_years)
    ]


@pytest.mark.parametrize(
    ("joined", "exchanged", "backbone", "eligible", "rate", "share", "passed"),
    [
        ([2019] * 10, 1, 1, 10, Fraction(1, 10), Fraction(1), True),  # 6 years: eligible; 10 % exactly
        ([2020] * 10, 1, 1, 0, None, Fraction(1), None),  # 5 years: nobody eligible → not applicable
        ([2019] * 20, 1, 1, 20, Fraction(1, 20), Fraction(1), False),  # 5 % < 10 %
        ([2010] * 10, 5, 0, 10, Fraction(1, 2), Fraction(0), False),  # no backbone among 5
        ([2010] * 10, 5, 1, 10, Fraction(1, 2), Fraction(1, 5), True),  # 1 of 5 = 20 % exactly
        ([2010] * 10, 0, 0, 10, Fraction(0), None, False),  # nobody exchanged
        ([None] * 10, 0, 0, 0, None, None, None),  # years unknown: cannot be judged, no division
        ([], 0, 0, 0, None, None, None),
    ],
)
def test_school_exchange_rates(joined, exchanged, backbone, eligible, rate, share, passed):
    school = SchoolFacts(code="U", urban_rural="城区")
    roster = _roster("U", joined)
    exchanges = [
        ExchangeFacts(staff_no=f"U-{i}", from_school="U", backbone=i < backbone) for i in range(exchanged)
    ]
    result = school_exchange(school, roster, exchanges, year=2025, rules=RULES)
    assert (result.eligible, result.rate, result.backbone_share, result.passed) == (
        eligible,
        rate,
        share,
        passed,
    )


def test_a_school_with_no_eligible_teachers_is_not_applicable():
    result = school_exchange(
        SchoolFacts(code="U", urban_rural="城区"), _roster("U", [2024, 2023]), [], year=2025, rules=RULES
    )
    assert result.status == "not_applicable"
    assert result.rate is None and result.passed is None


def test_the_per_school_rule_does_not_apply_to_rural_schools_but_they_count_for_the_county():
    rural = SchoolFacts(code="R", urban_rural="乡村")
    result = school_exchange(rural, _roster("R", [2000] * 10), [], year=2025, rules=RULES)
    assert (result.status, result.passed) == ("not_required", None)


def test_an_exchanged_teacher_no_longer_on_the_roster_counts_as_eligible():
    school = SchoolFacts(code="U", urban_rural="城区")
    result = school_exchange(
        school, _roster("U", [2020] * 9), [ExchangeFacts("GONE", "U", backbone=True)], year=2025, rules=RULES
    )
    assert (result.eligible, result.exchanged, result.off_roster) == (1, 1, 1)


def test_county_exchange_adds_every_school_and_lists_failing_schools_first():
    a = SchoolFacts(code="A", urban_rural="城区")
    b = SchoolFacts(code="B", urban_rural="城区")
    c = SchoolFacts(code="C", urban_rural="城区")
    roster = _roster("A", [2010] * 20) + _roster("B", [2010] * 10) + _roster("C", [2024] * 5)
    exchanges = [
        ExchangeFacts("A-0", "A", backbone=True),
        ExchangeFacts("A-1", "A"),
        ExchangeFacts("B-0", "B"),
        ExchangeFacts("B-1", "B"),
    ]
    result = county_exchange([a, b, c], roster, exchanges, year=2025, rules=RULES)
    assert (result.eligible, result.exchanged, result.backbone) == (30, 4, 1)
    assert (result.rate, result.backbone_share, result.passed) == (Fraction(4, 30), Fraction(1, 4), True)
    assert [s.school.code for s in result.schools] == ["B", "A", "C"]
    assert [s.school.code for s in result.failing_schools] == ["B"]


def test_county_exchange_without_eligible_teachers_is_undetermined():
    result = county_exchange([SchoolFacts(code="A")], [], [], year=2025, rules=RULES)
    assert (result.rate, result.passed) == (None, None)


# --- training and certificates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "certified", "complete", "cert", "unknown"),
    [
        ([360, 400], [True, True], 2, 2, 0),
        ([359.5, 360], [True, False], 1, 1, 0),  # 359.5 is not 360
        ([0], [None], 0, 0, 1),
        ([], [], 0, 0, 0),
    ],
)
def test_training_completion_and_certificates(hours, certified, complete, cert, unknown):
    school = SchoolFacts(code="A")
    roster = [
        TeacherFacts(school="A", staff_no=str(i), training_hours=h, certified=c)
        for i, (h, c) in enumerate(zip(hours, certified, strict=True))
    ]
    result = county_training([school], roster)
    assert (result.complete, result.certified, result.cert_unknown) == (complete, cert, unknown)
    assert result.completion_rate == (Fraction(complete, len(hours)) if hours else None)


def test_certificates_count_full_time_teachers_only_while_training_counts_everyone():
    school = SchoolFacts(code="A")
    roster = [
        TeacherFacts(school="A", staff_no="1", training_hours=360, certified=True),
        TeacherFacts(school="A", staff_no="2", training_hours=360, certified=True),
        # 教辅 / 行政 on the roster: no teacher's certificate needed, but 360 hours still are
        TeacherFacts(school="A", staff_no="3", full_time=False, training_hours=100, certified=False),
    ]
    result = county_training([school], roster)
    assert (result.full_time, result.certified, result.uncertified) == (2, 2, 0)
    assert result.certified_rate == 1
    assert (result.teachers, result.complete) == (3, 2)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 8), "12.5%"),
        (Fraction(1, 3), "33.3%"),
        (Fraction(2, 3), "66.7%"),
        (Fraction(1, 2000), "0.1%"),
        (Fraction(1), "100.0%"),
        (None, "—"),
    ],
)
def test_rates_print_half_up_through_the_one_formatter(value, text):
    assert numbers.pct(value) == text


def test_a_rate_short_of_100_percent_never_prints_as_100():
    assert numbers.pct_against(Fraction(1999, 2000), 1) == "99.95%"
    assert numbers.pct_against(Fraction(1), 1) == "100.0%"


def test_private_schools_are_neither_required_nor_counted_for_exchange():
    private = SchoolFacts(code="P", urban_rural="城区", public=False)
    public = SchoolFacts(code="U", urban_rural="城区")
    roster = _roster("P", [2000] * 10) + _roster("U", [2000] * 10)
    result = county_exchange(
        [private, public], roster, [ExchangeFacts("U-0", "U", backbone=True)], year=2025, rules=RULES
    )
    assert (result.eligible, result.exchanged, result.rate) == (10, 1, Fraction(1, 10))
    assert {s.school.code: s.status for s in result.schools} == {"P": "not_required", "U": "passed"}
