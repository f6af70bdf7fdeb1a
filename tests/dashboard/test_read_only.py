"""Read-only means read-only: an inspector's POST, PUT, PATCH and DELETE are refused everywhere,
and so are those of a city (市) or province (省) reviewer looking at the demo county.

Every URL pattern of the project is walked (get_resolver, recursively, the admin included). Path
parameters are filled with real ids and codes of the demo county (``seed_demo`` plus the few
objects it does not make: an import record, a county-item evidence file, a proposal, a dossier,
an application package),
so a view that forgot its role check would find its object and act. For each pattern and method
the response must be a refusal — 403, 404 or 405 (a 302 to the login page is not one: the
inspector is signed in) — and afterwards no row of any table may differ (sessions, login
attempts and audit records of *views* aside).

A reviewer first chooses the county (POST /area/enter/, which only marks the session); the walk
then leaves the area URLs alone so the choice holds. A second walk GETs every page as the
inspector and as each reviewer: a reviewer of the county's city or province gets exactly the
inspector's answer on every URL, and no page shows them a full identity number, a dropout child's
name or a guardian's phone.

Not tested, by design: the login and logout pages, the second login step (OTP verification, which
only marks the session), and the public survey answer page (anonymous parents answer there). The
admin is walked too: inspectors are not staff, so it must send them to its own login page.
"""

import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from accounts.models import User

METHODS = ("post", "put", "patch", "delete")
REFUSED = {403, 404, 405}
EXCLUDED = {
    "login": "the login page",
    "accounts:logout": "the logout button",
    "accounts:otp_verify": "the second login step; it only marks the session as verified",
    "surveys:answer": "the public answer page: anonymous by design",
    "admin:login": "the admin's login page",
    "admin:logout": "the admin's logout",
}
# Tables whose rows legitimately change on any request, or that record reads.
NOT_COMPARED = {
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "axes.AccessAttemptExpiration",
}

