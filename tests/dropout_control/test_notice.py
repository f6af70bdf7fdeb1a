"""The 复学入学通知书: numbering, the PDF (text and embedded CJK font), delivery and access."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditEntry
from dropout_control import services
from dropout_control.models import CaseStatus

pytestmark = pytest.mark.django_db


def embedded_fonts(reader: PdfReader) -> set[str]:
    """BaseFont names of the fonts whose program is embedded (a FontFile* in the descriptor)."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            font = font.get_object()
            for part in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is not None and any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    names.add(str(part.get("/BaseFont")))
    return names


def test_notice_numbers_run_per_county_and_year(
    persuading_case, township_official, school_a, new_case, township_a, settings
):
    first = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    year = timezone.localdate().year
    assert first.number == f"滨教控辍〔{year}〕第 0001 号"
    assert first.deadline == first.issued_on + timedelta(days=settings.DROPOUT_NOTICE_DEADLINE_DAYS)
    services.case_serve_notice(
        user=township_official,
        notice=first,
        delivered_on=timezone.localdate(),
        method="post",
        receiver="张大山",
    )
    other = new_case(township_official, township_a, school_a, name="王小二")
    services.case_confirm(user=township_official, case=other, note="核实")
    from tests.dropout_control.casedata import add_visit

    add_visit(township_official, other)
    services.case_start_persuasion(user=township_official, case=other)
    second = services.notice_issue(user=township_official, case=other, school=school_a)
    assert second.seq == 2 and second.number.endswith("第 0002 号")


def test_a_second_unserved_notice_is_refused(persuading_case, township_official, school_a):
    from django.core.exceptions import ValidationError

    first = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    with pytest.raises(ValidationError, match=first.number):
        services.notice_issue(user=township_official, case=persuading_case, school=school_a)


def test_the_notice_pdf_names_the_child_and_embeds_a_cjk_font(
    persuading_case, township_official, school_a, login
):
    notice = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    response = login(township_official).get(reverse("dropout_control:notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "复学入学通知书" in text
    assert "张小明" in text and "张大山" in text and "城关小学" in text
    assert notice.number.replace(" ", "") in text.replace(" ", "")
    fonts = embedded_fonts(reader)  # WeasyPrint writes e.g. /TSPJMR+Noto-Sans-CJK-SC (a subset)
    assert any("NotoSansCJK" in name.replace("-", "") for name in fonts), fonts
    assert persuading_case.id_number not in text  # the notice carries the masked number only


def test_downloading_the_notice_is_audited(persuading_case, township_official, school_a, login):
    notice = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    login(township_official).get(reverse("dropout_control:notice_pdf", args=[notice.pk]))
    assert AuditEntry.objects.filter(
        action="view", object_id=str(persuading_case.pk), note__contains=notice.number
    ).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_township_official", 404), ("inspector", 403), ("other_bureau", 404), ("reporter", 200)],
)
def test_the_notice_pdf_follows_case_access(
    persona, status, request, persuading_case, township_official, school_a, login
):
    notice = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("dropout_control:notice_pdf", args=[notice.pk])).status_code == status


def test_serving_through_the_page_moves_the_case(persuading_case, township_official, school_a, login):
    notice = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    response = login(township_official).post(
        reverse("dropout_control:notice_serve", args=[notice.pk]),
        {"delivered_on": timezone.localdate().isoformat(), "delivery_method": "left", "receiver": "张大山"},
    )
    assert response.status_code == 302
    persuading_case.refresh_from_db()
    notice.refresh_from_db()
    assert persuading_case.status == CaseStatus.NOTICE_SERVED
    assert (notice.delivery_method, notice.receiver, notice.served_by) == (
        "left",
        "张大山",
        township_official,
    )
    assert "留置送达" in persuading_case.events.last().note


def test_other_townships_cannot_serve(
    persuading_case, township_official, other_township_official, school_a, login
):
    notice = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    response = login(other_township_official).post(
        reverse("dropout_control:notice_serve", args=[notice.pk]),
        {"delivered_on": timezone.localdate().isoformat(), "delivery_method": "left", "receiver": "张大山"},
    )
    assert response.status_code == 404


def test_the_notice_is_one_a4_page_with_the_receipt_stub_whole(
    persuading_case, township_official, school_a, login
):
    # The longest realistic values: a long address and school name must not push the stub over.
    persuading_case.household_address = (
        "滨河县城关镇东风路幸福家园小区二期十二号楼三单元五零二室（原红旗村四组）"
    )
    persuading_case.guardian_relation = "祖父"
    persuading_case.save()
    school_a.name = "滨河县城关镇第二中心小学附属九年一贯制实验学校"
    school_a.save()
    notice = services.notice_issue(user=township_official, case=persuading_case, school=school_a)
    response = login(township_official).get(reverse("dropout_control:notice_pdf", args=[notice.pk]))
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait in points
    text = reader.pages[0].extract_text()
    for line in ("送 达 回 执", "受送达人（签名）", "签收日期", "送达人（签名）"):
        assert line.replace(" ", "") in text.replace(" ", "")


def test_the_notice_form_preselects_the_childs_own_school_even_a_teaching_point(
    persuading_case, township_official, township_a, school_a, login
):
    from tests.factories import SchoolFactory

    point = SchoolFactory(
        township=township_a,
        code="1301230099",
        name="城关小学大王庄教学点",
        school_type="教学点",
        parent=school_a,
    )
    persuading_case.school = point
    persuading_case.save()
    html = (
        login(township_official)
        .get(reverse("dropout_control:notice_issue", args=[persuading_case.pk]))
        .content.decode()
    )
    assert f'<option value="{point.pk}" selected>城关小学大王庄教学点</option>' in html
