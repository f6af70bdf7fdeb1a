"""The site-visit counts are settings parsed strictly: out of 8–12 the app refuses to start."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from balance_inspect.env import env_int


@pytest.mark.parametrize("raw", ["7", "13"])
def test_a_count_outside_its_range_stops_the_app(monkeypatch, raw):
    monkeypatch.setenv("SITE_VISIT_SCHOOLS", raw)
    with pytest.raises(ImproperlyConfigured):
        env_int("SITE_VISIT_SCHOOLS", 10, minimum=8, maximum=12)


def test_a_count_inside_its_range_is_read(monkeypatch):
    monkeypatch.setenv("SITE_VISIT_SCHOOLS", "12")
    assert env_int("SITE_VISIT_SCHOOLS", 10, minimum=8, maximum=12) == 12


def test_the_defaults_are_ten_schools_two_of_them_the_weakest(settings):
    from balance_inspect import settings as project_settings

    assert project_settings.SITE_VISIT_SCHOOLS == 10
    assert project_settings.SITE_VISIT_WEAKEST == 2
