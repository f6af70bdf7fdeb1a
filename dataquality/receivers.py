"""What data quality receives from the other apps through balance_inspect.signals (connected in
DataqualityConfig.ready)."""

from dataquality import services
from schools.models import County, SchoolConditions


def import_applied(sender, *, county_codes, years, **kwargs) -> None:
    """After every applied import: check the imported years of each county the file touched (the
    学校 template has no year: its county's latest year with conditions)."""
    for county in County.objects.filter(code__in=county_codes):
        checked = set(years)
        if not checked:
            latest = (SchoolConditions.objects.filter(school__county=county).order_by("-year")
                      .values_list("year", flat=True).first())
            checked = {latest} if latest else set()
        services.run_checks_after_import(county, checked)
