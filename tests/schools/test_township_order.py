"""Townships appear in the county's own order (the order it registered them), never by Unicode order."""

import pytest

from schools.models import Township
from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db


def test_demo_county_lists_chengguan_first_not_by_unicode(demo):
    names = list(Township.objects.filter(county__code="130123").values_list("name", flat=True))
    assert names[0] == "城关镇" and names == [
        "城关镇",
        "东城街道",
        "西城街道",
        "柳河镇",
        "石桥镇",
        "河口乡",
        "南山乡",
        "北坡乡",
    ]
    assert names != sorted(names)


def test_the_school_filter_offers_townships_in_the_county_order(demo, login):
    from accounts.models import User

    html = login(User.objects.get(username="bureau")).get("/schools/").content.decode()
    positions = [html.index(f">{name}</option>") for name in ("城关镇", "东城街道", "北坡乡")]
    assert positions == sorted(positions)


def test_a_new_county_keeps_the_position_it_was_given():
    county = CountyFactory(code="130199", name="测试县")
    Township.objects.create(county=county, name="甲镇", position=2)
    Township.objects.create(county=county, name="乙镇", position=1)
    assert [t.name for t in Township.objects.filter(county=county)] == ["乙镇", "甲镇"]


def test_the_dashboard_filter_lists_townships_in_the_county_order(demo, login, settings):
    from accounts.models import User

    settings.DASHBOARD_CACHE_SECONDS = 0
    html = login(User.objects.get(username="bureau")).get("/dashboard/").content.decode()
    positions = [html.index(f">{name}</option>") for name in ("城关镇", "东城街道", "柳河镇", "北坡乡")]
    assert positions == sorted(positions)
