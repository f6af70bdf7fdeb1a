"""City (市) and province (省) reviewers: a region, one chosen county at a time, read-only.

The access layer gives a reviewer exactly the county they chose on the area page, provided it lies
in their region; before choosing, and for any county outside the region, nothing.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.access import ensure_not_read_only, require_writer, scope, user_county
from accounts.models import Role
from schools.models import County, Region, School
from schools.selectors import (
    counties_in_region,
    counties_visible_to,
    get_school_for_user,
    region_of_county,
    schools_visible_to,
)
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _acting(user, county):
    user.acting_county_id = county.pk if county else None
    return user


# --- the region ---------------------------------------------------------------------------------


def test_a_county_belongs_to_its_city_and_province_by_code_prefix(
    city, province, other_city, county, other_county, other_city_county, other_province_county
):
    assert set(counties_in_region(city)) == {county, other_county}
    assert set(counties_in_region(other_city)) == {other_city_county}
    assert set(counties_in_region(province)) == {county, other_county, other_city_county}
    assert region_of_county(county, Region.Level.CITY) == city
    assert region_of_county(county, Region.Level.PROVINCE) == province
    assert region_of_county(other_province_county, Region.Level.PROVINCE) is None


@pytest.mark.parametrize(
    ("code", "level", "ok"),
    [
        ("130000", "province", True),
        ("130100", "province", False),
        ("130100", "city", True),
        ("130000", "city", False),
        ("130123", "city", False),
    ],
)
def test_region_codes_follow_the_official_division_pattern(code, level, ok):
    region = Region(code=code, name="某地", level=level)
    if ok:
        region.full_clean()
    else:
        with pytest.raises(ValidationError):
            region.full_clean()


def test_a_city_reviewer_needs_a_city_and_a_province_reviewer_a_province(city, province, county):
    UserFactory.build(username="c", role=Role.CITY, region=city).clean()
    UserFactory.build(username="p", role=Role.PROVINCE, region=province).clean()
    with pytest.raises(ValidationError, match="所属省市"):
        UserFactory.build(username="c2", role=Role.CITY).clean()
    with pytest.raises(ValidationError, match="市级区域"):
        UserFactory.build(username="c3", role=Role.CITY, region=province).clean()
    with pytest.raises(ValidationError, match="省级区域"):
        UserFactory.build(username="p2", role=Role.PROVINCE, region=city).clean()
    with pytest.raises(ValidationError, match="区县"):
        UserFactory.build(username="c4", role=Role.CITY, region=city, county=county).clean()
    with pytest.raises(ValidationError, match="只有市级、省级复核人员"):
        UserFactory.build(username="b", role=Role.BUREAU, county=county, region=city).clean()


def test_a_reviewer_is_labelled_by_their_region(city_reviewer, province_reviewer):
    assert city_reviewer.area_label == "石家庄市"
    assert province_reviewer.area_label == "河北省"


# --- scope and the acting county ----------------------------------------------------------------


def test_a_reviewer_sees_no_school_before_choosing_a_county(city_reviewer, school_a, other_school):
    assert not schools_visible_to(city_reviewer).exists()
    assert user_county(city_reviewer) is None


def test_a_reviewer_sees_the_chosen_county_only(city_reviewer, county, school_a, school_b, other_school):
    _acting(city_reviewer, county)
    assert set(schools_visible_to(city_reviewer)) == {school_a, school_b}
    assert user_county(city_reviewer) == county
    with pytest.raises(Http404):
        get_school_for_user(city_reviewer, other_school.code)


def test_a_county_outside_the_region_gives_nothing_even_when_set(other_city_reviewer, county, school_a):
    _acting(other_city_reviewer, county)
    assert user_county(other_city_reviewer) is None
    # scope filters by the id; the middleware never sets one outside the region (tests/security).
    assert set(counties_visible_to(other_city_reviewer)) == set()


def test_a_province_reviewer_may_choose_every_county_of_the_province_and_no_other(
    province_reviewer, county, other_county, other_city_county, other_province_county
):
    assert set(counties_visible_to(province_reviewer)) == {county, other_county, other_city_county}
    for c in (county, other_county, other_city_county):
        assert user_county(_acting(province_reviewer, c)) == c
    assert user_county(_acting(province_reviewer, other_province_county)) is None


def test_a_reviewer_reads_county_pages_but_never_writes(city_reviewer, county, school_a):
    _acting(city_reviewer, county)
    assert city_reviewer.reads_county and city_reviewer.is_read_only
    assert not city_reviewer.sees_personal_data
    assert city_reviewer.writes_reviews
    with pytest.raises(PermissionDenied):
        require_writer(city_reviewer)
    with pytest.raises(PermissionDenied, match="只读账号"):
        ensure_not_read_only(city_reviewer)
    with pytest.raises(PermissionDenied):
        get_school_for_user(city_reviewer, school_a.code, write=True)


def test_a_region_without_counties_gives_an_empty_list(db):
    empty = RegionFactory(code="650100", name="乌鲁木齐市", level="city")
    reviewer = UserFactory(username="r", role=Role.CITY, region=empty)
    assert not counties_visible_to(reviewer).exists()
    assert not scope(_acting(reviewer, None), School.objects.all()).exists()
    assert County.objects.count() == 0
