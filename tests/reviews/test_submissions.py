"""Submissions (报送) through the services: immutable fingerprinted snapshots, the one workflow
(submit → city return → answer → resubmit → city pass → province pass) with its dated, signed
steps and audit entries, the refusals, and the diff between two versions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from accounts.models import AuditEntry
from indicators.services import assessment_run_now, county_item_save
from reviews import submissions as services
from reviews import transitions as flow
from reviews.models import ReviewComment, ReviewStep, Submission
from reviews.selectors import submission_states
from reviews.submission_selectors import diff_with_previous
from schools.models import SchoolConditions

from .conftest import YEAR, build_package


def _submit(bureau, county):
    return services.submission_submit(user=bureau, county=county)


def test_a_submission_files_the_package_as_a_fingerprinted_snapshot(built_package, small_county, bureau):
    submission = _submit(bureau, small_county)
    assert (submission.version, submission.state, submission.package_id) == (
        1,
        flow.PENDING_CITY,
        built_package.pk,
    )
    assert submission.submitted_by == bureau and submission.submitted_at is not None
    snap = submission.snapshot
    assert snap["package"]["input_fingerprint"] == built_package.input_fingerprint
    assert snap["assessment"]["figures"]["verdict"]["value"] == "未达标"
    assert snap["assessment"]["figures"]["primary.cv.building_area_pp"]["fmt"] == "cv"
    school_b = snap["schools"]["1301230002"]
    assert school_b["label"] == "河口小学（1301230002）"
    assert school_b["figures"]["primary.building_area"]["value"] == 700.0
    assert {"school_layout", "teacher_pay", "veto_exam_admission"} <= set(snap["items"])
    assert snap["evidence"]["file.form_pdf"]["value"] == built_package.files.get().sha256
    assert services.verify(submission)
    assert services.snapshot_fingerprint(Submission.objects.get().snapshot) == submission.fingerprint


def test_a_submission_is_immutable_once_submitted(built_package, small_county, bureau):
    submission = _submit(bureau, small_county)
    submission.snapshot["assessment"]["figures"]["verdict"]["value"] = "达标"
    with pytest.raises(ValidationError, match="报送材料一经提交不可修改"):
        submission.save()
    with pytest.raises(ValidationError, match="报送材料一经提交不可删除"):
        submission.delete()
    # The database itself refuses a change of the content; only the state moves.
    for field, value in (("fingerprint", "0" * 64), ("snapshot", {}), ("version", 7)):
        with pytest.raises(DatabaseError), transaction.atomic():
            Submission.objects.filter(pk=submission.pk).update(**{field: value})
    stored = Submission.objects.get()
    assert stored.fingerprint == submission.fingerprint and services.verify(stored)
    step = ReviewStep.objects.get()
    step.reason = "改写"
    with pytest.raises(ValidationError, match="审核记录不可修改"):
        step.save()


def test_submitting_needs_a_package_of_the_current_data(assessed, small_county, bureau, school_b):
    with pytest.raises(ValidationError, match="尚未生成 2025 学年的申报材料"):
        _submit(bureau, small_county)
    package = build_package(small_county, bureau)
    SchoolConditions.objects.filter(school=school_b, year=YEAR).update(building_area=810)
    with pytest.raises(ValidationError, match="当前评估不是最新数据的评估"):
        _submit(bureau, small_county)
    assessment_run_now(county=small_county, year=YEAR, scheme="quality-2017")
    with pytest.raises(ValidationError, match=f"最新的申报材料（第 {package.version} 版）不是当前数据生成的"):
        _submit(bureau, small_county)
    build_package(small_county, bureau)
    assert _submit(bureau, small_county).version == 1
    assert not Submission.objects.exclude(version=1).exists()


def test_a_county_cannot_submit_while_its_submission_is_open(built_package, small_county, bureau):
    _submit(bureau, small_county)
    with pytest.raises(ValidationError, match="已有报送（待市级复核）尚未退回，不能再次报送"):
        _submit(bureau, small_county)
    assert Submission.objects.count() == 1 and ReviewStep.objects.count() == 1


def test_only_the_countys_writers_submit(built_package, small_county, inspector, other_bureau, reporter):
    for user in (inspector, reporter):
        with pytest.raises(PermissionDenied):
            services.submission_submit(user=user, county=small_county)
    with pytest.raises(PermissionDenied):
        services.submission_submit(user=other_bureau, county=small_county)
    assert not Submission.objects.exists()


def _audit(submission):
    return list(
        AuditEntry.objects.filter(object_type="reviews.Submission", object_id=str(submission.pk))
        .order_by("at", "id")
        .values_list("action", "username", "note")
    )


def test_return_correct_resubmit_keeps_both_versions_and_the_diff_names_exactly_the_changed_figures(
    built_package, small_county, bureau, school_b, city_reviewer, province_reviewer
):
    first = _submit(bureau, small_county)
    comment = services.comment_add(
        user=city_reviewer,
        submission=first,
        target_kind="school",
        target_key="1301230002",
        text="河口小学校舍面积偏小",
    )
    services.comment_add(
        user=city_reviewer,
        submission=first,
        target_kind="item",
        target_key="school_layout",
        text="请填报布局规划",
    )
    with pytest.raises(ValidationError, match="市级退回须填写退回理由"):
        services.submission_city_return(user=city_reviewer, submission=first, reason=" ")
    first = services.submission_city_return(
        user=city_reviewer, submission=first, reason="学校数据与县级指标待补正"
    )
    assert first.state == flow.CITY_RETURNED

    # The county corrects one school's figure and one county item, re-assesses and rebuilds.
    SchoolConditions.objects.filter(school=school_b, year=YEAR).update(building_area=810)
    county_item_save(county=small_county, year=YEAR, key="school_layout", value=Decimal(1), user=bureau)
    assessment_run_now(county=small_county, year=YEAR, scheme="quality-2017")
    build_package(small_county, bureau)
    with pytest.raises(ValidationError, match="还有 2 条复核意见未答复"):
        _submit(bureau, small_county)
    for c in first.comments.all():
        services.comment_answer(user=bureau, comment=c, text="已补正")
    second = _submit(bureau, small_county)
    assert second.version == 2 and second.state == flow.PENDING_CITY

    # Both versions are kept as filed; the old one keeps its comments and answers.
    first.refresh_from_db()
    assert first.state == flow.CITY_RETURNED and services.verify(first) and services.verify(second)
    assert first.snapshot["schools"]["1301230002"]["figures"]["primary.building_area"]["value"] == 700.0
    assert second.snapshot["schools"]["1301230002"]["figures"]["primary.building_area"]["value"] == 810.0
    assert first.comments.filter(answer="已补正").count() == 2 and not second.comments.exists()
    with pytest.raises(ValidationError, match="该版本已重新报送"):
        services.comment_answer(user=bureau, comment=comment, text="再改")

    previous, diff = diff_with_previous(second)
    assert previous == first
    assert [s.key for s in diff.schools] == ["1301230002"]
    assert [c.key for c in diff.schools[0].changes] == ["school.1301230002.primary.building_area"]
    area = diff.schools[0].changes[0]
    assert (area.label, area.old_text, area.new_text) == (
        "学校 / 河口小学（1301230002） / 小学 教学及辅助用房面积",
        "700.00 ㎡",
        "810.00 ㎡",
    )
    assert [(i.key, [c.key for c in i.changes]) for i in diff.items] == [
        ("school_layout", ["item.school_layout.input.value", "item.school_layout.verdict"])
    ]
    assert [(c.old_text, c.new_text) for c in diff.items[0].changes] == [("—", "是"), ("未录入", "是")]
    # What follows from those two changes, and nothing else: the primary stage's area CV (and
    # the composite), the item no longer missing, the rebuilt file.
    assert {c.key for c in diff.assessment} == {
        "assessment.primary.cv.building_area_pp",
        "assessment.primary.composite_cv",
        "assessment.missing",
    }
    assert [c.key for c in diff.evidence] == ["evidence.file.form_pdf"]
    assert not diff.county

    services.submission_city_pass(user=city_reviewer, submission=second)
    with pytest.raises(PermissionDenied):
        services.submission_province_pass(user=city_reviewer, submission=second)
    second = services.submission_province_pass(user=province_reviewer, submission=second, reason="同意")
    assert second.state == flow.PROVINCE_PASSED

    steps = [(s.version, s.level, s.action, s.by.username, s.reason) for s in _steps()]
    assert steps == [
        (1, "county", "submit", "bureau", ""),
        (1, "city", "city_return", "city_reviewer", "学校数据与县级指标待补正"),
        (2, "county", "submit", "bureau", ""),
        (2, "city", "city_pass", "city_reviewer", ""),
        (2, "province", "province_pass", "province_reviewer", "同意"),
    ]
    assert all(s.at is not None for s in ReviewStep.objects.all())
    assert [a[:2] for a in _audit(first)] == [("create", "bureau"), ("transition", "city_reviewer")]
    assert [a[:2] for a in _audit(second)] == [
        ("create", "bureau"),
        ("transition", "city_reviewer"),
        ("transition", "province_reviewer"),
    ]
    assert _audit(first)[1][2] == "市级退回：学校数据与县级指标待补正"
    comment_audit = AuditEntry.objects.filter(object_type="reviews.ReviewComment")
    assert comment_audit.filter(action="create", username="city_reviewer").count() == 2
    assert comment_audit.filter(action="update", username="bureau").count() == 2
    assert submission_states([small_county.pk, 999]) == {
        small_county.pk: ("province_passed", "省级通过", 2, second.submitted_at)
    }
    with pytest.raises(ValidationError, match="申报材料已通过省级评估，无需再次报送"):
        _submit(bureau, small_county)


def _steps():
    for step in ReviewStep.objects.select_related("submission", "by").order_by("at", "id"):
        step.version = step.submission.version
        yield step


def test_province_returns_with_a_reason_and_the_county_resubmits(
    built_package, small_county, bureau, city_reviewer, province_reviewer
):
    first = _submit(bureau, small_county)
    services.submission_city_pass(user=city_reviewer, submission=first)
    services.comment_add(
        user=province_reviewer, submission=first, target_kind="table", target_key="表Ⅲ", text="差异系数请复核"
    )
    with pytest.raises(ValidationError, match="省级退回须填写退回理由"):
        services.submission_province_return(user=province_reviewer, submission=first, reason="")
    first = services.submission_province_return(user=province_reviewer, submission=first, reason="表Ⅲ 待核")
    assert first.state == flow.PROVINCE_RETURNED
    services.comment_answer(user=bureau, comment=first.comments.get(), text="已核对")
    # Nothing changed: the same data is filed again, and the diff is empty.
    second = _submit(bureau, small_county)
    assert second.fingerprint == first.fingerprint
    assert diff_with_previous(second)[1].empty


def test_illegal_steps_are_refused_and_change_nothing(
    built_package, small_county, bureau, city_reviewer, province_reviewer
):
    submission = _submit(bureau, small_county)
    with pytest.raises(ValidationError, match="当前状态为“待市级复核”，不能省级评估通过"):
        services.submission_province_pass(user=province_reviewer, submission=submission)
    with pytest.raises(PermissionDenied):
        services.submission_city_pass(user=province_reviewer, submission=submission)
    with pytest.raises(PermissionDenied):
        services.submission_city_pass(user=bureau, submission=submission)
    services.submission_city_pass(user=city_reviewer, submission=submission)
    with pytest.raises(ValidationError, match="当前状态为“待省级评估”，不能市级退回"):
        services.submission_city_return(user=city_reviewer, submission=submission, reason="晚了")
    submission.refresh_from_db()
    assert submission.state == flow.PENDING_PROVINCE
    assert [s.action for s in submission.steps.order_by("id")] == ["submit", "city_pass"]
    assert AuditEntry.objects.filter(object_type="reviews.Submission").count() == 2


def test_comments_only_at_the_reviewers_own_step(
    built_package, small_county, bureau, city_reviewer, province_reviewer, other_city_reviewer
):
    submission = _submit(bureau, small_county)
    with pytest.raises(ValidationError, match="当前状态为“待市级复核”，省级不能提出意见"):
        services.comment_add(
            user=province_reviewer, submission=submission, target_kind="table", target_key="表Ⅰ", text="x"
        )
    with pytest.raises(PermissionDenied):
        services.comment_add(
            user=other_city_reviewer, submission=submission, target_kind="table", target_key="表Ⅰ", text="x"
        )
    with pytest.raises(ValidationError, match="意见对象不在本次报送中"):
        services.comment_add(
            user=city_reviewer, submission=submission, target_kind="school", target_key="9999999999", text="x"
        )
    with pytest.raises(ValidationError, match="退回后才能答复意见"):
        services.comment_answer(
            user=bureau,
            comment=services.comment_add(
                user=city_reviewer,
                submission=submission,
                target_kind="table",
                target_key="表Ⅰ",
                text="缺数据来源",
            ),
            text="已补",
        )
    services.submission_city_pass(user=city_reviewer, submission=submission)
    services.submission_province_pass(user=province_reviewer, submission=submission)
    for user in (city_reviewer, province_reviewer):
        with pytest.raises(ValidationError, match="当前状态为“省级通过”"):
            services.comment_add(
                user=user, submission=submission, target_kind="table", target_key="表Ⅰ", text="再看看"
            )
    assert ReviewComment.objects.count() == 1
