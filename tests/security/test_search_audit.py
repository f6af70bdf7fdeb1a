"""Case searches are audited without a child's name or ID number in clear (issue 15, finding 8)."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


def search_notes(client, q):
    client.get(reverse("dropout_control:list"), {"q": q})
    entry = AuditEntry.objects.filter(
        object_type="dropout_control.DropoutCase", action=AuditEntry.Action.VIEW
    ).latest("id")
    return entry.note


def test_a_search_by_id_number_is_audited_masked(login, other_township_official, paper_b):
    case = paper_b.case
    note = search_notes(login(other_township_official), case.id_number)
    assert case.id_number not in note
    assert case.id_number[:6] + "********" + case.id_number[-4:] in note


def test_a_search_by_name_is_audited_masked(login, other_township_official, paper_b):
    note = search_notes(login(other_township_official), "李小红")
    assert "李小红" not in note and "李**" in note


def test_a_search_by_case_number_stays_readable(login, other_township_official, paper_b):
    note = search_notes(login(other_township_official), paper_b.case.number)
    assert paper_b.case.number in note
