"""Every transition of a case, allowed and refused; the closing rule; duplicates; the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEntry
from dropout_control import services
from dropout_control.models import CaseEvent, CaseStatus, EventKind, ResponsibleLevel
from tests.dropout_control.casedata import add_visit, ledger_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def refused(call, message: str):
    with pytest.raises(ValidationError) as exc:
        call()
    assert any(message in m for m in exc.value.messages), exc.value.messages


def events(case):
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


# --- filing --------------------------------------------------------------------------------------


def test_a_new_case_is_suspected_numbered_and_on_the_timeline(case_a, township_official, county):
    assert case_a.status == CaseStatus.SUSPECTED
    assert case_a.number == f"KC130123-{TODAY().year}-0001"
    assert case_a.county == county
    assert events(case_a) == [EventKind.CREATED]
    assert case_a.responsibles.get(level=ResponsibleLevel.GOV_TOWNSHIP).user == township_official


def test_filing_is_audited_without_clear_personal_data(case_a):
    entry = AuditEntry.objects.get(action="create", object_id=str(case_a.pk))
    assert entry.object_repr == f"{case_a.number} 张**"
    assert entry.changes["name"] == ["", "张**"]
    assert "*" in entry.changes["id_number"][1]
    assert entry.county == case_a.county


def test_case_numbers_run_on_per_county_and_year(new_case, township_official, township_a, school_a, case_a):
    second = new_case(township_official, township_a, school_a, name="王小二")
    assert second.number.endswith("-0002")


def test_a_second_open_case_for_the_same_child_is_refused(case_a, new_case, bureau, township_a):
    with pytest.raises(ValidationError) as exc:
        new_case(bureau, township_a, id_number=case_a.id_number)
    message = exc.value.message_dict["id_number"][0]
    assert case_a.number in message and "不能重复登记" in message


def test_a_closed_case_does_not_block_a_new_report(
    case_a, township_official, bureau, school_a, new_case, township_a
):
    services.case_request_close(
        user=township_official, case=case_a, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    services.case_close(user=bureau, case=case_a)
    again = new_case(township_official, township_a, school_a, id_number=case_a.id_number)
    assert again.status == CaseStatus.SUSPECTED


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"id_number": "130123201203050118"}, "id_number"),  # wrong check digit
        ({"birth_date": lambda: TODAY().replace(year=2011)}, "birth_date"),  # differs from the ID number
        ({"male": True, "sex": "female"}, "sex"),
        ({"absent_since": lambda: TODAY() + timedelta(days=1)}, "absent_since"),
        ({"disability_grade": "2"}, "disability_grade"),
    ],
)
def test_ledger_data_is_checked(override, field, bureau, township_a):
    # Dates relative to today are computed when the test runs, not at collection: a run that
    # passes midnight (Asia/Shanghai) would otherwise test yesterday's "tomorrow".
    override = {k: v() if callable(v) else v for k, v in override.items()}
    data = ledger_data(township_a)
    if "birth_date" in override:
        data["birth_date"] = override["birth_date"]
    else:
        data.update({k: v for k, v in override.items() if k != "male"})
    with pytest.raises(ValidationError) as exc:
        services.case_create(user=bureau, data=data)
    assert field in exc.value.message_dict


# --- each transition allowed -------------------------------------------------------------------


def test_confirm_records_who_when_and_why(case_a, township_official):
    case = services.case_confirm(user=township_official, case=case_a, note="缺课 35 天，入户核实")
    assert case.status == CaseStatus.CONFIRMED and case.confirmed_on == TODAY()
    event = case.events.last()
    assert (event.kind, event.user, event.from_status, event.to_status, event.note) == (
        EventKind.CONFIRMED,
        township_official,
        CaseStatus.SUSPECTED,
        CaseStatus.CONFIRMED,
        "缺课 35 天，入户核实",
    )
    audit = AuditEntry.objects.filter(action="transition", object_id=str(case.pk)).get()
    assert audit.changes["status"] == ["suspected", "confirmed"]
    assert audit.user == township_official


def test_the_full_path_to_legal_steps(served_case, township_official):
    assert served_case.status == CaseStatus.NOTICE_SERVED
    deadline = served_case.notices.get().deadline
    case = services.case_start_legal(
        user=township_official, case=served_case, note="责令限期改正", today=deadline + timedelta(days=1)
    )
    assert case.status == CaseStatus.LEGAL
    assert events(case) == [
        EventKind.CREATED,
        EventKind.CONFIRMED,
        EventKind.VISIT,
        EventKind.PERSUASION_STARTED,
        EventKind.NOTICE_ISSUED,
        EventKind.NOTICE_SERVED,
        EventKind.LEGAL_STARTED,
    ]


@pytest.mark.parametrize("stage", ["suspected", "confirmed", "persuading", "notice_served", "legal"])
def test_every_open_status_can_be_closed_as_returned(stage, request, township_official, bureau, school_a):
    case = request.getfixturevalue("case_a")
    if stage != "suspected":
        case = services.case_confirm(user=township_official, case=case, note="核实")
    if stage in ("persuading", "notice_served", "legal"):
        add_visit(township_official, case)
        case = services.case_start_persuasion(user=township_official, case=case)
    if stage in ("notice_served", "legal"):
        notice = services.notice_issue(user=township_official, case=case, school=school_a)
        case = services.case_serve_notice(
            user=township_official, notice=notice, delivered_on=TODAY(), method="in_person", receiver="张大山"
        )
    if stage == "legal":
        case = services.case_start_legal(
            user=township_official, case=case, note="依法处置", today=TODAY() + timedelta(days=30)
        )
    assert case.status == stage
    services.case_request_close(
        user=township_official, case=case, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    closed = services.case_close(user=bureau, case=case, note="核实已到校")
    assert (closed.status, closed.closed_from, closed.reviewer, closed.closed_on) == (
        "closed",
        stage,
        bureau,
        TODAY(),
    )


def test_other_outcomes_close_with_a_note_as_proof(case_a, township_official, bureau):
    case = services.case_confirm(user=township_official, case=case_a, note="核实")
    services.case_request_close(
        user=township_official,
        case=case,
        outcome="home_teaching",
        outcome_note="县残疾人教育专家委员会评估，送教上门",
    )
    assert services.case_close(user=bureau, case=case).outcome == "home_teaching"


def test_a_township_colleague_may_review_a_close_request(case_a, township_official, township_a):
    from tests.factories import UserFactory

    colleague = UserFactory(
        username="colleague", role="township", county=township_a.county, township=township_a
    )
    services.case_request_close(
        user=township_official,
        case=case_a,
        outcome="returned",
        outcome_school=case_a.school,
        outcome_date=TODAY(),
    )
    assert services.case_close(user=colleague, case=case_a).reviewer == colleague


def test_reopen_returns_to_the_status_it_was_closed_from(
    persuading_case, township_official, bureau, school_a
):
    services.case_request_close(
        user=township_official,
        case=persuading_case,
        outcome="returned",
        outcome_school=school_a,
        outcome_date=TODAY(),
    )
    services.case_close(user=bureau, case=persuading_case)
    case = services.case_reopen(user=bureau, case=persuading_case, note="学生再次离校")
    assert (case.status, case.outcome, case.reviewer, case.closed_on) == ("persuading", "", None, None)
    assert events(case)[-1] == EventKind.REOPENED


def test_a_close_request_can_be_sent_back(case_a, township_official, bureau, school_a):
    services.case_request_close(
        user=township_official, case=case_a, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    case = services.case_reject_close(user=bureau, case=case_a, note="返校证明不全")
    assert (case.status, case.close_pending, case.outcome) == ("suspected", False, "")


# --- each transition refused ---------------------------------------------------------------------


def test_confirm_is_refused_unless_suspected(case_a, township_official):
    services.case_confirm(user=township_official, case=case_a, note="核实")
    refused(
        lambda: services.case_confirm(user=township_official, case=case_a, note="再次"),
        "个案当前状态为“已确认辍学”，不能认定辍学",
    )


def test_confirm_needs_a_reason(case_a, township_official):
    refused(lambda: services.case_confirm(user=township_official, case=case_a, note="  "), "请填写认定依据")
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.SUSPECTED


def test_persuasion_cannot_start_before_confirmation(case_a, township_official):
    refused(
        lambda: services.case_start_persuasion(user=township_official, case=case_a),
        "个案当前状态为“疑似辍学”，不能启动劝返",
    )


def test_a_notice_needs_persuasion_first(case_a, township_official, school_a):
    refused(
        lambda: services.notice_issue(user=township_official, case=case_a, school=school_a),
        "只有“劝返中”的个案才能开具复学通知书",
    )


def test_a_notice_needs_a_logged_visit(case_a, township_official, school_a):
    services.case_confirm(user=township_official, case=case_a, note="核实")
    services.case_start_persuasion(user=township_official, case=case_a)
    refused(
        lambda: services.notice_issue(user=township_official, case=case_a, school=school_a),
        "至少有一次劝返记录",
    )


def test_a_notice_cannot_be_served_twice(served_case, township_official):
    notice = served_case.notices.get()
    refused(
        lambda: services.case_serve_notice(
            user=township_official, notice=notice, delivered_on=TODAY(), method="in_person", receiver="张大山"
        ),
        "个案当前状态为“已发复学通知”，不能登记复学通知书送达",
    )


def test_serving_needs_a_receiver_and_a_sensible_date(persuading_case, township_official, school_a):
    notice = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    refused(
        lambda: services.case_serve_notice(
            user=township_official, notice=notice, delivered_on=TODAY(), method="in_person", receiver=""
        ),
        "请填写签收人",
    )
    refused(
        lambda: services.case_serve_notice(
            user=township_official,
            notice=notice,
            delivered_on=TODAY() + timedelta(days=1),
            method="in_person",
            receiver="张大山",
        ),
        "送达日期应在开具日期与今天之间",
    )
    persuading_case.refresh_from_db()
    assert persuading_case.status == CaseStatus.PERSUADING


def test_legal_steps_wait_for_the_notice_deadline(served_case, township_official):
    deadline = served_case.notices.get().deadline
    refused(
        lambda: services.case_start_legal(
            user=township_official, case=served_case, note="处置", today=deadline
        ),
        f"复学通知限期（{deadline:%Y-%m-%d}）未到",
    )


def test_legal_steps_need_a_served_notice(persuading_case, township_official):
    refused(
        lambda: services.case_start_legal(user=township_official, case=persuading_case, note="处置"),
        "个案当前状态为“劝返中”，不能启动依法处置",
    )


def test_a_suspected_case_closes_only_as_returned_or_transferred(case_a, township_official):
    refused(
        lambda: services.case_request_close(
            user=township_official, case=case_a, outcome="home_teaching", outcome_note="送教上门"
        ),
        "疑似辍学尚未认定",
    )


def test_returned_needs_school_and_date(case_a, township_official):
    refused(
        lambda: services.case_request_close(user=township_official, case=case_a, outcome="returned"),
        "返校复学须填写返回的学校",
    )


def test_other_outcomes_need_a_document_or_a_note(case_a, township_official):
    services.case_confirm(user=township_official, case=case_a, note="核实")
    refused(
        lambda: services.case_request_close(user=township_official, case=case_a, outcome="deferral"),
        "须上传证明材料或填写证明说明",
    )


def test_closing_needs_a_request_first(case_a, bureau):
    refused(lambda: services.case_close(user=bureau, case=case_a), "尚无销号申请")


def test_the_requester_cannot_review_their_own_request(case_a, township_official, school_a):
    services.case_request_close(
        user=township_official, case=case_a, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    refused(lambda: services.case_close(user=township_official, case=case_a), "销号须由申请人以外的")
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.SUSPECTED


def test_a_pending_close_request_blocks_other_transitions(case_a, township_official, school_a):
    services.case_request_close(
        user=township_official, case=case_a, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    refused(
        lambda: services.case_confirm(user=township_official, case=case_a, note="核实"), "有待审核的销号申请"
    )
    refused(
        lambda: services.case_request_close(
            user=township_official,
            case=case_a,
            outcome="returned",
            outcome_school=school_a,
            outcome_date=TODAY(),
        ),
        "有待审核的销号申请",
    )


def test_a_closed_case_cannot_be_closed_or_confirmed_again(case_a, township_official, bureau, school_a):
    services.case_request_close(
        user=township_official, case=case_a, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    services.case_close(user=bureau, case=case_a)
    refused(
        lambda: services.case_confirm(user=township_official, case=case_a, note="x"),
        "个案当前状态为“已销号”，不能认定辍学",
    )
    refused(
        lambda: services.case_request_close(
            user=township_official,
            case=case_a,
            outcome="returned",
            outcome_school=school_a,
            outcome_date=TODAY(),
        ),
        "个案已销号",
    )
    refused(lambda: add_visit(township_official, case_a), "个案已销号")


def test_reopen_is_refused_for_an_open_case(case_a, bureau):
    refused(lambda: services.case_reopen(user=bureau, case=case_a, note="x"), "不能重新启动")


def test_reopen_is_refused_while_the_child_has_another_open_case(
    case_a, township_official, bureau, school_a, new_case, township_a
):
    services.case_request_close(
        user=township_official, case=case_a, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    services.case_close(user=bureau, case=case_a)
    newer = new_case(township_official, township_a, school_a, id_number=case_a.id_number)
    refused(lambda: services.case_reopen(user=bureau, case=case_a, note="x"), newer.number)


# --- roles and areas in the services ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["reporter", "inspector"])
def test_reporters_and_inspectors_cannot_confirm(persona, request, case_a):
    with pytest.raises(PermissionDenied):
        services.case_confirm(user=request.getfixturevalue(persona), case=case_a, note="核实")


def test_an_official_of_another_township_cannot_touch_the_case(case_a, other_township_official):
    with pytest.raises(PermissionDenied):
        services.case_confirm(user=other_township_official, case=case_a, note="核实")


def test_only_bureau_staff_reopen(case_a, township_official, bureau, school_a):
    services.case_request_close(
        user=township_official, case=case_a, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    services.case_close(user=bureau, case=case_a)
    with pytest.raises(PermissionDenied):
        services.case_reopen(user=township_official, case=case_a, note="x")


def test_a_reporter_files_for_their_own_school_only(reporter, township_a, school_a, school_b, township_b):
    case = services.case_create(user=reporter, data=ledger_data(township_a, school_a))
    assert case.responsibles.get().level == ResponsibleLevel.EDU_SCHOOL
    with pytest.raises(ValidationError):
        services.case_create(user=reporter, data=ledger_data(township_a, None))


def test_a_township_official_files_for_their_own_township_only(township_official, township_b):
    with pytest.raises(ValidationError) as exc:
        services.case_create(user=township_official, data=ledger_data(township_b))
    assert "本乡镇" in exc.value.message_dict["township"][0]


def test_bureau_staff_cannot_file_for_another_county(bureau, other_school):
    with pytest.raises(PermissionDenied):
        services.case_create(user=bureau, data=ledger_data(other_school.township, other_school))


def test_a_reporter_may_log_a_visit_and_file_a_return(case_a, reporter, school_a, township_official):
    add_visit(reporter, case_a)
    services.case_request_close(
        user=reporter, case=case_a, outcome="returned", outcome_school=school_a, outcome_date=TODAY()
    )
    assert services.case_close(user=township_official, case=case_a).status == CaseStatus.CLOSED


def test_editing_the_ledger_is_audited_with_a_diff(case_a, township_official):
    data = ledger_data(case_a.township, case_a.school, id_number=case_a.id_number, grade=8)
    services.case_update(user=township_official, case=case_a, data=data)
    entry = AuditEntry.objects.get(action="update", object_id=str(case_a.pk))
    assert entry.changes["grade"] == [7, 8]
    assert case_a.events.last().note == "修改：年级"


def test_responsible_persons_are_assigned_per_level(case_a, township_official, bureau):
    services.responsibles_assign(
        user=township_official,
        case=case_a,
        assignments={
            "edu_bureau": {"user": bureau},
            "edu_teacher": {"name": "刘老师", "phone": "13900000000"},
            "gov_township": {},
        },
    )
    levels = {r.level: r.display_name for r in case_a.responsibles.all()}
    assert levels == {"edu_bureau": "王科长", "edu_teacher": "刘老师"}
    assert AuditEntry.objects.filter(action="update", note="落实责任人").count() == 1


def test_responsible_users_must_belong_to_the_county(case_a, township_official, other_bureau):
    with pytest.raises(ValidationError):
        services.responsibles_assign(
            user=township_official, case=case_a, assignments={"edu_bureau": {"user": other_bureau}}
        )
