"""Demo rows: a provincial feedback list in mixed states, the backward plan, a partial archive."""

import random

import pytest
from pypdf import PdfReader

from accounts.models import Role
from rectification.demo import seed_rectification, tiny_pdf
from rectification.models import ArchiveFile, ItemStatus, PrepTask, RectificationItem
from rectification.selectors import archive_completeness

pytestmark = pytest.mark.django_db


def test_the_demo_ledger_has_items_in_every_state(county, bureau, inspector, school_a, school_b):
    seed_rectification(
        None,
        county=county,
        users={Role.BUREAU: bureau, Role.INSPECTOR: inspector},
        year=2025,
        rng=random.Random(7),
    )
    items = RectificationItem.objects.filter(county=county)
    assert items.count() == 15
    assert {i.status for i in items} == set(ItemStatus.values)
    for item in items.filter(status=ItemStatus.CLOSED):
        assert item.evidence.exists() and item.verification_opinion and item.closed_by == bureau
    assert items.filter(progress__isnull=False).distinct().count() >= 10
    county.refresh_from_db()
    assert county.inspection_date is not None
    assert PrepTask.objects.filter(county=county).count() >= 8
    assert 0 < archive_completeness(county).percent < 100

    seed_rectification(None, county=county, users={Role.BUREAU: bureau}, year=2025, rng=random.Random(7))
    assert items.count() == 15  # a second run adds nothing


def test_the_demo_pdf_is_a_real_pdf(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(tiny_pdf("Archive 1.1 document 1"))
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    assert "Archive 1.1 document 1" in reader.pages[0].extract_text()


def test_demo_files_are_stored_through_the_validated_path(county, bureau, school_a):
    seed_rectification(None, county=county, users={Role.BUREAU: bureau}, year=2025, rng=random.Random(1))
    assert ArchiveFile.objects.filter(county=county, kind="pdf").exists()
    assert not ArchiveFile.objects.exclude(kind="pdf").exists()