# The object a "pk" stands for: by URL name, else by the app's main model.
PK_BY_NAME = {
    "schools:import_preview": "schools.ImportRecord",
    "schools:import_confirm": "schools.ImportRecord",
    "indicators:evidence": "indicators.CountyItemEvidence",
    "indicators:evidence_delete": "indicators.CountyItemEvidence",
    "dropout_control:visit_attachment": "dropout_control.PersuasionLog",
    "dropout_control:notice_pdf": "dropout_control.ReturnNotice",
    "dropout_control:notice_serve": "dropout_control.ReturnNotice",
    "dropout_control:letter_scan": "dropout_control.ResponsibilityLetter",
    "rectification:evidence_download": "rectification.EvidenceFile",
    "rectification:task_edit": "rectification.PrepTask",
    "rectification:task_start": "rectification.PrepTask",
    "rectification:task_complete": "rectification.PrepTask",
    "rectification:task_reopen": "rectification.PrepTask",
    "rectification:archive_upload": "rectification.ArchivePoint",
    "rectification:archive_download": "rectification.ArchiveFile",
    "rectification:proposal_accept": "rectification.Proposal",
    "rectification:proposal_discard": "rectification.Proposal",
    "surveys:question_edit": "surveys.Question",
    "surveys:question_delete": "surveys.Question",
    "surveys:invitation_deactivate": "surveys.Invitation",
    "surveys:invitation_qr_png": "surveys.Invitation",
    "surveys:invitation_qr_svg": "surveys.Invitation",
    "dataquality:reconcile_run": "dataquality.ReconcileRun",
    "dataquality:reconcile_mapping": "dataquality.ReconcileRun",
    "dataquality:reconcile_cancel": "dataquality.ReconcileRun",
    "dataquality:reconcile_export": "dataquality.ReconcileRun",
    "reviews:brief": "reviews.DrawnSchool",
    "reviews:brief_pdf": "reviews.DrawnSchool",
    "reviews:checklist": "reviews.DrawnSchool",
    "reviews:checklist_save": "reviews.DrawnSchool",
    "reviews:photo_upload": "reviews.DrawnSchool",
    "reviews:photo": "reviews.VisitPhoto",
}
PK_BY_NAMESPACE = {
    "accounts": "accounts.User",
    "schools": "schools.ImportRecord",
    "indicators": "indicators.Assessment",
    "dropout_control": "dropout_control.DropoutCase",
    "rectification": "rectification.RectificationItem",
    "surveys": "surveys.Survey",
    "dossiers": "dossiers.Dossier",
    "workforce": "schools.School",
    "reviews": "reviews.SiteVisitDraw",
    "applications": "applications.ApplicationPackage",
}
ROUTE_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def walk(patterns, prefix="", namespace=""):
    """(full route text, URL name with namespace) for every pattern, depth first."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name


def build_path(route: str, value) -> str:
    """The concrete path of a route (path() and re_path() syntax mixed), each parameter filled by
    value(param_name)."""
    path = REGEX_PARAM.sub(lambda m: str(value(m.group("name"))), route)
    path = ROUTE_PARAM.sub(lambda m: str(value(m.group("name"))), path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    path = re.sub(r"\.\*", "", path)
    return "/" + path


def snapshot() -> dict[str, list[tuple]]:
    """Every concrete field of every row of every compared table, in primary-key order."""
    out = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in NOT_COMPARED or not model._meta.managed:
            continue
        qs = model._base_manager.all()
        if label == "accounts.AuditEntry":
            qs = qs.exclude(action="view")
        fields = [f.attname for f in model._meta.concrete_fields]
        out[label] = list(qs.order_by("pk").values_list(*fields))
    return out


def changes(before, after) -> list[str]:
    out = []
    for label, rows in before.items():
        if rows != after[label]:
            old, new = set(rows), set(after[label])
            out.append(
                f"{label}: removed {sorted(old - new, key=str)[:3]}, added/changed {sorted(new - old, key=str)[:3]}"
            )
    return out


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    """The demo county with one object of every kind a URL can name."""
    from applications.models import ApplicationPackage, PackageFile
    from dossiers.models import Dossier
    from indicators.county_items import BY_KEY
    from indicators.models import Assessment, CountyItemEvidence, CountyItemValue
    from rectification.services import proposals_from_assessment
    from schools.models import ImportRecord, School
    from surveys.models import Invitation

    with django_capture_on_commit_callbacks(execute=True):  # the demo assessments run after commit
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    bureau = User.objects.get(username="bureau")
    county = bureau.county
    ImportRecord.objects.create(
        kind="conditions",
        county=county,
        user=bureau,
        file_name="办学条件.xlsx",
        sha256="0" * 64,
        status=ImportRecord.Status.PREVIEWED,
        rows=1,
    )
    key = next(k for k, spec in BY_KEY.items() if spec.entry)
    item, _ = CountyItemValue.objects.get_or_create(county=county, year=2025, key=key)
    evidence = CountyItemEvidence(
        item=item, original_name="佐证.pdf", kind="pdf", size=8, sha256="1" * 64, uploaded_by=bureau
    )
    evidence.file.save("evidence.pdf", ContentFile(b"%PDF-1.4"), save=True)
    quality = Assessment.objects.filter(county=county, scheme="quality-2017", status="done").first()
    proposals_from_assessment(quality, user=bureau)
    dossier = Dossier.objects.create(
        county=county, year=2025, scheme="quality-2017", version=1, status="done", requested_by=bureau
    )
    dossier.file.save("dossier.pdf", ContentFile(b"%PDF-1.4"), save=True)
    package = ApplicationPackage.objects.create(
        county=county, year=2025, version=1, status="done", requested_by=bureau
    )
    part = PackageFile(package=package, kind="form_pdf", sha256="2" * 64, size=8, pages=1)
    part.file.save("application.pdf", ContentFile(b"%PDF-1.4"), save=True)
    school = School.objects.filter(county=county).order_by("code").first()
    invitation = Invitation.objects.filter(survey__county=county).first()
    reconcile_run(bureau, county, school)

    def first(label, **lookup):
        model = apps.get_model(label)
        obj = (
            model._base_manager.filter(**lookup).order_by("pk").first()
            or model._base_manager.order_by("pk").first()
        )
        assert obj is not None, f"the demo data have no {label}"
        return obj.pk

    pks = {label: first(label) for label in set(PK_BY_NAME.values()) | set(PK_BY_NAMESPACE.values())}
    pks["accounts.User"] = bureau.pk  # an unchecked edit would change another user's account
    pks["dropout_control.DropoutCase"] = first("dropout_control.DropoutCase", status="suspected")
    pks["rectification.RectificationItem"] = first("rectification.RectificationItem", status="in_progress")
    return {
        "pks": pks,
        "school": school.code,
        "token": invitation.token,
        "county_item": key,
        "inspector": User.objects.get(username="inspector"),
        "county": county,
    }


def reconcile_run(bureau, county, school):
    """A finished 对账 of the demo county (the demo data have none) and one waiting for its mapping."""
    from datetime import timedelta

    from django.utils import timezone

    from dataquality.models import ReconcileRun

    common = {
        "county": county,
        "kind": "register",
        "year": 2025,
        "file_name": "学籍.xlsx",
        "created_by": bureau,
        "expires_at": timezone.now() + timedelta(days=7),
    }
    ReconcileRun.objects.create(
        **common,
        status=ReconcileRun.Status.DONE,
        headers=["学校标识码", "身份证号", "年级", "学籍状态"],
        counts={
            "kind": "register",
            "rows_read": 3,
            "counted": 3,
            "by_school": {school.code: {"1": 2, "7": 1}},
        },
        compared_at=timezone.now(),
    )
    ReconcileRun.objects.create(
        **common, status=ReconcileRun.Status.PENDING, headers=["学校代码", "证件号码", "年级名称", "学籍状态"]
    )


def value_for(demo, name: str):
    namespace = name.split(":", 1)[0] if ":" in name else ""

    def value(param: str):
        if param == "pk":
            label = PK_BY_NAME.get(name) or PK_BY_NAMESPACE.get(namespace)
            return demo["pks"][label] if label else demo["pks"]["accounts.User"]
        return {
            "code": demo["school"],
            "year": 2025,
            "token": demo["token"],
            "stage": "primary",
            "key": demo["county_item"] if name == "indicators:item_save" else "building_area_pp",
            "kind": {"schools": "conditions", "workforce": "posts", "applications": "form_pdf"}.get(
                namespace, "conditions"
            ),
            "app_label": "accounts",
            "model_name": "user",
            "object_id": demo["pks"]["accounts.User"],
            "content_type_id": 1,
            "url": "accounts/user/",
            "uidb64": "MQ",
            "token_value": "x",
        }.get(param, "1")

    return value


READ_ONLY_PERSONAS = ("inspector", "city_reviewer", "province_reviewer")
# Choosing the county to look at: it marks the reviewer's session only (tests/security/test_area_scoping.py).
AREA_CHOICE = ("area:enter", "area:leave")


def read_only_client(demo, username: str) -> Client:
    """A client of the demo read-only account `username`; a reviewer has chosen the demo county."""
    client = Client(raise_request_exception=False)
    user = User.objects.get(username=username)
    client.force_login(user)
    if user.is_area_reviewer:
        response = client.post(f"/area/enter/{demo['county'].code}/")
        assert response.status_code == 302 and response["Location"] == "/dashboard/"
    return client


def walked_routes(persona: str):
    skipped = set(EXCLUDED) | (set(AREA_CHOICE) if persona != "inspector" else set())
    return [(route, name) for route, name in walk(get_resolver().url_patterns) if name not in skipped]


@pytest.mark.parametrize("persona", READ_ONLY_PERSONAS)
def test_a_read_only_account_cannot_change_anything_through_any_url(demo, persona):
    client = read_only_client(demo, persona)
    routes = walked_routes(persona)
    assert len(routes) > 150, "the walk found too few URL patterns"
    before = snapshot()
    not_refused = defaultdict(list)
    not_found = []
    for route, name in routes:
        path = build_path(route, value_for(demo, name))
        for method in METHODS:
            response = getattr(client, method)(path)
            status = response.status_code
            if name.startswith("admin:") or route.startswith("admin/"):
                # inspectors are not staff: the admin sends them to its own login page
                ok = status in REFUSED or (status == 302 and response["Location"].startswith("/admin/login/"))
            else:
                ok = status in REFUSED
            if status == 404 and not route.startswith("admin/"):
                not_found.append(f"{method.upper()} {path}")
            if not ok:
                not_refused[f"{name or route} {path}"].append(f"{method.upper()}→{status}")
    after = snapshot()
    assert not not_refused, f"views that did not refuse {persona}:\n" + "\n".join(
        f"{k}: {', '.join(v)}" for k, v in sorted(not_refused.items())
    )
    assert not changes(before, after), changes(before, after)
    # 404 is a refusal, but the ids are real: many 404s would mean the parameters missed their objects
    assert len(not_found) < len(routes) * len(METHODS) // 20, not_found


def test_the_walk_reaches_the_objects_it_names(demo):
    """The filled-in paths name real objects: a bureau user (who may read them) gets no 404 on
    the read-only pages of cases, ledger items, surveys, assessments and schools."""
    client = Client()
    client.force_login(User.objects.get(username="bureau"))
    names = {
        "dropout_control:detail",
        "rectification:detail",
        "surveys:detail",
        "indicators:detail",
        "schools:detail",
        "dossiers:download",
        "applications:download",
        "indicators:evidence",
        "rectification:archive_download",
        "rectification:task_edit",
        "surveys:invitation_qr_svg",
        "workforce:school",
        "dataquality:reconcile_run",
        "dataquality:reconcile_export",
        "reviews:detail",
        "reviews:checklist",
        "reviews:photo",
    }
    found = {name: route for route, name in walk(get_resolver().url_patterns) if name in names}
    assert set(found) == names
    for name, route in found.items():
        response = client.get(build_path(route, value_for(demo, name)))
        assert response.status_code == 200, (name, response.status_code)


def _personal_data(county) -> set[str]:
    """Identity numbers of teachers and children, children's names and guardians' phones."""
    from dropout_control.models import DropoutCase
    from schools.models import Teacher

    cases = DropoutCase.objects.filter(county=county)
    values = set(Teacher.objects.filter(school__county=county).values_list("id_number", flat=True))
    values |= set(cases.values_list("id_number", flat=True))
    values |= {n for n in cases.values_list("name", flat=True) if len(n) >= 2}
    values |= set(cases.values_list("guardian_phone", flat=True))
    return {v for v in values if v}


def _body(response) -> str:
    if response.get("Content-Type", "").split(";")[0] not in (
        "text/html",
        "text/plain",
        "text/csv",
        "application/json",
    ):
        return ""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


@pytest.mark.parametrize("persona", ["city_reviewer", "province_reviewer"])
def test_a_reviewer_reads_every_county_page_as_the_inspector_does_with_personal_data_masked(demo, persona):
    inspector, reviewer = read_only_client(demo, "inspector"), read_only_client(demo, persona)
    secrets = _personal_data(demo["county"])
    assert len(secrets) > 100
    differ, leaks, pages = [], [], 0
    own = []
    for route, name in walked_routes(persona):
        if route.startswith("admin/") or name.startswith("area:"):
            continue
        path = build_path(route, value_for(demo, name))
        expected, got = inspector.get(path), reviewer.get(path)
        if getattr(resolve(path).func, "area_page", False):
            # The reviewer's own pages above the county (board, review queue): theirs, not the
            # inspector's; their owners' tests cover them. Here: they open, and show no personal data.
            own.append(name)
            assert got.status_code < 500, (name, got.status_code)
        elif got.status_code != expected.status_code:
            differ.append(f"{name} {path}: inspector {expected.status_code}, {persona} {got.status_code}")
        if got.status_code == 200:
            pages += 1
            body = _body(got)
            leaks += [f"{name} {path}" for value in secrets if value in body][:1]
    assert not differ, "\n".join(differ)
    assert not leaks, leaks
    assert pages > 60, pages
    assert "reviews:board" in own
    # Control: the search does find personal data where it is shown (bureau staff, a case page).
    bureau = Client()
    bureau.force_login(User.objects.get(username="bureau"))
    case_page = _body(bureau.get(f"/dropout/{demo['pks']['dropout_control.DropoutCase']}/"))
    assert any(value in case_page for value in secrets)
