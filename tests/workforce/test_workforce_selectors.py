"""What the workforce app hands to the assessment, the readiness board, the dossier and dashboard."""

import random
from decimal import Decimal

import pytest

from schools.models import Teacher
from tests.factories import ConditionsFactory, TeacherFactory
from workforce import selectors
from workforce.models import ExchangeRecord, TrainingRecord

pytestmark = pytest.mark.django_db


def by_key(items):
    return {i["key"]: i for i in items}


def test_guarantee_items_have_the_agreed_keys_and_shape(county, staffed):
    items = selectors.guarantee_items(county, 2025)
    assert [i["key"] for i in items] == ["teacher_exchange", "training_360", "certified_teachers"]
    for item in items:
        assert set(item) >= {"key", "label", "value", "threshold", "passed", "detail", "evidence"}
        assert item["passed"] in (True, False, None)


def test_exchange_item_passes_with_ten_percent_and_a_backbone_fifth(county, staffed):
    item = by_key(selectors.guarantee_items(county, 2025))["teacher_exchange"]
    # 城关小学 10 eligible (joined 2010), 河口小学 6 (joined 2015 → 10 years): 2 of 16 exchanged, 1 backbone
    assert (item["value"], item["threshold"], item["passed"]) == (0.125, 0.1, True)
    assert "交流轮岗 2 人 / 符合交流条件 16 人 = 12.5%" in item["detail"]
    assert "骨干教师 1 人，占交流人数 50.0%" in item["detail"]


def test_exchange_item_fails_without_a_backbone_teacher(county, staffed):
    ExchangeRecord.objects.update(backbone=False)
    assert by_key(selectors.guarantee_items(county, 2025))["teacher_exchange"]["passed"] is False


def test_exchange_item_is_undetermined_without_eligible_teachers(county, school_a):
    TeacherFactory(school=school_a, year=2025, joined_year=2024)
    item = by_key(selectors.guarantee_items(county, 2025))["teacher_exchange"]
    assert (item["value"], item["passed"]) == (None, None)
    assert "无符合交流条件的教师" in item["detail"]


def test_training_item_counts_five_years_of_hours(county, staffed):
    item = by_key(selectors.guarantee_items(county, 2025))["training_360"]
    # 城关小学 17 teachers × 5 × 80 = 400 h; 河口小学 6 × 5 × 60 = 300 h
    assert item["passed"] is False and item["value"] == pytest.approx(17 / 23)
    assert "满 360 学时 17 人 / 教师 23 人" in item["detail"]


def test_hours_older_than_five_years_do_not_count(county, school_a):
    TeacherFactory(school=school_a, year=2025, staff_no="T1")
    TrainingRecord.objects.create(school=school_a, year=2020, staff_no="T1", hours=Decimal(300))
    TrainingRecord.objects.create(school=school_a, year=2021, staff_no="T1", hours=Decimal(59))
    assert by_key(selectors.guarantee_items(county, 2025))["training_360"]["passed"] is False
    TrainingRecord.objects.create(school=school_a, year=2025, staff_no="T1", hours=Decimal(301))
    assert by_key(selectors.guarantee_items(county, 2025))["training_360"]["passed"] is True


def test_items_are_undetermined_before_anything_is_imported(county, school_a):
    TeacherFactory(school=school_a, year=2025)
    items = by_key(selectors.guarantee_items(county, 2025))
    assert items["training_360"]["passed"] is None and "尚未导入" in items["training_360"]["detail"]
    assert items["certified_teachers"]["passed"] is None


def test_an_unreported_certificate_is_not_counted_as_certified(county, staffed):
    item = by_key(selectors.guarantee_items(county, 2025))["certified_teachers"]
    assert item["passed"] is False and "未填报 1 人" in item["detail"]


def test_certificates_divide_by_full_time_teachers_in_post_not_by_every_roster_row(county, school_a):
    """Finding 4: 468 专任教师, all certified, and one non-专任 row without a certificate made
    468 / 469 and failed the item; the standard counts 专任教师 in post."""
    teachers = TeacherFactory.build_batch(468, school=school_a, year=2025, full_time=True)
    teachers.append(TeacherFactory.build(school=school_a, year=2025, full_time=False, subject="其他"))
    Teacher.objects.bulk_create(teachers)
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            school=school_a, year=2025, staff_no=t.staff_no, hours=Decimal(360), has_certificate=t.full_time
        )
        for t in teachers
    )

    item = by_key(selectors.guarantee_items(county, 2025))["certified_teachers"]

    assert item["passed"] is True and item["value"] == 1.0
    assert "持证 468 人 / 在岗专任教师 468 人 = 100.0%" in item["detail"]
    catalogue = by_key(selectors.county_items(county, 2025))["teacher_certificates"]
    assert catalogue["passed"] is True


def test_an_uncertified_full_time_teacher_still_fails_the_item(county, school_a):
    certified = TeacherFactory(school=school_a, year=2025)
    uncertified = TeacherFactory(school=school_a, year=2025)
    for t, has in ((certified, True), (uncertified, False)):
        TrainingRecord.objects.create(school=school_a, year=2025, staff_no=t.staff_no, has_certificate=has)
    item = by_key(selectors.guarantee_items(county, 2025))["certified_teachers"]
    assert item["passed"] is False and "持证 1 人 / 在岗专任教师 2 人 = 50.0%" in item["detail"]


