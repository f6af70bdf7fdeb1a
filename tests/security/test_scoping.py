"""Rows of another area, reached by id in the URL, are a 404 — never a page, a file or a change.

Same county, other township: a township official and a school reporter of another school get 404
on every dropout-control URL that takes a case (or notice, visit, letter) id. Another county:
bureau staff get 404 on every URL that takes a school code or a row id of any app.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from dropout_control.models import CaseEvent, DropoutCase, PersuasionLog, ReturnNotice

pytestmark = pytest.mark.django_db

CASE_URLS = (
    "detail",
    "edit",
    "confirm",
    "start_persuasion",
    "start_legal",
    "close_request",
    "close",
    "reject_close",
    "reopen",
    "proof",
    "visit_create",
    "responsible",
    "notice_issue",
)
NOTICE_URLS = ("notice_pdf", "notice_serve")


def _dropout_state():
    return (
        list(DropoutCase.objects.order_by("pk").values()),
        PersuasionLog.objects.count(),
        ReturnNotice.objects.count(),
        CaseEvent.objects.count(),
    )


GET_ONLY = {"detail", "proof", "notice_pdf"}


def _assert_404_both_ways(client, url, post_data=None, *, get_only=False):
    """GET is a 404; so is POST, unless the view takes GET only (a 405 before any lookup)."""
    assert client.get(url).status_code == 404, url
    assert client.post(url, post_data or {"note": "越权尝试"}).status_code == (405 if get_only else 404), url


# --- same county, other township / school -------------------------------------------------------


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
@pytest.mark.parametrize("name", CASE_URLS)
def test_it_refuses_another_townships_case_by_id(name, persona, request, login, paper_b, proof_case_b):
    client = login(request.getfixturevalue(persona))
    before = _dropout_state()
    for case in (paper_b.case, proof_case_b):
        _assert_404_both_ways(
            client, reverse(f"dropout_control:{name}", args=[case.pk]), get_only=name in GET_ONLY
        )
    assert _dropout_state() == before


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
@pytest.mark.parametrize("name", NOTICE_URLS)
def test_it_refuses_another_townships_notice_by_id(name, persona, request, login, paper_b):
    client = login(request.getfixturevalue(persona))
    before = _dropout_state()
    _assert_404_both_ways(
        client,
        reverse(f"dropout_control:{name}", args=[paper_b.notice.pk]),
        {"delivered_on": "2025-05-01", "delivery_method": "in_person", "receiver": "某人"},
        get_only=name in GET_ONLY,
    )
    assert _dropout_state() == before


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_it_refuses_another_townships_visit_attachment_and_letter_scan(
    persona, request, login, paper_b, letter_b
):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("dropout_control:visit_attachment", args=[paper_b.visit.pk])).status_code == 404
    assert client.get(reverse("dropout_control:letter_scan", args=[letter_b.pk])).status_code == 404


def test_a_refused_case_view_is_not_audited_as_a_view(login, township_official, paper_b):
    views = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).count()
    login(township_official).get(reverse("dropout_control:detail", args=[paper_b.case.pk]))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).count() == views


def test_the_owner_of_the_area_does_reach_the_same_urls(login, other_township_official, paper_b, letter_b):
    """The 404s above are about the area, not broken URLs: the township's own official gets 200."""
    client = login(other_township_official)
    case = paper_b.case
    for name in ("detail", "edit", "visit_create", "responsible", "close_request"):
        assert client.get(reverse(f"dropout_control:{name}", args=[case.pk])).status_code == 200, name
    assert client.get(reverse("dropout_control:visit_attachment", args=[paper_b.visit.pk])).status_code == 200
    assert client.get(reverse("dropout_control:letter_scan", args=[letter_b.pk])).status_code == 200
    assert client.get(reverse("dropout_control:notice_serve", args=[paper_b.notice.pk])).status_code == 200


def test_the_case_list_and_exports_of_a_township_hold_no_other_townships_case(
    login, township_official, paper_b
):
    client = login(township_official)
    assert paper_b.case.number not in client.get(reverse("dropout_control:list")).content.decode()
    body = client.get(reverse("dropout_control:ledger_export")).content
    cells = {str(c.value) for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row}
    assert paper_b.case.number not in cells and "李小红" not in cells


# --- another county ---------------------------------------------------------------------------


