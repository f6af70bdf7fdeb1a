"""Security headers on every kind of response, templates without inline script, HTTPS settings.

CSP: script-src 'self' without 'unsafe-inline' (so an injected <script> would not run even if
it slipped through escaping); templates never need inline script (JS lives in static/js/).
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.security import world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_secure_headers(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{where}: no CSP header"
    d = _directives(csp)
    scripts = d.get("script-src", d.get("default-src"))
    assert scripts == ["'self'"], f"{where}: script-src {scripts}"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert d.get("object-src") == ["'none'"], where
    assert d.get("frame-ancestors") == ["'none'"], where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where


@pytest.fixture
def responses(login, bureau, township_official, county, school_a, township_a):
    """One response of each kind: pages, errors, a redirect, a file, an xlsx, a PDF, the public page."""
    from surveys import services as survey_services

    rows = world.rectification_rows(bureau, county)
    paper = world.case_with_paperwork(township_official, township_a, school_a)
    survey = world.survey_rows(bureau, county, school_a)
    survey_services.survey_open(user=bureau, survey=survey.survey)
    staff = login(bureau)
    anonymous = Client()
    return {
        "login page": anonymous.get(reverse("login")),
        "redirect to login": anonymous.get(reverse("home")),
        "home": staff.get(reverse("home")),
        "list page": staff.get(reverse("schools:list")),
        "404": staff.get("/schools/9999999999/"),
        "403": login(township_official).get(reverse("rectification:list")),
        "405": staff.post(reverse("dropout_control:list")),
        "file download": staff.get(reverse("rectification:evidence_download", args=[rows.evidence.pk])),
        "xlsx export": staff.get(reverse("rectification:export")),
        "notice pdf": login(township_official).get(
            reverse("dropout_control:notice_pdf", args=[paper.notice.pk])
        ),
        "public survey page": anonymous.get(reverse("surveys:answer", args=[survey.invitation.token])),
        "health check": anonymous.get(reverse("ops:healthz")),
        "admin login": anonymous.get("/admin/login/"),
    }


def test_every_kind_of_response_carries_the_security_headers(responses):
    for where, response in responses.items():
        assert_secure_headers(response, where)


def test_files_are_sent_as_attachments_with_their_type(responses):
    for where in ("file download", "xlsx export", "notice pdf"):
        response = responses[where]
        assert response.status_code == 200, where
        assert response.headers["Content-Disposition"].startswith("attachment"), where
        assert response.headers["Content-Type"] != "text/html", where


def test_session_and_csrf_cookies_are_httponly_and_samesite(bureau):
    client = Client()
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "bureau", "password": "Demo-pass-2025"})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


# --- templates --------------------------------------------------------------------------------


def _served_templates() -> list[Path]:
    found = []
    for base in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" in base.parts:
            continue
        for path in base.rglob("*.html"):
            # PDF templates are rendered by WeasyPrint, never served as HTML.
            if "pdf" in path.relative_to(base).parts:
                continue
            found.append(path)
    return sorted(found)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_there_are_templates_to_scan():
    names = {p.name for p in _served_templates()}
    assert {"base.html", "login.html"} <= names and len(names) > 40


def test_no_template_has_inline_script_event_handlers_or_javascript_urls():
    problems = []
    for path in _served_templates():
        text = path.read_text()
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (EVENT_HANDLER, "inline event handler"),
            (JS_URL, "javascript: URL"),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert problems == []


def test_the_scan_would_catch_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js"></script>')
    assert EVENT_HANDLER.search('<button type="button"\n onclick="go()">')
    assert not EVENT_HANDLER.search('<a href="/x" class="online">')
    assert JS_URL.search('<a href="javascript:alert(1)">')


def test_pages_with_svg_charts_carry_no_inline_script(login, bureau, county, school_a, school_b):
    """pygal embeds a <script> in every chart; the apps cut it out before the SVG is inlined."""
    from indicators.services import assessment_run_now

    world.small_county(school_a, school_b)
    assessment = assessment_run_now(county=county, year=2025, scheme="quality-2017", user=bureau)
    client = login(bureau)
    for url in (
        reverse("indicators:detail", args=[assessment.pk]),
        reverse("dashboard:overview"),
        reverse("dashboard:trends"),
        reverse("accounts:otp_setup"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not INLINE_SCRIPT.search(body), url
        assert not EVENT_HANDLER.search(body), url
    assert "<svg" in client.get(reverse("indicators:detail", args=[assessment.pk])).content.decode()


# --- HTTPS --------------------------------------------------------------------------------------


def _production_env(tmp_path, **extra) -> dict:
    # The test run's own switches (a test database, eager Celery, async-unsafe for the live server)
    # are not production's.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "TEST_DATABASE", "CELERY_", "DEBUG", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(
        {
            "HTTPS": "true",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "yjpt.example.gov.cn",
            "DATA_DIR": str(tmp_path / "data"),
        },
        **extra,
    )
    return env


def test_the_deploy_check_passes_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_https_turns_on_hsts_secure_cookies_and_the_redirect(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="balance_inspect.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    hsts, subdomains, session_secure, csrf_secure, redirect = result.stdout.split()
    assert int(hsts) >= 31536000 and subdomains == session_secure == csrf_secure == redirect == "True"


def test_a_secure_response_carries_hsts_and_secure_cookies(settings, bureau):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    page = client.get(reverse("login"), secure=True)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.cookies["csrftoken"]["secure"]
    response = client.post(
        reverse("login"), {"username": "bureau", "password": "Demo-pass-2025"}, secure=True
    )
    assert response.cookies["sessionid"]["secure"]


def test_plain_http_gets_no_hsts_by_default():
    assert "Strict-Transport-Security" not in Client().get(reverse("login")).headers
