"""Files and exports are never kept in a browser's or proxy's cache (issue 15, finding 12): every
view that hands out a file sends ``Cache-Control: no-store, private``."""

import inspect

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.cache import get_max_age

from tests.security import world

pytestmark = pytest.mark.django_db

# What a view's own code calls when it answers with a file rather than a page.
FILE_MARKERS = (
    "xlsx_response(",
    "file_response(",
    "FileResponse(",
    "render_pdf(",
    "Content-Disposition",
    "results_response(",
)


def _views(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def file_views():
    found = []
    for route, view in _views():
        module = getattr(view, "__module__", "") or ""
        if module.startswith("django.") or route.startswith("admin/"):
            continue
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if any(marker in source for marker in FILE_MARKERS):
            found.append((route, view))
    return found


def test_the_scan_finds_the_file_views():
    """Control: the scan below sees downloads of every app (so an empty result cannot pass)."""
    routes = {route for route, _ in file_views()}
    assert len(routes) >= 20, routes
    for expected in ("export/", "evidence/", "download/", "proof/", "notice", "brief"):
        assert any(expected in r for r in routes), expected


def test_every_file_view_is_marked_private():
    unmarked = [route for route, view in file_views() if not getattr(view, "private_download", False)]
    assert unmarked == [], f"file views without @private_download: {unmarked}"


def no_store(response):
    control = response.get("Cache-Control", "")
    return "no-store" in control and "private" in control and get_max_age(response) == 0


def test_downloads_with_personal_data_say_no_store(login, bureau, township_official, school_a, county):
    case = world.case_with_paperwork(township_official, school_a.township, school_a)
    rect = world.rectification_rows(bureau, county)
    _value, evidence = world.county_item_with_evidence(bureau, county)
    dossier = world.done_dossier(county, bureau)
    package = world.done_package(county, bureau)
    world.fill_school(school_a, primary=300)
    downloads = {
        "teacher export": (bureau, reverse("schools:export", args=["teachers"])),
        "dropout ledger": (township_official, reverse("dropout_control:ledger_export")),
        "visit attachment": (
            township_official,
            reverse("dropout_control:visit_attachment", args=[case.visit.pk]),
        ),
        "return notice": (township_official, reverse("dropout_control:notice_pdf", args=[case.notice.pk])),
        "rectification evidence": (
            bureau,
            reverse("rectification:evidence_download", args=[rect.evidence.pk]),
        ),
        "archive file": (bureau, reverse("rectification:archive_download", args=[rect.archive_file.pk])),
        "county item evidence": (bureau, reverse("indicators:evidence", args=[evidence.pk])),
        "dossier": (bureau, reverse("dossiers:download", args=[dossier.pk])),
        "application package": (bureau, reverse("applications:download", args=[package.pk, "form_pdf"])),
        "school brief": (bureau, reverse("dossiers:school_brief", args=[school_a.code])),
    }
    for name, (user, url) in downloads.items():
        response = login(user).get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert no_store(response), (name, response.get("Cache-Control"))


def test_ordinary_pages_keep_their_caching(login, bureau):
    """Only files are marked: the marker does not leak onto every page by accident."""
    assert "no-store" not in login(bureau).get(reverse("schools:list")).get("Cache-Control", "")
