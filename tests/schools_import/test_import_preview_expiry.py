"""A preview nobody confirms does not keep its file (teachers' ID numbers) for ever."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from schools.importing import import_file, import_previews_expire
from schools.models import ImportRecord
from tests.schools_import.helpers import HEADERS, build_xlsx

pytestmark = pytest.mark.django_db


def _preview(bureau, teacher_row):
    data = build_xlsx(HEADERS["teachers"], [teacher_row()])
    outcome = import_file(
        kind="teachers",
        file_obj=io.BytesIO(data),
        file_name="教师.xlsx",
        user=bureau,
        dry_run=True,
        keep_file=True,
    )
    assert outcome.ok and outcome.record.stored_file
    return outcome.record


def test_an_unconfirmed_preview_expires_and_its_file_is_deleted(bureau, school_a, teacher_row, settings):
    record = _preview(bureau, teacher_row)
    stored = record.stored_file
    later = timezone.now() + timedelta(hours=settings.IMPORT_PREVIEW_MAX_AGE_HOURS + 1)
    assert import_previews_expire(now=later) == 1
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.REFUSED and record.stored_file == ""
    assert "未确认" in record.errors[0][2]
    assert not default_storage.exists(stored)


def test_a_recent_preview_is_kept(bureau, school_a, teacher_row):
    record = _preview(bureau, teacher_row)
    assert import_previews_expire(now=timezone.now() + timedelta(hours=1)) == 0
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PREVIEWED and default_storage.exists(record.stored_file)