def _county_urls(s):
    """(url, method) of every id-taking URL aimed at 山前县's rows."""
    code = s["school"].code
    rect, item_value, item_evidence = s["rect"], s["county_item"][0], s["county_item"][1]
    a, d, sv = s["assessment"].pk, s["dossier"].pk, s["survey"]
    get = [
        reverse("schools:detail", args=[code]),
        reverse("schools:conditions_edit", args=[code, 2025]),
        reverse("schools:conditions_add", args=[code]),
        reverse("schools:import_preview", args=[s["import"].pk]),
        reverse("workforce:school", args=[code]),
        reverse("dossiers:school_brief", args=[code]),
        reverse("dossiers:status", args=[d]),
        reverse("dossiers:download", args=[d]),
        reverse("applications:status", args=[s["package"].pk]),
        reverse("applications:download", args=[s["package"].pk, "form_pdf"]),
        reverse("indicators:detail", args=[a]),
        reverse("indicators:status", args=[a]),
        reverse("indicators:drilldown", args=[a, "primary", "sports_area_pp"]),
        reverse("indicators:gaps", args=[a]),
        reverse("indicators:sizes", args=[a]),
        reverse("indicators:what_if", args=[a]),
        reverse("indicators:export_table2", args=[a]),
        reverse("indicators:export_table3", args=[a]),
        reverse("indicators:evidence", args=[item_evidence.pk]),
        reverse("rectification:detail", args=[rect.item.pk]),
        reverse("rectification:edit", args=[rect.item.pk]),
        reverse("rectification:evidence_download", args=[rect.evidence.pk]),
        reverse("rectification:archive_download", args=[rect.archive_file.pk]),
        reverse("rectification:task_edit", args=[rect.task.pk]),
        reverse("rectification:proposal_accept", args=[s["proposal"].pk]),
        reverse("surveys:detail", args=[sv.survey.pk]),
        reverse("surveys:edit", args=[sv.survey.pk]),
        reverse("surveys:question_create", args=[sv.survey.pk]),
        reverse("surveys:question_edit", args=[sv.question.pk]),
        reverse("surveys:invitations", args=[sv.survey.pk]),
        reverse("surveys:invitation_qr_png", args=[sv.invitation.pk]),
        reverse("surveys:invitation_qr_svg", args=[sv.invitation.pk]),
        reverse("surveys:qr_sheet", args=[sv.survey.pk]),
        reverse("surveys:results", args=[sv.survey.pk]),
        reverse("surveys:results_export", args=[sv.survey.pk]),
        reverse("surveys:comments", args=[sv.survey.pk]),
        reverse("dropout_control:detail", args=[s["case"].pk]),
        reverse("dataquality:reconcile_run", args=[s["reconcile"][0].pk]),
        reverse("dataquality:reconcile_export", args=[s["reconcile"][0].pk]),
        reverse("dataquality:reconcile_mapping", args=[s["reconcile"][1].pk]),
    ]
    post = [
        reverse("schools:conditions_edit", args=[code, 2025]),
        reverse("schools:conditions_add", args=[code]),
        reverse("schools:import_confirm", args=[s["import"].pk]),
        reverse("workforce:posts_set", args=[code]),
        reverse("dossiers:retry", args=[d]),
        reverse("applications:retry", args=[s["package"].pk]),
        reverse("indicators:evidence_delete", args=[item_evidence.pk]),
        reverse("rectification:edit", args=[rect.item.pk]),
        reverse("rectification:start", args=[rect.item.pk]),
        reverse("rectification:complete", args=[rect.item.pk]),
        reverse("rectification:close", args=[rect.item.pk]),
        reverse("rectification:long_term", args=[rect.item.pk]),
        reverse("rectification:reopen", args=[rect.item.pk]),
        reverse("rectification:progress_add", args=[rect.item.pk]),
        reverse("rectification:evidence_upload", args=[rect.item.pk]),
        reverse("rectification:task_edit", args=[rect.task.pk]),
        reverse("rectification:task_start", args=[rect.task.pk]),
        reverse("rectification:task_complete", args=[rect.task.pk]),
        reverse("rectification:task_reopen", args=[rect.task.pk]),
        reverse("rectification:proposal_accept", args=[s["proposal"].pk]),
        reverse("rectification:proposal_discard", args=[s["proposal"].pk]),
        reverse("surveys:edit", args=[sv.survey.pk]),
        reverse("surveys:open", args=[sv.survey.pk]),
        reverse("surveys:close", args=[sv.survey.pk]),
        reverse("surveys:reopen", args=[sv.survey.pk]),
        reverse("surveys:question_create", args=[sv.survey.pk]),
        reverse("surveys:question_edit", args=[sv.question.pk]),
        reverse("surveys:question_delete", args=[sv.question.pk]),
        reverse("surveys:invitation_generate", args=[sv.survey.pk]),
        reverse("surveys:invitation_create", args=[sv.survey.pk]),
        reverse("surveys:invitation_deactivate", args=[sv.invitation.pk]),
        reverse("dropout_control:edit", args=[s["case"].pk]),
        reverse("dropout_control:confirm", args=[s["case"].pk]),
        reverse("dataquality:reconcile_mapping", args=[s["reconcile"][1].pk]),
        reverse("dataquality:reconcile_cancel", args=[s["reconcile"][1].pk]),
    ]
    assert item_value.county_id == s["school"].county_id
    get += _site_visit_urls(s)["get"]
    post += _site_visit_urls(s)["post"]
    return [(u, "get") for u in get] + [(u, "post") for u in post]


