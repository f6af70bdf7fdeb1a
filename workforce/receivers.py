"""What workforce sends to the other apps through balance_inspect.signals (connected in
WorkforceConfig.ready): the assessment's government-guarantee items and the readiness rows."""

from workforce import selectors


def county_items(sender, *, county, year, **kwargs) -> list[dict]:
    """teacher_exchange (with the backbone share), teacher_training, teacher_certificates."""
    return selectors.county_items(county, year)


def readiness_rows(sender, *, county, year, **kwargs) -> list[dict]:
    return selectors.readiness_rows(county, year)
