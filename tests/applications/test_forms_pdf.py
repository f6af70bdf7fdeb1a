"""申报表.pdf: the same tables as the workbook, landscape, a CJK font, real pages."""

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from applications import services
from domain import numbers
from schools.models import School

from .conftest import YEAR

pytestmark = pytest.mark.django_db

_BUILT = {}


@pytest.fixture
def built(assessed, small_county):
    # The county is the same in every test: render once (the slow part); rows are fresh per test.
    if "pdf" not in _BUILT:
        data = services.application_data(small_county, YEAR)
        _BUILT["pdf"] = services.form_pdf(data)
        _BUILT["data"] = data
    return _BUILT["pdf"], _BUILT["data"]


def flat_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_every_table_title_the_county_and_each_assessed_school_are_in_the_text(built, small_county):
    pdf, data = built
    _, text = flat_text(pdf)
    assert "滨河县" in text
    for table in data.tables:
        assert re.sub(r"\s+", "", table.title) in text, table.title
    for unit in data.result["units"]:
        assert unit["school_name"] in text
    assert School.objects.get(code="1301230007").name not in text  # merged teaching point: no row


def test_every_cv_and_mean_prints_as_in_the_workbook(built):
    pdf, data = built
    _, text = flat_text(pdf)
    for stage in data.result["stages"].values():
        for r in stage["indicators"].values():
            assert numbers.cv(r["cv"]) in text
            assert numbers.num(r["mean"], 2) in text
        assert numbers.cv(stage["composite_cv"]) in text


def test_every_failing_item_is_named(built):
    pdf, data = built
    _, text = flat_text(pdf)
    failing = [r for r in data.table4 + data.table5 if r["passed"] is False]
    for r in failing:
        assert re.sub(r"\s+", "", r["name"]) in text, r["name"]


def test_pages_are_a4_landscape_with_a_cjk_font(built):
    pdf, _ = built
    reader, _ = flat_text(pdf)
    assert len(reader.pages) >= 7
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
        assert round(float(page.mediabox.width)) == 842  # A4 landscape, points
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("NotoSansCJK" in f.replace("-", "") for f in fonts), fonts


def test_a_rendered_page_is_not_blank(built, tmp_path):
    pdf, _ = built
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True
    )
    from PIL import Image

    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    assert image.width > image.height
    dark = sum(1 for px in image.get_flattened_data() if px < 128)
    assert dark > 500, "page 1 looks blank"
