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


EVERYONE = tuple(Role)
# The area each role acts for: a county (an admin may have none: every county), or a township /
# school below it (User.clean requires the matching fields; accounts.access.scope filters by them).
COUNTY_LEVEL = (Role.ADMIN, Role.BUREAU, Role.INSPECTOR)
BELOW_COUNTY = (Role.TOWNSHIP, Role.SCHOOL)

# County-wide pages: dashboards, assessments, workforce, ledger, readiness, surveys, dossiers.
COUNTY_READERS = (Role.ADMIN, Role.BUREAU, Role.INSPECTOR)
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
# Read-only accounts: they see aggregates and masked lists, never change anything.
READ_ONLY = (Role.INSPECTOR,)