def test_the_latest_certificate_answer_wins(county, school_a):
    TeacherFactory(school=school_a, year=2025, staff_no="C1")
    TrainingRecord.objects.create(school=school_a, year=2022, staff_no="C1", has_certificate=False)
    TrainingRecord.objects.create(school=school_a, year=2024, staff_no="C1", has_certificate=True)
    TrainingRecord.objects.create(school=school_a, year=2025, staff_no="C1", has_certificate=None)
    assert by_key(selectors.guarantee_items(county, 2025))["certified_teachers"]["passed"] is True


def test_guarantee_items_accept_a_county_code(staffed):
    assert len(selectors.guarantee_items("130123", 2025)) == 3


def test_county_items_use_the_assessment_catalogue_keys(county, staffed):
    from balance_inspect.signals import county_items_requested
    from indicators.county_items import BY_KEY, collect_provided
    from workforce import receivers

    sent = dict(county_items_requested.send(sender=type(county), county=county, year=2025))
    items = collect_provided([("workforce", sent[receivers.county_items])])
    assert {i["key"] for i in items} == {"teacher_exchange", "teacher_training", "teacher_certificates"}
    assert all(i["key"] in BY_KEY for i in items)
    # 表Ⅳ-11's sentence: eligible, exchanged and backbone teachers; the rates follow from them.
    exchange = by_key(items)["teacher_exchange"]
    assert set(exchange["inputs"]) == {"eligible", "exchanged", "backbone"}
    assert set(by_key(items)["teacher_certificates"]["inputs"]) == {"certified", "full_time"}


def test_readiness_rows_follow_the_board_contract(county, staffed):
    readiness = pytest.importorskip("rectification.readiness")
    rows = [readiness.row_from_mapping(r, source="workforce") for r in selectors.readiness_rows(county, 2025)]
    assert all(r.item != "（数据格式错误）" for r in rows)
    statuses = {r.item: r.status for r in rows}
    assert statuses["音体美及心理健康专任教师配齐"] == "fail"
    # exchange, training and certificates reach the board as county items of the assessment, not twice
    assert "交流轮岗比例 ≥ 10%，其中骨干教师 ≥ 20%" not in statuses


def test_staffing_summary_calls_out_pe_and_arts_gaps(county, staffed):
    summary = selectors.staffing_summary(county, 2025)
    assert summary["pe_arts_gaps"] == {
        "体育": ["河口小学"],
        "音乐": ["河口小学"],
        "美术": ["河口小学"],
        "心理健康": ["河口小学"],
    }
    assert summary["posts"]["required"] == 31 and summary["posts"]["in_post"] == 23
    assert summary["stages"]["小学"]["students"] == 460
    assert summary["stages"]["初中"]["schools"] == 0
    music = next(r for r in summary["subjects"] if r["subject"] == "音乐")
    assert (music["teachers"], music["schools_without"], music["required"]) == (1, 1, True)
    assert summary["plan"]["teachers"] >= 5


def test_a_nine_year_school_counts_both_stages(county, township_a):
    from tests.factories import SchoolFactory

    school = SchoolFactory(township=township_a, code="1301230099", school_type="九年一贯制学校")
    ConditionsFactory(school=school, year=2025, primary_students=190, junior_students=27)
    summary = selectors.staffing_summary(county, 2025)
    assert summary["posts"]["required"] == 12  # 10 + 2
    assert summary["stages"]["初中"]["schools"] == 1


def test_demo_receiver_is_connected_to_seed_demo():
    from balance_inspect.signals import demo_seeded

    assert "workforce.demo.seed_workforce" in [key[0] for key, *_ in demo_seeded.receivers]


def test_demo_receiver_adds_workforce_records_deterministically(county, school_a, school_b, bureau):
    from workforce.demo import seed_workforce
    from workforce.models import ApprovedPosts

    ConditionsFactory(school=school_a, year=2025, primary_students=600)
    ConditionsFactory(school=school_b, year=2025, primary_students=90)
    for i in range(30):
        TeacherFactory(
            school=school_a,
            year=2025,
            staff_no=f"A{i}",
            joined_year=2005 if i < 20 else None,
            backbone="县级" if i < 4 else "无",
        )

    def snapshot():
        return (
            sorted(ApprovedPosts.objects.values_list("school__code", "year", "posts")),
            sorted(ExchangeRecord.objects.values_list("staff_no", "backbone")),
            sorted(TrainingRecord.objects.values_list("staff_no", "year", "hours")),
        )

    seed_workforce(sender=None, county=county, users={"bureau": bureau}, year=2025, rng=random.Random(1))
    first = snapshot()
    assert first[0] and first[2]
    assert not TeacherFactory._meta.model.objects.filter(joined_year__isnull=True).exists()
    ApprovedPosts.objects.all().delete()
    ExchangeRecord.objects.all().delete()
    TrainingRecord.objects.all().delete()
    seed_workforce(sender=None, county=county, users={"bureau": bureau}, year=2025, rng=random.Random(2))
    assert snapshot() == first


def test_a_required_subject_missing_from_the_roster_list_stops_the_start(settings):
    from workforce.checks import check_workforce_settings

    assert check_workforce_settings(None) == []
    settings.WORKFORCE_REQUIRED_SUBJECTS_JUNIOR = ["语文", "形体"]
    assert [e.id for e in check_workforce_settings(None)] == ["workforce.E001"]


@pytest.mark.parametrize(
    ("requested", "years", "expected"),
    [
        ("2024", [2025, 2024], 2024),
        ("abc", [2025, 2024], 2025),
        (None, [], 2025),
        ("1800", [2023], 2023),
    ],
)
def test_the_year_shown_is_the_requested_one_or_the_latest_with_data(requested, years, expected):
    from datetime import date

    assert selectors.pick_year(requested, years, today=date(2025, 10, 1)) == expected
