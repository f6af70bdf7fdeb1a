"""A recorded draw of a real county, its checklist, and findings that become ledger items once."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEntry
from rectification.models import RectificationItem, Source
from reviews import services
from reviews.models import DrawnSchool, Verdict, VisitCheck
from reviews.selectors import brief_context, interview_totals
from tests.security.world import pdf_upload

pytestmark = pytest.mark.django_db

COUNTS = {"interviewed": 0, "satisfied": 0, "parents_interviewed": 0, "parents_satisfied": 0}


def png_upload(name="操场.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def test_a_draw_records_its_seed_settings_candidates_and_reasons(visit_county, bureau, settings):
    settings.SITE_VISIT_SCHOOLS = 8
    record = services.draw_create(user=bureau, county=visit_county, seed=42, note="省评估预演")
    assert record.seed == 42 and record.year == 2025
    assert record.parameters["total"] == 8 and record.parameters["weakest"] == 2
    assert record.parameters["assessment_id"] and record.parameters["scheme"] == "quality-2017"
    assert len(record.inputs) == 12
    rows = list(record.schools.order_by("position"))
    assert len(rows) == 8 and all(r.reason and r.stratum for r in rows)
    entry = AuditEntry.objects.get(object_type="reviews.SiteVisitDraw", object_id=str(record.pk))
    assert entry.changes["seed"] == [None, 42]
    assert entry.changes["抽中学校"][1] == [f"{r.school.name}（{r.school.code}）" for r in rows]
    assert entry.changes["parameters"][1].startswith("抽取 8 所，其中薄弱单位 2 所；依据2017 优质均衡评估 #")


def test_the_same_seed_on_the_same_data_draws_the_same_schools(visit_county, bureau):
    first = services.draw_create(user=bureau, county=visit_county, seed=7)
    second = services.draw_create(user=bureau, county=visit_county, seed=7)

    def drawn(d):
        return list(d.schools.order_by("position").values_list("school__code", flat=True))

    assert drawn(first) == drawn(second)
    assert first.input_digest == second.input_digest
    assert services.draw_reproduces(first)


def test_the_weakest_units_and_a_teaching_point_are_in_every_draw(visit_county, bureau):
    for seed in (1, 2, 3):
        record = services.draw_create(user=bureau, county=visit_county, seed=seed)
        rows = list(record.schools.order_by("position").select_related("school"))
        assert {r.school.name for r in rows[:2]} == {"河口小学", "北山中学"}
        assert all(r.kind == "weakest" for r in rows[:2])
        assert any(r.school.school_type == "教学点" for r in rows)


def test_a_draw_cannot_be_changed_or_deleted(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=3)
    record.seed = 4
    with pytest.raises(ValidationError):
        record.save()
    row = record.schools.first()
    row.reason = "手工挑选"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        record.delete()


def test_a_tampered_record_no_longer_reproduces(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=3)
    # Behind the model's back (as a database edit would): the check notices.
    DrawnSchool.objects.filter(draw=record, position=3).update(position=99)
    assert not services.draw_reproduces(record)


def test_inspectors_and_other_counties_cannot_draw(visit_county, inspector, other_bureau):
    with pytest.raises(PermissionDenied):
        services.draw_create(user=inspector, county=visit_county)
    with pytest.raises(PermissionDenied):
        services.draw_create(user=other_bureau, county=visit_county)


def _failing_checks(key="sports_area_pp", note="操场实际约 300 ㎡，与填报不符"):
    return {key: (Verdict.FAILS, note), "building_area_pp": (Verdict.CONFORMS, "")}


def test_a_finding_becomes_one_ledger_item_of_the_county_naming_the_school_and_the_draw(
    visit_county, bureau, other_county
):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    drawn = record.schools.select_related("school").first()
    services.visit_save(user=bureau, drawn=drawn, checks=_failing_checks(), counts=COUNTS)
    item = RectificationItem.objects.get()
    assert item.county == visit_county
    assert list(item.schools.all()) == [drawn.school]
    assert item.source == Source.SELF_CHECK and f"#{record.pk}" in item.source_team
    assert drawn.school.name in item.problem and "操场实际约 300 ㎡" in item.problem
    assert item.indicator == "sports_area_pp" and item.year == 2025
    assert VisitCheck.objects.get(key="sports_area_pp").ledger_item == item
    assert not RectificationItem.objects.filter(county=other_county).exists()
    assert AuditEntry.objects.filter(
        object_type="rectification.RectificationItem", object_id=str(item.pk)
    ).exists()


def test_saving_again_does_not_file_the_finding_twice(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    drawn = record.schools.first()
    for _ in range(3):
        services.visit_save(user=bureau, drawn=drawn, checks=_failing_checks(), counts=COUNTS)
    # Changed back and forth: still the one item.
    services.visit_save(
        user=bureau, drawn=drawn, checks={"sports_area_pp": (Verdict.CONFORMS, "")}, counts=COUNTS
    )
    services.visit_save(user=bureau, drawn=drawn, checks=_failing_checks(note="复查仍不足"), counts=COUNTS)
    assert RectificationItem.objects.count() == 1


def test_each_failing_item_and_school_is_its_own_ledger_item(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    first, second = record.schools.order_by("position")[:2]
    services.visit_save(
        user=bureau,
        drawn=first,
        checks={"sports_area_pp": (Verdict.FAILS, ""), "class_size": (Verdict.FAILS, "三年级 58 人")},
        counts=COUNTS,
    )
    services.visit_save(user=bureau, drawn=second, checks={"rooms": (Verdict.FAILS, "")}, counts=COUNTS)
    items = RectificationItem.objects.order_by("number")
    assert [i.indicator for i in items] == ["sports_area_pp", "2.5", "2.3"]


def test_unchecked_and_conforming_items_file_nothing(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    services.visit_save(
        user=bureau,
        drawn=record.schools.first(),
        checks={"sports_area_pp": (Verdict.UNCHECKED, ""), "rooms": (Verdict.CONFORMS, "")},
        counts=COUNTS,
    )
    assert not RectificationItem.objects.exists()


def test_saving_the_checklist_is_audited_with_old_and_new_values(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    drawn = record.schools.first()
    services.visit_save(
        user=bureau,
        drawn=drawn,
        checks={"rooms": (Verdict.CONFORMS, "")},
        counts={**COUNTS, "interviewed": 6},
    )
    services.visit_save(
        user=bureau,
        drawn=drawn,
        checks={"rooms": (Verdict.FAILS, "美术教室改作仓库")},
        counts={**COUNTS, "interviewed": 6},
    )
    entry = AuditEntry.objects.filter(object_type="reviews.VisitRecord").order_by("-id").first()
    assert entry.changes["核查项：音乐、美术专用教室"] == ["符合", "不符合 美术教室改作仓库"]
    assert "登记整改事项" in entry.note


def test_interview_counts_are_checked_and_add_up_for_table_six(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    first, second = record.schools.order_by("position")[:2]
    with pytest.raises(ValidationError):
        services.visit_save(
            user=bureau, drawn=first, checks={}, counts={**COUNTS, "interviewed": 3, "satisfied": 4}
        )
    with pytest.raises(ValidationError):
        services.visit_save(
            user=bureau,
            drawn=first,
            checks={},
            counts={"interviewed": 5, "satisfied": 5, "parents_interviewed": 2, "parents_satisfied": 3},
        )
    services.visit_save(
        user=bureau,
        drawn=first,
        checks={},
        counts={"interviewed": 10, "satisfied": 9, "parents_interviewed": 4, "parents_satisfied": 4},
    )
    services.visit_save(
        user=bureau,
        drawn=second,
        checks={},
        counts={"interviewed": 6, "satisfied": 5, "parents_interviewed": 2, "parents_satisfied": 1},
    )
    total, parents = interview_totals(record)
    assert (total["interviewed"], total["satisfied"], total["rate_text"]) == (16, 14, "87.5%")
    assert (parents["interviewed"], parents["satisfied"], parents["rate_text"]) == (6, 5, "83.3%")


def test_table_six_rate_is_undefined_before_any_interview(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    assert [r["rate_text"] for r in interview_totals(record)] == ["—", "—"]


def test_photos_are_checked_by_content_like_ledger_evidence(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    drawn = record.schools.first()
    photo = services.photo_add(user=bureau, drawn=drawn, upload=png_upload(), key="sports_area_pp")
    assert photo.kind == "png" and photo.sha256
    with pytest.raises(ValidationError):
        services.photo_add(user=bureau, drawn=drawn, upload=pdf_upload("照片.png"))
    with pytest.raises(ValidationError):
        services.photo_add(
            user=bureau,
            drawn=drawn,
            upload=SimpleUploadedFile("x.jpg", b"<html>x</html>", content_type="image/jpeg"),
        )
    assert AuditEntry.objects.filter(object_type="reviews.VisitPhoto").count() == 1


def test_the_brief_lists_the_schools_failing_indicators_checks_and_open_ledger_items(visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    drawn = record.schools.select_related("school").get(school__name="北山中学")
    services.visit_save(
        user=bureau, drawn=drawn, checks={"rooms": (Verdict.FAILS, "无美术教室")}, counts=COUNTS
    )
    context = brief_context(bureau, drawn)
    assert any("生均体育运动场馆面积" in f for f in context["failing"])
    assert any("超过 50 人" in c for c in context["checks"])
    assert [i.indicator for i in context["ledger"]] == ["2.3"]


def test_the_audit_page_shows_site_visit_entries_in_words(login, bureau, visit_county):
    record = services.draw_create(user=bureau, county=visit_county, seed=5)
    services.visit_save(
        user=bureau,
        drawn=record.schools.first(),
        checks={"rooms": (Verdict.FAILS, "无美术教室")},
        counts=COUNTS,
    )
    response = login(bureau).get("/accounts/audit/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "抽中学校" in page and "核查项：音乐、美术专用教室" in page
    assert "quality-2017" not in page and "rooms" not in page
