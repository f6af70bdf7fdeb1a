"""What data quality receives from the other apps through balance_inspect.signals (connected in
DataqualityConfig.ready)."""

from django.utils import timezone

from dataquality import selectors, services
from schools.models import County, SchoolConditions


def import_applied(sender, *, county_codes, years, **kwargs) -> None:
    """After every applied import: check the imported years of each county the file touched (the
    学校 template has no year: its county's latest year with conditions)."""
    for county in County.objects.filter(code__in=county_codes):
        checked = set(years)
        if not checked:
            latest = (
                SchoolConditions.objects.filter(school__county=county)
                .order_by("-year")
                .values_list("year", flat=True)
                .first()
            )
            checked = {latest} if latest else set()
        services.run_checks_after_import(county, checked)


def readiness_rows(sender, *, county, year, **kwargs) -> list[dict]:
    """One board row: open blocking findings fail it, open warnings put it at risk, and a year
    never checked is at risk too (its figures have not been looked at as a whole)."""
    item = "数据质量核查（不合常理、跨表不一致、年度突变、重复身份证号）"
    state = selectors.readiness(county, year)
    if state is None:
        return [
            {
                "area": "数据质量",
                "item": item,
                "status": "at_risk",
                "detail": f"{year}—{year + 1}学年尚未核查：请在“数据质量”页点击“立即核查”",
            }
        ]
    if state["blocking"]:
        status = "fail"
        detail = f"须修正 {state['blocking']} 项未处理（涉及 {state['blocking_schools']} 所学校），须核实 {state['warning']} 项未处理"
    elif state["warning"]:
        status, detail = "at_risk", f"须核实 {state['warning']} 项未处理（修正数据或注明原因）"
    else:
        status, detail = "pass", "未发现未处理的问题"
    return [
        {
            "area": "数据质量",
            "item": item,
            "status": status,
            "detail": f"{detail}；最近核查 {timezone.localtime(state['checked_at']):%Y-%m-%d %H:%M}",
        }
    ]


def demo_seeded(sender, *, county, year, **kwargs) -> None:
    """The demo county is checked like an imported one, so its page and board row are not empty."""
    services.run_checks(county, year)
