"""A stored submission cannot change (model and database), and the dashboards' one-query read
of each county's latest submission state."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from reviews import transitions as flow
from reviews.models import Submission
from reviews.selectors import submission_states

from .conftest import YEAR


def _row(package, user, version, state):
    return Submission.objects.create(
        county=package.county,
        version=version,
        year=YEAR,
        package=package,
        snapshot={"format": 1, "version": version},
        fingerprint=f"{version:064d}",
        submitted_by=user,
        submitted_at=timezone.now(),
        state=state,
    )


@pytest.fixture
def stored_package(small_county, bureau):
    """A package row is all a submission row needs here (no assessment)."""
    from applications.models import ApplicationPackage

    return ApplicationPackage.objects.create(county=small_county, year=YEAR, version=1, requested_by=bureau)


def test_a_stored_submission_refuses_save_and_delete(stored_package, bureau):
    row = _row(stored_package, bureau, 1, flow.PENDING_CITY)
    row.snapshot = {"format": 1, "forged": True}
    with pytest.raises(ValidationError, match="报送材料一经提交不可修改"):
        row.save()
    with pytest.raises(ValidationError, match="报送材料一经提交不可删除"):
        row.delete()
    assert Submission.objects.get().snapshot == {"format": 1, "version": 1}


@pytest.mark.parametrize(
    ("field", "value"),
    [("snapshot", {"forged": True}), ("fingerprint", "f" * 64), ("version", 9), ("year", 2030)],
)
def test_the_database_refuses_to_change_a_submissions_content(stored_package, bureau, field, value):
    row = _row(stored_package, bureau, 1, flow.PENDING_CITY)
    with pytest.raises(DatabaseError), transaction.atomic():
        Submission.objects.filter(pk=row.pk).update(**{field: value})
    assert Submission.objects.get().fingerprint == f"{1:064d}"


def test_only_the_state_moves(stored_package, bureau):
    row = _row(stored_package, bureau, 1, flow.PENDING_CITY)
    assert Submission.objects.filter(pk=row.pk).update(state=flow.PENDING_PROVINCE) == 1
    assert Submission.objects.get().state == flow.PENDING_PROVINCE


def test_submission_states_gives_each_countys_latest_version_in_one_query(
    stored_package, bureau, other_county, django_assert_num_queries
):
    _row(stored_package, bureau, 1, flow.CITY_RETURNED)
    latest = _row(stored_package, bureau, 2, flow.PENDING_PROVINCE)
    with django_assert_num_queries(1):
        states = submission_states([stored_package.county_id, other_county.pk])
    assert states == {stored_package.county_id: ("pending_province", "待省级评估", 2, latest.submitted_at)}


def test_build_package_helper_records_the_real_fingerprint(built_package):
    from applications.services import application_data, package_fingerprint

    assert built_package.input_fingerprint == package_fingerprint(
        application_data(built_package.county, YEAR)
    )
