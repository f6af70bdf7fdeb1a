"""Who reads and who writes each kind of thing, declared once.

Every guard (accounts.access), every `user.<may…>` property used by templates, the navigation and
the home tiles (accounts.menu and each app's `menu.py`) name these sets, never a role string, so
a page, its link and its guard cannot drift apart.

Kept free of models so that app configs and menus can import it before the app registry is ready.
"""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    BUREAU = "bureau", "教育局工作人员"
    TOWNSHIP = "township", "乡镇工作人员"
    SCHOOL = "school", "学校填报员"
    INSPECTOR = "inspector", "督学"
    CITY = "city", "市级复核人员"
    PROVINCE = "province", "省级评估人员"


EVERYONE = tuple(Role)
# The area each role acts for: a county (an admin may have none: every county), or a township /
# school below it (User.clean requires the matching fields; accounts.access.scope filters by them).
COUNTY_LEVEL = (Role.ADMIN, Role.BUREAU, Role.INSPECTOR)
BELOW_COUNTY = (Role.TOWNSHIP, Role.SCHOOL)
# Above the county: reviewers of a city (市) or a province (省), each with a Region (User.clean).
# They read every county of their region one at a time: the county they chose to look at
# (the acting county, accounts.access.user_county) is the area scope() gives them.
AREA_REVIEWERS = (Role.CITY, Role.PROVINCE)

# County-wide pages: dashboards, assessments, workforce, ledger, readiness, surveys, dossiers.
COUNTY_READERS = (Role.ADMIN, Role.BUREAU, Role.INSPECTOR, *AREA_REVIEWERS)
# County-level changes: assessments, county items, ledger, surveys, dossiers, any school's data.
COUNTY_WRITERS = (Role.ADMIN, Role.BUREAU)
# A school's own data (imports, conditions, register checks): the county and the school's reporter.
SCHOOL_DATA_WRITERS = (Role.ADMIN, Role.BUREAU, Role.SCHOOL)
# Teacher staffing is county business; a school reporter reads its own school's page.
STAFFING_READERS = (*COUNTY_READERS, Role.SCHOOL)
# Dropout cases: the county and the township work a case through its steps.
CASE_WORKERS = (Role.ADMIN, Role.BUREAU, Role.TOWNSHIP)
# Everyone who writes within their own area (files cases, visits, letters): all but the inspector.
AREA_WRITERS = (Role.ADMIN, Role.BUREAU, Role.TOWNSHIP, Role.SCHOOL)
# Closing (销号) and reopening a ledger item: the county's bureau staff, not a system admin.
LEDGER_CLOSERS = (Role.BUREAU,)
# The audit trail of a county and optional two-factor: the county's own staff.
AUDIT_READERS = COUNTY_WRITERS
TWO_FACTOR_USERS = COUNTY_WRITERS
# User management; an admin with a county manages only that county (accounts.selectors).
USER_MANAGERS = (Role.ADMIN,)
# Read-only accounts: they see aggregates and masked lists, never change anything in a county.
READ_ONLY = (Role.INSPECTOR, *AREA_REVIEWERS)
# The area page (the counties of a region, one to choose): reviewers, and admins (an unscoped
# admin chooses among every county; a county's admin sees their own).
AREA_PAGE_READERS = (Role.ADMIN, *AREA_REVIEWERS)
# The one thing area reviewers write: their review records of a county's submission.
REVIEW_WRITERS = AREA_REVIEWERS
