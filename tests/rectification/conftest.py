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
        "source": Source.PROVINCIAL,
        "source_no": 1,
        "source_date": date(2025, 3, 18),
        "source_team": "省督导组第二组",
        "problem": "城关小学生均体育运动场馆面积不足",
        "indicator": "sports_area_pp",
        "stage": "primary",
        "target": "达到 7.5 ㎡",
        "measures": "改扩建运动场",
        "lead_unit": "县教育局计财股",
        "cooperating_units": "县财政局",
        "responsible_person": "王科长",
        "deadline": date(2025, 6, 30),
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    """The checklist and plan templates come from a data migration; a transactional test (of any
    app) run earlier in the session flushes them, so put them back for tests that use the database."""
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not names & {"db", "transactional_db"}:
        return
    from rectification.models import ArchivePoint, PrepTaskTemplate

    if request.node.get_closest_marker("django_db") is None:
        request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    if not ArchivePoint.objects.exists():
        services.archive_points_ensure()
    if not PrepTaskTemplate.objects.exists():
        services.task_templates_ensure()


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
    return services.item_create(
        user=other_bureau, county=other_county, data=item_data(problem="山前县的问题")
    )


@pytest.fixture
def completed_item(item, bureau, pdf_upload):
    services.item_start(user=bureau, item=item)
    services.evidence_add(user=bureau, item=item, upload=pdf_upload())
    return services.item_complete(user=bureau, item=item)


def quality_result():
    """A finished quality-2017 document of 滨河县 in the shape of data-contract §3 plus gaps."""
    return {
        "county": "130123",
        "year": 2025,
        "scheme": "quality-2017",
        "passed": False,
        "reasons": ["小学 体育运动场馆面积 差异系数 0.512 > 0.50"],
        "stages": {
            "primary": {
                "units": 2,
                "students": 900,
                "indicators": {
                    "sports_area_pp": {
                        "mean": 7.1,
                        "std": 3.6,
                        "cv": 0.5123,
                        "cv_threshold": 0.5,
                        "cv_passed": False,
                    },
                    "building_area_pp": {
                        "mean": 5.0,
                        "std": 1.0,
                        "cv": 0.2,
                        "cv_threshold": 0.5,
                        "cv_passed": True,
                    },
                },
                "composite_cv": 0.356,
                "passed": False,
                "classes": {"total": 30, "over_standard": 0, "large": 0, "super_large": 0},
            },
        },
        "units": [
            {
                "school_code": "1301230001",
                "school_name": "城关小学",
                "stage": "primary",
                "students": 500,
                "values": {"sports_area_pp": 4.2, "building_area_pp": 5.1},
                "meets": {"sports_area_pp": False, "building_area_pp": True},
                "passed": True,
            },
            {
                "school_code": "1301230002",
                "school_name": "河口小学",
                "stage": "primary",
                "students": 400,
                "values": {"sports_area_pp": 10.8, "building_area_pp": 4.9},
                "meets": {"sports_area_pp": True, "building_area_pp": True},
                "passed": True,
            },
        ],
        "checks": {"school_size": []},
        "county_items": [
            {
                "key": "special_education_funding",
                "label": "特殊教育学校生均公用经费",
                "part_label": "政府保障程度",
                "passed": False,
                "detail": "录入值 5000 元，要求 ≥ 6000 元",
            },
        ],
        "gaps": {
            "units": [
                {
                    "school_code": "1301230001",
                    "school_name": "城关小学",
                    "stage": "primary",
                    "indicator": "sports_area_pp",
                    "label": "生均体育运动场馆面积",
                    "unit": "㎡",
                    "current_value": 4.2,
                    "standard": 7.5,
                    "current_resource": 2100,
                    "needed_resource": 3750,
                    "addition": 1650.0,
                    "new_value": 7.5,
                    "kind": "area",
                }
            ],
            "cv_plans": [
                {
                    "indicator": "sports_area_pp",
                    "label": "生均体育运动场馆面积",
                    "stage": "primary",
                    "kind": "area",
                    "unit": "㎡",
                    "current_cv": 0.5123,
                    "threshold": 0.5,
                    "new_cv": 0.4987,
                    "passes": True,
                    "floor_value": 5.0,
                    "total_addition": 400.0,
                    "schools": [
                        {
                            "school_code": "1301230001",
                            "school_name": "城关小学",
                            "current_value": 4.2,
                            "addition": 400.0,
                            "new_value": 5.0,
                        }
                    ],
                }
            ],
        },
    }


@pytest.fixture
def make_assessment(county):
    """make_assessment(result=None, **fields) -> a finished indicators.Assessment row of 滨河县."""
    from django.utils import timezone

    from indicators.models import Assessment
    from indicators.services import input_fingerprint_for

    def make(result=None, **fields):
        values = {
            "county": county,
            "year": 2025,
            "scheme": "quality-2017",
            "status": "done",
            "result": result if result is not None else quality_result(),
            "passed": False,
            "finished_at": timezone.now(),
        }
        values.update(fields)
        if "fingerprint" not in fields:
            # A run of the county's current data (its input fingerprint now), so that it is the
            # county's current assessment when its scheme is the target.
            values["fingerprint"] = input_fingerprint_for(county, values["year"], values["scheme"])
        return Assessment.objects.create(**values)

    return make
