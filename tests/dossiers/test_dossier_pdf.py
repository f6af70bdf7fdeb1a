"""The dossier PDF: content from live data, a CJK font embedded, real pages, numbering across parts."""

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from domain import numbers
from dossiers import services
from dossiers.services import build_dossier_pdf
from indicators.services import assessment_run_now
from indicators.verdict import missing_labels
from schools.models import School

pytestmark = pytest.mark.django_db


_BUILT = {}


@pytest.fixture
def built(small_county):
    # The small county is the same in every test, so one render serves them all (rendering is
    # the slow part); the database rows are still created fresh for each test.
    if "pdf" not in _BUILT:
        _BUILT["pdf"] = build_dossier_pdf(small_county, 2025, "quality-2017")
    return _BUILT["pdf"]


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_text_names_the_county_and_every_school(built, small_county):
    _, text = _text(built.pdf)
    assert "滨河县" in text
    for school in School.objects.filter(county=small_county):
        assert school.name in text, school.name


def test_cv_values_match_those_of_the_stored_assessment(built, small_county):
    _, text = _text(built.pdf)
    result = assessment_run_now(county=small_county, year=2025, scheme="quality-2017").result
    cvs = [r["cv"] for r in result["stages"]["primary"]["indicators"].values() if r["cv"] is not None]
    assert cvs
    for cv in cvs:
        assert numbers.cv(cv) in text


def test_the_verdict_names_the_county_items_it_still_lacks(built, small_county):
    _, text = _text(built.pdf)
    result = assessment_run_now(county=small_county, year=2025, scheme="quality-2017").result
    assert result["missing"]  # the small county has entered no county item
    flat = re.sub(r"\s+", "", text)
    assert f"尚无数据的县级项目（{len(result['missing'])}项）" in flat
    for label in missing_labels(result):
        assert re.sub(r"\s+", "", label) in flat, label


def test_a_cjk_font_is_embedded(built):
    reader, _ = _text(built.pdf)
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("NotoSansCJK" in f.replace("-", "") for f in fonts), fonts


def test_pages_are_numbered_across_main_part_and_appendix(built, small_county):
    reader, _ = _text(built.pdf)
    schools = School.objects.filter(county=small_county).count()
    assert built.pages == len(reader.pages)
    assert len(reader.pages) > schools + 4
    last = reader.pages[-1].extract_text()
    assert re.search(rf"第\s*{built.pages}\s*页\s*/\s*共\s*{built.pages}\s*页", last), last
    first_content = reader.pages[2].extract_text()
    assert re.search(rf"共\s*{built.pages}\s*页", first_content)


def test_a_rendered_page_is_not_blank(built, tmp_path):
    pdf_path = tmp_path / "d.pdf"
    pdf_path.write_bytes(built.pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "4", "-l", "4", str(pdf_path), str(tmp_path / "p")], check=True
    )
    png = next(tmp_path.glob("p*.png"))
    from PIL import Image

    image = Image.open(png).convert("L")
    dark = sum(1 for px in image.get_flattened_data() if px < 128)
    assert dark > 500, "page 4 looks blank"


def test_school_names_with_markup_are_escaped(small_county, school_a):
    School.objects.filter(pk=school_a.pk).update(name="<b>城关</b>小学&")
    _, text = _text(build_dossier_pdf(small_county, 2025, "quality-2017").pdf)
    assert "<b>城关</b>小学&" in text


def test_the_same_data_gives_the_same_fingerprint_and_a_change_another(small_county, school_a):
    first = services.dossier_context(small_county, 2025, "quality-2017")
    again = services.dossier_context(small_county, 2025, "quality-2017")
    assert services._fingerprint(first) == services._fingerprint(again)
    school_a.conditions.filter(year=2025).update(books=1)
    changed = services.dossier_context(small_county, 2025, "quality-2017")
    assert services._fingerprint(changed) != services._fingerprint(first)


def test_a_dossier_rendered_in_parts_keeps_one_page_numbering_and_a_true_toc(small_county, settings):
    settings.DOSSIER_PART_SCHOOLS = 2  # 4 schools → main part + 2 appendix parts
    built = build_dossier_pdf(small_county, 2025, "quality-2017")
    reader, _ = _text(built.pdf)
    pages = [p.extract_text() for p in reader.pages]
    assert built.pages == len(pages)
    for number, text in enumerate(pages, start=1):
        if number > 1:  # the cover has no footer
            assert re.search(rf"第\s*{number}\s*页\s*/\s*共\s*{built.pages}\s*页", text), (number, text[-80:])
    toc = pages[1]
    for school in School.objects.filter(county=small_county):
        listed = re.search(rf"{school.code}\s*{re.escape(school.name)}\s*\.*\s*(\d+)", toc)
        assert listed, school.name
        page_text = pages[int(listed.group(1)) - 1]
        assert school.name in page_text and school.code in page_text
