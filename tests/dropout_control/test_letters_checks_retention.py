"""Responsibility letters, term-start register checks, cohort figures and the summary selector."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from dropout_control import rules, selectors, services
from dropout_control.models import Line, RegisterCheck
from dropout_control.retention import CohortYear

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_letters_missing_are_listed_per_township_and_school(
    bureau, county, township_a, township_b, school_a, school_b
):
    services.letter_save(
        user=bureau,
        township=township_a,
        school=None,
        year=2025,
        line=Line.GOVERNMENT,
        signed_on=date(2025, 3, 1),
        party_a="滨河县人民政府",
        party_b="城关镇人民政府",
    )
    status = selectors.letter_status(bureau, county, 2025)
    assert status["expected"] == 8 and status["missing"] == 7
    first = status["rows"][0]
    assert first["township"] == township_a and first["school"] is None and first["government"] is not None


def test_saving_a_letter_again_replaces_it(bureau, township_a):
    for day in (1, 2):
        services.letter_save(
            user=bureau,
            township=township_a,
            school=None,
            year=2025,
            line=Line.EDUCATION,
            signed_on=date(2025, 3, day),
        )
    from dropout_control.models import ResponsibilityLetter

    assert ResponsibilityLetter.objects.get().signed_on == date(2025, 3, 2)
    assert AuditEntry.objects.filter(object_type="dropout_control.ResponsibilityLetter").count() == 2


def test_a_scan_is_checked_by_content_and_served_only_within_the_area(
    login, bureau, township_official, other_township_official, township_a
):
    with pytest.raises(ValidationError):
        services.letter_save(
            user=bureau,
            township=township_a,
            school=None,
            year=2025,
            line=Line.GOVERNMENT,
            signed_on=date(2025, 3, 1),
            scan=SimpleUploadedFile("scan.pdf", b"not a pdf"),
        )
    letter = services.letter_save(
        user=bureau,
        township=township_a,
        school=None,
        year=2025,
        line=Line.GOVERNMENT,
        signed_on=date(2025, 3, 1),
        scan=SimpleUploadedFile("责任书.pdf", PDF),
    )
    url = reverse("dropout_control:letter_scan", args=[letter.pk])
    assert login(township_official).get(url).status_code == 200
    assert login(other_township_official).get(url).status_code == 404


def test_township_officials_record_only_their_own_letters(
    township_official, township_b, school_b, reporter, school_a, township_a
):
    with pytest.raises(PermissionDenied):
        services.letter_save(
            user=township_official,
            township=township_b,
            school=None,
            year=2025,
            line=Line.GOVERNMENT,
            signed_on=date(2025, 3, 1),
        )
    with pytest.raises(PermissionDenied):
        services.letter_save(
            user=reporter,
            township=township_a,
            school=None,
            year=2025,
            line=Line.EDUCATION,
            signed_on=date(2025, 3, 1),
        )
    services.letter_save(
        user=reporter,
        township=township_a,
        school=school_a,
        year=2025,
        line=Line.EDUCATION,
        signed_on=date(2025, 3, 1),
    )


def test_the_letters_page_flags_gaps(login, bureau, township_a):
    body = login(bureau).get(reverse("dropout_control:letters"), {"year": 2025}).content.decode()
    assert "缺失" in body and 'class="fail"' in body


def test_the_letter_form_saves_with_a_scan(login, bureau, township_a):
    response = login(bureau).post(
        reverse("dropout_control:letter_create"),
        {
            "year": 2025,
            "line": "government",
            "township": township_a.pk,
            "signed_on": "2025-03-01",
            "party_a": "滨河县人民政府",
            "party_b": "城关镇人民政府",
            "scan": SimpleUploadedFile("责任书.pdf", PDF),
        },
    )
    assert response.status_code == 302


def test_register_checks_are_validated_and_missing_ones_listed(reporter, bureau, county, school_a, school_b):
    with pytest.raises(ValidationError) as exc:
        services.register_check_save(
            user=reporter,
            school=school_a,
            year=2025,
            term=1,
            done_on=date(2025, 9, 5),
            on_register=500,
            at_school=501,
            suspected_found=0,
        )
    assert "at_school" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.register_check_save(
            user=reporter,
            school=school_a,
            year=2025,
            term=1,
            done_on=date(2025, 9, 5),
            on_register=500,
            at_school=498,
            suspected_found=3,
        )
    services.register_check_save(
        user=reporter,
        school=school_a,
        year=2025,
        term=1,
        done_on=date(2025, 9, 5),
        on_register=500,
        at_school=498,
        suspected_found=1,
    )
    status = selectors.register_check_status(bureau, county, 2025, 1)
    assert status["missing"] == 1 and [r["school"] for r in status["rows"] if r["check"] is None] == [
        school_b
    ]


def test_a_reporter_cannot_enter_another_schools_check(reporter, school_b):
    with pytest.raises(PermissionDenied):
        services.register_check_save(
            user=reporter,
            school=school_b,
            year=2025,
            term=1,
            done_on=date(2025, 9, 5),
            on_register=10,
            at_school=10,
            suspected_found=0,
        )


def test_the_register_check_form_updates_the_terms_row(login, reporter, school_a):
    client = login(reporter)
    year, term = rules.term_of(timezone.localdate())
    for at_school in (300, 299):
        response = client.post(
            reverse("dropout_control:register_check_create"),
            {
                "school": school_a.pk,
                "year": year,
                "term": term,
                "done_on": timezone.localdate().isoformat(),
                "on_register": 300,
                "at_school": at_school,
                "suspected_found": 0,
                "note": "",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
    assert RegisterCheck.objects.get().at_school == 299


def test_the_register_check_page_flags_schools_without_a_check(login, bureau, school_a):
    response = login(bureau).get(reverse("dropout_control:register_checks"))
    assert response.context["status"]["missing"] == 1 and 'class="fail"' in response.content.decode()


def _cohorts(bureau, school_a, school_b):
    services.cohort_save(user=bureau, school=school_a, year=2016, figures={"grade1_entrants": 100})
    services.cohort_save(user=bureau, school=school_b, year=2016, figures={"grade1_entrants": 100})
    services.cohort_save(user=bureau, school=school_a, year=2022, figures={"grade7_entrants": 90})
    services.cohort_save(
        user=bureau,
        school=school_a,
        year=2025,
        figures={"junior_graduates": 95, "transfers_in": 10, "transfers_out": 5},
    )


def test_retention_per_county_and_township(bureau, county, school_a, school_b, township_a, township_b):
    _cohorts(bureau, school_a, school_b)
    table = selectors.retention_table(bureau, county, 2025)
    assert table["county"].nine_year == pytest.approx(95 / 200)
    assert table["county"].junior == pytest.approx(95 / 95)
    by_name = {row["township"].name: row["rates"] for row in table["townships"]}
    assert by_name["城关镇"].nine_year == pytest.approx(95 / 100)
    assert by_name["河口乡"].nine_year is None and by_name["河口乡"].junior is None  # no figures: undefined


def test_the_formula_setting_switches_the_junior_rate(bureau, county, school_a, school_b, settings):
    _cohorts(bureau, school_a, school_b)
    settings.RETENTION_FORMULA = "simple"
    assert selectors.retention_table(bureau, county, 2025)["county"].junior == pytest.approx(95 / 90)


def test_the_retention_page_shows_rates_and_undefined_ones_with_the_one_label(
    login, inspector, bureau, school_a, school_b
):
    _cohorts(bureau, school_a, school_b)
    body = login(inspector).get(reverse("dropout_control:retention"), {"year": 2025}).content.decode()
    rates = re.findall(r'<td class="num[^"]*">([^<]*%|—)</td>', body)
    assert "47.5%" in rates and "—" in rates, rates


def test_cohort_entry_is_for_bureau_staff(township_official, school_a):
    with pytest.raises(PermissionDenied):
        services.cohort_save(user=township_official, school=school_a, year=2025, figures={})


def test_case_summary_counts_without_personal_data(
    bureau, inspector, county, case_a, case_b, township_official, school_a
):
    services.case_request_close(
        user=township_official,
        case=case_a,
        outcome="returned",
        outcome_school=school_a,
        outcome_date=timezone.localdate(),
    )
    services.case_close(user=bureau, case=case_a)
    summary = selectors.case_summary(inspector, county)
    assert (summary["total"], summary["open"], summary["returned"]) == (2, 1, 1)
    assert summary["by_status"]["已销号"] == 1 and summary["by_status"]["疑似辍学"] == 1
    assert summary["by_reason"]["厌学或学习困难"] == 2
    assert [t["township"] for t in summary["by_township"]] == ["城关镇", "河口乡"]
    assert "张小明" not in repr(summary) and case_a.id_number not in repr(summary)


def test_case_summary_is_scoped(township_official, county, case_a, case_b):
    assert selectors.case_summary(township_official, county)["total"] == 1


def test_latest_retention_uses_the_last_year_with_graduates(bureau, county, school_a, school_b):
    _cohorts(bureau, school_a, school_b)
    latest = selectors.latest_retention(bureau, county)
    assert latest["year"] == 2025 and latest["nine_year"] == pytest.approx(0.475)


def test_cohort_years_sum_per_year():
    from dropout_control.retention import sum_years

    years = sum_years([CohortYear(2025, junior_graduates=3), CohortYear(2025, junior_graduates=4)])
    assert years[2025].junior_graduates == 7


def test_the_quarterly_xlsx_lists_townships_and_rates(login, bureau, case_a):
    from openpyxl import load_workbook

    today = timezone.localdate()
    response = login(bureau).get(
        reverse("dropout_control:report_quarterly_xlsx"),
        {"year": today.year, "quarter": rules.quarter_of(today)},
    )
    workbook = load_workbook(BytesIO(response.content))
    first = list(workbook.worksheets[0].iter_rows(values_only=True))[2:]  # below the title and data time
    assert first[0][0] == "乡镇" and first[1][0] == "城关镇" and first[1][1] == 1  # one new report
    assert [ws.title for ws in workbook.worksheets][1:] == ["期末未销号个案原因", "巩固率"]


def test_closings_count_in_the_month_they_were_reviewed(login, bureau, township_official, case_a, school_a):
    services.case_request_close(
        user=township_official,
        case=case_a,
        outcome="returned",
        outcome_school=school_a,
        outcome_date=timezone.localdate(),
    )
    later = timezone.localdate() + timedelta(days=40)
    services.case_close(user=bureau, case=case_a, today=later)
    report = selectors.monthly_school_report(bureau, case_a.county, later.year, later.month)
    row = next(r for r in report["rows"] if r["school"] == school_a)
    assert row["counts"]["returned"] == 1 and row["counts"]["open_at_end"] == 0


def test_case_summary_queries_do_not_grow_with_cases(
    bureau, county, new_case, township_a, township_b, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    new_case(bureau, township_a)
    with CaptureQueriesContext(connection) as few:
        selectors.case_summary(bureau, county)
    for i in range(6):
        new_case(bureau, township_b, name=f"学生{i}")
    with django_assert_max_num_queries(len(few)):
        assert selectors.case_summary(bureau, county)["total"] == 7
