"""Counties for the review board's tests: a few schools (tests/dashboard/countydata.build_county),
open ledger items, an inspection date and a stored quality-2017 assessment."""

from datetime import timedelta

from django.utils import timezone

from indicators.services import assessment_run_now
from schools.models import County
from tests.dashboard.countydata import add_items, build_county


def make_county(code: str, name: str, *, schools: int = 4, items: int = 0, assess: bool = True, days=None):
    county = County.objects.create(
        code=code,
        name=name,
        target_scheme="quality-2017",
        inspection_date=None if days is None else timezone.localdate() + timedelta(days=days),
    )
    build_county(county, schools, cases=False)
    if items:
        add_items(county, items)
    if assess:
        assessment_run_now(county=county, year=2025, scheme="quality-2017")
    return county
