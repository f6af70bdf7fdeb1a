"""The 数据质量 page: who reads, who writes, wrong county, filters, the run button and 注明原因."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from dataquality import services
from dataquality.models import Finding
from tests.factories import ClassFactory, ConditionsFactory

YEAR = 2025
PAGE = reverse("dataquality:page")


@pytest.fixture
def findings(county, school_a, school_b):
    """城关小学: classes 40 vs conditions 85 (blocking); 河口小学: a class of 3 (warning)."""
    ConditionsFactory(school=school_a, year=YEAR, primary_students=85)
    ClassFactory(school=school_a, year=YEAR, name="1班", students=40)
    ConditionsFactory(school=school_b, year=YEAR, primary_students=3)
    ClassFactory(school=school_b, year=YEAR, name="复式班", students=3)
    services.run_checks(county, YEAR)
    return Finding.objects.order_by("severity")


@pytest.mark.parametrize("persona", ["bureau", "inspector", "admin_user"])
def test_county_readers_see_counts_and_findings(persona, request, login, findings):
    response = login(request.getfixturevalue(persona)).get(PAGE, {"year": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    assert "各班学生数合计 40 人，办学条件填报在校生 85 人" in body
    assert "班级“复式班”学生数 3 人" in body
    assert response.context["q"]["blocking_open"] == 1 and response.context["q"]["warning_open"] == 1


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_and_school_users_are_refused(persona, request, login, findings):
    client = login(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 403
    assert client.post(reverse("dataquality:run"), {"year": YEAR}).status_code == 403
    finding = findings.first()
    assert client.post(reverse("dataquality:accept", args=[finding.pk]), {"reason": "x"}).status_code == 403


def test_inspector_reads_but_cannot_run_or_accept(login, inspector, findings):
    client = login(inspector)
    body = client.get(PAGE, {"year": YEAR}).content.decode()
    assert "立即核查" not in body and "注明原因</summary>" not in body
    assert client.post(reverse("dataquality:run"), {"year": YEAR}).status_code == 403
    finding = findings.first()
    assert client.post(reverse("dataquality:accept", args=[finding.pk]), {"reason": "x"}).status_code == 403
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_finding_of_another_county_is_not_found(login, other_bureau, findings):
    finding = findings.first()
    client = login(other_bureau)
    assert client.post(reverse("dataquality:accept", args=[finding.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("dataquality:reopen", args=[finding.pk])).status_code == 404
    # Their own page shows their own (empty) county, not this one's findings.
    assert "城关小学" not in client.get(PAGE, {"year": YEAR}).content.decode()


def test_bureau_explains_a_finding_and_it_is_audited(login, bureau, findings):
    finding = findings.first()
    response = login(bureau).post(
        reverse("dataquality:accept", args=[finding.pk]), {"reason": "5 名学生随班就读"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACCEPTED and finding.reason == "5 名学生随班就读"
    assert finding.accepted_by == bureau
    assert AuditEntry.objects.filter(object_type="dataquality.Finding", object_id=str(finding.pk)).exists()


def test_an_empty_reason_accepts_nothing(login, bureau, findings):
    finding = findings.first()
    login(bureau).post(reverse("dataquality:accept", args=[finding.pk]), {"reason": ""})
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_run_button_checks_the_year_and_is_audited(login, bureau, county, school_a):
    ConditionsFactory(school=school_a, year=YEAR, primary_students=85)
    ClassFactory(school=school_a, year=YEAR, students=40)
    response = login(bureau).post(reverse("dataquality:run"), {"year": YEAR})
    assert response.status_code == 302
    assert Finding.objects.filter(county=county, year=YEAR, rule="classes_vs_conditions").exists()
    assert AuditEntry.objects.filter(object_type="dataquality.Run", county=county).exists()


def test_filters_narrow_the_list_but_not_the_counts(login, bureau, findings):
    response = login(bureau).get(PAGE, {"year": YEAR, "severity": "warning"})
    listed = response.context["q"]["findings"]
    assert [f.rule for f in listed] == ["class_size"]
    assert response.context["q"]["total"] == 2
    by_school = login(bureau).get(PAGE, {"year": YEAR, "school": "1301230001"}).context["q"]["findings"]
    assert [f.school.code for f in by_school] == ["1301230001"]


def test_each_finding_links_to_the_row_to_fix(login, bureau, findings):
    body = login(bureau).get(PAGE, {"year": YEAR}).content.decode()
    assert reverse("schools:conditions_edit", args=["1301230001", YEAR]) in body  # student totals: conditions
    assert reverse("schools:detail", args=["1301230002"]) in body  # a class size: the school page


def test_navigation_offers_the_page_to_county_readers_only(login, bureau, township_official, findings):
    assert f'href="{PAGE}"' in login(bureau).get(reverse("home")).content.decode()
    assert f'href="{PAGE}"' not in login(township_official).get(reverse("home")).content.decode()


def test_a_differing_full_time_count_shows_both_figures_and_links_to_the_conditions(
    login, bureau, county, school_a
):
    from tests.factories import TeacherFactory

    ConditionsFactory(school=school_a, year=YEAR, primary_students=0, full_time_teachers=5)
    TeacherFactory(school=school_a, year=YEAR, staff_no="T1")
    services.run_checks(county, YEAR)
    body = login(bureau).get(PAGE, {"year": YEAR}).content.decode()
    assert "办学条件填报专任教师 5 人，教师花名册专任教师 1 人，相差 4 人" in body
    assert reverse("schools:conditions_edit", args=[school_a.code, YEAR]) in body