def _site_visit_urls(s):
    draw, drawn = s["draw"].pk, s["drawn"].pk
    return {
        "get": [
            reverse("reviews:detail", args=[draw]),
            reverse("reviews:briefs_pdf", args=[draw]),
            reverse("reviews:brief", args=[drawn]),
            reverse("reviews:brief_pdf", args=[drawn]),
            reverse("reviews:checklist", args=[drawn]),
        ],
        "post": [
            reverse("reviews:checklist_save", args=[drawn]),
            reverse("reviews:photo_upload", args=[drawn]),
            reverse("reviews:table_six", args=[draw]),
        ],
    }


def _everything():
    """A fingerprint of every row an attempt could change."""
    from django.apps import apps

    counts = {}
    for label in (
        "schools.SchoolConditions",
        "schools.ImportRecord",
        "rectification.RectificationItem",
        "rectification.ProgressEntry",
        "rectification.EvidenceFile",
        "rectification.PrepTask",
        "rectification.Proposal",
        "indicators.CountyItemEvidence",
        "dossiers.Dossier",
        "applications.ApplicationPackage",
        "surveys.Survey",
        "surveys.Question",
        "surveys.Invitation",
        "dropout_control.DropoutCase",
        "workforce.ApprovedPosts",
        "reviews.VisitRecord",
        "reviews.VisitCheck",
        "reviews.VisitPhoto",
        "dataquality.ReconcileRun",
        "dataquality.ColumnMapping",
    ):
        model = apps.get_model(label)
        counts[label] = list(model.objects.order_by("pk").values())
    return counts


def test_bureau_staff_get_404_for_every_row_of_another_county(login, bureau, other_county_rows, media_files):
    client = login(bureau)
    before, files = _everything(), media_files()
    refused = []
    for url, method in _county_urls(other_county_rows):
        response = (
            client.get(url)
            if method == "get"
            else client.post(
                url,
                {
                    "note": "越权",
                    "verification": "x",
                    "reason": "x",
                    "text": "x",
                    "date": "2025-05-01",
                    "posts": 3,
                    "year": 2025,
                },
            )
        )
        if response.status_code != 404:
            refused.append((method, url, response.status_code))
    assert refused == []
    assert _everything() == before
    assert media_files() == files


def test_the_other_countys_own_staff_reach_the_same_rows(login, other_bureau, other_county_rows):
    """Control: the ids are real and the pages work for their owner."""
    client = login(other_bureau)
    s = other_county_rows
    for url in (
        reverse("schools:detail", args=[s["school"].code]),
        reverse("rectification:detail", args=[s["rect"].item.pk]),
        reverse("rectification:evidence_download", args=[s["rect"].evidence.pk]),
        reverse("rectification:archive_download", args=[s["rect"].archive_file.pk]),
        reverse("indicators:evidence", args=[s["county_item"][1].pk]),
        reverse("dossiers:download", args=[s["dossier"].pk]),
        reverse("applications:download", args=[s["package"].pk, "form_pdf"]),
        reverse("surveys:detail", args=[s["survey"].survey.pk]),
        reverse("dropout_control:detail", args=[s["case"].pk]),
        reverse("dataquality:reconcile_run", args=[s["reconcile"][0].pk]),
        reverse("dataquality:reconcile_export", args=[s["reconcile"][0].pk]),
        *_site_visit_urls(s)["get"],
    ):
        assert client.get(url).status_code == 200, url


def test_inspectors_and_admins_with_a_county_are_scoped_the_same_way(login, inspector, other_county_rows):
    client = login(inspector)
    s = other_county_rows
    for url in (
        reverse("schools:detail", args=[s["school"].code]),
        reverse("rectification:detail", args=[s["rect"].item.pk]),
        reverse("rectification:evidence_download", args=[s["rect"].evidence.pk]),
        reverse("indicators:evidence", args=[s["county_item"][1].pk]),
        reverse("indicators:detail", args=[s["assessment"].pk]),
        reverse("dossiers:download", args=[s["dossier"].pk]),
        reverse("applications:download", args=[s["package"].pk, "form_pdf"]),
        reverse("surveys:results", args=[s["survey"].survey.pk]),
        reverse("dataquality:reconcile_run", args=[s["reconcile"][0].pk]),
        reverse("dataquality:reconcile_export", args=[s["reconcile"][0].pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_lists_of_a_bureau_never_show_another_countys_rows(login, bureau, county, other_county_rows):
    client = login(bureau)
    s = other_county_rows
    pages = {
        reverse("schools:list"): s["school"].name,
        reverse("rectification:list"): "山前县的问题",
        reverse("dossiers:list"): reverse("dossiers:download", args=[s["dossier"].pk]),
        reverse("applications:package"): reverse("applications:download", args=[s["package"].pk, "form_pdf"]),
        reverse("surveys:list"): reverse("surveys:detail", args=[s["survey"].survey.pk]),
        reverse("schools:import_history"): "办学条件.xlsx",
        reverse("dropout_control:list"): "钱小多",
        reverse("accounts:audit"): "山前",
    }
    for url, foreign in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert foreign not in response.content.decode(), url
