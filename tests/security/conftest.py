"""Fixtures of the security tests: rows of "another area" in every app, and file helpers.

Naming: `*_b` rows belong to 河口乡 / 河口小学 (same county, other township and school);
`other_*` rows belong to 山前县 (another county).
"""

from pathlib import Path

import pytest
from django.core.cache import cache

from tests.security import world


@pytest.fixture(autouse=True)
def _fresh_state(request):
    """Survey rate limits and axes counters live in the locmem cache / database; the checklist rows
    of rectification come from a data migration that a transactional test of any app may flush."""
    cache.clear()
    names = set(request.fixturenames)
    if names & {"db", "transactional_db"} or request.node.get_closest_marker("django_db"):
        from rectification import services
        from rectification.models import ArchivePoint, PrepTaskTemplate

        request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
        if not ArchivePoint.objects.exists():
            services.archive_points_ensure()
        if not PrepTaskTemplate.objects.exists():
            services.task_templates_ensure()
    yield
    cache.clear()


# --- dropout control --------------------------------------------------------------------------

@pytest.fixture
def paper_b(other_township_official, township_b, school_b):
    """A case of 河口乡 / 河口小学 with a visit (attachment) and an issued notice."""
    return world.case_with_paperwork(other_township_official, township_b, school_b, name="李小红", male=False)


@pytest.fixture
def proof_case_b(other_township_official, township_b, school_b):
    """A case of 河口乡 whose close request carries a proof file."""
    return world.closed_request_case(other_township_official, township_b, school_b, name="赵小刚")


@pytest.fixture
def letter_b(other_township_official, township_b):
    return world.letter_with_scan(other_township_official, township_b)


@pytest.fixture
def other_case(other_bureau, other_school):
    from dropout_control import services
    from tests.dropout_control.casedata import ledger_data

    return services.case_create(user=other_bureau, data=ledger_data(other_school.township, other_school,
                                                                     name="钱小多"))


# --- other county -----------------------------------------------------------------------------

@pytest.fixture
def other_rect(other_bureau, other_county):
    return world.rectification_rows(other_bureau, other_county, problem="山前县的问题")


@pytest.fixture
def other_county_item(other_bureau, other_county):
    return world.county_item_with_evidence(other_bureau, other_county)


@pytest.fixture
def other_assessment(other_county):
    return world.done_assessment(other_county)


@pytest.fixture
def other_dossier(other_county, other_bureau):
    return world.done_dossier(other_county, other_bureau)


@pytest.fixture
def other_survey(other_bureau, other_county, other_school):
    return world.survey_rows(other_bureau, other_county, other_school)


@pytest.fixture
def other_import(other_bureau, other_county):
    return world.import_record(other_bureau, other_county)


@pytest.fixture
def other_proposal(other_county, other_assessment):
    from rectification.models import Proposal

    return Proposal.objects.create(county=other_county, assessment=other_assessment, key="sports:primary",
                                   indicator="sports_area_pp", stage="primary", problem="运动场不足",
                                   target="达到 7.5 ㎡")


# --- files ------------------------------------------------------------------------------------

@pytest.fixture
def media_files(settings):
    """media_files() -> the set of every file path under MEDIA_ROOT (to prove nothing was written)."""

    def listing():
        root = Path(settings.MEDIA_ROOT)
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()

    return listing
