"""Running the rules for a county and storing the findings: acceptance survives identical figures and
reopens on changed ones, the query count does not grow with schools, and every applied import
runs the checks through balance_inspect.signals.import_applied."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry
from dataquality import services
from dataquality.models import Check, Finding
from schools.importing import import_file
from tests.factories import ClassFactory, ConditionsFactory, SchoolFactory, TeacherFactory
from tests.schools_import.helpers import HEADERS, build_xlsx

YEAR = 2025


@pytest.fixture
def mismatch(school_a):
    """城关小学: 80 students in its classes, 85 in its conditions."""
    ConditionsFactory(school=school_a, year=YEAR, primary_students=85)
    ClassFactory(school=school_a, year=YEAR, name="1班", students=40)
    ClassFactory(school=school_a, year=YEAR, name="2班", grade=2, students=40)
    return school_a


def only_finding(county):
    (finding,) = Finding.objects.filter(county=county, year=YEAR, active=True)
    return finding


def test_run_stores_each_finding_with_school_field_values_and_message(county, mismatch):
    result = services.run_checks(county, YEAR)
    finding = only_finding(county)
    assert (result.blocking, result.warning, result.new) == (1, 0, 1)
    assert finding.rule == "classes_vs_conditions" and finding.school == mismatch and finding.blocking
    assert finding.field == "小学在校生数"
    assert finding.values == {"stage": "小学", "班级合计": 80, "办学条件": 85}
    assert "85" in finding.message and finding.status == Finding.Status.OPEN


def test_accepted_finding_stays_accepted_when_identical_rows_are_checked_again(county, mismatch, bureau):
    services.run_checks(county, YEAR)
    services.finding_accept(only_finding(county), user=bureau, reason="5 名随班就读学生未编班")
    result = services.run_checks(county, YEAR)
    finding = only_finding(county)
    assert finding.status == Finding.Status.ACCEPTED and finding.reason == "5 名随班就读学生未编班"
    assert (result.new, result.reopened) == (0, 0)


def test_accepted_finding_reopens_when_the_values_change(county, mismatch, bureau):
    services.run_checks(county, YEAR)
    services.finding_accept(only_finding(county), user=bureau, reason="5 名随班就读学生未编班")
    mismatch.conditions.filter(year=YEAR).update(primary_students=95)
    result = services.run_checks(county, YEAR)
    finding = only_finding(county)
    assert result.reopened == 1
    assert finding.status == Finding.Status.OPEN and finding.values["办学条件"] == 95
    assert finding.accepted_by is None


def test_fixed_data_deactivate_the_finding_and_an_undo_brings_back_its_acceptance(county, mismatch, bureau):
    services.run_checks(county, YEAR)
    services.finding_accept(only_finding(county), user=bureau, reason="说明")
    mismatch.conditions.filter(year=YEAR).update(primary_students=80)
    assert services.run_checks(county, YEAR).resolved == 1
    assert not Finding.objects.filter(active=True).exists()
    mismatch.conditions.filter(year=YEAR).update(primary_students=85)
    services.run_checks(county, YEAR)
    assert only_finding(county).status == Finding.Status.ACCEPTED


def test_accepting_is_audited_and_needs_a_reason(county, mismatch, bureau):
    services.run_checks(county, YEAR)
    finding = only_finding(county)
    with pytest.raises(ValidationError):
        services.finding_accept(finding, user=bureau, reason="  ")
    services.finding_accept(finding, user=bureau, reason="已核实")
    entry = AuditEntry.objects.filter(object_type="dataquality.Finding", object_id=str(finding.pk)).get()
    assert entry.user == bureau and entry.county == county
    assert entry.changes["status"] == ["open", "accepted"]


def test_reopening_an_acceptance_is_audited(county, mismatch, bureau):
    services.run_checks(county, YEAR)
    finding = services.finding_accept(only_finding(county), user=bureau, reason="已核实")
    services.finding_reopen(finding, user=bureau)
    assert only_finding(county).status == Finding.Status.OPEN
    assert AuditEntry.objects.filter(object_type="dataquality.Finding").count() == 2


def test_findings_of_another_county_are_left_alone(county, mismatch, other_school):
    ConditionsFactory(school=other_school, year=YEAR, primary_students=10)
    ClassFactory(school=other_school, year=YEAR, students=40)
    services.run_checks(county, YEAR)
    assert set(Finding.objects.values_list("county_id", flat=True)) == {county.pk}


def _add_schools(county, township, start, n):
    for i in range(start, start + n):
        s = SchoolFactory(township=township, code=f"13012399{i:02d}")
        ConditionsFactory(school=s, year=YEAR - 1, primary_students=100)
        ConditionsFactory(school=s, year=YEAR, primary_students=200 + i)  # a jump and a class mismatch
        ClassFactory(school=s, year=YEAR, students=40)
        TeacherFactory(school=s, year=YEAR, id_number=f"1301231980010{i:04d}"[:17] + "X", backbone="县级")


def test_query_count_does_not_grow_with_schools(county, township_a):
    """Measured on the first run (every finding new) and on a re-run (identical rows) at each size."""
    _add_schools(county, township_a, 0, 2)
    with CaptureQueriesContext(connection) as few_first:
        services.run_checks(county, YEAR)
    with CaptureQueriesContext(connection) as few_again:
        services.run_checks(county, YEAR)
    Finding.objects.all().delete()
    Check.objects.all().delete()
    _add_schools(county, township_a, 2, 10)
    with CaptureQueriesContext(connection) as many_first:
        services.run_checks(county, YEAR)
    with CaptureQueriesContext(connection) as many_again:
        services.run_checks(county, YEAR)
    assert Finding.objects.filter(active=True).count() >= 24
    assert (len(many_first), len(many_again)) == (len(few_first), len(few_again))


def test_applied_import_runs_the_checks(county, school_a, bureau, django_capture_on_commit_callbacks):
    ClassFactory(school=school_a, year=YEAR, students=40)
    row = {
        "学年": YEAR,
        "学校标识码": school_a.code,
        "小学在校生数": 90,
        "初中在校生数": 0,
        "教学及辅助用房面积": 2000,
        "体育运动场馆面积": 3000,
        "教学仪器设备值": 500000,
        "教学用计算机台数": 40,
        "图书册数": 8000,
        "网络多媒体教室数": 6,
    }
    data = build_xlsx(HEADERS["conditions"], [row])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_file(
            kind="conditions", file_obj=io.BytesIO(data), file_name="条件.xlsx", user=bureau, dry_run=False
        )
    assert outcome.ok
    finding = only_finding(county)
    assert finding.rule == "classes_vs_conditions" and finding.values["办学条件"] == 90


def test_previewed_import_runs_no_checks(county, school_a, bureau, django_capture_on_commit_callbacks):
    ClassFactory(school=school_a, year=YEAR, students=40)
    row = {
        "学年": YEAR,
        "学校标识码": school_a.code,
        "小学在校生数": 90,
        "初中在校生数": 0,
        "教学及辅助用房面积": 2000,
        "体育运动场馆面积": 3000,
        "教学仪器设备值": 500000,
        "教学用计算机台数": 40,
        "图书册数": 8000,
        "网络多媒体教室数": 6,
    }
    with django_capture_on_commit_callbacks(execute=True):
        import_file(
            kind="conditions",
            file_obj=io.BytesIO(build_xlsx(HEADERS["conditions"], [row])),
            file_name="条件.xlsx",
            user=bureau,
            dry_run=True,
        )
    assert not Finding.objects.exists()


def test_schools_import_checks_the_county_s_latest_year(county, school_a, django_capture_on_commit_callbacks):
    """The 学校 template has no 学年: its county's latest year with conditions is checked."""
    ConditionsFactory(school=school_a, year=YEAR, primary_students=50)
    row = {
        "学校标识码": "1301230101",
        "学校名称": "李村教学点",
        "区县代码": county.code,
        "区县名称": county.name,
        "乡镇名称": "城关镇",
        "办学类型": "教学点",
        "城乡类型": "乡村",
        "举办者": "公办",
        "所属中心校标识码": school_a.code,
        "是否寄宿制": "否",
    }
    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_file(
            kind="schools",
            file_obj=io.BytesIO(build_xlsx(HEADERS["schools"], [row])),
            file_name="学校.xlsx",
            user=None,
            dry_run=False,
        )
    assert outcome.ok
    assert Check.objects.filter(county=county, year=YEAR).exists()


