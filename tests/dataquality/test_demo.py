"""The demo county is checked when it is seeded (dataquality.receivers.demo_seeded)."""

import random

from dataquality.models import Check, Finding
from schools.demo import SEED, seed_demo_county
from tests.schools.conftest import TODAY


def test_seeding_the_demo_county_checks_its_year(db):
    county = seed_demo_county(rng=random.Random(SEED), today=TODAY, notify_apps=True).county
    check = Check.objects.get(county=county)
    stored = Finding.objects.filter(county=county, year=check.year, active=True)
    assert (check.blocking, check.warning) == (
        stored.filter(severity="blocking").count(),
        stored.filter(severity="warning").count(),
    )
