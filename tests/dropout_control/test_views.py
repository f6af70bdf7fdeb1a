"""Pages: each role sees its own area (404 elsewhere), wrong roles get 403, inspectors see masked
lists only, and every view of personal data is audited."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from dropout_control import services
from dropout_control.models import CaseStatus, DropoutCase
from tests.dropout_control.casedata import ledger_data

pytestmark = pytest.mark.django_db

CASE_VIEWS = (
    "detail",
    "edit",
    "confirm",
    "start_persuasion",
    "start_legal",
    "close_request",
    "close",
    "reject_close",
    "reopen",
    "visit_create",
    "responsible",
    "notice_issue",
)
REPORTER_REFUSED = (
    "edit",
    "confirm",
    "start_persuasion",
    "start_legal",
    "close",
    "reject_close",
    "reopen",
    "responsible",
    "notice_issue",
)
FORM_VIEWS = (
    "create",
    "letter_create",
    "register_check_create",
    "cohort_create",
    "cohort_import",
    "ledger_import",
)
DOWNLOADS = ("ledger_export", "ledger_template", "cohort_template")
READ_PAGES = (
    "list",
    "overdue",
    "letters",
    "register_checks",
    "retention",
    "report_monthly",
    "report_quarterly",
    "report_monthly_xlsx",
    "report_quarterly_xlsx",
)


def url(name, *args):
    return reverse(f"dropout_control:{name}", args=args)


# --- lists ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("bureau", {"a", "b"}),
        ("township_official", {"a"}),
        ("other_township_official", {"b"}),
        ("reporter", {"a"}),
        ("inspector", {"a", "b"}),
        ("other_bureau", set()),
        ("admin_user", {"a", "b"}),
    ],
)
def test_each_role_lists_the_cases_of_its_area(persona, expected, request, login, case_a, case_b):
    body = login(request.getfixturevalue(persona)).get(url("list")).content.decode()
    shown = {key for key, case in (("a", case_a), ("b", case_b)) if case.number in body}
    assert shown == expected


def test_inspectors_see_masked_names_and_ids_and_no_links(login, inspector, case_a):
    body = login(inspector).get(url("list")).content.decode()
    assert "张**" in body and case_a.masked_id_number in body
    assert "张小明" not in body and case_a.id_number not in body
    assert url("detail", case_a.pk) not in body


def test_others_see_names_but_masked_ids_in_the_list(login, township_official, case_a):
    body = login(township_official).get(url("list")).content.decode()
    assert "张小明" in body and case_a.id_number not in body and url("detail", case_a.pk) in body


def test_the_list_filters_by_status_township_and_overdue(login, bureau, case_a, case_b, township_official):
    services.case_confirm(user=township_official, case=case_a, note="核实")
    client = login(bureau)
    assert case_b.number not in client.get(url("list"), {"status": "confirmed"}).content.decode()
    body = client.get(url("list"), {"township": case_b.township_id}).content.decode()
    assert case_b.number in body and case_a.number not in body
    # Overdue as of today (no visit within 3 days of the report), whatever the stored flag says.
    DropoutCase.objects.filter(pk=case_b.pk).update(
        reported_on=F("reported_on") - timedelta(days=5), absent_since=F("absent_since") - timedelta(days=5)
    )
    body = client.get(url("list"), {"overdue": "1"}).content.decode()
    assert case_b.number in body and case_a.number not in body


def test_the_list_query_count_does_not_grow_with_rows(login, bureau, new_case, township_a, school_a, case_a):
    client = login(bureau)
    client.get("/")  # the session's first request does one-off session work
    with CaptureQueriesContext(connection) as few:
        client.get(url("list"))
    for i in range(12):
        new_case(bureau, township_a, school_a, name=f"学生{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("list"))
    assert response.context["page_obj"].paginator.count == 13
    assert len(many) == len(few)


def test_the_list_is_paged(login, bureau, new_case, township_a, settings, monkeypatch):
    from dropout_control import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for i in range(3):
        new_case(bureau, township_a, name=f"学生{i}")
    body = login(bureau).get(url("list"), {"page": 2}).content.decode()
    assert "第 2 / 2 页" in body


# --- case pages: area and role -----------------------------------------------------------------


@pytest.mark.parametrize("name", CASE_VIEWS)
@pytest.mark.parametrize("persona", ["other_township_official", "other_bureau"])
def test_case_pages_of_another_area_are_404(name, persona, request, login, case_a):
    assert login(request.getfixturevalue(persona)).get(url(name, case_a.pk)).status_code == 404


@pytest.mark.parametrize("name", CASE_VIEWS)
def test_a_reporter_cannot_open_another_schools_case(name, login, reporter, case_b):
    assert login(reporter).get(url(name, case_b.pk)).status_code == 404


@pytest.mark.parametrize("name", CASE_VIEWS)
def test_inspectors_get_no_case_page_at_all(name, login, inspector, case_a):
    client = login(inspector)
    assert client.get(url(name, case_a.pk)).status_code == 403
    # The detail page accepts GET only (405 before any access check); every other page refuses with 403.
    assert client.post(url(name, case_a.pk), {"note": "x"}).status_code == (405 if name == "detail" else 403)


@pytest.mark.parametrize("name", REPORTER_REFUSED)
def test_reporters_only_report_log_visits_and_file_returns(name, login, reporter, case_a):
    assert login(reporter).get(url(name, case_a.pk)).status_code == 403


@pytest.mark.parametrize("name", ("detail", "visit_create", "close_request"))
def test_reporters_open_their_own_schools_case(name, login, reporter, case_a):
    assert login(reporter).get(url(name, case_a.pk)).status_code == 200


@pytest.mark.parametrize("name", FORM_VIEWS)
def test_inspectors_cannot_reach_any_write_page(name, login, inspector):
    client = login(inspector)
    assert client.get(url(name)).status_code == 403
    assert client.post(url(name), {}).status_code == 403


@pytest.mark.parametrize("name", DOWNLOADS)
def test_inspectors_cannot_download_ledgers_or_templates(name, login, inspector):
    assert login(inspector).get(url(name)).status_code == 403


@pytest.mark.parametrize("name", ("register_check_create", "cohort_create", "cohort_import"))
def test_township_officials_do_not_enter_school_figures(name, login, township_official):
    assert login(township_official).get(url(name)).status_code == 403


@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize("persona", ["bureau", "inspector", "township_official", "reporter"])
def test_read_pages_open_for_every_role(name, persona, request, login, case_a):
    assert login(request.getfixturevalue(persona)).get(url(name)).status_code == 200


@pytest.mark.parametrize("name", READ_PAGES + ("create",))
def test_pages_need_a_login(name, client):
    response = client.get(url(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_detail_page_is_audited_as_a_view(login, township_official, case_a):
    response = login(township_official).get(url("detail", case_a.pk))
    assert response.status_code == 200 and "张小明" in response.content.decode()
    entry = AuditEntry.objects.get(action="view", object_id=str(case_a.pk))
    assert entry.user == township_official and entry.note == "查看个案详情"


def test_the_detail_page_offers_only_the_allowed_actions(login, township_official, case_a):
    body = login(township_official).get(url("detail", case_a.pk)).content.decode()
    assert url("confirm", case_a.pk) in body and url("close_request", case_a.pk) in body
    assert url("start_legal", case_a.pk) not in body and url("reopen", case_a.pk) not in body


# --- creating and transitions through pages ------------------------------------------------------


def _post_data(township, school=None, **overrides):
    data = ledger_data(township, school, **overrides)
    out = {}
    for key, value in data.items():
        if value is None or value is False:
            continue
        out[key] = value.pk if hasattr(value, "pk") else value
    return out


def test_a_township_official_files_in_their_own_township_whatever_the_form_says(
    login, township_official, township_a, township_b, school_a
):
    response = login(township_official).post(url("create"), _post_data(township_b, school_a))
    case = DropoutCase.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", case.pk)
    assert case.township == township_a and case.status == CaseStatus.SUSPECTED


def test_a_township_official_cannot_pick_a_school_of_another_township(
    login, township_official, township_a, school_b
):
    response = login(township_official).post(url("create"), _post_data(township_a, school_b))
    assert response.status_code == 200 and not DropoutCase.objects.exists()


def test_a_reporter_files_for_their_own_school(login, reporter, township_b, school_b, school_a):
    login(reporter).post(url("create"), _post_data(township_b, school_b))
    case = DropoutCase.objects.get()
    assert (case.school, case.township) == (school_a, school_a.township)


def test_the_form_refuses_a_second_open_case_and_names_the_first(login, bureau, case_a, township_a):
    response = login(bureau).post(url("create"), _post_data(township_a, id_number=case_a.id_number))
    assert response.status_code == 200
    assert case_a.number in response.content.decode()
    assert DropoutCase.objects.count() == 1


def test_the_form_reports_a_wrong_check_digit(login, bureau, township_a):
    response = login(bureau).post(url("create"), _post_data(township_a, id_number="130123201203050118"))
    assert "校验码" in response.content.decode()


def test_confirming_through_the_page(login, township_official, case_a):
    response = login(township_official).post(url("confirm", case_a.pk), {"note": "入户核实"})
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.CONFIRMED


def test_an_illegal_transition_shows_the_reason(login, township_official, case_a):
    response = login(township_official).post(url("start_persuasion", case_a.pk), {"note": ""})
    assert "个案当前状态为“疑似辍学”，不能启动劝返" in response.content.decode()


def test_another_township_cannot_confirm_by_post(login, other_township_official, case_a):
    assert login(other_township_official).post(url("confirm", case_a.pk), {"note": "x"}).status_code == 404
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.SUSPECTED


def test_a_visit_with_an_attachment_is_stored_and_served_with_access_checks(
    login, township_official, other_township_official, case_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("走访.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    response = login(township_official).post(
        url("visit_create", case_a.pk),
        {
            "visited_on": timezone.localdate().isoformat(),
            "method": "home_visit",
            "gov_people": "李镇长",
            "edu_people": "",
            "result": "agreed",
            "result_detail": "",
            "attachment_file": photo,
        },
    )
    assert response.status_code == 302
    visit = case_a.visits.get()
    assert visit.attachment_name == "走访.png"
    download = login(township_official).get(url("visit_attachment", visit.pk))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert login(other_township_official).get(url("visit_attachment", visit.pk)).status_code == 404


def test_an_attachment_that_is_not_what_it_claims_is_refused(login, township_official, case_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"MZ not an image", content_type="image/jpeg")
    response = login(township_official).post(
        url("visit_create", case_a.pk),
        {
            "visited_on": timezone.localdate().isoformat(),
            "method": "phone",
            "gov_people": "李镇长",
            "result": "agreed",
            "attachment_file": fake,
        },
    )
    assert "文件类型不被接受" in response.content.decode()
    assert not case_a.visits.exists()


def test_the_ledger_export_is_audited_and_scoped(login, township_official, case_a, case_b):
    from io import BytesIO

    from openpyxl import load_workbook

    response = login(township_official).get(url("ledger_export"))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    numbers = {r[rows[0].index("个案编号")] for r in rows[1:]}
    assert numbers == {case_a.number}
    assert rows[1][rows[0].index("身份证号")] == case_a.id_number
    assert AuditEntry.objects.filter(action="export", user=township_official).count() == 1


def test_the_monthly_report_counts_new_reports_per_school(login, bureau, case_a, school_a):
    today = timezone.localdate()
    response = login(bureau).get(url("report_monthly"), {"year": today.year, "month": today.month})
    row = next(r for r in response.context["report"]["rows"] if r["school"] == school_a)
    assert row["counts"]["reported"] == 1 and row["counts"]["open_at_end"] == 1


def test_reports_show_no_names(login, inspector, case_a):
    for name in ("report_monthly", "report_quarterly", "overdue"):
        assert "张小明" not in login(inspector).get(url(name)).content.decode()


def test_the_quarterly_summary_page_has_constant_queries(login, bureau, case_a, new_case, township_b):
    client = login(bureau)
    client.get("/")  # the session's first request does one-off session work
    with CaptureQueriesContext(connection) as few:
        client.get(url("report_quarterly"))
    for i in range(5):
        new_case(bureau, township_b, name=f"学生{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url("report_quarterly"))
    assert len(many) == len(few)


def test_xlsx_reports_download(login, bureau, case_a):
    response = login(bureau).get(url("report_quarterly_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.search(r"filename\*=UTF-8''", response["Content-Disposition"])
