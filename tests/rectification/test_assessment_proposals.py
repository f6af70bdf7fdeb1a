"""From an assessment's gap plan to ledger items: proposals accepted or discarded; an item
linked to an indicator shows where the county's current assessment leaves it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from rectification import selectors, services
from rectification.models import ItemStatus, Proposal, ProposalStatus, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(make_assessment, school_a, school_b):
    return make_assessment()


def test_an_assessment_yields_one_proposal_per_unit_gap_and_cv_plan(assessment, school_a):
    created = services.proposals_from_assessment(assessment)
    assert [p.key for p in created] == ["unit:1301230001:primary:sports_area_pp", "cv:primary:sports_area_pp"]
    unit = created[0]
    assert (unit.indicator, unit.stage, unit.school, unit.status) == (
        "sports_area_pp",
        "primary",
        school_a,
        "pending",
    )
    assert unit.problem == "城关小学（小学）生均体育运动场馆面积为 4.20，低于标准 7.5"
    assert "1,650.00 ㎡" in unit.target


def test_generating_twice_from_one_assessment_adds_nothing(assessment):
    services.proposals_from_assessment(assessment)
    assert services.proposals_from_assessment(assessment) == []
    assert Proposal.objects.count() == 2


def test_a_later_assessment_refreshes_pending_proposals(assessment, make_assessment):
    services.proposals_from_assessment(assessment)
    later_result = assessment.result
    later_result["gaps"]["units"][0]["current_value"] = 5.1
    later = make_assessment(result=later_result)
    services.proposals_from_assessment(later)
    assert Proposal.objects.count() == 2
    unit = Proposal.objects.get(key__startswith="unit:")
    assert unit.assessment == later and "5.1" in unit.problem


def test_an_unfinished_assessment_is_refused(make_assessment):
    running = make_assessment(status="running", result=None)
    with pytest.raises(ValidationError, match="已完成的评估"):
        services.proposals_from_assessment(running)


def test_accepting_creates_an_item_from_the_assessment(assessment, bureau, school_a):
    proposal = services.proposals_from_assessment(assessment)[0]
    item = services.proposal_accept(
        user=bureau,
        proposal=proposal,
        lead_unit="县教育局计财股",
        deadline=date(2025, 9, 30),
        responsible_person="刘建国",
    )
    assert (item.source, item.indicator, item.stage, item.year) == (
        Source.ASSESSMENT,
        "sports_area_pp",
        "primary",
        2025,
    )
    assert list(item.schools.all()) == [school_a]
    assert item.problem == proposal.problem and item.target == proposal.target
    assert item.source_date == timezone.localdate(assessment.finished_at)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.item, proposal.decided_by) == (ProposalStatus.ACCEPTED, item, bureau)
    with pytest.raises(ValidationError, match="已采纳"):
        services.proposal_accept(user=bureau, proposal=proposal, lead_unit="x", deadline=date(2025, 9, 30))


def test_a_cv_plan_accepted_names_every_school_of_the_plan(assessment, bureau, school_a):
    proposal = Proposal.objects.get(pk=services.proposals_from_assessment(assessment)[1].pk)
    item = services.proposal_accept(
        user=bureau, proposal=proposal, lead_unit="计财股", deadline=date(2025, 9, 30)
    )
    assert list(item.schools.all()) == [school_a]


def test_an_accepted_gap_is_not_proposed_again_while_its_item_is_open(assessment, make_assessment, bureau):
    proposal = services.proposals_from_assessment(assessment)[0]
    services.proposal_accept(user=bureau, proposal=proposal, lead_unit="计财股", deadline=date(2025, 9, 30))
    later = make_assessment()
    keys = [p.key for p in services.proposals_from_assessment(later)]
    assert keys == ["cv:primary:sports_area_pp"]


def test_discarding_needs_a_reason_and_is_audited(assessment, bureau):
    proposal = services.proposals_from_assessment(assessment)[0]
    with pytest.raises(ValidationError, match="原因"):
        services.proposal_discard(user=bureau, proposal=proposal, reason=" ")
    services.proposal_discard(user=bureau, proposal=proposal, reason="已列入省级反馈第 3 项")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISCARDED
    entry = AuditEntry.objects.get(object_type="rectification.Proposal", object_id=str(proposal.pk))
    assert entry.changes == {"status": ["pending", "discarded"]}


def test_inspectors_and_other_counties_cannot_decide(assessment, inspector, other_bureau):
    proposal = services.proposals_from_assessment(assessment)[0]
    with pytest.raises(PermissionDenied):
        services.proposal_accept(user=inspector, proposal=proposal, lead_unit="x", deadline=date(2025, 9, 30))
    with pytest.raises(PermissionDenied):
        services.proposal_discard(user=other_bureau, proposal=proposal, reason="x")
    with pytest.raises(PermissionDenied):
        services.proposals_from_assessment(assessment, user=other_bureau)


def test_the_proposal_pages(assessment, bureau, inspector, other_bureau, township_official, login):
    client = login(bureau)
    client.post(reverse("rectification:proposals_generate"))
    first, second = Proposal.objects.order_by("id")
    assert "城关小学（小学）" in client.get(reverse("rectification:proposals")).content.decode()
    response = client.post(
        reverse("rectification:proposal_accept", args=[first.pk]),
        {"lead_unit": "县教育局计财股", "deadline": "2025-09-30"},
    )
    first.refresh_from_db()
    assert response.status_code == 302 and first.status == ProposalStatus.ACCEPTED
    client.post(reverse("rectification:proposal_discard", args=[second.pk]), {"reason": "另行处理"})
    second.refresh_from_db()
    assert second.status == ProposalStatus.DISCARDED

    assert login(inspector).get(reverse("rectification:proposals")).status_code == 200
    assert login(inspector).post(reverse("rectification:proposals_generate")).status_code == 403
    assert login(inspector).get(reverse("rectification:proposal_accept", args=[first.pk])).status_code == 403
    assert (
        login(other_bureau).get(reverse("rectification:proposal_accept", args=[first.pk])).status_code == 404
    )
    assert (
        login(other_bureau)
        .post(reverse("rectification:proposal_discard", args=[first.pk]), {"reason": "x"})
        .status_code
        == 404
    )
    assert login(township_official).get(reverse("rectification:proposals")).status_code == 403


# --- an item linked to an indicator ---------------------------------------------------------


def test_an_item_shows_its_indicator_still_failing(assessment, make_item, school_a):
    item = make_item(schools=[school_a], indicator="sports_area_pp", stage="primary", year=2025)
    standing = selectors.item_indicator_standing(item)
    assert standing["assessment"] == assessment
    assert standing["still_failing"] is True
    assert [(s["school_code"], s["value"], s["meets"]) for s in standing["schools"]] == [
        ("1301230001", 4.2, False)
    ]
    assert standing["stages"][0]["cv"] == 0.5123


def test_an_item_follows_the_latest_current_run(assessment, make_assessment, make_item, school_b):
    fixed = assessment.result
    fixed["stages"]["primary"]["indicators"]["building_area_pp"]["cv_passed"] = True
    make_assessment(result=fixed, finished_at=timezone.now() + timedelta(minutes=5))
    make_assessment(status="running", result=None)  # not finished: ignored
    item = make_item(schools=[school_b], indicator="building_area_pp", stage="primary")
    assert selectors.item_indicator_standing(item)["still_failing"] is False


def test_an_item_of_another_year_reads_the_countys_current_assessment(assessment, make_item):
    item = make_item(indicator="sports_area_pp", year=2026)
    standing = selectors.item_indicator_standing(item)
    assert standing["assessment"] == assessment and standing["still_failing"] is True


def test_without_a_run_of_the_target_scheme_an_item_has_no_standing_yet(make_assessment, make_item):
    make_assessment(scheme="basic-2012")  # a comparison run: never the current one
    standing = selectors.item_indicator_standing(make_item(indicator="sports_area_pp"))
    assert standing["assessment"] is None and standing["still_failing"] is None


def test_items_without_a_rule_set_indicator_have_no_standing(make_item):
    assert selectors.item_indicator_standing(make_item(indicator="2.5")) is None
    assert selectors.item_indicator_standing(make_item(indicator="")) is None


def test_the_detail_page_shows_the_standing(assessment, make_item, school_a, bureau, login):
    item = make_item(schools=[school_a], indicator="sports_area_pp", stage="primary")
    page = login(bureau).get(reverse("rectification:detail", args=[item.pk])).content.decode()
    assert "当前评估仍未达标" in page and "0.512" in page


def test_accepted_items_enter_the_normal_workflow(assessment, bureau):
    proposal = services.proposals_from_assessment(assessment)[0]
    item = services.proposal_accept(
        user=bureau, proposal=proposal, lead_unit="计财股", deadline=date(2025, 9, 30)
    )
    assert services.item_start(user=bureau, item=item).status == ItemStatus.IN_PROGRESS
