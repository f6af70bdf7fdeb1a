"""Fixtures of the rectification tests: ledger items and valid/invalid uploads."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rectification import services
from rectification.demo import tiny_pdf
from rectification.models import Source

TODAY = date(2025, 5, 10)


def make_pdf(name="evidence.pdf", title="Evidence"):
    return SimpleUploadedFile(name, tiny_pdf(title), content_type="application/pdf")


def make_zip(members: dict, name="file.docx"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for member, text in members.items():
            zf.writestr(member, text)
    return SimpleUploadedFile(name, buf.getvalue())


def item_data(**overrides):
    data = {
        "source": Source.PROVINCIAL, "source_no": 1, "source_date": date(2025, 3, 18), "source_team": "省督导组第二组",
        "problem": "城关小学生均体育运动场馆面积不足", "indicator": "sports_area_pp", "stage": "primary",
        "target": "达到 7.5 ㎡", "measures": "改扩建运动场", "lead_unit": "县教育局计财股",
        "cooperating_units": "县财政局", "responsible_person": "王科长", "deadline": date(2025, 6, 30),
    }
    data.update(overrides)
    return data


@pytest.fixture
def pdf_upload():
    """pdf_upload(name=..., title=...) -> a valid small PDF upload."""
    return make_pdf


@pytest.fixture
def zip_upload():
    """zip_upload({member: text}, name=...) -> a zip upload (docx/xlsx when the members say so)."""
    return make_zip


@pytest.fixture
def ledger_data():
    """ledger_data(**overrides) -> the ledger fields of a plausible item."""
    return item_data


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def make_item(bureau, county):
    """make_item(**fields) -> a ledger item of 滨河县 created by the bureau persona."""

    def make(schools=(), **overrides):
        return services.item_create(user=bureau, county=county, data=item_data(**overrides), schools=schools)

    return make


@pytest.fixture
def item(make_item, school_a):
    return make_item(schools=[school_a])


@pytest.fixture
def other_item(other_bureau, other_county):
    return services.item_create(user=other_bureau, county=other_county, data=item_data(problem="山前县的问题"))


@pytest.fixture
def completed_item(item, bureau, pdf_upload):
    services.item_start(user=bureau, item=item)
    services.evidence_add(user=bureau, item=item, upload=pdf_upload())
    return services.item_complete(user=bureau, item=item)