def test_jump_threshold_is_a_setting(county, school_a, settings):
    ConditionsFactory(school=school_a, year=YEAR - 1, primary_students=100)
    ConditionsFactory(school=school_a, year=YEAR, primary_students=150)
    settings.DATAQUALITY_JUMP_PERCENT = 60
    services.run_checks(county, YEAR)
    assert not Finding.objects.filter(rule="year_jump").exists()
    settings.DATAQUALITY_JUMP_PERCENT = 40
    services.run_checks(county, YEAR)
    assert Finding.objects.filter(rule="year_jump", active=True).count() == 1


def test_the_conditions_full_time_count_is_checked_against_the_whole_roster(county, school_a):
    """The roster counts every 专任教师 of the school (高中 too); part-time staff do not count."""
    conditions = ConditionsFactory(school=school_a, year=YEAR, primary_students=0, full_time_teachers=3)
    TeacherFactory(school=school_a, year=YEAR, staff_no="T1", stage="小学")
    TeacherFactory(school=school_a, year=YEAR, staff_no="T2", stage="高中")
    TeacherFactory(school=school_a, year=YEAR, staff_no="T3", stage="小学", full_time=False)
    services.run_checks(county, YEAR)
    finding = Finding.objects.get(county=county, year=YEAR, rule="full_time_total")
    assert finding.values == {"花名册": 2, "办学条件": 3} and not finding.blocking
    assert finding.target == "conditions"

    conditions.full_time_teachers = 2
    conditions.save()
    services.run_checks(county, YEAR)
    assert not Finding.objects.filter(rule="full_time_total", active=True).exists()

    conditions.full_time_teachers = None
    conditions.save()
    services.run_checks(county, YEAR)
    assert not Finding.objects.filter(rule="full_time_total", active=True).exists()
